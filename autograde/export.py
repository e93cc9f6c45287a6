"""Exports from the gradebook: one row per student and assignment, and one per test cell.

Scores are nbgrader's (a manual grade given in formgrader overrides the auto grade, free
response cells included); status and reason are the grader's record of each run. Every
student of the gradebook appears for every assignment: one who submitted nothing with
status ``missing``.
"""

from collections import defaultdict

from autograde.grade import FIELDS, write_csv

SUMMARY_FIELDS = ["student_id", "last_name", "first_name", "email", "assignment", "score",
                  "max_score", "auto_score", "needs_manual_grade", "status", "reason"]


def gradebook_rows(gb, assignment_ids=None):
    """(per-submission rows, per-cell rows) from an open gradebook."""
    from nbgrader.api import (Assignment, Grade, GradeCell, SubmittedAssignment,
                              SubmittedNotebook)
    from autograde.gradebook import records
    db = gb.db
    names = [a.name for a in gb.assignments
             if not assignment_ids or a.name in assignment_ids]
    recs = {(r["student_id"], r["assignment"]): r for r in records(gb, names)}
    by_submission = defaultdict(dict)  # (student, assignment) -> cell -> grade
    query = (db.query(SubmittedAssignment.student_id, Assignment.name, GradeCell.name,
                      Grade.auto_score, Grade.manual_score, Grade.needs_manual_grade)
             .join(SubmittedNotebook, Grade.notebook_id == SubmittedNotebook.id)
             .join(SubmittedAssignment, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
             .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id)
             .join(GradeCell, Grade.cell_id == GradeCell.id))
    for student, assignment, cell, auto, manual, needs in query:
        by_submission[student, assignment][cell] = (auto, manual, needs)
    max_score = {a: sum(c.max_score for nb in gb.find_assignment(a).notebooks
                        for c in nb.grade_cells) for a in names}
    summary, per_cell = [], []
    for student in sorted(gb.students, key=lambda s: s.id):
        for assignment in names:
            grades = by_submission.get((student.id, assignment), {})
            rec = recs.get((student.id, assignment))
            if rec:
                status, reason = rec["status"], rec["reason"]
            elif grades:
                status, reason = "graded", "graded outside autograde"
            else:
                status, reason = "missing", "no submission"
            summary.append({
                "student_id": student.id, "last_name": student.last_name or "",
                "first_name": student.first_name or "", "email": student.email or "",
                "assignment": assignment,
                "score": sum((m if m is not None else a) or 0 for a, m, _ in grades.values()),
                "max_score": max_score[assignment],
                "auto_score": sum(a or 0 for a, _, _ in grades.values()),
                "needs_manual_grade": sum(bool(n) for _, _, n in grades.values()),
                "status": status, "reason": reason})
            for r in (rec["cells"] if rec else []):
                manual = grades.get(r["cell"], (None, None, None))[1]
                if manual is not None:
                    r = {**r, "score": manual,
                         "message": f"{r['message']} (score set by hand)".strip()}
                per_cell.append(r)
    return summary, per_cell


def export(db_url, summary_csv, cells_csv=None, assignment_ids=None):
    """Write the per-submission CSV (and the per-cell CSV); returns the summary rows."""
    from autograde.gradebook import open_gradebook
    gb = open_gradebook(db_url)
    try:
        summary, per_cell = gradebook_rows(gb, assignment_ids)
    finally:
        gb.close()
    write_csv(summary, summary_csv, SUMMARY_FIELDS)
    if cells_csv:
        write_csv(per_cell, cells_csv, FIELDS)
    return summary
