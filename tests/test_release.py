"""The student release: generated from solutions/, in sync, and free of anything secret."""

import shutil
import subprocess
import sys
import zipfile

import pytest

from autograde.course import LECTURES, ROOT, assignments, read_notebook, source_path
from autograde.release import generate, out_of_sync
from autograde.validate import leaks, secret_lines, validate

ASSIGNMENTS = assignments()


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_lectures_are_the_release_of_the_solutions(assignment):
    stale = out_of_sync(assignment)
    assert not stale, (f"lectures/{assignment} is out of date ({', '.join(stale)}): run "
                       "`python -m autograde release` and commit lectures/")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_course_validates(assignment):
    """nbgrader validate: the solution passes every graded cell, the release fails every
    one; and the release shows no solution code, hidden test or grading hook."""
    problems = validate(assignment)
    assert not problems, "\n".join(problems)


def test_leak_check_finds_a_solution_line(tmp_path):
    """The leak check itself can fail: plant a solution line in a copy of the release."""
    release = generate("01_neuron", tmp_path)
    assert leaks("01_neuron", release) == []
    line = sorted(secret_lines(read_notebook(source_path("01_neuron"))))[0]
    (release / "helpers.py").write_text(f"def f(z):\n    {line}\n")
    found = leaks("01_neuron", release)
    assert found and "solution line" in found[0]


def test_hidden_tests_are_stripped_but_hidden_cells_still_fail_unsolved():
    nb = read_notebook(LECTURES / "01_neuron" / "01_neuron.ipynb")
    hidden = [c for c in nb.cells if "hidden" in c.metadata.get("nbgrader", {}).get(
        "grade_id", "")]
    assert hidden
    for cell in hidden:
        assert "BEGIN HIDDEN" not in cell.source and "run_hidden" not in cell.source
        assert "expect_runs(" in cell.source  # so the release scores 0 on it


def test_mlkit_contains_no_solution_code():
    secrets = set()
    for a in ASSIGNMENTS:
        secrets |= secret_lines(read_notebook(source_path(a)))
    for path in (ROOT / "mlkit").rglob("*.py"):
        lines = {line.strip() for line in path.read_text().splitlines()}
        assert not secrets & lines, f"{path} contains solution code: {secrets & lines}"


def test_installed_package_is_only_mlkit(tmp_path):
    """The wheel students install holds mlkit and its data, never the instructor tooling."""
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                    "-q", "-w", str(tmp_path), str(ROOT)], check=True, capture_output=True)
    wheel = next(tmp_path.glob("*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert top == {"mlkit"}
    assert "mlkit/data/mnist_4k.npz" in names and "mlkit/data/NOTICE.md" in names
    shutil.rmtree(ROOT / "build", ignore_errors=True)
