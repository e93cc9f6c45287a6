"""mlkit.testfns: the fixed objectives used by notebook 03 and its checks."""

import doctest

import numpy as np
import pytest

from mlkit import gradcheck, testfns

SMOOTH = ["quadratic", "ill_conditioned", "sum_of_sines", "rosenbrock", "saddle",
          "sum_of_column_norms"]


def test_doctests():
    assert doctest.testmod(testfns).failed == 0


@pytest.mark.parametrize("name", SMOOTH)
@pytest.mark.parametrize("shape", [(3,), (2, 3), (2, 2, 2)])
def test_gradients_match_finite_differences(name, shape):
    rng = np.random.default_rng(0)
    x = rng.uniform(0.5, 1.5, size=shape)  # away from kinks (norms of columns near 0)
    f, grad = getattr(testfns, name), getattr(testfns, f"{name}_grad")
    report = gradcheck.check_gradient(f, x, grad(x), tol=1e-6)
    assert report.passed, str(report)
    loss, g = getattr(testfns, f"{name}_and_grad")(x)
    assert loss == pytest.approx(f(x)) and np.allclose(g, grad(x))


def test_saddle_point_and_minima():
    assert testfns.saddle(np.zeros(2)) == 0.0
    assert np.array_equal(testfns.saddle_grad(np.zeros(2)), np.zeros(2))
    for y in (1.0, -1.0):
        assert testfns.saddle(np.array([0.0, y])) == pytest.approx(-0.25)
        assert np.allclose(testfns.saddle_grad(np.array([0.0, y])), 0.0)
    # a minimum along the first entry, a maximum along the second
    assert testfns.saddle(np.array([0.1, 0.0])) > 0 > testfns.saddle(np.array([0.0, 0.1]))
    assert testfns.saddle(np.array([3.0])) == pytest.approx(4.5)
    x = np.array([[0.5, -2.0], [1.5, 0.3]])
    before = x.copy()
    testfns.saddle_grad(x)
    assert np.array_equal(x, before)
