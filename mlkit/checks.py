"""Helpers that test cells use to compare a student's results and explain failures.

A failing check raises :class:`CheckFailed` with a message that says what was checked,
expected vs got (shape, value, location of the worst entry) and a hint for the usual
mistake. A passing check is silent; :func:`passed` prints one short line.

Student code runs in the same kernel before the test cells, so these helpers never look
numpy, ``np.testing`` or builtins up at call time: everything they use is captured when this
module is imported (the notebook's locked setup cell imports it first). Rebinding any of
those names afterwards is detected and fails the check with a message saying so. The
authoritative grade does not rely on this: ``autograde`` runs student code in a separate,
sandboxed process and compares results in a process the student's code never ran in.
"""

import builtins as _builtins
import itertools as _itertools
import operator as _operator
import warnings as _warnings
from linecache import getline as _getline

import numpy as _np
import numpy.testing as _npt

from mlkit.diagnose import diagnose as _diagnose
from mlkit.diagnose import Hint as _Hint
from mlkit.diagnose import select_hints as _select_hints
from mlkit.diagnose import specific as _specific

# --- references captured at import (see module docstring) -------------------------------
_asarray = _np.asarray
_isfinite = _np.isfinite
_isnan = _np.isnan
_np_where = _np.where
_unravel = _np.unravel_index
_errstate = _np.errstate
_ndarray = _np.ndarray
_float64 = _np.dtype("float64")
_generic = _np.generic
_catch_warnings = _warnings.catch_warnings
_simplefilter = _warnings.simplefilter
_isinstance, _len, _repr, _float, _int, _str = (
    isinstance, len, repr, float, int, str)
_tuple, _print, _getattr, _type, _id, _sorted = tuple, print, getattr, type, id, sorted
_abs, _max = abs, max
_list, _map, _any, _zip = list, map, any, zip
_hasattr, _dict = hasattr, dict
_repeat, _is_not = _itertools.repeat, _operator.is_not
_inf = _float("inf")

_WATCHED_NUMPY = ("allclose", "isclose", "array_equal", "array_equiv", "asarray", "array",
                  "isfinite", "isnan", "abs", "absolute", "max", "min", "all", "any",
                  "sum", "mean", "exp", "log", "errstate", "seterr", "testing")
# Builtins the checks (or a plain assert) depend on. Not all of them: a Jupyter kernel
# itself rebinds some (input, display, exit) on every execution.
_WATCHED_BUILTINS = ("abs", "all", "any", "bool", "callable", "compile", "eval", "exec",
                     "float", "getattr", "hasattr", "id", "int", "isinstance", "issubclass",
                     "len", "max", "min", "print", "range", "repr", "round", "setattr",
                     "sorted", "str", "sum", "tuple", "type", "zip", "__import__",
                     "AssertionError", "Exception", "BaseException", "NotImplementedError")
_WATCHED_TESTING = ("assert_allclose", "assert_array_equal", "assert_almost_equal",
                    "assert_array_almost_equal", "assert_equal", "assert_")


def _snapshot():
    """What the checks rely on, by namespace: (prefix, its dict, the names, the objects
    bound to them now), compared by identity later."""
    spaces = [("builtins", _builtins.__dict__, _WATCHED_BUILTINS),
              ("numpy", _np.__dict__, _WATCHED_NUMPY),
              ("numpy.testing", _npt.__dict__, _WATCHED_TESTING),
              ("mlkit.checks", _MODULE_DICT, _tuple(_OWN))]
    return [(prefix, space, names, [space.get(n, _MISSING) for n in names])
            for prefix, space, names in spaces]


class CheckFailed(AssertionError):
    """A check failed. The message explains what was wrong and how to fix it."""

    def __init__(self, message, *, status="failed"):
        super().__init__(message)
        self.status = status  # "failed" or "tampered": read by the grading tools

    def _render_traceback_(self):
        """The lines IPython shows for this exception instead of a traceback.

        IPython (and so Jupyter's output area, nbgrader's feedback and nbclient's
        CellExecutionError) calls this hook when an exception defines it: a failed check then
        reads as its message alone, without the frames of mlkit or of the hidden checks. It is
        still an error output, so the cell still counts as failed. Any other exception, e.g.
        a plain ``assert`` in the student's code, keeps IPython's usual traceback.
        """
        first, *rest = _str(self).split("\n")
        return [f"\x1b[1;31m{_type(self).__name__}\x1b[0m: {first}"] + rest


