"""Per-student feedback pages from graded rows: what each check said, never its code."""

import html
from collections import defaultdict
from pathlib import Path

STATUS_COLOURS = {"passed": "#1a7f37", "failed": "#cf222e", "error": "#cf222e",
                  "timeout": "#9a6700", "tampered": "#8250df", "missing": "#57606a"}


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
