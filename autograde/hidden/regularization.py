"""Hidden checks of 07_regularization.

Dropout is random, so a correct implementation may draw its mask in any way from ``rng``
(``rng.random(shape) < 1 - p``, ``>= p``, ``rng.binomial``...). The checks therefore judge
what any correct implementation must do, with the student's own mask: read it from their
output (dropout) or from their gradients (mlp_loss_dropout, a batch of one, where a dropped
unit has an exactly zero gradient), then compare every value with the reference computed
with that mask. On top of it: the kept fraction (1 - p_drop, statistically, with wide
margins), the same result for generators in the same state (randomness from ``rng`` only),
a new mask at every call, finite differences with the mask held fixed (the generator
re-seeded for every evaluation), evaluation mode, inputs left alone.

``add_gaussian_noise`` is defined as one draw ``rng.normal(0, sigma, size=X.shape)`` (the same
numbers as ``sigma * rng.standard_normal(X.shape)``), so it is compared with the reference
for the same generator state.

``predict`` is graded on the 1,000 held-out digits (``autograde.heldout``), which never leave
this process except as the inputs of the student's ``predict``: messages give accuracies and
shapes, never a digit or a label.
"""

import re

import numpy as np

from autograde.hidden import hidden_check
from autograde.hidden._cases import call_unchanged, pair
from mlkit.checks import (CheckFailed, expect_close, expect_dtype, expect_equal, expect_finite,
                          expect_shape, expect_true)

A = "07_regularization"
RNG_ONLY = ("Take all randomness from the rng argument (e.g. rng.random(X.shape)), never from "
            "np.random or a generator of your own: then the same generator state gives the same "
            "mask.")
GLOBAL_STATE = ("Take everything backward needs from the cache argument: values kept from the "
                "last forward call (in global variables or function attributes) belong to "
                "another input.")


def _seed(rng):
    return int(rng.integers(2**63))


def _gen(seed):
    return np.random.default_rng(seed)


def _p_values(rng, k):
    """k drop rates away from 0.5 (where p_drop / p_keep confusion would not show)."""
    low = rng.uniform(0.1, 0.35, size=k)
    high = rng.uniform(0.6, 0.85, size=k)
    return [float(v) for pair_ in zip(low, high) for v in pair_][:k]


# --- dropout -----------------------------------------------------------------------------------

def _dropout_call(student, X, p, train, rng, what):
    __tracebackhide__ = True
    result = call_unchanged(student.dropout_forward, ("X", "p_drop"), X, p, train=train, rng=rng)
    out, cache = pair(result, what, ("out", "cache"))
    expect_shape(f"out from {what}", out, X.shape,
                 hint="Dropout works element-wise: out has the shape of X.")
    expect_dtype(f"out from {what}", out, "f")
    expect_finite(f"out from {what}", out)
    return np.asarray(out, dtype=float), cache


def _scale_hint(out, X, p):
    """What the student's kept entries look like, if it is a known slip."""
    kept = out != 0
    if not kept.any():
        return "Every entry was dropped: keep each one with probability 1 - p_drop."
    ratio = float(np.median(out[kept] / X[kept]))
    q = 1.0 - p
    for value, hint in ((1.0, "The kept entries are not scaled: inverted dropout multiplies them "
                              "by 1 / (1 - p_drop) during training."),
                        (1.0 / p, "The kept entries are divided by p_drop: divide by the keep "
                                  "probability 1 - p_drop."),
                        (q, "The kept entries are multiplied by 1 - p_drop: inverted dropout "
                            "divides by it during training (and does nothing at evaluation).")):
        if abs(ratio - value) <= 1e-6 * value:
            return hint
    return "out = X * mask / (1 - p_drop) with a 0/1 mask: a kept entry is X / (1 - p_drop)."


def _check_values(out, X, p, what):
    __tracebackhide__ = True
    kept = out != 0
    expected = np.where(kept, X / (1.0 - p), 0.0)
    expect_close(f"out from {what}", out, expected, rtol=1e-9, atol=1e-12,
                 hint=_scale_hint(out, X, p))
    return kept


