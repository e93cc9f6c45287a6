"""Hidden checks of 03_gradients.

The exercises that take a function (``numerical_gradient``, the searches, gradient descent)
get fixed functions from ``mlkit.testfns``: only functions importable from numpy or mlkit can
be passed to code in the grading sandbox. The random exercises get a fresh Generator built
from a seed, and the reference runs on another Generator with the same seed: the contract
fixes the order of the draws, so a correct implementation gives the reference's result.
"""

import numpy as np

from autograde.hidden import hidden_check, without
from autograde.hidden._cases import pair
from mlkit import testfns
from mlkit.checks import (CheckFailed, call, expect_close, expect_dtype, expect_finite,
                          expect_shape, expect_true, expect_unchanged)
from mlkit.diagnose import specific

A = "03_gradients"
MLKIT_NUMERICAL = ("mlkit.gradcheck.numerical_gradient",
                   "mlkit.gradcheck.numerical_gradient_array")
MLKIT_REL_ERROR = ("mlkit.gradcheck.rel_error",)


# --- helpers -------------------------------------------------------------------------------

def _sizes(rng, k, low=2, high=5):
    return [int(v) for v in rng.integers(low, high + 1, size=k)]


def _seed(rng):
    return int(rng.integers(2**63))


def _kind(value):
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)} items"
    return "None" if value is None else f"a {type(value).__name__}"


def _number(what, value, hint=None):
    """value as a Python float, after checking that it is a single finite-or-not number."""
    __tracebackhide__ = True
    expect_shape(what, value, (), hint=hint)
    return float(np.asarray(value, dtype=float))


def _matches(got, candidate, rtol=1e-6):
    """got equals candidate up to rtol of the candidate's largest entry (for diagnoses)."""
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return False
    candidate = np.asarray(candidate, dtype=float)
    if got.shape != candidate.shape or not np.all(np.isfinite(got)):
        return False
    scale = max(float(np.max(np.abs(candidate), initial=0.0)), 1e-300)
    return bool(np.all(np.abs(got - candidate) <= rtol * scale + 1e-300))


def _first_hint(got, candidates):
    """The hint of the first (candidate, hint) pair that got matches, else None.

    A recognised mistake: its hint is marked specific, so the check shows it alone (not
    stacked with a pattern such as "off by a constant factor" that the mistake also fits).
    """
    for candidate, hint in candidates:
        if candidate is not None and _matches(got, candidate):
            return specific(hint)
    return None


def _name(f):
    return f"testfns.{f.__name__}"


# --- numerical_gradient --------------------------------------------------------------------

CENTRAL = ("Entry i of the gradient is the central difference (f(x + h e_i) - f(x - h e_i)) / (2h) "
           "of section 2, for every entry i of x: an entry has one index per dimension of x, "
           "and the statement names a helper that lists them for any shape.")


def _difference(f, x, h, kind):
    """Finite differences computed here (for diagnoses): "forward", "backward", "central" of
    f, of f called with a flattened copy ("flat"), or of whole rows x[i] ("rows")."""
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    if kind == "rows":
        for i in range(x.shape[0]):
            plus, minus = x.copy(), x.copy()
            plus[i] += h
            minus[i] -= h
            grad[i] = (f(plus) - f(minus)) / (2 * h)
        return grad
    for i in np.ndindex(x.shape):
        plus, minus = x.copy(), x.copy()
        plus[i] += h
        minus[i] -= h
        if kind == "forward":
            grad[i] = (f(plus) - f(x)) / h
        elif kind == "backward":
            grad[i] = (f(x) - f(minus)) / h
        elif kind == "flat":
            grad[i] = (f(plus.ravel()) - f(minus.ravel())) / (2 * h)
        else:
            grad[i] = (f(plus) - f(minus)) / (2 * h)
    return grad


def _expect_restored(what, before, x, h):
    """x holds its original values (up to the round-off of x[i] + h - 2h + h)."""
    __tracebackhide__ = True
    if np.array_equal(before, x):
        return
    diff = np.abs(np.asarray(x, dtype=float) - before)
    allowed = 4 * np.spacing(np.maximum(np.abs(before), h))
    changed = diff > allowed
    expect_true(not changed.any(),
                f"{what}: x does not hold its original values after the call: "
                f"{int(changed.sum())} of {x.size} entries changed, the largest by "
                f"{float(diff.max()):.3g}.",
                hint="Save the entry before you change it and put the saved value back after "
                     "the two calls of f (or perturb a copy of x, never x itself).")


