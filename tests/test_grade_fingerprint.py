"""Only new work is done, and never stale work: the fingerprint a submission is recorded
with covers everything that can change its result (the grading and checking code, found
from its imports rather than a list, the instructor notebook, its release and given code,
the data, the salt, every limit, the versions of nbgrader and numpy), and nothing else.

The fingerprint is computed from a copy of the course (``gradebook.ROOT`` pointed at it),
so each kind of input can be changed there without touching the repository; grading
itself runs the repository's code."""

import json
import shutil
import subprocess
import sys
from dataclasses import replace

import pytest

from autograde import gradebook
from autograde.course import ROOT
from autograde.engine import Limits
from autograde.grade import grade_run
from submissions import make_submission

A, B = "01_neuron", "04_backprop"  # 04 has given code
LIMITS = Limits(exec_seconds=120, cell_seconds=8, call_seconds=3)
EVERYTHING = {("good", A), ("good", B), ("lazy", A), ("lazy", B)}
ONLY_A = {("good", A), ("lazy", A)}
ONLY_B = {("good", B), ("lazy", B)}


def _copy_course(target):
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for folder in ("autograde", "mlkit"):
        shutil.copytree(ROOT / folder, target / folder, ignore=ignore)
    for assignment in (A, B):
        for folder in ("solutions", "lectures"):
            shutil.copytree(ROOT / folder / assignment, target / folder / assignment,
                            ignore=ignore)
    (target / "docs").mkdir()
    (target / "docs" / "grading.md").write_text("# Grading\n")
    (target / "README.md").write_text("# Course\n")


def _append(path, text):
    with open(path, "a") as f:
        f.write(text)


# (what changes, how, which submissions must be graded again)
CHANGES = [
    ("nothing", None, set()),
    ("hidden inputs (mlkit/testfns.py)", "mlkit/testfns.py", EVERYTHING),
    ("hints (mlkit/diagnose.py)", "mlkit/diagnose.py", EVERYTHING),
    ("verdicts (mlkit/gradcheck.py)", "mlkit/gradcheck.py", EVERYTHING),
    ("check helpers (mlkit/checks.py)", "mlkit/checks.py", EVERYTHING),
    ("the grading run (autograde/grade.py)", "autograde/grade.py", EVERYTHING),
    ("the sandbox (autograde/sandbox.py)", "autograde/sandbox.py", EVERYTHING),
    ("a shared hidden module naming no assignment", "autograde/hidden/_cases.py", EVERYTHING),
    ("another assignment's hidden module", "autograde/hidden/training.py", EVERYTHING),
    ("held-out data", "autograde/data/mnist_heldout.npz", EVERYTHING),
    ("01's instructor notebook", f"solutions/{A}/{A}.ipynb", ONLY_A),
    ("01's release", f"lectures/{A}/{A}.ipynb", ONLY_A),
    ("04's given code", f"solutions/{B}/given.py", ONLY_B),
    ("docs", "docs/grading.md", set()),
    ("the README", "README.md", set()),
    ("code grading never imports (autograde/bundle.py)", "autograde/bundle.py", set()),
    ("a data notice", "autograde/data/NOTICE.md", set()),
]


@pytest.fixture
def course(tmp_path, monkeypatch):
    copy = tmp_path / "copy"
    _copy_course(copy)
    monkeypatch.setattr(gradebook, "ROOT", copy)
    for name in ("SOLUTIONS", "LECTURES"):  # (where a version reads them from these)
        monkeypatch.setattr(gradebook, name, copy / name.lower(), raising=False)
    submitted = tmp_path / "course" / "submitted"
    make_submission(submitted, "good", A)
    (submitted / "lazy").mkdir()  # submitted nothing: recorded as missing
    state = {"salt": "s", "limits": LIMITS}

    def regraded(**changes):
        state.update(changes)
        lines = []
        run = grade_run(submitted, None, assignment_ids=[A, B], jobs=1, salt=state["salt"],
                        limits=state["limits"], db=f"sqlite:///{tmp_path / 'gb.db'}",
                        progress=lines.append, check_solutions=False)
        assert run.graded + run.unchanged == 4
        assert run.statuses[("good", A)] == ("graded", run.statuses[("good", A)][1])
        return {tuple(line.split(":")[0].split()) for line in lines}

    assert regraded() == EVERYTHING
    return copy, regraded


def test_each_kind_of_input_grades_again_exactly_what_it_affects(course, monkeypatch):
    copy, regraded = course
    for what, path, expected in CHANGES:
        if path is not None:
            _append(copy / path, "\n" if path.endswith((".ipynb", ".npz")) else "\n# edited\n")
        assert regraded() == expected, what
    assert regraded(salt="another") == EVERYTHING, "salt"
    limits = LIMITS
    for limit, value in [("call_seconds", 4), ("cell_seconds", 9), ("exec_seconds", 121),
                         ("memory_bytes", 3 * 2**30), ("file_bytes", 128 * 2**20),
                         ("files_bytes", 32 * 2**20), ("files_count", 100)]:
        limits = replace(limits, **{limit: value})
        assert regraded(limits=limits) == EVERYTHING, limit
    versions = dict(gradebook.library_versions())
    for library in ("numpy", "nbgrader"):
        versions[library] += ".post1"
        frozen = tuple(versions.items())
        monkeypatch.setattr(gradebook, "library_versions", lambda: frozen)
        assert regraded() == EVERYTHING, library
    assert regraded() == set()


def test_the_cli_limits_reach_the_fingerprint(tmp_path):
    """--timeout, --cell-timeout and --notebook-timeout each grade a submission again."""
    submitted = tmp_path / "submitted"
    make_submission(submitted, "good", A)
    base = [sys.executable, "-m", "autograde", "grade", str(submitted), "--assignment", A,
            "--jobs", "1", "--out", str(tmp_path / "g.csv")]
    for extra, expect in [([], "1 graded in this run"),
                          (["--timeout", "25"], "1 graded in this run"),
                          (["--timeout", "25", "--cell-timeout", "70"], "1 graded in this run"),
                          (["--timeout", "25", "--cell-timeout", "70", "--notebook-timeout",
                            "310"], "1 graded in this run")]:
        proc = subprocess.run(base + extra, cwd=ROOT, capture_output=True, text=True,
                              timeout=300)
        assert proc.returncode == 0 and expect in proc.stdout, (extra, proc.stdout,
                                                                 proc.stderr[-2000:])


def test_every_module_grading_loads_is_in_the_fingerprint(tmp_path):
    """The derived list holds every module of autograde and mlkit that grading a
    submission actually loads (in the grader; the sandbox may import any of mlkit)."""
    script = f"""
import json, sys
from autograde.course import ROOT, source_path
from autograde.engine import Limits
from autograde.grade import _grade_one, pack
import shutil, pathlib
folder = pathlib.Path({str(tmp_path)!r}) / "s" / "{A}"
folder.mkdir(parents=True)
shutil.copy(source_path("{A}"), folder)
result = _grade_one(pack("s", "{A}", folder, salt="", limits=Limits(), version=None))
assert result["status"] == "graded", result["reason"]
loaded = sorted(m.__file__ for m in list(sys.modules.values())
                if getattr(m, "__file__", None) and m.__file__.startswith(
                    (str(ROOT / "autograde") + "/", str(ROOT / "mlkit") + "/")))
print(json.dumps(loaded))
"""
    proc = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    loaded = set(json.loads(proc.stdout.splitlines()[-1]))
    assert loaded, "grading loads autograde and mlkit modules"
    assert loaded <= {str(p) for p in gradebook.grading_files(A)}
