"""The grading sandbox never lets student code read the instructor's package (hidden checks,
held-out digits) or the solutions, wherever autograde is installed: editable from the
repository, or inside the Python installation, whose files the sandbox must otherwise read.
"""

import os
import shutil
import sys

import pytest

import autograde
from autograde import engine, sandbox
from autograde.course import ROOT, SOLUTIONS
from autograde.engine import Remote, Sandbox
from autograde.heldout import HELDOUT_FILE

PACKAGE = os.path.dirname(os.path.realpath(autograde.__file__))
MLKIT_DATA = ROOT / "mlkit" / "data" / "mnist_4k.npz"

PROBE = '''
import os
import numpy as np

def probe(paths):
    """What student code gets when it reads each path: 'read', 'denied' or an error name."""
    found = {}
    for path in paths:
        try:
            if os.path.isdir(path):
                os.listdir(path)
            elif path.endswith(".npz"):
                np.load(path)
            else:
                open(path, "rb").read(1)
            found[path] = "read"
        except PermissionError:
            found[path] = "denied"
        except Exception as exc:
            found[path] = type(exc).__name__
    return found
'''


def probe(paths):
    """Run the probe in a real grading sandbox."""
    box = Sandbox().start()
    try:
        answer = box.request({"op": "exec", "cells": [["probe", PROBE]]}, 60)
        assert answer["cell_errors"] == [], answer
        return Remote(box, {"name": "probe"}, "probe")([str(p) for p in paths])
    finally:
        box.close()


def test_installed_autograde_and_solutions_are_unreadable_in_the_sandbox():
    """The package as this environment installed it (editable: the repository's folder)."""
    assert os.path.realpath(HELDOUT_FILE).startswith(PACKAGE + os.sep)
    secret = [HELDOUT_FILE, HELDOUT_FILE.parent, os.path.join(PACKAGE, "hidden", "neuron.py"),
              PACKAGE, SOLUTIONS / "01_neuron" / "01_neuron.ipynb", SOLUTIONS]
    public = [MLKIT_DATA, os.path.join(os.path.dirname(os.__file__), "os.py")]
    found = probe(secret + public)
    assert [found[str(p)] for p in secret] == ["denied"] * len(secret), found
    assert [found[str(p)] for p in public] == ["read"] * len(public), found  # the probe works


def test_autograde_inside_the_python_installation_is_still_unreadable(tmp_path, monkeypatch):
    """A non-editable install puts autograde in site-packages, which the sandbox reads
    (exempt): run the sandbox from such a copy, with that prefix exempt, and probe it."""
    site = tmp_path / "prefix" / "lib" / "site-packages"
    copy = site / "autograde"
    (copy / "data").mkdir(parents=True)
    shutil.copy(sandbox.__file__, copy / "sandbox.py")
    shutil.copy(HELDOUT_FILE, copy / "data" / HELDOUT_FILE.name)
    (site / "solutions").mkdir()
    (site / "solutions" / "answers.py").write_text("ANSWER = 42\n")
    (site / "other_package.py").write_text("X = 1\n")
    monkeypatch.setattr(engine, "SANDBOX_SCRIPT", str(copy / "sandbox.py"))
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "prefix"))
    secret = [copy / "data" / HELDOUT_FILE.name, copy / "data", copy / "sandbox.py",
              site / "solutions" / "answers.py"]
    public = [site / "other_package.py", MLKIT_DATA]
    found = probe(secret + public)
    assert [found[str(p)] for p in secret] == ["denied"] * len(secret), found
    assert [found[str(p)] for p in public] == ["read"] * len(public), found  # prefix exempt


@pytest.mark.parametrize("exempt", ["package parent", "course root"])
def test_audit_hook_denies_the_package_even_when_exempt(tmp_path, exempt):
    """The rule itself: exempt folders (the Python installation) holding autograde or the
    course folder do not make them readable; mlkit and the rest stay readable."""
    parent = os.path.dirname(PACKAGE) if exempt == "package parent" else str(ROOT)
    hook = sandbox._audit_hook({"exempt": [parent], "readable": [], "denied": [],
                                "workdir": str(tmp_path), "blocked_modules": []})
    for path in (HELDOUT_FILE, os.path.join(PACKAGE, "hidden", "__init__.py"),
                 SOLUTIONS / "01_neuron" / "01_neuron.ipynb"):
        with pytest.raises(PermissionError, match="may not read"):
            hook("open", (str(path), "r", 0))
    with pytest.raises(PermissionError):
        hook("os.listdir", (str(HELDOUT_FILE.parent),))
    hook("open", (str(MLKIT_DATA), "rb", 0))  # no exception: readable
    hook("open", (str(tmp_path / "mine.txt"), "w", 0))  # the working directory
