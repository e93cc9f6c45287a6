"""Tests of mlkit.plotting and mlkit.progress: every helper runs on small data, returns
the documented object, leaves no extra figures open, and never prints."""

import re
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.animation import FuncAnimation  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from mlkit import plotting as P  # noqa: E402
from mlkit.progress import progress, trange  # noqa: E402


@pytest.fixture(autouse=True)
def no_leaks(capsys):
    """Each test closes what it opened and prints nothing."""
    plt.close("all")
    yield
    out = capsys.readouterr()
    assert out.out == "", f"printed: {out.out!r}"
    assert plt.get_fignums() == [], "a figure was left open"


def _close(obj):
    fig = obj if isinstance(obj, Figure) else obj.figure
    plt.close(fig)


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _todo(z):
    raise NotImplementedError()


def _xy(n=40, seed=0, classes=2):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    y = (X[:, 0] > 0).astype(int) if classes == 2 else rng.integers(0, classes, n)
    return X, y


def test_set_style_idempotent():
    before = dict(plt.rcParams)
    try:
        P.set_style()
        once = dict(plt.rcParams)
        P.set_style()
        assert dict(plt.rcParams) == once
        assert tuple(plt.rcParams["figure.figsize"]) == (6.0, 4.0)
        assert plt.rcParams["axes.prop_cycle"].by_key()["color"][0] == P.COLORS[0]
    finally:
        plt.rcParams.update(before)


def test_plot_activations_two_panels():
    fig = P.plot_activations({
        "sigmoid": (_sigmoid, lambda z: _sigmoid(z) * (1 - _sigmoid(z))),
        "tanh": (np.tanh, None),
        "relu": lambda z: np.maximum(z, 0),
    })
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    left, right = fig.axes
    assert len([l for l in left.lines if l.get_label() in ("sigmoid", "tanh", "relu")]) == 3
    assert [l.get_label() for l in right.lines if not l.get_label().startswith("_")] == ["sigmoid'"]
    _close(fig)


def test_plot_activations_tolerates_not_implemented():
    fig = P.plot_activations({"todo": (_todo, _todo), "tanh": (np.tanh, _todo),
                              "sig": (_sigmoid, None)})
    left, right = fig.axes
    left_labels = [t.get_text() for t in left.get_legend().get_texts()]
    right_labels = [t.get_text() for t in right.get_legend().get_texts()]
    assert any("todo" in s and "not implemented" in s for s in left_labels)
    assert "tanh" in left_labels and "sig" in left_labels
    assert any("tanh" in s and "not implemented" in s for s in right_labels)
    _close(fig)


def test_plot_activations_other_errors_propagate():
    def bad(z):
        raise ZeroDivisionError
    with pytest.raises(ZeroDivisionError):
        P.plot_activations({"bad": (bad, None)})
    plt.close("all")


def test_plot_activations_on_given_axes():
    fig, axes = plt.subplots(1, 2)
    out = P.plot_activations({"tanh": (np.tanh, lambda z: 1 - np.tanh(z) ** 2)},
                             z=np.linspace(-2, 2, 11), axes=axes)
    assert out is fig
    _close(fig)


def test_decision_boundary_labels():
    X, y = _xy()
    n_figs = len(plt.get_fignums())
    ax = P.plot_decision_boundary(lambda G: (G[:, 0] > 0).astype(int), X, y, resolution=30,
                                  title="labels")
    assert isinstance(ax, Axes) and ax.get_title() == "labels"
    assert len(plt.get_fignums()) == n_figs + 1
    assert len(ax.figure.axes) == 1  # no colour bar for labels
    _close(ax)


def test_decision_boundary_multiclass_and_scores():
    X, y = _xy(classes=3)
    ax = P.plot_decision_boundary(lambda G: np.column_stack([G[:, 0], G[:, 1], -G.sum(1)]),
                                  X, y, resolution=25)
    assert isinstance(ax, Axes)
    _close(ax)


def test_decision_boundary_probabilities():
    X, y = _xy()
    calls = []

    def predict_proba(G):
        calls.append(G.shape)
        return _sigmoid(3 * G[:, 0])

    ax = P.plot_decision_boundary(predict_proba, X, y, resolution=20)  # float output: auto
    assert calls == [(400, 2)]
    assert len(ax.figure.axes) == 2  # the probability colour bar
    _close(ax)
    fig, ax2 = plt.subplots()
    out = P.plot_decision_boundary(lambda G: (G[:, 0] > 0).astype(float), X, y, ax=ax2,
                                   resolution=20, proba=True, colorbar=False)
    assert out is ax2 and len(fig.axes) == 1
    _close(fig)


