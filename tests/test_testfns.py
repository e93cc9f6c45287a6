"""mlkit.testfns: the fixed objectives used by notebook 03 and its checks."""

import doctest

import numpy as np
import pytest

from mlkit import gradcheck, testfns

SMOOTH = ["quadratic", "ill_conditioned", "sum_of_sines", "rosenbrock", "sum_of_column_norms"]


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
