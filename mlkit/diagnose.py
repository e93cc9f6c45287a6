"""What does this mistake look like?  Heuristics that turn a wrong array into a hint.

When a student's array differs from the expected one, the *way* it differs often points at
the bug: a transposed matrix product, a forgotten ``/ N``, a missing minus sign, a gradient
that was never computed.  :func:`diagnose` recognises these patterns and returns short,
student-facing hints.  The gradient checker (:mod:`mlkit.gradcheck`) and the helpers used by
the test cells share it, so a student sees the same explanation everywhere.

Every comparison is *relative* to the size of the arrays involved (``RTOL`` times the
largest magnitude), so the hints work for gradients of size 1e-6 as well as for losses of
size 1e3, and they tolerate the round-off of finite differences.

Example::

    >>> import numpy as np
    >>> from mlkit.diagnose import diagnose
    >>> expected = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    >>> diagnose(expected.T, expected)            # doctest: +ELLIPSIS
    ['Your result looks like the transpose of the expected one: ...']
"""

from __future__ import annotations

import warnings

import numpy as np

__all__ = ["diagnose", "RTOL", "Hint", "specific", "select_hints"]

#: Relative tolerance of every "looks like" test, measured against the largest magnitude.
RTOL = 1e-4

# --- ranking hints, so that they are not stacked ---------------------------------------------

class Hint(str):
    """A hint (a plain ``str``) with a rank that decides whether it is shown next to others.

    * ``"specific"``: the value matches a recognised mistake (e.g. the loss recorded after
      the update): shown alone, every other hint is dropped;
    * ``"named"``: a pattern with a typical cause (a sign flip, a factor N, a transpose), and
      every hint written by a check's author (plain strings count as named);
    * ``"generic"``: a pattern without a cause (a constant factor or offset of no particular
      size): shown only when nothing better is known.
    """

    def __new__(cls, text, rank="named"):
        if rank not in ("specific", "named", "generic"):
            raise ValueError(f"unknown hint rank {rank!r}")
        hint = super().__new__(cls, text)
        hint.rank = rank
        return hint


def specific(text):
    """``text`` as the hint of a recognised mistake: shown alone (see :class:`Hint`)."""
    return Hint(text, "specific")


def select_hints(hints):
    """The hints worth showing together, in order, without repeats (see :class:`Hint`).

    ``None`` and empty entries are skipped. If any hint is specific, only the specific ones
    are kept; otherwise generic hints are kept only when they are all there is.
    """
    unique = []
    for h in hints:
        if h and h not in unique:
            unique.append(h)
    rank = [getattr(h, "rank", "named") for h in unique]
    if "specific" in rank:
        return [h for h, r in zip(unique, rank) if r == "specific"]
    if "named" in rank:
        return [h for h, r in zip(unique, rank) if r == "named"]
    return unique


# --- the hints (one sentence each, second person) ------------------------------------------

_NONFINITE = ("Your result contains nan or inf where the expected values are finite: look "
              "for overflow in exp or log(0) (subtract the maximum before exp, clip before log).")
_NONE = "Your result is None: did you forget the return statement?"
_ZEROS = ("Your result is all zeros: is it actually computed and returned "
          "(not just initialised with np.zeros)?")
_TRANSPOSE = ("Your result looks like the transpose of the expected one: check the order of "
              "the factors in your matrix product (AᵀB is the transpose of BᵀA) or a missing or "
              "extra transpose.")
_SIGN = ("Your result has the wrong sign: check for a missing or extra minus sign "
         "(e.g. -log p in the loss, or theta - lr * grad in the update).")
_TWO_LARGE = ("Your result is 2 times too large: check for a factor 2 (e.g. the derivative "
              "of x² is 2x, but the 1/2 in the MSE loss cancels it).")
_TWO_SMALL = ("Your result is 2 times too small: check for a missing factor 2 (e.g. the "
              "derivative of x² is 2x) or an extra 1/2.")


def _tiny(got, expected):
    return (f"Your result is nearly zero (largest |value| {got:.2g}, where values up to "
            f"{expected:.2g} are expected): look for a factor that makes it vanish, e.g. a "
            "product with a tiny number, a division by a large one, or an update scaled twice.")


def _n_large(n):
    return (f"Your result is N = {n} times too large: did you forget to average over the "
            f"batch (divide by N)?")


