"""Hidden checks of 02_softmax_losses."""

import numpy as np

from autograde.hidden import hidden_check
from autograde.hidden._cases import call_unchanged, pair
from mlkit.checks import (expect_close, expect_dtype, expect_equal, expect_finite,
                          expect_shape, expect_true)

A = "02_softmax_losses"

STABLE = ("Subtract each row's own maximum (over the last axis, kept as a column) before the "
          "exponential: exp overflows above about 709.8, and one maximum for the whole array "
          "leaves rows far below it at exp(-huge) = 0, so 0/0 = nan. Don't clip Z: the result "
          "must stay exact.")
LOG_STABLE = ("Use log-sum-exp with each row's own maximum m: log softmax(z)_i = z_i - m - "
              "log(sum_j e^(z_j - m)), the formula in the text. Not the log of the softmax (a "
              "probability that underflows to 0 gives log(0) = -inf), and not one maximum for "
              "the whole array (a row far below it sums to 0).")
AXIS = ("Work over the last axis, and keep the row maxima and sums as a column, so that they "
        "broadcast against Z row by row; the same code then works for a 1-D z.")
ROW_SHIFT = ("Adding a constant to a row must not change its softmax: subtract that row's own "
             "maximum before the exponential, not one maximum of the whole array (a row far "
             "below it underflows to 0 and divides 0 by 0).")
SCALAR = "Return a single number (the mean over the batch), not an array."

# Tolerances fit the quantity, not one way of computing it: any correct implementation,
# including one that computes in float32 (unit round-off U32 = 2**-24, about 6e-8) or sums
# in another order, gets full marks. Values of order 1: relative 1e-5 (float32 over a few
# dozen operations stays below 1e-6); entries that may cancel to ~0 (p - t, s - s**2, log
# of a probability near 1) get an absolute floor of 1e-7. Logits of size |Z| are rounded
# by float32 to within U32 |Z|, which moves a log-probability by up to ~3 U32 max|Z| (2e-3 at
# |Z| = 1e4): the softmax family's tolerances grow as 8 U32 max|Z|. Every plausible wrong
# implementation is off by far more (a factor, a sign, nan, a clipped or underflowed value).
U32 = 2.0 ** -24
VALUE = dict(rtol=1e-5, atol=1e-9)        # losses, penalties: numbers of order 1
GRAD = dict(rtol=1e-5, atol=1e-7)         # gradients: entries like (p - t) / N may cancel


# --- helpers --------------------------------------------------------------------------------

def _scalar(what, value):
    __tracebackhide__ = True
    expect_shape(what, value, (), hint=SCALAR)
    return float(np.asarray(value, dtype=float))


def _two_sizes(rng, low=2, high=9):
    """Two different sizes (n, k) with n < k."""
    n, k = sorted(int(v) for v in rng.choice(np.arange(low, high), size=2, replace=False))
    return n, k


def _batch_shapes(rng):
    """Non-square batches both ways, a square one, a batch of one, K = 2, K = 1, and 1-D."""
    n, k = _two_sizes(rng)
    m = int(rng.integers(2, 7))
    return [(k, n), (n, k), (m, m), (1, int(rng.integers(2, 7))), (int(rng.integers(2, 7)), 2),
            (int(rng.integers(2, 6)), 1), (int(rng.integers(2, 8)),)]


def _extreme_logits(rng):
    """Rows with |Z| up to 1e4: near +1e4, near -1e4 (far below the others), spread out."""
    k = int(rng.integers(3, 7))
    rows = [1e4 - rng.uniform(0.0, 5.0, k), -1e4 + rng.uniform(0.0, 5.0, k),
            rng.uniform(-1e4, 1e4, k), rng.normal(0.0, 1e3, k),
            np.r_[1e4, -1e4, rng.normal(0.0, 3.0, k - 2)]]
    rows = [rng.permutation(r) for r in rows]
    Z = np.array(rows)[rng.permutation(len(rows))]
    return np.clip(Z, -1e4, 1e4)