def _numerical_case(fn, ref, f, x, h):
    __tracebackhide__ = True
    shown = f", h={h:g}" if h is not None else ""
    what = f"numerical_gradient({_name(f)}, x{shown}) for x of shape {x.shape}"
    kwargs = {} if h is None else {"h": h}
    step = 1e-5 if h is None else h
    expected = ref["numerical_gradient"](f, x.copy(), **kwargs)
    before = x.copy()
    got = call(fn, f, x, **kwargs)
    _expect_restored(what, before, x, step)
    shape_hint = ("Return an array of x's shape, one partial derivative per entry, not a "
                  "flattened vector."
                  if np.ndim(got) == 1 and np.size(got) == x.size else CENTRAL)
    expect_shape(what, got, x.shape, hint=shape_hint)
    expect_dtype(what, got, "f",
                 hint="The gradient is an array of floats: in an integer array the "
                      "difference quotients would be truncated.")
    scale = float(np.max(np.abs(expected)))
    if not _matches(got, expected, rtol=1e-6):
        hint = _first_hint(got, [
            (_difference(f, before, step, "forward"),
             "This is the forward difference (f(x + h e_i) - f(x)) / h: use the central one, "
             "(f(x + h e_i) - f(x - h e_i)) / (2h), which is far more accurate."),
            (_difference(f, before, step, "backward"),
             "This is the backward difference (f(x) - f(x - h e_i)) / h: use the central one, "
             "(f(x + h e_i) - f(x - h e_i)) / (2h)."),
            (2 * expected, "Your gradient is 2 times too large: the two points x ± h e_i are "
                           "2h apart, so divide by 2h, not by h."),
            (expected * step * step, "Your gradient is h² times the central difference: check "
                                     "the parentheses of the quotient (dividing by 2 and then "
                                     "multiplying by h is not dividing by 2h)."),
            (_difference(f, before, step, "flat") if x.ndim > 1 else None,
             "Call f with an array of x's shape (x itself, or a copy of it), not a flattened "
             "one: this f depends on the shape of its argument, as the loss of a weight "
             "matrix does."),
            (_difference(f, before, step, "rows") if x.ndim > 1 else None,
             "You perturb a whole row at once: for a 2-D x, one index picks a row. Perturb "
             "single entries, each named by one index per dimension of x."),
        ])
        if hint is None and h is not None and _matches(
                got, ref["numerical_gradient"](f, before.copy(), h=1e-5)):
            hint = "Use the step h you are given (here h = %g), not a fixed one." % h
        expect_close(what, got, expected, rtol=1e-6, atol=1e-7 * scale + 1e-10,
                     hint=hint or CENTRAL)


@hidden_check(A, "numerical_gradient")
def numerical_gradient(student, ref, rng):
    fn = without(student.numerical_gradient, *MLKIT_NUMERICAL)
    n = int(rng.integers(3, 8))
    a, b = _sizes(rng, 2)
    cases = [  # (function, shape, h, spread of x)
        (testfns.sum_of_sines, (n,), None, 1.5),
        (testfns.rosenbrock, (a, b), None, 0.8),
        (testfns.sum_of_column_norms, (b, a), None, 1.0),
        (testfns.sum_of_column_norms, (2, a, 3), 1e-3, 1.0),
        (testfns.quadratic, (1,), 1e-2, 1.0),
        (testfns.sum_of_sines, (2, b, 3), 0.1, 1.5),
        (testfns.rosenbrock, (2, 2, a), 1e-2, 0.8),
        (testfns.ill_conditioned, (b, a), 1e-3, 1.0),
    ]
    for f, shape, h, spread in cases:
        x = rng.normal(0.0, spread, size=shape)
        _numerical_case(fn, ref, f, x, h)


# --- rel_error ------------------------------------------------------------------------------

REL_ERROR = ("rel_error is the largest of the element-wise ratios |a - b| / max(1e-8, |a| + |b|) "
             "of section 3: the floor 1e-8 applies entry by entry, then take the largest ratio.")


