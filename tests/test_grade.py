"""The grade command on hostile and broken submissions: sandboxed student code, trusted checks.

One grading run over a folder of submissions (in parallel, as instructors run it), then a
test per student about what its rows say.
"""

import csv
import subprocess
import sys

import nbformat
import pytest

from autograde.course import ROOT, assignments, read_notebook, source_path, graded_cells
from autograde.engine import Limits, grade_notebook, is_experiment, student_cells
from autograde.gradebook import assignment_version
from autograde.grade import grade
from submissions import make_submission

ALL_CELLS = [c.grade_id for c in graded_cells(read_notebook(source_path("01_neuron")))]
MAX = sum(c.points for c in graded_cells(read_notebook(source_path("01_neuron"))))

WRONG_SIGMOID = "def sigmoid(z):\n    return np.tanh(z)\n\ndef sigmoid_grad(z):\n    return z\n"
STUDENTS = {
    "good": {},
    "deleted_setup": {},
    "unsolved": {"solved": False},
    "renamed": {},
    "tamper": {"replace": {"sigmoid": WRONG_SIGMOID},
               "append": ["np.allclose = lambda *a, **k: True\n"
                          "np.testing.assert_allclose = lambda *a, **k: None\n"]},
    "tamper_at_call": {"replace": {"xor_net": (
        "def xor_net(X):\n    import builtins\n    builtins.abs = lambda x: 0\n"
        "    return np.zeros(len(X))\n")}},
    "crash": {"append": ["import os\nos._exit(1)"]},
    "crash_in_call": {"replace": {"dense": "def dense(X, W, b, g=sigmoid):\n"
                                           "    import os\n    os._exit(3)\n"}},
    "hang": {"replace": {"xor_net": "def xor_net(X):\n    while True:\n        pass\n"}},
    "prints_and_raises": {"replace": {"relu": "def relu(z):\n    print('debug')\n"
                                                "    raise ValueError('oops')\n\n"
                                                "def relu_grad(z):\n    return (z > 0) * 1.0\n"}},
    "reader": {"append": ["""
leaked = []
for path in ['../../../solutions/01_neuron/01_neuron.ipynb', %r, %r]:
    try:
        leaked.append(open(path).read())
    except OSError:
        pass
try:
    import autograde.hidden
    leaked.append('autograde')
except ImportError:
    pass
def xor_net(X):
    if leaked:
        return np.zeros(len(X))   # a tell-tale wrong answer if anything leaked
    return np.maximum(X @ np.ones((2, 2)) + np.array([0.0, -1.0]), 0) @ np.array([1.0, -2.0])
""" % (str(source_path("01_neuron")), str(ROOT / ".course" / "gradebook.db"))]},
    # Loads the weights it saved beside the notebook (as 07's predict loads its model);
    # An object of the student's own class where a pair is due: messages name that class
    # (the grader sees it through a proxy, whose class name must not show).
    "own_class": {"replace": {"perceptron_train": """
class Trained:
    def __init__(self, w, b):
        self.w, self.b = w, b

def perceptron_train(X, y, lr=1.0, epochs=100):
    return Trained(np.zeros(X.shape[1]), 0.0)
"""}},
    # An array of Python objects, which the grader sees through a proxy: the message says
    # its dtype, as in the student's kernel, not "got ndarray".
    "object_array": {"replace": {"sigmoid": """
def sigmoid(z):
    return np.array([1 / (1 + np.exp(-v)) for v in np.ravel(z)] + [None], dtype=object)

def sigmoid_grad(z):
    s = 1 / (1 + np.exp(-np.clip(np.asarray(z, dtype=float), -500, 500)))
    return s * (1.0 - s)
"""}},
    # A cell of the student's own fails before it defines xor_net.
    "undefined_by_error": {"replace": {"xor_net": "pass\n"}, "append": [
        "W0 = load_weights()\n\ndef xor_net(X):\n    return X @ W0\n"]},
    # the instructor notebook linked in, a huge file and a given.py of its own are not
    # copied, so reading them fails.
    "saved_model": {"replace": {"xor_net": """
import os
_saved = np.load("model/xor.npz")
_cheats = [name for name in ("linked.json", "huge.bin", "given.py") if os.path.exists(name)]
def xor_net(X):
    if _cheats:
        return np.zeros(len(X))
    return np.maximum(X @ _saved["W"] + _saved["c"], 0) @ _saved["w"]
"""}, "files": True},
}


