"""collect: Canvas and Moodle exports (zip or folder) -> nbgrader's submitted/ layout,
matched against a roster, with every unmatched or skipped file reported."""

import csv
import io
import subprocess
import sys
import zipfile

import pytest

from autograde.collect import collect
from autograde.course import ROOT

A = "01_neuron"
ROSTER = [
    {"student_id": "s001", "lms_id": "1001", "first_name": "Ada", "last_name": "Lovelace",
     "email": "ada@example.org", "name": ""},
    {"student_id": "s002", "lms_id": "", "first_name": "José", "last_name": "Núñez",
     "email": "", "name": ""},
    {"student_id": "s003", "lms_id": "1003", "first_name": "Alan", "last_name": "Turing",
     "email": "", "name": ""},
    {"student_id": "s004", "lms_id": "", "first_name": "", "last_name": "",
     "email": "", "name": "Grace Brewster Hopper"},
    {"student_id": "s005", "lms_id": "", "first_name": "Never", "last_name": "Submitted",
     "email": "", "name": ""},
]
NB = b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'


@pytest.fixture
def roster(tmp_path):
    path = tmp_path / "roster.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(ROSTER[0]))
        writer.writeheader()
        writer.writerows(ROSTER)
    return path


def student_zip(entries):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return buf.getvalue()


def write_zip(path, entries):
    path.write_bytes(student_zip(entries))
    return path


def test_canvas_export(tmp_path, roster):
    export = write_zip(tmp_path / "canvas.zip", {
        # by Canvas user id; a resubmitted notebook ("-1" added by Canvas) and a file of
        # the student's own whose name ends like that
        "lovelaceada_1001_555_01_neuron-1.ipynb": NB,
        "lovelaceada_1001_556_plot-2.png": b"png",
        # by name key (accents dropped), late
        "nunezjose_LATE_2002_557_My Notebook.ipynb": NB,
        # a zip the student uploaded: unpacked, a path escaping the folder refused
        "turingalan_1003_558_work.zip": student_zip({
            "work/01_neuron.ipynb": NB, "../../evil.py": b"x", "/etc/passwd": b"x"}),
        "strangerdanger_9999_559_01_neuron.ipynb": NB,   # nobody of the roster
        "__MACOSX/._lovelaceada_1001_555_01_neuron.ipynb": b"",
        "notes.txt": b"what is this?",
    })
    report = collect(export, roster, A, tmp_path / "submitted",
                     report_csv=tmp_path / "report.csv")
    sub = tmp_path / "submitted"
    assert (sub / "s001" / A / f"{A}.ipynb").read_bytes() == NB
    assert sorted(p.name for p in (sub / "s001" / A).iterdir()) == [f"{A}.ipynb", "plot-2.png"]
    assert (sub / "s002" / A / f"{A}.ipynb").exists()   # the only notebook: renamed
    assert (sub / "s003" / A / "work" / f"{A}.ipynb").exists()
    assert not list(tmp_path.rglob("evil.py")) and not (sub / "s003" / A / "etc").exists()
    assert set(report.students) == {"s001", "s002", "s003"}
    unmatched = {f[0] for f in report.unmatched}
    assert unmatched == {"strangerdanger_9999_559_01_neuron.ipynb", "notes.txt"}
    assert set(report.absent) == {"s004", "s005"}
    with open(tmp_path / "report.csv", newline="") as f:
        rows = list(csv.DictReader(f))
    assert {r["file"] for r in rows if r["result"] == "unmatched"} == unmatched
    assert any(r["result"] == "skipped" and "evil.py" in r["file"] for r in rows)
    assert {r["student_id"] for r in rows if r["result"] == "no submission"} == {"s004", "s005"}
    assert "2 files unmatched" in report.summary()


def test_canvas_resubmission_suffix_is_removed_only_for_the_files_the_assignment_expects(
        tmp_path, roster):
    export = write_zip(tmp_path / "canvas.zip", {
        "lovelaceada_1001_555_07_regularization-2.ipynb": NB,
        "lovelaceada_1001_556_final_model-1.npz": b"weights",   # 07 loads final_model.npz
        "lovelaceada_1001_557_helpers-1.py": b"x = 1",
    })
    report = collect(export, roster, "07_regularization", tmp_path / "submitted")
    folder = tmp_path / "submitted" / "s001" / "07_regularization"
    assert sorted(p.name for p in folder.iterdir()) == [
        "07_regularization.ipynb", "final_model.npz", "helpers-1.py"]
    details = {f[0]: f[3] for f in report.files}
    assert "final_model-1.npz renamed final_model.npz (Canvas's resubmission suffix)" in \
        details["lovelaceada_1001_556_final_model-1.npz"]
    assert "renamed" not in details["lovelaceada_1001_557_helpers-1.py"]


def test_moodle_export_flat_and_in_folders(tmp_path, roster):
    export = write_zip(tmp_path / "moodle.zip", {
        "Grace Brewster Hopper_77_assignsubmission_file_01_neuron.ipynb": NB,
        "Ada Lovelace_78_assignsubmission_file_/01_neuron.ipynb": NB,
        "Ada Lovelace_78_assignsubmission_file_/model/final_model.npz": b"w",
        "Somebody Else_79_assignsubmission_file_01_neuron.ipynb": NB,
    })
    report = collect(export, roster, A, tmp_path / "submitted")
    sub = tmp_path / "submitted"
    assert (sub / "s004" / A / f"{A}.ipynb").exists()
    assert (sub / "s001" / A / "model" / "final_model.npz").read_bytes() == b"w"
    assert [f[0] for f in report.unmatched] == [
        "Somebody Else_79_assignsubmission_file_01_neuron.ipynb"]


def test_a_folder_laid_out_by_student_id_and_the_roster_in_the_gradebook(tmp_path, roster):
    folder = tmp_path / "export"
    (folder / "s003").mkdir(parents=True)
    (folder / "s003" / "01_neuron.ipynb").write_bytes(NB)
    (folder / "s005_01_neuron.ipynb").write_bytes(NB)
    db = f"sqlite:///{tmp_path / 'gradebook.db'}"
    report = collect(folder, roster, A, tmp_path / "submitted", db=db)
    assert set(report.students) == {"s003", "s005"} and not report.unmatched
    from nbgrader.api import Gradebook
    with Gradebook(db) as gb:
        assert {s.id for s in gb.students} == {r["student_id"] for r in ROSTER}
        assert gb.find_student("s001").email == "ada@example.org"
        assert gb.find_student("s004").last_name == "Hopper"


def test_cli_exit_status_says_files_were_unmatched(tmp_path, roster):
    export = write_zip(tmp_path / "canvas.zip", {"who_1_2_x.ipynb": NB})
    proc = subprocess.run([sys.executable, "-m", "autograde", "collect", str(export),
                           "--roster", str(roster), "--assignment", A, "--submitted",
                           str(tmp_path / "submitted")], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 1 and "unmatched: who_1_2_x.ipynb" in proc.stdout
    proc = subprocess.run([sys.executable, "-m", "autograde", "collect", str(export),
                           "--roster", str(tmp_path / "nope.csv"), "--assignment", A],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "cannot read the roster" in proc.stderr