_MISSING = object()


def tampered():
    """Names that were rebound since mlkit.checks was imported (empty list if none).

    Called before every check, so kept to C-level loops (``map`` over the captured
    namespaces): about 10 µs, not the 100 µs of a Python loop over 80 names."""
    changed = []
    for prefix, space, names, values in _SNAPSHOT:
        now = _list(_map(space.get, names, _repeat(_MISSING)))
        if _any(_map(_is_not, now, values)):
            changed += [f"{prefix}.{n}" for n, a, b in _zip(names, now, values) if a is not b]
    return _sorted(changed)


def _guard():
    names = tampered()
    if names:
        raise CheckFailed(
            "These checks cannot be trusted: your code replaced "
            + ", ".join(names[:6]) + (" …" if _len(names) > 6 else "")
            + ". Remove the code that rebinds them, restart the kernel and run all cells."
            " (When graded, rebinding these counts as tampering and scores 0.)",
            status="tampered")


# --- describing values --------------------------------------------------------------------

def _fmt(x):
    try:
        return f"{_float(x):.6g}"
    except (TypeError, ValueError):
        return _repr(x)


def _describe(value):
    """A short description of a value: never the full content of a hidden input."""
    if _isinstance(value, (_ndarray, _generic)):
        arr = _asarray(value)
        if arr.dtype.kind in "fiub" and arr.size:
            with _errstate(all="ignore"):
                top = _abs(arr.astype(_float)).max()
            return f"array of shape {arr.shape} (max |value| = {_fmt(top)})"
        return f"array of shape {arr.shape}, dtype {arr.dtype}"
    if _isinstance(value, (_float, _int)):
        return _fmt(value)
    if callable(value):
        return _getattr(value, "__name__", "a function")
    return _type(value).__name__


def _fmt_pair(expected, got):
    """Both numbers, with enough digits that they look different when they are."""
    for digits in (6, 10, 17):
        try:
            e, g = f"{_float(expected):.{digits}g}", f"{_float(got):.{digits}g}"
        except (TypeError, ValueError):
            return _repr(expected), _repr(got)
        if e != g:
            break
    return e, g


def _plain(value):
    """A numpy scalar as a plain Python value (0, not np.int64(0))."""
    return value.item() if _isinstance(value, _generic) else value


def _where(index):
    return "[" + ", ".join(_str(_int(i)) for i in index) + "]" if index else "(scalar)"


def _as_numbers(what, got):
    """got as a float array, or CheckFailed saying why it is not one."""
    if got is None:
        raise CheckFailed(f"{what} is None: did you forget the `return` statement?")
    if _isinstance(got, _tuple) and _len(got) and _isinstance(got[0], _ndarray):
        raise CheckFailed(f"{what} should be a single array, got a tuple of {_len(got)} items.")
    try:
        arr = _asarray(got, dtype=_float)
    except (TypeError, ValueError):
        pass
    else:
        return arr
    described = _array_description(got)
    if described:  # dtype object (or str): say so, not just "ndarray"
        _fail([f"{what} should be an array of numbers, got {described}."], [_NOT_NUMBERS])
    if _isinstance(got, (_list, _tuple)):
        _fail([f"{what} should be a number or an array of numbers, got a "
               f"{_type(got).__name__} that numpy cannot turn into one."], [_NOT_NUMBERS])
    raise CheckFailed(f"{what} should be a number or an array of numbers, "
                      f"got {_type(got).__name__}.")


def _array_description(got):
    """"an array of dtype object and shape (2,)" for an array that holds no numbers (or the
    grader's view of one, which has the array's type name, shape and dtype); else None."""
    if _isinstance(got, _ndarray):
        return f"an array of dtype {got.dtype} and shape {got.shape}"
    if _type(got).__name__ != "ndarray":
        return None
    try:
        return f"an array of dtype {_str(got.dtype.name)} and shape {_tuple(got.shape)}"
    except Exception:  # not an array after all: the caller names its type
        return None


_NOT_NUMBERS = ("numpy makes one table of numbers only from rows of equal length holding "
                "numbers: look for a None, a string or a row of a different length in what "
                "you built (np.array of such rows gives dtype object).")


def _fail(lines, hints):
    # One diagnosis, not a stack: a recognised mistake's hint alone, and a generic one
    # (a constant factor of no particular size) only when nothing better is known.
    text = "\n".join(lines + [f"  hint: {h}" for h in _select_hints(hints)])
    raise CheckFailed(text)


