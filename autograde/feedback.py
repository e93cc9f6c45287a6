"""Per-student feedback pages from graded rows: what each check said, never its code."""

import html
from collections import defaultdict
from pathlib import Path

STATUS_COLOURS = {"passed": "#1a7f37", "failed": "#cf222e", "error": "#cf222e",
                  "timeout": "#9a6700", "tampered": "#8250df", "missing": "#57606a",
                  "graded by hand": "#0969da", "no response": "#57606a",
                  "waiting for grading": "#9a6700"}


def write_feedback(rows, folder):
    """Write <folder>/<student>/<assignment>.html for every graded submission; returns paths."""
    groups = defaultdict(list)
    for row in rows:
        groups[row["student_id"], row["assignment"]].append(row)
    paths = []
    for (student, assignment), items in sorted(groups.items()):
        path = Path(folder) / student / f"{assignment}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_page(student, assignment, items), encoding="utf-8")
        paths.append(path)
    return paths


def _page(student, assignment, rows):
    score = sum(float(r["score"]) for r in rows)
    total = sum(float(r["max_score"]) for r in rows)
    lines = [f"<!doctype html><meta charset='utf-8'><title>{html.escape(assignment)}</title>",
             "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}"
             "td,th{padding:.4em .8em;border-bottom:1px solid #ddd;vertical-align:top}"
             "pre{white-space:pre-wrap;margin:0}</style>",
             f"<h1>{html.escape(assignment)}: {score:g} / {total:g}</h1>",
             f"<p>Student: {html.escape(student)}</p>",
             "<table><tr><th>check</th><th>points</th><th>status</th><th>what it said</th></tr>"]
    for r in rows:
        colour = STATUS_COLOURS.get(r["status"], "#000")
        lines.append(
            f"<tr><td>{html.escape(r['cell'])}</td>"
            f"<td>{float(r['score']):g} / {float(r['max_score']):g}</td>"
            f"<td style='color:{colour}'>{html.escape(r['status'])}</td>"
            f"<td><pre>{html.escape(r['message'])}</pre></td></tr>")
    lines.append("</table>")
    return "\n".join(lines) + "\n"


# --- from the gradebook: after manual grading too -----------------------------------------

def gradebook_feedback(db_url, folder, assignment_ids=None, student_ids=None):
    """Write <folder>/<student>/<assignment>/<assignment>.html (nbgrader's feedback layout)
    for every submission in the gradebook: the scores of every graded cell (a manual grade
    overrides the auto grade), what each check said, the free-response grades and the
    grader's comments. Never a cell's code, a hidden input or a path of the grading host."""
    from autograde.gradebook import open_gradebook, records
    gb = open_gradebook(db_url)
    paths = []
    try:
        recs = {(r["student_id"], r["assignment"]): r for r in records(gb, assignment_ids)}
        for assignment in gb.assignments:
            if assignment_ids and assignment.name not in assignment_ids:
                continue
            order = _cell_order(assignment.name)
            for sub in sorted(assignment.submissions, key=lambda s: s.student.id):
                if student_ids and sub.student.id not in student_ids:
                    continue
                rec = recs.get((sub.student.id, assignment.name))
                path = Path(folder) / sub.student.id / assignment.name / \
                    f"{assignment.name}.html"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(_gradebook_page(sub, rec, order), encoding="utf-8")
                paths.append(path)
    finally:
        gb.close()
    return paths


def _cell_order(assignment):
    from autograde.autograded import released_notebook
    ids = [c.get("metadata", {}).get("nbgrader", {}).get("grade_id")
           for c in released_notebook(assignment).cells]
    return {gid: i for i, gid in enumerate(ids) if gid}


def _gradebook_page(sub, rec, order):
    from autograde.engine import scrub_paths
    checks = {r["cell"]: r for r in (rec["cells"] if rec else [])}
    grades, comments = [], {}
    for nb in sub.notebooks:
        grades += nb.grades
        comments.update({c.name: c for c in nb.comments})
    grades.sort(key=lambda g: order.get(g.name, 10**6))
    score = sum(g.score or 0 for g in grades)
    total = sum(g.max_score or 0 for g in grades)
    esc = html.escape
    lines = [f"<!doctype html><meta charset='utf-8'><title>{esc(sub.assignment.name)}</title>",
             "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}"
             "td,th{padding:.4em .8em;border-bottom:1px solid #ddd;vertical-align:top}"
             "pre{white-space:pre-wrap;margin:0}</style>",
             f"<h1>{esc(sub.assignment.name)}: {score:g} / {total:g}</h1>",
             f"<p>Student: {esc(sub.student.id)}</p>",
             "<table><tr><th>cell</th><th>points</th><th>status</th><th>what it said</th></tr>"]
    for g in grades:
        check = checks.get(g.name)
        comment = comments.get(g.name)
        if check is not None:  # an autograded test cell
            status = check["status"] if g.manual_score is None else "graded by hand"
            said = check["message"]
        elif g.manual_score is not None:
            status, said = "graded by hand", ""
        elif g.auto_score is not None:
            status, said = "no response", ""
        else:
            status, said = "waiting for grading", ""
        if comment is not None and comment.manual_comment:
            said = (said + "\n\n" if said else "") + f"Grader's comment: {comment.manual_comment}"
        colour = STATUS_COLOURS.get(status, "#000")
        lines.append(
            f"<tr><td>{esc(g.name)}</td><td>{(g.score or 0):g} / {g.max_score:g}</td>"
            f"<td style='color:{colour}'>{esc(status)}</td>"
            f"<td><pre>{esc(scrub_paths(said))}</pre></td></tr>")
    # The grader's comments on solution cells (code answers) that carry no points.
    for name, comment in sorted(comments.items(), key=lambda kv: order.get(kv[0], 10**6)):
        if comment.manual_comment and name not in {g.name for g in grades}:
            lines.append(f"<tr><td>{esc(name)}</td><td></td><td>comment</td><td><pre>"
                         f"{esc(scrub_paths(comment.manual_comment))}</pre></td></tr>")
    lines.append("</table>")
    return "\n".join(lines) + "\n"
