"""nbgrader's gradebook as the record of grading, written through nbgrader's own API.

Any SQLAlchemy URL nbgrader accepts (``sqlite:///course/gradebook.db``,
``postgresql://user@host/db``). Each graded submission is written in one transaction: its
nbgrader submission, the auto scores of its test cells, the checks' messages as the
comments of the solution cells they check, and a row of ``autograde_record`` (a table of
ours beside nbgrader's) with the fingerprint of what was graded, the per-cell statuses and
the reason. A run killed at any point leaves every submission either fully recorded or
not at all, and the fingerprint says which need grading again.
"""

import datetime
import hashlib
import json
import os
import sys
from pathlib import Path

import sqlalchemy as sa

from autograde.course import LECTURES, ROOT, SOLUTIONS, CourseError, code_cells, \
    source_notebook
from autograde.given import GIVEN_FILE

METADATA = sa.MetaData()
RECORDS = sa.Table(
    "autograde_record", METADATA,
    sa.Column("student_id", sa.String(128), primary_key=True),
    sa.Column("assignment", sa.String(128), primary_key=True),
    sa.Column("fingerprint", sa.String(64), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("cells", sa.Text, nullable=False),       # JSON: the per-cell rows
    sa.Column("graded_at", sa.DateTime, nullable=False),
)
VERSIONS = sa.Table(
    "autograde_assignment", METADATA,
    sa.Column("assignment", sa.String(128), primary_key=True),
    sa.Column("version", sa.String(64), nullable=False),
)


def default_url(course_dir):
    return f"sqlite:///{Path(course_dir).resolve() / 'gradebook.db'}"


def open_gradebook(url):
    """nbgrader's Gradebook (created, with its alembic version, if new) plus our tables."""
    from nbgrader.api import Gradebook
    # nbgrader creates and upgrades a gradebook by running `alembic` found through PATH:
    # make it this environment's, also when the venv is not activated (CI, cron).
    bin_dir = os.path.dirname(sys.executable)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join([bin_dir, os.environ.get("PATH", "")])
    try:
        gb = Gradebook(url)
    except Exception as exc:
        raise CourseError(f"cannot open the gradebook {_safe(url)}: "
                          f"{type(exc).__name__}: {exc}") from None
    METADATA.create_all(gb.engine)
    return gb


def _safe(url):
    return sa.engine.make_url(url).render_as_string(hide_password=True)


# The modules whose code decides a grade (a change in them means grading again).
GRADING_CODE = ["engine", "sandbox", "course", "given", "autograded", "heldout"]


def assignment_version(assignment):
    """A hash of everything that decides an assignment's grades: the instructor notebook,
    its given code, the release, the hidden checks and the grading engine."""
    h = hashlib.sha256()
    files = [SOLUTIONS / assignment / f"{assignment}.ipynb", SOLUTIONS / assignment / GIVEN_FILE,
             LECTURES / assignment / f"{assignment}.ipynb",
             *_hidden_modules(assignment), ROOT / "mlkit" / "checks.py",
             *(ROOT / "autograde" / f"{name}.py" for name in GRADING_CODE),
             *sorted((ROOT / "autograde" / "data").glob("*"))]
    for path in files:
        if path.is_file():
            h.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def _hidden_modules(assignment):
    """The hidden-check modules of an assignment (those naming it) and the shared ones."""
    for path in sorted((ROOT / "autograde" / "hidden").glob("*.py")):
        if path.name.startswith("_") or assignment in path.read_text(errors="replace"):
            yield path


def register_assignment(gb, assignment, version):
    """Put the assignment's notebook, grade, solution and source cells in the gradebook
    (nbgrader's SaveCells on the release, as generate_assignment does), once per version."""
    with gb.engine.begin() as conn:
        known = conn.execute(sa.select(VERSIONS.c.version)
                             .where(VERSIONS.c.assignment == assignment)).scalar()
    if known == version:
        return
    import nbformat
    from nbgrader.preprocessors import SaveCells
    gb.update_or_create_assignment(assignment)
    released = LECTURES / assignment / f"{assignment}.ipynb"
    nb = nbformat.read(str(released), as_version=4)
    resources = {"nbgrader": {"db_url": gb.engine.url.render_as_string(hide_password=False),
                              "assignment": assignment, "notebook": assignment}}
    try:
        SaveCells().preprocess(nb, resources)
    except RuntimeError as exc:  # cells added or removed after submissions were graded
        raise CourseError(f"{assignment}: {exc}") from None
    with gb.engine.begin() as conn:
        conn.execute(VERSIONS.delete().where(VERSIONS.c.assignment == assignment))
        conn.execute(VERSIONS.insert().values(assignment=assignment, version=version))


def fingerprints(gb):
    """(student, assignment) -> fingerprint of what was last recorded."""
    with gb.engine.connect() as conn:
        return {(r.student_id, r.assignment): r.fingerprint
                for r in conn.execute(sa.select(RECORDS.c.student_id, RECORDS.c.assignment,
                                                RECORDS.c.fingerprint))}


def records(gb, assignments=None):
    """Every recorded submission: dicts with student_id, assignment, status, reason, cells."""
    query = sa.select(RECORDS).order_by(RECORDS.c.student_id, RECORDS.c.assignment)
    if assignments:
        query = query.where(RECORDS.c.assignment.in_(list(assignments)))
    with gb.engine.connect() as conn:
        return [{**r._asdict(), "cells": json.loads(r.cells)} for r in conn.execute(query)]


def _checked_exercise(assignment):
    """test grade_id -> the solution cell it checks (the nearest solution cell above it)."""
    mapping, last = {}, None
    for cell in code_cells(source_notebook(assignment)):
        if cell.role == "solution":
            last = cell.grade_id
        elif cell.role == "test" and last is not None:
            mapping[cell.grade_id] = last
    return mapping


def record(gb, result):
    """Write one graded submission (a result of ``grade._grade_one``) in one transaction."""
    from nbgrader.api import (Comment, Grade, Student, SubmittedAssignment,
                              SubmittedNotebook)
    db = gb.db
    student_id, assignment = result["student_id"], result["assignment"]
    try:
        student = db.get(Student, student_id)  # in nbgrader's export even if missing
        if student is None:
            student = Student(id=student_id)
            db.add(student)
        if result["status"] != "missing":
            sub = _submission(gb, db, assignment, student, result.get("timestamp"),
                              SubmittedAssignment, SubmittedNotebook, Grade, Comment)
            _fill(sub, assignment, result)
        db.execute(RECORDS.delete().where(RECORDS.c.student_id == student_id)
                   .where(RECORDS.c.assignment == assignment))
        db.execute(RECORDS.insert().values(
            student_id=student_id, assignment=assignment, fingerprint=result["fingerprint"],
            status=result["status"], reason=result["reason"], cells=json.dumps(result["rows"]),
            graded_at=datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)))
        db.commit()
    except BaseException:
        db.rollback()
        raise


