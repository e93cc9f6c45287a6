"""Formgrader in a real browser, on a course that `grade` filled: a browser test.

Two students submit 01: alice solves every exercise and answers Q1 (Q2 left as released),
bob solves nothing. After `grade`, `python -m autograde formgrader`'s server is started and
headless Chromium does what an instructor does: log in, open the assignment's submissions
(auto scores listed), open alice's notebook, type a score and a comment for her Q1 into
formgrader's form, then open bob's, where each check says what failed. The test then
checks that formgrader saved them in the gradebook, that
`nbgrader export` counts the manual score, and that `python -m autograde feedback` shows
the hand grade and the comment (and no hidden test code). Screenshots of the list and of
the graded answer go to ``$FORMGRADER_SCREENSHOT_DIR`` (or the test's temporary folder).
"""

import csv
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from browser import (TOKEN, chromium, free_port, jupyter_server, patient_wait, require_browser,
                     server_env, server_options, texts)
from submissions import make_submission

require_browser()
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

from autograde.course import graded_cells, read_notebook, source_path  # noqa: E402
from autograde.formgrader import formgrader_command  # noqa: E402
from autograde.gradebook import default_url  # noqa: E402
from autograde.grade import grade_run  # noqa: E402

A = "01_neuron"
AUTO_MAX = sum(c.points for c in graded_cells(read_notebook(source_path(A))))
ANSWER = ("At z = 8 the sigmoid is saturated: its slope is about 3e-4, so the gradients "
          "reaching the weights are tiny and it learns very slowly. Standardise the inputs "
          "or start from smaller weights, or use ReLU.")
COMMENT = "Right idea; say which factor of the gradient is small."


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    folder = tmp_path_factory.mktemp("course")
    submitted = folder / "submitted"
    make_submission(submitted, "alice", A, replace={"q1_saturation": ANSWER})
    make_submission(submitted, "bob", A, solved=False)
    run = grade_run(submitted, None, assignment_ids=[A], jobs=1, salt="fg",
                    progress=lambda line: None)
    assert run.counts["graded"] == 2
    return folder


def _rows(driver):
    return [r for r in texts(driver, "table tbody tr")
            if "Submission" in r or "alice" in r or "bob" in r]


def _click(wait, xpath):
    """Find and click in one go (again if the page re-renders in between)."""
    wait.until(lambda d: d.find_element(By.XPATH, xpath).click() or True)


def _open(driver, wait, student):
    """Click a student's submission in formgrader's list (names shown); wait for its form."""
    if not any(student in r for r in _rows(driver)):
        _click(wait, "//*[contains(text(), 'Show All Names')]")
        wait.until(lambda d: any(student in r for r in _rows(d)))

    def click(d):  # found and clicked in one go, again if the list re-renders meanwhile
        row = d.find_element(By.XPATH, f"//tr[contains(., '{student}')]")
        next(a for a in row.find_elements(By.TAG_NAME, "a") if a.is_displayed()).click()
        return True
    wait.until(click)
    wait.until(lambda d: d.find_elements(By.ID, "q1_saturation"))


def _shot(driver, tmp_path, name):
    folder = Path(os.environ.get("FORMGRADER_SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(folder / name))
    print("screenshot:", folder / name)


def test_formgrader_shows_auto_grades_and_a_manual_grade_reaches_the_feedback(course,
                                                                              tmp_path):
    from nbgrader.api import Gradebook
    db = default_url(course)
    port = free_port()
    home = tmp_path / "home"
    home.mkdir()
    argv, cwd, env = formgrader_command(course, db, server_options(port))
    assert env == {}  # SQLite: no password
    with jupyter_server(argv, tmp_path / "formgrader.log", port=port, env=server_env(home),
                        cwd=cwd) as url, chromium() as driver:
        wait = patient_wait(driver, 60)
        driver.get(f"{url}/?token={TOKEN}")  # logs in; the server's start page is formgrader
        wait.until(lambda d: "/formgrader" in d.current_url)

        # The assignment's submissions with their auto scores (names shown on request).
        driver.get(f"{url}/formgrader/gradebook/{A}/{A}")
        wait.until(lambda d: len(_rows(d)) == 2)
        _click(wait, "//*[contains(text(), 'Show All Names')]")
        wait.until(lambda d: all(("alice" in r) != ("bob" in r) for r in _rows(d)))
        rows = {("alice" if "alice" in r else "bob"): r for r in _rows(driver)}
        _shot(driver, tmp_path, "formgrader_submissions.png")
        assert f"{AUTO_MAX:g} / {AUTO_MAX + 4:g}" in rows["alice"], rows
        assert f"0 / {AUTO_MAX + 4:g}" in rows["bob"], rows

        # Alice's notebook: the checks' results in the test cells, her answer, the form.
        _open(driver, wait, "alice")
        score = driver.find_element(By.ID, "q1_saturation")
        page = driver.find_element(By.TAG_NAME, "body").text
        assert "[passed: 2 / 2]" in page and "hidden checks passed" in page
        assert ANSWER[:40] in page
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", score)
        score.click()
        score.send_keys("1.5", Keys.TAB)  # formgrader saves a score when it changes
        comment = driver.find_element(By.ID, "q1_saturation-comment")
        comment.click()
        comment.send_keys(COMMENT, Keys.TAB)

        def saved(_):
            with Gradebook(db) as gb:
                grade = gb.find_grade("q1_saturation", A, A, "alice")
                note = gb.find_comment("q1_saturation", A, A, "alice")
                return grade.manual_score == 1.5 and note.manual_comment == COMMENT
        wait.until(saved)
        _shot(driver, tmp_path, "formgrader_manual_grade.png")

        # Bob's notebook, from the list: each check's message in its test cell.
        driver.get(f"{url}/formgrader/gradebook/{A}/{A}")
        wait.until(lambda d: len(_rows(d)) == 2)
        _open(driver, wait, "bob")
        page = driver.find_element(By.TAG_NAME, "body").text
        assert "[failed: 0 / 1] sigmoid is not implemented yet: replace" in page

        # The same server's JupyterLab (to open a notebook) asks no "Jupyter news" question.
        driver.get(f"{url}/lab/tree/autograded/alice/{A}/{A}.ipynb")
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".jp-Notebook .jp-Cell"))
        time.sleep(3)  # the question, when asked, comes a moment after start
        assert "Would you like to get notified" not in driver.page_source

    # nbgrader's own export counts the hand grade ...
    out = tmp_path / "nbgrader.csv"
    subprocess.run([sys.executable, "-m", "nbgrader", "export", f"--db={db}", f"--to={out}"],
                   cwd=tmp_path, env=server_env(home), check=True, capture_output=True, timeout=300)
    with open(out, newline="") as f:
        scores = {r["student_id"]: float(r["score"]) for r in csv.DictReader(f)}
    assert scores == {"alice": AUTO_MAX + 1.5, "bob": 0.0}

    # ... and so does the feedback alice gets, with the grader's comment.
    feedback = tmp_path / "feedback"
    proc = subprocess.run([sys.executable, "-m", "autograde", "feedback", "--course",
                           str(course), "--out", str(feedback)], env=server_env(home),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    page = (feedback / "alice" / A / f"{A}.html").read_text()
    assert "1.5 / 2" in page and "graded by hand" in page
    assert COMMENT in page
    assert f"{AUTO_MAX + 1.5:g} / {AUTO_MAX + 4:g}" in page
    for secret in ("run_hidden", "BEGIN HIDDEN", str(course), sys.prefix):
        assert secret not in page
