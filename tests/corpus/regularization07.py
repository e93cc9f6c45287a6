"""Corpus of student implementations for the graded exercises of 07_regularization.

``WRONG[exercise]`` and ``CORRECT[exercise]`` are lists of ``(label, source)``: what a
student would type into the exercise's solution cell, with ``np`` imported and the other
exercises' (reference) functions and the given code of notebooks 02 and 04 defined, as in a
notebook run top to bottom. ``tests/test_corpus.py`` runs them on 20 seeds.

Dropout draws from ``rng`` in whatever way a student likes, so several CORRECT entries draw
their masks differently from the reference (``>= p_drop``, ``rng.binomial``, ``rng.uniform``):
they must still get full marks.

``predict`` needs a trained model file beside the notebook, which the generic corpus test
does not provide: ``PREDICT_WRONG`` / ``PREDICT_CORRECT`` are run by
``tests/test_regularization07.py`` in a folder holding the ``final_model.npz`` that
``write_final_model`` makes with the reference's ``train_final_model``.
"""

import functools
import shutil
import tempfile
from pathlib import Path

from corpus import entries as _entries

ASSIGNMENT = "07_regularization"
EXERCISES = {
    "dropout": ("dropout_forward", "dropout_backward"),
    "noise": ("add_gaussian_noise",),
    "mlp_loss_dropout": ("mlp_loss_dropout",),
}
QUANTITY = r"\bout\b|\bdX\b|\bgrads\b|\bloss\b|\bnoise\b"
# Wrong entries caught by statistics or by the masks a draw happens to give: checked on 300 seeds.
SWEEP = [
    ("dropout", "keeps each entry with probability p_drop (p_keep / p_drop confused)"),
    ("dropout", "one mask per column, shared by all rows"),
    ("mlp_loss_dropout", "dropout after the first hidden layer only"),
    ("mlp_loss_dropout", "a new mask in the backward pass (forward and backward masks differ)"),
]
MODEL_FILE = "final_model.npz"


@functools.lru_cache(maxsize=1)
def _trained_model():
    """Path of a final_model.npz trained once per process with the reference's
    train_final_model (a few seconds of CPU), in a temporary folder."""
    import numpy as np

    from autograde.course import reference
    from mlkit.datasets import load_mnist
    ref = reference(ASSIGNMENT)
    params = ref["train_final_model"](*load_mnist("4k"), np.random.default_rng(0))
    folder = Path(tempfile.mkdtemp(prefix="final-model-"))
    ref["save_model"](params, str(folder / MODEL_FILE))
    return folder / MODEL_FILE


def write_final_model(folder):
    """Put the reference solution's final_model.npz into folder (e.g. a submission folder)."""
    target = Path(folder) / MODEL_FILE
    shutil.copyfile(_trained_model(), target)
    return target


_DROPOUT_BACKWARD_OK = """
    def dropout_backward(dout, cache):
        return dout if cache is None else dout * cache
"""


def _forward_with(body):
    """A wrong dropout_forward (given its body) with the correct backward for its mask cache."""
    return f"""
        def dropout_forward(X, p_drop, train=True, rng=None):
{body}

        def dropout_backward(dout, cache):
            return dout if cache is None else dout * cache
    """


