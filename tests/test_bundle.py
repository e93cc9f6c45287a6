"""The student bundle (``python -m autograde bundle``): lectures, the mlkit wheel and a
README, and nothing students must not get (scanned file by file, inside the wheel too)."""

import io
import json
import re
import shutil
import subprocess
import sys
import zipfile

import numpy as np
import pytest

from autograde import bundle as bundle_module
from autograde.course import LECTURES, ROOT, CourseError, assignments, code_cells, \
    source_notebook
from autograde.given import given_spec
from autograde.heldout import HELDOUT_FILE
from autograde.validate import BOILERPLATE

BUNDLED = ["01_neuron", "04_backprop"]  # 04 ships 02's solutions as given code
# A few exercises whose reference code must not be in the bundle (02's only in 04's
# given.py, where it belongs).
EXERCISES = {"01_neuron": ["sigmoid", "perceptron_train", "xor_net"],
             "02_softmax_losses": ["softmax_cross_entropy", "l2_penalty"],
             "04_backprop": ["linear_backward", "mlp_backward"]}
SOLUTION_BLOCK = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)


def run(*args):
    return subprocess.run([sys.executable, "-m", "autograde", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("bundle") / "course"
    proc = run("bundle", out, *BUNDLED)
    assert proc.returncode == 0, proc.stderr
    return out, proc.stdout


def files(folder):
    """(relative name, bytes) of every file, and of every member of every zip/wheel."""
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        rel = str(path.relative_to(folder))
        data = path.read_bytes()
        found.append((rel, data))
        if zipfile.is_zipfile(io.BytesIO(data)):
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                found += [(f"{rel}!{n}", z.read(n)) for n in z.namelist()]
    return found


def reference_lines(assignment, names):
    """The distinctive solution lines of some exercises, from the instructor notebook."""
    lines = set()
    for cell in code_cells(source_notebook(assignment)):
        if cell.role == "solution" and any(f"def {n}(" in cell.source for n in names):
            for block in SOLUTION_BLOCK.findall(cell.source):
                lines |= {s.strip() for s in block.splitlines()
                          if len(s.strip()) >= 16 and not s.strip().startswith("#")
                          and not BOILERPLATE.match(s.strip())
                          and not bundle_module.CONTROL.match(s.strip())}
    assert lines, (assignment, names)
    return lines


def text_lines(name, data):
    text = data.decode("utf-8")
    if name.endswith(".ipynb"):
        text = "\n".join("".join(c["source"]) for c in json.loads(text)["cells"])
    return {line.strip() for line in text.splitlines()}


def secrets_in(folder):
    """An independent scan of a bundle for anything secret (what the tests require)."""
    heldout_bytes = HELDOUT_FILE.read_bytes()
    with np.load(HELDOUT_FILE) as npz:
        heldout_rows = {r.tobytes() for r in npz["images"]}
    references = {a: reference_lines(a, names) for a, names in EXERCISES.items()}
    problems = []
    for name, data in files(folder):
        if {"solutions", "autograde"} & set(re.split(r"[/!]", name)):
            problems.append(f"{name}: instructor path")
        if name.endswith(HELDOUT_FILE.name) or data == heldout_bytes:
            problems.append(f"{name}: held-out file")
        if name.endswith(".npz"):
            with np.load(io.BytesIO(data)) as npz:
                arrays = [npz[k] for k in npz.files]
            rows = {r.tobytes() for a in arrays if a.ndim == 2 and a.dtype == np.uint8
                    for r in a}
            if rows & heldout_rows:
                problems.append(f"{name}: held-out digits")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            continue
        for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS",
                       "END HIDDEN TESTS", "run_hidden"):
            if marker in text:
                problems.append(f"{name}: {marker}")
        lines = text_lines(name, data)
        if any(re.match(r"(from|import) autograde\b", line) for line in lines):
            problems.append(f"{name}: imports autograde")
        given_to = name.split("/")[1] if name.startswith("lectures/") and \
            name.endswith("/given.py") else None
        for a, ref in references.items():
            if ref & lines and not (given_to and a in given_spec(given_to)):
                problems.append(f"{name}: reference code of {a}: {sorted(ref & lines)[0]}")
    return problems


def test_bundle_holds_the_lectures_the_wheel_and_a_readme(built):
    out, _ = built
    names = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()}
    lectures = {str(p.relative_to(LECTURES.parent)) for a in BUNDLED
                for p in (LECTURES / a).rglob("*") if p.is_file()}
    assert "lectures/04_backprop/given.py" in lectures
    wheels = sorted(n for n in names if n.startswith("wheels/"))
    assert len(wheels) == 1 and wheels[0].endswith("-py3-none-any.whl")
    assert names == lectures | {"README.md", ".bundle.json", wheels[0]}
    for rel in lectures:
        assert (out / rel).read_bytes() == (LECTURES.parent / rel).read_bytes(), rel