def _numerical_grad(fn, names, x, *rest, h=1e-2):
    """Central differences of the scalar first output of the student's fn at x.

    h = 1e-2: the truncation error (h**2 / 6 times a third derivative, below 1e-5 for these
    smooth losses) and a float32 loss's round-off (U32 * loss / h, below 1e-5) both stay
    far below the errors this check is for (a factor N, a sign, the wrong loss)."""
    __tracebackhide__ = True
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        values = []
        for step in (h, -h):
            xp = x.copy()
            xp[idx] += step
            out = call_unchanged(fn, names, xp, *rest)
            first = out[0] if isinstance(out, (tuple, list)) else out
            values.append(_scalar(f"the loss of {getattr(fn, '__name__', 'your function')}",
                                  first))
        grad[idx] = (values[0] - values[1]) / (2 * h)
    return grad


# --- softmax and log_softmax ----------------------------------------------------------------

def _family_tol(Z, log):
    """Tolerances for softmax / log_softmax of Z (see U32 above)."""
    slack = 8 * U32 * max(1.0, float(np.max(np.abs(Z))))
    return dict(rtol=1e-5, atol=1e-7 + slack) if log else dict(rtol=1e-5 + slack, atol=1e-12)


def _check_rows(fn_name, got, shape, *, log, rtol=1e-5):
    """Rows of softmax (or exp of log_softmax) sum to 1; say so if the columns do instead."""
    __tracebackhide__ = True
    P = np.exp(np.asarray(got, dtype=float)) if log else np.asarray(got, dtype=float)
    what = "row sums of exp(log_softmax(Z))" if log else "row sums of softmax(Z)"
    sums = P.sum(axis=-1)
    if len(shape) == 2 and shape[0] > 1 and not np.allclose(sums, 1.0, rtol=rtol, atol=0) \
            and np.allclose(P.sum(axis=0), 1.0, rtol=rtol, atol=0):
        hint = ("Your columns sum to 1, not your rows: each row is one sample, so normalise "
                "over the last axis, each row by its own sum.")
    elif log:
        hint = ("exp(log_softmax(Z)) must be a probability distribution in every row: subtract "
                "the whole log-sum-exp of the row, LSE(z) = m + log(sum_j e^(z_j - m)), the "
                "maximum m included.")
    else:
        hint = AXIS
    expect_close(f"{what} for Z of shape {shape}", sums, np.ones(shape[:-1]), rtol=rtol,
                 atol=0, hint=hint)


def _softmax_family(student, ref, rng, name):
    fn, reference = getattr(student, name), ref[name]
    log = name == "log_softmax"
    for shape in _batch_shapes(rng):
        Z = rng.normal(0.0, 3.0, size=shape)
        tol = _family_tol(Z, log)
        expected = reference(Z.copy())
        got = call_unchanged(fn, ["Z"], Z)
        what = f"{name}(Z) for Z of shape {shape}"
        hint = ("A 1-D z is one sample: work over the last axis (a 1-D array has no axis 1) "
                "so that it works too."
                if len(shape) == 1 else AXIS)
        expect_shape(what, got, shape, hint=hint)
        expect_dtype(what, got, "f")
        expect_finite(what, got)
        _check_rows(name, got, shape, log=log, rtol=1e-5 + 8 * U32 * float(np.max(np.abs(Z))))
        expect_close(what, got, expected, **tol, hint=hint)

    Zi = rng.integers(-5, 6, size=(int(rng.integers(2, 6)), int(rng.integers(3, 7))))
    expected = reference(Zi.copy())
    expect_close(f"{name}(Z) for an integer array Z", call_unchanged(fn, ["Z"], Zi), expected,
                 **_family_tol(Zi, log))

    stable = LOG_STABLE if log else STABLE
    Z = _extreme_logits(rng)
    what = f"{name}(Z) for Z of shape {Z.shape} with |Z| up to 1e4"
    got = call_unchanged(fn, ["Z"], Z, hint=stable)
    expect_shape(what, got, Z.shape)
    expect_finite(what, got, hint=LOG_STABLE if log else STABLE)
    expect_close(what, got, reference(Z.copy()), **_family_tol(Z, log),
                 hint=LOG_STABLE if log else STABLE)
    z = rng.permutation(np.array([1e4, 1e4 - 1.0, -1e4, 0.0]))
    expected = reference(z.copy())
    expect_close(f"{name}(z) for a 1-D z with |z| up to 1e4",
                 call_unchanged(fn, ["z"], z, hint=stable),
                 expected, **_family_tol(z, log), hint=LOG_STABLE if log else STABLE)

    n, k = _two_sizes(rng, 3, 8)
    Z = rng.normal(0.0, 3.0, size=(n, k))
    c = rng.uniform(-5000.0, 5000.0, size=(n, 1))
    Zc = Z + c
    expected = reference(Zc.copy())
    expect_close(f"{name}(Z + c) with a different constant c added to each row of Z "
                 f"(shape {Z.shape})", call_unchanged(fn, ["Z"], Zc, hint=ROW_SHIFT),
                 expected, **_family_tol(Zc, log), hint=ROW_SHIFT)