def _check_fraction(kept, p, what):
    __tracebackhide__ = True
    n = kept.size
    frac = float(np.mean(kept))
    q = 1.0 - p
    tol = 6.0 * np.sqrt(p * q / n) + 0.005
    hint = ("p_drop is the probability of dropping an entry: keep it with probability "
            "1 - p_drop, e.g. rng.random(X.shape) < 1 - p_drop."
            if abs(frac - p) < tol else "Keep every entry independently with probability 1 - p_drop.")
    expect_true(abs(frac - q) <= tol,
                f"{what} kept {frac:.3f} of the {n} entries; with p_drop = {p:.3f} it should keep "
                f"about {q:.3f}.", hint=hint)


def _eval_hint(out, X, p):
    out = np.asarray(out, dtype=float)
    if out.shape == X.shape:
        if np.allclose(out, X * (1.0 - p), rtol=1e-9):
            return ("In evaluation mode inverted dropout is the identity: the scale by "
                    "1 / (1 - p_drop) is applied in training, so nothing is multiplied at test time.")
        if np.any(out == 0):
            return "Don't drop anything in evaluation mode (train=False): return X's values."
    return "With train=False, return X's values unchanged (and a cache for dropout_backward)."


def _shapes(rng):
    n, d = (int(k) for k in rng.integers(2, 9, size=2))
    return [(n, d), (1, int(rng.integers(3, 9))), (int(rng.integers(5, 12)),),
            (2, n, 3), (int(rng.integers(60, 90)), int(rng.integers(40, 60)))]


@hidden_check(A, "dropout_forward")
def dropout_forward(student, ref, rng):
    shapes = _shapes(rng)
    for shape, p in zip(shapes, _p_values(rng, len(shapes))):
        X = rng.normal(size=shape)
        seed = _seed(rng)
        what = f"dropout_forward(X, p_drop={p:.3f}, train=True, rng) for X of shape {shape}"
        g = _gen(seed)
        out, _ = _dropout_call(student, X, p, True, g, what)
        kept = _check_values(out, X, p, what)
        if X.size >= 1000:
            _check_fraction(kept, p, what)
            expect_true(not np.all(kept == kept[:1]),
                        f"{what} dropped the same entries in every row.",
                        hint="Draw one independent keep/drop decision per entry, mask of the shape "
                             "of X (rng.random(X.shape)), not one per column shared by all samples.")
        # Randomness from rng only: the same state gives the same output...
        again, _ = _dropout_call(student, X, p, True, _gen(seed), what)
        expect_close(f"out from {what}, called again with a generator in the same state",
                     again, out, rtol=0, atol=0, hint=RNG_ONLY)
        expect_true(g.bit_generator.state != _gen(seed).bit_generator.state,
                    f"{what} did not draw anything from rng.", hint=RNG_ONLY)
        # ... and the advanced generator gives a new mask.
        if X.size >= 40:
            other, _ = _dropout_call(student, X, p, True, g, what)
            expect_true(not np.array_equal(other != 0, kept),
                        f"{what} dropped the same entries in two calls with the same (advancing) "
                        "generator.", hint="Draw a new mask from rng at every call; don't keep or "
                        "re-seed one.")

    # p_drop = 0 keeps everything, unscaled.
    X = rng.normal(size=(int(rng.integers(2, 7)), int(rng.integers(2, 7))))
    what = f"dropout_forward(X, p_drop=0, train=True, rng) for X of shape {X.shape}"
    out, _ = _dropout_call(student, X, 0.0, True, _gen(_seed(rng)), what)
    expect_close(f"out from {what}", out, X, rtol=1e-12, atol=0,
                 hint="With p_drop = 0 every entry is kept and the scale is 1 / (1 - 0) = 1.")

    # Evaluation mode: the identity, with or without a generator.
    for shape in ((int(rng.integers(2, 9)), int(rng.integers(2, 9))), (int(rng.integers(3, 9)),)):
        X = rng.normal(size=shape)
        p = _p_values(rng, 1)[0]
        for gen in (None, _gen(_seed(rng))):
            what = (f"dropout_forward(X, p_drop={p:.3f}, train=False, rng="
                    f"{'None' if gen is None else 'a Generator'}) for X of shape {shape}")
            out, _ = _dropout_call(student, X, p, False, gen, what)
            expect_close(f"out from {what}", out, X, rtol=1e-12, atol=0, hint=_eval_hint(out, X, p))


