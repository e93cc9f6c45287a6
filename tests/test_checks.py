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


@pytest.mark.parametrize("got, said", [
    (np.array([np.zeros(2), np.zeros(3)], dtype=object), "an array of dtype object and shape (2,)"),
    (np.array(["yes", "no"]), "an array of dtype <U3 and shape (2,)"),
    ([[1.0, 2.0], [3.0]], "got a list that numpy cannot turn into one"),
])
def test_an_array_that_is_not_numbers_says_its_dtype_and_where_to_look(got, said):
    text = message(expect_close, "probs", got, np.zeros(2))
    assert said in text, text
    assert "row of a different length" in text


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


def test_an_error_from_the_graders_sandbox_quotes_the_students_line_it_carries():
    """The grader's proxies raise with ``raised_at`` (the student's line in the sandbox, or
    None): that line is quoted, never a frame of the checks' own code."""
    def remote(at):
        def fn(x):
            exc = RecursionError("maximum recursion depth exceeded")
            exc.raised_at = at
            raise exc
        fn.__name__ = "Value.backward"
        return fn

    text = message(call, remote({"function": "visit", "line": 7, "text": "visit(v)"}), 1.0)
    assert "Value.backward(1) raised RecursionError" in text
    assert "raised in visit, line 7: visit(v)" in text
    assert text.count("hint:") == 1 and "visit each node once" in text
    assert "raised in" not in message(call, remote(None), 1.0).split("\n", 1)[1]


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


# --- what a failed check looks like in a Jupyter kernel ------------------------------------
# IPython renders a CheckFailed through its _render_traceback_: the message only, no frames
# of mlkit or of the hidden checks. It must stay an error output, so that nbclient (nbval,
# autograde execute) and nbgrader still see the cell as failed; other exceptions keep their
# usual traceback.

nbformat = pytest.importorskip("nbformat")

_CELLS = [
    "import numpy as np\nfrom mlkit.checks import call, expect_close",
    "def softmax(Z):\n    E = np.exp(Z - np.max(Z))\n    return E / E.sum(axis=0, keepdims=True)",
    '"""Visible check for softmax on a batch."""\n'
    'expect_close("softmax(Z) for Z of shape (2, 2)", call(softmax, np.array([[1.0, 2.0], [1.0, 2.0]])),\n'
    '             [[0.2689414213699951, 0.7310585786300049]] * 2, hint="Normalise each row.")',
    "def positive(x):\n    assert x > 0, 'x must be positive'\n    return x\n\npositive(-1.0)",
    "def dense(X, W):\n    return X @ W.T\n\ncall(dense, np.ones((2, 3)), np.ones((3, 4)))",
]


def _shown(error):
    """An error output's traceback as the reader sees it (ANSI colours removed)."""
    import re
    return re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(error.traceback))


def _notebook(grade_cells=()):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(src) for src in _CELLS]
    for i in grade_cells:
        nb.cells[i].metadata["nbgrader"] = {
            "grade": True, "grade_id": f"test_{i}", "locked": True, "points": 1,
            "schema_version": 3, "solution": False, "task": False}
    return nb


@pytest.fixture(scope="module")
def executed():
    from nbclient import NotebookClient
    nb = _notebook()
    NotebookClient(nb, allow_errors=True, timeout=120, kernel_name="python3").execute()
    return [[o for o in cell.outputs if o.output_type == "error"] for cell in nb.cells]


def test_a_failed_check_in_a_kernel_shows_only_its_message(executed):
    (error,) = executed[2]
    assert error.ename == "CheckFailed"
    shown = _shown(error)
    assert "Wrong values for softmax(Z) for Z of shape (2, 2)" in shown
    assert "expected 0.268941, got 0.5" in shown and "hint: Normalise each row." in shown
    assert "checks.py" not in shown and "_fail" not in shown and "Traceback" not in shown


def test_a_plain_assert_keeps_its_traceback(executed):
    (error,) = executed[3]
    shown = _shown(error)
    assert error.ename == "AssertionError" and "x must be positive" in shown
    assert "Traceback" in shown and "assert x > 0" in shown and "positive" in shown


def test_an_exception_in_student_code_says_which_line_raised_it(executed):
    (error,) = executed[4]
    shown = _shown(error)
    assert "dense(" in shown and "raised ValueError" in shown
    assert "raised in dense, line 2: return X @ W.T" in shown
    assert "checks.py" not in shown


