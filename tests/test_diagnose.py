"""Tests for mlkit.diagnose: each recognised mistake gives its hint, odd inputs never raise."""

import numpy as np
import pytest

from mlkit.diagnose import Hint, diagnose, select_hints, specific


@pytest.fixture
def expected():
    # Non-symmetric, no zeros, mixed signs, not constant: every pattern is distinguishable.
    return np.random.default_rng(0).standard_normal((4, 3))


def only_hint(hints):
    assert len(hints) == 1, hints
    assert isinstance(hints[0], str) and hints[0].startswith("Your")
    return hints[0]


# --- no mistake, no hint -------------------------------------------------------------------

def test_equal_arrays_give_no_hint(expected):
    assert diagnose(expected, expected) == []
    assert diagnose(expected * (1 + 1e-9), expected, n=4) == []


def test_unrecognised_difference_gives_no_hint(expected):
    noise = np.random.default_rng(1).standard_normal(expected.shape)
    assert diagnose(expected + noise, expected) == []


# --- same shape ----------------------------------------------------------------------------

def test_transpose_of_non_square(expected):
    assert "transpose" in only_hint(diagnose(expected.T, expected))


def test_transpose_of_square():
    m = np.arange(9.0).reshape(3, 3) + 1
    assert "transpose" in only_hint(diagnose(m.T, m))


def test_symmetric_matrix_is_not_called_transposed():
    s = np.array([[1.0, 2.0], [2.0, 3.0]])
    assert all("transpose" not in h for h in diagnose(2 * s, s))


def test_wrong_sign(expected):
    assert "wrong sign" in only_hint(diagnose(-expected, expected))


def test_factor_two(expected):
    assert "2 times too large" in only_hint(diagnose(2 * expected, expected))
    assert "2 times too small" in only_hint(diagnose(0.5 * expected, expected))


def test_factor_n_with_batch_size(expected):
    assert "N = 8 times too large" in only_hint(diagnose(8 * expected, expected, n=8))
    assert "average over the batch" in only_hint(diagnose(8 * expected, expected, n=8))
    assert "divide by N twice" in only_hint(diagnose(expected / 8, expected, n=8))


def test_factor_n_without_batch_size_is_a_generic_factor(expected):
    hint = only_hint(diagnose(8 * expected, expected))
    assert "constant factor" in hint and "8" in hint


def test_batch_of_two_mentions_the_batch(expected):
    assert "N = 2" in only_hint(diagnose(2 * expected, expected, n=2))


def test_sign_and_factor_together(expected):
    hints = diagnose(-2 * expected, expected)
    assert len(hints) == 2
    assert "wrong sign" in hints[0] and "2 times too large" in hints[1]


def test_other_constant_factor(expected):
    hint = only_hint(diagnose(3.7 * expected, expected))
    assert "constant factor" in hint and "3.7" in hint


def test_all_zeros(expected):
    assert "all zeros" in only_hint(diagnose(np.zeros_like(expected), expected))


def test_constant_offset(expected):
    hint = only_hint(diagnose(expected + 0.25, expected))
    assert "offset" in hint and "0.25" in hint


def test_nan_and_inf(expected):
    got = expected.copy()
    got[1, 2] = np.nan
    assert "nan" in only_hint(diagnose(got, expected))
    got[1, 2] = np.inf
    assert "overflow" in only_hint(diagnose(got, expected))


def test_none_is_a_missing_return(expected):
    assert "return" in only_hint(diagnose(None, expected))
    assert diagnose(expected, None) == []


def test_scalar_factor_two_but_no_guessing_for_other_scalars():
    assert "2 times too large" in only_hint(diagnose(4.0, 2.0))
    assert "N = 16" in only_hint(diagnose(16 * 0.3, 0.3, n=16))
    assert diagnose(2.6, 2.0) == []  # one number: a factor and an offset fit equally well


def test_robust_to_finite_difference_noise(expected):
    noisy = 2 * expected + 1e-9 * np.random.default_rng(2).standard_normal(expected.shape)
    assert "2 times too large" in only_hint(diagnose(noisy, expected))


def test_factor_must_fit_every_entry(expected):
    got = 2 * expected
    got[0, 0] += 1.0  # one entry off: not "2 times too large"
    assert all("2 times" not in h for h in diagnose(got, expected))


# --- different shapes ----------------------------------------------------------------------

def test_extra_or_missing_axis_of_length_one():
    v = np.array([1.0, -2.0, 3.0])
    assert "axis of length 1" in only_hint(diagnose(v[:, None], v))
    assert "axis of length 1" in only_hint(diagnose(v, v[None, :]))


def test_right_values_wrong_reshape():
    m = np.arange(1.0, 7.0).reshape(2, 3)
    assert "reshape" in only_hint(diagnose(m.reshape(3, 2), m))