@hidden_check(A, "softmax")
def softmax(student, ref, rng):
    _softmax_family(student, ref, rng, "softmax")


@hidden_check(A, "log_softmax")
def log_softmax(student, ref, rng):
    _softmax_family(student, ref, rng, "log_softmax")


# --- softmax_jacobian -----------------------------------------------------------------------

@hidden_check(A, "softmax_jacobian")
def softmax_jacobian(student, ref, rng):
    for k, scale in ((int(rng.integers(3, 9)), 2.0), (2, 1.0), (1, 1.0),
                     (int(rng.integers(3, 7)), 6.0)):
        z = rng.normal(0.0, scale, size=k)
        expected = ref["softmax_jacobian"](z.copy())
        got = call_unchanged(student.softmax_jacobian, ["z"], z)
        what = f"softmax_jacobian(z) for z of shape ({k},)"
        expect_shape(what, got, (k, k), hint="One row and one column per class: (K, K).")
        expect_dtype(what, got, "f")
        expect_close(f"row sums of {what}", np.sum(got, axis=1), np.zeros(k), atol=1e-6,
                     hint="Each row of J must sum to 0 (adding the same constant to every logit "
                          "leaves the softmax unchanged): the off-diagonal entries are -s_i s_j, "
                          "the diagonal s_i (1 - s_i).")
        expect_close(what, got, expected, **GRAD,
                     hint="J[i, j] = s_i (delta_ij - s_j) with s the softmax of z: "
                          "s_i (1 - s_i) on the diagonal, -s_i s_j off it.")
    # against finite differences of the softmax: J[i, j] = d s_i / d z_j
    k = int(rng.integers(3, 7))
    z = rng.normal(0.0, 2.0, size=k)
    h = 1e-6
    numeric = np.empty((k, k))
    for j in range(k):
        e = np.zeros(k)
        e[j] = h
        numeric[:, j] = (ref["softmax"](z + e) - ref["softmax"](z - e)) / (2 * h)
    expect_close(f"softmax_jacobian(z) for z of shape ({k},) against finite differences of "
                 "softmax", call_unchanged(student.softmax_jacobian, ["z"], z), numeric,
                 **GRAD,
                 hint="J[i, j] is the derivative of softmax(z)[i] with respect to z[j].")


# --- one_hot --------------------------------------------------------------------------------

