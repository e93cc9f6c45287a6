"""Build student submissions from the student release, for grading tests."""

import re

import nbformat
from nbformat.v4 import new_code_cell

from autograde.course import LECTURES, code_cells, read_notebook, source_path


def solution_sources(assignment):
    """grade_id -> the instructor's solution cell source (markers removed)."""
    nb = read_notebook(source_path(assignment))
    marker = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n?", re.M)
    return {c.grade_id: marker.sub("", c.source) for c in code_cells(nb) if c.role == "solution"}


def make_submission(root, student, assignment="01_neuron", *, solved=True, replace=None,
                    append=(), prepend=()):
    """Write root/<student>/<assignment>/<assignment>.ipynb and return its path.

    solved: fill every solution cell with the instructor's code; replace: grade_id ->
    new source for chosen cells (code, or a free-response answer in markdown);
    append/prepend: extra code cells a student added.
    """
    nb = nbformat.read(str(LECTURES / assignment / f"{assignment}.ipynb"), as_version=4)
    answers = solution_sources(assignment) if solved else {}
    answers.update(replace or {})
    for cell in nb.cells:
        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if gid in answers and (cell.cell_type == "code" or gid in (replace or {})):
            cell.source = answers[gid]
    first_code = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
    nb.cells[first_code + 1:first_code + 1] = [new_code_cell(s) for s in prepend]
    nb.cells += [new_code_cell(s) for s in append]
    folder = root / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{assignment}.ipynb"
    nbformat.write(nb, str(path))
    return path
