"""Test objectives: small, deterministic functions to try optimisers and gradients on.

Each function takes a float array ``x`` of **any shape** (a vector, a weight matrix, …)
and returns a Python float. The ``*_grad`` variants return the exact gradient, a new float
array of the same shape as ``x``; the ``*_and_grad`` variants return both, as
``(loss, grad)`` — the form ``gradient_descent(loss_and_grad, W0, lr, num_iters)`` expects.
None of them modifies ``x``, and none has parameters to set: each is a fixed, plain
module-level function, so it can be passed around by name (the grader can hand
``mlkit.testfns.rosenbrock`` to your code, but not a lambda).

=====================  ==========================================================  =========
function               formula (sums over all entries of x, flattened in C order)  minimum
=====================  ==========================================================  =========
quadratic              ½ Σ x_i²                                                    0 at x = 0
ill_conditioned        ½ Σ c_i x_i², c_i from 1 to 100 (log-spaced over i)         0 at x = 0
sum_of_sines           Σ sin(x_i)                                                  −n
rosenbrock             Σ_{i<n} 100 (x_{i+1} − x_i²)² + (1 − x_i)²                  0 at x = 1
saddle                 ½ x_0² + Σ_{i≥1} (x_i⁴/4 − x_i²/2): saddle point at 0        −(n−1)/4
sum_of_column_norms    Σ_j √(1 + Σ_i x_ij²), x viewed as a matrix (rows: axis 0)   n_cols
staircase              ⌊2 Σ x_i²⌋ / 4: piecewise constant, no gradient             0 near 0
=====================  ==========================================================  =========

What each is good for:

* ``quadratic``: the simplest bowl; central differences are exact on it (up to round-off),
  forward differences are off by h/2.
* ``ill_conditioned``: a long, narrow valley (condition number 100): gradient descent
  zig-zags across it or crawls along it.
* ``sum_of_sines``: curvature that changes sign; ∂/∂x_i = cos(x_i).
* ``rosenbrock``: the classic banana-shaped valley; its entries are coupled and its
  curvature is large (about 1200 x_i²), so finite-difference errors show clearly.
* ``saddle``: a saddle point at x = 0 (a minimum along the first entry, a maximum along
  the others) between minima at x_0 = 0, x_i = ±1; its gradient is tiny near the saddle,
  so plain gradient descent started close to it takes many steps to leave.
* ``sum_of_column_norms``: depends on the *shape* of x, as the loss of a weight matrix
  does (a 1-D x is one column): its value changes if x is flattened or transposed.
* ``staircase``: like a count of misclassified points, most small steps do not change it
  at all; only derivative-free methods (random search) can be run on it.

Example::

    >>> import numpy as np
    >>> from mlkit import testfns
    >>> x = np.array([1.0, 1.0, 1.0])
    >>> testfns.rosenbrock(x)
    0.0
    >>> testfns.quadratic_and_grad(np.array([3.0, 4.0]))
    (12.5, array([3., 4.]))
"""

import numpy as np

__all__ = [
    "quadratic", "quadratic_grad", "quadratic_and_grad",
    "ill_conditioned", "ill_conditioned_grad", "ill_conditioned_and_grad",
    "sum_of_sines", "sum_of_sines_grad", "sum_of_sines_and_grad",
    "rosenbrock", "rosenbrock_grad", "rosenbrock_and_grad",
    "saddle", "saddle_grad", "saddle_and_grad",
    "sum_of_column_norms", "sum_of_column_norms_grad", "sum_of_column_norms_and_grad",
    "staircase",
]


def _float(x):
    """x as a float array (never the caller's integer array)."""
    return np.asarray(x, dtype=float)


# --- quadratic ------------------------------------------------------------------------------

def quadratic(x):
    """½ Σ x_i² (any shape). Minimum 0 at x = 0; gradient x."""
    x = _float(x)
    return float(0.5 * np.sum(x * x))


def quadratic_grad(x):
    """Gradient of :func:`quadratic`: a copy of x, as floats."""
    return np.array(x, dtype=float)


def quadratic_and_grad(x):
    """(quadratic(x), quadratic_grad(x))."""
    return quadratic(x), quadratic_grad(x)


# --- ill-conditioned quadratic -----------------------------------------------------------------

def _curvatures(x):
    """c_i = 100 ** (i / (n − 1)) for the n entries of x in C order (1 for a single entry)."""
    n = x.size
    c = 100.0 ** (np.arange(n) / (n - 1)) if n > 1 else np.ones(n)
    return c.reshape(x.shape)


def ill_conditioned(x):
    """½ Σ c_i x_i² with c_i log-spaced from 1 (first entry) to 100 (last entry).

    Minimum 0 at x = 0; condition number 100 (for two or more entries).
    """
    x = _float(x)
    return float(0.5 * np.sum(_curvatures(x) * x * x))