@hidden_check(A, "one_hot")
def one_hot(student, ref, rng):
    n = int(rng.integers(4, 13))
    k = int(rng.integers(3, 8))
    cases = [(rng.integers(0, k, size=n), k),
             (rng.integers(0, k - 1, size=n), k + int(rng.integers(1, 4))),   # unused classes
             (np.array([int(rng.integers(0, k))]), k),                          # batch of one
             (np.zeros(int(rng.integers(2, 5)), dtype=int), 1),                 # K = 1
             (rng.integers(0, k, size=n).astype(np.int32), k)]
    for y, num_classes in cases:
        expected = ref["one_hot"](y.copy(), num_classes)
        got = call_unchanged(student.one_hot, ["y"], y, num_classes)
        what = f"one_hot(y, {num_classes}) for y of shape {y.shape}"
        expect_shape(what, got, (len(y), num_classes),
                     hint="The result has one row per label and num_classes columns (use "
                          "num_classes, not y.max() + 1: a batch need not contain every class).")
        expect_dtype(what, got, "float64",
                     hint="Return float64, the course's float type (numpy's default float): "
                          "build the result as floats, not as integers or booleans.")
        expect_equal(f"values of {what}", got, expected,
                     hint="Row n holds a single 1.0, in column y[n]: set one entry per row "
                          "(row n, column y[n]), not the whole columns listed in y.")


# --- mse ------------------------------------------------------------------------------------

def _mse_cases(rng):
    n, m = _two_sizes(rng, 2, 7)
    return [(n, m) if rng.random() < 0.5 else (m, n), (int(rng.integers(2, 9)),),
            (1, int(rng.integers(2, 5))), (int(rng.integers(2, 7)), 1), (1,)]


MSE_HINT = ("The sum of the squared differences over all entries, divided by 2N with N the "
            "number of rows (samples): not the number of entries, and keep the 1/2.")


@hidden_check(A, "mse_loss")
def mse_loss(student, ref, rng):
    for shape in _mse_cases(rng):
        Y_hat, Y = rng.normal(size=shape), rng.normal(size=shape)
        expected = ref["mse_loss"](Y_hat.copy(), Y.copy())
        what = f"mse_loss(Y_hat, Y) for Y_hat of shape {shape}"
        got = _scalar(what, call_unchanged(student.mse_loss, ["Y_hat", "Y"], Y_hat, Y))
        sq, n, size = float(np.sum((Y_hat - Y) ** 2)), shape[0], Y_hat.size
        expect_close(what, got, expected, **VALUE, n=n, hint=MSE_HINT, mistakes=[
            (sq / (2 * size), f"You divided by 2 x the number of entries ({size}): divide the sum "
                              f"of squares by 2N with N = {n} rows (samples), and sum over the "
                              "outputs of each sample."),
            (sq / size, f"That is the mean over all {size} entries: divide the sum of squares by "
                        f"2N with N = {n} rows (keep the 1/2, and sum over the outputs)."),
            (sq / n, "You left out the 1/2: divide the sum of squared differences by 2N."),
        ])


@hidden_check(A, "mse_grad")
def mse_grad(student, ref, rng):
    for shape in _mse_cases(rng):
        Y_hat, Y = rng.normal(size=shape), rng.normal(size=shape)
        expected = ref["mse_grad"](Y_hat.copy(), Y.copy())
        what = f"mse_grad(Y_hat, Y) for Y_hat of shape {shape}"
        got = call_unchanged(student.mse_grad, ["Y_hat", "Y"], Y_hat, Y)
        expect_shape(what, got, shape, hint="The gradient has the shape of Y_hat.")
        n, size = shape[0], Y_hat.size
        expect_close(what, got, expected, **GRAD, n=n,
                     hint="Differentiate the loss entry by entry: the 2 of the square cancels "
                          "the 1/2, and N is the number of rows (prediction minus target, "
                          "over N).", mistakes=[
                         ((Y_hat - Y) / size, f"You divided by the number of entries ({size}): "
                                              f"divide by N = {n}, the number of rows."),
                         (2 * (Y_hat - Y) / n, "The 2 of the derivative cancels the 1/2 of the "
                                               "loss: your gradient is twice too large."),
                     ])


# --- binary cross-entropy -------------------------------------------------------------------