def test_decision_boundary_rejects_non_2d():
    with pytest.raises(ValueError):
        P.plot_decision_boundary(lambda G: G[:, 0], np.zeros((5, 3)), np.zeros(5, int))


def test_plot_points_and_fit():
    X, y = _xy()
    ax = P.plot_points(X, y, title="data")
    assert isinstance(ax, Axes) and ax.get_title() == "data"
    _close(ax)

    x = np.linspace(-1, 1, 20)
    t = np.sin(3 * x)
    xg = np.linspace(-1, 1, 50)
    ax = P.plot_fit(x, t, xg, np.sin(3 * xg), label="H=5")
    P.plot_fit(x, t, xg[:, None], 0.9 * np.sin(3 * xg)[:, None], ax=ax, label="H=50")
    assert len(ax.lines) == 2
    assert len(ax.collections) == 1  # the data are drawn once
    _close(ax)


def test_plot_curves_skips_scalars_and_marks_best():
    hist = {"train_loss": [1.0, 0.5, 0.3], "val_loss": [1.1, 0.6, 0.7], "best_epoch": 1}
    ax = P.plot_curves(hist, logy=True)
    assert isinstance(ax, Axes) and ax.get_yscale() == "log"
    labels = [l.get_label() for l in ax.lines]
    assert "train_loss" in labels and "val_loss" in labels and "best epoch (1)" in labels
    _close(ax)


def test_liveplot_outside_kernel_draws_once_at_close():
    n_figs = len(plt.get_fignums())
    live = P.LivePlot(metrics=("loss", "acc"), every=1)
    assert not live.live
    for epoch in range(5):
        live.update(epoch, train_loss=1 / (epoch + 1), val_loss=1.2 / (epoch + 1),
                    val_acc=0.5 + 0.1 * epoch)
        assert len(plt.get_fignums()) == n_figs  # nothing drawn during the loop
    fig = live.close()
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    assert len(plt.get_fignums()) == n_figs + 1
    assert live.close() is fig and len(plt.get_fignums()) == n_figs + 1  # idempotent
    assert live.history["val_acc"] == pytest.approx([0.5, 0.6, 0.7, 0.8, 0.9])
    loss_ax, acc_ax = fig.axes
    assert {l.get_label() for l in loss_ax.lines} == {"train_loss", "val_loss"}
    assert {l.get_label() for l in acc_ax.lines} == {"val_acc"}
    assert "0x" not in repr(live)
    _close(fig)


def test_liveplot_context_manager_and_unknown_metric(monkeypatch):
    monkeypatch.setenv("MLKIT_LIVE", "0")
    with P.LivePlot(metrics=[("a", "b")], logy=True) as live:
        live.update(0, a=1.0, b=2.0)
        live.update(1, a=0.5)
        with pytest.raises(ValueError):
            live.update(2, unknown=1.0)
    assert live.fig is not None and live.fig.axes[0].get_yscale() == "log"
    _close(live.fig)


def test_liveplot_in_fake_kernel_shows_one_output(monkeypatch):
    """Inside a kernel: one display output (updated in place), no pyplot figure."""
    shown = []

    class Handle:
        def update(self, obj):
            shown.append(("update", obj))

    def fake_display(obj, display_id=None):
        shown.append(("display", obj))
        return Handle()

    import IPython.display
    monkeypatch.setattr(P, "_in_kernel", lambda: True)
    monkeypatch.setattr(IPython.display, "display", fake_display)
    for live_env, n_updates in (("1", 3), ("0", 0)):
        monkeypatch.setenv("MLKIT_LIVE", live_env)
        shown.clear()
        live = P.LivePlot(every=2)
        for step in range(6):
            live.update(step, loss=1.0 / (step + 1))
        fig = live.close()
        kinds = [k for k, _ in shown]
        assert kinds.count("display") == 1
        assert kinds.count("update") == n_updates
        assert plt.get_fignums() == []  # not a pyplot figure: never shown twice
        assert isinstance(fig, Figure)