def _rel_error_cases(rng):
    n = int(rng.integers(4, 9))
    a, b = _sizes(rng, 2)
    cases = []
    # Independent arrays whose entries have very different sizes and both signs.
    u = rng.normal(size=n) * 10.0 ** rng.uniform(-3, 2, n)
    v = rng.normal(size=n) * 10.0 ** rng.uniform(-3, 2, n)
    cases.append(("two independent arrays", u, v))
    # A gradient check: close values, relative differences from 1e-9 to 1e-2.
    u = rng.normal(size=(a, b)) * 10.0 ** rng.uniform(-2, 2, (a, b))
    v = u * (1 + rng.choice([-1.0, 1.0], (a, b)) * 10.0 ** rng.uniform(-9, -2, (a, b)))
    cases.append(("two close arrays", u, v))
    # b > a everywhere: the differences a - b are all negative.
    u = rng.normal(size=(2, a, 3))
    v = u + np.abs(u) * 10.0 ** rng.uniform(-6, -1, u.shape)
    cases.append(("arrays with a - b < 0 everywhere", u, v))
    # Pairs of zeros, pairs of tiny numbers (|a| + |b| < 1e-8) and ordinary close pairs.
    t = 10.0 ** rng.uniform(-10, np.log10(2e-9), 3)
    u = np.concatenate([[0.0, 0.0], t, rng.normal(size=3)])
    v = np.concatenate([[0.0, 0.0], 3 * t, u[5:] * (1 + 1e-6)])
    order = rng.permutation(len(u))
    cases.append(("arrays with pairs of zeros and of numbers below 1e-8", u[order], v[order]))
    # Opposite signs everywhere: every ratio is 1.
    u = rng.normal(size=(b, a))
    cases.append(("arrays of opposite signs", u, -u * rng.uniform(0.5, 2.0, u.shape)))
    # One of the two is 0 where the other is not: ratio 1.
    u = rng.normal(size=(a, 2))
    v = u.copy()
    v[rng.integers(a), rng.integers(2)] = 0.0
    cases.append(("arrays where one entry is 0 in b only", u, v))
    u = rng.normal(size=(b,))
    cases.append(("two equal arrays", u, u.copy()))
    return cases


@hidden_check(A, "rel_error")
def rel_error(student, ref, rng):
    fn = without(student.rel_error, *MLKIT_REL_ERROR)
    for label, u, v in _rel_error_cases(rng):
        what = f"rel_error(a, b) for {label} of shape {u.shape}"
        expected = ref["rel_error"](u.copy(), v.copy())
        before_u, before_v = u.copy(), v.copy()
        try:
            got = call(fn, u, v)
        except CheckFailed as exc:
            if "invalid value" in str(exc) and "zeros" in label:
                raise CheckFailed(
                    f"{exc}\n  hint: Where a and b are both 0, |a - b| / (|a| + |b|) is 0 / 0: "
                    "the denominator must be max(1e-8, |a| + |b|).") from None
            raise
        expect_unchanged("a", before_u, u)
        expect_unchanged("b", before_v, v)
        expect_shape(what, got, (), hint="Return one number: the largest of the element-wise "
                                         "ratios, not the array of ratios.")
        with np.errstate(all="ignore"):
            diff, total = np.abs(u - v), np.abs(u) + np.abs(v)
            hint = _first_hint(got, [
                (np.mean(diff / np.maximum(1e-8, total)),
                 "That is the mean of the ratios: rel_error is the largest one."),
                (np.max(diff) / max(1e-8, np.max(total)),
                 "That is the largest difference over the largest sum: take the ratio entry by "
                 "entry first, then the largest ratio."),
                (np.max(diff / (total + 1e-8)),
                 "The floor is max(1e-8, |a| + |b|), not |a| + |b| + 1e-8: it only matters "
                 "where |a| + |b| is below 1e-8."),
                (np.max(diff / np.maximum(1e-8, np.maximum(np.abs(u), np.abs(v)))),
                 "The denominator is |a| + |b|, not max(|a|, |b|)."),
                (np.max(diff / np.maximum(1e-8, np.abs(u + v))),
                 "The denominator is |a| + |b|, not |a + b| (they differ where signs differ)."),
                (np.max((u - v) / np.maximum(1e-8, total)),
                 "Take the absolute value of the difference, |a - b|."),
            ])
        expect_close(what, got, expected, rtol=1e-9, atol=1e-15, hint=hint or REL_ERROR)
        expect_close(f"rel_error(b, a) for {label}", call(fn, v, u), expected, rtol=1e-9,
                     atol=1e-15, hint="rel_error is symmetric: " + REL_ERROR)


