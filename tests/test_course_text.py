"""The course text's own rules, checked on every notebook (docs/course.md, "Writing").

- A visible test cell is read before the student writes the function: it shows no line of
  the solution code (hints name the idea, never the code).
- Every solution stub says how much code it takes ("≈ 3 lines of code").
- The lecture decks stay in the background: outside collapsible `<details>` notes and the
  Sources section, a notebook names a deck at most about ten times.
"""

import re

import pytest

from autograde.course import LECTURES, assignments, code_cells, read_notebook, source_path
from autograde.validate import SOLUTION

ASSIGNMENTS = assignments()
DECK = re.compile(r"NPFL114|MIPT|Isfahan|Sapienza|Persian|Mohammadi|\bdecks?\b", re.I)
DETAILS = re.compile(r"<details>.*?</details>", re.S)
# A fragment that only calls something with plain names, or only names things, shows no
# computation: test cells call the student's functions like that all the time.
PLAIN_CALL = re.compile(r"^[\w.]+\((\s*[\w.]+(\s*=\s*[\w.]+)?\s*,)*(\s*[\w.]+(\s*=\s*[\w.]+)?)?\s*\)$")
PLAIN_NAMES = re.compile(r"^[\w.,\s]+$")


def squash(text):
    return re.sub(r"\s+", "", text)


def balanced(text):
    """A whole expression, not the first line of a longer one (`{"normal": 0.01,` is data
    that the contract states, cut off where the solution breaks the line)."""
    return all(text.count(a) == text.count(b) for a, b in ("()", "[]", "{}"))


def solution_fragments(assignment):
    """Each solution line, and its right-hand side or returned expression, when it says
    something specific (12 or more characters, more than a plain call)."""
    found = set()
    for cell in read_notebook(source_path(assignment)).cells:
        for block in SOLUTION.findall(cell.source):
            for line in block.splitlines():
                text = line.split("  #")[0].strip()
                if not text or text.startswith("#"):
                    continue
                text = re.sub(r"^return\s+", "", text)
                parts = {text}
                assignment_rhs = re.match(r"^[\w\[\]., ]+?\s*[-+*/@]?=\s*(.+)$", text)
                if assignment_rhs:
                    parts.add(assignment_rhs.group(1))
                found |= {p for p in parts if len(squash(p)) >= 12 and balanced(p)
                          and not PLAIN_CALL.match(p) and not PLAIN_NAMES.match(p)}
    return found


def lecture(assignment):
    return read_notebook(LECTURES / assignment / f"{assignment}.ipynb")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_visible_checks_show_no_solution_code(assignment):
    fragments = solution_fragments(assignment)
    shown = []
    for cell in code_cells(lecture(assignment)):
        if cell.role != "test" or "hidden" in cell.grade_id:
            continue
        source = squash(cell.source)
        shown += [f"{cell.grade_id}: {f}" for f in sorted(fragments) if squash(f) in source]
    assert not shown, "visible test cells show solution code:\n" + "\n".join(shown)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_stub_says_how_much_code_it_takes(assignment):
    silent = [c.grade_id for c in code_cells(lecture(assignment))
              if c.role == "solution" and "NotImplementedError" in c.source
              and not re.search(r"≈ ?\d+(–\d+)? lines?", c.source)]
    assert not silent, f"stubs without '(≈ N lines of code)': {silent}"


def reading_path(assignment):
    """The notebook's text as a student reads it: every cell, less <details> blocks and
    the Sources section (a heading 'Sources' to the end of its cell)."""
    texts = []
    for cell in read_notebook(source_path(assignment)).cells:
        text = DETAILS.sub("", cell.source)
        texts.append(re.split(r"^#+\s*Sources\b", text, flags=re.M)[0])
    return "\n".join(texts)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_decks_stay_in_the_background(assignment):
    mentions = DECK.findall(reading_path(assignment))
    assert len(mentions) <= 10, (f"{assignment} names a lecture deck {len(mentions)} times on "
                                 "the reading path (at most 10; notes go into <details>)")
