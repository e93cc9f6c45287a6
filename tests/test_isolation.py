"""What a grading sandbox can reach: caps on time, memory and file size everywhere; where
bubblewrap can make Linux namespaces, no network and no instructor folders at all."""

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
        import mlkit
        assert os.path.isdir(view + os.path.dirname(mlkit.__file__))
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
