"""Grade one submitted notebook: student code in a sandbox, checks in this process.

The student's code cells run in a separate sandboxed process (``autograde.sandbox``). The
test cells (visible and hidden) are taken from the instructor's source notebook and run
here, in a namespace where each exercise name is a proxy that calls the student's
function in the sandbox. Values cross the pipe as plain data, so nothing the student's
code does to numpy, ``np.testing``, builtins or the check helpers can reach the
comparisons; tampering is detected in the sandbox and scores 0 with status "tampered".
"""

import builtins
import contextlib
import functools
import io
import json
import os
import re
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass

import numpy as np

from autograde import sandbox as wire
from autograde.course import (ROOT, SOLUTIONS, STATE, CourseError, code_cells,
                              exercise_names, graded_cells, read_notebook, source_notebook)
from autograde.given import GIVEN_FILE, given_module

SANDBOX_SCRIPT = wire.__file__
SANDBOX_PYTHON = sys.executable  # the interpreter sandboxes run in (python -I)
# Exceptions and warnings from the sandbox are re-raised here as the same builtin type.
BUILTIN_ERRORS = {name: cls for name, cls in vars(builtins).items()
                  if isinstance(cls, type) and issubclass(cls, Exception)}


class SandboxTimeout(BaseException):
    """The student's code took too long (BaseException: checks must not swallow it)."""


class SandboxCrashed(BaseException):
    """The sandboxed process died (os._exit, a segfault, out of memory)."""


class SandboxOverCap(SandboxCrashed):
    """The student's code wrote more than ``Limits.disk_bytes`` in total: its sandbox was
    ended (only the cell or call that did it fails; the process did not crash)."""


@dataclass
class Limits:
    exec_seconds: float = 300.0   # all of a notebook's code cells (hard limit, kills)
    cell_seconds: float = 60.0    # one code cell (interrupted, the others still run)
    call_seconds: float = 20.0    # one call of a student function (interrupted)
    memory_bytes: int = 4 * 2**30
    file_bytes: int = 256 * 2**20  # largest file the student's code may write
    # All files in a sandbox's folder together (those copied in included): 2 files at the
    # per-file cap; 07's model is under 1 MiB, a submission's own files at most 64 MiB.
    # With --jobs N, at most N x this on the grading host's disk at once.
    disk_bytes: int = 512 * 2**20
    files_bytes: int = 64 * 2**20  # the submission folder's own files copied for its code
    files_count: int = 200


# What of a submission folder is not the student's data: notebooks (graded separately),
# the given code (always the instructor's copy), nbgrader's and editors' leftovers.
NOT_COPIED_NAMES = {GIVEN_FILE, "timestamp.txt", "__pycache__", ".ipynb_checkpoints"}


def submission_files(folder, limits):
    """The submission folder's own files for its code to read (a model it trained and saved):
    ``([(path, relative_path)], notes)``. Never follows a link, so nothing outside the
    folder is read; over the size or count cap, files are left out and noted."""
    folder = os.path.realpath(folder)
    files, skipped, total = [], [], 0
    if not os.path.isdir(folder):
        return files, []
    for here, dirs, names in os.walk(folder):
        top = here == folder
        dirs[:] = sorted(d for d in dirs if d not in NOT_COPIED_NAMES and not d.startswith(".")
                         and not os.path.islink(os.path.join(here, d)))
        for name in sorted(names):
            path = os.path.join(here, name)
            rel = os.path.relpath(path, folder)
            if name.endswith(".ipynb") or name.startswith(".") or name.endswith(".pyc") \
                    or (top and name in NOT_COPIED_NAMES):
                continue
            if os.path.islink(path) or not os.path.isfile(path):
                skipped.append(f"{rel} (a link or not a regular file)")
                continue
            size = os.path.getsize(path)
            if total + size > limits.files_bytes or len(files) >= limits.files_count:
                skipped.append(f"{rel} ({size / 2**20:.1f} MiB)")
                continue
            files.append((path, rel))
            total += size
    notes = [f"not copied for your code: {', '.join(skipped[:5])}"
             + (f" and {len(skipped) - 5} more" if len(skipped) > 5 else "")
             + f" (a submission's files may total {limits.files_bytes / 2**20:.0f} MiB in "
               f"{limits.files_count} files; links are never followed)"] if skipped else []
    return files, notes