def _n_small(n):
    return (f"Your result is N = {n} times too small: did you divide by N twice (or average "
            f"where a sum is expected)?")


def _generic_factor(c):
    return Hint(f"Your result is off by a constant factor ≈ {c:.4g} (yours / expected): look "
                f"for a wrong scale factor or a missing/extra constant.", "generic")


def _offset(d):
    return Hint(f"Your result is off by a constant offset ≈ {d:.4g} (yours − expected): look "
                f"for a term that is added or left out, such as a bias or a constant.", "generic")


# --- public API ----------------------------------------------------------------------------

def diagnose(got, expected, *, n=None):
    """Return hints that describe how ``got`` differs from ``expected``.

    Parameters
    ----------
    got : array_like, any shape
        The student's values (converted to float).
    expected : array_like, any shape
        The reference values (converted to float); may have a different shape than ``got``.
    n : int, optional
        The batch size N, if the values are averaged over a batch; enables the
        "N times too large/small" hints.

    Returns
    -------
    list of str
        Short, actionable, student-facing hints (one sentence each) for the patterns
        recognised, ``[]`` if none (also when ``got`` matches ``expected``). The constant
        factor and offset hints are :class:`Hint` objects of rank ``"generic"``: combine
        hints with :func:`select_hints` so that they give way to better ones.  Recognised:
        None (a missing return), nan/inf, all zeros, transpose, sign flip, factor 2,
        factor N or 1/N, other constant factor, constant offset, an extra/missing axis of
        length 1, values right but reshaped, and a missing or extra sum/mean over an axis.

    Never raises: odd inputs (empty, scalars, ragged, non-numeric, mismatched shapes) give
    ``[]`` when nothing can be said.
    """
    if got is None and expected is not None:
        # Checked first: np.asarray(None, dtype=float) is nan, which would mislead.
        return [_NONE]
    if expected is None:
        return []
    try:
        # Hints must never come with numpy warnings or a traceback attached.
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _diagnose(np.asarray(got, dtype=float), np.asarray(expected, dtype=float),
                             _valid_n(n))
    except Exception:  # a hint generator must not be a new source of errors
        return []


def _diagnose(got, expected, n):
    if got.size == 0 or expected.size == 0:
        return []
    if not np.all(np.isfinite(expected)):
        return []  # nothing reliable can be said against a non-finite reference
    if not np.all(np.isfinite(got)):
        return [_NONFINITE]
    if got.shape != expected.shape:
        return _shape_hints(got, expected)
    return _value_hints(got, expected, n)


def _valid_n(n):
    """The batch size as an int > 1, or None (N = 1 cannot be told from a correct result)."""
    try:
        n = int(n)
    except (TypeError, ValueError, OverflowError):
        return None
    return n if n > 1 else None


# --- tolerant comparisons ------------------------------------------------------------------

def _scale(*arrays):
    return max(float(np.max(np.abs(a))) for a in arrays)


def _close(a, b):
    """a ≈ b up to RTOL times the largest magnitude in either (shapes must agree)."""
    if a.shape != b.shape:
        return False
    scale = _scale(a, b)
    return scale == 0.0 or bool(np.all(np.abs(a - b) <= RTOL * scale))


def _near(value, target):
    return abs(value - target) <= 1e-3 * abs(target)


def _is_constant(a):
    scale = _scale(a)
    return float(np.ptp(a)) <= RTOL * scale


# --- same shape: how do the values differ? -------------------------------------------------

def _value_hints(got, expected, n):
    if _close(got, expected):
        return []
    if _scale(expected) == 0.0:
        return []  # expected all zeros: no factor or offset can be read off
    if not np.any(got):
        return [_ZEROS]
    tiny = _scale(got) <= RTOL * _scale(expected)  # nearly zero, yet not zero
    # A square matrix has the same shape as its transpose, so check the values too
    # (a symmetric expected matrix cannot tell the two apart).
    if (got.ndim == 2 and got.shape[0] == got.shape[1] and _close(got.T, expected)
            and not _close(expected, expected.T)):
        return [_TRANSPOSE]

    c = _scale_factor(got, expected)
    if c is not None:
        named = _named_factor_hints(c, n)
        if named:
            return named
    # With a single value (or a constant array) every difference is both a factor and an
    # offset, so only the named factors above are meaningful there.
    if got.size < 2 or _is_constant(expected):
        return []
    d = _constant_offset(got, expected)
    if d is not None:
        return [_offset(d)]
    if c is not None:
        return [_generic_factor(c)]
    return [_tiny(_scale(got), _scale(expected))] if tiny else []


