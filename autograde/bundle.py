"""The student bundle: what students are given, and nothing else.

``python -m autograde bundle OUT_DIR [ASSIGNMENT ...]`` writes::

    OUT_DIR/README.md                 how to open the course: one command
    OUT_DIR/lectures/<id>/            the released notebooks, with their given code
    OUT_DIR/wheels/<mlkit wheel>      mlkit and its 4,000 digits (+ JupyterLab settings)

The repository is the instructors' copy (solutions, hidden checks, held-out digits, this
tooling); students get this folder. Its wheel is built from a staging copy that holds only
``mlkit/`` and a generated ``pyproject.toml`` (distribution ``nn-from-scratch-mlkit``, with
the course's version and runtime dependencies), so nothing else can get in; it also
installs ``jupyter/overrides.json`` as a JupyterLab ``overrides.d`` file, which switches off
the "Jupyter news" question. Before anything is written, the bundle is scanned (every file,
every member of the wheel) for solution code, hidden tests, grading hooks and the held-out
digits; a hit stops the command.
"""

import hashlib
import importlib.metadata
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from autograde.course import (LECTURES, ROOT, CourseError, assignments,
                              check_assignment, read_notebook, source_path)
from autograde.given import GIVEN_FILE, given_spec
from autograde.heldout import HELDOUT_FILE
from autograde.release import given_note, out_of_sync
from autograde.validate import secret_lines

DIST_NAME = "nn-from-scratch-mlkit"
DESCRIPTION = "mlkit: the helper library of the course Neural networks from scratch"
MANIFEST = ".bundle.json"  # marks a folder this command made (only those --force replaces)
LAB_OVERRIDES = ROOT / "jupyter" / "overrides.json"
OVERRIDES_D = "share/jupyter/lab/settings/overrides.d"
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS",
           "run_hidden")
AUTOGRADE_IMPORT = re.compile(r"^\s*(from|import)\s+autograde\b", re.M)
CONTROL = re.compile(r"^(for [\w, ]+ in [\w.()\[\]]+|if (not )?[\w.]+( is (not )?None)?|"
                     r"while [\w.]+|else|try|finally|except[\w ]*|return [\w.]+)\s*:?$")
# Folders a bundle may never be written into (or replace): the course's own files.
PROTECTED = [ROOT / name for name in ("solutions", "lectures", "autograde", "mlkit", "tests",
                                      "tools", "jupyter", ".git", ".venv")]