# --- linear_softmax_loss --------------------------------------------------------------------

SOFTMAX_LOSS = ("Section 4: L = -(1/N) Σ_n log p_{n, y_n} + λ Σ W², with log p the row-wise "
                "log-softmax of the scores S = XW, and dW = Xᵀ(P - Y)/N + 2λW, with Y the "
                "one-hot labels.")
STABLE = ("Subtract each row's own maximum m_n from its scores and compute log p with the "
          "log-softmax of section 4, (s_nk - m_n) - log Σ_j exp(s_nj - m_n), not as the log of "
          "p (which underflows to log 0).")


def _classifier(rng, n, d, k, w_scale=1.0):
    """X (N, D) with a last column of ones, W (D, K), labels y (N,)."""
    X = np.hstack([rng.normal(size=(n, d - 1)), np.ones((n, 1))])
    W = rng.normal(0.0, w_scale, size=(d, k))
    y = rng.integers(0, k, size=n)
    return W, X, y


def _extreme(rng):
    """Scores up to |s| = 1e4, rows of very different size (some tiny), bias row small."""
    n, d, k = int(rng.integers(6, 12)), int(rng.integers(3, 6)), int(rng.integers(3, 6))
    W, X, y = _classifier(rng, n, d, k)
    X[:, :-1] *= 10.0 ** rng.uniform(-2, 1, size=(n, 1))
    X[0, :-1] *= 10 / np.abs(X[0, :-1]).max()   # one large row ...
    X[1, :-1] *= 0.01 / np.abs(X[1, :-1]).max()  # ... and one tiny row
    W[-1] *= 0.01
    W *= float(rng.uniform(5e3, 1e4)) / np.abs(X @ W).max()
    return W, X, y


def _softmax_case(fn, ref, W, X, y, reg, label):
    __tracebackhide__ = True
    n, d = X.shape
    k = W.shape[1]
    what = f"linear_softmax_loss(W, X, y, reg={reg:g}) for {label} (N={n}, D={d}, K={k})"
    ref_loss, ref_dW = ref["linear_softmax_loss"](W.copy(), X.copy(), y.copy(), reg)
    before = W.copy(), X.copy(), y.copy()
    out = call(fn, W, X, y, reg=reg, hint=STABLE)  # a numpy warning here: instability
    for name, old, new in zip(("W", "X", "y"), before, (W, X, y)):
        expect_unchanged(name, old, new)
    loss, dW = pair(out, what, ("loss", "dW"))
    loss = _number(f"loss from {what}", loss, hint="The loss is a single number: the mean over "
                   "the samples plus the penalty.")
    extreme = "scores" in label
    expect_finite(f"loss from {what}", loss, hint=STABLE if extreme else None)
    penalty = reg * float(np.sum(W * W))
    bias_penalty = reg * float(np.sum(W[-1] ** 2))
    loss_hint = _first_hint(loss, [
        (ref_loss - 0.5 * penalty if reg else None,
         "The penalty is λ Σ W² (λ = reg), without a factor 1/2."),
        (ref_loss - penalty if reg else None, "Add the penalty λ Σ W² (λ = reg) to the loss."),
        (ref_loss - bias_penalty if reg else None,
         "Regularise all of W, the bias row (the last one) included."),
        ((ref_loss - penalty) / k + penalty,
         "Average over the N samples only: the mean of an (N, K) array divides by N·K."),
    ])
    expect_close(f"loss from {what}", loss, ref_loss, rtol=1e-7, atol=1e-10, n=n,
                 hint=loss_hint or (STABLE if extreme else SOFTMAX_LOSS))
    expect_shape(f"dW from {what}", dW, (d, k),
                 hint="dW has the shape of W, (D, K): Xᵀ, of shape (D, N), times the (N, K) "
                      "gradient with respect to the scores.")
    expect_finite(f"dW from {what}", dW, hint=STABLE if extreme else None)
    scale = float(np.max(np.abs(ref_dW)))
    mask = np.zeros_like(W)
    mask[-1] = 1.0
    dw_hint = _first_hint(dW, [
        (ref_dW - reg * W if reg else None,
         "The gradient of the penalty λ Σ W² is 2λW, not λW."),
        (ref_dW - 2 * reg * W if reg else None, "Add the penalty's gradient 2λW to dW."),
        (ref_dW - 2 * reg * W * mask if reg else None,
         "Regularise all of W, the bias row (the last one) included."),
        (ref_dW + X.T @ np.eye(k)[y] / n, "Subtract the one-hot labels: the gradient with "
                                          "respect to the scores is (P - Y)/N."),
    ])
    expect_close(f"dW from {what}", dW, ref_dW, rtol=1e-6, atol=1e-9 * max(scale, 1.0), n=n,
                 hint=dw_hint or SOFTMAX_LOSS)


