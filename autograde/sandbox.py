"""The sandboxed process that runs one student's notebook code for grading.

Started by ``autograde.engine`` as ``python -I sandbox.py READ_FD WRITE_FD``. It runs the
student's code cells, then answers requests ("call sigmoid with these arrays") over a pipe.
The checks themselves run in the parent, which the student's code never touches, so
rebinding numpy, ``np.testing``, builtins or the check helpers here cannot change a grade;
it is still detected (compared with a snapshot taken before student code runs) and
reported as tampering.

An audit hook (PEP 578) keeps the student's code away from instructor files: no reads
outside the Python installation, the ``mlkit`` package and a fresh working directory; no
writes outside that directory; no subprocesses, sockets, signals, ctypes or imports of the
instructor's packages. It is a guard against curious code, not a container.

This file is also imported by the parent for the wire format (``encode``/``decode``/
``send``/``receive``); it must not import the ``autograde`` package.
"""

import base64
import errno
import io
import json
import linecache
import os
import struct
import sys
import traceback
import warnings

MAX_MESSAGE = 256 * 2**20  # bytes; a larger answer is treated as a crash
SAFE_KINDS = "biufc"       # numpy dtypes that travel (never object arrays: no pickle)


# --- wire format: length-prefixed JSON, arrays as .npy without pickle -------------------

def _npy(array):
    """[dtype, shape, base64 of the C-order bytes]: no pickle, and far cheaper than .npy."""
    import numpy as np
    data = np.ascontiguousarray(array).reshape(array.shape)  # (keeps a 0-d array 0-d)
    return [array.dtype.str, list(array.shape), base64.b64encode(data.tobytes()).decode("ascii")]


def _from_npy(obj):
    import numpy as np
    if isinstance(obj, str):  # .npy (the older form)
        return np.load(io.BytesIO(base64.b64decode(obj)), allow_pickle=False)
    descr, shape, text = obj
    dtype = np.dtype(str(descr))
    if dtype.kind not in SAFE_KINDS or dtype.hasobject or dtype.fields:
        raise ValueError(f"arrays of {dtype} do not travel")
    shape = tuple(int(n) for n in shape)
    raw = bytearray(base64.b64decode(text))
    if len(raw) != dtype.itemsize * int(np.prod(shape, dtype=np.int64)):
        raise ValueError("array data does not match its shape")
    return np.frombuffer(raw, dtype=dtype).reshape(shape)


def encode(value, *, on_other):
    """JSON-ready form of value; ``on_other(value)`` encodes anything else (or raises)."""
    import numpy as np
    # numpy scalars first: np.float64 is also a Python float and must stay a numpy scalar.
    if isinstance(value, np.generic) and np.asarray(value).dtype.kind in SAFE_KINDS:
        return {"__np__": _npy(np.asarray(value))}
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, np.ndarray) and value.dtype.kind in SAFE_KINDS:
        return {"__nd__": _npy(value)}
    if isinstance(value, (list, tuple)):
        items = [encode(v, on_other=on_other) for v in value]
        return items if isinstance(value, list) else {"__tuple__": items}
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {"__dict__": [[k, encode(v, on_other=on_other)] for k, v in value.items()]}
    if isinstance(value, np.random.Generator):  # travels as its state: same draws there
        return {"__rng__": value.bit_generator.state}
    return on_other(value)


def decode(obj, *, on_other):
    """Inverse of encode; ``on_other(dict)`` decodes the dicts encode's on_other made."""
    if isinstance(obj, list):
        return [decode(v, on_other=on_other) for v in obj]
    if not isinstance(obj, dict):
        return obj
    if "__nd__" in obj:
        return _from_npy(obj["__nd__"])
    if "__np__" in obj:
        return _from_npy(obj["__np__"])[()]
    if "__tuple__" in obj:
        return tuple(decode(v, on_other=on_other) for v in obj["__tuple__"])
    if "__dict__" in obj:
        return {k: decode(v, on_other=on_other) for k, v in obj["__dict__"]}
    if "__rng__" in obj:
        return _generator(obj["__rng__"])
    return on_other(obj)


