"""The autograded copy of a submission, as nbgrader's formgrader expects it.

``autograded/<student>/<assignment>/<assignment>.ipynb``: the student's cells with the
locked and test cells restored from the instructor's notebook (nbgrader's OverwriteCells,
missing test cells added), no stored outputs (they were never run by us: a student's
outputs prove nothing), and each test cell's output saying what the check found. Free
response (manually graded) cells keep the student's answer; an answer left as released is
scored 0 automatically, as nbgrader does ("No response.").
"""

import copy

import nbformat
from nbformat.v4 import new_output

from autograde.course import LECTURES, nbgrader_meta, source_notebook

NO_RESPONSE = "No response."


def _gid(cell):
    gid = nbgrader_meta(cell).get("grade_id")
    return gid if isinstance(gid, str) and gid else None


def released_notebook(assignment):
    return nbformat.read(str(LECTURES / assignment / f"{assignment}.ipynb"), as_version=4)


def manual_cells(assignment):
    """grade_id -> the released cell, for cells graded by hand (answer + points)."""
    return {_gid(c): c for c in released_notebook(assignment).cells
            if nbgrader_meta(c).get("grade") and nbgrader_meta(c).get("solution")}


def autograded_notebook(assignment, submitted_nb, results):
    """(the autograded notebook as JSON text, {manual grade_id: auto score or None})."""
    source = source_notebook(assignment)
    released = released_notebook(assignment)
    trusted = {_gid(c): c for c in source.cells if _gid(c) and (
        nbgrader_meta(c).get("locked") or (nbgrader_meta(c).get("grade")
                                       and not nbgrader_meta(c).get("solution")))}
    released_meta = {_gid(c): c.metadata.get("nbgrader") for c in released.cells if _gid(c)}
    by_cell = {r.cell: r for r in results}
    nb = copy.deepcopy(submitted_nb) if submitted_nb is not None else copy.deepcopy(released)
    seen, cells = set(), []
    for cell in nb.cells:
        gid = _gid(cell)
        if gid in seen or (gid and gid not in released_meta) or (
                gid is None and "nbgrader" in cell.get("metadata", {})):
            cell.metadata.pop("nbgrader", None)  # a copied, invented or garbled graded cell
            gid = None
        if gid:
            seen.add(gid)
            cell.metadata["nbgrader"] = copy.deepcopy(released_meta[gid])
            if gid in trusted:
                cell.source = trusted[gid].source
        cells.append(cell)
    for gid, cell in trusted.items():  # deleted test or locked cells come back
        if gid not in seen:
            cells.append(copy.deepcopy(cell))
            cells[-1].metadata["nbgrader"] = copy.deepcopy(released_meta.get(
                gid, nbgrader_meta(cell)))
    for cell in cells:
        if cell.cell_type != "code":
            continue
        cell.outputs, cell.execution_count = [], None
        result = by_cell.get(_gid(cell))
        if result is not None:
            cell.outputs = [_output(result)]
    nb.cells = cells
    manual = {}
    from nbgrader.utils import compute_checksum
    for cell in cells:
        meta = nbgrader_meta(cell)
        if meta.get("grade") and meta.get("solution"):
            unchanged = meta.get("checksum") and meta["checksum"] == compute_checksum(cell)
            manual[_gid(cell)] = 0.0 if unchanged else None
    return nbformat.writes(nb), manual


def _output(result):
    text = f"[{result.status}: {result.score:g} / {result.max_score:g}] {result.message}".strip()
    if result.status == "passed":
        return new_output("stream", name="stdout", text=text + "\n")
    return new_output("error", ename=result.status, evalue=result.message or result.status,
                      traceback=[text])

