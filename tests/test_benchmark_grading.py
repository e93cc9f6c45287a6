"""benchmarks/grading.py runs end to end on a tiny class: every way of grading it prints a
figure, the grade runs agree cell by cell, and plain nbgrader runs on the sample asked for
(no timings checked: they depend on the machine)."""

import subprocess
import sys

from autograde.course import ROOT, graded_cells, source_notebook


def test_the_grading_benchmark_runs_and_its_grade_runs_agree():
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "grading.py"),
                           "--students", "2", "--assignment", "01_neuron",
                           "--nbgrader-students", "1", "--no-dask"],
                          capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    for label in ("grade (serial)", "grade --jobs 2 ", "nothing new",
                  "grade --jobs 2, first 1 students", "nbgrader autograde, first 1 students"):
        assert label in out, out
    cells = 2 * len(graded_cells(source_notebook("01_neuron")))
    assert f"cells passed: {cells} / {cells}; grade runs agree cell by cell: yes" in out, out
    assert "re-run graded 0, skipped 2" in out, out
    assert "on the same submissions" in out, out