def _backward_hint(dX, dout, kept, p):
    dX = np.asarray(dX, dtype=float)
    if dX.shape == dout.shape:
        if np.allclose(dX, dout, rtol=1e-9):
            return ("dX is dout passed through: multiply it by the forward pass's mask and scale "
                    "(keep them in the cache).")
        if np.allclose(dX, np.where(kept, dout, 0.0), rtol=1e-9):
            return "dX is missing the scale: dX = dout * mask / (1 - p_drop), as in the forward pass."
        if np.allclose(dX, dout / (1.0 - p), rtol=1e-9):
            return "dX is scaled but not masked: zero it where the forward pass dropped entries."
    return ("Use the mask of the forward pass, from the cache, with its scale: dX = dout * mask / "
            "(1 - p_drop). Draw no new mask in the backward pass.")


@hidden_check(A, "dropout_backward")
def dropout_backward(student, ref, rng):
    shapes = _shapes(rng)[:4]
    for shape, p in zip(shapes, _p_values(rng, len(shapes))):
        X = rng.normal(size=shape)
        dout = rng.normal(size=shape)
        what = f"dropout_forward(X, p_drop={p:.3f}, train=True, rng) for X of shape {shape}"
        out, cache = _dropout_call(student, X, p, True, _gen(_seed(rng)), what)
        kept = _check_values(out, X, p, what)
        bwhat = f"dropout_backward(dout, cache) after {what}"
        dX = call_unchanged(student.dropout_backward, ("dout", "cache"), dout, cache)
        expect_shape(f"dX from {bwhat}", dX, shape, hint="dX has the shape of dout (and of X).")
        expect_close(f"dX from {bwhat}", dX, np.where(kept, dout / (1.0 - p), 0.0), rtol=1e-9,
                     atol=1e-12, hint=_backward_hint(dX, dout, kept, p))

    # Evaluation mode: the backward pass is the identity too.
    X, dout = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    _, cache = _dropout_call(student, X, 0.5, False, None,
                             "dropout_forward(X, p_drop=0.5, train=False)")
    dX = call_unchanged(student.dropout_backward, ("dout", "cache"), dout, cache)
    expect_close("dX from dropout_backward(dout, cache) after an evaluation-mode forward pass", dX,
                 dout, rtol=1e-12, atol=0,
                 hint="After dropout_forward(..., train=False) nothing was dropped: dX = dout.")

    # Two forward passes, then the backward pass of the first.
    p = _p_values(rng, 1)[0]
    X1, X2, dout = (rng.normal(size=(5, 8)) for _ in range(3))
    out1, cache1 = _dropout_call(student, X1, p, True, _gen(_seed(rng)), "dropout_forward(X1, ...)")
    _dropout_call(student, X2, p, True, _gen(_seed(rng)), "dropout_forward(X2, ...)")
    dX = call_unchanged(student.dropout_backward, ("dout", "cache"), dout, cache1)
    expect_close("dX from dropout_backward(dout, cache1) called after a second dropout_forward", dX,
                 np.where(out1 != 0, dout / (1.0 - p), 0.0), rtol=1e-9, atol=1e-12, hint=GLOBAL_STATE)

    # Finite differences of sum(out * dout) with the mask held fixed (the same seed every time).
    p = _p_values(rng, 1)[0]
    X, dout = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    seed, h = _seed(rng), 1e-6
    # Finite differences need the same mask at every evaluation: say so if it is not.
    again = [_dropout_call(student, X, p, True, _gen(seed), "dropout_forward(X, ...) with a fixed seed")[0]
             for _ in range(2)]
    expect_close(f"out from dropout_forward(X, p_drop={p:.3f}, train=True, rng) for X of shape "
                 f"{X.shape}, called again with a generator in the same state", again[1], again[0],
                 rtol=0, atol=0, hint=RNG_ONLY)

    def f(Xv):
        return float(np.sum(_dropout_call(student, Xv, p, True, _gen(seed),
                                          "dropout_forward(X, ...) with a fixed seed")[0] * dout))
    numerical = np.zeros_like(X)
    for idx in np.ndindex(X.shape):
        plus, minus = X.copy(), X.copy()
        plus[idx] += h
        minus[idx] -= h
        numerical[idx] = (f(plus) - f(minus)) / (2 * h)
    _, cache = _dropout_call(student, X, p, True, _gen(seed), "dropout_forward(X, ...)")
    dX = call_unchanged(student.dropout_backward, ("dout", "cache"), dout, cache)
    expect_close("dX from dropout_backward, compared with central differences of your "
                 "dropout_forward (mask held fixed)", dX, numerical, rtol=1e-5, atol=1e-7,
                 hint="The backward pass multiplies dout by the forward pass's mask and scale.")


