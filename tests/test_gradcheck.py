"""Tests for mlkit.gradcheck: numerical gradients, rel_error, and the check reports."""

import numpy as np
import pytest

from mlkit.gradcheck import (
    GradCheckReport,
    LayerCheckReport,
    check_gradient,
    check_layer,
    numerical_gradient,
    numerical_gradient_array,
    rel_error,
)


@pytest.fixture
def rng():
    return np.random.default_rng(0)


# --- numerical_gradient --------------------------------------------------------------------

def test_quadratic(rng):
    A = rng.standard_normal((4, 4))
    b = rng.standard_normal(4)
    x = rng.standard_normal(4)
    grad = numerical_gradient(lambda v: 0.5 * v @ A @ v + b @ v, x)
    np.testing.assert_allclose(grad, 0.5 * (A + A.T) @ x + b, rtol=1e-7, atol=1e-9)


def test_sin_on_a_matrix(rng):
    x = rng.standard_normal((3, 5))
    grad = numerical_gradient(lambda v: np.sum(np.sin(v)), x)
    assert grad.shape == x.shape
    np.testing.assert_allclose(grad, np.cos(x), rtol=1e-7, atol=1e-9)


def test_x_is_unchanged_bit_for_bit(rng):
    x = rng.standard_normal((2, 3)) * 1e3 + 0.1
    before = x.copy()
    numerical_gradient(lambda v: np.sum(v ** 3), x)
    assert np.array_equal(x, before)


def test_x_is_restored_when_f_raises(rng):
    x = rng.standard_normal(5)
    before = x.copy()
    calls = []

    def f(v):
        calls.append(1)
        if len(calls) == 4:
            raise RuntimeError("boom")
        return float(np.sum(v))

    with pytest.raises(RuntimeError):
        numerical_gradient(f, x)
    assert np.array_equal(x, before)


def test_f_may_read_x_through_a_closure(rng):
    # CS231n style: f ignores its argument, x (say a parameter array) is perturbed in place.
    W = rng.standard_normal((2, 2))
    grad = numerical_gradient(lambda _: np.sum(W ** 2), W)
    np.testing.assert_allclose(grad, 2 * W, rtol=1e-7)


def test_scalar_and_list_inputs():
    assert numerical_gradient(lambda v: float(v) ** 2, np.array(3.0)) == pytest.approx(6.0)
    np.testing.assert_allclose(numerical_gradient(lambda v: np.sum(v ** 2), [1.0, 2.0]),
                               [2.0, 4.0], rtol=1e-7)


def test_int_array_is_refused():
    with pytest.raises(TypeError, match="float"):
        numerical_gradient(lambda v: np.sum(v), np.arange(3))


def test_non_scalar_f_is_refused():
    with pytest.raises(ValueError, match="numerical_gradient_array"):
        numerical_gradient(lambda v: v * 2, np.ones(3))


# --- numerical_gradient_array --------------------------------------------------------------

def test_array_version_matches_matrix_vjp(rng):
    A = rng.standard_normal((4, 3))
    x = rng.standard_normal((3, 2))
    dout = rng.standard_normal((4, 2))
    grad = numerical_gradient_array(lambda v: A @ v, x, dout)
    np.testing.assert_allclose(grad, A.T @ dout, rtol=1e-7, atol=1e-9)


def test_array_version_matches_elementwise_vjp(rng):
    x = rng.standard_normal((3, 4))
    dout = rng.standard_normal((3, 4))
    before = x.copy()
    grad = numerical_gradient_array(np.tanh, x, dout)
    np.testing.assert_allclose(grad, dout * (1 - np.tanh(x) ** 2), rtol=1e-7, atol=1e-9)
    assert np.array_equal(x, before)


def test_array_version_copes_with_f_returning_x_itself(rng):
    x = rng.standard_normal(4)
    dout = rng.standard_normal(4)
    np.testing.assert_allclose(numerical_gradient_array(lambda v: v, x, dout), dout, rtol=1e-7)


def test_array_version_refuses_mismatched_dout():
    with pytest.raises(ValueError, match="shape"):
        numerical_gradient_array(lambda v: v, np.ones(3), np.ones(4))


# --- rel_error -----------------------------------------------------------------------------