BCE_HINT = ("-mean(t log p + (1 - t) log(1 - p)), a mean over the N samples, with p first "
            "clipped to [eps, 1 - eps] (a p below eps counts as eps, one above 1 - eps as "
            "1 - eps).")


@hidden_check(A, "binary_cross_entropy")
def binary_cross_entropy(student, ref, rng):
    fn = student.binary_cross_entropy
    n = int(rng.integers(3, 12))
    edge = rng.permutation(np.array([0.0, 1.0, 0.0, 1.0, 1e-15, 1.0 - 1e-15, 0.5, 1e-13]))
    edge_t = rng.permutation(np.array([0, 0, 1, 1, 1, 0, 1, 0]))
    cases = [("random p", rng.uniform(0.01, 0.99, n), rng.integers(0, 2, n), {}),
             ("random p, float targets", rng.uniform(0.01, 0.99, n),
              rng.integers(0, 2, n).astype(float), {}),
             ("a batch of one", rng.uniform(0.01, 0.99, 1), rng.integers(0, 2, 1), {}),
             ("p exactly 0 or 1 and near them", edge, edge_t, {}),
             ("p in [0, 1] with eps=1e-3",
              rng.permutation(np.r_[0.0, 1.0, 5e-4, 1 - 5e-4, rng.uniform(0, 1, n)]),
              rng.integers(0, 2, n + 4), {"eps": 1e-3})]
    for label, p, t, kwargs in cases:
        expected = ref["binary_cross_entropy"](p.copy(), t.copy(), **kwargs)
        eps = ", eps=1e-3" if kwargs else ""
        what = f"binary_cross_entropy(p, t{eps}) for {label} (N={len(p)})"
        clip = ("Clip p to [eps, 1 - eps] before the logs, at both ends: log(p) is log 0 at "
                "p = 0, and log(1 - p) at p = 1.")
        got = _scalar(what, call_unchanged(fn, ["p", "t"], p, t, hint=clip, **kwargs))
        expect_finite(what, got, hint=clip)
        expect_close(what, got, expected, **VALUE, n=len(p),
                     hint=BCE_HINT + (" Use the eps argument you are given." if kwargs else ""))


@hidden_check(A, "bce_with_logits")
def bce_with_logits(student, ref, rng):
    fn = student.bce_with_logits
    n = int(rng.integers(3, 12))
    extreme = rng.permutation(np.r_[-1e4, 1e4, -1e3, 1e3, -710.0, 710.0, -40.0, 40.0, 0.0,
                                    rng.choice([-1, 1], 6) * 10.0 ** rng.uniform(-2, 4, 6)])
    cases = [("random z", rng.normal(0.0, 3.0, n), rng.integers(0, 2, n)),
             ("random z, float targets", rng.normal(0.0, 3.0, n),
              rng.integers(0, 2, n).astype(float)),
             ("a batch of one", rng.normal(0.0, 3.0, 1), rng.integers(0, 2, 1)),
             ("z with |z| up to 1e4", extreme, rng.integers(0, 2, len(extreme)))]
    stable = ("The stable forms of the text, softplus(x) = max(x, 0) + log(1 + e^(-|x|)) and a "
              "sigmoid that only exponentiates -|z|, stay exact for any z; don't clip z, and "
              "don't go through clipped probabilities.")
    for label, z, t in cases:
        ref_loss, ref_dz = ref["bce_with_logits"](z.copy(), t.copy())
        what = f"bce_with_logits(z, t) for {label} (N={len(z)})"
        loss, dz = pair(call_unchanged(fn, ["z", "t"], z, t), what, ("loss", "dz"))
        loss = _scalar(f"loss of {what}", loss)
        expect_finite(f"loss of {what}", loss, hint=stable)
        expect_close(f"loss of {what}", loss, ref_loss, **VALUE, n=len(z),
                     hint="loss = mean of softplus((1 - 2t) z). " + stable)
        expect_shape(f"dz of {what}", dz, z.shape, hint="dz has one entry per logit: shape (N,).")
        expect_finite(f"dz of {what}", dz, hint=stable)
        expect_close(f"dz of {what}", dz, ref_dz, **GRAD, n=len(z),
                     hint="dz = (sigmoid(z) - t) / N. " + stable)
    z = rng.normal(0.0, 2.0, int(rng.integers(2, 6)))
    t = rng.integers(0, 2, len(z))
    _, dz = pair(call_unchanged(fn, ["z", "t"], z, t), "bce_with_logits(z, t)", ("loss", "dz"))
    numeric = _numerical_grad(fn, ["z", "t"], z, t)
    expect_close(f"dz of bce_with_logits(z, t) against finite differences of its loss "
                 f"(N={len(z)})", dz, numeric, rtol=1e-3, atol=1e-4, n=len(z),
                 hint="dz must be the derivative of the loss you return, (sigmoid(z) - t) / N.")


