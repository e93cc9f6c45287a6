"""nbgrader's gradebook as the record of grading, written through nbgrader's own API.

Any SQLAlchemy URL nbgrader accepts (``sqlite:///course/gradebook.db``,
``postgresql://user@host/db``). Each graded submission is written in one transaction: its
nbgrader submission, the auto scores of its test cells, the checks' messages as the
comments of the solution cells they check, and a row of ``autograde_record`` (a table of
ours beside nbgrader's) with the fingerprint of what was graded, the per-cell statuses and
the reason. A run killed at any point leaves every submission either fully recorded or
not at all, and the fingerprint says which need grading again.
"""

import ast
import datetime
import hashlib
import json
import os
import re
import sys
from pathlib import Path

import sqlalchemy as sa

from autograde.course import LECTURES, ROOT, CourseError, code_cells, source_notebook
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


# --- what decides a grade: the fingerprint of an assignment ----------------------------------
#
# Derived, never listed by hand: the instructor notebook, its release and given code, the
# data files of the packages involved, the versions of the libraries the checks compute
# with, and the code grading can import: the import closure (every import statement, also
# inside functions) of the grading entry point (autograde.grade), of the notebook's and the
# given code's own imports, and all of mlkit (student code may import any of it; the sandbox
# imports it all). A package that imports its own modules at run time (autograde.hidden,
# through pkgutil) counts with all of them.
CODE_PACKAGES = ("autograde", "mlkit")
ENTRY_POINT = "autograde.grade"


def library_versions():
    """The versions of the libraries a result depends on (their arithmetic, nbgrader's
    reading of a notebook)."""
    global _LIBRARIES
    if _LIBRARIES is None:
        import importlib.metadata
        import numpy
        _LIBRARIES = (("nbgrader", importlib.metadata.version("nbgrader")),
                      ("numpy", numpy.__version__))
    return _LIBRARIES


_LIBRARIES = None


def _module_files(root):
    """Dotted module name -> .py file, for every module of the code packages."""
    files = {}
    for package in CODE_PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            if "__pycache__" in path.parts:
                continue
            parts = path.relative_to(root).with_suffix("").parts
            files[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return files


def _imported_names(source, module, is_package):
    """The module names an import statement of ``source`` may load (anywhere in it); a
    package that lists its own modules at run time (pkgutil) yields "<package>.*"."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Attribute) and is_package and node.attr in (
                "iter_modules", "walk_packages"):
            yield f"{module}.*"


def _closure(names, files):
    """The files of the modules in ``names`` and of everything they import."""
    seen, todo = set(), list(names)
    while todo:
        name = todo.pop()
        if name.endswith(".*"):
            todo += [m for m in files if m.startswith(name[:-1])]
            continue
        parts = name.split(".")
        for k in range(1, len(parts) + 1):  # a module's packages run first
            module = ".".join(parts[:k])
            if module in files and module not in seen:
                seen.add(module)
                path = files[module]
                todo += _imported_names(path.read_text(errors="replace"), module,
                                        path.name == "__init__.py")
    return {files[m] for m in seen}


def _notebook_imports(path):
    """The modules the code cells of a notebook import (magics and shell lines left out)."""
    try:
        nb = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    names = []
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code":
            source = cell.get("source", "")
            source = "".join(source) if isinstance(source, list) else str(source)
            source = re.sub(r"^(\s*)[%!].*$", r"\1pass", source, flags=re.M)
            names += _imported_names(source, "__main__", False)
    return names


def grading_files(assignment, root=None):
    """Every file whose content can change a result of the assignment (see above)."""
    root = Path(root or ROOT)
    notebook = root / "solutions" / assignment / f"{assignment}.ipynb"
    given = root / "solutions" / assignment / GIVEN_FILE
    files = _module_files(root)
    roots = [ENTRY_POINT, *_notebook_imports(notebook), "mlkit.*"]
    if given.is_file():
        roots += _imported_names(given.read_text(errors="replace"), "given", False)
    code = _closure(roots, files)
    data = {path for package in {p.parent for p in code}
            for path in (package / "data").rglob("*")
            if path.is_file() and path.suffix != ".md" and "__pycache__" not in path.parts}
    inputs = {notebook, given, root / "lectures" / assignment / f"{assignment}.ipynb"}
    return sorted(p for p in code | data | inputs if p.is_file())


def assignment_version(assignment, root=None):
    """A hash of everything that decides an assignment's grades (``grading_files`` and
    ``library_versions``). Cached by the files' sizes and modification times, so a worker
    checks it per submission at the cost of a few stat calls."""
    root = Path(root or ROOT)
    candidates = sorted(p for package in CODE_PACKAGES for p in (root / package).rglob("*")
                        if "__pycache__" not in p.parts)
    candidates += [root / "solutions" / assignment, root / "lectures" / assignment]
    candidates += [p for folder in candidates[-2:] if folder.is_dir() for p in folder.iterdir()]
    key = (str(root), assignment, library_versions(),
           tuple((str(p), *_stamp(p)) for p in candidates))
    version = _VERSIONS.get(key)
    if version is None:
        h = hashlib.sha256()
        for name, value in library_versions():
            h.update(f"{name}=={value}\0".encode())
        for path in grading_files(assignment, root):
            h.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
        version = h.hexdigest()
        if len(_VERSIONS) > 64:
            _VERSIONS.clear()
        _VERSIONS[key] = version
    return version


_VERSIONS = {}


def _stamp(path):
    try:
        st = path.stat()
    except OSError:
        return None, None
    return st.st_mtime_ns, st.st_size


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