def _submission(gb, db, assignment, student, timestamp, SubmittedAssignment,
                SubmittedNotebook, Grade, Comment):
    """The student's nbgrader submission, created as nbgrader's add_submission does (but
    without committing: the caller commits everything at once)."""
    from nbgrader import utils
    target = gb.find_assignment(assignment)
    sub = db.query(SubmittedAssignment).filter(
        SubmittedAssignment.assignment_id == target.id,
        SubmittedAssignment.student_id == student.id).one_or_none()
    if sub is None:
        with db.no_autoflush:
            sub = SubmittedAssignment(assignment=target, student=student)
            db.add(sub)
            for notebook in target.notebooks:
                nb = SubmittedNotebook(notebook=notebook, assignment=sub)
                db.add(nb)
                for cell in notebook.grade_cells:
                    db.add(Grade(cell=cell, notebook=nb))
                for cell in notebook.solution_cells:
                    db.add(Comment(cell=cell, notebook=nb))
                for cell in notebook.task_cells:
                    db.add(Comment(cell=cell, notebook=nb))
                    db.add(Grade(cell=cell, notebook=nb))
    if timestamp:
        sub.timestamp = utils.parse_utc(timestamp)
    db.flush()
    return sub


def _fill(sub, assignment, result):
    """Auto scores and comments, as nbgrader's SaveAutoGrades: never overwrite a manual
    score, and flag a cell for review when a manual score exists or no auto score does."""
    rows = {r["cell"]: r for r in result["rows"]}
    manual = result.get("manual", {})
    exercise_of = _checked_exercise(assignment)
    messages = {}
    for r in result["rows"]:
        if r["status"] != "passed" and exercise_of.get(r["cell"]):
            messages.setdefault(exercise_of[r["cell"]], []).append(
                f"{r['cell']}: {r['status']} ({r['score']:g} / {r['max_score']:g}) "
                f"{r['message']}".strip())
    for nb in sub.notebooks:
        for grade in nb.grades:
            name = grade.cell.name
            if name in rows:
                grade.auto_score = float(rows[name]["score"])
            elif name in manual:
                grade.auto_score = manual[name]
            else:
                grade.auto_score = None
            grade.needs_manual_grade = grade.manual_score is not None or grade.auto_score is None
        for comment in nb.comments:
            name = comment.cell.name
            if name in manual and manual[name] == 0.0:
                comment.auto_comment = "No response."
            elif name in messages:
                comment.auto_comment = "\n\n".join(messages[name])
            else:
                comment.auto_comment = None
