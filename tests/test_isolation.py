"""What a grading sandbox can reach: caps on time, memory, file size and the total written
everywhere; where bubblewrap can make Linux namespaces, no network and no instructor
folders at all."""

import os

import pytest

from autograde import engine
from autograde.course import ROOT
from autograde.engine import Limits, Remote, Sandbox


def _sandbox(code, limits=None):
    box = Sandbox(limits).start()
    answer = box.request({"op": "exec", "cells": [["c", code]]}, 60)
    return box, answer


def _namespace_pid(box):
    """The host pid of the process that runs the sandboxes (zygote or own process)."""
    zygote = engine._ZYGOTES.get((os.getpid(), engine.SANDBOX_SCRIPT))
    pid = zygote.proc.pid if zygote else box.proc.pid
    # under bwrap: bwrap -> (its init) -> python; follow children to a python process
    for _ in range(3):
        if "python" in open(f"/proc/{pid}/comm").read():
            return pid
        children = open(f"/proc/{pid}/task/{pid}/children").read().split()
        if not children:
            break
        pid = int(children[0])
    return pid


@pytest.mark.skipif(engine.bwrap() is None, reason="bubblewrap cannot make namespaces here")
def test_under_bubblewrap_the_sandbox_sees_no_course_and_no_network():
    box, _ = _sandbox("x = 1")
    try:
        pid = _namespace_pid(box)
        view = f"/proc/{pid}/root"
        assert not os.path.exists(view + str(ROOT / "solutions"))
        assert not os.path.exists(view + str(ROOT / "autograde" / "hidden"))
        assert not os.path.exists(view + str(ROOT / "tests"))
        import sys
        bound = [os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.executable)]
        for home in ("/root", "/home", os.path.expanduser("~")):
            if os.path.isdir(view + home):  # only as the way to the Python installation
                allowed = {b[len(home) + 1:].split("/")[0] for b in bound
                           if b.startswith(home + "/")}
                assert set(os.listdir(view + home)) <= allowed, home
        # The mlkit the sandbox's interpreter imports (the grader's own, unless an editable
        # install of another checkout points elsewhere).
        assert os.path.isdir(view + engine.sandbox_mlkit())
        interfaces = [line.split(":")[0].strip()
                      for line in open(f"/proc/{pid}/net/dev").read().splitlines()[2:]]
        assert interfaces == ["lo"]
    finally:
        box.close()


def test_a_file_larger_than_the_cap_cannot_be_written():
    limits = Limits(file_bytes=2**20)
    box, answer = _sandbox("def write(n):\n"
                           "    try:\n"
                           "        with open('big.bin', 'wb') as f:\n"
                           "            f.write(b'x' * n)\n"
                           "        return 'written'\n"
                           "    except OSError as exc:\n"
                           "        return type(exc).__name__\n", limits)
    try:
        write = Remote(box, {"name": "write"}, "write")
        assert write(1000) == "written"
        assert write(4 * 2**20) != "written"
    finally:
        box.close()


def test_writing_past_the_total_cap_ends_only_the_call_that_did_it():
    """Many files, each under the per-file cap, past the total cap: that call fails, with a
    message a student can act on. Under bubblewrap the folder is a filesystem of the
    capped size (the write itself fails); elsewhere the grader, which checks the folder
    while the sandbox runs, ends the sandbox (its folder goes with it)."""
    from autograde.engine import SandboxOverCap
    limits = Limits(file_bytes=2 * 2**20, disk_bytes=8 * 2**20)
    box, answer = _sandbox("def write(name, mib):\n"
                           "    with open(name, 'wb') as f:\n"
                           "        f.write(b'x' * (mib * 2**20))\n"
                           "    return 'written'\n\n"
                           "def flood(n):\n"
                           "    for i in range(n):\n"
                           "        write(f'part{i}.bin', 1)\n"
                           "    return 'flooded'\n", limits)
    try:
        assert Remote(box, {"name": "write"}, "write")("a.bin", 1) == "written"
        assert Remote(box, {"name": "flood"}, "flood")(4) == "flooded"  # 5 MiB in all
        workdir = box.workdir
        if engine.capped_folders():
            with pytest.raises(OSError, match="wrote 8 MiB of files in total, the cap"):
                Remote(box, {"name": "flood"}, "flood")(64)
        else:
            with pytest.raises(SandboxOverCap, match="more than 8 MiB of files in total"):
                Remote(box, {"name": "flood"}, "flood")(64)
            assert box.proc is None and not os.path.exists(workdir)
    finally:
        box.close()