def test_forgot_to_sum_over_batch_axis():
    dZ = np.random.default_rng(3).standard_normal((5, 3))
    hint = only_hint(diagnose(dZ, dZ.sum(axis=0)))
    assert "before it is summed over axis 0" in hint


def test_summed_over_an_axis_that_should_be_kept():
    dX = np.random.default_rng(4).standard_normal((5, 3))
    assert "summed over axis 0" in only_hint(diagnose(dX.sum(axis=0), dX))
    assert "summed over axis 1" in only_hint(diagnose(dX.sum(axis=1, keepdims=True), dX))


def test_forgot_to_average_a_loss():
    per_sample = np.array([0.3, 1.2, 0.7, 2.0])
    assert "averaged over axis 0" in only_hint(diagnose(per_sample, per_sample.mean()))


def test_unrelated_shapes_give_no_hint():
    assert diagnose(np.ones((2, 5)), np.arange(12.0).reshape(3, 4)) == []


# --- never raises --------------------------------------------------------------------------

WEIRD = [
    (np.array([]), np.array([])),
    (np.zeros((0, 3)), np.ones((2, 3))),
    (1.0, 1.0),
    (0.0, 0.0),
    (np.float64(3), np.array([3.0])),
    (None, np.ones(3)),
    (np.ones(3), None),
    ("abc", np.ones(3)),
    ([[1, 2], [3]], np.ones(2)),  # ragged
    (np.array([1 + 2j, 3j]), np.ones(2)),
    (np.array([True, False]), np.array([1.0, 0.0])),
    (np.arange(6), np.arange(6)[::-1]),
    (np.ones(3), np.array([1.0, np.nan, 1.0])),
    (np.full(3, np.inf), np.full(3, np.inf)),
    (np.full((2, 2), 1e308), np.full((2, 2), -1e308)),
    (np.full(3, 1e-320), np.full(3, 2e-320)),
    (np.ones((2, 3, 4)), np.ones((4, 3, 2))),
    (np.zeros((3, 3)), np.zeros((3, 3))),
    (np.ones(4), np.zeros(4)),
    (object(), object()),
    ({"a": 1}, [1, 2]),
]


@pytest.mark.parametrize("got, expected", WEIRD)
@pytest.mark.parametrize("n", [None, 0, 1, -3, 2.5, "abc", np.int64(4), float("nan")])
def test_never_raises(got, expected, n):
    hints = diagnose(got, expected, n=n)
    assert isinstance(hints, list)
    assert all(isinstance(h, str) for h in hints)


def test_no_warnings_escape(recwarn):
    diagnose(np.array([1e308, -1e308]), np.array([1e-308, 1e-308]))
    diagnose(np.array([1 + 1j]), np.array([1.0]))
    assert len(recwarn) == 0


# --- ranking: one diagnosis, not a stack -----------------------------------------------------

def test_a_constant_factor_of_no_particular_size_is_a_generic_hint():
    expected = np.array([2.5, 0.625, 0.15625])
    (hint,) = diagnose(expected / 4, expected)
    assert "constant factor ≈ 0.25" in hint and hint.rank == "generic"
    (hint,) = diagnose(np.array([1.0, 2.0, 4.0]) + 0.3, np.array([1.0, 2.0, 4.0]))
    assert "offset" in hint and hint.rank == "generic"


def test_named_patterns_are_not_generic():
    expected = np.array([1.0, 2.0, 4.0])
    for got in (-expected, 2 * expected, expected / 2):
        assert all(getattr(h, "rank", "named") == "named" for h in diagnose(got, expected))


def test_select_hints_drops_generic_hints_when_a_better_one_exists():
    generic = Hint("off by a constant factor", "generic")
    assert select_hints([None, generic]) == [generic]
    assert select_hints(["record the loss before the update", generic]) == [
        "record the loss before the update"]
    assert select_hints(["a", "a", None, "", "b"]) == ["a", "b"]


def test_select_hints_shows_a_recognised_mistake_alone():
    mistake = specific("you divided by the number of entries")
    assert select_hints(["divide by 2N", mistake, "2 times too small", Hint("x", "generic")]) == [
        mistake]
    with pytest.raises(ValueError):
        Hint("x", "important")


def test_a_tiny_result_is_not_called_all_zeros():
    rng = np.random.default_rng(3)
    expected = rng.standard_normal((4, 5))
    tiny = 1e-12 * rng.standard_normal((4, 5))  # no constant factor, nothing else to say
    hints = diagnose(tiny, expected)
    assert hints and not any("all zeros" in h for h in hints), hints
    assert "nearly zero" in only_hint(hints)
    assert "constant factor" in only_hint(diagnose(1e-12 * expected, expected))  # a factor
    assert "all zeros" in only_hint(diagnose(np.zeros_like(expected), expected))