def _generator(state):
    import numpy as np
    bit_generator = getattr(np.random, state["bit_generator"])()
    bit_generator.state = state
    return np.random.Generator(bit_generator)


def send(stream, message):
    data = json.dumps(message).encode("utf-8")
    stream.write(struct.pack(">Q", len(data)) + data)
    stream.flush()


def receive(stream):
    """One message from a blocking stream (the child's side); EOFError when closed."""
    head = stream.read(8)
    if len(head) < 8:
        raise EOFError("pipe closed")
    (size,) = struct.unpack(">Q", head)
    if size > MAX_MESSAGE:
        raise EOFError("message too large")
    return json.loads(stream.read(size).decode("utf-8"))


# --- the child: sandbox ---------------------------------------------------------------------

def _under(path, roots):
    return any(path == r or path.startswith(r.rstrip("/") + "/") for r in roots)


def _audit_hook(config):
    """An audit hook enforcing the file, process and import rules in config."""
    real = os.path.realpath
    exempt = [real(p) for p in config["exempt"]]      # always readable (python, mlkit)
    readable = [real(p) for p in config["readable"]]  # readable unless denied
    denied = [real(p) for p in config["denied"]]      # course, submissions, gradebook
    workdir = real(config["workdir"])
    # Never readable, even from inside the Python installation (autograde installed there,
    # or a venv holding the course folder): the instructor's package (this file's folder:
    # hidden checks, held-out digits) and the course's solutions/ beside it.
    package = os.path.dirname(real(__file__))
    secret = [package, os.path.join(os.path.dirname(package), "solutions"),
              *(real(p) for p in config.get("secret", ()))]
    blocked_modules = tuple(config["blocked_modules"])
    write_flags = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC

    def may_read(path):
        return not _under(path, secret) and (
            _under(path, exempt + [workdir])
            or (_under(path, readable) and not _under(path, denied)))

    def check_path(event, path, write):
        if isinstance(path, int) or path is None:
            return
        path = real(os.fsdecode(path))
        if write and not (_under(path, [workdir]) or path == "/dev/null"):
            raise PermissionError(f"grading sandbox: {event} may not write {path}")
        if not write and not may_read(path):
            raise PermissionError(f"grading sandbox: {event} may not read {path}")

    forbidden = ("subprocess.", "os.system", "os.exec", "os.posix_spawn", "os.spawn",
                 "os.fork", "os.forkpty", "pty.", "socket.", "ctypes.", "os.kill",
                 "os.killpg", "signal.pthread_kill", "resource.setrlimit", "os.setuid",
                 "webbrowser.", "winreg.")
    path_writes = ("os.remove", "os.rename", "os.rmdir", "os.mkdir", "os.chmod",
                   "os.chown", "os.truncate", "os.utime", "os.symlink", "os.link",
                   "shutil.rmtree", "shutil.move", "shutil.copyfile", "shutil.copytree")

    def hook(event, args):
        if event == "open":
            path, mode, flags = args
            write = (mode is not None and any(c in str(mode) for c in "wax+")) or \
                (mode is None and bool((flags or 0) & write_flags))
            check_path(event, path, write)
        elif event in ("os.listdir", "os.scandir", "glob.glob"):
            check_path(event, args[0] if args and args[0] is not None else ".", False)
        elif event.startswith(path_writes):
            for arg in args[:2]:
                if isinstance(arg, (str, bytes, os.PathLike)):
                    check_path(event, arg, True)
        elif event == "import" and args[0].startswith(blocked_modules):
            raise ImportError(f"grading sandbox: {args[0]} cannot be imported here")
        elif event.startswith(forbidden):
            raise PermissionError(f"grading sandbox: {event} is not allowed while grading")
    return hook


class TimeLimit(BaseException):
    """Raised inside student code that runs past its time (BaseException: not caught by
    a student's `except Exception`)."""


def _on_alarm(signum, frame):
    raise TimeLimit("it ran longer than the time limit")