WRONG = {
    "dropout": _entries(
        ("keeps each entry with probability p_drop (p_keep / p_drop confused)", _forward_with("""
            if not train:
                return X.copy(), None
            mask = (rng.random(X.shape) < p_drop) / (1 - p_drop)
            return X * mask, mask""")),
        ("no 1/(1 - p) scaling in training", _forward_with("""
            if not train:
                return X.copy(), None
            mask = (rng.random(X.shape) < 1 - p_drop).astype(float)
            return X * mask, mask""")),
        ("scales the kept entries by 1/p_drop", _forward_with("""
            if not train:
                return X.copy(), None
            mask = (rng.random(X.shape) < 1 - p_drop) / p_drop
            return X * mask, mask""")),
        ("non-inverted: no scale in training, multiplied by 1 - p at evaluation", _forward_with("""
            if not train:
                return X * (1 - p_drop), None
            mask = (rng.random(X.shape) < 1 - p_drop).astype(float)
            return X * mask, mask""")),
        ("drops in evaluation mode too (train ignored)", _forward_with("""
            mask = (rng if rng is not None else np.random.default_rng()).random(X.shape) < 1 - p_drop
            mask = mask / (1 - p_drop)
            return X * mask, mask""")),
        ("np.random instead of rng", _forward_with("""
            if not train:
                return X.copy(), None
            mask = (np.random.random(X.shape) < 1 - p_drop) / (1 - p_drop)
            return X * mask, mask""")),
        ("the same mask at every call (a generator seeded inside)", _forward_with("""
            if not train:
                return X.copy(), None
            mask = (np.random.default_rng(0).random(X.shape) < 1 - p_drop) / (1 - p_drop)
            return X * mask, mask""")),
        ("one mask per column, shared by all rows", _forward_with("""
            if not train:
                return X.copy(), None
            mask = (rng.random(X.shape[-1]) < 1 - p_drop) / (1 - p_drop)
            return X * mask, np.broadcast_to(mask, X.shape)""")),
        ("modifies X in place", _forward_with("""
            if not train:
                return X, None
            mask = (rng.random(X.shape) < 1 - p_drop) / (1 - p_drop)
            X *= mask
            return X, mask""")),
        ("backward ignores the mask (returns dout)", """
            def dropout_forward(X, p_drop, train=True, rng=None):
                if not train:
                    return X.copy(), None
                mask = (rng.random(X.shape) < 1 - p_drop) / (1 - p_drop)
                return X * mask, mask

            def dropout_backward(dout, cache):
                return dout.copy()
        """),
        ("backward masks but forgets the scale", """
            def dropout_forward(X, p_drop, train=True, rng=None):
                if not train:
                    return X.copy(), None
                keep = rng.random(X.shape) < 1 - p_drop
                return X * keep / (1 - p_drop), keep

            def dropout_backward(dout, cache):
                return dout if cache is None else dout * cache
        """),
        ("backward draws a new mask", """
            def dropout_forward(X, p_drop, train=True, rng=None):
                if not train:
                    return X.copy(), None
                mask = (rng.random(X.shape) < 1 - p_drop) / (1 - p_drop)
                return X * mask, p_drop

            def dropout_backward(dout, cache):
                if cache is None:
                    return dout
                return dout * (np.random.random(dout.shape) < 1 - cache) / (1 - cache)
        """),
        ("backward reads the mask of the last forward call (a global)", """
            _last = {}

            def dropout_forward(X, p_drop, train=True, rng=None):
                if not train:
                    _last["mask"] = None
                    return X.copy(), None
                _last["mask"] = (rng.random(X.shape) < 1 - p_drop) / (1 - p_drop)
                return X * _last["mask"], None

            def dropout_backward(dout, cache):
                return dout if _last["mask"] is None else dout * _last["mask"]
        """),
    ),
    "noise": _entries(
        ("sigma used as the variance (std sigma**2)", """
            def add_gaussian_noise(X, sigma, rng):
                return X + rng.normal(0.0, sigma ** 2, size=X.shape)
        """),
        ("std sqrt(sigma)", """
            def add_gaussian_noise(X, sigma, rng):
                return X + rng.normal(0.0, np.sqrt(sigma), size=X.shape)
        """),
        ("sigma forgotten (std 1)", """
            def add_gaussian_noise(X, sigma, rng):
                return X + rng.standard_normal(X.shape)
        """),
        ("np.random instead of rng", """
            def add_gaussian_noise(X, sigma, rng):
                return X + np.random.normal(0.0, sigma, size=X.shape)
        """),
        ("a fresh unseeded generator instead of rng", """
            def add_gaussian_noise(X, sigma, rng):
                return X + np.random.default_rng().normal(0.0, sigma, size=X.shape)
        """),
        ("a generator seeded inside (the same noise every call)", """
            def add_gaussian_noise(X, sigma, rng):
                return X + np.random.default_rng(0).normal(0.0, sigma, size=X.shape)
        """),
        ("adds the noise to X in place", """
            def add_gaussian_noise(X, sigma, rng):
                X += rng.normal(0.0, sigma, size=X.shape)
                return X
        """),
        ("multiplicative noise X * (1 + noise)", """
            def add_gaussian_noise(X, sigma, rng):
                return X * (1.0 + rng.normal(0.0, sigma, size=X.shape))
        """),
        ("uniform noise with standard deviation sigma", """
            def add_gaussian_noise(X, sigma, rng):
                a = sigma * np.sqrt(3.0)
                return X + rng.uniform(-a, a, size=X.shape)
        """),
        ("returns the noise alone", """
            def add_gaussian_noise(X, sigma, rng):
                return rng.normal(0.0, sigma, size=X.shape)
        """),
        ("one noise value per row, shared by its entries", """
            def add_gaussian_noise(X, sigma, rng):
                X = np.asarray(X, dtype=float)
                return X + rng.normal(0.0, sigma, size=X.shape[:-1] + (1,))
        """),
    ),
    "mlp_loss_dropout": _entries(),  # filled below
}


