"""Gradient checking: use the analytic gradient, check it with the numerical one.

Two ways to get the gradient of a function:

* **numerically**, with finite differences (:func:`numerical_gradient`): nudge one entry of
  the input by ±h and watch the output.  Simple and hard to get wrong, but slow (two
  function calls per entry) and only approximate (truncation error ~h², round-off ~1/h);
* **analytically**, with calculus and the chain rule (backpropagation): fast and exact, but
  easy to get wrong (a missing transpose, a forgotten 1/N, a missing activation
  derivative).

So in practice you *use* the analytic gradient and *check* it against the numerical one on
a small input.  :func:`check_gradient` does that for a scalar function (a loss),
:func:`check_layer` for a layer with a ``forward(**inputs) -> (out, cache)`` /
``backward(dout, cache) -> grads`` pair.  Both return reports that print the verdict, the
worst entries and, when the error has a recognisable shape, a hint (see
:mod:`mlkit.diagnose`).  In Jupyter the reports display as small coloured tables.

Example::

    >>> import numpy as np
    >>> from mlkit.gradcheck import check_gradient
    >>> A = np.array([[2.0, 1.0], [1.0, 3.0]])
    >>> f = lambda x: 0.5 * x @ A @ x
    >>> x = np.array([1.0, -2.0])
    >>> bool(check_gradient(f, x, A @ x, name="dx"))
    True
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import numpy as np

from .diagnose import Hint, diagnose, select_hints, specific

__all__ = [
    "numerical_gradient",
    "numerical_gradient_array",
    "rel_error",
    "check_gradient",
    "check_layer",
    "GradCheckReport",
    "LayerCheckReport",
]

#: Below this fraction of the largest gradient entry, a difference is finite-difference noise.
_NOISE = 1e-7


# --- numerical gradients -------------------------------------------------------------------

def _as_float_array(x):
    """The array to perturb in place; refuses int arrays (x + 1e-5 would truncate to x)."""
    if isinstance(x, np.ndarray):
        if not np.issubdtype(x.dtype, np.floating):
            raise TypeError(f"x must be a float array to be perturbed, got dtype {x.dtype}: "
                            f"use x.astype(float)")
        return x
    return np.array(x, dtype=float)  # a scalar or list: f receives this float copy


def numerical_gradient(f, x, h=1e-5):
    """Central-difference gradient of a scalar function.

    Parameters
    ----------
    f : callable
        ``f(x) -> float``; called with the perturbed array ``x`` itself (so ``f`` may also
        ignore its argument and read ``x`` through a closure, e.g. model parameters).
    x : ndarray of float, shape S (any, including 0-d)
        The point.  Perturbed in place one entry at a time; holds its original values again
        when the function returns, even if ``f`` raises.
    h : float
        The step: ``(f(x + h·e_i) − f(x − h·e_i)) / (2h)`` for every entry i.

    Returns
    -------
    ndarray of float, shape S
        The numerical gradient df/dx.
    """
    x = _as_float_array(x)
    grad = np.zeros(x.shape, dtype=float)
    for idx in np.ndindex(x.shape):
        f_plus, f_minus = _evaluate_pm(f, x, idx, h)
        grad[idx] = (_scalar(f_plus) - _scalar(f_minus)) / (2 * h)
    return grad


def numerical_gradient_array(f, x, dout, h=1e-5):
    """Numerical gradient of ``sum(f(x) * dout)`` for a function that returns an array.

    This is what a layer's backward pass computes: the gradient with respect to the input
    ``x`` given the upstream gradient ``dout`` (a vector-Jacobian product), without ever
    forming the Jacobian.

    Parameters
    ----------
    f : callable
        ``f(x) -> ndarray`` of shape T; called with the perturbed array ``x`` itself.
    x : ndarray of float, shape S
        Perturbed in place one entry at a time and restored afterwards.
    dout : ndarray of float, shape T
        The upstream gradient, the same shape as ``f(x)``.
    h : float
        The finite-difference step.

    Returns
    -------
    ndarray of float, shape S
        ``d sum(f(x) * dout) / dx``.
    """
    x = _as_float_array(x)
    dout = np.asarray(dout, dtype=float)
    grad = np.zeros(x.shape, dtype=float)
    for idx in np.ndindex(x.shape):
        out_plus, out_minus = _evaluate_pm(f, x, idx, h)
        if out_plus.shape != dout.shape:
            raise ValueError(f"f(x) has shape {out_plus.shape} but dout has shape "
                             f"{dout.shape}: they must match")
        grad[idx] = np.sum((out_plus - out_minus) * dout) / (2 * h)
    return grad


def _evaluate_pm(f, x, idx, h):
    """f at x with entry idx moved by +h and by -h; x[idx] is restored in any case."""
    old = x[idx]
    try:
        x[idx] = old + h
        # Copy: f may return x itself or a view of it, which the next step would change.
        f_plus = np.array(f(x), dtype=float)
        x[idx] = old - h
        f_minus = np.array(f(x), dtype=float)
    finally:
        x[idx] = old  # the saved value, so x is restored bit for bit
    return f_plus, f_minus


def _scalar(value):
    if value.size != 1:
        raise ValueError(f"f must return a scalar, got shape {value.shape}; for functions "
                         f"that return arrays use numerical_gradient_array")
    return float(value.reshape(()))


# --- comparing -----------------------------------------------------------------------------

def rel_error(a, b):
    """Largest element-wise relative error between two arrays.

    ``max |a − b| / max(1e-8, |a| + |b|)`` over all entries (broadcast together); the 1e-8
    floor keeps entries where both are ~0 from dividing by zero.

    Parameters
    ----------
    a, b : array_like, shapes that broadcast together

    Returns
    -------
    float
        0.0 for identical arrays (and for empty ones), ≈1 when one of them is 0 and the other
        is not, nan if either contains nan.
    """
    return float(np.max(_elementwise_rel_error(a, b), initial=0.0))


def _elementwise_rel_error(a, b):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    with np.errstate(invalid="ignore"):  # inf - inf: reported as nan, not as a warning
        return np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))


# --- reports -------------------------------------------------------------------------------

def _format_index(idx):
    return "[" + ", ".join(str(i) for i in idx) + "]" if idx else "(scalar)"


@dataclass(repr=False)
class GradCheckReport:
    """The result of comparing an analytic gradient with a numerical one.

    Attributes
    ----------
    name : str
        What was checked, e.g. ``"dW"``.
    max_rel_error : float
        :func:`rel_error` of the two gradients (inf when the shapes differ).
    passed : bool
        ``max_rel_error <= tol``.  ``bool(report)`` is the same.
    tol : float
        The tolerance used.
    worst : list of (tuple, float, float)
        Up to 3 entries with the largest relative error, worst first, as
        ``(index, analytic, numerical)``.
    hints : list of str
        What the error looks like (from :func:`mlkit.diagnose.diagnose` and layer checks).
    analytic_shape, numerical_shape : tuple
        The shapes of the two gradients.
    """

    name: str
    max_rel_error: float
    passed: bool
    tol: float
    worst: list = field(default_factory=list)
    hints: list = field(default_factory=list)
    analytic_shape: tuple = ()
    numerical_shape: tuple = ()

    def __bool__(self):
        return bool(self.passed)

    @property
    def shape_mismatch(self):
        return self.analytic_shape != self.numerical_shape

    def _headline(self):
        if self.analytic_shape is None:
            return f"{self.name}: your gradient is not a numeric array"
        if self.shape_mismatch:
            return (f"{self.name}: your gradient has shape {self.analytic_shape} but the "
                    f"numerical one has shape {self.numerical_shape}")
        return f"{self.name}: max relative error {self.max_rel_error:.1e}"

    def _verdict(self):
        if self.passed:
            return "ok"
        # The tolerance only means something when there are values to compare.
        return "FAILED" if self.shape_mismatch else f"FAILED (tolerance {self.tol:.0e})"

    def __str__(self):
        lines = [f"{self._headline()} — {self._verdict()}"]
        if not self.passed and self.worst:
            entries = "; ".join(f"{_format_index(i)} yours {a:.6g} vs numerical {b:.6g}"
                                for i, a, b in self.worst)
            lines.append(f"  worst entries: {entries}")
        lines += [f"  hint: {h}" for h in self.hints]
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self):
        color = "#2e7d32" if self.passed else "#c62828"
        verdict = "ok" if self.passed else "FAILED"
        tolerance = self._verdict()[len(verdict):]
        parts = [f'<div style="border-left: 4px solid {color}; padding: 2px 8px; '
                 f'margin: 4px 0; font-family: monospace">',
                 f'{html.escape(self._headline())} — '
                 f'<span style="color: {color}; font-weight: bold">{verdict}</span>{tolerance}']
        if not self.passed and self.worst:
            parts.append(_worst_table_html(self.worst))
        if self.hints:
            items = "".join(f"<li>{html.escape(h)}</li>" for h in self.hints)
            parts.append(f'<ul style="margin: 2px 0">{items}</ul>')
        parts.append("</div>")
        return "".join(parts)


def _worst_table_html(worst):
    cell = 'style="padding: 1px 8px; text-align: right"'
    rows = [f"<tr><th {cell}>entry</th><th {cell}>yours</th><th {cell}>numerical</th>"
            f"<th {cell}>rel. error</th></tr>"]
    for idx, a, b in worst:
        err = rel_error(a, b)
        err = float("inf") if np.isnan(err) else err  # inf vs finite: inf/inf, show inf
        rows.append(f"<tr><td {cell}>{html.escape(_format_index(idx))}</td>"
                    f"<td {cell}>{a:.6g}</td><td {cell}>{b:.6g}</td>"
                    f"<td {cell}>{err:.1e}</td></tr>")
    return f'<table style="margin: 2px 0">{"".join(rows)}</table>'


class LayerCheckReport:
    """The result of :func:`check_layer`: one :class:`GradCheckReport` per checked input.

    ``bool(report)`` / ``report.passed`` is True when every gradient passed.  Iterating
    yields the per-input reports; ``report["W"]`` (or ``report["dW"]``) picks one.
    ``problems`` lists layer-level issues (e.g. backward returned the wrong number of
    gradients), which also fail the check.
    """

    def __init__(self, name, reports, problems=()):
        self.name = name
        self.reports = dict(reports)  # input name -> GradCheckReport
        self.problems = list(problems)

    @property
    def passed(self):
        return not self.problems and all(r.passed for r in self.reports.values())

    def __bool__(self):
        return self.passed

    def __iter__(self):
        return iter(self.reports.values())

    def __len__(self):
        return len(self.reports)

    def __getitem__(self, key):
        if key in self.reports:
            return self.reports[key]
        for report in self.reports.values():
            if report.name == key:
                return report
        raise KeyError(key)

    def _headline(self):
        if self.passed:
            return f"{self.name}: all {len(self.reports)} gradients ok"
        failed = [r.name for r in self.reports.values() if not r.passed]
        which = f" for {', '.join(failed)}" if failed else ""
        return f"{self.name}: FAILED{which}"

    def __str__(self):
        lines = [self._headline()]
        lines += [f"  problem: {p}" for p in self.problems]
        for report in self.reports.values():
            lines += ["  " + line for line in str(report).splitlines()]
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_html_(self):
        color = "#2e7d32" if self.passed else "#c62828"
        parts = [f'<div><div style="color: {color}; font-weight: bold; font-family: '
                 f'monospace">{html.escape(self._headline())}</div>']
        parts += [f"<div>problem: {html.escape(p)}</div>" for p in self.problems]
        parts += [r._repr_html_() for r in self.reports.values()]
        parts.append("</div>")
        return "".join(parts)


def _compare(analytic, numerical, *, name, tol, n=None):
    """Build the report for one analytic gradient against its numerical counterpart."""
    numerical = np.asarray(numerical, dtype=float)
    try:
        if analytic is None:  # np.asarray(None, dtype=float) would quietly give nan
            raise TypeError
        analytic = np.asarray(analytic, dtype=float)
    except (TypeError, ValueError):
        hint = (f"Your {name} is None: did you forget to return it?" if analytic is None
                else f"Your {name} is a {type(analytic).__name__}, not a numeric array.")
        return GradCheckReport(name, float("inf"), False, tol, hints=[hint],
                               analytic_shape=None, numerical_shape=numerical.shape)
    if analytic.shape != numerical.shape:
        return GradCheckReport(name, float("inf"), False, tol,
                               hints=_hints_for(analytic, numerical, name, n),
                               analytic_shape=analytic.shape,
                               numerical_shape=numerical.shape)

    errors = _elementwise_rel_error(analytic, numerical)
    errors = np.where(np.isnan(errors), np.inf, errors)  # nan entries rank as the worst
    max_err = float(np.max(errors, initial=0.0))
    passed = max_err <= tol
    report = GradCheckReport(name, max_err, passed, tol, worst=_worst(analytic, numerical, errors),
                             analytic_shape=analytic.shape, numerical_shape=numerical.shape)
    if not passed:
        report.hints = select_hints(_hints_for(analytic, numerical, name, n)
                                    or _noise_hint(analytic, numerical, errors, tol))
    return report


def _worst(analytic, numerical, errors, k=3):
    order = np.argsort(-errors, axis=None, kind="stable")[:k]
    # "+ 0.0" turns -0.0 into 0.0, which reads better in a report.
    return [(tuple(int(i) for i in np.unravel_index(j, errors.shape)),
             float(analytic.flat[j]) + 0.0, float(numerical.flat[j]) + 0.0) for j in order]


def _hints_for(analytic, numerical, name, n):
    """diagnose's hints, worded for this gradient ("Your dW ..." rather than "Your result").

    Ranked (see :func:`mlkit.diagnose.select_hints`): a generic constant factor or offset
    keeps its rank through the rewording, so that a better hint can replace it.
    """
    hints = diagnose(analytic, numerical, n=n)
    return select_hints([Hint(h.replace("Your result", f"Your {name}", 1),
                              getattr(h, "rank", "named")) for h in hints])


def _with_mistakes(report, analytic, mistakes, hint):
    """Rank the hints of a failed report: a recognised mistake alone, else hint + the rest.

    ``mistakes`` is a list of ``(wrong gradient, hint)``: when the analytic gradient matches
    one of them (within the report's tolerance) its hint is a specific diagnosis, shown alone.
    ``hint`` is the check author's hint for the usual mistake, shown before diagnose's ones.
    """
    if report.passed:
        return report
    for wrong, text in mistakes or ():
        if wrong is None or not text:
            continue
        try:
            wrong = np.asarray(wrong, dtype=float)
            matches = (wrong.shape == np.shape(analytic)
                       and rel_error(analytic, wrong) <= max(report.tol, 1e-9))
        except (TypeError, ValueError):
            continue
        if matches:
            report.hints = [specific(text)]
            return report
    report.hints = select_hints([hint] + list(report.hints))
    return report


def _noise_hint(analytic, numerical, errors, tol):
    """Explain failures that are only finite-difference round-off on near-zero entries.

    rel_error's 1e-8 floor makes an entry whose true gradient is ~0 fail on noise of ~1e-11;
    tell the student rather than send them hunting for a bug that is not there.
    """
    if not np.all(np.isfinite(analytic)):
        return []
    scale = max(float(np.max(np.abs(analytic))), float(np.max(np.abs(numerical))))
    bad = errors > tol
    if scale > 0 and np.all(np.abs(analytic - numerical)[bad] <= _NOISE * scale):
        return ["The only mismatches are in entries where both gradients are almost zero "
                "(differences below 1e-7 of the largest entry): this is most likely "
                "finite-difference round-off, not a bug."]
    return []


# --- checks --------------------------------------------------------------------------------

def check_gradient(f, x, analytic_grad, *, h=1e-5, tol=1e-6, n=None, name="gradient",
                   hint=None, mistakes=None):
    """Compare an analytic gradient of a scalar function with the numerical one.

    Parameters
    ----------
    f : callable
        ``f(x) -> float``, e.g. ``lambda W: loss(W, X, y)[0]``.
    x : ndarray of float, shape S
        The point (perturbed in place during the check, restored afterwards).
    analytic_grad : array_like, shape S
        Your gradient df/dx at ``x``.
    h : float
        Finite-difference step.
    tol : float
        The check passes when ``rel_error(analytic, numerical) <= tol``.
    n : int, optional
        The batch size, so that a gradient N times too large or small is recognised.
    name : str
        Used in the report, e.g. ``"dW"``.
    hint : str, optional
        Your hint for the usual mistake, shown (first) when the check fails.
    mistakes : list of (array_like, str), optional
        Known wrong gradients and what each one means, e.g.
        ``[(dW_without_reg, "add the regularisation term's gradient, lam * W")]``.  If the
        analytic gradient matches one of them, that hint is shown alone.

    Returns
    -------
    GradCheckReport
        Prints as a short text report, displays as HTML in Jupyter; ``bool(report)`` tells
        whether it passed.  A shape mismatch gives a failed report, not an exception.  The
        hints of a failed report are ranked, not stacked (:func:`mlkit.diagnose.select_hints`):
        a recognised mistake alone, a generic constant factor or offset only when nothing
        better is known.
    """
    numerical = numerical_gradient(f, x, h=h)
    report = _compare(analytic_grad, numerical, name=name, tol=tol, n=n)
    return _with_mistakes(report, analytic_grad, mistakes, hint)


def check_layer(forward, backward, inputs, *, wrt=None, seed=0, h=1e-5, tol=1e-6,
                name="layer"):
    """Check a layer's backward pass against numerical gradients of its forward pass.

    Parameters
    ----------
    forward : callable
        ``forward(**inputs) -> (out, cache)``, e.g. ``linear_forward(X, W, b)``.  Must be
        deterministic (for dropout, fix the mask inside a wrapper).
    backward : callable
        ``backward(dout, cache)`` -> one gradient, or a tuple of gradients in the order of
        ``wrt``, each the shape of its input (e.g. ``(dX, dW, db)``).  A tuple with one
        gradient per float-array input, in the order of ``inputs``, is accepted too, and the
        ``wrt`` ones are picked from it.
    inputs : dict of str -> value
        Keyword arguments for ``forward``, e.g. ``{"X": X (N, D), "W": W (D, M), "b": b (M,)}``.
        Arrays are not modified (the check works on float copies).
    wrt : sequence of str, optional
        The inputs to check; default every input that is a float numpy array, in the order
        of ``inputs`` (so integer labels or scalar options are passed through unchecked).
    seed : int
        Seeds the random upstream gradient ``dout`` (standard normal, the shape of ``out``).
    h, tol : float
        Finite-difference step and tolerance, as in :func:`check_gradient`.
    name : str
        Used in the report, e.g. ``"relu layer"``.

    Returns
    -------
    LayerCheckReport
        One :class:`GradCheckReport` per input in ``wrt`` (named ``"d" + input name``) and an
        overall verdict.  Besides the hints of :func:`mlkit.diagnose.diagnose`, it recognises
        a missing activation derivative (the gradient passes dout through, or is wrong only
        where the local derivative is 0 or varies between entries).
    """
    if wrt is None:
        wrt = [k for k, v in inputs.items()
               if isinstance(v, np.ndarray) and np.issubdtype(v.dtype, np.floating)]
    wrt = list(wrt)
    if not wrt:
        raise ValueError("nothing to check: pass wrt=[...] or float arrays in inputs")
    kwargs = dict(inputs)
    for key in wrt:
        kwargs[key] = np.array(inputs[key], dtype=float)  # a copy: the caller's stays intact

    out, cache = _forward(forward, kwargs)
    dout = np.random.default_rng(seed).standard_normal(np.shape(out))
    grads, problem = _gradients_for(backward(dout, cache), wrt, inputs)
    if problem:
        return LayerCheckReport(name, {}, [problem])

    reports = {}
    for key, analytic in zip(wrt, grads):
        def f(value, key=key):
            return _forward(forward, {**kwargs, key: value})[0]
        numerical = numerical_gradient_array(f, kwargs[key], dout, h=h)
        report = _compare(analytic, numerical, name=f"d{key}", tol=tol)
        if not report.passed and all(getattr(h, "rank", "named") == "generic"
                                     for h in report.hints):
            # Only a generic factor/offset (or nothing) so far: an activation-specific
            # hint, if the pattern fits, is the better explanation and replaces it.
            report.hints = select_hints(
                report.hints + _activation_hints(report, analytic, numerical, dout))
        reports[key] = report
    return LayerCheckReport(name, reports)


def _forward(forward, kwargs):
    result = forward(**kwargs)
    if not (isinstance(result, tuple) and len(result) == 2):
        raise TypeError("forward must return a pair (out, cache)")
    return result


def _gradients_for(result, wrt, inputs):
    """The analytic gradients in the order of wrt (copied), or (None, problem message)."""
    if result is None:
        return None, "backward returned None: did you forget the return statement?"
    grads = list(result) if isinstance(result, (tuple, list)) else [result]
    # Copy now: a gradient may be a view of something the numerical check perturbs.
    grads = [np.array(g, dtype=float) if g is not None and _is_numeric(g) else g
             for g in grads]
    if len(grads) == len(wrt):
        return grads, None
    array_inputs = [k for k, v in inputs.items()
                    if isinstance(v, np.ndarray) and np.issubdtype(v.dtype, np.floating)]
    if len(grads) == len(array_inputs) and set(wrt) <= set(array_inputs):
        by_input = dict(zip(array_inputs, grads))
        return [by_input[k] for k in wrt], None
    return None, (f"backward returned {len(grads)} gradient(s) but {len(wrt)} are checked "
                  f"({', '.join(wrt)}): return one gradient per input, in that order")


def _is_numeric(value):
    try:
        np.asarray(value, dtype=float)
        return True
    except (TypeError, ValueError):
        return False


# --- layer-specific diagnosis: a missing activation derivative -----------------------------

_MISSING_DERIVATIVE = ("looks like the activation's derivative is missing: multiply by "
                       "g'(z) elementwise")


def _activation_hints(report, analytic, numerical, dout):
    """Hints for an elementwise layer whose backward forgot (or botched) g'(z).

    For an elementwise layer the true gradient is dout ⊙ g'(z), so numerical / analytic is
    the missing factor.  For every activation of the course g'(z) lies in [0, 1]; we only
    speak when that ratio stays in [0, 1] and is not one constant (a constant factor is
    diagnose's business):

    * ratios all 0 or 1: right where the true gradient is non-zero, non-zero where it is
      exactly zero (ReLU's inactive units);
    * ratios varying inside (0, 1]: the derivative's value is missing (sigmoid, tanh).

    If the analytic gradient is dout itself, the derivative is clearly missing; otherwise it
    may be missing or wrong.  A pass-through of dout with any other ratio (say dX = dout in a
    linear layer) gets a generic "local derivative" hint.
    """
    if report.shape_mismatch or not np.all(np.isfinite(analytic)):
        return []
    passes_dout = np.shape(dout) == analytic.shape and _fits(analytic, dout)
    ratios = _gradient_ratios(analytic, numerical)
    if ratios is None or np.ptp(ratios) <= 1e-3:
        return [_PASS_THROUGH] if passes_dout else []
    if passes_dout:
        prefix = "Your gradient is dout passed through unchanged"
        derivative = _MISSING_DERIVATIVE
    else:
        prefix = "Your gradient differs from the numerical one by a factor that varies"
        derivative = ("looks like the activation's derivative is missing or wrong: "
                      "multiply by g'(z) elementwise")
    on_off = np.all((np.abs(ratios) <= 1e-3) | (np.abs(ratios - 1) <= 1e-3))
    if on_off:
        return [f"{prefix}, and it is non-zero where the true gradient is exactly zero "
                f"(e.g. ReLU's inactive units, z <= 0): {derivative}."]
    return [f"{prefix} (the true one is yours times {ratios.min():.3g} … {ratios.max():.3g} "
            f"from entry to entry): {derivative} (e.g. σ'(z) = σ(z)(1 − σ(z)))."]


_PASS_THROUGH = ("Your gradient is dout passed through unchanged: multiply it by this "
                 "layer's local derivative (for an activation, g'(z) elementwise).")


def _fits(a, b):
    scale = max(float(np.max(np.abs(a), initial=0.0)), float(np.max(np.abs(b), initial=0.0)))
    return scale == 0.0 or bool(np.all(np.abs(a - b) <= 1e-4 * scale))


def _gradient_ratios(analytic, numerical):
    """numerical / analytic entry by entry if every ratio is defined and in [0, 1], else None.

    Entries where both are ~0 say nothing and are skipped; an entry where only the analytic
    one is ~0 cannot come from multiplying by a missing factor, so the pattern does not fit.
    """
    scale = max(float(np.max(np.abs(analytic))), float(np.max(np.abs(numerical))))
    if scale == 0.0:
        return None
    tiny = 1e-6 * scale
    a_small = np.abs(analytic) <= tiny
    if np.any(a_small & (np.abs(numerical) > tiny)):
        return None
    keep = ~a_small
    if np.count_nonzero(keep) < 2:
        return None
    ratios = numerical[keep] / analytic[keep]
    if np.min(ratios) < -1e-3 or np.max(ratios) > 1 + 1e-3:
        return None
    return ratios