def add_files(folder):
    """A trained model in a subfolder, plus what must never be copied into the sandbox."""
    import numpy as np
    (folder / "model").mkdir()
    np.savez(folder / "model" / "xor.npz", W=np.ones((2, 2)), c=np.array([0.0, -1.0]),
             w=np.array([1.0, -2.0]))
    (folder / "linked.json").symlink_to(source_path("01_neuron"))
    (folder / "given.py").write_text("raise SystemExit")
    with open(folder / "huge.bin", "wb") as f:
        f.truncate(65 * 2**20)


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("course") / "submitted"  # gradebook.db beside it
    for student, options in STUDENTS.items():
        options = dict(options)
        files = options.pop("files", False)
        path = make_submission(root, student, **options)
        if files:
            add_files(path.parent)
        if student == "renamed":
            path.rename(path.with_name("01_neuron-Copy1.ipynb"))
        if student == "deleted_setup":  # also every test cell: they are graded anyway
            nb = nbformat.read(str(path), as_version=4)
            nb.cells = [c for c in nb.cells
                        if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") != "setup"
                        and not c.get("metadata", {}).get("nbgrader", {}).get("grade")]
            nbformat.write(nb, str(path))
    broken = root / "broken" / "01_neuron"
    broken.mkdir(parents=True)
    (broken / "01_neuron.ipynb").write_text("{ this is not json")
    (root / "absent" / "01_neuron").mkdir(parents=True)
    out = tmp_path_factory.mktemp("out") / "grades.csv"
    limits = Limits(exec_seconds=120, cell_seconds=8, call_seconds=3)
    grade(root, out, assignment_ids=["01_neuron"], jobs=2, salt="test", limits=limits,
          progress=lambda line: None)
    with open(out, newline="") as f:
        rows = list(csv.DictReader(f))
    return {s: {r["cell"]: r for r in rows if r["student_id"] == s}
            for s in {r["student_id"] for r in rows}}


def total(rows):
    return sum(float(r["score"]) for r in rows.values())


def test_every_submission_gets_a_row_per_test_cell(graded):
    assert set(graded) == set(STUDENTS) | {"broken", "absent"}
    for rows in graded.values():
        assert sorted(rows) == sorted(ALL_CELLS)
        assert {r["status"] for r in rows.values()} <= {
            "passed", "failed", "error", "timeout", "tampered", "missing"}


def test_correct_submission_gets_full_marks(graded):
    assert total(graded["good"]) == MAX
    assert all(r["status"] == "passed" for r in graded["good"].values())


def test_unsolved_release_gets_zero_with_an_actionable_message(graded):
    assert total(graded["unsolved"]) == 0
    assert "not implemented yet" in graded["unsolved"]["test_sigmoid_visible"]["message"]


def test_deleted_setup_and_test_cells_are_restored(graded):
    assert total(graded["deleted_setup"]) == MAX


def test_renamed_notebook_is_still_graded_and_noted(graded):
    assert total(graded["renamed"]) == MAX
    assert "01_neuron-Copy1.ipynb" in graded["renamed"]["test_sigmoid_visible"]["message"]


def test_rebinding_numpy_gets_no_points_and_is_reported(graded):
    rows = graded["tamper"]
    assert total(rows) == 0
    assert all(r["status"] == "tampered" for r in rows.values())
    assert "numpy.allclose" in rows["test_sigmoid_hidden"]["message"]