def test_rel_error_semantics():
    assert rel_error(np.ones(3), np.ones(3)) == 0.0
    assert rel_error(np.array([1.0]), np.array([0.0])) == pytest.approx(1.0)
    assert rel_error(np.zeros(3), np.zeros(3)) == 0.0
    # the 1e-8 floor: a tiny difference between tiny numbers is measured against 1e-8
    assert rel_error(np.array([1e-12]), np.array([0.0])) == pytest.approx(1e-4)
    # element-wise, then the max (not max|a-b| / max(|a|+|b|))
    a = np.array([1.0, 100.0])
    b = np.array([1.1, 100.0])
    assert rel_error(a, b) == pytest.approx(0.1 / 2.1)
    assert isinstance(rel_error(a, b), float)
    assert rel_error(a, b) == rel_error(b, a)


def test_rel_error_broadcasts_and_handles_empty():
    assert rel_error(np.full((2, 2), 2.0), 2.0) == 0.0
    assert rel_error(np.array([]), np.array([])) == 0.0


# --- check_gradient ------------------------------------------------------------------------

N, D, K = 6, 4, 3


@pytest.fixture
def softmax_problem(rng):
    """A linear softmax classifier: loss(W) = mean CE of X @ W, and its true gradient."""
    X = rng.standard_normal((N, D))
    y = rng.integers(0, K, N)
    W = rng.standard_normal((D, K))

    def probs(W):
        Z = X @ W
        P = np.exp(Z - Z.max(axis=1, keepdims=True))
        return P / P.sum(axis=1, keepdims=True)

    def loss(W):
        return -np.mean(np.log(probs(W)[np.arange(N), y]))

    dZ = probs(W)
    dZ[np.arange(N), y] -= 1
    return loss, W, X.T @ dZ / N


def test_correct_gradient_passes(softmax_problem):
    loss, W, dW = softmax_problem
    before = W.copy()
    report = check_gradient(loss, W, dW, name="dW")
    assert isinstance(report, GradCheckReport)
    assert report.passed is True and bool(report)
    assert report.max_rel_error < 1e-7
    assert report.tol == 1e-6 and report.name == "dW" and report.hints == []
    assert str(report).startswith("dW: max relative error") and str(report).endswith("— ok")
    assert repr(report) == str(report)
    assert np.array_equal(W, before)


@pytest.mark.parametrize("mistake, words", [
    (lambda g: 2 * g, "2 times too large"),
    (lambda g: N * g, f"N = {N} times too large"),
    (lambda g: g / N, f"N = {N} times too small"),
    (lambda g: -g, "wrong sign"),
    (lambda g: np.zeros_like(g), "all zeros"),
    (lambda g: g + 0.1, "offset"),
])
def test_wrong_gradients_fail_with_the_right_hint(softmax_problem, mistake, words):
    loss, W, dW = softmax_problem
    report = check_gradient(loss, W, mistake(dW), n=N, name="dW")
    assert not report and report.passed is False
    assert any(words in h for h in report.hints), report.hints
    text = str(report)
    assert "FAILED (tolerance 1e-06)" in text
    assert "worst entries: [" in text and "yours" in text and "numerical" in text
    assert "hint: Your dW " in text  # diagnose's hint, worded for this gradient


def test_worst_entries(softmax_problem):
    loss, W, dW = softmax_problem
    wrong = dW.copy()
    wrong[2, 1] += 1.0
    report = check_gradient(loss, W, wrong, name="dW")
    assert len(report.worst) == 3
    index, yours, numerical = report.worst[0]
    assert index == (2, 1)
    assert yours == pytest.approx(wrong[2, 1]) and numerical == pytest.approx(dW[2, 1])
    assert "[2, 1] yours" in str(report)


def test_transposed_gradient_is_a_failed_report_not_an_exception(softmax_problem):
    loss, W, dW = softmax_problem
    report = check_gradient(loss, W, dW.T, name="dW")
    assert not report
    assert report.analytic_shape == (K, D) and report.numerical_shape == (D, K)
    assert f"({K}, {D})" in str(report) and f"({D}, {K})" in str(report)
    assert any("transpose" in h for h in report.hints)


def test_none_gradient(softmax_problem):
    loss, W, _ = softmax_problem
    report = check_gradient(loss, W, None, name="dW")
    assert not report and "return" in str(report)


def test_round_off_on_zero_entries_is_explained():
    x = np.array([1.0, 0.0, 2.0])
    report = check_gradient(lambda v: np.sum(v ** 2), x, np.array([2.0, 1e-12, 4.0]))
    assert not report  # rel_error's 1e-8 floor makes this fail ...
    assert any("round-off" in h for h in report.hints)  # ... and the report says why