@hidden_check(A, "linear_softmax_loss")
def linear_softmax_loss(student, ref, rng):
    fn = student.linear_softmax_loss
    n, d, k = int(rng.integers(5, 16)), int(rng.integers(3, 8)), int(rng.integers(3, 7))
    _softmax_case(fn, ref, *_classifier(rng, n, d, k), 0.0, "random data")
    n, d, k = int(rng.integers(5, 16)), int(rng.integers(3, 8)), int(rng.integers(3, 7))
    reg = float(rng.uniform(0.05, 0.5))
    _softmax_case(fn, ref, *_classifier(rng, n, d, k), reg, "random data")
    _softmax_case(fn, ref, *_classifier(rng, 1, int(rng.integers(2, 5)), 2), 0.01,
                  "a batch of one sample and two classes")
    m = int(rng.integers(3, 6))
    _softmax_case(fn, ref, *_classifier(rng, int(rng.integers(4, 10)), m, m), 0.0,
                  "a square W (D = K)")
    _softmax_case(fn, ref, *_extreme(rng), 0.0, "scores up to 1e4 (rows of very different size)")
    W, X, y = _extreme(rng)
    _softmax_case(fn, ref, W / 10, X, y, float(rng.uniform(1e-9, 1e-8)),
                  "scores up to 1e3 and a small reg")


# --- random_search --------------------------------------------------------------------------

SEARCH = ("Each trial is scale times one standard normal draw of the given shape, drawn in order "
          "from the rng you are given (not from np.random), with nothing else drawn from it; keep "
          "the trial whose loss is strictly lower than the best so far, and return it with its "
          "loss.")


def _search_hint(got, f, shape, trials, scale, seed):
    """Which of the drawn trials (if any) the student returned, as a hint."""
    draws = np.random.default_rng(seed).standard_normal((trials, *shape))
    losses = [f(scale * w) for w in draws]
    best, worst = int(np.argmin(losses)), int(np.argmax(losses))
    if trials > 1 and _matches(got, scale * draws[worst]):
        return "You return the trial with the highest loss: keep the one with the lowest."
    if trials > 1 and _matches(got, scale * draws[-1]) and best != trials - 1:
        return ("You return the last trial: keep the best W seen so far (and don't write the "
                "trials into one array in place, or the best one gets overwritten).")
    if any(_matches(got, scale * w) for w in draws):
        return ("best_W is one of the trials, but not the best: compare each loss with the best "
                "loss so far and keep that trial's W and loss together.")
    if scale != 1 and any(_matches(got, w) for w in draws):
        return "Multiply the N(0, 1) draws by scale."
    return None


@hidden_check(A, "random_search")
def random_search(student, ref, rng):
    n = int(rng.integers(2, 7))
    a, b = _sizes(rng, 2)
    cases = [  # (function, shape, trials, scale or None for the default)
        (testfns.quadratic, (n,), int(rng.integers(5, 30)), None),
        (testfns.sum_of_sines, (a, b), int(rng.integers(5, 30)), 1.0),
        (testfns.rosenbrock, (2, a, 2), int(rng.integers(5, 30)), 0.5),
        (testfns.ill_conditioned, (b, a), 1, float(rng.uniform(0.1, 2.0))),
        (testfns.sum_of_column_norms, (a,), int(rng.integers(2, 6)), 3.0),
    ]
    for f, shape, trials, scale in cases:
        kwargs = {} if scale is None else {"scale": scale}
        scale = 1e-4 if scale is None else scale
        what = (f"random_search({_name(f)}, {shape}, {trials}, rng"
                + (f", scale={scale:g})" if kwargs else ")"))
        seed = _seed(rng)
        ref_W, ref_loss = ref["random_search"](f, shape, trials, np.random.default_rng(seed),
                                               **kwargs)
        out = call(student.random_search, f, shape, trials, np.random.default_rng(seed), **kwargs)
        best_W, best_loss = pair(out, what, ("best_W", "best_loss"))
        expect_shape(f"best_W from {what}", best_W, shape,
                     hint="best_W is one trial: an array of the given shape.")
        best_loss = _number(f"best_loss from {what}", best_loss)
        best_W = np.asarray(best_W, dtype=float)
        expect_close(f"best_loss from {what}, compared with loss_fn(best_W)", best_loss,
                     f(best_W), rtol=1e-12, atol=1e-300,
                     hint="Return the best trial's loss together with that same trial's W.")
        expect_close(f"best_W from {what}", best_W, ref_W, rtol=1e-10, atol=1e-14 * scale,
                     hint=_search_hint(best_W, f, shape, trials, scale, seed) or SEARCH)
        expect_close(f"best_loss from {what}", best_loss, ref_loss, rtol=1e-10, atol=1e-300,
                     hint=SEARCH)


