"""05_training under `grade`: the student's code runs in the sandboxed process.

The hidden checks of iterate_minibatches and train define their helper functions (a
recording model, a batch collector) in that process (``autograde/hidden/training.py``,
``_helpers``), and the visible checks read a generator there batch by batch and pass the
given ``mlp_model`` / ``sgd_update`` closures by handle. The corpus runs the same checks
without a sandbox; these tests prove the sandboxed path: the solution gets full marks, and
a train that never restores the best parameters loses exactly train's points.
"""

import shutil

import nbformat

from autograde.course import source_path
from autograde.engine import grade_notebook

ASSIGNMENT = "05_training"


def _submission(tmp_path, edit=None):
    path = tmp_path / f"{ASSIGNMENT}.ipynb"
    shutil.copy(source_path(ASSIGNMENT), path)
    if edit is not None:
        nb = nbformat.read(str(path), as_version=4)
        for cell in nb.cells:
            grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
            if grade_id in edit:
                old, new = edit[grade_id]
                assert old in cell.source
                cell.source = cell.source.replace(old, new)
        nbformat.write(nb, str(path))
    return path


def test_solution_gets_full_marks_in_the_sandbox(tmp_path):
    results = grade_notebook(ASSIGNMENT, _submission(tmp_path), seed="sandbox-05")
    assert results and all(r.status == "passed" and r.score == r.max_score for r in results), \
        [(r.cell, r.status, r.message) for r in results if r.status != "passed"]


def test_train_without_restoring_loses_its_points_in_the_sandbox(tmp_path):
    path = _submission(tmp_path, {"train": ("params[key][...] = value", "pass")})
    results = {r.cell: r for r in grade_notebook(ASSIGNMENT, path, seed="sandbox-05")}
    for cell in ("test_train_visible", "test_train_hidden"):
        assert results[cell].score == 0 and results[cell].status == "failed", results[cell]
        assert "params" in results[cell].message
    others = [r for cell, r in results.items() if not cell.startswith("test_train_")]
    assert others and all(r.status == "passed" for r in others), others
