"""Hidden checks: what the hidden test cells of the instructor notebooks run.

A hidden test cell holds a single call, ``run_hidden("sigmoid", globals())``, between
nbgrader's hidden-test markers, so neither the checks nor the reference implementations
ever appear in a notebook a student can read. Each check draws its inputs at grading time
from a seeded generator (reproducible per student, unpredictable to them), compares the
student's function with the reference from the solutions notebook and with properties that
any correct implementation has, and raises ``mlkit.checks.CheckFailed`` with a message
that never prints a hidden input in full.

The checks call student functions only through the namespace they are given: a plain
function in a notebook kernel, or a proxy into the sandboxed process under ``grade``.
"""

import hashlib
import importlib
import os
import pkgutil

import numpy as np

from autograde.course import reference

_REGISTRY = {}


def hidden_check(assignment, name):
    """Register ``fn(student, ref, rng)`` as the hidden check of exercise ``name``."""
    def register(fn):
        _REGISTRY[name] = (assignment, fn)
        return fn
    return register


def _load_all():
    """Import every check module of this package (each registers its checks)."""
    for module in pkgutil.iter_modules(__path__):
        if not module.name.startswith("_"):
            importlib.import_module(f"{__name__}.{module.name}")


class Student:
    """The student's functions, looked up by name with a clear error when missing."""

    def __init__(self, namespace):
        self._ns = namespace

    def __getattr__(self, name):
        fn = self._ns.get(name)
        if fn is None or not callable(fn):
            from mlkit.checks import CheckFailed
            raise CheckFailed(f"`{name}` is not defined: run the cell that defines it "
                              "(and keep its name as given).")
        return fn


def grading_seed(namespace, name):
    """Seed for an exercise's inputs: fixed per submission when grading, fresh otherwise."""
    base = namespace.get("__grading_seed__") or os.environ.get("COURSE_CHECK_SEED")
    if base is None:
        return np.random.SeedSequence().entropy  # unpredictable in a student's kernel
    digest = hashlib.sha256(f"{base}:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "little")


def run_hidden(name, namespace, *, seed=None, quiet=False):
    """Run the hidden checks of exercise ``name`` against the functions in ``namespace``."""
    __tracebackhide__ = True
    _load_all()
    if name not in _REGISTRY:
        raise KeyError(f"no hidden check registered for {name!r}")
    assignment, check = _REGISTRY[name]
    rng = np.random.default_rng(grading_seed(namespace, name) if seed is None else seed)
    try:
        check(Student(namespace), reference(assignment), rng)
    except AssertionError as exc:
        # Re-raised from here: a traceback (e.g. in nbgrader feedback) shows the message,
        # not the lines of the hidden check that raised it.
        from mlkit.checks import CheckFailed
        raise CheckFailed(str(exc), status=getattr(exc, "status", "failed")) from None
    if not quiet:
        print(f"✔ {name}: hidden checks passed.")


def registered():
    _load_all()
    return dict(_REGISTRY)


def attribute(obj, name):
    """obj.name for a student's object, local or in the grading sandbox, private names too
    (a Value's ``_backward``); AttributeError when it has none."""
    from autograde.engine import Remote
    return obj._attribute(name) if isinstance(obj, Remote) else getattr(obj, name)


def define_beside(fn, cell_id, source, names):
    """Run ``source`` (trusted helper code of a check) where the student's ``fn`` runs: in
    the grading sandbox for its proxy, here for a plain function (a kernel, the corpus).
    Returns the functions it defines, by name. Raises CheckFailed if it cannot run."""
    from autograde.engine import Remote, StudentError
    if isinstance(fn, Remote):
        try:
            return fn._beside(cell_id, source, names)
        except StudentError as exc:
            from mlkit.checks import CheckFailed
            raise CheckFailed(f"the checks could not run in the grading process ({exc}).")
    namespace = {}
    exec(compile(source, f"<{cell_id}>", "exec"), namespace)
    return {name: namespace[name] for name in names}


def without(fn, *paths):
    """fn, called with the functions at ``paths`` (e.g. "mlkit.gradcheck.numerical_gradient")
    made to raise: for an exercise graded "with mlkit's own checker made unavailable".
    Works for a student's function in the grading sandbox and for a local one."""
    if hasattr(fn, "without"):  # a proxy into the sandbox
        return fn.without(*paths)
    from autograde.sandbox import disabled

    def guarded(*args, **kwargs):
        with disabled(paths):
            return fn(*args, **kwargs)
    guarded.__name__ = getattr(fn, "__name__", "your function")
    return guarded