def _scale_factor(got, expected):
    """The c with got ≈ c·expected, or None.

    c is the median of the entry-wise ratios over the entries that are not tiny (a robust
    estimate: one odd entry cannot move it), then every entry must fit.
    """
    significant = np.abs(expected) > 1e-3 * _scale(expected)
    c = float(np.median(got[significant] / expected[significant]))
    if c == 0.0 or not np.isfinite(c):
        return None
    return c if _close(got, c * expected) else None


def _named_factor_hints(c, n):
    """Hints for the factors with a typical cause: -1, N, 1/N, 2, 1/2 (and their negatives)."""
    hints = [_SIGN] if c < 0 else []
    m = abs(c)
    if _near(m, 1.0):
        return hints
    if n is not None and _near(m, n):  # checked before 2 so that N = 2 mentions the batch
        return hints + [_n_large(n)]
    if n is not None and _near(m, 1.0 / n):
        return hints + [_n_small(n)]
    if _near(m, 2.0):
        return hints + [_TWO_LARGE]
    if _near(m, 0.5):
        return hints + [_TWO_SMALL]
    return []  # not a named factor (a sign flip alone would have been |c| ≈ 1)


def _constant_offset(got, expected):
    """The d with got ≈ expected + d (d not negligible), or None."""
    d = float(np.median(got - expected))
    if abs(d) <= RTOL * _scale(got, expected):
        return None
    return d if _close(got, expected + d) else None


# --- different shapes: right values, wrong arrangement? -------------------------------------

def _shape_hints(got, expected):
    if _scale(expected) == 0.0 or _scale(got) == 0.0:
        return []  # zeros fit every reduction; the caller's shape message says enough
    if (got.ndim == 2 and expected.ndim == 2 and got.shape == expected.shape[::-1]
            and _close(got.T, expected)):
        return [_TRANSPOSE]
    if got.size == expected.size:
        return _rearranged_hints(got, expected)
    return _reduction_hints(got, expected)


def _rearranged_hints(got, expected):
    """Same number of values: an axis of length 1 too many/few, or a wrong reshape."""
    if not _close(got.ravel(), expected.ravel()):
        return []
    if np.squeeze(got).shape == np.squeeze(expected).shape:
        return [f"Your values are right but the shape is {got.shape} instead of "
                f"{expected.shape}: an axis of length 1 is missing or extra (check "
                f"keepdims=True, [:, None] or a reshape)."]
    return [f"Your values are right but arranged in shape {got.shape} instead of "
            f"{expected.shape}: check your reshape."]


# (reduction, past participle, verb, a typical place where it belongs)
_REDUCTIONS = ((np.sum, "summed", "sum", "db = dZ.sum(axis=0)"),
               (np.mean, "averaged", "average", "a loss is the mean over the batch"))


def _reduce_to(a, target_shape, op, axis):
    """op(a, axis) if it has target_shape (with or without keepdims), else None."""
    if a.ndim == 0:
        return None
    reduced = op(a, axis=axis, keepdims=True)
    if reduced.shape == target_shape:
        return reduced
    reduced = reduced.reshape(reduced.shape[:axis] + reduced.shape[axis + 1:])
    return reduced if reduced.shape == target_shape else None


def _reduction_hints(got, expected):
    # got = expected reduced over an axis: the student summed/averaged too much.
    for axis in range(expected.ndim):
        for op, done, verb, _ in _REDUCTIONS:
            reduced = _reduce_to(expected, got.shape, op, axis)
            if reduced is not None and _close(got, reduced):
                return [f"Your result looks like the expected values {done} over axis "
                        f"{axis}: did you {verb} over an axis that should be kept?"]
    # expected = got reduced over an axis: the student forgot the sum/mean (e.g. db).
    for axis in range(got.ndim):
        for op, done, verb, example in _REDUCTIONS:
            reduced = _reduce_to(got, expected.shape, op, axis)
            if reduced is not None and _close(reduced, expected):
                return [f"Your result looks like the expected one before it is {done} over "
                        f"axis {axis}: did you forget to {verb} over that axis (e.g. "
                        f"{example})?"]
    return []
