"""Where the course lives and what the cells of a notebook are for.

One source of truth: the instructor notebooks in ``solutions/<id>/<id>.ipynb``. Everything
else (student release, reference implementations for hidden checks, test cells run by the
grader) is read from them.
"""

import ast
import functools
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
LECTURES = ROOT / "lectures"
STATE = ROOT / ".course"  # gradebook and scratch files: never inside solutions/ or lectures/
# Files students make and submit beside the notebook, by assignment: 07's trained model.
STUDENT_FILES = {"07_regularization": ["final_model.npz"]}


class CourseError(Exception):
    """A problem with the course files or the command's arguments, explained."""


def assignments():
    """Ids of all assignments, in course order (folders of solutions/ holding <id>.ipynb)."""
    return sorted(p.name for p in SOLUTIONS.iterdir() if (p / f"{p.name}.ipynb").is_file())


def check_assignment(assignment):
    if assignment not in assignments():
        raise CourseError(f"unknown assignment {assignment!r}; the course has: "
                          + ", ".join(assignments()))
    return assignment


def source_path(assignment):
    return SOLUTIONS / assignment / f"{assignment}.ipynb"


def source_notebook(assignment):
    """The instructor notebook of an assignment, read once per version of the file."""
    path = source_path(assignment)
    return _read_cached(str(path), path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=16)
def _read_cached(path, mtime_ns):
    return read_notebook(path)


def read_notebook(path):
    """Read a notebook, turning every way it can be broken into a CourseError."""
    try:
        return nbformat.read(str(path), as_version=4)
    except FileNotFoundError:
        raise CourseError(f"{path}: no such notebook") from None
    except Exception as exc:  # nbformat raises several types for broken JSON/schema
        raise CourseError(f"{path}: not a readable notebook ({type(exc).__name__}: {exc})") \
            from None


@dataclass(frozen=True)
class Cell:
    """A code cell with its nbgrader role."""
    grade_id: str
    source: str
    role: str          # "setup" (locked code), "solution", "test", "code" (free)
    points: float = 0.0


def nbgrader_meta(cell):
    """A cell's nbgrader metadata, {} when absent or not a dict (a student may have typed
    anything there)."""
    meta = cell.get("metadata", {})
    meta = meta.get("nbgrader", {}) if isinstance(meta, dict) else {}
    return meta if isinstance(meta, dict) else {}


def _role(cell):
    meta = nbgrader_meta(cell)
    if meta.get("grade") and not meta.get("solution"):
        return "test"
    if meta.get("solution"):
        return "solution"
    if meta.get("locked"):
        return "setup"
    return "code"


def code_cells(nb):
    """The code cells of a notebook, each with its nbgrader role."""
    cells = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        meta = nbgrader_meta(cell)
        grade_id = meta.get("grade_id")
        try:
            points = float(meta.get("points", 0) or 0)
        except (TypeError, ValueError):
            points = 0.0
        cells.append(Cell(grade_id=grade_id if isinstance(grade_id, str) and grade_id
                          else f"cell-{i}", source=cell.source, role=_role(cell),
                          points=points))
    return cells


def graded_cells(nb):
    return [c for c in code_cells(nb) if c.role == "test"]


def defined_names(source):
    """Top-level function and class names a cell defines."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    return [node.name for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.ClassDef))]


def exercise_names(assignment):
    """The contract names an assignment asks for: what its solution cells define."""
    nb = source_notebook(assignment)
    return [name for c in code_cells(nb) if c.role == "solution"
            for name in defined_names(c.source)]


@functools.lru_cache(maxsize=None)
def reference(assignment):
    """The instructor's solutions of an assignment, as a namespace of functions.

    Runs the notebook's setup cells and solution cells (never its experiments or tests).
    """
    from autograde.given import given_module
    nb = source_notebook(assignment)
    namespace = {"__name__": f"reference_{assignment}"}
    with given_module(assignment):
        for cell in code_cells(nb):
            if cell.role in ("setup", "solution"):
                exec(compile(cell.source, f"<{assignment}:{cell.grade_id}>", "exec"), namespace)
    return namespace
