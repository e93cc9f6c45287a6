"""The instructor commands explain bad input and change nothing."""

import subprocess
import sys

from autograde.course import ROOT


def run(*args):
    return subprocess.run([sys.executable, "-m", "autograde", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_unknown_assignment_is_named_with_the_choices():
    for command in ("release", "validate", "execute", "check-sync"):
        proc = run(command, "99_nope")
        assert proc.returncode == 2, command
        assert "unknown assignment '99_nope'" in proc.stderr and "01_neuron" in proc.stderr
        assert "Traceback" not in proc.stderr


def test_grade_rejects_an_unknown_assignment(tmp_path):
    (tmp_path / "alice").mkdir()
    proc = run("grade", str(tmp_path), "--assignment", "99_nope", "--out",
               str(tmp_path / "g.csv"))
    assert proc.returncode == 2 and "unknown assignment" in proc.stderr
    assert not (tmp_path / "g.csv").exists()


def test_grade_explains_an_empty_folder(tmp_path):
    proc = run("grade", str(tmp_path), "--out", str(tmp_path / "g.csv"))
    assert proc.returncode == 2 and "no student folders" in proc.stderr


def test_formgrader_explains_a_course_not_graded_yet(tmp_path):
    proc = run("formgrader", "--course", str(tmp_path / "nope"))
    assert proc.returncode == 2 and "no such course folder" in proc.stderr
    (tmp_path / "submitted").mkdir()
    proc = run("formgrader", "--course", str(tmp_path))
    assert proc.returncode == 2 and "run `python -m autograde grade` first" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["submitted"]  # nothing written