def _mlp(forward_hidden="H, dc = dropout_forward(A, p_drop, train=train, rng=rng)",
         scores="H = Z", before="", backward_hidden=("dH = backward[activation](dropout_backward(dH, dc), "
                                                    "ac)"),
         penalty="penalty, pg = l2_penalty(params, reg)", inputs="", act_line=""):
    """An mlp_loss_dropout in the reference's shape with one part replaced."""
    return f"""
        def mlp_loss_dropout(params, X, y, p_drop, train, rng, activation="relu", reg=0.0):
            {act_line or "pass"}
            forward = {{"relu": relu_forward, "sigmoid": sigmoid_forward, "tanh": tanh_forward}}
            backward = {{"relu": relu_backward, "sigmoid": sigmoid_backward, "tanh": tanh_backward}}
            L = sum(1 for key in params if key.startswith("W"))
            H, caches = X, []
            {inputs or "pass"}
            for l in range(1, L + 1):
                Z, lc = linear_forward(H, params[f"W{{l}}"], params[f"b{{l}}"])
                {before or "pass"}
                if l < L:
                    A, ac = forward[activation](Z)
                    {forward_hidden}
                    caches.append((lc, ac, dc))
                else:
                    {scores}
                    caches.append((lc, None, None))
            loss, dH = softmax_cross_entropy(H, y)
            grads = {{}}
            for l in range(L, 0, -1):
                lc, ac, dc = caches[l - 1]
                if l < L:
                    {backward_hidden}
                dH, grads[f"W{{l}}"], grads[f"b{{l}}"] = linear_backward(dH, lc)
            {penalty}
            return loss + penalty, {{k: grads[k] + pg[k] for k in grads}}
    """


