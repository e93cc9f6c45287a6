"""07_regularization's final model: ``predict`` is graded with the model file a student
submits (final_model.npz beside the notebook), which the generic corpus test does not provide.

Here: the predict corpus (``PREDICT_WRONG`` / ``PREDICT_CORRECT`` of
``tests/corpus/regularization07.py``) in a folder holding the reference's trained model; the
message when the file is missing; the instructor's model never in the release; and the whole
path through ``grade``: the submission folder's model reaches the sandbox while the training
cell (an experiment) is not run.
"""

import os
import re

import numpy as np
import pytest

from autograde.course import LECTURES, reference
from autograde.engine import grade_notebook, run_tests_locally
from corpus import regularization07 as corpus07

A = corpus07.ASSIGNMENT
CELLS = {"test_predict_visible", "test_predict_hidden", "test_predict_90_hidden",
         "test_predict_92_hidden"}
# The held-out digits and the model are fixed: a seed only changes the chunks predict is
# called on, so fewer seeds than the corpus's 20 suffice (each run predicts 4,000 digits).
SEEDS = [f"predict-{k}" for k in range(4)]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    """A working directory holding the reference's final_model.npz (as a notebook's folder)."""
    folder = tmp_path_factory.mktemp("notebook-folder")
    corpus07.write_final_model(folder)
    before = os.getcwd()
    os.chdir(folder)
    yield folder
    os.chdir(before)


def _predict(source):
    namespace = {k: v for k, v in reference(A).items()
                 if not k.startswith("__") and k != "predict"}
    namespace["np"] = np
    exec(compile(source, "<corpus predict>", "exec"), namespace)
    return {"predict": namespace["predict"]}


def _grade(source, seed):
    results = run_tests_locally(A, _predict(source), seed=seed, cells=CELLS)
    assert {r.cell for r in results} == CELLS
    return results


def _show(results):
    return "\n".join(f"  [{r.cell}: {r.status}, {r.score:g}/{r.max_score:g}] {r.message}"
                     for r in results)


def test_reference_predict_gets_full_marks(model_dir):
    for seed in SEEDS:
        results = run_tests_locally(A, {}, seed=seed, cells=CELLS)
        assert all(r.score == r.max_score for r in results), _show(results)
        assert "% on the held-out digits" in results[1].message


@pytest.mark.parametrize("label, source", corpus07.PREDICT_WRONG,
                         ids=[label for label, _ in corpus07.PREDICT_WRONG])
def test_wrong_predict_loses_points_on_every_seed_and_says_why(model_dir, label, source):
    for seed in SEEDS:
        results = _grade(source, seed)
        lost = [r for r in results if r.score < r.max_score]
        assert lost, f"WRONG predict got full marks on seed {seed}: {label}\n{_show(results)}"
        for r in lost:
            assert r.status in ("failed", "error") and "predict" in r.message, _show(lost)


@pytest.mark.parametrize("label, source", corpus07.PREDICT_CORRECT,
                         ids=[label for label, _ in corpus07.PREDICT_CORRECT])
def test_correct_predict_gets_full_marks_on_every_seed(model_dir, label, source):
    for seed in SEEDS:
        results = _grade(source, seed)
        assert all(r.score == r.max_score for r in results), f"{label}\n{_show(results)}"


def test_accuracy_messages_show_no_heldout_labels(model_dir):
    """A failing accuracy check reports the accuracy and the threshold, nothing per digit."""
    weak = dict(corpus07.PREDICT_WRONG)["a weak model: nearest class mean"]
    results = {r.cell: r for r in _grade(weak, SEEDS[0])}
    message = results["test_predict_92_hidden"].message
    assert re.search(r"reaches \d+\.\d % accuracy on the 1,000 held-out digits; this check needs "
                     r"at least 92 %", message), message
    assert len(message) < 600 and not re.search(r"(\d+[ ,]+){8}", message), message


def test_a_predict_that_raises_with_the_digits_gets_no_digit_back(model_dir):
    """The student writes their exceptions' text: on the held-out digits it is not shown
    (only the type), so an exception cannot smuggle the secret digits out."""
    leak = ("from mlkit.datasets import load_mnist\n"
            "_Xa, _ya, _Xb, _yb = load_mnist('4k')\n"
            "_known = {r.tobytes() for r in np.vstack([_Xa, _Xb])}\n"
            "def predict(X):\n"
            "    X = np.asarray(X, dtype=float)\n"
            "    new = [r for r in X if r.tobytes() not in _known]\n"
            "    if new:\n"
            "        raise ValueError('digits:' + np.packbits(new[0] > 0.5).tobytes().hex())\n"
            "    scores, _ = mlp_forward(load_model(), X)\n"
            "    return np.argmax(scores, axis=1)\n")
    results = {r.cell: r for r in _grade(leak, SEEDS[0])}
    assert results["test_predict_visible"].score == results["test_predict_visible"].max_score
    for cell in CELLS - {"test_predict_visible"}:
        message = results[cell].message
        assert results[cell].score == 0 and "it raised ValueError" in message, message
        assert "digits:" not in message and not re.search(r"[0-9a-f]{16}", message), message


def test_missing_model_file_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no final_model.npz here
    results = run_tests_locally(A, {}, seed="missing", cells=CELLS)
    for r in results:
        assert r.score == 0 and "final_model.npz" in r.message, _show(results)
        assert "run the cell that trains and saves your final model" in r.message


def test_release_ships_no_model_file():
    shipped = sorted(p.name for p in (LECTURES / A).rglob("*") if p.is_file())
    assert not [name for name in shipped if name.endswith(".npz")], shipped


def test_grade_uses_the_submitted_model_and_skips_the_training(tmp_path):
    """Graded as a student would hand it in: the solution notebook with its final_model.npz,
    and once without it (then only the predict cells lose their points)."""
    from submissions import make_submission
    with_model = make_submission(tmp_path, "with-model", A)
    corpus07.write_final_model(with_model.parent)
    without = make_submission(tmp_path, "no-model", A)
    graded = {name: {r.cell: r for r in grade_notebook(A, path, seed="predict")}
              for name, path in (("with", with_model), ("without", without))}
    assert all(r.status == "passed" for r in graded["with"].values()), \
        _show(graded["with"].values())
    for cell, r in graded["without"].items():
        if cell in CELLS:
            assert r.score == 0 and "final_model.npz" in r.message, _show([r])
        else:
            assert r.status == "passed", _show([r])