def _limited(seconds, fn, *args, **kwargs):
    """fn(*args, **kwargs) interrupted after `seconds` (the parent also has a hard limit)."""
    import signal
    signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return fn(*args, **kwargs)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def _raise_unavailable(*args, **kwargs):
    raise RuntimeError("this function is not available while your code is graded: "
                       "write the computation yourself")


class disabled:
    """Make functions (dotted paths, e.g. "mlkit.gradcheck.numerical_gradient") raise while
    the block runs, even through aliases a student made of them: their code is swapped."""

    def __init__(self, paths):
        self.functions = []
        for path in paths:
            module, _, name = path.rpartition(".")
            self.functions.append(getattr(__import__(module, fromlist=[name]), name))

    def __enter__(self):
        self.saved = [f.__code__ for f in self.functions]
        for f in self.functions:
            f.__code__ = _raise_unavailable.__code__

    def __exit__(self, *exc):
        for f, code in zip(self.functions, self.saved):
            f.__code__ = code


def _snapshot(modules):
    """What the checks rely on, by module: (module, names, the objects bound to them)."""
    return [(module, list(vars(module)), list(vars(module).values())) for module in modules]


_MISSING = object()


def _tampered(snapshot):
    """Names rebound since the snapshot (checked on every answer: kept to C-level loops)."""
    import itertools
    import operator
    found = []
    for module, names, values in snapshot:
        now = list(map(vars(module).get, names, itertools.repeat(_MISSING)))
        if any(map(operator.is_not, now, values)):
            found += [f"{module.__name__}.{n}" for n, a, b in zip(names, now, values)
                      if a is not b]
    return sorted(found)


class _Child:
    def __init__(self, namespace, snapshot, limits):
        self.ns, self.snapshot, self.handles = namespace, snapshot, {}
        self.cell_seconds, self.call_seconds = limits

    # Encoding of what cannot travel as data: kept here, referred to by handle.
    def keep(self, value):
        key = str(len(self.handles) + 1)
        self.handles[key] = value
        return {"__handle__": key, "type": type(value).__name__}

    def resolve(self, obj):
        if "__student__" in obj:
            return self.ns[obj["__student__"]]
        if "__handle__" in obj:
            return self.handles[obj["__handle__"]]
        if "__import__" in obj:  # a numpy or mlkit function named by the checks
            module, _, attr = obj["__import__"].rpartition(".")
            if module.split(".")[0] not in ("numpy", "mlkit"):
                raise ValueError(f"cannot pass {obj['__import__']}")
            return getattr(__import__(module, fromlist=[attr]), attr)
        raise ValueError("unknown value")

    def out(self, value):
        return encode(value, on_other=self.keep)

    def exec_cells(self, cells):
        errors = []
        for cell_id, source in cells:
            name = f"<cell {cell_id}>"
            # Registered as the kernel does, so that an error can quote the student's line.
            linecache.cache[name] = (len(source), None, source.splitlines(True), name)
            try:
                _limited(self.cell_seconds, exec, compile(source, name, "exec"), self.ns)
            except BaseException as exc:  # a student cell may raise anything, even SystemExit
                errors.append({"cell": cell_id, **_error(exc)})
        callables = sorted(k for k, v in self.ns.items()
                           if callable(v) and not k.startswith("__"))
        return {"cell_errors": errors, "callables": callables}

    def call(self, request):
        target = request["target"]
        fn = self.ns.get(target["name"]) if "name" in target else \
            self.handles[target["handle"]]
        args = decode(request["args"], on_other=self.resolve)
        kwargs = decode(request["kwargs"], on_other=self.resolve)
        ids = [_ids(a) for a in args], {k: _ids(v) for k, v in kwargs.items()}
        with warnings.catch_warnings(record=True) as caught, \
                disabled(request.get("disable", [])):
            warnings.simplefilter("always")
            try:
                result = _limited(self.call_seconds, fn, *args, **kwargs)
                answer = {"result": self.out(result)}
            except BaseException as exc:
                answer = {"error": _error(exc)}
        answer["after"] = [_after(a, i, self.out) for a, i in zip(args, ids[0])]
        answer["kwafter"] = {k: _after(v, ids[1][k], self.out) for k, v in kwargs.items()}
        answer["warnings"] = [{"category": w.category.__name__, "message": str(w.message)}
                              for w in caught[:5]]
        return answer

    def handle(self, request):
        op = request["op"]
        if op == "exec":
            answer = self.exec_cells(request["cells"])
        elif op == "call":
            answer = self.call(request)
        elif op == "getattr":
            answer = {"result": self.out(getattr(self.handles[request["handle"]],
                                                 request["attr"]))}
        elif op == "setattr":
            setattr(self.handles[request["handle"]], request["attr"],
                    decode(request["value"], on_other=self.resolve))
            answer = {}
        else:
            answer = {"error": {"type": "ValueError", "message": f"unknown op {op}"}}
        answer["tampered"] = _tampered(self.snapshot)
        return answer