def bundle(out_dir, assignment_ids=None, force=False):
    """Write the student bundle into out_dir; returns (out_dir, notes for the instructor).

    Refuses (CourseError) a non-empty out_dir unless force is set and it is an earlier
    bundle, any folder holding or inside the course's own files, and stale lectures/.
    The bundle is built beside out_dir and moved into place only when complete and clean.
    """
    out = Path(out_dir).expanduser().resolve()
    _check_target(out, force)
    ids = list(assignment_ids or assignments())
    for a in ids:
        check_assignment(a)
        if not (LECTURES / a).is_dir():
            raise CourseError(f"lectures/{a} does not exist: run "
                              f"`python -m autograde release {a}`")
        stale = out_of_sync(a)
        if stale:
            raise CourseError(f"lectures/{a} is not the release of solutions/{a} "
                              f"({', '.join(stale)}): run `python -m autograde release {a}`")
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=".bundle-", dir=out.parent))
    try:
        for a in ids:
            shutil.copytree(LECTURES / a, stage / "lectures" / a,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        wheel = build_student_wheel(stage / "wheels")
        (stage / "README.md").write_text(readme(wheel.name, ids))
        problems = scan(stage, ids)
        if problems:
            raise CourseError("the bundle would give students what they must not get:\n  "
                              + "\n  ".join(problems))
        (stage / MANIFEST).write_text(json.dumps(
            {"made_by": "python -m autograde bundle", "assignments": ids,
             "wheel": f"wheels/{wheel.name}"}, indent=1) + "\n")
        _replace(stage, out)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return out, [n for n in map(given_note, ids) if n]


def _check_target(out, force):
    if out == ROOT or out in ROOT.parents:
        raise CourseError(f"{out}: a bundle cannot be written there, it holds the course "
                          f"({ROOT}); choose a new folder, e.g. dist/student")
    for place in PROTECTED:
        if out == place or place in out.parents:
            raise CourseError(f"{out}: a bundle cannot be written there, inside the "
                              f"course's own files ({place}); choose a new folder, e.g. "
                              "dist/student")
    if out.exists() and not out.is_dir():
        raise CourseError(f"{out} exists and is not a folder")
    if out.is_dir() and any(out.iterdir()):
        if not force:
            raise CourseError(f"{out} is not empty: choose a new folder, or --force to "
                              "replace a bundle this command made there")
        if not (out / MANIFEST).is_file():
            raise CourseError(f"{out} is not empty and is not a bundle made by this command: "
                              "--force replaces only those; choose a new folder or empty it")
    if not os.access(out if out.exists() else _existing_parent(out), os.W_OK):
        raise CourseError(f"{out}: no permission to write there")


def _existing_parent(path):
    while not path.exists():
        path = path.parent
    return path


def _replace(stage, out):
    """Move the finished bundle into place (the old one, if any, only then goes)."""
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        out.rename(old)
    stage.rename(out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


# --- the student wheel -------------------------------------------------------------------

def _course_project():
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        raise CourseError("building the bundle needs Python >= 3.11 (tomllib)") from None
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)


def student_pyproject():
    """pyproject.toml of the students' distribution: mlkit only, the course's version and
    runtime dependencies (never the instructor extras)."""
    course = _course_project()
    project = course["project"]
    data = course["tool"]["setuptools"]["package-data"]["mlkit"]
    q = json.dumps  # a JSON string is a TOML basic string
    return "\n".join([
        "[build-system]", 'requires = ["setuptools>=77"]',
        'build-backend = "setuptools.build_meta"', "",
        "[project]", f"name = {q(DIST_NAME)}", f"version = {q(project['version'])}",
        f"description = {q(DESCRIPTION)}",
        f"requires-python = {q(project['requires-python'])}",
        f"license = {q(project['license'])}",
        "license-files = [" + ", ".join(map(q, project["license-files"])) + "]",
        "dependencies = [" + ", ".join(map(q, project["dependencies"])) + "]", "",
        "[tool.setuptools]",
        f"data-files = {{ {q(OVERRIDES_D)} = [\"jupyter/nn-from-scratch.json\"] }}", "",
        "[tool.setuptools.packages.find]", 'include = ["mlkit", "mlkit.*"]', "",
        "[tool.setuptools.package-data]", "mlkit = [" + ", ".join(map(q, data)) + "]", ""])


def build_student_wheel(dest):
    """Build the students' wheel into dest (a folder) from a copy of mlkit/ alone."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mlkit-wheel-") as tmp:
        stage = Path(tmp) / "project"
        shutil.copytree(ROOT / "mlkit", stage / "mlkit",
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        (stage / "jupyter").mkdir()
        shutil.copy(LAB_OVERRIDES, stage / "jupyter" / "nn-from-scratch.json")
        (stage / "pyproject.toml").write_text(student_pyproject())
        cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dest)]
        if _have_setuptools():  # build with it here: no download, no build environment
            cmd.append("--no-build-isolation")
        proc = subprocess.run([*cmd, str(stage)], capture_output=True, text=True, cwd=tmp)
        if proc.returncode != 0:
            raise CourseError(f"building the mlkit wheel failed:\n{proc.stdout[-2000:]}"
                              f"{proc.stderr[-2000:]}")
    wheels = sorted(dest.glob("*.whl"))
    if len(wheels) != 1:
        raise CourseError(f"expected one wheel in {dest}, found {[w.name for w in wheels]}")
    return wheels[0]


def _have_setuptools():
    try:
        major, minor = importlib.metadata.version("setuptools").split(".")[:2]
        return (int(major), int(minor)) >= (77, 0)
    except (importlib.metadata.PackageNotFoundError, ValueError):
        return False


# --- README --------------------------------------------------------------------------------

def readme(wheel_name, ids):
    first = f"lectures/{ids[0]}/{ids[0]}.ipynb"
    notebooks = "\n".join(f"- `{a}/{a}.ipynb`" for a in ids)
    return f"""# Neural networks from scratch

Notebooks in which you implement neural networks from scratch in numpy, checked as you go,
with the course's helper library `mlkit` (data, gradient checking, plots; never the
answers). This folder holds the notebooks in `lectures/`:

{notebooks}

and `mlkit` in `wheels/`. You need Python 3.10 or newer.

## Open the course

In this folder, one command sets up a virtual environment (`.venv`, once) and opens the
course in JupyterLab:

```bash
python3 -m venv .venv && .venv/bin/pip install wheels/{wheel_name} && .venv/bin/jupyter lab --notebook-dir=lectures {first}
```

On Windows (PowerShell):

```
py -m venv .venv; .venv\\Scripts\\pip install wheels\\{wheel_name}; .venv\\Scripts\\jupyter lab --notebook-dir=lectures {first}
```

Next time, `.venv/bin/jupyter lab --notebook-dir=lectures` (Windows:
`.venv\\Scripts\\jupyter lab --notebook-dir=lectures`) is enough. Installing the wheel also
tells JupyterLab not to ask about "Jupyter news".

## Working on a notebook

