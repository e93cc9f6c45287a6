"""Shared by the browser tests: headless Chromium through selenium, and a Jupyter server
started for one test (a free port, a token, stopped at the end).

Needs Debian's ``chromium`` and ``chromium-driver`` and the ``selenium`` package; a test
module calls ``require_browser()`` first, which skips it with the reason otherwise.
"""

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

TOKEN = "course-browser-test"
CHROMIUM = next((shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")
                 if shutil.which(n)), None)
CHROMEDRIVER = shutil.which("chromedriver")


def require_browser():
    pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip("headless Chromium is not installed (apt-get install chromium "
                    "chromium-driver)", allow_module_level=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_options(port):
    """JupyterLab options for a server only this test talks to."""
    return ["--no-browser", "--allow-root", "--ip=127.0.0.1", f"--port={port}",
            f"--IdentityProvider.token={TOKEN}"]


def server_env(home, **extra):
    """The environment of a Jupyter server (or an nbgrader command) run for one test: its own
    home and Jupyter folders under ``home``, this venv's ``bin/`` first on PATH (nbgrader
    calls ``alembic`` through it), and no PG* variables of the machine's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update(HOME=str(home), JUPYTER_CONFIG_DIR=str(home / "config"),
               JUPYTER_RUNTIME_DIR=str(home / "runtime"),
               PATH=os.pathsep.join([os.path.dirname(sys.executable), os.environ["PATH"]]))
    env.update(extra)
    return env


@contextlib.contextmanager
def jupyter_server(cmd, log_path, *, port, env=None, cwd=None):
    """Run cmd (a Jupyter server on 127.0.0.1:port) until the block ends; yields its URL.
    Fails the test with the end of the server's log if it does not come up."""
    log = open(log_path, "w")
    server = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status?token={TOKEN}", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail("the Jupyter server did not start:\n"
                                + open(log_path).read()[-3000:])
                time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@contextlib.contextmanager
def chromium(width=1400, height=1000):
    from selenium import webdriver
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                f"--window-size={width},{height}"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=webdriver.ChromeService(executable_path=CHROMEDRIVER),
                              options=options)
    try:
        yield driver
    finally:
        driver.quit()


def patient_wait(driver, seconds):
    """A WebDriverWait that also retries when the page re-renders under it: formgrader and
    JupyterLab replace their rows and cells while loading, so an element found a moment ago
    can be gone by the time its text is read (StaleElementReferenceException)."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait
    return WebDriverWait(driver, seconds, ignored_exceptions=[StaleElementReferenceException])


def texts(driver, css):
    """The rendered texts of the elements matching css, read in one step in the page (so no
    element can go stale between finding it and reading it)."""
    return driver.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0]), e => e.innerText);", css)