def test_html_report(softmax_problem):
    loss, W, dW = softmax_problem
    good = check_gradient(loss, W, dW, name="dW")._repr_html_()
    assert "ok" in good and "#2e7d32" in good and "<table" not in good
    bad = check_gradient(loss, W, 2 * dW, name="d<W>")._repr_html_()
    assert "FAILED" in bad and "#c62828" in bad and "<table" in bad
    assert "d&lt;W&gt;" in bad and "<W>" not in bad  # escaped


# --- check_layer ---------------------------------------------------------------------------

def linear_forward(X, W, b):
    return X @ W + b, (X, W)


def linear_backward(dZ, cache):
    X, W = cache
    return dZ @ W.T, X.T @ dZ, dZ.sum(axis=0)


def relu_forward(Z):
    return np.maximum(Z, 0), Z


def relu_backward(dA, Z):
    return dA * (Z > 0)


def sigmoid_forward(Z):
    A = 1 / (1 + np.exp(-Z))
    return A, A


def sigmoid_backward(dA, A):
    return dA * A * (1 - A)


@pytest.fixture
def linear_inputs(rng):
    return {"X": rng.standard_normal((5, 4)), "W": rng.standard_normal((4, 3)),
            "b": rng.standard_normal(3)}


def test_correct_layers_pass(rng, linear_inputs):
    copies = {k: v.copy() for k, v in linear_inputs.items()}
    report = check_layer(linear_forward, linear_backward, linear_inputs, name="linear")
    assert isinstance(report, LayerCheckReport) and report.passed and bool(report)
    assert [r.name for r in report] == ["dX", "dW", "db"] and len(report) == 3
    assert report["W"] is report["dW"]
    assert str(report).startswith("linear: all 3 gradients ok")
    assert all(np.array_equal(linear_inputs[k], copies[k]) for k in copies)
    Z = rng.standard_normal((4, 5))
    assert check_layer(relu_forward, relu_backward, {"Z": Z})
    assert check_layer(sigmoid_forward, sigmoid_backward, {"Z": Z})


def test_layer_mistakes_are_named(linear_inputs):
    def backward(dZ, cache):
        X, W = cache
        return dZ @ W.T, dZ.T @ X, dZ  # dW transposed, db not summed

    report = check_layer(linear_forward, backward, linear_inputs, name="linear")
    assert not report and report["dX"].passed
    assert "FAILED for dW, db" in str(report)
    assert any("transpose" in h for h in report["dW"].hints)
    assert any("summed over axis 0" in h for h in report["db"].hints)


def test_relu_missing_derivative(rng):
    report = check_layer(relu_forward, lambda dA, Z: dA, {"Z": rng.standard_normal((4, 5))})
    assert not report
    (hint,) = report["dZ"].hints
    assert "derivative is missing" in hint and "g'(z)" in hint and "exactly zero" in hint


def test_sigmoid_missing_derivative(rng):
    report = check_layer(sigmoid_forward, lambda dA, A: dA, {"Z": rng.standard_normal((4, 5))})
    assert not report
    (hint,) = report["dZ"].hints
    assert "derivative is missing" in hint and "g'(z)" in hint


def test_sigmoid_wrong_derivative_is_not_called_missing(rng):
    report = check_layer(sigmoid_forward, lambda dA, A: dA * A, {"Z": rng.standard_normal(6)})
    (hint,) = report["dZ"].hints
    assert "missing or wrong" in hint


def test_pass_through_in_a_linear_layer_is_not_blamed_on_an_activation(rng):
    inputs = {"X": rng.standard_normal((5, 3)), "W": rng.standard_normal((3, 3)),
              "b": rng.standard_normal(3)}

    def backward(dZ, cache):
        X, W = cache
        return dZ, X.T @ dZ, dZ.sum(axis=0)  # dX forgot "@ W.T"

    report = check_layer(linear_forward, backward, inputs)
    assert not report["dX"] and report["dW"] and report["db"]
    assert all("activation's derivative is missing" not in h for h in report["dX"].hints)
    assert any("passed through unchanged" in h for h in report["dX"].hints)