def test_nbclient_still_raises_on_a_failed_check():
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError
    nb = _notebook()
    nb.cells = nb.cells[:3]
    with pytest.raises(CellExecutionError) as info:
        NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    assert "Wrong values for softmax(Z)" in str(info.value)


def test_nbgrader_validate_still_counts_a_failed_check(tmp_path):
    import os
    import subprocess
    import sys
    pytest.importorskip("nbgrader")
    nb = _notebook(grade_cells=[2])
    nb.cells = nb.cells[:3]
    nbformat.write(nb, tmp_path / "check.ipynb")
    env = dict(os.environ, PATH=os.pathsep.join([os.path.dirname(sys.executable),
                                                 os.environ.get("PATH", "")]))
    out = subprocess.run([sys.executable, "-m", "nbgrader", "validate", "check.ipynb"],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    text = out.stdout + out.stderr
    assert "VALIDATION FAILED ON 1 CELL(S)" in text, text
    assert "CheckFailed: Wrong values for softmax(Z)" in text
    assert "checks.py" not in text


# --- hints are not stacked -----------------------------------------------------------------

def test_a_recognised_mistake_shows_its_hint_alone():
    """An MSE divided by all 6 entries instead of 2N: the factor-2 pattern would mislead."""
    Y_hat = np.array([[1.0, 2.0], [0.0, 1.0], [3.0, 0.0]])
    sq = float(np.sum(Y_hat ** 2))
    text = message(expect_close, "mse_loss", sq / 12, sq / 6,
                   hint="Divide by 2N with N the number of rows.",
                   mistakes=[(sq / 12, "You divided by the number of entries (6), not by 2N.")])
    assert text.count("hint:") == 1
    assert "hint: You divided by the number of entries (6), not by 2N." in text
    assert "2 times" not in text and "Divide by 2N with N" not in text


def test_mistakes_that_do_not_match_leave_the_usual_hints():
    text = message(expect_close, "mse_loss", 5.0, 2.5, hint="Keep the 1/2.",
                   mistakes=[(1.25, "by entries"), (None, "skipped"), ([1.0, 2.0], "wrong shape")])
    assert "hint: Keep the 1/2." in text and "2 times too large" in text
    assert "by entries" not in text and "skipped" not in text and "wrong shape" not in text


def test_a_generic_factor_gives_way_to_the_checks_own_hint():
    """Losses recorded after each update are the right ones times 0.25 on this quadratic."""
    expected = np.array([2.5, 0.625, 0.15625])
    with_hint = message(expect_close, "losses", expected / 4, expected,
                        hint="losses[i] is the loss before update i.")
    assert "hint: losses[i] is the loss before update i." in with_hint
    assert "constant factor" not in with_hint and with_hint.count("hint:") == 1
    alone = message(expect_close, "losses", expected / 4, expected)
    assert "constant factor ≈ 0.25" in alone  # nothing better known: the pattern is shown


def test_calls_hint_replaces_the_generic_warning_explanation():
    """One global maximum: a row far below it underflows to 0/0 (a divide warning)."""
    def softmax(Z):
        E = np.exp(Z - np.max(Z))
        return E / E.sum(axis=-1, keepdims=True)

    Z = np.array([[1.0, 2.0, 3.0], [1000.0, 1001.0, 1002.0]])
    generic = message(call, softmax, Z)
    assert "invalid value encountered in divide" in generic and "0/0" in generic
    text = message(call, softmax, Z, hint="Subtract each row's own maximum.")
    assert "invalid value encountered in divide" in text
    assert text.count("hint:") == 1 and "hint: Subtract each row's own maximum." in text


def test_calls_hint_is_not_passed_to_the_function():
    def f(x, **kwargs):
        assert not kwargs
        return x

    assert call(f, 1.0, hint="unused") == 1.0


def test_float64_means_exactly_float64_with_a_hint_for_float32():
    expect_dtype("one_hot", np.zeros((2, 3)), "float64")
    text = message(expect_dtype, "one_hot", np.zeros((2, 3), dtype=np.float32), "float64")
    assert "should be a float64 array, got dtype float32" in text and "dtype=np.float32" in text
    assert "float64 array, got dtype int64" in message(expect_dtype, "one_hot",
                                                       np.zeros(2, dtype=np.int64), "float64")
    expect_dtype("one_hot", np.zeros(2, dtype=np.float32), "f")  # any float, as before