def test_tampering_inside_a_graded_function_is_caught(graded):
    rows = graded["tamper_at_call"]
    assert total(rows) == 0 and rows["test_xor_net_hidden"]["status"] == "tampered"
    assert "builtins.abs" in rows["test_xor_net_hidden"]["message"]


def test_a_cell_that_kills_the_process_is_skipped_and_noted(graded):
    # nbgrader would lose the whole notebook; here only what depends on that cell.
    rows = graded["crash"]
    assert total(rows) == MAX
    assert "the cell starting `import os` was skipped" in rows["test_sigmoid_visible"]["message"]


def test_crash_inside_one_function_costs_only_that_exercise(graded):
    rows = graded["crash_in_call"]
    assert rows["test_dense_hidden"]["status"] == "error"
    assert rows["test_sigmoid_hidden"]["status"] == "passed"
    assert rows["test_xor_net_hidden"]["status"] == "passed"  # after a restart


def test_a_hanging_function_times_out_alone(graded):
    rows = graded["hang"]
    assert rows["test_xor_net_visible"]["status"] == "timeout"
    assert rows["test_xor_net_hidden"]["status"] == "timeout"
    assert total(rows) == MAX - float(rows["test_xor_net_visible"]["max_score"]) \
        - float(rows["test_xor_net_hidden"]["max_score"])


def test_student_exception_is_reported_in_words(graded):
    message = graded["prints_and_raises"]["test_relu_visible"]["message"]
    assert "relu" in message and "ValueError" in message and "oops" in message


def test_student_code_cannot_read_instructor_files_or_import_the_grader(graded):
    assert graded["reader"]["test_xor_net_hidden"]["status"] == "passed"
    assert total(graded["reader"]) == MAX


def test_the_submission_folders_own_files_reach_its_code_and_nothing_else(graded):
    rows = graded["saved_model"]
    assert total(rows) == MAX
    note = rows["test_xor_net_hidden"]["message"]
    assert "not copied for your code" in note and "huge.bin" in note and "linked.json" in note
    assert "given.py" not in note  # never the student's: silently the instructor's (if any)


def test_experiment_cells_are_not_run():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_code_cell("train_forever()", metadata={"course": {"experiment": True}}),
        nbformat.v4.new_code_cell("sweep()"),
    ])
    source = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("sweep()", metadata={"course": {"experiment": True}})])
    assert [src for _, src in student_cells(source, nb)] == ["x = 1"]
    assert [src for _, src in student_cells(source, nb, experiments=True)] == \
        ["x = 1", "train_forever()", "sweep()"]


WITH_EXPERIMENTS = [a for a in assignments()
                    if any(is_experiment(c) for c in read_notebook(source_path(a)).cells)]


@pytest.mark.parametrize("assignment", WITH_EXPERIMENTS)
def test_skipping_experiment_cells_changes_no_score(assignment, tmp_path):
    """The solution notebook, graded as a submission with its experiments run, then without
    them but with the files they saved (a model 07's predict loads: a student submits it),
    gets the same score on every test cell (exercises never depend on an experiment)."""
    import shutil
    ran, submitted = tmp_path / "ran" / assignment, tmp_path / "submitted" / assignment
    for folder in (ran, submitted):
        folder.mkdir(parents=True)
        shutil.copy(source_path(assignment), folder)
    scores = {}
    results = grade_notebook(assignment, ran / f"{assignment}.ipynb", seed="exp",
                             experiments=True, save_files_to=submitted)
    scores[True] = {r.cell: (r.score, r.status) for r in results}
    results = grade_notebook(assignment, submitted / f"{assignment}.ipynb", seed="exp")
    scores[False] = {r.cell: (r.score, r.status) for r in results}
    assert scores[False] == scores[True]
    assert all(status == "passed" for _, status in scores[False].values())


def test_broken_and_missing_notebooks_get_rows(graded):
    assert {r["status"] for r in graded["broken"].values()} == {"error"}
    assert "not a readable notebook" in graded["broken"]["test_sigmoid_visible"]["message"]
    assert {r["status"] for r in graded["absent"].values()} == {"missing"}


