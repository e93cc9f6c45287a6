"""The student release: generated from solutions/, in sync, and free of anything secret."""

import pytest

from autograde.bundle import solution_lines
from autograde.course import LECTURES, ROOT, assignments, read_notebook, source_path
from autograde.given import given_spec
from autograde.release import generate, given_note, out_of_sync
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
    """No distinctive line of any solution (bare `for ... in ...:` lines do not count)."""
    secrets = set()
    for a in ASSIGNMENTS:
        secrets |= solution_lines(a)
    for path in (ROOT / "mlkit").rglob("*.py"):
        lines = {line.strip() for line in path.read_text().splitlines()}
        assert not secrets & lines, f"{path} contains solution code: {secrets & lines}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_note_names_the_solutions_in_given_code(assignment):
    """Given code is an earlier notebook's solutions: the note names that notebook, the
    functions it ships and says to wait for its deadline; no given code, no note."""
    spec = given_spec(assignment)
    note = given_note(assignment)
    if not spec:
        assert note is None
        return
    assert f"{assignment}/given.py holds the solutions of" in note
    for earlier, names in spec.items():
        assert earlier in note and all(name in note for name in names)
    assert "only after the deadline of" in note


def test_release_command_prints_the_note(monkeypatch, capsys, tmp_path):
    from autograde import __main__ as cli
    from autograde import release as rel
    monkeypatch.setattr(rel, "release", lambda a: tmp_path / a)  # writes nothing
    assert cli.main(["release", "01_neuron", "04_backprop"]) == 0
    out = capsys.readouterr().out
    assert out.count("note:") == 1
    assert "note: 04_backprop/given.py holds the solutions of 02_softmax_losses" in out


def _course_config(argv, monkeypatch):
    """The nbgrader configuration as nbgrader loads it for a command line ``argv``."""
    from traitlets.config.loader import PyFileConfigLoader
    from autograde.release import CONFIG
    monkeypatch.setattr("sys.argv", ["nbgrader", *argv])
    return PyFileConfigLoader(CONFIG.name, path=str(CONFIG.parent)).load_config()


def test_students_files_are_never_released_nor_overwritten(monkeypatch, tmp_path):
    """07's trained model (written beside the solution by running it) is left out of every
    release, and plain `nbgrader autograde` never replaces a student's copy with it, while
    collecting and autograding still copy the student's own."""
    from nbgrader.utils import find_all_files
    folder = tmp_path / "07_regularization"
    folder.mkdir()
    for name in ("07_regularization.ipynb", "given.py", "final_model.npz"):
        (folder / name).write_text("x")
    release = _course_config(["generate_assignment", "07_regularization"], monkeypatch)
    kept = {p.rsplit("/", 1)[-1] for p in find_all_files(str(folder),
                                                         release.CourseDirectory.ignore)}
    assert kept == {"07_regularization.ipynb", "given.py"}
    grading = _course_config(["autograde", "07_regularization"], monkeypatch)
    assert "final_model.npz" not in grading.CourseDirectory.ignore
    assert "final_model.npz" in grading.Autograde.exclude_overwriting["07_regularization"]


def test_given_code_carries_no_stub_size_guides():
    """"# (≈ 3 lines of code)" guides the student writing a stub; given code is read, not written."""
    from autograde.given import build_given
    for assignment in ASSIGNMENTS:
        source = build_given(assignment) or ""
        assert "≈" not in source and "BEGIN SOLUTION" not in source, assignment