def _signature(value):
    """What an array holds (its bytes, or a hash of them when large), to send back only
    the arguments a call changed."""
    import hashlib
    import numpy as np
    if not isinstance(value, np.ndarray) or value.dtype.kind not in SAFE_KINDS:
        return None
    data = np.ascontiguousarray(value)
    raw = memoryview(data).cast("B") if data.nbytes else b""
    key = (value.shape, value.dtype.str)
    if data.nbytes <= 1 << 16:
        return key, bytes(raw)
    return key, hashlib.blake2b(raw, digest_size=16).digest()


def _ids(value):
    """Identities and contents of a mutable argument's parts, to tell in-place updates
    from rebinding and unchanged arguments from changed ones."""
    if isinstance(value, dict):
        return {k: (id(v), _signature(v)) for k, v in value.items()}
    return id(value), _signature(value)


def _after(value, before, out):
    """What a call left in a mutable argument (arrays and dicts of arrays); None when it
    left it as it was."""
    import numpy as np
    if isinstance(value, np.ndarray):
        if before[1] is not None and _signature(value) == before[1]:
            return None
        return {"value": out(value), "same": id(value) == before[0]}
    if isinstance(value, np.random.Generator):  # its state moved on with the draws
        return {"rng_state": value.bit_generator.state}
    if isinstance(value, dict) and isinstance(before, dict):
        items = []
        for k, v in value.items():
            if not isinstance(k, str):
                continue
            ident, signature = before.get(k, (None, None))
            if ident == id(v) and signature is not None and _signature(v) == signature:
                continue  # the same array, unchanged
            items.append([k, out(v), ident == id(v)])
        return {"items": items} if items else None
    return None


def _error(exc):
    tb = exc.__traceback__
    frames = [f for f in traceback.extract_tb(tb) if f.filename.startswith("<cell")]
    origin = None
    while tb is not None:
        origin, tb = tb.tb_frame.f_code.co_name, tb.tb_next
    last = frames[-1] if frames else None  # the student's innermost line
    message = str(exc)[:800]
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT) \
            and _CAPS.get("disk"):
        message += (f" (your code wrote {_CAPS['disk'] / 2**20:.0f} MiB of files in total, the "
                    "cap for one notebook's files: write fewer or smaller files, or delete "
                    "the ones you no longer need)")
    elif isinstance(exc, OSError) and exc.errno == errno.EFBIG and _CAPS.get("file"):
        message += (f" (a file your code writes may be at most "
                    f"{_CAPS['file'] / 2**20:.0f} MiB)")
    return {"type": type(exc).__name__, "message": message,
            "origin": origin if origin != "<module>" else None,
            "where": [f"{f.filename[1:-1]}, line {f.lineno}, in {f.name}" for f in frames][-3:],
            "raised_at": last and {"function": last.name, "line": last.lineno,
                                   "text": (last.line or "")[:200]}}


class _Sink(io.TextIOBase):
    """Where the student's prints go: kept small, never mixed with the protocol."""
    def write(self, text):
        return len(text)