# --- cross_entropy --------------------------------------------------------------------------

@hidden_check(A, "cross_entropy")
def cross_entropy(student, ref, rng):
    fn = student.cross_entropy
    n, k = _two_sizes(rng, 2, 9)
    m = int(rng.integers(3, 7))

    def probs(rows, cols):
        return ref["softmax"](rng.normal(0.0, 2.0, size=(rows, cols)))

    confident = np.eye(k)[rng.integers(0, k, size=n + 2)]      # exact zeros everywhere else
    y_conf = confident.argmax(axis=1)
    y_conf[0] = (y_conf[0] + 1) % k                              # one row: P[n, y_n] = 0
    low = probs(n + 3, k)
    low[0] = np.r_[1.0, np.zeros(k - 1)]
    low[1] = np.r_[1e-4, 1 - 1e-4, np.zeros(k - 2)]
    y_low = rng.integers(0, k, size=n + 3)
    y_low[:2] = 0
    cases = [("P of shape (N, K) with N > K", probs(k, n), rng.integers(0, n, size=k), {}),
             ("P of shape (N, K) with N < K", probs(n, k), rng.integers(0, k, size=n), {}),
             ("square P", probs(m, m), rng.integers(0, m, size=m), {}),
             ("a batch of one", probs(1, k), rng.integers(0, k, size=1), {}),
             ("P with exact zeros (one at a true class)", confident, y_conf, {}),
             ("P with small entries, eps=1e-3", low, y_low, {"eps": 1e-3})]
    for label, P, y, kwargs in cases:
        order = rng.permutation(len(y))
        P, y = P[order], y[order]
        expected = ref["cross_entropy"](P.copy(), y.copy(), **kwargs)
        what = (f"cross_entropy(P, y{', eps=1e-3' if kwargs else ''}) for {label} "
                f"(shape {P.shape})")
        got = _scalar(what, call_unchanged(fn, ["P", "y"], P, y,
                                           hint="Clip P[n, y[n]] below at eps before the log: "
                                                "log(0) = -inf.", **kwargs))
        expect_finite(what, got, hint="Clip P below at eps before the log: log(0) = -inf.")
        expect_close(what, got, expected, **VALUE, n=len(y),
                     hint="-mean over n of log(max(P[n, y[n]], eps)): one entry per row, "
                          "row n and column y[n] (not row y[n]); clip below only."
                          + (" Use the eps argument you are given." if kwargs else ""))


# --- softmax_cross_entropy ------------------------------------------------------------------

SCE_STABLE = ("Compute the loss from log_softmax(Z) (log-sum-exp with each row's maximum "
              "subtracted before the exponential), not from log(softmax(Z)) or clipped "
              "probabilities: it must stay exact for any finite logits.")


def _sce_tol(Z, *, loss=False):
    """Tolerance of the loss or dZ for logits Z: widened with max|Z| as for the softmax."""
    slack = 8 * U32 * float(np.max(np.abs(Z)))
    if loss:
        return dict(rtol=VALUE["rtol"], atol=VALUE["atol"] + slack)
    return dict(rtol=GRAD["rtol"] + slack, atol=GRAD["atol"])