# --- random_local_search --------------------------------------------------------------------

LOCAL = ("Start at W0 (without changing it) with its loss. In every iteration the candidate is "
         "the current W plus step_size times one standard normal draw of W's shape (one draw per "
         "iteration, kept or not); move to it only if its loss is strictly lower.")


def _local_variant(f, W0, iters, step, seed, *, accept_equal=False, around_start=False,
                   skip_start=False):
    """Plausible misreadings of the rule, run here for diagnoses."""
    gen = np.random.default_rng(seed)
    W, loss = W0.copy(), (np.inf if skip_start else f(W0))
    for _ in range(iters):
        centre = W0 if around_start else W
        cand = centre + step * gen.standard_normal(W0.shape)
        cl = f(cand)
        if cl < loss or (accept_equal and cl == loss):
            W, loss = cand, cl
    return W


@hidden_check(A, "random_local_search")
def random_local_search(student, ref, rng):
    n = int(rng.integers(3, 7))
    a, b = _sizes(rng, 2)
    cases = [  # (function, W0, iterations, step size)
        (testfns.quadratic, rng.normal(size=(n,)), int(rng.integers(10, 30)), 0.3),
        (testfns.rosenbrock, rng.normal(0, 0.5, size=(a, b)), int(rng.integers(10, 30)), 0.05),
        (testfns.sum_of_sines, rng.normal(0, 1.5, size=(2, a, 2)), int(rng.integers(10, 30)), 0.5),
        (testfns.staircase, rng.normal(0, 0.8, size=(n,)), int(rng.integers(30, 40)), 0.05),
        (testfns.quadratic, np.zeros((a, b)), int(rng.integers(5, 10)), 0.1),
        (testfns.sum_of_column_norms, rng.normal(size=(b, a)), 0, 0.1),
    ]
    for f, W0, iters, step in cases:
        label = "W0 = 0, the minimum" if not W0.any() else f"W0 of shape {W0.shape}"
        what = f"random_local_search({_name(f)}, W0, {iters}, {step:g}, rng) with {label}"
        seed = _seed(rng)
        ref_W, ref_loss = ref["random_local_search"](f, W0.copy(), iters, step,
                                                     np.random.default_rng(seed))
        before = W0.copy()
        out = call(student.random_local_search, f, W0, iters, step, np.random.default_rng(seed))
        expect_unchanged("W0", before, W0)
        W, loss = pair(out, what, ("W", "loss"))
        expect_shape(f"W from {what}", W, W0.shape)
        loss = _number(f"loss from {what}", loss)
        W = np.asarray(W, dtype=float)
        expect_close(f"loss from {what}, compared with loss_fn(W)", loss, f(W), rtol=1e-12,
                     atol=1e-300, hint="Return the loss of the W you return (the current one, not "
                                    "the last candidate's).")
        start = f(W0)
        expect_true(loss <= start, f"The loss from {what} is {loss:.6g}, worse than the loss "
                    f"{start:.6g} at W0.", hint="Evaluate the loss at W0 first and move only "
                    "to candidates with a strictly lower loss: the result is never worse than W0.")
        hint = None
        if not _matches(W, ref_W, rtol=1e-10):
            hint = _first_hint(W, [
                (_local_variant(f, W0, iters, step, seed, accept_equal=True),
                 "A candidate with an equal loss is not better: move only if its loss is "
                 "strictly lower."),
                (_local_variant(f, W0, iters, step, seed, around_start=True),
                 "Draw each candidate around the current W, not around W0."),
                (_local_variant(f, W0, iters, step, seed, skip_start=True),
                 "Start from the loss at W0, not from infinity: otherwise the first "
                 "candidate is accepted even when it is worse than W0."),
            ])
        expect_close(f"W from {what}", W, ref_W, rtol=1e-10, atol=1e-14, hint=hint or LOCAL)
        expect_close(f"loss from {what}", loss, ref_loss, rtol=1e-10, atol=1e-300, hint=LOCAL)


