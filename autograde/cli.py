"""The grading workflow's commands: ``collect``, ``grade``, ``formgrader``, ``feedback``,
``export``.

Registered on ``python -m autograde`` by ``add_commands``. A course folder holds nbgrader's
layout: ``submitted/``, ``autograded/``, ``feedback/`` and ``gradebook.db`` (or a database
given with ``--db``).
"""

import argparse
import sys
from pathlib import Path

from autograde.engine import Limits

EXIT_ATTENTION = 1  # something needs the instructor: see the summary


def _db(args):
    from autograde.gradebook import default_url
    return args.db or default_url(args.course)


def _course_options(p, course_help="course folder (default: the current one)"):
    p.add_argument("--course", default=".", help=course_help)
    p.add_argument("--db", metavar="URL", help="gradebook as an SQLAlchemy URL (default: "
                   "sqlite:///COURSE/gradebook.db; e.g. postgresql://user@host/course)")
    p.add_argument("--assignment", action="append", help="only this one (repeatable)")


def cmd_grade(args):
    from autograde.grade import grade_run
    limits = Limits(**{k: v for k, v in (("call_seconds", args.timeout),
                                         ("cell_seconds", args.cell_timeout),
                                         ("exec_seconds", args.notebook_timeout)) if v})
    course = args.course or str(Path(args.submitted).resolve().parent)
    run = grade_run(args.submitted, args.out, assignment_ids=args.assignment, jobs=args.jobs,
                    salt=args.salt, limits=limits, db=args.db, course_dir=course,
                    force=args.force, scheduler=args.scheduler,
                    progress=None if sys.stderr.isatty() or args.progress else print)
    print(f"wrote {len(run.rows)} rows to {args.out}; gradebook "
          f"{_safe(args.db) if args.db else Path(course) / 'gradebook.db'}")
    if args.feedback:
        from autograde.feedback import write_feedback
        paths = write_feedback(run.rows, args.feedback)
        print(f"wrote {len(paths)} feedback pages under {args.feedback}/")
    attention = sorted((k, v) for k, v in run.statuses.items() if v[0] != "graded")
    for (student, assignment), (status, reason) in attention[:50]:
        print(f"  {status:>9}: {student} {assignment}: {reason}")
    if len(attention) > 50:
        print(f"  ... and {len(attention) - 50} more (python -m autograde export)")
    print(run.summary())
    return EXIT_ATTENTION if run.needs_attention else 0


def _safe(url):
    from autograde.gradebook import _safe
    return _safe(url)


def cmd_export(args):
    from autograde.export import export
    summary = export(_db(args), args.out, args.cells, args.assignment)
    attention = sum(r["status"] != "graded" for r in summary)
    print(f"wrote {len(summary)} rows (one per student and assignment) to {args.out}"
          + (f" and the per-cell rows to {args.cells}" if args.cells else "")
          + f"; {attention} not simply graded (see status and reason)")


def cmd_feedback(args):
    from autograde.feedback import gradebook_feedback
    out = args.out or str(Path(args.course) / "feedback")
    paths = gradebook_feedback(_db(args), out, args.assignment, args.student)
    print(f"wrote {len(paths)} feedback pages under {out}/")


def cmd_formgrader(args):
    from autograde.formgrader import run_formgrader
    extra = [a for a in args.jupyter if a != "--"]
    run_formgrader(args.course, _db(args), extra)


def cmd_collect(args):
    from autograde.collect import collect
    report = collect(args.source, args.roster, args.assignment, args.submitted,
                     db=args.db, report_csv=args.report)
    print(report.summary())
    return EXIT_ATTENTION if report.unmatched else 0


def add_commands(sub):
    """Add the grading commands to an argparse subparsers object."""
    p = sub.add_parser("collect", help="LMS export (zip or folder) -> submitted/ layout")
    p.add_argument("source", help="Canvas or Moodle submissions zip, or a folder")
    p.add_argument("--roster", required=True, help="CSV of the class (student_id column; "
                   "optional name, first_name, last_name, email, lms_id columns)")
    p.add_argument("--assignment", required=True, help="the assignment these files are for")
    p.add_argument("--submitted", default="submitted",
                   help="nbgrader submitted/ folder to fill (default ./submitted)")
    p.add_argument("--report", metavar="CSV", help="also write every file and what became of it")
    p.add_argument("--db", metavar="URL", help="also add the roster's students to this "
                   "gradebook (SQLAlchemy URL)")
    p.set_defaults(fn=cmd_collect)

    p = sub.add_parser("grade", help="grade submissions into the gradebook and a CSV")
    p.add_argument("submitted", help="folder laid out as <student>/<assignment>/<nb>.ipynb")
    p.add_argument("--assignment", action="append", help="grade only this one (repeatable)")
    p.add_argument("--out", default="grades.csv",
                   help="per-cell CSV to write (default grades.csv)")
    p.add_argument("--course", help="course folder for gradebook.db and autograded/ "
                   "(default: SUBMITTED's parent)")
    p.add_argument("--db", metavar="URL", help="gradebook as an SQLAlchemy URL (default: "
                   "sqlite:///COURSE/gradebook.db; e.g. postgresql://user@host/course)")
    p.add_argument("--force", action="store_true",
                   help="grade again what is already graded with the same content")
    p.add_argument("--jobs", type=int, default=None,
                   help="parallel worker processes (default: cores)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="grade on this Dask distributed cluster (e.g. tcp://host:8786)")
    p.add_argument("--feedback", metavar="DIR",
                   help="also write DIR/<student>/<assignment>.html for each submission")
    p.add_argument("--progress", action="store_true",
                   help="a progress bar even when stderr is not a terminal")
    p.add_argument("--salt", default="",
                   help="secret mixed into each student's hidden-test seed (keep it private;"
                        " the same salt gives the same grades)")
    defaults = Limits()
    p.add_argument("--timeout", type=float, help="seconds per call of a student function "
                   f"(default {defaults.call_seconds:g})")
    p.add_argument("--cell-timeout", type=float, help="seconds per code cell of a "
                   f"submission (default {defaults.cell_seconds:g})")
    p.add_argument("--notebook-timeout", type=float, help="seconds for all code cells of a "
                   f"submission (default {defaults.exec_seconds:g})")
    p.set_defaults(fn=cmd_grade)

    p = sub.add_parser("formgrader", help="open nbgrader's formgrader on the graded course "
                       "(auto grades shown; grade the free-response cells by hand)")
    p.add_argument("--course", default=".", help="course folder (default: the current one)")
    p.add_argument("--db", metavar="URL", help="gradebook as an SQLAlchemy URL (default: "
                   "sqlite:///COURSE/gradebook.db)")
    p.add_argument("jupyter", nargs=argparse.REMAINDER, help="after --: options for "
                   "JupyterLab, e.g. -- --no-browser --port 8890")
    p.set_defaults(fn=cmd_formgrader)

    p = sub.add_parser("feedback", help="HTML feedback per student and notebook, from the "
                       "gradebook (after manual grading too)")
    _course_options(p)
    p.add_argument("--student", action="append", help="only this student (repeatable)")
    p.add_argument("--out", help="folder to write (default COURSE/feedback)")
    p.set_defaults(fn=cmd_feedback)

    p = sub.add_parser("export", help="CSVs from the gradebook: per student and assignment, "
                       "and per test cell")
    _course_options(p)
    p.add_argument("--out", default="grades_summary.csv",
                   help="one row per student and assignment (default grades_summary.csv)")
    p.add_argument("--cells", default="grades.csv",
                   help="one row per test cell (default grades.csv; '' for none)")
    p.set_defaults(fn=cmd_export)