# --- Gaussian noise -----------------------------------------------------------------------------

def _noise_hint(got, X, sigma, expected):
    noise = np.asarray(got, dtype=float) - X
    if noise.shape != X.shape:
        return None
    if np.allclose(noise, 0.0):
        return "No noise was added: return X + rng.normal(0.0, sigma, size=X.shape)."
    target = expected - X
    for factor, hint in ((sigma, "Your noise has standard deviation sigma**2: sigma IS the standard "
                                 "deviation (the variance is sigma**2), so rng.normal(0, sigma, ...)."),
                         (1.0 / np.sqrt(sigma), "Your noise has standard deviation sqrt(sigma): sigma "
                                                "is already the standard deviation."),
                         (1.0 / sigma, "Your noise has standard deviation 1: scale it by sigma.")):
        if np.allclose(noise, factor * target, rtol=1e-9, atol=1e-12):
            return hint
    if np.allclose(got, X * (1.0 + target), rtol=1e-9, atol=1e-12):
        return "The noise is additive: X + noise, not X * (1 + noise)."
    return ("Draw the noise in one call, rng.normal(0.0, sigma, size=X.shape) (or sigma * "
            "rng.standard_normal(X.shape): the same numbers), from the rng argument only, and add it "
            "to X.")


@hidden_check(A, "add_gaussian_noise")
def add_gaussian_noise(student, ref, rng):
    n, d = (int(k) for k in rng.integers(2, 9, size=2))
    shapes = [(n, d), (1, d), (int(rng.integers(3, 9)),), (2, n, 3), (200, 50)]
    sigmas = [float(s) for s in np.concatenate([rng.uniform(0.15, 0.7, 3), rng.uniform(1.5, 3.0, 2)])]
    sigmas = [sigmas[i] for i in rng.permutation(len(sigmas))]
    for shape, sigma in zip(shapes, sigmas):
        X = rng.normal(0.0, 2.0, size=shape)
        seed = _seed(rng)
        expected = ref["add_gaussian_noise"](X.copy(), sigma, _gen(seed))
        what = f"add_gaussian_noise(X, sigma={sigma:.3f}, rng) for X of shape {shape}"
        g = _gen(seed)
        got = call_unchanged(student.add_gaussian_noise, ("X", "sigma", "rng"), X, sigma, g)
        expect_shape(what, got, shape, hint="The result has the shape of X: one noise value per entry.")
        expect_dtype(what, got, "f")
        expect_finite(what, got)
        expect_close(what, got, expected, rtol=1e-9, atol=1e-12,
                     hint=_noise_hint(got, X, sigma, expected))
        # Nothing but that one draw: the generator ends where the reference's does.
        expect_true(_advanced_like_reference(g, seed, shape, sigma),
                    f"{what} drew more from rng than one normal value per entry.",
                    hint="Draw all the noise from rng in one draw, one normal value per entry of X "
                         "(as the statement specifies), and nothing else from rng.")
    # sigma = 0: X unchanged.
    X = rng.normal(size=(int(rng.integers(2, 7)), int(rng.integers(2, 7))))
    what = f"add_gaussian_noise(X, sigma=0, rng) for X of shape {X.shape}"
    got = call_unchanged(student.add_gaussian_noise, ("X", "sigma", "rng"), X, 0.0, _gen(_seed(rng)))
    expect_close(what, got, X, rtol=1e-12, atol=0, hint="With sigma = 0 there is no noise: X's values.")


def _advanced_like_reference(g, seed, shape, sigma):
    reference = _gen(seed)
    reference.normal(0.0, sigma, size=shape)
    return g.bit_generator.state == reference.bit_generator.state


# --- mlp_loss_dropout ---------------------------------------------------------------------------

class _FixedMasks:
    """Stands in for a Generator in the reference's dropout_forward, which keeps an entry where
    ``rng.random(X.shape) < 1 - p_drop``: returns 0 (kept) or just below 1 (dropped) for
    prepared masks, one per call, in order."""

    def __init__(self, masks):
        self._masks = [np.asarray(m, dtype=bool) for m in masks]

    def random(self, size=None):
        mask = self._masks.pop(0)
        return np.where(np.broadcast_to(mask, size), 0.0, 1.0 - 1e-12)