class Sandbox:
    """A running sandboxed process holding one student's notebook namespace."""

    def __init__(self, limits=None, denied=(), files=(), private=True):
        self.limits = limits or Limits()
        # Under bubblewrap: the student's folder on a filesystem of its own, of the capped
        # size (private=False: the host folder, which the grader can read afterwards).
        self.private = private
        # Copied into the working directory: paths, or (path, relative path) pairs.
        self.files = [f if isinstance(f, tuple) else (f, os.path.basename(f)) for f in files]
        self.denied = [os.path.realpath(p) for p in (ROOT, STATE, *denied)]
        self.tampered = []
        self.proc = None
        self._unchecked = 0.0  # seconds the sandbox ran since its folder's size was checked

    def start(self):
        zygote = None
        if USE_ZYGOTE:  # first: a zygote replaced (another cap) takes its folder with it
            try:
                zygote = _zygote(self.limits.disk_bytes)
            except OSError:
                zygote = None
        self.workdir = tempfile.mkdtemp(prefix="grade-", dir=workroot())
        for path, rel in self.files:
            target = os.path.join(self.workdir, rel)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copyfile(path, target)
        child_r, self._w = os.pipe()
        self._r, child_w = os.pipe()
        prefixes = {os.path.realpath(p) for p in (sys.prefix, sys.base_prefix,
                                                  sys.exec_prefix, sys.base_exec_prefix)}
        workdir = stage = os.path.realpath(self.workdir)
        if self.private and capped_folders():  # copied in there by the sandbox itself
            workdir = os.path.join(private_root(), os.path.basename(stage))
        config = {
            "workdir": workdir,
            "stage": stage if workdir != stage else None,
            "exempt": sorted(prefixes | ({sandbox_mlkit()} if sandbox_mlkit() else set())),
            "readable": ["/usr/lib", "/usr/share", "/usr/local/lib", "/lib", "/proc/self",
                         "/dev/null", "/dev/urandom", "/etc/localtime"],
            "denied": self.denied,
            "blocked_modules": ["autograde", "solutions", "tests", "nbgrader", "nbformat",
                                "_posixsubprocess"],
            "memory_bytes": self.limits.memory_bytes,
            "file_bytes": self.limits.file_bytes,
            "disk_bytes": self.limits.disk_bytes,
            "cell_seconds": self.limits.cell_seconds,
            "call_seconds": self.limits.call_seconds,
        }
        env = sandbox_environment(workdir)
        env.update(COURSE_SANDBOX=json.dumps(config))
        try:
            self.proc = zygote.spawn(env, config, child_r, child_w) if zygote else None
        except OSError:
            self.proc = None
        if self.proc is None:  # no zygote (or it died): a process of its own
            self.proc = subprocess.Popen(
                isolated([SANDBOX_PYTHON, "-I", SANDBOX_SCRIPT, str(child_r), str(child_w)],
                         SANDBOX_SCRIPT, self.limits.disk_bytes),
                pass_fds=(child_r, child_w), cwd=self.workdir, env=env,
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(child_r)
        os.close(child_w)
        os.set_blocking(self._w, False)
        return self

    def close(self):
        if self.proc is not None:
            with contextlib.suppress(OSError):
                os.close(self._w)
                os.close(self._r)
            self.proc.kill()
            self.proc.wait()
            self.proc = None
        shutil.rmtree(getattr(self, "workdir", ""), ignore_errors=True)

    # --- what the sandbox writes: capped in total --------------------------------------------
    CHECK_EVERY = 0.05  # seconds of the sandbox's run time between checks of its folder

    def written(self):
        """Bytes the sandbox's folder takes on disk (links not followed)."""
        total, folders = 0, [self.workdir]
        while folders:
            try:
                entries = list(os.scandir(folders.pop()))
            except OSError:
                continue
            for entry in entries:
                try:
                    if entry.is_dir(follow_symlinks=False):
                        folders.append(entry.path)
                    else:
                        total += entry.stat(follow_symlinks=False).st_blocks * 512
                except OSError:
                    pass
        return total

    def _check_written(self):
        """End the sandbox when its files take more than the cap (checked at least every
        CHECK_EVERY seconds it runs, so what it can write past the cap is bounded by what a
        disk takes in that time, each file also by the per-file cap)."""
        self._unchecked = 0.0
        if self.proc is not None and self.written() > self.limits.disk_bytes:
            self.close()
            cap = self.limits.disk_bytes / 2**20
            raise SandboxOverCap(
                f"your code wrote more than {cap:.0f} MiB of files in total, the cap for "
                f"one notebook's files (those submitted with it included): write fewer or "
                "smaller files, or delete the ones you no longer need")

    # --- protocol ----------------------------------------------------------------------
    def request(self, message, seconds):
        if self.proc is None:
            raise SandboxCrashed("the sandbox is not running")
        started = time.monotonic()
        try:
            data = json.dumps(message).encode()
            self._write(struct.pack(">Q", len(data)) + data, seconds)
            size = struct.unpack(">Q", self._read(8, seconds))[0]
            if size > wire.MAX_MESSAGE:  # never read: the pipe would be out of step
                self.close()
                raise SandboxCrashed(f"your function returned more than "
                                     f"{wire.MAX_MESSAGE // 2**20} MiB of data")
            answer = json.loads(self._read(size, seconds))
        except (BrokenPipeError, ConnectionResetError, ValueError) as exc:
            self.close()
            raise SandboxCrashed(f"the process running your code stopped ({exc})") from None
        self.tampered = sorted(set(self.tampered) | set(answer.get("tampered", [])))
        took = time.monotonic() - started
        self._unchecked += took
        # Writing megabytes takes more than a millisecond: such a request is checked at
        # once (the cap is blamed on it), quicker ones together every CHECK_EVERY.
        if took > 0.001 or self._unchecked >= self.CHECK_EVERY:
            self._check_written()
        return answer

    def _write(self, data, seconds):
        """Write all of data, within ``seconds`` (the pipe is non-blocking: a sandbox that
        stops reading cannot hang the grader)."""
        deadline, view = time.monotonic() + seconds, memoryview(data)
        while view:  # a pipe takes a large message in several writes
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([], [self._w], [], left)[1]:
                self.close()
                raise SandboxTimeout(f"your code stopped reading for {seconds:.0f} s")
            try:
                view = view[os.write(self._w, view):]
            except BlockingIOError:
                continue

    def _read(self, size, seconds):
        deadline, chunks, got = time.monotonic() + seconds, [], 0
        while got < size:
            left = deadline - time.monotonic()
            if left <= 0:
                self.close()
                raise SandboxTimeout(f"no answer within {seconds:.0f} s")
            if not select.select([self._r], [], [], min(left, self.CHECK_EVERY))[0]:
                self._check_written()  # while it runs, too
                continue
            chunk = os.read(self._r, min(size - got, 1 << 20))
            if not chunk:  # the child exited (or its code closed the pipe: kill it)
                code = None
                with contextlib.suppress(subprocess.TimeoutExpired):
                    code = self.proc.wait(timeout=1) if self.proc else None  # it is exiting
                self.close()
                raise SandboxCrashed(f"the process running your code exited (code {code})")
            chunks.append(chunk)
            got += len(chunk)
        return b"".join(chunks)


# --- Linux namespaces (bubblewrap), where the machine has them -------------------------------

_WORKROOTS = {}


def workroot():
    """This process's folder for sandbox working directories (the only writable place a
    sandbox sees; under bubblewrap, the only folder of the machine it sees besides the
    Python installation, mlkit and the system's libraries)."""
    root = _WORKROOTS.get(os.getpid())
    if root is None or not os.path.isdir(root):
        root = _WORKROOTS[os.getpid()] = os.path.realpath(tempfile.mkdtemp(prefix="grade-zygote-"))
    return root


def bwrap():
    """The bwrap binary if it can make namespaces here (COURSE_SANDBOX_BWRAP=0: never)."""
    global _BWRAP, _BWRAP_SIZE
    if _BWRAP is None:
        found = shutil.which("bwrap") if os.environ.get("COURSE_SANDBOX_BWRAP") != "0" else None
        if found:
            ok = _runs([found, "--unshare-net", "--unshare-pid", "--ro-bind", "/", "/",
                        "--proc", "/proc", "true"])
            found = found if ok else ""
            # A size-limited tmpfs (bwrap >= 0.6): the cap on all a sandbox writes.
            _BWRAP_SIZE = bool(found) and _runs([found, "--ro-bind", "/", "/", "--size",
                                                  str(2**20), "--tmpfs", "/tmp", "true"])
        _BWRAP = found or ""
    return _BWRAP or None


def _runs(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


_BWRAP = None
_BWRAP_SIZE = False
PRIVATE = ".private"  # in a workroot: where, under bubblewrap, the size-limited tmpfs is


def capped_folders():
    """True where the sandboxes' folders are filesystems of their own of the capped size
    (bubblewrap with --size): the kernel then enforces Limits.disk_bytes exactly."""
    return bwrap() is not None and _BWRAP_SIZE


def private_root():
    path = os.path.join(workroot(), PRIVATE)
    os.makedirs(path, exist_ok=True)  # bwrap's mount point, on the host
    return path


def sandbox_environment(home):
    """The environment of a sandbox's interpreter (and of its zygote)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COURSE_", "JPY_"))}
    env.update(MPLBACKEND="Agg", MLKIT_PROGRESS="0", MLKIT_LIVE="0",
               OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1",
               HOME=home, TMPDIR=home, PYTHONHASHSEED="0")
    env.pop("PYTHONPATH", None)
    return env


_MLKIT = {}


def sandbox_mlkit():
    """The folder of the mlkit package that the sandbox's interpreter imports (found by
    asking that interpreter, as it runs there: ``python -I``, the sandbox's environment),
    or None when it imports none. Not the grader's own ``mlkit.__file__``: with an editable
    install of another checkout (a new semester's copy, a colleague's clone) the two
    differ, and the sandbox must be given the one it imports."""
    key = (os.getpid(), SANDBOX_PYTHON)
    if key not in _MLKIT:
        code = ("import importlib.util as u\n"
                "s = u.find_spec('mlkit')\n"
                "print((list(s.submodule_search_locations or []) or [''])[0] if s else '')")
        home = workroot()
        try:
            out = subprocess.run([SANDBOX_PYTHON, "-I", "-c", code], capture_output=True,
                                 text=True, timeout=60, cwd=home,
                                 env=sandbox_environment(home), stdin=subprocess.DEVNULL)
            found = out.stdout.strip().splitlines()[-1] if out.returncode == 0 else ""
        except (OSError, subprocess.TimeoutExpired, IndexError):
            found = ""
        _MLKIT[key] = os.path.realpath(found) if found else None
    return _MLKIT[key]


def isolated(cmd, script, disk_bytes=None):
    """cmd run under bubblewrap when available: no network (a network namespace with
    only loopback), its own PID and IPC namespaces, and a filesystem view of just the
    system's libraries, the Python installation, mlkit, the sandbox script and this
    process's sandbox folder (so no course, no submissions, no gradebook, no home)."""
    tool = bwrap()
    if tool is None:
        return cmd
    real = os.path.realpath
    interpreter = real(cmd[0])
    readonly = ["/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", "/etc/ld.so.cache",
                "/etc/localtime", "/etc/alternatives", "/etc/fonts",
                *{real(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix,
                                    sys.base_exec_prefix)},
                real(sys.executable), interpreter, real(script),
                *([sandbox_mlkit()] if sandbox_mlkit() else [])]
    args = [tool, "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts",
            "--die-with-parent", "--new-session", "--proc", "/proc", "--dev", "/dev",
            "--tmpfs", "/tmp"]
    for path in dict.fromkeys(readonly):
        if os.path.lexists(path):
            args += ["--ro-bind", path, path]
    for path in (sys.prefix, sys.exec_prefix, os.path.dirname(os.path.dirname(cmd[0]))):
        if os.path.isdir(path) and real(path) != os.path.abspath(path):  # a linked venv
            args += ["--ro-bind", real(path), os.path.abspath(path)]
    root = workroot()
    args += ["--bind", root, root]
    if disk_bytes and capped_folders():  # the students' folders: at most disk_bytes in all
        args += ["--size", str(int(disk_bytes)), "--tmpfs", private_root()]
    args += ["--chdir", root, "--"]
    return args + cmd


# Sandboxes are forked from a zygote that has imported numpy, matplotlib and mlkit once
# per grading process (COURSE_SANDBOX_ZYGOTE=0 turns it off: a fresh interpreter each).
USE_ZYGOTE = os.environ.get("COURSE_SANDBOX_ZYGOTE", "1") != "0"
_ZYGOTES = {}


class _Forked:
    """A sandbox forked by the zygote, driven like a Popen (kill, wait, poll)."""

    def __init__(self, zygote, pid):
        self.zygote, self.pid, self.returncode = zygote, pid, None

    def kill(self):
        with contextlib.suppress(OSError, ValueError):
            self.zygote.ask({"op": "kill", "pid": self.pid})

    def wait(self, timeout=0):
        return self.poll(patience=timeout or 0)

    def poll(self, patience=1.0):
        """The exit code; a sandbox that just closed its pipe gets ``patience`` seconds to
        finish exiting (so the code reported does not depend on timing)."""
        deadline = time.monotonic() + patience
        while self.returncode is None:
            with contextlib.suppress(OSError, ValueError):
                self.returncode = self.zygote.ask({"op": "code", "pid": self.pid}).get("code")
            if self.returncode is not None or time.monotonic() > deadline:
                break
            time.sleep(0.01)
        return self.returncode


class _Zygote:
    def __init__(self, script, disk_bytes=None):
        import socket
        import threading
        ours, theirs = socket.socketpair()
        self.home = workroot()  # the zygote deletes it (and what is left in it) at exit
        env = sandbox_environment(self.home)
        self.proc = subprocess.Popen(
            isolated([SANDBOX_PYTHON, "-I", script, "--zygote", str(theirs.fileno())], script,
                     disk_bytes),
            pass_fds=(theirs.fileno(),), cwd=self.home, env=env, stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        theirs.close()
        self.sock, self.lock, self.buffer = ours, threading.Lock(), b""
        self.python = (SANDBOX_PYTHON, sandbox_mlkit(), disk_bytes)
        import atexit
        atexit.register(self.close)

    def close(self):
        with contextlib.suppress(OSError):
            self.sock.close()  # the zygote kills its sandboxes and exits
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(5)
        shutil.rmtree(self.home, ignore_errors=True)

    def alive(self):
        return self.proc.poll() is None

    def ask(self, request, fds=()):
        import socket
        with self.lock:
            socket.send_fds(self.sock, [json.dumps(request).encode()], list(fds))
            while b"\n" not in self.buffer:
                chunk = self.sock.recv(1 << 16)
                if not chunk:
                    raise OSError("the sandbox zygote exited")
                self.buffer += chunk
            line, self.buffer = self.buffer.split(b"\n", 1)
        return json.loads(line)

    def spawn(self, env, config, child_r, child_w):
        return _Forked(self, self.ask({"op": "spawn", "env": env, "config": config},
                                      (child_r, child_w))["pid"])


def _zygote(disk_bytes=None):
    """This process's zygote (one per process and sandbox script: a fork of the grader
    gets its own)."""
    key = os.getpid(), SANDBOX_SCRIPT
    zygote = _ZYGOTES.get(key)
    if zygote is not None and zygote.python != (SANDBOX_PYTHON, sandbox_mlkit(), disk_bytes):
        zygote.close()  # another interpreter or cap asked for
        zygote = None
    if zygote is None or not zygote.alive():
        zygote = _ZYGOTES[key] = _Zygote(SANDBOX_SCRIPT, disk_bytes)
    return zygote


class Remote:
    """A student's function (or object) in the sandbox, called like a local one."""

    def __init__(self, sandbox, target, name, disable=()):
        self._sandbox, self._target, self.__name__ = sandbox, target, name
        self._disable = list(disable)

    def without(self, *paths):
        """This function, called with the given functions made unavailable."""
        return type(self)(self._sandbox, self._target, self.__name__,
                          [*self._disable, *paths])

    def __repr__(self):
        return f"<student's {self.__name__}>"

    def __call__(self, *args, **kwargs):
        answer = self._sandbox.request(
            {"op": "call", "target": self._target, "disable": self._disable,
             "args": wire.encode(list(args), on_other=_outgoing),
             "kwargs": wire.encode(kwargs, on_other=_outgoing)},
            self._sandbox.limits.call_seconds + 5)
        for arg, after in zip(args, answer.get("after", [])):
            _write_back(arg, after, self._sandbox)
        for key, after in answer.get("kwafter", {}).items():
            _write_back(kwargs.get(key), after, self._sandbox)
        for w in answer.get("warnings", []):
            category = BUILTIN_ERRORS.get(w["category"], UserWarning)
            category = category if issubclass(category, Warning) else UserWarning
            warnings.warn_explicit(w["message"], category, f"<{self.__name__}>", 0)
        if "error" in answer:
            if answer["error"]["type"] == "TimeLimit":
                raise SandboxTimeout(f"{self.__name__} ran longer than "
                                     f"{self._sandbox.limits.call_seconds:.0f} s")
            raise _student_error(answer["error"])
        return _incoming(answer["result"], self._sandbox)

    def __getattr__(self, attr):
        if attr.startswith("_") or "handle" not in self._target:
            raise AttributeError(attr)
        return self._attribute(attr)

    def _attribute(self, attr):
        """The student object's attribute, private ones too (a Value's ``_backward``);
        AttributeError when it has none."""
        if "handle" not in self._target:
            raise AttributeError(attr)
        answer = self._sandbox.request({"op": "getattr", "handle": self._target["handle"],
                                        "attr": attr}, self._sandbox.limits.call_seconds)
        if "error" in answer:
            raise _student_error(answer["error"])
        return _incoming(answer["result"], self._sandbox)  # a method comes as a handle

    def _beside(self, cell_id, source, names):
        """Run trusted code (a check's helpers) in this sandbox, beside the student's code;
        returns proxies of the functions it defines, by name."""
        answer = self._sandbox.request({"op": "exec", "cells": [[cell_id, source]]},
                                       self._sandbox.limits.cell_seconds + 5)
        if answer.get("cell_errors"):
            raise StudentError(answer["cell_errors"][0].get("message", "it raised"))
        return {name: proxy_class("function")(self._sandbox, {"name": name}, name)
                for name in names}

    def __setattr__(self, attr, value):
        if attr.startswith("_") or attr == "__name__" or "handle" not in self._target:
            return object.__setattr__(self, attr, value)
        answer = self._sandbox.request(
            {"op": "setattr", "handle": self._target["handle"], "attr": attr,
             "value": wire.encode(value, on_other=_outgoing)}, self._sandbox.limits.call_seconds)
        if "error" in answer:
            raise _student_error(answer["error"])


# Operators on a student's object (a micrograd-style Value) run in the sandbox too.
OPERATORS = ["__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__",
             "__truediv__", "__rtruediv__", "__pow__", "__rpow__", "__matmul__",
             "__rmatmul__", "__neg__", "__lt__", "__le__", "__gt__", "__ge__"]


def _operator(name):
    def method(self, *args):
        if "handle" not in self._target:
            return NotImplemented
        answer = self._sandbox.request({"op": "getattr", "handle": self._target["handle"],
                                        "attr": name}, self._sandbox.limits.call_seconds)
        if "error" in answer:
            return NotImplemented
        return _incoming(answer["result"], self._sandbox)(*args)
    method.__name__ = name
    return method


for _name in OPERATORS:
    setattr(Remote, _name, _operator(_name))


@functools.lru_cache(maxsize=256)
def proxy_class(type_name):
    """The proxy class for a student's object of type ``type_name``: a subclass of Remote
    with that name, so that every message naming the type (the checks', and Python's own:
    "cannot unpack non-iterable Trained object") names the student's, not the proxy's."""
    return type(type_name, (Remote,), {"__module__": "student", "__qualname__": type_name})


def _outgoing(value):
    """How a check passes a function to the student's code: by reference, never pickled."""
    if isinstance(value, Remote):
        return {"__student__": value._target["name"]} if "name" in value._target \
            else {"__handle__": value._target["handle"]}
    module = getattr(value, "__module__", None) or ""
    if isinstance(value, np.ufunc):
        module = "numpy"
    name = getattr(value, "__name__", "")
    if callable(value) and module.split(".")[0] in ("numpy", "mlkit") and name:
        return {"__import__": f"{module}.{name}"}
    raise TypeError(f"cannot pass {type(value).__name__} to student code")


def _incoming(obj, sandbox):
    def other(d):
        if "__handle__" in d:
            name = str(d.get("type", "object"))
            return proxy_class(name)(sandbox, {"handle": d["__handle__"]}, name)
        raise ValueError("unexpected value from the sandbox")
    return wire.decode(obj, on_other=other)


def _write_back(arg, after, sandbox):
    """Mirror the student's in-place changes to an argument (arrays, dicts of arrays)."""
    if not after:
        return
    if isinstance(arg, np.random.Generator) and "rng_state" in after:
        arg.bit_generator.state = after["rng_state"]
    elif isinstance(arg, np.ndarray) and "value" in after:
        new = _incoming(after["value"], sandbox)
        if isinstance(new, np.ndarray) and new.shape == arg.shape:
            np.copyto(arg, new, casting="unsafe")
    elif isinstance(arg, dict) and "items" in after:
        for key, value, same in after["items"]:
            new = _incoming(value, sandbox)
            if same and isinstance(arg.get(key), np.ndarray) and isinstance(new, np.ndarray) \
                    and new.shape == arg[key].shape:
                np.copyto(arg[key], new, casting="unsafe")
            else:
                arg[key] = new


class StudentError(Exception):
    """An exception raised by the student's code in the sandbox."""


def _student_error(info):
    cls = BUILTIN_ERRORS.get(info["type"])
    exc = cls(info["message"]) if cls and cls.__module__ == "builtins" else \
        StudentError(info["message"])
    exc.type_name = info["type"]
    exc.origin = info.get("origin")
    exc.where = info.get("where", [])
    exc.raised_at = info.get("raised_at")  # read by mlkit.checks: the student's line, if any
    return exc


# --- grading a notebook -------------------------------------------------------------------

@dataclass
class CellResult:
    cell: str
    max_score: float
    score: float
    status: str        # passed, failed, error, timeout, tampered, missing
    message: str = ""


MAGIC = re.compile(r"^(\s*)[%!].*$", re.MULTILINE)  # IPython magics and shell escapes


def is_experiment(cell):
    """An experiment-only cell (long training, animation, sweep): ``"course": {"experiment":
    true}`` in its metadata. Exercises and test cells never depend on one."""
    meta = cell.get("metadata", {}).get("course", {})
    return isinstance(meta, dict) and meta.get("experiment") is True


def student_cells(source_nb, submitted_nb, *, experiments=False):
    """What runs in the sandbox: the submission's code, with locked cells from the source.

    Experiment cells are left out (unless ``experiments``): those the submission marks and
    those whose text is one of the source's experiment cells (metadata removed by hand).
    """
    source = {c.grade_id: c for c in code_cells(source_nb)}
    submitted = code_cells(submitted_nb)
    if not experiments:
        source_experiments = {c.source for c in source_nb.cells
                              if c.cell_type == "code" and is_experiment(c)}
        skip = {i for i, c in enumerate(c for c in submitted_nb.cells if c.cell_type == "code")
                if is_experiment(c) or c.source in source_experiments}
        submitted = [c for i, c in enumerate(submitted) if i not in skip]
    present = {c.grade_id for c in submitted}
    # A deleted locked setup cell (imports, given code) is restored first, as nbgrader's
    # add_missing_cells would.
    run = [[c.grade_id, c.source] for c in source.values()
           if c.role == "setup" and c.grade_id not in present]
    for cell in submitted:
        original = source.get(cell.grade_id)
        if cell.role == "test" or (original is not None and original.role == "test"):
            continue  # tests run from the instructor's copy, in the trusted process
        text = original.source if original is not None and original.role == "setup" \
            else cell.source
        run.append([cell.grade_id, MAGIC.sub(r"\1pass  # (magic skipped)", text)])
    return run


def _run_cell(cell, namespace):
    """Run one instructor test cell; return (status, message)."""
    __tracebackhide__ = True
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            exec(compile(cell.source, f"<test {cell.grade_id}>", "exec"), namespace)
        if caught:  # nbgrader scores a cell that writes to stderr as failed
            return "failed", f"a warning was printed: {caught[0].message}"
        return "passed", out.getvalue().strip()
    except AssertionError as exc:  # CheckFailed and plain asserts
        return getattr(exc, "status", "failed"), str(exc) or "a check failed"
    except NameError as exc:
        errors = namespace.get("__cell_errors__", [])
        why = "".join(f" {str(e['cell'])[:1].upper()}{str(e['cell'])[1:]} raised "
                      f"{e['type']}: {e['message']}." for e in errors[:2])
        return "error", f"{exc}: define it in your notebook (keep the name as given).{why}"
    except (SandboxTimeout, SandboxCrashed):
        raise
    except Exception as exc:
        kind = getattr(exc, "type_name", type(exc).__name__)
        where = "; ".join(getattr(exc, "where", []))
        return "error", f"{kind}: {exc}" + (f" (at {where})" if where else "")


def grade_notebook(assignment, submitted_path, *, seed="", limits=None, denied=(),
                   experiments=False, notes=(), report=None, save_files_to=None):
    """Grade one submitted notebook; returns a CellResult per test cell of the source.

    The files beside the notebook (its submission folder's own, see ``submission_files``)
    are copied into the sandbox's working directory; experiment cells are skipped unless
    ``experiments``. ``save_files_to``: a folder to copy the files the student's code
    wrote into (tests: a submission as a student who ran everything would have it).
    ``notes`` are added to every message; ``report`` (a dict), if given,
    receives what went wrong with the run itself: ``crashes`` (times the student's code
    killed its process), ``timeouts`` (cells or calls stopped), ``skipped`` (cell ids).
    """
    report = {} if report is None else report
    report.update(crashes=0, timeouts=0, skipped=[])
    source_nb = source_notebook(assignment)
    tests = graded_cells(source_nb)

    def all_rows(status, message):
        return [CellResult(c.grade_id, c.points, 0.0, status, message) for c in tests]

    if not os.path.exists(submitted_path):
        return all_rows("missing", f"no notebook {os.path.basename(submitted_path)}")
    try:
        submitted_nb = read_notebook(submitted_path)
    except CourseError as exc:
        return all_rows("error", str(exc))
    limits = limits or Limits()
    files, file_notes = submission_files(os.path.dirname(os.path.abspath(submitted_path)),
                                         limits)
    session = _Session(assignment, student_cells(source_nb, submitted_nb,
                                                 experiments=experiments),
                       exercise_names(assignment),
                       [c for c in code_cells(source_nb) if c.role == "setup"],
                       seed, limits, denied, files)
    session.notes += [f"(note: {n})" for n in [*notes, *file_notes]]
    session.save_files_to = save_files_to
    results = []
    try:
        for cell in tests:
            try:
                status, message = _run_cell(cell, session.namespace())
            except SandboxTimeout as exc:
                status, message = "timeout", f"your code did not finish: {exc}"
                report["timeouts"] += 1
            except SandboxOverCap as exc:
                status, message = "error", str(exc)
            except SandboxCrashed as exc:
                status, message = "error", f"your code crashed the process that runs it: {exc}"
                report["crashes"] += 1
            results.append(CellResult(cell.grade_id, cell.points,
                                      cell.points if status == "passed" else 0.0,
                                      status, message))
    except SandboxCrashed as exc:  # the notebook cannot be run at all
        report["crashes"] += 1
        done = {r.cell for r in results}
        results += [r for r in all_rows("error", f"running your notebook failed: {exc}")
                    if r.cell not in done]
    finally:
        session.close()
    report["skipped"] = sorted(session.skipped)
    report["crashes"] += session.crashes
    report["timeouts"] += session.timeouts
    if session.tampered:
        message = ("your code rebinds " + ", ".join(session.tampered[:5])
                   + ("…" if len(session.tampered) > 5 else "") + ": checks were not trusted")
        return [CellResult(r.cell, r.max_score, 0.0, "tampered", message) for r in results]
    for r in results:
        r.message = scrub_paths(" ".join([r.message, *session.notes]).strip())
    return results


_PATH = re.compile(r"(?<![\w.~])/(?:[^\s'\",:;()\[\]<>]+/)+([^\s'\",:;()\[\]<>]*)")


def scrub_paths(message):
    """The message with the grading host's paths removed: a student never learns where
    the course, the Python installation or the sandbox live (a path inside the sandbox's
    working directory becomes relative; any other absolute path keeps only its name)."""
    return _PATH.sub(lambda m: f".../{m.group(1)}" if m.group(1) else "...", message)


def _cell_label(cell_id, source):
    """How a message names a student's cell: by its exercise id, or (a cell without one,
    whose id the student never sees) by its first line."""
    if not cell_id.startswith("cell-"):
        return f"the cell {cell_id!r}"
    first = next((line.strip() for line in source.splitlines() if line.strip()), "")
    return f"the cell starting `{first[:60]}`" if first else "an empty cell"


class _Session:
    """A student's notebook loaded in a sandbox, restarted when their code kills it.

    Cells run one at a time, so a cell that crashes the process or hangs past its alarm is
    known: after a restart it is skipped (and noted) instead of losing the submission.
    """

    MAX_STARTS = 6

    def __init__(self, assignment, cells, names, setup, seed, limits, denied, files=()):
        self.assignment, self.cells, self.names, self.setup = assignment, cells, names, setup
        self.seed, self.limits, self.denied, self.files = seed, limits, denied, list(files)
        self.skipped, self.notes, self.tampered = set(), [], []
        self.crashes = self.timeouts = 0
        self.save_files_to = None
        self.sandbox, self._namespace, self.starts = None, None, 0

    def namespace(self):
        """The trusted test namespace, (re)starting the sandbox when it is not running."""
        while self.sandbox is None or self.sandbox.proc is None:
            self._start()
        return self._namespace

    def _start(self):
        self.close()
        if self.starts >= self.MAX_STARTS:
            raise SandboxCrashed(f"it crashed the process {self.starts} times")
        self.starts += 1
        given = SOLUTIONS / self.assignment / GIVEN_FILE
        # The student's files first: the instructor's given code always wins.
        self.sandbox = Sandbox(self.limits, self.denied,
                               self.files + ([given] if given.exists() else []),
                               private=not self.save_files_to).start()
        errors, callables = [], []
        deadline = time.monotonic() + self.limits.exec_seconds
        for cell_id, source in self.cells:
            if cell_id in self.skipped:
                continue
            if time.monotonic() > deadline:
                self.timeouts += 1
                self._skip(cell_id, f"skipped: the notebook ran past "
                                    f"{self.limits.exec_seconds:.0f} s")
                continue
            try:
                info = self.sandbox.request({"op": "exec", "cells": [[cell_id, source]]},
                                            self.limits.cell_seconds + 5)
            except (SandboxCrashed, SandboxTimeout) as exc:
                if isinstance(exc, SandboxTimeout):
                    self.timeouts += 1
                elif not isinstance(exc, SandboxOverCap):
                    self.crashes += 1
                self._skip(cell_id, f"{_cell_label(cell_id, source)} was skipped: {exc}")
                return  # restart without it (the caller loops)
            errors += [dict(e, cell=_cell_label(cell_id, source))  # as the student sees it
                       for e in info.get("cell_errors", [])]
            callables = info.get("callables", callables)
        self._namespace = self._trusted_namespace(errors, callables)

    def _skip(self, cell_id, note):
        self.skipped.add(cell_id)
        self.notes.append(f"(note: {note})")
        self._merge_tampered()
        if self.sandbox is not None:
            self.sandbox.close()

    def _trusted_namespace(self, errors, callables):
        # Not "__main__": nothing run here is the student's (their code runs in the
        # sandbox), so mlkit.checks never quotes a line of this namespace as theirs.
        namespace = {"__name__": "__checks__", "__grading_seed__": self.seed,
                     "__cell_errors__": errors}
        with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings(), \
                given_module(self.assignment):
            warnings.simplefilter("ignore")
            for cell in self.setup:
                exec(compile(cell.source, f"<setup {cell.grade_id}>", "exec"), namespace)
        for name in self.names:
            namespace.pop(name, None)
            if name in callables:
                namespace[name] = proxy_class("function")(self.sandbox, {"name": name}, name)
        return namespace

    def _merge_tampered(self):
        if self.sandbox is not None:
            self.tampered = sorted(set(self.tampered) | set(self.sandbox.tampered))

    def close(self):
        self._merge_tampered()
        if self.sandbox is not None:
            if self.save_files_to and getattr(self.sandbox, "workdir", None):
                _save_new_files(self.sandbox, self.save_files_to)
            self.sandbox.close()


def _save_new_files(sandbox, folder):
    """Copy the files the student's code wrote (not those copied in) to folder: what a
    student who ran the whole notebook would find beside it."""
    given = {rel for _, rel in sandbox.files}
    for here, _, names in os.walk(sandbox.workdir):
        for name in names:
            path = os.path.join(here, name)
            rel = os.path.relpath(path, sandbox.workdir)
            if rel not in given and os.path.isfile(path) and not os.path.islink(path):
                target = os.path.join(folder, rel)
                os.makedirs(os.path.dirname(target), exist_ok=True)
                shutil.copyfile(path, target)


def run_tests_locally(assignment, functions, *, seed="local", cells=None):
    """Run an assignment's test cells against plain Python functions: no kernel, no sandbox.

    functions: name -> callable (e.g. a student's or a corpus implementation); names not
    given come from the reference solutions, so one exercise is judged at a time. Returns
    a CellResult per test cell (or per cell whose grade_id is in ``cells``).
    """
    from autograde.course import reference
    source_nb = source_notebook(assignment)
    namespace = {"__name__": "__main__", "__grading_seed__": seed}
    ref = reference(assignment)
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings(), \
            given_module(assignment):
        warnings.simplefilter("ignore")
        for cell in (c for c in code_cells(source_nb) if c.role == "setup"):
            exec(compile(cell.source, f"<setup {cell.grade_id}>", "exec"), namespace)
    namespace.update({n: ref[n] for n in exercise_names(assignment)})
    namespace.update(functions)
    results = []
    for cell in graded_cells(source_nb):
        if cells is None or cell.grade_id in cells:
            status, message = _run_cell(cell, namespace)
            results.append(CellResult(cell.grade_id, cell.points,
                                      cell.points if status == "passed" else 0.0,
                                      status, message))
    return results
