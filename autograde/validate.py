"""Validate the course: solutions score full marks, releases score zero and leak nothing."""

import json
import re
import subprocess
import sys
from pathlib import Path

from autograde.course import (LECTURES, ROOT, CourseError, check_assignment, read_notebook,
                              source_path)
from autograde.release import nbgrader_env

SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)
HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)
# Lines too generic to count as a leak, e.g. `X = np.asarray(X, dtype=float)`.
BOILERPLATE = re.compile(r"^(\w+) = np\.(as)?array\(\1(, dtype=\w+)?\)$")
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS",
           "run_hidden", "autograde")

# nbgrader's Validator, run in a fresh process so its kernel gets the course environment.
_VALIDATE = """
import json, sys
from nbgrader.validator import Validator
v = Validator(invert=sys.argv[2] == "invert")
print(json.dumps(v.validate(sys.argv[1])))
"""


def nbgrader_validate(path, invert=False):
    """nbgrader's verdict on a notebook: {"failed": [...]} / {"passed": [...]} / {}."""
    proc = subprocess.run([sys.executable, "-c", _VALIDATE, str(path),
                           "invert" if invert else "plain"],
                          cwd=Path(path).parent, env=nbgrader_env(), capture_output=True,
                          text=True, timeout=600)
    if proc.returncode != 0:
        raise CourseError(f"nbgrader validate crashed on {path}:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def secret_lines(nb):
    """Distinctive lines of the solution code and hidden tests of a source notebook."""
    lines = set()
    for cell in nb.cells:
        for block in SOLUTION.findall(cell.source) + HIDDEN.findall(cell.source):
            for line in block.splitlines():
                text = line.strip()
                if len(text) >= 12 and not text.startswith("#") \
                        and not BOILERPLATE.match(text):
                    lines.add(text)
    return lines


def leaks(assignment, release_dir=None):
    """Places where a release shows solution code, hidden tests or grading markers."""
    release_dir = Path(release_dir or LECTURES / assignment)
    secrets = secret_lines(read_notebook(source_path(assignment)))
    found = []
    for path in sorted(p for p in release_dir.rglob("*") if p.is_file()):
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        if path.suffix == ".ipynb":
            text = "\n".join(c.source for c in read_notebook(path).cells)
        rel = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        found += [f"{rel}: contains {m!r}" for m in MARKERS if m in text]
        stripped = {line.strip() for line in text.splitlines()}
        found += [f"{rel}: contains solution line {s!r}" for s in sorted(secrets & stripped)]
    return found


def validate(assignment):
    """All problems with one assignment (empty list: valid)."""
    check_assignment(assignment)
    problems = []
    source = source_path(assignment)
    result = nbgrader_validate(source)
    for key in ("failed", "changed", "type_changed"):
        for item in result.get(key, []):
            problems.append(f"solution: cell {key}: {item.get('source', '')[:200]}\n"
                            f"{item.get('error', '')[-1500:]}")
    released = LECTURES / assignment / f"{assignment}.ipynb"
    if not released.exists():
        return problems + [f"no release at {released}: run `python -m autograde release`"]
    result = nbgrader_validate(released, invert=True)
    for item in result.get("passed", []):
        problems.append(f"release: a graded cell passes without any student code:\n"
                        f"{item.get('source', '')[:300]}")
    return problems + leaks(assignment)