# --- gradient_descent -----------------------------------------------------------------------

DESCENT = ("Start from W0 (without changing it); in each of the num_iters iterations evaluate "
           "the loss and the gradient at the current W, record the loss, then step "
           "W ← W - lr·∇L(W).")


def _descent_variant(f, W0, lr, iters, kind):
    """W after plausible misreadings of the update, run here for diagnoses."""
    W = W0.copy()
    _, g0 = f(W0)
    for _ in range(iters):
        _, g = f(W)
        if kind == "ascent":
            W = W + lr * g
        elif kind == "restart":
            W = W0 - lr * g
        elif kind == "stale":
            W = W - lr * g0
        elif kind == "short":
            W = W - lr * g if _ < iters - 1 else W
    return W


def _descent_hint(f, W0, lr, iters, W):
    """The hint for the misreading of the update that gives W, if any."""
    with np.errstate(all="ignore"):
        return _first_hint(W, [(_descent_variant(f, W0, lr, iters, kind), text) for kind, text in (
            ("ascent", "Step downhill, against the gradient: W ← W - lr·∇L(W), not plus."),
            ("restart", "Update the current W, not W0: every step starts where the previous "
                        "one ended."),
            ("stale", "Compute the gradient again at every step, at the current W."),
            ("short", "Take num_iters updates: the final W is after the last one."))])


@hidden_check(A, "gradient_descent")
def gradient_descent(student, ref, rng):
    n = int(rng.integers(3, 7))
    a, b = _sizes(rng, 2)
    cases = [  # (function, W0, learning rate, iterations)
        (testfns.quadratic_and_grad, rng.normal(size=(n,)), float(rng.uniform(0.1, 0.9)),
         int(rng.integers(5, 20))),
        (testfns.ill_conditioned_and_grad, rng.normal(size=(a, b)), 0.015,
         int(rng.integers(10, 25))),
        (testfns.rosenbrock_and_grad, rng.normal(0, 0.5, size=(2, a, 2)), 2e-4,
         int(rng.integers(5, 15))),
        (testfns.sum_of_column_norms_and_grad, rng.normal(size=(b, a)), 0.5, 1),
        (testfns.sum_of_sines_and_grad, rng.normal(size=(a,)), 0.3, int(rng.integers(5, 15))),
    ]
    for f, W0, lr, iters in cases:
        what = (f"gradient_descent({_name(f)}, W0, lr={lr:g}, num_iters={iters}) with W0 of "
                f"shape {W0.shape}")
        ref_W, ref_losses = ref["gradient_descent"](f, W0.copy(), lr, iters)
        before = W0.copy()
        out = call(student.gradient_descent, f, W0, lr, iters)
        expect_unchanged("W0", before, W0)
        W, losses = pair(out, what, ("W", "losses"))
        expect_shape(f"W from {what}", W, W0.shape)
        expect_shape(f"losses from {what}", losses, (iters,),
                     hint="One loss per update, losses[i] the loss before update i: "
                          "num_iters losses in all.")
        losses = np.asarray(losses, dtype=float)
        with np.errstate(all="ignore"):
            after = np.asarray(ref["gradient_descent"](f, W0.copy(), lr, iters + 1)[1], float)
        hint = _first_hint(losses, [
            (after[1:], "losses[i] is the loss *before* update i (losses[0] is the loss at W0): "
                        "evaluate, record, then update."),
        ])
        if hint is None and not _matches(W, ref_W, rtol=1e-10):
            hint = _descent_hint(f, W0, lr, iters, W)
        expect_close(f"losses from {what}", losses, ref_losses, rtol=1e-10, atol=1e-14,
                     hint=hint or DESCENT)
        hint = None if _matches(W, ref_W, rtol=1e-10) else _descent_hint(f, W0, lr, iters, W)
        expect_close(f"W from {what}", W, ref_W, rtol=1e-10, atol=1e-14, hint=hint or DESCENT)