def test_same_submission_same_scores(graded, tmp_path):
    make_submission(tmp_path / "submitted", "good")
    out = tmp_path / "again.csv"
    grade(tmp_path / "submitted", out, assignment_ids=["01_neuron"], jobs=1, salt="test",
          progress=lambda line: None)
    with open(out, newline="") as f:
        again = {r["cell"]: r["score"] for r in csv.DictReader(f)}
    assert again == {c: r["score"] for c, r in graded["good"].items()}


def test_cli_explains_a_missing_folder(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "autograde", "grade", str(tmp_path / "nope")],
                          cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 2
    assert "no such folder of submissions" in proc.stderr


def test_feedback_pages_show_messages_but_no_hidden_code(graded, tmp_path):
    from autograde.feedback import write_feedback
    rows = [r for student in graded.values() for r in student.values()]
    paths = write_feedback(rows, tmp_path)
    assert len(paths) == len(graded)
    page = (tmp_path / "unsolved" / "01_neuron.html").read_text()
    assert "not implemented yet" in page and "0 / 29" in page
    for path in paths:
        text = path.read_text()
        assert "run_hidden" not in text and "BEGIN HIDDEN" not in text


def test_generators_and_in_place_updates_cross_the_sandbox():
    """A seeded Generator reaches student code with its state, and comes back advanced;
    arrays and dicts of arrays updated in place are updated here too."""
    import numpy as np
    from autograde.engine import Remote, Sandbox
    code = ("def draw(rng, n):\n    return rng.normal(size=n)\n\n"
            "def step(params, lr):\n    for k in params:\n        params[k] -= lr\n")
    sandbox = Sandbox().start()
    try:
        sandbox.request({"op": "exec", "cells": [["c", code]]}, 30)
        rng, mirror = np.random.default_rng(7), np.random.default_rng(7)
        got = Remote(sandbox, {"name": "draw"}, "draw")(rng, 4)
        assert (got == mirror.normal(size=4)).all()
        assert rng.normal() == mirror.normal()  # advanced exactly as far as there
        params = {"W1": np.ones((2, 2)), "b1": np.zeros(2)}
        w1 = params["W1"]
        Remote(sandbox, {"name": "step"}, "step")(params, 0.5)
        assert params["W1"] is w1 and (w1 == 0.5).all() and (params["b1"] == -0.5).all()
    finally:
        sandbox.close()


def test_an_oversized_notebook_is_not_read_and_fails_with_a_reason(tmp_path, monkeypatch):
    import autograde.grade as grading
    path = make_submission(tmp_path / "submitted", "big")
    monkeypatch.setattr(grading, "MAX_NOTEBOOK_BYTES", path.stat().st_size - 1)
    job = grading.pack("big", "01_neuron", path.parent, salt="", limits=Limits(),
                       version=assignment_version("01_neuron"))
    assert job["notebook"] is None
    result = grading._grade_one(job)
    assert result["status"] == "failed" and "MiB are graded" in result["reason"]
    assert {r["status"] for r in result["rows"]} == {"error"} and result["notebook"] is None


def test_a_linked_notebook_is_never_followed(tmp_path):
    """A notebook that is a symbolic link (to the instructor's solutions) is not read."""
    import autograde.grade as grading
    folder = tmp_path / "submitted" / "linker" / "01_neuron"
    folder.mkdir(parents=True)
    (folder / "01_neuron.ipynb").symlink_to(source_path("01_neuron"))
    job = grading.pack("linker", "01_neuron", folder, salt="", limits=Limits(),
                       version=assignment_version("01_neuron"))
    assert job["notebook"] is None
    assert grading._grade_one(job)["status"] == "missing"


def test_a_worker_with_another_course_version_refuses_to_grade(tmp_path):
    import autograde.grade as grading
    path = make_submission(tmp_path / "submitted", "s")
    job = grading.pack("s", "01_neuron", path.parent, salt="", limits=Limits(),
                       version="not this course")
    result = grading._grade_one(job)
    assert result["status"] == "failed" and "another version of the course" in result["reason"]
    assert result["fingerprint"] == ""  # so the next run grades it again