def test_digits_confusion_weights():
    rng = np.random.default_rng(0)
    imgs = rng.random((12, 784))
    labels = rng.integers(0, 10, 12)
    preds = labels.copy()
    preds[:3] = (preds[:3] + 1) % 10
    ax = P.plot_digits(imgs, labels, preds, ncols=6)
    texts = ax.texts
    assert len(texts) == 12
    assert sum(t.get_color() == "red" for t in texts) == 3
    _close(ax)
    ax = P.plot_digits(imgs.reshape(12, 28, 28))
    assert isinstance(ax, Axes)
    _close(ax)

    ax = P.plot_confusion_matrix(labels, preds, num_classes=10)
    assert "75.0%" in ax.get_title()
    _close(ax)
    scores = np.eye(3)[[0, 1, 2, 2]]
    ax = P.plot_confusion_matrix([0, 1, 2, 1], scores, num_classes=3, normalize=True)
    assert isinstance(ax, Axes)
    _close(ax)

    ax = P.plot_weights_as_images(rng.normal(size=(784, 16)), ncols=8)
    assert isinstance(ax, Axes)
    _close(ax)
    with pytest.raises(ValueError, match="bias"):
        P.plot_weights_as_images(np.zeros((785, 10)))


def _bowl(p):
    return p[0] ** 2 + 10 * p[1] ** 2


def test_loss_surface_path_function_forms():
    path = np.array([[2.0, 1.0], [1.0, 0.5], [0.5, 0.1], [0.1, 0.0]])
    point_only = lambda p: float(np.dot(p, p))  # noqa: E731 - works on one point only
    for f in (_bowl, lambda x, y: x ** 2 + 10 * y ** 2, point_only):
        ax = P.plot_loss_surface_path(f, {"gd": path, "momentum": path[::2]}, (-3, 3), (-2, 2),
                                      resolution=30, minimum=(0, 0))
        assert isinstance(ax, Axes) and ax.get_xlim() == (-3, 3)
        _close(ax)
    ax = P.plot_loss_surface_path(_bowl, {"gd": path}, (-3, 3), (-2, 2), logscale=True,
                                  resolution=30)
    _close(ax)


def test_animate_paths_small():
    path = np.array([[2.0, 1.0], [1.0, 0.5], [0.5, 0.1], [0.1, 0.0]])
    anim = P.animate_paths(_bowl, {"gd": path}, (-3, 3), (-2, 2), max_frames=3, resolution=20)
    assert isinstance(anim, FuncAnimation)
    assert plt.get_fignums() == []
    assert "0x" not in repr(anim)
    html = anim.to_jshtml()
    assert "<script" in html


def test_animation_player_plays_offline_and_is_deterministic():
    """The player's HTML loads nothing from the network (matplotlib's links a Font Awesome
    stylesheet on a CDN for its button icons) and is the same on every run."""
    path = np.array([[2.0, 1.0], [1.0, 0.5], [0.5, 0.1], [0.1, 0.0]])
    htmls = [P.animate_paths(_bowl, {"Adam": path}, (-3, 3), (-2, 2), max_frames=3,
                             resolution=20).to_jshtml() for _ in range(2)]
    html = htmls[0]
    assert not re.search(r"https?://", html), re.findall(r".{40}https?://.{40}", html)
    assert "font-awesome" not in html and 'class="fa ' not in html
    assert "\u25b6" in html and "\u275a" in html  # play and pause buttons as symbols
    assert htmls[0] == htmls[1]


def test_paths_take_the_optimizers_colours():
    path = np.array([[2.0, 1.0], [1.0, 0.5]])
    ax = P.plot_loss_surface_path(_bowl, {"Momentum (lr 0.01)": path, "Newton": path,
                                          "Adam": path}, (-3, 3), (-2, 2), resolution=20)
    colors = {line.get_label(): line.get_color() for line in ax.get_lines()}
    assert colors["Momentum (lr 0.01)"] == P.concept_color("Momentum")
    assert colors["Adam"] == P.concept_color("Adam")
    assert colors["Newton"] not in {P.concept_color(n) for n in ("SGD", "Momentum", "Nesterov",
                                                                  "AdaGrad", "RMSProp", "Adam")}
    _close(ax)


def test_loglog_error():
    hs = np.logspace(-8, -1, 8)
    errs = {"forward": hs + 1e-16 / hs, "central": hs ** 2 + 1e-16 / hs,
            "exact": np.zeros_like(hs)}
    ax = P.plot_loglog_error(hs, errs, slopes=(1, 2))
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    _close(ax)