def _sce(student, what, Z, y, hint=None):
    __tracebackhide__ = True
    out = call_unchanged(student.softmax_cross_entropy, ["Z", "y"], Z, y, hint=hint)
    loss, dZ = pair(out, what, ("loss", "dZ"))
    loss = _scalar(f"loss of {what}", loss)
    expect_shape(f"dZ of {what}", dZ, Z.shape, hint="dZ has the shape of Z: (N, K).")
    return loss, np.asarray(dZ, dtype=float)


@hidden_check(A, "softmax_cross_entropy")
def softmax_cross_entropy(student, ref, rng):
    reference = ref["softmax_cross_entropy"]
    n, k = _two_sizes(rng, 2, 9)
    m = int(rng.integers(3, 7))
    # (shape of Z, number of labels drawn from); the last case leaves the last class out of
    # the batch, so K must come from Z, not from y.max() + 1
    cases = [((k, n), n), ((n, k), k), ((m, m), m), ((1, k), k), ((m + 2, 2), 2),
             ((n + 1, k), k - 1)]
    for shape, labels in cases:
        Z = rng.normal(0.0, 3.0, size=shape)
        y = rng.integers(0, labels, size=shape[0])
        ref_loss, ref_dZ = reference(Z.copy(), y.copy())
        what = f"softmax_cross_entropy(Z, y) for Z of shape {shape}"
        loss, dZ = _sce(student, what, Z, y)
        expect_close(f"loss of {what}", loss, ref_loss, **VALUE, n=shape[0],
                     hint="loss = -mean over rows n of log_softmax(Z)[n, y[n]].")
        expect_close(f"dZ of {what}", dZ, ref_dZ, **GRAD, n=shape[0],
                     hint="dZ = (softmax(Z) - one_hot(y, K)) / N: prediction minus target, "
                          "divided by the batch size.")

    Z = _extreme_logits(rng)
    y = rng.integers(0, Z.shape[1], size=Z.shape[0])
    widest = int(np.argmax(Z.max(axis=1) - Z.min(axis=1)))
    y[widest] = int(np.argmin(Z[widest]))          # a true class 2e4 below the best: loss ~ 2e4
    ref_loss, ref_dZ = reference(Z.copy(), y.copy())
    what = f"softmax_cross_entropy(Z, y) for Z of shape {Z.shape} with |Z| up to 1e4"
    loss, dZ = _sce(student, what, Z, y, hint=SCE_STABLE)
    expect_finite(f"loss of {what}", loss, hint=SCE_STABLE)
    expect_close(f"loss of {what}", loss, ref_loss, **_sce_tol(Z, loss=True), hint=SCE_STABLE)
    expect_finite(f"dZ of {what}", dZ, hint=SCE_STABLE)
    expect_close(f"dZ of {what}", dZ, ref_dZ, **_sce_tol(Z), n=Z.shape[0],
                 hint="dZ = (softmax(Z) - one_hot(y, K)) / N with a stable softmax.")

    # the gradient against finite differences of the student's own loss
    n, k = int(rng.integers(2, 5)), int(rng.integers(2, 5))
    Z = rng.normal(0.0, 2.0, size=(n, k))
    y = rng.integers(0, k, size=n)
    what = f"softmax_cross_entropy(Z, y) for Z of shape {Z.shape}"
    _, dZ = _sce(student, what, Z, y)
    numeric = _numerical_grad(student.softmax_cross_entropy, ["Z", "y"], Z, y)
    expect_close(f"dZ of {what} against finite differences of its loss", dZ, numeric,
                 rtol=1e-3, atol=1e-4, n=n,
                 hint="dZ must be the derivative of the mean loss you return: "
                      "(softmax(Z) - one_hot(y)) / N.")

    # invariance to a constant added to each row
    Z = rng.normal(0.0, 3.0, size=(m + 1, m))
    y = rng.integers(0, m, size=m + 1)
    Zc = Z + rng.uniform(-3000.0, 3000.0, size=(m + 1, 1))
    ref_loss, ref_dZ = reference(Zc.copy(), y.copy())
    what = f"softmax_cross_entropy(Z + c, y) with a constant c added to each row (shape {Z.shape})"
    loss, dZ = _sce(student, what, Zc, y, hint=SCE_STABLE)
    expect_close(f"loss of {what}", loss, ref_loss, **_sce_tol(Zc, loss=True),
                 hint="The loss only depends on differences of logits within a row. "
                      + SCE_STABLE)
    expect_close(f"dZ of {what}", dZ, ref_dZ, **_sce_tol(Zc), n=m + 1,
                 hint="Subtract each row's own maximum (kept as a column) before the "
                      "exponential.")