def _copy(params):
    return {k: v.copy() for k, v in params.items()}


def _layers(params):
    return sum(1 for k in params if k.startswith("W"))


def _describe(params, X, activation, p, reg):
    layers = _layers(params)
    sizes = [X.shape[1]] + [params[f"W{l}"].shape[1] for l in range(1, layers + 1)]
    return (f"a {layers}-layer {'-'.join(map(str, sizes))} network (activation={activation!r}, "
            f"N={X.shape[0]}, p_drop={p:.3f}, reg={reg:.3g})")


def _network(rng, layers, *, n, act, widths=(8, 16), positive=False, d_max=5):
    """Random params, X and y. positive: every hidden pre-activation > 0 whatever the masks
    (for ReLU: a zero gradient then means a dropped unit, never an inactive one)."""
    d, k = int(rng.integers(2, d_max + 1)), int(rng.integers(2, 5))
    sizes = [d] + [int(h) for h in rng.integers(widths[0], widths[1] + 1, size=layers - 1)] + [k]
    X = rng.normal(size=(n, d))
    y = rng.integers(0, k, size=n)
    params = {}
    for l in range(1, layers + 1):
        W = rng.normal(size=(sizes[l - 1], sizes[l])) * (0.6 / np.sqrt(sizes[l - 1]))
        b = rng.normal(0.0, 0.3, size=sizes[l])
        if positive and l < layers:
            if l == 1:
                b = 0.5 + np.abs(X).max(axis=0) @ np.abs(W) + rng.uniform(0, 0.5, sizes[l])
            else:
                W, b = np.abs(W), rng.uniform(0.1, 0.5, size=sizes[l])
        params[f"W{l}"], params[f"b{l}"] = W, b
    order = list(rng.permutation(list(params)))
    return {key: params[key] for key in order}, X, y


def _student_loss(student, params, X, y, desc, *args, **kwargs):
    __tracebackhide__ = True
    result = call_unchanged(student.mlp_loss_dropout, ("params", "X", "y", "p_drop", "train", "rng"),
                            params, X, y, *args, **kwargs)
    loss, grads = pair(result, f"mlp_loss_dropout for {desc}", ("loss", "grads"))
    expect_shape(f"loss from mlp_loss_dropout for {desc}", loss, (),
                 hint="The loss is one number: the mean cross-entropy plus the penalty.")
    expect_finite(f"loss from mlp_loss_dropout for {desc}", loss)
    what = f"grads from mlp_loss_dropout for {desc}"
    expect_true(isinstance(grads, dict) and set(grads) == set(params),
                f"{what} should be a dict with the keys of params {sorted(params)}"
                + (f", got {sorted(grads)}" if isinstance(grads, dict) else
                   f", got {type(grads).__name__}") + ".",
                hint='Name each gradient after its parameter: grads["W1"], grads["b1"], ...')
    for key in sorted(params, key=lambda k: (int(k[1:]), k[0])):
        expect_shape(f'grads["{key}"] from mlp_loss_dropout for {desc}', grads[key],
                     params[key].shape, hint="Each gradient has the shape of its parameter.")
    return float(np.asarray(loss, dtype=float)), {k: np.asarray(v, dtype=float)
                                                  for k, v in grads.items()}


def _compare(loss, grads, want_loss, want_grads, desc, hint):
    __tracebackhide__ = True
    expect_close(f"loss from mlp_loss_dropout for {desc}", loss, want_loss, hint=hint)
    for key in sorted(want_grads, key=lambda k: (int(k[1:]), k[0])):
        expect_close(f'grads["{key}"] from mlp_loss_dropout for {desc}', grads[key],
                     want_grads[key], hint=hint)


NO_DROPOUT_HINT = ("Without dropout (train=False, p_drop = 0, or no hidden layer) the result is "
                   "mlp_loss's: dropout only after hidden activations and nothing else changes; "
                   "loss = cross-entropy + l2_penalty(params, reg).")
MASKED_HINT = ("With the masks your own gradients show, the loss should be the reference's: "
               "H = dropout(g(H @ W + b)) for every hidden layer, scaled by 1 / (1 - p_drop), no "
               "dropout on the inputs or the scores, plus l2_penalty(params, reg); the backward pass "
               "through the same masks.")