def _mistake_hint(arr, mistakes, rtol, atol):
    """The hint of the first (wrong value, hint) pair that arr matches, as a specific hint."""
    for wrong, hint in mistakes or ():
        if wrong is None:
            continue
        try:
            wrong = _asarray(wrong, dtype=_float)
        except (TypeError, ValueError):
            continue
        if wrong.shape != arr.shape or not _isfinite(wrong).all():
            continue
        with _errstate(all="ignore"):
            if (_abs(arr - wrong) <= atol + _max(rtol, 1e-9) * _abs(wrong)).all():
                return _specific(hint)
    return None


# --- the checks -----------------------------------------------------------------------------

def expect_shape(what, got, shape, hint=None):
    """Fail unless ``got`` (array-like) has exactly ``shape``."""
    __tracebackhide__ = True
    _guard()
    arr = _as_numbers(what, got)
    shape = _tuple(shape)
    if arr.shape != shape:
        hints = [hint]
        if arr.ndim == 0 and shape:
            hints.append("You returned a single number: keep one value per entry (no sum/mean).")
        elif arr.ndim == _len(shape) + 1 and 1 in arr.shape:
            hints.append("There is an extra axis of length 1: flatten it or index the "
                         "right way (e.g. w of shape (D,) rather than (D, 1)).")
        elif _sorted(arr.shape) == _sorted(shape) and arr.ndim == 2 and not hint:
            hints.append("The axes are swapped: check the order of the matrix product "
                         "(samples are rows: X @ W, not W @ X).")
        _fail([f"Wrong shape for {what}: expected {shape}, got {arr.shape}."], hints)


def expect_dtype(what, got, kind, hint=None):
    """Fail unless ``got`` is an array whose dtype kind is in ``kind`` ("f", "iu", "b").

    ``kind="float64"`` asks for exactly float64, the course's float type (numpy's default).
    """
    __tracebackhide__ = True
    _guard()
    names = {"f": "a float", "float64": "a float64", "i": "an integer", "iu": "an integer",
             "u": "an unsigned integer", "b": "a boolean"}
    if not _isinstance(got, (_ndarray, _generic)):
        _fail([f"{what} should be a numpy array, got {_type(got).__name__}."],
              [hint, "Build the result with numpy operations on whole arrays "
                     "(or convert it with np.array) rather than a Python list."])
    arr = _asarray(got)
    if arr.dtype.kind not in ("f" if kind == "float64" else kind):
        wanted = names.get(kind) or " or ".join(names.get(k, k) for k in kind)
        hints = [hint]
        if arr.dtype.kind == "b":
            hints.append("A comparison such as z > 0 gives booleans: convert with "
                         ".astype(float) (or .astype(int) for labels).")
        _fail([f"{what} should be {wanted} array, got dtype {arr.dtype}."], hints)
    if kind == "float64" and arr.dtype != _float64:
        _fail([f"{what} should be a float64 array, got dtype {arr.dtype}."],
              [hint, "float64 is numpy's default float (np.zeros, np.eye, astype(float)): "
                     "leave out dtype=np.float32 and the like."])


def expect_finite(what, got, hint=None):
    """Fail if ``got`` contains nan or inf; report where and how many."""
    __tracebackhide__ = True
    _guard()
    arr = _as_numbers(what, got)
    bad = ~_isfinite(arr)
    if bad.any():
        first = _unravel(int(bad.argmax()), arr.shape) if arr.ndim else ()
        kind = "nan" if _isnan(arr[first] if arr.ndim else arr) else "inf"
        _fail([f"{what} contains nan/inf: {int(bad.sum())} of {arr.size} entries, "
               f"first at {_where(first)} ({kind})."],
              [hint, "nan/inf usually come from exp of a large number (overflow) or log(0):"
                     " rewrite the formula so that exp only sees non-positive numbers."])


