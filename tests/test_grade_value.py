"""04's Value through the grade command: a sandboxed student class, checked via proxies.

The corpus (tests/test_corpus.py) runs the hidden Value checks on local classes; here the
student's class lives in the grading sandbox and the checks reach it only through
autograde.engine's proxies (operator methods such as __radd__ fetched by name). One grading
run over three submissions: the instructor's solution, and two wrong Value classes from the
corpus, each otherwise correct.
"""

import csv

import pytest

from autograde.course import code_cells, read_notebook, source_path
from autograde.engine import Limits
from autograde.grade import grade
from corpus.backprop04 import WRONG
from submissions import make_submission

A = "04_backprop"
NO_RADD = "no __radd__ (2 + v fails)"
BREADTH_FIRST = "backward in breadth-first order from the output"
RECURSES = "visit(v) for visit(child), v marked seen after its inputs: a walk with no end"
STUDENTS = {"correct": None, "no_radd": NO_RADD, "breadth_first": BREADTH_FIRST,
            "recurses": RECURSES}


def _wrong(label):
    if label == RECURSES:  # the solution with one slip, in the line the message must quote
        source, right = reference_source(A, "value"), (
            "                seen.add(v)\n"
            "                for child in v._prev:\n"
            "                    visit(child)\n")
        assert right in source
        return source.replace(right, ("                for child in v._prev:\n"
                                      "                    visit(v)\n"
                                      "                seen.add(v)\n"))
    sources = dict(WRONG["value"])
    assert label in sources, f"no WRONG['value'] entry {label!r} in tests/corpus/backprop04.py"
    return sources[label]


def reference_source(assignment, grade_id):
    return next(c.source for c in code_cells(read_notebook(source_path(assignment)))
                if c.grade_id == grade_id)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("course") / "submitted"
    for student, label in STUDENTS.items():
        make_submission(root, student, A, replace={"value": _wrong(label)} if label else None)
    out = tmp_path_factory.mktemp("out") / "grades.csv"
    grade(root, out, assignment_ids=[A], jobs=2, salt="test",
          limits=Limits(exec_seconds=120, cell_seconds=20, call_seconds=5),
          progress=lambda line: None)
    with open(out, newline="") as f:
        rows = list(csv.DictReader(f))
    return {s: {r["cell"]: r for r in rows if r["student_id"] == s} for s in STUDENTS}


def test_correct_value_passes_both_cells(graded):
    for cell in ("test_value_visible", "test_value_hidden"):
        row = graded["correct"][cell]
        assert row["status"] == "passed", row
        assert float(row["score"]) == float(row["max_score"]) > 0


def test_correct_submission_passes_every_cell(graded):
    """The rest of the notebook is the instructor's code: nothing else may fail either."""
    failing = {cell: r["message"] for cell, r in graded["correct"].items() if r["status"] != "passed"}
    assert not failing


@pytest.mark.parametrize("student, words", [
    ("no_radd", ["__radd__"]),
    ("breadth_first", ["topological"]),
])
def test_wrong_value_scores_zero_with_a_message_naming_the_mistake(graded, student, words):
    row = graded[student]["test_value_hidden"]
    assert float(row["score"]) == 0 and row["status"] == "failed", row
    for word in words:
        assert word in row["message"], row["message"]
    assert "Traceback" not in row["message"] and "autograde/" not in row["message"]


def test_wrong_value_leaves_the_other_exercises_alone(graded):
    """Only Value's cells may lose points: the layers and the MLP do not use the class."""
    for student in ("no_radd", "breadth_first"):
        lost = sorted(cell for cell, r in graded[student].items()
                      if r["status"] != "passed" and not cell.startswith("test_value_"))
        assert not lost, (student, lost)


def test_visible_cell_catches_both_slips(graded):
    """The visible table has a row for each: 2 + a * 4 (__radd__) and a + a.exp() (the order)."""
    no_radd = graded["no_radd"]["test_value_visible"]
    assert float(no_radd["score"]) == 0 and "__radd__" in no_radd["message"], no_radd
    bfs = graded["breadth_first"]["test_value_visible"]
    assert float(bfs["score"]) == 0 and "topological" in bfs["message"], bfs


def test_a_recursion_error_quotes_the_students_line_and_says_why(graded):
    """The error is raised in the sandbox: the message quotes the student's line there (not
    a line of the checks) and gives the hint for a walk that never ends."""
    for cell in ("test_value_visible", "test_value_hidden"):
        row = graded["recurses"][cell]
        assert float(row["score"]) == 0, row
        message = row["message"]
        assert "RecursionError" in message, message
        assert "raised in visit, line" in message and ": visit(v)" in message, message
        assert "build the list of nodes first" in message, message
        assert "<lambda>" not in message, message
        assert message.count("hint:") == 1, message  # the diagnosis alone