Each notebook starts with its learning goals. Replace each `raise NotImplementedError()`
with your code and run the cell after it: it checks your function and tells you what is
wrong (which quantity, expected vs got, where, and a hint). Cells marked *hidden checks*
run more checks, on inputs drawn when you are graded. A `{GIVEN_FILE}` beside a notebook
holds functions from an earlier notebook, given to you: do not edit it. Before you submit,
use **Kernel → Restart Kernel and Run All Cells**. Keep the function and notebook names as
given, and submit the `.ipynb` file.
"""


# --- the scan: nothing secret may be in the bundle ----------------------------------------

def _members(path):
    """(name, bytes) of a file and, for a zip (wheel, .npz), of each of its members."""
    data = path.read_bytes()
    found = [(path.name, data)]
    if zipfile.is_zipfile(io.BytesIO(data)):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            found += [(f"{path.name}!{n}", z.read(n)) for n in z.namelist()]
    return found


def _notebook_text(text):
    """All the text of a notebook (cell sources, outputs, metadata), as it reads."""
    parts = []

    def walk(obj):
        if isinstance(obj, str):
            parts.append(obj)
        elif isinstance(obj, list) and obj and all(isinstance(x, str) for x in obj):
            parts.append("".join(obj))
        elif isinstance(obj, (list, dict)):
            for x in (obj.values() if isinstance(obj, dict) else obj):
                walk(x)
    walk(json.loads(text))
    return "\n".join(parts)


def _heldout_rows():
    import numpy as np
    with np.load(HELDOUT_FILE, allow_pickle=False) as npz:
        return {row.tobytes() for row in npz["images"]}, HELDOUT_FILE.read_bytes()


def _npz_images(data):
    """Every 784-pixel row of every uint8 array in an .npz (empty if it is not one)."""
    import numpy as np
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as npz:
            arrays = [npz[k] for k in npz.files]
    except Exception:
        return set()
    return {row.tobytes() for a in arrays if a.dtype == np.uint8 and a.ndim == 2
            and a.shape[1] == 784 for row in a}


def solution_lines(assignment):
    """Distinctive lines of an assignment's solutions and hidden tests: the release's leak
    check's (validate.secret_lines) without bare control-flow lines, which name no
    computation (`for epoch in range(epochs):` also opens a loop in mlkit's plotting)."""
    return {s for s in secret_lines(read_notebook(source_path(assignment)))
            if not CONTROL.match(s)}


def scan(folder, ids=None):
    """Everything in a bundle folder that must not reach students ([] when clean).

    Markers of solutions, hidden tests and grading hooks; imports of autograde; the
    held-out digits (the file, or any of its images in any .npz); solution lines: in
    lectures/<id>/ those of that assignment (as `validate` checks); in given code and
    everything else (the wheel's mlkit, the README) those of every assignment, except in
    given code those of the notebooks its assignment names. (A lecture may show code that a
    later notebook asks for, e.g. 04's training loop holds 05's `sgd_step`: that is course
    content, and `validate` checks each release against its own solutions.)
    """
    folder = Path(folder)
    ids = list(ids or assignments())
    secrets = {a: solution_lines(a) for a in assignments()}
    heldout_rows, heldout_bytes = _heldout_rows()
    heldout_hash = hashlib.sha256(heldout_bytes).digest()
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = path.relative_to(folder)
        if rel.parts[0] == "solutions" or "autograde" in rel.parts:
            found.append(f"{rel}: instructor files")
        lecture = rel.parts[1] if rel.parts[0] == "lectures" and len(rel.parts) > 2 else None
        allowed = set(given_spec(lecture)) if lecture in ids and path.name == GIVEN_FILE \
            and len(rel.parts) == 3 else set()
        for name, data in _members(path):
            where = f"{rel.parent / name}" if name != path.name else str(rel)
            if name.rsplit("/", 1)[-1] == HELDOUT_FILE.name or \
                    hashlib.sha256(data).digest() == heldout_hash:
                found.append(f"{where}: the held-out digits file")
            if name.endswith(".npz") and _npz_images(data) & heldout_rows:
                found.append(f"{where}: holds held-out digits")
            if name.split("!")[-1].split("/")[0] == "autograde":
                found.append(f"{where}: part of the autograde package")
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                continue
            found += [f"{where}: contains {m!r}" for m in MARKERS if m in text]
            if name.endswith(".ipynb"):
                text = _notebook_text(text)
            if AUTOGRADE_IMPORT.search(text):
                found.append(f"{where}: imports autograde")
            lines = {line.strip() for line in text.splitlines()}
            checked = [lecture] if lecture and path.name != GIVEN_FILE else secrets
            for a in checked:
                if a in secrets and a not in allowed and secrets[a] & lines:
                    found.append(f"{where}: solution code of {a}: "
                                 f"{sorted(secrets[a] & lines)[0]!r}")
    return found