def _prepare():
    """Import everything the checks rely on, before student code can touch it."""
    import builtins  # noqa: F401
    import numpy  # noqa: F401
    import numpy.linalg  # noqa: F401
    import numpy.random  # noqa: F401
    import numpy.testing  # noqa: F401
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot  # noqa: F401  (loads the font cache before the sandbox closes)
    import mlkit  # noqa: F401
    import mlkit.checks  # noqa: F401
    # What the notebooks' setup cells import, and matplotlib's lazily loaded parts (layout,
    # contours, images, legends, text), loaded once in the zygote instead of per sandbox.
    import mlkit.datasets, mlkit.gradcheck, mlkit.graphs, mlkit.plotting  # noqa: F401, E401
    import mlkit.progress, mlkit.testfns  # noqa: F401, E401
    fig, axes = matplotlib.pyplot.subplots(1, 2, layout="constrained")
    axes[0].contourf([[0.0, 1.0], [1.0, 0.0]])
    axes[1].imshow([[0.0, 1.0]])
    axes[1].plot([0, 1], label="x")
    axes[1].legend()
    fig.canvas.draw()
    matplotlib.pyplot.close(fig)
    _no_fork_exec()


def _refuse_fork_exec(*args, **kwargs):
    raise PermissionError("grading sandbox: starting processes is not allowed while grading")


def _no_fork_exec():
    """_posixsubprocess.fork_exec starts a process without raising an audit event (CPython
    3.11): replace it, and every reference the loaded modules hold (subprocess._fork_exec),
    before student code runs; importing the module again is blocked by the audit hook. What
    gets past this anyway is killed when its sandbox ends (see _sweep)."""
    try:
        import _posixsubprocess
    except ImportError:
        return
    original = _posixsubprocess.fork_exec
    for module in list(sys.modules.values()):
        space = getattr(module, "__dict__", None)
        if isinstance(space, dict):
            for name, value in list(space.items()):
                if value is original:
                    space[name] = _refuse_fork_exec


def _limit_memory(config):
    import resource
    limit = config["memory_bytes"]
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    if config.get("file_bytes"):  # no single file written larger than this
        resource.setrlimit(resource.RLIMIT_FSIZE, (config["file_bytes"], config["file_bytes"]))


def _enter_workdir(config):
    """Make the working folder the current one. Under bubblewrap it is on a size-limited
    filesystem only this namespace sees: the files the grader staged for it (the
    submission's own, the given code) are copied in first, and count towards the cap."""
    if config.get("stage"):
        import shutil
        shutil.copytree(config["stage"], config["workdir"], symlinks=True)
    os.chdir(config["workdir"])
    # (ENOSPC means the cap only there: elsewhere it is the host's disk that is full)
    _CAPS.update(disk=config.get("disk_bytes") if config.get("stage") else None,
                 file=config.get("file_bytes"))


_CAPS = {}


def main():
    if sys.argv[1] == "--zygote":
        return _zygote(int(sys.argv[2]))
    read_fd, write_fd = int(sys.argv[1]), int(sys.argv[2])
    config = json.loads(os.environ["COURSE_SANDBOX"])
    _enter_workdir(config)
    sys.dont_write_bytecode = True
    _limit_memory(config)
    _prepare()
    _serve(read_fd, write_fd, config)