def ill_conditioned_grad(x):
    """Gradient of :func:`ill_conditioned`: c ⊙ x."""
    x = _float(x)
    return _curvatures(x) * x


def ill_conditioned_and_grad(x):
    """(ill_conditioned(x), ill_conditioned_grad(x))."""
    return ill_conditioned(x), ill_conditioned_grad(x)


# --- sum of sines ------------------------------------------------------------------------------

def sum_of_sines(x):
    """Σ sin(x_i) (any shape). Its gradient is cos(x), its second derivative −sin(x)."""
    return float(np.sum(np.sin(_float(x))))


def sum_of_sines_grad(x):
    """Gradient of :func:`sum_of_sines`: cos(x)."""
    return np.cos(_float(x))


def sum_of_sines_and_grad(x):
    """(sum_of_sines(x), sum_of_sines_grad(x))."""
    return sum_of_sines(x), sum_of_sines_grad(x)


# --- Rosenbrock --------------------------------------------------------------------------------

def rosenbrock(x):
    """Σ_{i=1}^{n-1} 100 (x_{i+1} − x_i²)² + (1 − x_i)² over the entries of x in C order.

    The classic curved valley (for x of shape (2,): 100 (y − x²)² + (1 − x)²). Minimum 0
    at x = 1 (every entry). A single entry gives the constant 0.
    """
    v = _float(x).ravel()
    a, b = v[:-1], v[1:]
    return float(np.sum(100.0 * (b - a * a) ** 2 + (1.0 - a) ** 2))


def rosenbrock_grad(x):
    """Gradient of :func:`rosenbrock`, the shape of x."""
    x = _float(x)
    v = x.ravel()
    a, b = v[:-1], v[1:]
    inner = b - a * a
    g = np.zeros_like(v)
    g[:-1] += -400.0 * a * inner - 2.0 * (1.0 - a)
    g[1:] += 200.0 * inner
    return g.reshape(x.shape)


def rosenbrock_and_grad(x):
    """(rosenbrock(x), rosenbrock_grad(x))."""
    return rosenbrock(x), rosenbrock_grad(x)


# --- saddle ----------------------------------------------------------------------------------

def saddle(x):
    """½ x_0² + Σ_{i≥1} (x_i⁴/4 − x_i²/2) over the entries of x in C order.

    For x of shape (2,): ½ x² + y⁴/4 − y²/2, a saddle point at (0, 0) (curvature +1 along
    x, −1 along y) between the two minima (0, ±1), where f = −1/4. A single entry gives
    the bowl ½ x².
    """
    v = _float(x).ravel()
    rest = v[1:]
    return float(0.5 * v[0] ** 2 + np.sum(rest ** 4 / 4.0 - rest ** 2 / 2.0)) if v.size else 0.0


def saddle_grad(x):
    """Gradient of :func:`saddle`: x_0 for the first entry, x_i³ − x_i for the others."""
    x = _float(x)
    g = x.ravel() ** 3 - x.ravel()
    if g.size:
        g[0] = x.ravel()[0]
    return g.reshape(x.shape)


def saddle_and_grad(x):
    """(saddle(x), saddle_grad(x))."""
    return saddle(x), saddle_grad(x)


# --- sum of column norms -----------------------------------------------------------------------

def _as_matrix(x):
    """x as a matrix with x.shape[0] rows (a 1-D x is one column, a 0-d x is 1 x 1)."""
    x = _float(x)
    return x.reshape(x.shape[0], -1) if x.ndim else x.reshape(1, 1)


def sum_of_column_norms(x):
    """Σ_j √(1 + Σ_i x_ij²): x viewed as a matrix with x.shape[0] rows.

    A 1-D x is a single column; an (a, b, c) x has a rows and b·c columns. Unlike the other
    functions here its value depends on the shape of x, not only on its entries.
    """
    M = _as_matrix(x)
    return float(np.sum(np.sqrt(1.0 + np.sum(M * M, axis=0))))


def sum_of_column_norms_grad(x):
    """Gradient of :func:`sum_of_column_norms`: x_ij / √(1 + Σ_i x_ij²)."""
    x = _float(x)
    M = _as_matrix(x)
    return (M / np.sqrt(1.0 + np.sum(M * M, axis=0))).reshape(x.shape)


def sum_of_column_norms_and_grad(x):
    """(sum_of_column_norms(x), sum_of_column_norms_grad(x))."""
    return sum_of_column_norms(x), sum_of_column_norms_grad(x)


# --- staircase ---------------------------------------------------------------------------------

def staircase(x):
    """⌊2 Σ x_i²⌋ / 4 = ⌊4 · quadratic(x)⌋ / 4: a bowl made of flat steps.

    Piecewise constant (its gradient is 0 wherever it exists), like the number of
    misclassified points of a classifier: most small steps leave it unchanged, so a
    search that accepts a step only when the loss strictly decreases stays put on a step.
    """
    x = _float(x)
    return float(np.floor(2.0 * np.sum(x * x)) / 4.0)