def test_readme_gives_the_one_command_and_the_wheel_switches_off_jupyter_news(built):
    out, _ = built
    readme = (out / "README.md").read_text()
    wheel = next((out / "wheels").glob("*.whl")).name
    command = (f"python3 -m venv .venv && .venv/bin/pip install wheels/{wheel} && "
               ".venv/bin/jupyter lab --notebook-dir=lectures "
               "lectures/01_neuron/01_neuron.ipynb")
    assert command in readme and "Restart Kernel and Run All Cells" in readme
    with zipfile.ZipFile(out / "wheels" / wheel) as z:
        settings = [n for n in z.namelist()
                    if n.endswith("share/jupyter/lab/settings/overrides.d/nn-from-scratch.json")]
        assert len(settings) == 1
        overrides = json.loads(z.read(settings[0]))
    assert overrides == json.loads((ROOT / "jupyter" / "overrides.json").read_text())
    assert overrides["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"


def test_nothing_secret_is_in_the_bundle(built):
    out, _ = built
    assert secrets_in(out) == []
    assert bundle_module.scan(out, BUNDLED) == []
    # The given code is there, as it should be (and is the only place 02's code is).
    given = (out / "lectures" / "04_backprop" / "given.py").read_text()
    assert reference_lines("02_softmax_losses", ["softmax_cross_entropy"]) & \
        {line.strip() for line in given.splitlines()}


def test_both_scans_find_planted_secrets(built, tmp_path):
    """The scans can fail: plant a solution line in the wheel's mlkit, the held-out file
    in the bundle, an autograde import and 02's code outside the given code."""
    out, _ = built
    copy = tmp_path / "course"
    shutil.copytree(out, copy)
    wheel = next((copy / "wheels").glob("*.whl"))
    line = sorted(reference_lines("01_neuron", ["sigmoid"]))[0]
    with zipfile.ZipFile(wheel, "a") as z:
        z.writestr("mlkit/extra.py", f"def f(z):\n    {line}\n")
    shutil.copy(HELDOUT_FILE, copy / "lectures" / "digits.npz")
    with np.load(HELDOUT_FILE) as npz:  # three held-out digits among others, other bytes
        mixed = np.concatenate([np.zeros((5, 784), np.uint8), npz["images"][:3]])
    np.savez_compressed(copy / "lectures" / "01_neuron" / "more.npz", images=mixed)
    (copy / "lectures" / "01_neuron" / "helper.py").write_text("from autograde import x\n")
    shutil.copy(copy / "lectures" / "04_backprop" / "given.py",
                copy / "lectures" / "01_neuron" / "given.py")
    for problems in (secrets_in(copy), bundle_module.scan(copy, BUNDLED)):
        text = "\n".join(problems)
        assert "mlkit/extra.py" in text and "digits.npz" in text
        assert "01_neuron/more.npz" in text
        assert "01_neuron/helper.py" in text
        assert "lectures/01_neuron/given.py" in text and "02_softmax_losses" in text


def test_bundle_says_which_solutions_its_given_code_holds(built):
    _, stdout = built
    assert "note: 04_backprop/given.py holds the solutions of 02_softmax_losses" in stdout
    assert "only after the deadline of 02_softmax_losses" in stdout
    assert stdout.count("note:") == sum(bool(given_spec(a)) for a in BUNDLED)


def test_force_replaces_an_earlier_bundle_and_only_that(built, tmp_path):
    out, _ = built
    copy = tmp_path / "course"
    shutil.copytree(out, copy)
    proc = run("bundle", copy, "01_neuron")
    assert proc.returncode == 2 and "not empty" in proc.stderr and "--force" in proc.stderr
    assert (copy / "lectures" / "04_backprop").is_dir()  # untouched
    proc = run("bundle", copy, "01_neuron", "--force")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in (copy / "lectures").iterdir()) == ["01_neuron"]
    assert [p.name for p in tmp_path.iterdir()] == ["course"]  # no staging left behind


@pytest.mark.parametrize("case", ["not empty", "not empty, forced", "a file", "in lectures",
                                  "the course", "unknown assignment"])
def test_bad_out_dir_is_refused_with_a_reason_and_nothing_written(tmp_path, case):
    target, extra, reason = {
        "not empty": (tmp_path / "notes", [], "is not empty"),
        "not empty, forced": (tmp_path / "notes", ["--force"], "not a bundle made by"),
        "a file": (tmp_path / "notes" / "todo.txt", [], "is not a folder"),
        "in lectures": (LECTURES / "bundle", [], "inside the course's own files"),
        "the course": (ROOT, [], "it holds the course"),
        "unknown assignment": (tmp_path / "new", ["99_nope"], "unknown assignment"),
    }[case]
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "todo.txt").write_text("mine\n")
    before = sorted(p.name for p in tmp_path.rglob("*"))
    proc = run("bundle", target, *extra)
    assert proc.returncode == 2 and reason in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr
    assert sorted(p.name for p in tmp_path.rglob("*")) == before
    assert not (LECTURES / "bundle").exists()


def test_stale_lectures_are_refused(monkeypatch, tmp_path):
    monkeypatch.setattr(bundle_module, "out_of_sync", lambda a: ["01_neuron.ipynb"])
    with pytest.raises(CourseError, match="not the release of solutions/01_neuron"):
        bundle_module.bundle(tmp_path / "out", ["01_neuron"])
    assert not (tmp_path / "out").exists()


def test_by_default_every_assignment_is_bundled(monkeypatch, tmp_path):
    monkeypatch.setattr(bundle_module, "out_of_sync", lambda a: [])  # tested above
    monkeypatch.setattr(bundle_module, "assignments", lambda: ["01_neuron", "04_backprop"])
    out, notes = bundle_module.bundle(tmp_path / "all")
    assert sorted(p.name for p in (out / "lectures").iterdir()) == ["01_neuron", "04_backprop"]
    assert len(notes) == 1


def test_every_release_in_lectures_passes_the_scan(tmp_path):
    """All of lectures/ as a bundle would hold it (given code included), without building."""
    released = [a for a in assignments() if (LECTURES / a).is_dir()]
    for a in released:
        shutil.copytree(LECTURES / a, tmp_path / "lectures" / a)
    assert "04_backprop" in released
    assert secrets_in(tmp_path) == []
