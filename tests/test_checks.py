"""mlkit.checks: what a student reads when a check fails, and resistance to rebinding."""

import builtins

import numpy as np
import pytest

from mlkit import checks
from mlkit.checks import (CheckFailed, call, expect_close, expect_dtype, expect_equal,
                          expect_finite, expect_shape, expect_unchanged)


def message(fn, *args, **kwargs):
    with pytest.raises(CheckFailed) as info:
        fn(*args, **kwargs)
    return str(info.value)


def test_passing_checks_are_silent():
    expect_close("x", np.array([1.0, 2.0]), [1.0, 2.0])
    expect_shape("x", np.zeros((2, 3)), (2, 3))
    expect_dtype("x", np.zeros(2), "f")
    expect_equal("labels", np.array([0, 1]), [0, 1])
    expect_finite("x", np.ones(3))


def test_wrong_values_name_the_worst_entry_expected_and_got():
    expected = np.zeros((3, 4))
    got = expected.copy()
    got[2, 1] = 0.18
    expected[2, 1] = 0.25
    text = message(expect_close, "dW", got, expected)
    assert "Wrong values for dW" in text
    assert "[2, 1]" in text and "0.25" in text and "0.18" in text
    assert "1 of 12 entries" in text


def test_wrong_shape_says_both_shapes_and_spots_a_transpose():
    expected = np.arange(12.0).reshape(3, 4)
    text = message(expect_close, "dW", expected.T, expected)
    assert "expected (3, 4), got (4, 3)" in text
    assert "transpose" in text


def test_factor_of_batch_size_gets_the_averaging_hint():
    expected = np.random.default_rng(0).normal(size=(5, 3))
    text = message(expect_close, "dZ", expected * 5, expected, n=5)
    assert "average" in text or "divide by N" in text


def test_nan_is_located():
    got = np.array([0.5, np.nan, 1.0])
    text = message(expect_close, "softmax", got, [0.5, 0.2, 1.0])
    assert "nan/inf" in text and "[1]" in text


def test_none_means_a_missing_return():
    assert "return" in message(expect_close, "sigmoid(z)", None, [1.0])


def test_call_reports_not_implemented_with_the_right_name():
    def sigmoid(z):
        raise NotImplementedError()

    def neuron(x, w, b, g=sigmoid):
        return g(x @ w + b)

    assert message(call, sigmoid, 0.0).startswith("sigmoid is not implemented yet")
    assert message(call, neuron, np.ones(2), np.ones(2), 0.0).startswith(
        "sigmoid is not implemented yet")


def test_call_turns_a_warning_into_a_failure_with_a_hint():
    def sigmoid(z):
        return 1 / (1 + np.exp(-z))

    text = message(call, sigmoid, np.array([-1000.0, 0.0]))
    assert "RuntimeWarning" in text and "overflow" in text and "exp" in text
    assert "array of shape (2,)" in text  # describes the input without printing it


def test_call_reports_exceptions_in_words():
    def dense(X, W, b):
        return X @ W + b

    text = message(call, dense, np.ones((2, 3)), np.ones((2, 4)), np.zeros(4))
    assert "raised ValueError" in text and "shape" in text


def test_in_place_modification_is_reported():
    before = np.array([1.0, -2.0])
    after = np.array([1.0, 0.0])
    assert "in place" in message(expect_unchanged, "z", before, after)


def test_boolean_output_gets_a_conversion_hint():
    assert "astype" in message(expect_dtype, "relu_grad(z)", np.array([True, False]), "f")


@pytest.mark.parametrize("target, name, fake", [
    (np, "allclose", lambda *a, **k: True),
    (np.testing, "assert_allclose", lambda *a, **k: None),
    (builtins, "abs", lambda x: 0),
    (checks, "expect_close", lambda *a, **k: None),
])
def test_rebinding_is_detected_and_fails_every_check(target, name, fake):
    original = getattr(target, name)
    setattr(target, name, fake)
    try:
        with pytest.raises(CheckFailed) as info:
            checks.expect_shape("x", np.zeros(2), (2,))
        assert info.value.status == "tampered"
        assert name in str(info.value)
    finally:
        setattr(target, name, original)
    checks.expect_shape("x", np.zeros(2), (2,))  # and all is well again


def test_checks_do_not_depend_on_numpy_comparison_functions():
    """Rebinding np.allclose cannot make a wrong value pass: the check never calls it."""
    original = np.allclose
    np.allclose = lambda *a, **k: True
    try:
        with pytest.raises(CheckFailed):
            expect_close("x", np.array([1.0]), [2.0])
    finally:
        np.allclose = original


def test_exact_zero_matches_with_zero_tolerance():
    expect_close("x", np.array([0.0, 1.0]), [0.0, 1.0], rtol=0.0, atol=0.0)
    assert "Wrong values" in message(expect_close, "x", np.array([1e-300]), [0.0],
                                     rtol=0.0, atol=0.0)