def expect_close(what, got, expected, *, rtol=1e-6, atol=1e-9, hint=None, n=None,
                 mistakes=()):
    """Fail unless ``got`` matches ``expected`` in shape and values.

    The message names the worst entry and explains recognised patterns (transposed,
    wrong sign, off by a factor such as 2 or the batch size ``n``, all zeros, nan).
    ``mistakes`` lists ``(wrong_value, hint)`` pairs for the usual wrong answers: when
    ``got`` matches one (to the same tolerance), its hint is shown alone.
    """
    __tracebackhide__ = True
    _guard()
    exp = _as_numbers("the expected value", expected)
    arr = _as_numbers(what, got)
    if arr.shape != exp.shape:
        diag = _diagnose(arr, exp, n=n)
        expect_shape(what, arr, exp.shape, hint=(diag[0] if diag else hint))
    finite = _isfinite(exp)
    broken = finite & ~_isfinite(arr)
    if broken.any():
        first = _unravel(int(broken.argmax()), broken.shape) if broken.ndim else ()
        _fail([f"{what} contains nan/inf where finite values are expected: "
               f"{int(broken.sum())} of {_max(arr.size, 1)} entries, first at {_where(first)} "
               f"(expected {_fmt(exp[first])}, got {_fmt(arr[first])})."],
              [hint] + _diagnose(arr, exp, n=n))
    with _errstate(all="ignore"):
        err = _abs(arr - exp)
        allowed = atol + rtol * _abs(exp)
        # err == 0 is a match even when allowed == 0 (atol=0 on an exact zero: 0/0).
        ratio = _np_where(finite, _np_where(err == 0, 0.0, err / allowed),
                          _np_where(arr == exp, 0.0, _inf))
    if not (ratio <= 1).all():
        worst = _unravel(int(ratio.argmax()), ratio.shape) if ratio.ndim else ()
        count = int((ratio > 1).sum())
        shown_exp, shown_got = _fmt_pair(exp[worst], arr[worst])
        lines = [f"Wrong values for {what}: {count} of {_max(arr.size, 1)} entries differ.",
                 f"  worst entry at {_where(worst)}: expected {shown_exp}, got {shown_got}."]
        _fail(lines, [_mistake_hint(arr, mistakes, rtol, atol), hint] + _diagnose(arr, exp, n=n))


def expect_equal(what, got, expected, hint=None):
    """Fail unless ``got`` equals ``expected`` exactly (labels, integer results, shapes)."""
    __tracebackhide__ = True
    _guard()
    arr, exp = _asarray(got), _asarray(expected)
    if arr.shape != exp.shape:
        expect_shape(what, arr, exp.shape, hint=hint)
    same = arr == exp
    if not _asarray(same).all():
        wrong = ~_asarray(same)
        worst = _unravel(int(wrong.argmax()), wrong.shape) if wrong.ndim else ()
        _fail([f"Wrong {what}: {int(wrong.sum())} of {_max(arr.size, 1)} entries differ; "
               f"first at {_where(worst)}: expected {_plain(exp[worst])!r}, "
               f"got {_plain(arr[worst])!r}."],
              [hint])


def expect_true(condition, message, hint=None):
    """Fail with ``message`` (and ``hint``) unless ``condition`` holds."""
    __tracebackhide__ = True
    _guard()
    if not condition:
        _fail([message], [hint])


def expect_unchanged(what, before, after):
    """Fail if an input array was modified by the student's function."""
    __tracebackhide__ = True
    _guard()
    if not (_asarray(before).shape == _asarray(after).shape
            and (_asarray(before) == _asarray(after)).all()):
        _fail([f"Your function changed its input {what} in place."],
              ["Work on a copy of the input, or compute a new array instead of updating "
               "one in place (`+=` or `*=` on an argument writes into the caller's array)."])


# What a numpy warning usually means. Generic: a hint the check gives for the function at hand
# (call's hint=) is shown instead.
_WARNING_HINTS = {
    "overflow encountered in exp": "exp of a large number overflows: rewrite the formula so "
        "that exp only sees non-positive numbers (e.g. use exp(-|z|)).",
    "divide by zero encountered in log": "log(0) = -inf: clip the argument away from 0 or "
        "compute the log in a stable way (log-sum-exp, log1p).",
    "invalid value encountered": "an operation such as 0/0, inf - inf or 0 * inf produced "
        "nan: look for a division by a quantity that can be 0, or overflow earlier in the "
        "formula.",
    "divide by zero": "a division by zero: check the denominators.",
}