def test_non_float_inputs_are_passed_through_unchecked(rng):
    Z = rng.standard_normal((4, 3))
    y = np.array([0, 2, 1, 2])

    def pick_forward(Z, y):
        return Z[np.arange(len(y)), y], (Z.shape, y)

    def pick_backward(dout, cache):
        shape, y = cache
        dZ = np.zeros(shape)
        dZ[np.arange(len(y)), y] = dout
        return dZ

    report = check_layer(pick_forward, pick_backward, {"Z": Z, "y": y})
    assert report and [r.name for r in report] == ["dZ"]


def test_wrt_picks_from_a_full_tuple(linear_inputs):
    report = check_layer(linear_forward, linear_backward, linear_inputs, wrt=["W"])
    assert report and [r.name for r in report] == ["dW"]


def test_wrong_number_of_gradients_fails_with_a_message(linear_inputs):
    report = check_layer(linear_forward, lambda d, c: (d, d), linear_inputs)
    assert not report and "backward returned 2 gradient(s)" in str(report)
    report = check_layer(linear_forward, lambda d, c: None, linear_inputs)
    assert not report and "return statement" in str(report)


def test_seed_makes_the_check_reproducible(rng):
    Z = rng.standard_normal((3, 3))
    first = check_layer(relu_forward, lambda d, z: d, {"Z": Z}, seed=5)
    second = check_layer(relu_forward, lambda d, z: d, {"Z": Z}, seed=5)
    assert first["dZ"].worst == second["dZ"].worst


def test_layer_html_report(linear_inputs):
    good = check_layer(linear_forward, linear_backward, linear_inputs)._repr_html_()
    assert "all 3 gradients ok" in good
    bad = check_layer(linear_forward, lambda d, c: (d, d), linear_inputs)._repr_html_()
    assert "FAILED" in bad and "#c62828" in bad


# --- ranked hints: one diagnosis, not a stack ----------------------------------------------

def test_a_recognised_mistake_is_shown_alone(softmax_problem):
    loss, W, dW = softmax_problem
    wrong = 2 * dW
    assert any("2 times too large" in h for h in check_gradient(loss, W, wrong).hints)
    report = check_gradient(loss, W, wrong, n=N, name="dW", hint="check the reg term",
                            mistakes=[(dW / N, "unused"), (wrong, "you doubled the data term")])
    assert not report
    assert report.hints == ["you doubled the data term"]
    assert report.hints[0].rank == "specific"
    assert str(report).count("hint:") == 1


def test_the_authors_hint_replaces_a_generic_one(softmax_problem):
    loss, W, dW = softmax_problem
    report = check_gradient(loss, W, dW + 0.1, name="dW")
    (generic,) = report.hints
    assert "offset" in generic and generic.rank == "generic"  # the rank survives rewording
    assert generic.startswith("Your dW ")
    report = check_gradient(loss, W, dW + 0.1, name="dW", hint="add the bias once")
    assert report.hints == ["add the bias once"]


def test_the_authors_hint_comes_before_a_named_one(softmax_problem):
    loss, W, dW = softmax_problem
    report = check_gradient(loss, W, -dW, name="dW", hint="gradient descent subtracts",
                            mistakes=[(dW / N, "not this one")])
    assert report.hints[0] == "gradient descent subtracts"
    assert len(report.hints) == 2 and "wrong sign" in report.hints[1]


def test_mistakes_and_hint_leave_a_passing_report_alone(softmax_problem):
    loss, W, dW = softmax_problem
    report = check_gradient(loss, W, dW, name="dW", hint="h", mistakes=[(dW, "same as correct")])
    assert report and report.hints == [] and str(report).endswith("— ok")


def test_a_layer_hint_replaces_a_generic_factor(rng):
    def scale_forward(X):
        return 3 * X, None

    report = check_layer(scale_forward, lambda dout, cache: dout, {"X": rng.standard_normal((4, 3))})
    # diagnose sees a constant factor 1/3 (generic); the layer check knows the cause.
    assert report["dX"].hints == [
        "Your gradient is dout passed through unchanged: multiply it by this layer's local "
        "derivative (for an activation, g'(z) elementwise)."]


def test_a_named_hint_is_not_stacked_with_a_layer_hint(linear_inputs):
    def backward(dZ, cache):
        X, W = cache
        return dZ @ W.T, dZ.T @ X, dZ.sum(axis=0)

    (hint,) = check_layer(linear_forward, backward, linear_inputs)["dW"].hints
    assert "transpose" in hint