NO_MASK_HINT = ("Your gradients show no dropped unit in any hidden layer (every bias gradient is "
                "nonzero), so the loss was compared with the reference without dropout. If your "
                "forward pass did drop units, the backward pass ignored the masks: pass each "
                "layer's dropout cache to dropout_backward, between the next layer's "
                "linear_backward and this layer's activation backward.")


def _read_masks(grads, params, desc):
    """The hidden-layer keep-masks of a batch of one, from the student's bias gradients."""
    __tracebackhide__ = True
    layers = _layers(params)
    expect_true(np.all(grads[f"b{layers}"] != 0),
                f'grads["b{layers}"] from mlp_loss_dropout for {desc} has zero entries: the scores '
                "were dropped.", hint="No dropout after the last layer: the scores go to the loss "
                "as they are.")
    if np.any(np.all(grads["W1"] == 0, axis=1)) and np.any(grads["b1"] != 0):
        raise CheckFailed(f'grads["W1"] from mlp_loss_dropout for {desc} has rows of zeros: some '
                          "inputs were dropped.\n  hint: Dropout goes after each hidden activation "
                          "only, never on the inputs X.")
    return [grads[f"b{l}"] != 0 for l in range(1, layers)]


@hidden_check(A, "mlp_loss_dropout")
def mlp_loss_dropout(student, ref, rng):
    acts = ("relu", "sigmoid", "tanh")
    # Evaluation mode, p_drop = 0 and a single layer: mlp_loss exactly.
    cases = [(int(rng.integers(1, 5)), str(rng.choice(acts)), False, _p_values(rng, 1)[0])
             for _ in range(3)]
    cases += [(int(rng.integers(2, 5)), str(rng.choice(acts)), True, 0.0),
              (1, str(rng.choice(acts)), True, _p_values(rng, 1)[0])]
    for layers, act, train, p in cases:
        params, X, y = _network(rng, layers, n=int(rng.integers(2, 8)), act=act)
        reg = float(rng.uniform(0.01, 0.3))
        want_loss, want_grads = ref["mlp_loss"](_copy(params), X.copy(), y.copy(), activation=act,
                                                reg=reg)
        desc = _describe(params, X, act, p, reg) + f", train={train}"
        gen = None if not train else _gen(_seed(rng))
        loss, grads = _student_loss(student, params, X, y, desc, p, train, gen,
                                    activation=act, reg=reg)
        _compare(loss, grads, want_loss, want_grads, desc, NO_DROPOUT_HINT)

    # Training, a batch of one: masks read from the gradients, values against the reference.
    plan = [(2, "tanh"), (3, "sigmoid"), (3, "tanh"), (2, "relu"), (3, "relu"), (4, "tanh")]
    ps = [float(v) for v in rng.uniform(0.3, 0.6, size=len(plan))]
    for (layers, act), p in zip(plan, ps):
        for _attempt in range(10):
            params, X, y = _network(rng, layers, n=1, act=act, widths=(10, 18),
                                    positive=act == "relu")
            reg = float(rng.uniform(0.01, 0.3))
            desc = _describe(params, X, act, p, reg) + ", train=True"
            loss, grads = _student_loss(student, params, X, y, desc, p, True, _gen(_seed(rng)),
                                        activation=act, reg=reg)
            masks = _read_masks(grads, params, desc)
            if all(m.any() for m in masks):
                break  # otherwise every unit of a layer was dropped: nothing to read, draw again
        want_loss, want_grads = ref["mlp_loss_dropout"](_copy(params), X.copy(), y.copy(), p, True,
                                                        _FixedMasks(m[None, :] for m in masks),
                                                        activation=act, reg=reg)
        # Gradients that show no dropped unit at all usually mean a backward pass without masks.
        hint = NO_MASK_HINT if all(m.all() for m in masks) else MASKED_HINT
        _compare(loss, grads, want_loss, want_grads, desc, hint)

    # Every hidden layer drops about p_drop of its units: a wide 4-layer network, four calls.
    p = 0.25
    params, X, y = _network(rng, 4, n=1, act="tanh", widths=(80, 80))
    desc = _describe(params, X, "tanh", p, 0.0) + ", train=True"
    g = _gen(_seed(rng))
    kept = np.zeros(3)
    for _ in range(4):
        _, grads = _student_loss(student, params, X, y, desc, p, True, g, activation="tanh")
        kept += [float(m.mean()) / 4 for m in _read_masks(grads, params, desc)]
    for l, frac in enumerate(kept, start=1):
        expect_true(abs(frac - (1 - p)) <= 0.12,
                    f"mlp_loss_dropout for {desc} kept {frac:.2f} of the units of hidden layer {l} "
                    f"(4 calls, 320 units); with p_drop = {p} it should keep about {1 - p:.2f}.",
                    hint="Apply dropout after every hidden activation (layers 1 to L-1), each unit "
                         "kept with probability 1 - p_drop: call dropout_forward(A, p_drop, "
                         "train=train, rng=rng) for each of them.")

    # The defaults: activation="relu", reg=0.
    params, X, y = _network(rng, 3, n=1, act="relu", widths=(10, 18), positive=True)
    p = float(rng.uniform(0.3, 0.6))
    desc = "mlp_loss_dropout(params, X, y, p_drop, True, rng) with the default activation and reg"
    for _attempt in range(10):
        loss, grads = _student_loss(student, params, X, y, desc, p, True, _gen(_seed(rng)))
        masks = _read_masks(grads, params, desc)
        if all(m.any() for m in masks):
            break
    want_loss, want_grads = ref["mlp_loss_dropout"](_copy(params), X.copy(), y.copy(), p, True,
                                                    _FixedMasks(m[None, :] for m in masks))
    _compare(loss, grads, want_loss, want_grads, desc, 'The defaults are activation="relu" and '
             "reg=0.0. " + MASKED_HINT)

    # A batch: same state -> same result; advancing generator -> new masks; finite differences.
    act = str(rng.choice(["sigmoid", "tanh"]))
    params, X, y = _network(rng, 3, n=int(rng.integers(3, 6)), act=act, widths=(3, 4), d_max=3)
    p, reg, seed = float(rng.uniform(0.2, 0.5)), float(rng.uniform(0.01, 0.2)), _seed(rng)
    desc = _describe(params, X, act, p, reg) + ", train=True"
    g = _gen(seed)
    loss, grads = _student_loss(student, params, X, y, desc, p, True, g, activation=act, reg=reg)
    loss2, grads2 = _student_loss(student, params, X, y, desc, p, True, _gen(seed), activation=act,
                                  reg=reg)
    expect_close(f"loss from mlp_loss_dropout for {desc}, called again with a generator in the same "
                 "state", loss2, loss, rtol=1e-12, atol=0, hint=RNG_ONLY)
    draws = [_student_loss(student, params, X, y, desc, p, True, g, activation=act, reg=reg)[0]
             for _ in range(3)]
    expect_true(any(abs(v - loss) > 1e-12 for v in draws),
                f"mlp_loss_dropout for {desc} gave the same loss in four calls with the same "
                "(advancing) generator: the masks never change.",
                hint="Draw new masks from rng at every call (dropout_forward with rng).")
    h = 1e-6
    for key in sorted(params, key=lambda k: (int(k[1:]), k[0])):
        numerical = np.zeros_like(params[key])
        for idx in np.ndindex(params[key].shape):
            values = []
            for sign in (1.0, -1.0):
                shifted = _copy(params)
                shifted[key][idx] += sign * h
                values.append(_student_loss(student, shifted, X, y, desc, p, True, _gen(seed),
                                            activation=act, reg=reg)[0])
            numerical[idx] = (values[0] - values[1]) / (2 * h)
        scale = float(np.max(np.abs(numerical))) + 1e-12
        expect_close(f'grads["{key}"] from mlp_loss_dropout for {desc}, compared with central '
                     "differences of your loss (masks held fixed by re-seeding the generator)",
                     grads[key], numerical, rtol=1e-4, atol=1e-6 * scale,
                     hint="The backward pass must go through the masks of the same forward pass "
                          "(pass each dropout cache to dropout_backward; draw no new mask).")