def call(fn, *args, hint=None, **kwargs):
    """Call a student's function as a check would, and return its result.

    Turns the ways a call can go wrong into CheckFailed messages: not implemented yet,
    an exception, or a numpy warning (a warning makes a graded cell score 0), with the line
    of the student's code that raised or warned. ``hint`` (not passed on to ``fn``) is the
    usual cause for this function and input, e.g. "subtract each row's maximum" for a
    softmax on logits far apart; it replaces the generic explanation of a numpy warning.
    """
    __tracebackhide__ = True
    _guard()
    name = _getattr(fn, "__name__", "your function")
    shown = ", ".join([_describe(a) for a in args]
                      + [f"{k}={_describe(v)}" for k, v in kwargs.items()])
    with _catch_warnings(record=True) as caught:
        _simplefilter("always")
        try:
            result = fn(*args, **kwargs)
        except NotImplementedError as exc:
            where = _getattr(exc, "origin", None) or _innermost(exc) or name
            raise CheckFailed(f"{where} is not implemented yet: replace "
                              "`raise NotImplementedError()` with your code and run its cell."
                              ) from None
        except CheckFailed:
            raise
        except Exception as exc:  # student code may raise anything: report, don't crash
            kind = _getattr(exc, "type_name", _type(exc).__name__)
            hints = []
            if "broadcast" in _str(exc) or "aligned" in _str(exc) or "core dimension" in _str(exc):
                hints.append("A shape mismatch: write down the shape of every array in "
                             "the formula (samples are rows: X is (N, D), W is (D_in, D_out)).")
            if kind == "RecursionError":  # the diagnosis: shown alone
                hints.append(_specific("A function calls itself with no case that stops it (or "
                             "__getattr__ looks up a missing attribute of self). To walk a "
                             "graph, visit each node once: build the list of nodes first, "
                             "then loop over it."))
            _fail([f"{name}({shown}) raised {kind}: {exc}"] + _raised_at(exc), hints + [hint])
    if caught:
        msg = _str(caught[0].message)
        known = [_Hint(h, "generic") for key, h in _WARNING_HINTS.items() if key in msg]
        hints = [hint] + known[:1]
        _fail([f"{name}({shown}) issued a {caught[0].category.__name__}: \"{msg}\"."]
              + _warned_at(fn, caught[0]) + ["  Any warning makes a graded cell score 0."],
              hints)
    return result


def expect_runs(fn, *args, hint=None, **kwargs):
    """Fail unless ``fn(*args, **kwargs)`` runs without an exception or a warning."""
    __tracebackhide__ = True
    call(fn, *args, hint=hint, **kwargs)


def _raised_at(exc):
    """Where in the notebook's own code exc was raised, as a line for the message ([] if unknown).

    The innermost frame whose globals are the notebook's (``__main__``): the student's line,
    not numpy's. Functions defined elsewhere (a module) give []. An error raised where the
    grader runs the student's code comes with that line as ``exc.raised_at`` (None when no
    line of theirs was running): the frames here are then the checks' own, never shown.
    """
    if _hasattr(exc, "raised_at"):
        at = exc.raised_at
        if not _isinstance(at, _dict):
            return []
        text = _str(at.get("text") or "").strip()
        return [f"  raised in {at.get('function')}, line {at.get('line')}"
                + (f": {text}" if text else "")]
    tb, found = exc.__traceback__, None
    while tb is not None:
        if tb.tb_frame.f_globals.get("__name__") == "__main__":
            found = tb
        tb = tb.tb_next
    if found is None:
        return []
    code = found.tb_frame.f_code
    text = _getline(code.co_filename, found.tb_lineno, found.tb_frame.f_globals).strip()
    return [f"  raised in {code.co_name}, line {found.tb_lineno}" + (f": {text}" if text else "")]


def _warned_at(fn, warning):
    """The line of fn's own cell (or file) that issued warning, for the message ([] if elsewhere)."""
    code = _getattr(fn, "__code__", None)
    if code is None or warning.filename != code.co_filename:
        return []
    text = _getline(warning.filename, warning.lineno, _getattr(fn, "__globals__", None)).strip()
    return [f"  issued in {code.co_name}, line {warning.lineno}: {text}"] if text else []


def _innermost(exc):
    """Name of the function that raised exc (sigmoid, when neuron calls an unfinished sigmoid)."""
    tb, name = exc.__traceback__, None
    while tb is not None:
        name, tb = tb.tb_frame.f_code.co_name, tb.tb_next
    return name if name and name != "<module>" else None


def passed(what, detail=""):
    """Print a short confirmation line for a test cell that passed."""
    _guard()
    _print(f"✔ {what}: all checks passed{(' (' + detail + ')') if detail else ''}.")


# Snapshot last, so that the module's own functions are watched too.
_MODULE_DICT = globals()
_OWN = {k: v for k, v in _MODULE_DICT.items()
        if not k.startswith("_") and callable(v) and _getattr(v, "__module__", "") == __name__}
_SNAPSHOT = _snapshot()