@pytest.mark.skipif(not engine.capped_folders(), reason="no bubblewrap with --size here")
def test_under_bubblewrap_each_sandbox_gets_the_whole_cap_again():
    """The size-limited filesystem is the zygote's: a sandbox's folder is deleted when it
    ends, so the next student's starts empty."""
    limits = Limits(file_bytes=4 * 2**20, disk_bytes=8 * 2**20)
    code = ("def fill():\n"
            "    for i in range(3):\n"
            "        with open(f'f{i}.bin', 'wb') as f:\n"
            "            f.write(b'x' * 2**21)\n"
            "    return 'filled'\n")
    for _ in range(3):  # 6 MiB each: two at once would not fit
        box, _ = _sandbox(code, limits)
        try:
            assert Remote(box, {"name": "fill"}, "fill")() == "filled"
        finally:
            box.close()


def test_over_the_total_cap_only_the_exercise_that_wrote_loses_its_points(tmp_path):
    from autograde.engine import grade_notebook
    from autograde.course import graded_cells, read_notebook, source_path
    from submissions import make_submission
    path = make_submission(tmp_path, "writer", "01_neuron", replace={"xor_net": """
def xor_net(X):
    for i in range(40):
        with open(f"copy{i}.bin", "wb") as f:
            f.write(b"x" * 2**20)
    return np.maximum(X @ np.ones((2, 2)) + np.array([0.0, -1.0]), 0) @ np.array([1.0, -2.0])
"""})
    report = {}
    results = grade_notebook("01_neuron", path, seed="w", report=report,
                             limits=Limits(exec_seconds=120, cell_seconds=8, call_seconds=3,
                                           file_bytes=2 * 2**20, disk_bytes=16 * 2**20))
    lost = {r.cell: r for r in results if r.score < r.max_score}
    assert lost and all(c.startswith("test_xor_net") for c in lost), lost
    assert all("16 MiB of files in total, the cap for one notebook" in r.message
               for r in lost.values()), lost
    assert report["crashes"] == 0
    full = sum(c.points for c in graded_cells(read_notebook(source_path("01_neuron"))))
    assert sum(r.score for r in results) == full - sum(r.max_score for r in lost.values())


def test_memory_beyond_the_cap_fails_inside_the_students_code():
    box, _ = _sandbox("def grab():\n"
                      "    try:\n"
                      "        b = bytearray(3 * 2**30)\n"
                      "        return 'got it'\n"
                      "    except MemoryError:\n"
                      "        return 'MemoryError'\n", Limits(memory_bytes=2**30))
    try:
        assert Remote(box, {"name": "grab"}, "grab")() == "MemoryError"
    finally:
        box.close()


def test_what_student_code_prints_goes_nowhere():
    box, answer = _sandbox("for i in range(10**5):\n    print('spam' * 100)\n")
    try:
        assert answer["cell_errors"] == []  # it ran; nothing of it reached the grader
    finally:
        box.close()


def test_student_code_cannot_start_a_process_through_fork_exec():
    """_posixsubprocess.fork_exec raises no audit event: it is replaced before student code
    runs, also where subprocess keeps its own reference."""
    box, answer = _sandbox(
        "def attempt():\n"
        "    import subprocess, _posixsubprocess\n"
        "    out = []\n"
        "    for fn in (subprocess._fork_exec, _posixsubprocess.fork_exec):\n"
        "        try:\n"
        "            fn([b'/bin/true'], [b'/bin/true'], True, (), None, None, -1, -1, -1,\n"
        "               -1, -1, -1, -1, -1, False, False, -1, None, None, None, -1, None)\n"
        "            out.append('started')\n"
        "        except PermissionError:\n"
        "            out.append('refused')\n"
        "    return out\n")
    try:
        assert Remote(box, {"name": "attempt"}, "attempt")() == ["refused", "refused"]
    finally:
        box.close()


def test_the_zygote_kills_what_a_sandbox_left_running():
    """Whatever gets past the sandbox's rules and starts a process (here: a double fork, so
    the process is an orphan) is killed when the next sandbox starts or one is closed: the
    zygote is the orphans' subreaper and sweeps them."""
    import subprocess
    import sys
    script = (
        "import os, sys, time\n"
        f"sys.path.insert(0, {str(ROOT / 'autograde')!r})\n"
        "import sandbox\n"
        "sandbox._become_subreaper()\n"
        "r, w = os.pipe()\n"
        "if os.fork() == 0:\n"           # the sandbox
        "    if os.fork() == 0:\n"       # what its code started
        "        os.write(w, str(os.getpid()).encode()); time.sleep(60); os._exit(0)\n"
        "    os._exit(0)\n"              # the sandbox ends: its child is an orphan
        "orphan = int(os.read(r, 32))\n"
        "os.wait()\n"
        "time.sleep(0.2)\n"
        "assert orphan in sandbox._children(), 'the orphan is not the zygote\\'s child'\n"
        "sandbox._sweep(set())\n"
        "print('alive' if os.path.exists(f'/proc/{orphan}') else 'killed')\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "killed"