# --- predict -------------------------------------------------------------------------------------

MISSING_MODEL = ("predict could not load your model: run the cell that trains and saves your final "
                 "model (section 6), check that final_model.npz is beside the notebook, and submit "
                 "final_model.npz together with the notebook.")


def _predict_call(student, X, what):
    """predict on held-out digits. What goes wrong in the student's code is reported without
    its text: the student writes that text, and it could carry the secret digits."""
    __tracebackhide__ = True
    try:
        labels = call_unchanged(student.predict, ("X",), X)
    except CheckFailed as exc:
        text = str(exc)
        if "FileNotFoundError" in text or "No such file" in text:
            raise CheckFailed(MISSING_MODEL) from None
        raised = re.search(r"raised (\w+)", text)
        kind = (f"it raised {raised.group(1)}" if raised else
                "it changed its argument X" if "changed" in text else
                "it issued a warning" if "warning" in text.lower() else "a check failed")
        raise CheckFailed(
            f"{what}: {kind}. The details are not shown, because the held-out digits are "
            "secret and a message could carry them.\n  hint: the visible check of predict "
            "(on the 800 test digits) shows such an error in full: make it pass first.",
            status=exc.status) from None
    expect_shape(what, labels, (len(X),),
                 hint="Return one label per row, shape (N,): the argmax of the scores over axis 1, "
                      "not the scores, probabilities or one-hot rows themselves.")
    expect_dtype(what, labels, "iu", hint="Labels are integers (class numbers); don't "
                                          "convert them to float.")
    labels = np.asarray(labels)
    expect_true(bool(np.all((labels >= 0) & (labels <= 9))),
                f"{what} returned labels outside 0..9 (from {labels.min()} to {labels.max()}).",
                hint="The digits are 0 to 9: return the argmax itself, not argmax + 1.")
    return labels