# --- l2_penalty -----------------------------------------------------------------------------

def _network(rng, layers, extra=()):
    sizes = [int(s) for s in rng.integers(1, 6, size=layers + 1)]
    params = {}
    for i in range(layers):
        params[f"W{i + 1}"] = rng.normal(size=(sizes[i], sizes[i + 1]))
        params[f"b{i + 1}"] = rng.normal(size=sizes[i + 1])
    for key in extra:
        params[key] = rng.normal(size=int(rng.integers(1, 4)))
    return params


@hidden_check(A, "l2_penalty")
def l2_penalty(student, ref, rng):
    fn = student.l2_penalty
    shuffled = _network(rng, 3)
    shuffled = {k: shuffled[k] for k in rng.permutation(list(shuffled))}
    cases = [(_network(rng, 1), float(rng.uniform(0.01, 1.0))),
             (_network(rng, int(rng.integers(2, 5))), float(rng.uniform(0.01, 1.0))),
             (shuffled, float(rng.uniform(0.01, 1.0))),
             (_network(rng, 2), 0.0),
             (_network(rng, 2, extra=("gamma1",)), float(rng.uniform(0.1, 1.0)))]
    for params, lam in cases:
        ref_penalty, ref_grads = ref["l2_penalty"]({k: v.copy() for k, v in params.items()}, lam)
        keys = ", ".join(params)
        what = f"l2_penalty(params, {lam:.3g}) for params with keys {keys}"
        penalty, grads = pair(call_unchanged(fn, ["params"], params, lam), what,
                              ("penalty", "grads"))
        penalty = _scalar(f"penalty of {what}", penalty)
        expect_close(f"penalty of {what}", penalty, ref_penalty, **VALUE,
                     hint="penalty = lam times the sum of the squared entries of every array "
                          "whose key starts with 'W' (squared entries, not the squared sum; no "
                          "biases, no other keys).")
        expect_true(isinstance(grads, dict),
                    f"grads of {what} should be a dict, got {type(grads).__name__}.")
        missing = [k for k in params if k not in grads]
        extra = [k for k in grads if k not in params]
        expect_true(not missing and not extra,
                    f"grads of {what} should have exactly the keys of params"
                    + (f"; missing: {', '.join(missing)}" if missing else "")
                    + (f"; unexpected: {', '.join(map(str, extra))}" if extra else "") + ".",
                    hint="Give every parameter an entry: 2 lam W for the 'W' keys, zeros of "
                         "the same shape for all the others.")
        for key, expected in ref_grads.items():
            g = grads[key]
            expect_shape(f'grads["{key}"] of {what}', g, expected.shape,
                         hint="Each gradient has the shape of its parameter.")
            expect_close(f'grads["{key}"] of {what}', g, expected, **GRAD,
                         hint=("The derivative of lam * (sum of the squared entries of W) is 2 lam W."
                      if key.startswith("W") else
                               "Only keys starting with 'W' are penalised: the gradient of every "
                               "other parameter is zero."))