WRONG["mlp_loss_dropout"] = _entries(
    ("dropout after the last layer too (on the scores)", """
        def mlp_loss_dropout(params, X, y, p_drop, train, rng, activation="relu", reg=0.0):
            forward = {"relu": relu_forward, "sigmoid": sigmoid_forward, "tanh": tanh_forward}
            backward = {"relu": relu_backward, "sigmoid": sigmoid_backward, "tanh": tanh_backward}
            L = sum(1 for key in params if key.startswith("W"))
            H, caches = X, []
            for l in range(1, L + 1):
                Z, lc = linear_forward(H, params[f"W{l}"], params[f"b{l}"])
                if l < L:
                    A, ac = forward[activation](Z)
                else:
                    A, ac = Z, None
                H, dc = dropout_forward(A, p_drop, train=train, rng=rng)
                caches.append((lc, ac, dc))
            loss, dH = softmax_cross_entropy(H, y)
            grads = {}
            for l in range(L, 0, -1):
                lc, ac, dc = caches[l - 1]
                dH = dropout_backward(dH, dc)
                if l < L:
                    dH = backward[activation](dH, ac)
                dH, grads[f"W{l}"], grads[f"b{l}"] = linear_backward(dH, lc)
            penalty, pg = l2_penalty(params, reg)
            return loss + penalty, {k: grads[k] + pg[k] for k in grads}
    """),
    ("dropout on the inputs too", _mlp(
        inputs="H, _ = dropout_forward(X, p_drop, train=train, rng=rng)")),
    ("a new mask in the backward pass (forward and backward masks differ)", _mlp(
        backward_hidden="fresh = dropout_forward(np.ones_like(dH), p_drop, train=train, rng=rng)[1]; "
                        "dH = backward[activation](dropout_backward(dH, fresh), ac)")),
    ("reg ignored (no L2 penalty)", _mlp(
        penalty="penalty, pg = 0.0, {k: np.zeros_like(v) for k, v in params.items()}")),
    ("train flag ignored (dropout in evaluation mode too)", _mlp(
        forward_hidden="H, dc = dropout_forward(A, p_drop, train=True, "
                       "rng=rng if rng is not None else np.random.default_rng())")),
    ("own mask without the 1/(1 - p) scale", _mlp(
        forward_hidden="dc = ((rng.random(A.shape) < 1 - p_drop) if train else np.ones(A.shape)); "
                       "H = A * dc")),
    ("passes the keep probability as p_drop", _mlp(
        forward_hidden="H, dc = dropout_forward(A, 1 - p_drop if train else 0.0, train=train, "
                       "rng=rng)")),
    ("dropout after the first hidden layer only", _mlp(
        forward_hidden="H, dc = dropout_forward(A, p_drop, train=train and l == 1, rng=rng)")),
    ("dropout before the activation (on Z)", """
        def mlp_loss_dropout(params, X, y, p_drop, train, rng, activation="relu", reg=0.0):
            forward = {"relu": relu_forward, "sigmoid": sigmoid_forward, "tanh": tanh_forward}
            backward = {"relu": relu_backward, "sigmoid": sigmoid_backward, "tanh": tanh_backward}
            L = sum(1 for key in params if key.startswith("W"))
            H, caches = X, []
            for l in range(1, L + 1):
                Z, lc = linear_forward(H, params[f"W{l}"], params[f"b{l}"])
                if l < L:
                    Zd, dc = dropout_forward(Z, p_drop, train=train, rng=rng)
                    H, ac = forward[activation](Zd)
                    caches.append((lc, ac, dc))
                else:
                    H = Z
                    caches.append((lc, None, None))
            loss, dH = softmax_cross_entropy(H, y)
            grads = {}
            for l in range(L, 0, -1):
                lc, ac, dc = caches[l - 1]
                if l < L:
                    dH = dropout_backward(backward[activation](dH, ac), dc)
                dH, grads[f"W{l}"], grads[f"b{l}"] = linear_backward(dH, lc)
            penalty, pg = l2_penalty(params, reg)
            return loss + penalty, {k: grads[k] + pg[k] for k in grads}
    """),
    ("activation ignored (always ReLU)", _mlp(act_line="activation = 'relu'")),
    ("evaluation mode multiplies the activations by 1 - p", _mlp(
        forward_hidden="H, dc = dropout_forward(A, p_drop, train=True, rng=rng) if train else "
                       "(A * (1 - p_drop), np.full(A.shape, 1 - p_drop))")),
    ("backward skips the dropout masks", _mlp(
        backward_hidden="dH = backward[activation](dH, ac)")),
    ("biases regularised too", _mlp(
        penalty="penalty = reg * sum(np.sum(v ** 2) for v in params.values()); "
                "pg = {k: 2 * reg * v for k, v in params.items()}")),
)

