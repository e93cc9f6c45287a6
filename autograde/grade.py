"""Grade a folder of submissions into a CSV: one row per student, assignment and test cell.

Layout (nbgrader's): ``SUBMITTED/<student_id>/<assignment>/<assignment>.ipynb``. Each
submission is graded in its own worker process with its own sandbox; one that crashes,
hangs or is not a notebook gets rows with that status and never stops the others.
"""

import csv
import os
import tempfile
import traceback
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict
from pathlib import Path

from autograde.course import CourseError, assignments, check_assignment, read_notebook, \
    source_path, graded_cells
from autograde.engine import CellResult, Limits, grade_notebook

FIELDS = ["student_id", "assignment", "cell", "score", "max_score", "status", "message"]


def find_notebook(folder, assignment):
    """The submitted notebook: <assignment>.ipynb, else the only notebook in the folder."""
    expected = folder / f"{assignment}.ipynb"
    if expected.exists():
        return expected, ""
    others = sorted(folder.glob("*.ipynb")) if folder.is_dir() else []
    if len(others) == 1:
        return others[0], f"graded {others[0].name} (expected {expected.name})"
    return expected, ""


def _grade_one(job):
    student, assignment, folder, salt, limits, denied = job
    notebook, note = find_notebook(Path(folder), assignment)
    try:
        results = grade_notebook(assignment, notebook, seed=f"{salt}:{student}:{assignment}",
                                 limits=limits, denied=denied)
    except Exception as exc:  # a grader bug must not lose the other submissions
        cells = graded_cells(read_notebook(source_path(assignment)))
        detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
        results = [CellResult(c.grade_id, c.points, 0.0, "error", f"grader error: {detail}")
                   for c in cells]
    rows = []
    for r in results:
        row = {"student_id": student, "assignment": assignment, **asdict(r)}
        if note and r.status != "missing":
            row["message"] = f"{note}; {row['message']}".strip("; ")
        rows.append(row)
    return rows


def jobs_for(submitted, wanted, salt, limits, denied):
    submitted = Path(submitted)
    if not submitted.is_dir():
        raise CourseError(f"{submitted}: no such folder of submissions")
    students = sorted(p.name for p in submitted.iterdir() if p.is_dir()
                      and not p.name.startswith("."))
    if not students:
        raise CourseError(f"{submitted}: no student folders (expected "
                          f"{submitted}/<student_id>/<assignment>/<assignment>.ipynb)")
    return [(s, a, str(submitted / s / a), salt, limits, denied)
            for s in students for a in wanted]


def grade(submitted, out, *, assignment_ids=None, jobs=None, salt="", limits=None,
          progress=print):
    """Grade every student's submissions; writes the CSV at ``out``; returns the rows."""
    wanted = [check_assignment(a) for a in assignment_ids] if assignment_ids else assignments()
    limits = limits or Limits()
    denied = [str(Path(submitted).resolve()), str(Path(out).resolve().parent)]
    work = jobs_for(submitted, wanted, salt, limits, denied)
    rows = []
    workers = max(1, min(jobs or os.cpu_count() or 1, len(work)))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for job, result in zip(work, pool.map(_grade_one, work)):
            rows += result
            got = sum(r["score"] for r in result)
            total = sum(r["max_score"] for r in result)
            bad = sorted({r["status"] for r in result} - {"passed", "failed"})
            progress(f"{job[0]:>20} {job[1]:<20} {got:5.1f} / {total:<5.1f} "
                     + (f"({', '.join(bad)})" if bad else ""))
    write_csv(rows, out)
    return rows


def write_csv(rows, out):
    """Write atomically: a crash half-way never leaves a truncated grades file."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=".grades-", suffix=".csv")
    with os.fdopen(fd, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=FIELDS)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: row[k] for k in FIELDS})
    os.replace(tmp, out)
