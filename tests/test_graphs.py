"""Tests of mlkit.graphs: draw_graph draws one circle per node and one arrow per edge, writes
the values, gradients and edge labels it is given, rejects unknown names, and never prints
or leaves figures open."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.patches import Circle  # noqa: E402
from matplotlib.text import Annotation  # noqa: E402

from mlkit import graphs  # noqa: E402

NODES = {"x": (0, 1, "$x$"), "y": (0, 0), "q": (2, 0.5, "+")}
EDGES = [("x", "q"), ("y", "q")]


@pytest.fixture(autouse=True)
def no_leaks(capsys):
    plt.close("all")
    yield
    assert capsys.readouterr().out == ""
    plt.close("all")


def _texts(ax):
    return [t.get_text() for t in ax.texts if not isinstance(t, Annotation)]


def test_draws_nodes_edges_values_and_gradients():
    ax = graphs.draw_graph(NODES, EDGES, values={"x": 1.0, "y": 2, "q": "q = 3"},
                           grads={"x": 1.5, "q": 1}, edge_labels={("x", "q"): "w: 0.25"},
                           title="graph")
    assert isinstance(ax, Axes)
    assert sum(isinstance(p, Circle) for p in ax.patches) == len(NODES)
    assert sum(isinstance(t, Annotation) for t in ax.texts) == len(EDGES)
    texts = _texts(ax)
    for expected in ("$x$", "y", "+", "1", "2", "q = 3", "1.5", "w: 0.25"):
        assert expected in texts, expected
    assert ax.get_title() == "graph"
    grad_text = next(t for t in ax.texts if t.get_text() == "1.5")
    assert grad_text.get_color() == graphs.GRAD_COLOR
    # Every node lies inside the limits, with room for the numbers.
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    assert x0 < 0 and x1 > 2 and y0 < 0 and y1 > 1


def test_draws_on_a_given_axes_without_a_legend():
    fig, ax = plt.subplots()
    out = graphs.draw_graph(NODES, EDGES, ax=ax, legend=False)
    assert out is ax
    assert len(plt.get_fignums()) == 1
    assert all("forward value" not in t for t in _texts(ax))


def test_numbers_are_short():
    ax = graphs.draw_graph({"a": (0, 0)}, [], values={"a": 1 / 3}, grads={"a": -2e-9})
    texts = _texts(ax)
    assert "0.3333" in texts and "-2e-09" in texts


@pytest.mark.parametrize("kwargs, match", [
    ({"edges": [("x", "nope")]}, "unknown node 'nope'"),
    ({"values": {"nope": 1}}, "unknown node 'nope'"),
    ({"grads": {"nope": 1}}, "unknown node 'nope'"),
    ({"edge_labels": {("y", "x"): "w"}}, "unknown edge"),
    ({"nodes": {"x": (0,)}}, "expected \\(x, y\\)"),
])
def test_rejects_unknown_names(kwargs, match):
    args = {"nodes": NODES, "edges": EDGES, **kwargs}
    nodes, edges = args.pop("nodes"), args.pop("edges")
    with pytest.raises(ValueError, match=match):
        graphs.draw_graph(nodes, edges, **args)


def test_a_long_label_is_shrunk_to_fit_inside_its_node():
    """ "tanh" at the default size is wider than a small circle: it is made smaller until it
    fits, while a one-character label keeps its size."""
    fig, ax = plt.subplots(figsize=(4, 2), layout="constrained")
    graphs.draw_graph({"a": (0, 0, "+"), "t": (12, 0, "tanh")}, [("a", "t")], ax=ax,
                      radius=0.3)
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    label = {t.get_text(): t for t in ax.texts if not isinstance(t, Annotation)}
    diameter = abs(ax.transData.transform((0.6, 0))[0] - ax.transData.transform((0, 0))[0])
    assert label["tanh"].get_window_extent(renderer).width <= diameter
    assert label["tanh"].get_fontsize() < 11 and label["+"].get_fontsize() == 11