def _serve(read_fd, write_fd, config):
    """Close the sandbox (paths, audit hook, output sink) and answer requests."""
    import builtins
    import numpy
    import mlkit.checks
    # The course folder may be on sys.path (instructor set-up): student code must not
    # import from it. mlkit stays importable through its own package path.
    real = os.path.realpath
    sys.path[:] = [p for p in sys.path if _under(real(p or "."), config["exempt"])
                   or not _under(real(p or "."), config["denied"])]
    sys.path.insert(0, config["workdir"])  # the assignment's given code is copied there
    snapshot = _snapshot([builtins, numpy, numpy.testing, numpy.linalg, numpy.random,
                          mlkit.checks])
    incoming, outgoing = os.fdopen(read_fd, "rb"), os.fdopen(write_fd, "wb")
    sys.addaudithook(_audit_hook(config))
    sys.stdout = sys.stderr = _Sink()
    namespace = {"__name__": "__main__", "display": lambda *a, **k: None}
    child = _Child(namespace, snapshot, (config["cell_seconds"], config["call_seconds"]))
    while True:
        try:
            request = receive(incoming)
        except EOFError:
            return
        if request.get("op") == "quit":
            return
        try:
            answer = child.handle(request)
        except BaseException as exc:  # a broken request or a student object misbehaving
            answer = {"error": _error(exc), "tampered": _tampered(snapshot)}
        try:
            send(outgoing, answer)
        except (TypeError, ValueError) as exc:  # e.g. a student's str subclass in a result
            send(outgoing, {"error": _error(exc), "tampered": _tampered(snapshot)})


def _become_subreaper():
    """Make this zygote the parent of every orphan its sandboxes leave (Linux's
    PR_SET_CHILD_SUBREAPER), so that _sweep finds them. Elsewhere orphans go to init."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass


def _children():
    pid = os.getpid()
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return {int(p) for p in f.read().split()}
    except OSError:
        return set()


def _sweep(live):
    """Kill every process the students' code started that is still running: the zygote's
    children (orphans included: it is their subreaper) other than the live sandboxes."""
    import signal
    for pid in _children() - live:
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass


def _zygote(control_fd):
    """Import once, then fork a fresh sandbox per request (saves the imports' ~0.6 s CPU
    per notebook). Requests come over a Unix socket with the child's two pipe ends:
    ``spawn`` (environment, config) -> pid; ``kill`` pid; ``code`` pid -> exit code. The
    zygote is the children's parent, so a pid is never reused before it is reaped here."""
    import signal
    import socket
    sys.dont_write_bytecode = True
    _become_subreaper()
    _prepare()
    control = socket.socket(fileno=control_fd)
    live, exited, private = set(), {}, {}

    def forget(pid):
        """A sandbox ended: its folder on the size-limited filesystem goes (the next
        student's sandbox gets the whole cap)."""
        folder = private.pop(pid, None)
        if folder:
            import shutil
            shutil.rmtree(folder, ignore_errors=True)

    def reap():
        for pid in list(live):
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                live.discard(pid)
                exited[pid] = os.waitstatus_to_exitcode(status)
                forget(pid)

    while True:
        try:
            data, fds, _, _ = socket.recv_fds(control, 1 << 20, 2)
        except OSError:
            data, fds = b"", []
        if not data:  # the grader went away: so do its sandboxes (and this home)
            for pid in live:
                os.kill(pid, signal.SIGKILL)
            home = os.getcwd()
            if os.path.basename(home).startswith("grade-zygote-"):
                import shutil
                shutil.rmtree(home, ignore_errors=True)
            return
        request = json.loads(data)
        reply = {}
        if request["op"] == "spawn":
            _sweep(live)  # nothing a previous student's code left running sees this one's
            reap()
            pid = os.fork()
            if pid == 0:  # the sandbox
                try:
                    control.close()
                    os.environ.clear()
                    os.environ.update(request["env"])
                    config = request["config"]
                    _enter_workdir(config)
                    _limit_memory(config)
                    _serve(fds[0], fds[1], config)
                finally:
                    os._exit(0)
            for fd in fds:
                os.close(fd)
            live.add(pid)
            if request["config"].get("stage"):
                private[pid] = request["config"]["workdir"]
            reply = {"pid": pid}
        elif request["op"] == "kill":
            if request["pid"] in live:
                os.kill(request["pid"], signal.SIGKILL)
                os.waitpid(request["pid"], 0)
                live.discard(request["pid"])
                forget(request["pid"])
            _sweep(live)
        reap()
        if request["op"] == "code":
            reply = {"code": exited.get(request["pid"])}
        exited = {k: v for k, v in list(exited.items())[-64:]}
        control.sendall(json.dumps(reply).encode() + b"\n")


if __name__ == "__main__":
    main()