CORRECT = {
    "dropout": _entries(
        ("mask rng.random(X.shape) >= p_drop, cache (keep, p_drop)", """
            def dropout_forward(X, p_drop, train=True, rng=None):
                if not train:
                    return np.array(X, dtype=float), None
                keep = rng.random(X.shape) >= p_drop
                return np.where(keep, X / (1 - p_drop), 0.0), (keep, p_drop)

            def dropout_backward(dout, cache):
                if cache is None:
                    return dout
                keep, p_drop = cache
                return np.where(keep, dout / (1 - p_drop), 0.0)
        """),
        ("float32 uniforms for the mask, scale applied by division (alternative-correct)", """
            def dropout_forward(X, p_drop, train=True, rng=None):
                X = np.asarray(X, dtype=float)
                if not train:
                    return X.copy(), None
                keep = rng.random(X.shape, dtype=np.float32) < np.float32(1 - p_drop)
                return np.where(keep, X / (1 - p_drop), 0.0), (keep, 1 - p_drop)

            def dropout_backward(dout, cache):
                if cache is None:
                    return np.array(dout, dtype=float)
                keep, q = cache
                return np.where(keep, np.asarray(dout, dtype=float) / q, 0.0)
        """),
        ("rng.binomial mask", """
            def dropout_forward(X, p_drop, train=True, rng=None):
                X = np.asarray(X, dtype=float)
                if train:
                    mask = rng.binomial(1, 1.0 - p_drop, size=X.shape) / (1.0 - p_drop)
                else:
                    mask = np.ones_like(X)
                return X * mask, mask

            def dropout_backward(dout, cache):
                return dout * cache
        """),
        ("rng.uniform(...) > p_drop; evaluation returns X itself; cache dict", """
            def dropout_forward(X, p_drop, train=True, rng=None):
                if not train or p_drop == 0:
                    return X, {"scale": None}
                u = rng.uniform(size=np.shape(X))
                scale = (u > p_drop) * (1.0 / (1.0 - p_drop))
                return np.multiply(X, scale), {"scale": scale}

            def dropout_backward(dout, cache):
                scale = cache["scale"]
                return dout if scale is None else np.multiply(dout, scale)
        """),
        ("a mask drawn with rng.choice", """
            def dropout_forward(X, p_drop, train=True, rng=None):
                X = np.asarray(X, dtype=float)
                if not train:
                    return X.copy(), None
                keep = rng.choice([False, True], size=X.shape, p=[p_drop, 1.0 - p_drop])
                return X * keep / (1.0 - p_drop), (keep, 1.0 - p_drop)

            def dropout_backward(dout, cache):
                if cache is None:
                    return np.asarray(dout, dtype=float).copy()
                keep, q = cache
                return dout * keep / q
        """),
    ),
    "noise": _entries(
        ("sigma * rng.standard_normal(X.shape)", """
            def add_gaussian_noise(X, sigma, rng):
                return X + sigma * rng.standard_normal(X.shape)
        """),
        ("rng.normal(scale=sigma, size=np.shape(X)) + X", """
            def add_gaussian_noise(X, sigma, rng):
                return rng.normal(scale=sigma, size=np.shape(X)) + X
        """),
        ("flat draw reshaped, np.add", """
            def add_gaussian_noise(X, sigma, rng):
                X = np.asarray(X, dtype=float)
                return np.add(X, rng.normal(0.0, sigma, X.size).reshape(X.shape))
        """),
        ("copy first, then add in place on the copy", """
            def add_gaussian_noise(X, sigma, rng):
                out = np.array(X, dtype=float, copy=True)
                out += rng.normal(0.0, sigma, size=out.shape)
                return out
        """),
    ),
    "mlp_loss_dropout": _entries(
        ("own inline dropout with rng.random(A.shape) >= p_drop", """
            def mlp_loss_dropout(params, X, y, p_drop, train, rng, activation="relu", reg=0.0):
                acts = {"relu": (relu_forward, relu_backward),
                        "sigmoid": (sigmoid_forward, sigmoid_backward),
                        "tanh": (tanh_forward, tanh_backward)}
                fwd, bwd = acts[activation]
                L = len([k for k in params if k[0] == "W"])
                H, stack = X, []
                for l in range(1, L + 1):
                    Z, lc = linear_forward(H, params["W%d" % l], params["b%d" % l])
                    if l == L:
                        stack.append((lc, None, None))
                        H = Z
                        break
                    A, ac = fwd(Z)
                    keep = rng.random(A.shape) >= p_drop if train else np.ones(A.shape, dtype=bool)
                    scale = 1.0 / (1.0 - p_drop) if train else 1.0
                    H = np.where(keep, A * scale, 0.0)
                    stack.append((lc, ac, keep * scale))
                loss, d = softmax_cross_entropy(H, y)
                grads = {}
                for l in range(L, 0, -1):
                    lc, ac, m = stack.pop()
                    if m is not None:
                        d = bwd(d * m, ac)
                    d, grads["W%d" % l], grads["b%d" % l] = linear_backward(d, lc)
                for k in params:
                    if k.startswith("W"):
                        loss = loss + reg * np.sum(params[k] ** 2)
                        grads[k] = grads[k] + 2 * reg * params[k]
                return loss, grads
        """),
        ("float32 uniforms for the masks, kept units divided by 1 - p (alternative-correct)", """
            def mlp_loss_dropout(params, X, y, p_drop, train, rng, activation="relu", reg=0.0):
                fwd, bwd = {"relu": (relu_forward, relu_backward), "sigmoid": (sigmoid_forward, sigmoid_backward),
                            "tanh": (tanh_forward, tanh_backward)}[activation]
                L = len([k for k in params if k.startswith("W")])
                H, stack = X, []
                for l in range(1, L + 1):
                    Z, lc = linear_forward(H, params[f"W{l}"], params[f"b{l}"])
                    if l == L:
                        H = Z
                        stack.append((lc, None, None))
                        continue
                    A, ac = fwd(Z)
                    keep = None
                    if train and p_drop > 0:
                        keep = rng.random(A.shape, dtype=np.float32) >= np.float32(p_drop)
                        A = np.where(keep, A / (1.0 - p_drop), 0.0)
                    H = A
                    stack.append((lc, ac, keep))
                loss, d = softmax_cross_entropy(H, y)
                grads = {}
                for l in range(L, 0, -1):
                    lc, ac, keep = stack[l - 1]
                    if ac is not None:
                        if keep is not None:
                            d = np.where(keep, d / (1.0 - p_drop), 0.0)
                        d = bwd(d, ac)
                    d, grads[f"W{l}"], grads[f"b{l}"] = linear_backward(d, lc)
                penalty, pg = l2_penalty(params, reg)
                return loss + penalty, {k: grads[k] + pg[k] for k in params}
        """),
        ("rng.binomial masks, caches in dicts", """
            def mlp_loss_dropout(params, X, y, p_drop, train, rng, activation="relu", reg=0.0):
                g = {"relu": (relu_forward, relu_backward), "sigmoid": (sigmoid_forward, sigmoid_backward),
                     "tanh": (tanh_forward, tanh_backward)}[activation]
                layers = sorted((k for k in params if k.startswith("W")), key=lambda k: int(k[1:]))
                H, caches = X, []
                for i, key in enumerate(layers):
                    l = key[1:]
                    Z, lc = linear_forward(H, params["W" + l], params["b" + l])
                    entry = {"lin": lc, "l": l}
                    if i + 1 < len(layers):
                        A, entry["act"] = g[0](Z)
                        if train:
                            entry["mask"] = rng.binomial(1, 1 - p_drop, A.shape) / (1 - p_drop)
                            H = A * entry["mask"]
                        else:
                            H = A
                    else:
                        H = Z
                    caches.append(entry)
                loss, d = softmax_cross_entropy(H, y)
                grads = {}
                for entry in reversed(caches):
                    if "act" in entry:
                        d = g[1](d * entry.get("mask", 1.0), entry["act"])
                    d, grads["W" + entry["l"]], grads["b" + entry["l"]] = linear_backward(d, entry["lin"])
                penalty, pg = l2_penalty(params, reg)
                return loss + penalty, {k: grads[k] + pg[k] for k in params}
        """),
        ("mlp_loss when nothing is dropped, else dropout_forward per hidden layer", """
            def mlp_loss_dropout(params, X, y, p_drop, train, rng, activation="relu", reg=0.0):
                if not train or p_drop == 0:
                    return mlp_loss(params, X, y, activation=activation, reg=reg)
                names = {"relu": (relu_forward, relu_backward), "sigmoid": (sigmoid_forward, sigmoid_backward),
                         "tanh": (tanh_forward, tanh_backward)}
                fwd, bwd = names[activation]
                L = sum(k.startswith("W") for k in params)
                out, lin, act, drop = X, [], [], []
                for l in range(1, L + 1):
                    out, c = linear_forward(out, params[f"W{l}"], params[f"b{l}"])
                    lin.append(c)
                    if l < L:
                        out, c = fwd(out)
                        act.append(c)
                        out, c = dropout_forward(out, p_drop, True, rng)
                        drop.append(c)
                loss, d = softmax_cross_entropy(out, y)
                penalty, pg = l2_penalty(params, reg)
                grads = {}
                for l in range(L, 0, -1):
                    if l < L:
                        d = bwd(dropout_backward(d, drop[l - 1]), act[l - 1])
                    d, dW, db = linear_backward(d, lin[l - 1])
                    grads[f"W{l}"], grads[f"b{l}"] = dW + pg[f"W{l}"], db + pg[f"b{l}"]
                return float(loss + penalty), grads
        """),
    ),
}