def _heldout_accuracy(student, rng):
    """Accuracy of the student's predict on the held-out digits, called on chunks in a random
    order, after the format checks and a determinism check."""
    __tracebackhide__ = True
    from autograde.heldout import load_heldout
    X, y = load_heldout()
    order = rng.permutation(len(y))
    cuts = np.sort(rng.choice(np.arange(2, len(y) - 1), size=3, replace=False))
    chunks = np.split(order, np.concatenate([[1], cuts]))  # the first chunk is a single digit
    predicted = np.empty(len(y), dtype=np.int64)
    for chunk in chunks:
        what = f"predict(X) for X of shape {(len(chunk), X.shape[1])} (held-out digits)"
        predicted[chunk] = _predict_call(student, X[chunk], what)
    again = _predict_call(student, X[chunks[1]], "predict(X), called a second time")
    expect_equal("labels from predict(X) called twice on the same digits", again,
                 predicted[chunks[1]],
                 hint="predict must be deterministic: evaluation mode, no dropout or noise.")
    return float(np.mean(predicted == y))


# Under grade, the three predict checks of a submission share one evaluation (the sandbox
# runs no student code between them): [(predict proxy, accuracy or the CheckFailed)].
_EVALUATED = []


def _shared_heldout_accuracy(student, rng):
    __tracebackhide__ = True
    predict = student.predict
    if not student._ns.get("__grading_seed__"):  # a kernel: the model file may change
        return _heldout_accuracy(student, rng)
    if not (_EVALUATED and _EVALUATED[0][0] is predict):
        try:
            outcome = _heldout_accuracy(student, rng)
        except CheckFailed as exc:
            outcome = exc
        _EVALUATED[:] = [(predict, outcome)]
    outcome = _EVALUATED[0][1]
    if isinstance(outcome, CheckFailed):
        raise CheckFailed(str(outcome), status=outcome.status)
    return outcome


def _threshold_check(threshold):
    def check(student, ref, rng):
        accuracy = _shared_heldout_accuracy(student, rng)
        expect_true(accuracy >= threshold,
                    f"predict reaches {100 * accuracy:.1f} % accuracy on the 1,000 held-out digits; "
                    f"this check needs at least {100 * threshold:.0f} %.",
                    hint="Improve the final model (section 6): more hidden units or epochs, a tuned "
                         "learning rate, dropout or weight decay chosen on the validation digits. "
                         "Then run the training cell again and submit the new final_model.npz.")
        print(f"predict: {100 * accuracy:.1f} % on the held-out digits "
              f"(at least {100 * threshold:.0f} % needed).")
    return check


hidden_check(A, "predict")(_threshold_check(0.80))
hidden_check(A, "predict_90")(_threshold_check(0.90))
hidden_check(A, "predict_92")(_threshold_check(0.92))
