"""What a student sees in JupyterLab when a check fails: a browser test.

Starts JupyterLab (the course's own settings: no "Jupyter news" prompt) on a temporary copy
of the start of the released notebook 01 with a naive first answer (``1 / (1 + np.exp(-z))``, whose
overflow the visible check catches), plus a cell with a plain ``assert`` in the student's own
code. Headless Chromium runs all cells the way a student would (Run → Run All Cells); the
test reads the output area: the failed check shows its message and none of mlkit's frames,
and the plain assert keeps its usual traceback. A screenshot is written to
``$JUPYTERLAB_SCREENSHOT`` (or the test's temporary folder) to look at.

Needs Debian's ``chromium`` and ``chromium-driver`` and the ``selenium`` package; skipped with
the reason otherwise.
"""

import json
import os
import re
import shutil
import sys
import time
from pathlib import Path

import pytest

from browser import (TOKEN, chromium, free_port, jupyter_server, patient_wait, require_browser,
                     server_env, server_options)

require_browser()
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
LECTURE = ROOT / "lectures" / "01_neuron" / "01_neuron.ipynb"

# A first attempt at exercise 1: right for small z, but exp(1000) overflows.
NAIVE_SIGMOID = ("def sigmoid(z):\n"
                 "    return 1 / (1 + np.exp(-z))\n\n\n"
                 "def sigmoid_grad(z):\n"
                 "    s = sigmoid(z)\n"
                 "    return s * (1 - s)\n")
ASSERT_CELL = ("def my_scale(x):\n"
               "    assert x > 0, 'x must be positive'\n"
               "    return 2 * x\n\n"
               "my_scale(-1.0)")


def _student_notebook(path):
    """The released 01 up to the first visible test cell, with a naive sigmoid as the
    student's answer, and then a cell with a plain assert."""
    nb = json.loads(LECTURE.read_text())
    cells = nb["cells"]
    first_test = next(i for i, c in enumerate(cells)
                      if c.get("metadata", {}).get("nbgrader", {}).get("grade"))
    answer = first_test - 1
    assert cells[answer]["metadata"]["nbgrader"]["grade_id"] == "sigmoid"
    cells[answer]["source"] = NAIVE_SIGMOID
    nb["cells"] = cells[:first_test + 1] + [{
        "cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
        "source": ASSERT_CELL}]
    path.write_text(json.dumps(nb))


@pytest.fixture
def lab(tmp_path):
    """A JupyterLab server on 127.0.0.1 serving a copy of the notebook; yields its URL."""
    work, home = tmp_path / "work", tmp_path / "home"
    settings = home / "lab-settings"
    for d in (work, home, settings):
        d.mkdir()
    _student_notebook(work / "01_neuron.ipynb")
    shutil.copy(ROOT / "jupyter" / "overrides.json", settings / "overrides.json")
    port = free_port()
    env = server_env(home, MPLBACKEND="Agg")
    cmd = [sys.executable, "-m", "jupyterlab", *server_options(port),
           f"--ServerApp.root_dir={work}", f"--LabApp.app_settings_dir={settings}",
           f"--LabApp.user_settings_dir={home / 'user-settings'}",
           f"--LabApp.workspaces_dir={home / 'workspaces'}",
           "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    with jupyter_server(cmd, tmp_path / "jupyterlab.log", port=port, env=env) as url:
        yield url


@pytest.fixture
def browser():
    with chromium() as driver:
        yield driver


def _click_menu(wait, menu, entry):
    """Open a menu of the menu bar and click one of its entries, by their labels."""
    for kind, label in (("lm-MenuBar-item", menu), ("lm-Menu-item", entry)):
        where = (By.XPATH, f"//li[contains(@class, '{kind}')][.//*[text()='{label}']]")
        # found and clicked in one go, again if the menu re-renders in between
        wait.until(lambda d: (e := EC.element_to_be_clickable(where)(d)) and (e.click() or True))


@pytest.fixture
def screenshot(browser, tmp_path):
    """Where the screenshot goes; on a failure the test leaves one there too, to look at."""
    shot = Path(os.environ.get("JUPYTERLAB_SCREENSHOT", tmp_path / "failed_check.png"))
    yield shot
    if not shot.exists():
        browser.save_screenshot(str(shot))
        shot.with_suffix(".html").write_text(browser.page_source)


def _errors(driver):
    """The texts of the error outputs in the notebook, top to bottom."""
    return [e.text for e in driver.find_elements(
        By.CSS_SELECTOR, ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
        if e.text]


def test_a_failed_check_shows_its_message_not_mlkit_frames(lab, browser, screenshot):
    wait = patient_wait(browser, 90)
    browser.get(f"{lab}/lab/tree/01_neuron.ipynb?token={TOKEN}")
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, ".jp-Notebook .jp-Cell")))
    # The kernel is ready when the toolbar's status says so ("Idle" or the idle indicator).
    wait.until(lambda d: d.execute_script(
        "const s = document.querySelector('.jp-Notebook-ExecutionIndicator');"
        "return s && s.getAttribute('data-status') === 'idle';"))
    _click_menu(wait, "Run", "Run All Cells")  # stops at the failed check, as for a student
    wait.until(lambda d: len(_errors(d)) == 1)
    # Then the student runs the last cell (a plain assert) on its own: click it, Shift+Enter.
    last = browser.find_elements(By.CSS_SELECTOR, ".jp-Notebook .jp-Cell")[-1]
    last.find_element(By.CSS_SELECTOR, ".jp-InputPrompt").click()
    ActionChains(browser).key_down(Keys.SHIFT).send_keys(Keys.ENTER).key_up(Keys.SHIFT).perform()
    wait.until(lambda d: len(_errors(d)) == 2)
    check_error, assert_error = _errors(browser)
    target = next(c for c in browser.find_elements(By.CSS_SELECTOR, ".jp-Notebook .jp-Cell")
                  if "CheckFailed" in c.text)
    browser.execute_script("arguments[0].scrollIntoView({block: 'start'});", target)
    time.sleep(0.5)  # let the scroll settle before the screenshot
    browser.save_screenshot(str(screenshot))
    print("screenshot:", screenshot)

    assert "CheckFailed" in check_error
    # What was checked, what went wrong, and the hint (mlkit.checks.call's overflow hint).
    assert re.search(r"sigmoid\(array of shape \(\d+,\) \(max \|value\| = 1000\)\)", check_error)
    assert 'issued a RuntimeWarning: "overflow encountered in exp"' in check_error
    assert "issued in sigmoid, line 2: return 1 / (1 + np.exp(-z))" in check_error
    assert "hint: exp of a large number overflows" in check_error
    for library_detail in ("checks.py", "_fail", "Traceback", "site-packages", "raise CheckFailed"):
        assert library_detail not in check_error, check_error
    # A plain assert in the student's own code still shows where it was raised.
    assert "AssertionError" in assert_error and "x must be positive" in assert_error
    assert "Traceback" in assert_error and "assert x > 0" in assert_error
    # No "Jupyter news" prompt over the notebook (jupyter/overrides.json switches it off).
    assert "Would you like to get notified" not in browser.page_source
