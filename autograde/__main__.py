"""Command line: ``python -m autograde {release,check-sync,execute,validate,grade,bundle}``."""

import argparse
import sys

from autograde.course import SOLUTIONS, CourseError, assignments


def _ids(args):
    return args.assignment or assignments()


def cmd_release(args):
    from autograde.release import given_note, release
    for a in _ids(args):
        print(f"released {release(a)}")
        if given_note(a):
            print("  " + given_note(a))


def cmd_check_sync(args):
    from autograde.release import out_of_sync
    stale = {a: out_of_sync(a) for a in _ids(args)}
    for a, files in stale.items():
        print(f"{a}: " + ("in sync" if not files else "OUT OF SYNC: " + ", ".join(files)))
    if any(stale.values()):
        print("run `python -m autograde release` and commit lectures/", file=sys.stderr)
        return 1


def cmd_execute(args):
    from autograde.execute import execute
    for a in _ids(args):
        print(f"{a}: executed in {execute(a):.1f} s, outputs stored")


def cmd_validate(args):
    from autograde.validate import validate
    failed = False
    for a in _ids(args):
        problems = validate(a)
        failed |= bool(problems)
        print(f"{a}: " + ("valid (solution passes every graded cell, release fails every "
                          "one, no leaks)" if not problems else f"{len(problems)} problem(s)"))
        for p in problems:
            print("  - " + p.replace("\n", "\n    "))
    return 1 if failed else 0


def cmd_bundle(args):
    from autograde.bundle import bundle
    out, notes = bundle(args.out_dir, args.assignment, force=args.force)
    for note in notes:
        print(note)
    print(f"wrote the student bundle {out} ({', '.join(args.assignment or assignments())}): "
          "give students this folder, never the repository")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograde", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, fn, help_ in (
            ("release", cmd_release, "regenerate lectures/ from solutions/"),
            ("check-sync", cmd_check_sync, "fail if lectures/ is not the release of solutions/"),
            ("execute", cmd_execute, "run solution notebooks and store their outputs"),
            ("validate", cmd_validate, "solutions pass, releases fail, nothing leaks")):
        p = sub.add_parser(name, help=help_)
        p.add_argument("assignment", nargs="*", help="assignment ids (default: all)")
        p.set_defaults(fn=fn)
    from autograde.cli import add_commands  # collect, grade, feedback, export
    add_commands(sub)
    p = sub.add_parser("bundle", help="write what students get: lectures, mlkit wheel, README")
    p.add_argument("out_dir", help="new (or empty) folder to write it into")
    p.add_argument("assignment", nargs="*", help="assignment ids (default: all)")
    p.add_argument("--force", action="store_true",
                   help="replace a bundle this command wrote into OUT_DIR before")
    p.set_defaults(fn=cmd_bundle)
    args = parser.parse_args(argv)
    if not SOLUTIONS.is_dir():  # e.g. autograde installed non-editable, away from the repo
        print(f"error: no course at {SOLUTIONS.parent} (no solutions/ folder): the instructor "
              "tools work on the course repository; install it editable from your checkout: "
              "pip install -e \".[instructor]\"", file=sys.stderr)
        return 2
    try:
        return args.fn(args) or 0
    except CourseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