def test_progress_enabled_and_disabled(monkeypatch, capsys):
    monkeypatch.setenv("MLKIT_PROGRESS", "0")
    bar = progress(range(5), desc="x")
    assert bar.disable and list(bar) == [0, 1, 2, 3, 4]
    assert list(trange(3)) == [0, 1, 2]
    manual = progress(total=4)
    manual.update(4)
    manual.close()
    assert capsys.readouterr().err == ""

    monkeypatch.setenv("MLKIT_PROGRESS", "1")
    bar = progress(range(3), desc="x", mininterval=0)
    assert not bar.disable and list(bar) == [0, 1, 2]
    assert "x" in capsys.readouterr().err
    assert progress(range(3), disable=True).disable


def _two_paths(lr, mu=0.5):
    calls.append((lr, mu))
    path = np.array([[2.0, 1.0], [2.0 - lr, 1.0 - mu], [0.0, 0.0]])
    return {"a": path, "b": path[::-1]}


calls = []


def test_interactive_paths_static_outside_a_kernel():
    calls.clear()
    ax = P.interactive_paths(_bowl, _two_paths, {"lr": (0.01, 1.0, 0.1, "log"),
                                                 "mu": (0.0, 0.99, 0.9)},
                             (-3, 3), (-2, 2), resolution=20, minimum=(0, 0))
    assert isinstance(ax, Axes)
    assert calls == [(0.1, 0.9)]
    labels = [l.get_label() for l in ax.lines if not l.get_label().startswith("_")]
    assert labels == ["a", "b", "minimum"]
    assert "lr = 0.1" in ax.get_title() and "mu = 0.9" in ax.get_title()
    _close(ax)


def test_interactive_paths_rejects_bad_controls():
    for spec in [(0.0, 1.0), (0.0, 1.0, 2.0), (0.0, 1.0, 0.5, "log"), (1, 2, 1.5, "lin")]:
        with pytest.raises(ValueError):
            P.interactive_paths(_bowl, _two_paths, {"lr": spec}, (-3, 3), (-2, 2))
    assert plt.get_fignums() == []


def test_interactive_paths_widget_in_a_kernel(monkeypatch):
    """In a kernel: sliders + output widget, a PNG fallback in the same bundle, a redraw
    with the slider values on change, and no pyplot figure left behind."""
    import IPython.display
    ipywidgets = pytest.importorskip("ipywidgets")
    shown = []
    monkeypatch.setattr(P, "_in_kernel", lambda: True)
    monkeypatch.setenv("MLKIT_LIVE", "1")
    monkeypatch.setattr(IPython.display, "display", lambda obj, **kw: shown.append((obj, kw)))
    calls.clear()
    out = P.interactive_paths(_bowl, _two_paths, {"lr": (0.01, 1.0, 0.1, "log"),
                                                  "mu": (0.0, 0.99, 0.9)},
                              (-3, 3), (-2, 2), resolution=20)
    assert out is None and plt.get_fignums() == []
    bundle, kw = [s for s in shown if isinstance(s[0], dict)][-1]
    assert kw.get("raw") is True
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["image/png"] and bundle["text/plain"] == "<interactive figure: lr, mu>"
    assert calls == [(0.1, 0.9)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # Widget.widgets: no other API
        box = ipywidgets.Widget.widgets[bundle["application/vnd.jupyter.widget-view+json"]
                                        ["model_id"]]
    assert box.children[-1].outputs[0]["data"]["image/png"] == bundle["image/png"]
    lr_slider, mu_slider = box.children[:2]
    mu_slider.value = 0.5
    assert calls[-1] == (pytest.approx(0.1), 0.5)
    assert box.children[-1].outputs[0]["data"]["image/png"] != bundle["image/png"]
    assert plt.get_fignums() == []


def test_a_concept_has_one_colour_everywhere():
    """tanh is drawn in tanh's colour by plot_activations whatever its position, and names
    are matched case-insensitively; an unknown name gets the default."""
    fig = P.plot_activations({"ReLU": np.tanh, "tanh": np.tanh})
    colors = [line.get_color() for line in fig.axes[0].get_lines() if line.get_label() in ("ReLU", "tanh")]
    assert colors == [P.concept_color("relu"), P.concept_color("TANH")]
    assert P.concept_color("relu") != P.concept_color("tanh")
    assert P.concept_color("no such thing", "#000000") == "#000000"
    plt.close(fig)