# --- predict (run by tests/test_regularization07.py, in a folder holding final_model.npz) ------

_FORWARD = """
    def _scores(X):
        params = load_model()
        return mlp_forward(params, np.asarray(X, dtype=float))[0]
"""

PREDICT_WRONG = _entries(
    ("returns the scores", _FORWARD + """
    def predict(X):
        return _scores(X)
    """),
    ("returns softmax probabilities", _FORWARD + """
    def predict(X):
        S = _scores(X)
        E = np.exp(S - S.max(axis=1, keepdims=True))
        return E / E.sum(axis=1, keepdims=True)
    """),
    ("returns one-hot rows", _FORWARD + """
    def predict(X):
        return np.eye(10, dtype=int)[_scores(X).argmax(axis=1)]
    """),
    ("returns float labels", _FORWARD + """
    def predict(X):
        return _scores(X).argmax(axis=1).astype(float)
    """),
    ("argmax over axis 0", _FORWARD + """
    def predict(X):
        return _scores(X).argmax(axis=0)
    """),
    ("labels 1..10 (argmax + 1)", _FORWARD + """
    def predict(X):
        return _scores(X).argmax(axis=1) + 1
    """),
    ("always the same label", """
    def predict(X):
        return np.zeros(len(X), dtype=np.int64)
    """),
    ("dropout left on in predict (random labels)", """
    def predict(X):
        params = load_model()
        H = np.maximum(X @ params["W1"] + params["b1"], 0)
        H = H * (np.random.random(H.shape) < 0.5) / 0.5
        return (H @ params["W2"] + params["b2"]).argmax(axis=1)
    """),
    ("an untrained (random) model", """
    def predict(X):
        rng = np.random.default_rng(0)
        params = {"W1": rng.normal(0, 0.05, (784, 64)), "b1": np.zeros(64),
                  "W2": rng.normal(0, 0.1, (64, 10)), "b2": np.zeros(10)}
        return mlp_forward(params, X)[0].argmax(axis=1)
    """),
    ("a weak model: nearest class mean", """
    _Xt, _yt, _, _ = load_mnist("4k")
    _means = np.stack([_Xt[_yt == k].mean(axis=0) for k in range(10)])

    def predict(X):
        d = ((X[:, None, :] - _means[None, :, :]) ** 2).sum(axis=2)
        return d.argmin(axis=1)
    """),
    ("expects pixels 0..255 (divides by 255 again)", _FORWARD + """
    def predict(X):
        return _scores(X / 255.0).argmax(axis=1)
    """),
    ("writes into X", _FORWARD + """
    def predict(X):
        X[:, 0] = 0.5
        return _scores(X).argmax(axis=1)
    """),
    ("loads a file that is not submitted", """
    def predict(X):
        params = dict(np.load("my_model.npz"))
        return mlp_forward(params, X)[0].argmax(axis=1)
    """),
)

