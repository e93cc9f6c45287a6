"""Generate the student release (``lectures/``) from the instructor notebooks with nbgrader."""

import filecmp
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from autograde.course import LECTURES, ROOT, SOLUTIONS, STATE, CourseError, check_assignment
from autograde.given import (GIVEN_FILE, _closure, _functions, build_given, given_spec,
                             write_given)

CONFIG = Path(__file__).with_name("nbgrader_config.py")


def nbgrader_env():
    """Environment for nbgrader: the venv's bin/ first on PATH (nbgrader runs `alembic`),
    quiet progress bars. (Kernels import `autograde` for the hidden test cells: it is
    installed, editable, with the course.)"""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    # One BLAS thread, as in the grading sandbox: small matrices run faster and timings
    # stay stable on a busy machine.
    env.update(MLKIT_PROGRESS="0", MLKIT_LIVE="0", PYDEVD_DISABLE_FILE_VALIDATION="1",
               OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    return env


def nbgrader(*args, capture=True):
    """Run an nbgrader command with the course configuration; CourseError if it fails."""
    # nbgrader reads nbgrader_config.py from its working directory: ours is in autograde/.
    cmd = [sys.executable, "-m", "nbgrader", *args]
    proc = subprocess.run(cmd, cwd=CONFIG.parent, env=nbgrader_env(), text=True,
                          capture_output=capture)
    if proc.returncode != 0:
        raise CourseError(f"nbgrader {args[0]} failed:\n{(proc.stdout or '')[-3000:]}"
                          f"{(proc.stderr or '')[-3000:]}")
    return proc


def generate(assignment, release_dir):
    """Write the student version of one assignment into release_dir/<assignment>/."""
    check_assignment(assignment)
    STATE.mkdir(exist_ok=True)
    write_given(assignment)  # nbgrader copies it with the notebook
    # A throwaway gradebook per run: releases never share (or lock) a database.
    with tempfile.TemporaryDirectory(dir=STATE) as db:
        nbgrader("generate_assignment", assignment, "--force",
                 f"--CourseDirectory.release_directory={release_dir}",
                 f"--CourseDirectory.db_url=sqlite:///{db}/gradebook.db")
    return Path(release_dir) / assignment


def given_note(assignment):
    """For the instructor: which earlier notebooks' solutions an assignment's release holds
    as given code, so when it may be handed out (None when it is given nothing)."""
    spec = given_spec(assignment)
    if not spec:
        return None
    solved = "; ".join(f"{earlier} ({', '.join(_closure(_functions(earlier), names))})"
                       for earlier, names in spec.items())
    return (f"note: {assignment}/{GIVEN_FILE} holds the solutions of {solved}. Give "
            f"{assignment} to students only after the deadline of {' and '.join(spec)}.")


def release(assignment):
    """Regenerate lectures/<assignment> from solutions/<assignment> (given_note says what
    given code it holds)."""
    with tempfile.TemporaryDirectory(dir=STATE if STATE.exists() else None) as tmp:
        built = generate(assignment, tmp)
        target = LECTURES / assignment
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(built, target)
    return target


def out_of_sync(assignment):
    """Files of lectures/<assignment> (and the given code in solutions/) that differ from a
    fresh release ([] when in sync)."""
    check_assignment(assignment)
    given, expected = SOLUTIONS / assignment / GIVEN_FILE, build_given(assignment)
    if (given.read_text() if given.exists() else None) != expected:
        return [str(given.relative_to(ROOT))]
    STATE.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=STATE) as tmp:
        built = generate(assignment, tmp)
        current = LECTURES / assignment
        names = {p.relative_to(built) for p in built.rglob("*") if p.is_file()}
        if current.exists():
            names |= {p.relative_to(current) for p in current.rglob("*") if p.is_file()}
        return sorted(str(n) for n in names
                      if not ((built / n).is_file() and (current / n).is_file()
                              and filecmp.cmp(built / n, current / n, shallow=False)))