def test_messages_name_the_students_own_class_not_the_grader_proxy(graded):
    rows = graded["own_class"]
    message = rows["test_perceptron_train_hidden"]["message"]
    assert "should return a pair (w, b), got Trained" in message, message
    assert not any("Remote" in r["message"] for r in rows.values())
    lost = {c for c, r in rows.items() if float(r["score"]) < float(r["max_score"])}
    assert lost == {"test_perceptron_train_visible", "test_perceptron_train_hidden"}
    assert "cannot unpack non-iterable Trained object" in \
        rows["test_perceptron_train_visible"]["message"]


def test_an_object_array_is_reported_with_its_dtype_under_grading_too(graded):
    rows = graded["object_array"]
    message = rows["test_sigmoid_hidden"]["message"]
    assert "got an array of dtype object and shape (" in message, message
    assert "row of a different length" in message


def test_a_missing_name_says_which_cell_raised_by_its_first_line(graded):
    """nbgrader's ids for unmarked cells ("cell-21") mean nothing to a student: the cell
    whose error left a name undefined is named by its first line."""
    message = graded["undefined_by_error"]["test_xor_net_hidden"]["message"]
    assert "name 'xor_net' is not defined" in message, message
    assert ("The cell starting `W0 = load_weights()` raised NameError: name 'load_weights' "
            "is not defined.") in message, message
    for rows in graded.values():
        for row in rows.values():
            assert "'cell-" not in row["message"], row["message"]


def test_an_oversized_answer_costs_only_its_own_check(tmp_path, monkeypatch):
    """A call whose answer is over the size cap ends its sandbox (the rest of the answer is
    never read, so later requests cannot read it as theirs): only that check is lost."""
    from autograde import engine
    monkeypatch.setattr(engine.wire, "MAX_MESSAGE", 2**20)
    # 3 MiB for one call only, in the middle of the hidden check (its last call: several
    # rows and b = 1e-20); a counter would not do, as the sandbox restarts with a new one.
    path = make_submission(tmp_path, "huge", "01_neuron", replace={"perceptron_predict": """
def perceptron_predict(X, w, b):
    if b == 1e-20 and len(X) > 1:
        return "x" * (3 * 2**20)
    return (np.asarray(X) @ w + b > 0).astype(int)
"""})
    results = grade_notebook("01_neuron", path, seed="huge",
                             limits=Limits(exec_seconds=120, cell_seconds=8, call_seconds=3))
    lost = [r for r in results if r.score < r.max_score]
    assert len(lost) == 1 and lost[0].cell.startswith("test_perceptron_predict"), lost
    assert "more than 1 MiB of data" in lost[0].message


@pytest.mark.parametrize("meta", [
    {"grade_id": "sigmoid", "solution": True, "grade": False, "points": "lots"},
    "oops",
    {"grade_id": ["a"], "solution": True},
], ids=["points-not-a-number", "metadata-a-string", "grade-id-a-list"])
def test_garbled_nbgrader_metadata_on_an_extra_cell_costs_nothing(tmp_path, meta):
    """A student's extra cell with nbgrader metadata that is not nbgrader's (copied and
    edited by hand): graded like any other extra cell, not a grader error."""
    from autograde.grade import _grade_one, pack
    path = make_submission(tmp_path, "garbled", "01_neuron")
    nb = nbformat.read(str(path), as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("x = 1\n"))
    nb.cells[-1].metadata["nbgrader"] = meta
    path.write_text(nbformat.writes(nb, version=4))  # as a hand edit would: not validated
    result = _grade_one(pack("garbled", "01_neuron", path.parent, salt="", limits=Limits(),
                             version=assignment_version("01_neuron")))
    assert result["status"] == "graded", result["reason"]
    assert sum(r["score"] for r in result["rows"]) == MAX
    assert result["notebook"] is not None