PREDICT_CORRECT = _entries(
    ("load_model and mlp_forward", _FORWARD + """
    def predict(X):
        return np.argmax(_scores(X), axis=1)
    """),
    ("np.load directly, own ReLU forward, int32 labels", """
    def predict(X):
        with np.load("final_model.npz") as f:
            W1, b1, W2, b2 = f["W1"], f["b1"], f["W2"], f["b2"]
        H = np.maximum(0.0, X @ W1 + b1)
        return (H @ W2 + b2).argmax(axis=1).astype(np.int32)
    """),
    ("model loaded once when the cell runs; argmax of probabilities", """
    _params = load_model()

    def predict(X):
        S = mlp_forward(_params, X)[0]
        P = np.exp(S - S.max(axis=1, keepdims=True))
        return np.argmax(P / P.sum(axis=1, keepdims=True), axis=1)
    """),
    ("in batches of 128", """
    def predict(X):
        params = load_model()
        out = [mlp_forward(params, X[i:i + 128])[0].argmax(axis=1) for i in range(0, len(X), 128)]
        return np.concatenate(out).astype(np.int64) if out else np.zeros(0, dtype=np.int64)
    """),
    ("the forward pass in float32 (alternative-correct)", """
    def predict(X):
        params = {k: v.astype(np.float32) for k, v in load_model().items()}
        H = np.maximum(np.asarray(X, dtype=np.float32) @ params["W1"] + params["b1"], 0)
        return np.argmax(H @ params["W2"] + params["b2"], axis=1)
    """),
)
