"""What each side installs: students a wheel of mlkit alone; instructors the repository's
project (mlkit + autograde + held-out digits), editable, with no path tricks."""

import os
import shutil
import subprocess
import sys
import zipfile

import pytest

from autograde.bundle import DIST_NAME, build_student_wheel
from autograde.course import ROOT

OVERRIDES = "share/jupyter/lab/settings/overrides.d/nn-from-scratch.json"


def _tops(names):
    return {n.split("/")[0] for n in names}


def test_student_wheel_is_mlkit_and_its_data_only(tmp_path):
    """The wheel in the student bundle: mlkit, its 4,000 digits and notice, the JupyterLab
    settings file; never autograde, its held-out digits, solutions or tests."""
    wheel = build_student_wheel(tmp_path)
    names = zipfile.ZipFile(wheel).namelist()
    dist = DIST_NAME.replace("-", "_") + "-0.1.0"
    assert _tops(names) == {"mlkit", f"{dist}.dist-info", f"{dist}.data"}
    assert "mlkit/data/mnist_4k.npz" in names and "mlkit/data/NOTICE.md" in names
    assert [n for n in names if n.startswith(f"{dist}.data/")] == [f"{dist}.data/data/{OVERRIDES}"]
    assert not [n for n in names if "heldout" in n or "autograde" in n]
    py = {n for n in names if n.endswith(".py")}
    assert py == {str(p.relative_to(ROOT)) for p in (ROOT / "mlkit").rglob("*.py")}
    metadata = zipfile.ZipFile(wheel).read(f"{dist}.dist-info/METADATA").decode()
    assert "nbgrader" not in metadata and "Requires-Dist: numpy" in metadata


def test_instructor_wheel_holds_autograde_and_the_heldout_digits(tmp_path):
    """The repository's project: what `pip install -e ".[instructor]"` provides (here built
    as a wheel to list it): mlkit and autograde with hidden checks, nbgrader configuration
    and held-out digits; nbgrader comes with the instructor extra only."""
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                    "-q", "-w", str(tmp_path), str(ROOT)], check=True, capture_output=True)
    shutil.rmtree(ROOT / "build", ignore_errors=True)
    wheel = next(tmp_path.glob("nn_from_scratch-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert _tops(names) - {"nn_from_scratch-0.1.0.dist-info"} == {"mlkit", "autograde"}
    for name in ("autograde/data/mnist_heldout.npz", "autograde/nbgrader_config.py",
                 "autograde/hidden/__init__.py", "autograde/hidden/neuron.py",
                 "autograde/sandbox.py", "mlkit/data/mnist_4k.npz"):
        assert name in names, name
    metadata = zipfile.ZipFile(wheel).read("nn_from_scratch-0.1.0.dist-info/METADATA").decode()
    assert 'Requires-Dist: nbgrader==0.9.*; extra == "instructor"' in metadata


def _clean_env():
    """The environment of a fresh shell with only this venv's bin/ on PATH."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["PATH"] = os.pathsep.join([os.path.dirname(sys.executable), "/usr/bin", "/bin"])
    return env


def test_installed_autograde_is_the_repository_and_needs_no_path_tricks(tmp_path):
    """Away from the repository, without PYTHONPATH and in isolated mode, autograde imports
    from the repository (so it finds solutions/) through its installation, not through a
    .pth file or sys.path entry naming the repository."""
    code = ("import sys, autograde, autograde.hidden, autograde.course as c\n"
            "print(autograde.__file__)\nprint(c.SOLUTIONS.is_dir())\n"
            f"print([p for p in sys.path if p.rstrip('/') == {str(ROOT)!r}])")
    proc = subprocess.run([sys.executable, "-I", "-c", code], cwd=tmp_path, env=_clean_env(),
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split("\n")[:3] == [str(ROOT / "autograde" / "__init__.py"), "True",
                                           "[]"], proc.stdout


def test_plain_nbgrader_validate_passes_in_the_instructor_environment():
    """The README's plain nbgrader command, run as an instructor would in a fresh shell:
    the hidden test cells import autograde in nbgrader's kernel."""
    proc = subprocess.run(["nbgrader", "validate", "../solutions/01_neuron/01_neuron.ipynb"],
                          cwd=ROOT / "autograde", env=_clean_env(), capture_output=True,
                          text=True, timeout=600)
    assert "Success! Your notebook passes all the tests." in proc.stdout, \
        proc.stdout[-3000:] + proc.stderr[-3000:]


@pytest.mark.parametrize("command", ["release", "bundle"])
def test_without_a_course_checkout_the_commands_say_what_to_do(tmp_path, command):
    """A non-editable install has no solutions/ beside autograde: the command explains."""
    fake = tmp_path / "site-packages"
    shutil.copytree(ROOT / "autograde", fake / "autograde",
                    ignore=shutil.ignore_patterns("__pycache__", "data"))
    env = {**_clean_env(), "PYTHONPATH": str(fake)}
    args = [command] + ([str(tmp_path / "out")] if command == "bundle" else [])
    proc = subprocess.run([sys.executable, "-m", "autograde", *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert "no solutions/ folder" in proc.stderr and 'pip install -e ".[instructor]"' in \
        proc.stderr
