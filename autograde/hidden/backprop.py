"""Hidden checks of 04_backprop.

Caches are private: a backward function is always checked with the cache that the student's
own forward function returned (passed back unchanged, whatever it is), and only public
outputs are compared. Expected values come from the reference solutions, computed on copies
before the student's function is called; the MLP loss is also compared with central
differences of the reference loss.
"""

import numpy as np

from autograde.hidden import attribute, hidden_check
from autograde.hidden._cases import call_unchanged, pair
from mlkit.checks import (CheckFailed, call, expect_close, expect_dtype, expect_finite,
                          expect_shape, expect_true)

A = "04_backprop"
ACTIVATIONS = ("relu", "sigmoid", "tanh")
GLOBAL_STATE = ("Take everything backward needs from the cache argument: values kept from the "
                "last forward call (in global variables or function attributes) belong to "
                "another input.")


# --- helpers ---------------------------------------------------------------------------------

def _call(fn, args, names, **kwargs):
    __tracebackhide__ = True
    return call_unchanged(fn, names, *args, **kwargs)


def _sizes(rng):
    """(N, D_in, D_out) cases: random, a batch of one, a single input/output, square."""
    n, d, m = (int(k) for k in rng.integers(2, 8, size=3))
    while d == m:  # a transposed dW shows as a wrong shape in this case
        m = int(rng.integers(2, 8))
    k = int(rng.integers(2, 6))
    return [(n, d, m), (1, int(rng.integers(2, 6)), int(rng.integers(2, 6))), (n, 1, 1),
            (k, k, k), (int(rng.integers(3, 9)) | 1, d, 1)]


# --- the scalar autograd engine (Value) ----------------------------------------------------
#
# The checks drive the student's Value only through its public contract: the constructor,
# .data, .grad, the operator methods __add__/__radd__/__mul__/__rmul__ (called explicitly,
# as Python does for a + b, 2 + a, a * b, 2 * a), tanh(), relu(), exp() and backward(). The
# same program of operations is run with the reference Value, and every node's .data and
# .grad are compared. Under `grade` the student's objects live in the sandbox and arrive
# here as proxies (autograde.engine.Remote). Their attribute access refuses names starting
# with "_", and their operators answer NotImplemented when the student's method is missing;
# _method asks the sandbox for the method itself, so a missing __radd__ is reported by name.

VALUE_OPS = {  # op -> (method called on the node, how it reads, hint for a wrong gradient)
    "add": ("__add__", "{0} + {1}", "d(a + b)/da = d(a + b)/db = 1: add out.grad to both "
                                    "a.grad and b.grad."),
    "radd": ("__radd__", "{1} + {0}", "A number on the left, c + v, calls v.__radd__(c): it is "
                                      "v + c."),
    "mul": ("__mul__", "{0} * {1}", "d(a * b)/da = b and d(a * b)/db = a: each operand's .grad "
                                    "grows by the other operand's value times out.grad."),
    "rmul": ("__rmul__", "{1} * {0}", "A number on the left, c * v, calls v.__rmul__(c): it is "
                                      "v * c."),
    "tanh": ("tanh", "tanh({0})", "d tanh(x)/dx = 1 - tanh(x)**2: with t = tanh(x) (the "
                                  "output), 1 - t**2, times out.grad; not 1 - x**2."),
    "relu": ("relu", "relu({0})", "d relu(x)/dx = 1 where x > 0 and 0 elsewhere, also at x = 0 "
                                  "exactly (the course's convention), times out.grad."),
    "exp": ("exp", "exp({0})", "d exp(x)/dx = exp(x) (the output), times out.grad."),
}
ACCUMULATE = ("A Value used more than once (x * x, or an input of two operations) gets the sum "
              "of the contributions of all its uses: in every _backward, add to .grad (+=), "
              "never assign (=).")
TOPOLOGICAL = ("backward() must call each node's _backward exactly once, in reverse topological "
               "order (a node only after every node that uses it): build the order with a "
               "depth-first search that marks visited nodes, then walk it backwards.")
SEED = ("backward() first sets the output's own gradient to 1 (d out / d out = 1), then "
        "propagates.")
TWICE = ("This gradient is exactly twice the right one: some node's _backward ran twice, so its "
         "contribution was counted twice. The topological order must hold each node once: the "
         "depth-first search marks the nodes it has visited and skips them.")


def _method(obj, name):
    """obj.name, for a local Value or one in the grading sandbox (operator methods too)."""
    __tracebackhide__ = True
    return attribute(obj, name)


def _named(fn, name):
    def method(*args):
        __tracebackhide__ = True
        return fn(*args)
    method.__name__ = name
    return method


class _Program:
    """A small expression: inputs, then steps (name, op, args), the last step the output.

    args are names of earlier nodes or numbers (the constant of radd/rmul, which comes
    second: ("c", "radd", ("x", 2.0)) is 2.0 + x).
    """

    def __init__(self, inputs, steps):
        self.inputs, self.steps = dict(inputs), list(steps)
        self.output = steps[-1][0] if steps else next(iter(self.inputs))
        self.text = {name: name for name in self.inputs}
        for name, op, args in self.steps:
            shown = [self.text[a] if isinstance(a, str) else f"{a:g}" for a in args]
            self.text[name] = VALUE_OPS[op][1].format(*shown)

    def uses(self):
        """How many times each node is an argument."""
        count = dict.fromkeys(self.text, 0)
        for _, _, args in self.steps:
            for a in args:
                if isinstance(a, str):
                    count[a] += 1
        return count

    def formula(self, limit=90):
        text = self.text[self.output]
        return text if len(text) <= limit else text[:limit - 1] + "…"


def _run_reference(cls, program):
    nodes = {name: cls(x) for name, x in program.inputs.items()}
    for name, op, args in program.steps:
        this, *rest = [nodes[a] if isinstance(a, str) else a for a in args]
        nodes[name] = getattr(this, VALUE_OPS[op][0])(*rest)
    nodes[program.output].backward()
    return ({k: float(v.data) for k, v in nodes.items()},
            {k: float(v.grad) for k, v in nodes.items()})


def _number(v, attr, what):
    """float(v.attr), or CheckFailed saying why it is not a number."""
    __tracebackhide__ = True
    try:
        value = getattr(v, attr)
    except AttributeError:
        raise CheckFailed(f"{what} is a {type(v).__name__} without the attribute .{attr}: "
                          f"the operations of Value must return a new Value.\n  hint: each "
                          f"operation builds its result as a new Value from its operands' data, "
                          f"with the operands as its children, and returns it.") from None
    try:
        return float(np.asarray(value, dtype=float))
    except (TypeError, ValueError):
        raise CheckFailed(f"{what}.{attr} should be a number, got "
                          f"{type(value).__name__}.") from None


def _student_run(Value, program, where):
    """Build the program with the student's Value; return the nodes (name -> Value)."""
    __tracebackhide__ = True
    nodes = {}
    for name, x in program.inputs.items():
        nodes[name] = call(_named(Value, "Value"), x)
        got = _number(nodes[name], "data", f"Value({x:g})")
        expect_close(f"Value(x).data for x = {x:g}", got, x,
                     hint="__init__ is given: keep self.data = float(data).")
    for name, op, args in program.steps:
        method, _, hint = VALUE_OPS[op]
        this, *rest = [nodes[a] if isinstance(a, str) else a for a in args]
        shown = program.text[name]
        try:
            fn = _method(this, method)
        except AttributeError:
            extra = (" (Python calls v.__radd__(c) for c + v when c is a number)"
                     if op == "radd" else " (Python calls v.__rmul__(c) for c * v when c is "
                     "a number)" if op == "rmul" else "")
            raise CheckFailed(f"Your Value has no method {method}, so `{shown}` fails{extra}."
                              f"\n  hint: define {method} in the class Value.") from None
        nodes[name] = call(_named(fn, f"Value.{method}"), *rest)
        _number(nodes[name], "data", f"the result of `{shown}`{where}")
    return nodes


def _check_program(student, ref, program, where=""):
    """Run program with both classes, then compare every node's data and grad."""
    __tracebackhide__ = True
    want_data, want_grad = _run_reference(ref["Value"], program)
    nodes = _student_run(student.Value, program, where)
    what = f"f = {program.formula()}{where}, built with your Value"
    for name, node in nodes.items():
        got = _number(node, "data", f"`{program.text[name]}`")
        op = next((o for n, o, _ in program.steps if n == name), None)
        expect_close(f"the value (.data) of `{program.text[name]}` in {what}", got,
                     want_data[name], rtol=1e-9, atol=1e-12,
                     hint=None if op is None else f"`{program.text[name]}` is computed by your "
                     f"Value.{VALUE_OPS[op][0]}.")
    for name in program.inputs:
        expect_close(f"the input {name}.data after building {what}",
                     _number(nodes[name], "data", name), program.inputs[name],
                     hint="An operation returns a new Value: it never changes its operands' "
                          ".data.")
    for name, node in nodes.items():
        expect_close(f"{name}.grad before f.backward() in {what}", _number(node, "grad", name),
                     0.0, hint="A new Value starts with grad = 0.0; only backward() changes it.")
    out = nodes[program.output]
    call(_named(_method(out, "backward"), "Value.backward"))
    got = _number(out, "grad", "f")
    expect_close(f"f.grad after f.backward() for {what}", got, 1.0, hint=SEED)
    _compare_grads(nodes, want_grad, program, what)


def _compare_grads(nodes, want, program, what):
    """Compare grads from the output towards the inputs: the first wrong node is reported."""
    __tracebackhide__ = True
    uses = program.uses()
    order = [n for n, _, _ in reversed(program.steps)] + list(program.inputs)
    for name in order:
        got = _number(nodes[name], "grad", name)
        if np.isclose(got, want[name], rtol=1e-7, atol=1e-10):
            continue
        users = [op for _, op, args in program.steps if name in args]
        shared = any(uses[n] > 1 for n, _, _ in program.steps)
        hints = [TOPOLOGICAL] if shared and name in program.inputs else []
        if got == 0.0 and want[name] != 0.0:
            hints.append(TOPOLOGICAL if users else SEED)
        if uses[name] > 1:
            hints += [ACCUMULATE, TOPOLOGICAL]
        hints += [VALUE_OPS[op][2] for op in users]
        label = "the input " + name if name in program.inputs else f"`{program.text[name]}`"
        # A doubled gradient where nodes are shared is a node whose _backward ran twice.
        twice = [(2.0 * want[name], TWICE)] if shared and want[name] != 0.0 else []
        expect_close(f"the gradient (.grad) of {label} after f.backward() for {what}", got,
                     want[name], rtol=1e-7, atol=1e-10, hint=" ".join(list(dict.fromkeys(hints))[:2]),
                     mistakes=twice)


def _value_programs(rng):
    """Programs covering every operation, numbers on both sides, reuse and depth."""
    def u(lo=0.2, hi=1.5):
        return float(rng.choice([-1.0, 1.0]) * rng.uniform(lo, hi))

    c = float(np.round(rng.uniform(0.5, 3.0), 2)) * float(rng.choice([-1.0, 1.0]))
    k = int(rng.integers(2, 6))
    P = _Program
    x, y, z = u(), u(), u()
    programs = [
        ("", P({"x": x, "y": y, "z": z}, [("s", "add", ("x", "y")), ("r", "mul", ("y", "z")),
                                         ("f", "mul", ("s", "r"))])),
        (" (a number on the right)", P({"x": x}, [("a", "add", ("x", c)),
                                                  ("f", "mul", ("a", c))])),
        (" (a number on the left)", P({"x": x}, [("a", "radd", ("x", c)),
                                                 ("f", "rmul", ("a", c))])),
        (" (an int on the left)", P({"x": x}, [("a", "rmul", ("x", k)),
                                               ("f", "radd", ("a", k))])),
        (" (a tanh neuron)", P({"x1": x, "w1": y, "x2": z, "w2": u(), "b": u()},
                               [("p1", "mul", ("x1", "w1")), ("p2", "mul", ("x2", "w2")),
                                ("s", "add", ("p1", "p2")), ("z", "add", ("s", "b")),
                                ("f", "tanh", ("z",))])),
        (" (tanh of a large input)", P({"x": u(2.0, 4.0)}, [("f", "tanh", ("x",))])),
        (" (exp)", P({"x": u(0.1, 2.0), "y": u()}, [("e", "exp", ("x",)),
                                                    ("f", "mul", ("e", "y"))])),
        (" (relu of a positive input)", P({"x": abs(u())}, [("r", "relu", ("x",)),
                                                             ("f", "mul", ("r", c))])),
        (" (relu of a negative input)", P({"x": -abs(u())}, [("r", "relu", ("x",)),
                                                              ("f", "add", ("r", "x"))])),
        (" (relu at exactly 0)", P({"x": 0.0, "y": u()}, [("r", "relu", ("x",)),
                                                           ("f", "mul", ("r", "y"))])),
        (" (x used twice)", P({"x": x}, [("f", "mul", ("x", "x"))])),
        (" (x used twice)", P({"x": y}, [("f", "add", ("x", "x"))])),
        (" (u used on paths of different lengths)", P(
            {"x": x, "y": y}, [("u", "mul", ("x", "y")), ("t", "tanh", ("u",)),
                               ("e", "exp", ("t",)), ("f", "add", ("u", "e"))])),
        (" (a long chain)", _chain(rng, 40)),
        (" (a random graph)", _random_graph(rng, 14)),
        (" (a random graph)", _random_graph(rng, 20)),
    ]
    return programs


def _chain(rng, length):
    """x -> ... -> f through tanh, mul/add by numbers and by x itself (x reused at every step)."""
    steps, prev = [], "x"
    for i in range(length):
        op = ["tanh", "add", "mul", "rmul", "radd"][i % 5]
        name = f"n{i}"
        if op == "tanh":
            steps.append((name, op, (prev,)))
        elif op in ("add", "mul") and i % 2:
            steps.append((name, op, (prev, "x")))
        else:
            steps.append((name, op, (prev, float(np.round(rng.uniform(0.5, 1.5), 2)))))
        prev = name
    return _Program({"x": float(rng.uniform(-1.0, 1.0))}, steps)


def _random_graph(rng, size):
    """A random expression DAG with shared nodes (values kept moderate: no overflow)."""
    inputs = {f"x{i}": float(rng.uniform(-1.5, 1.5)) for i in range(3)}
    value = dict(inputs)
    steps = []
    while len(steps) < size:
        names = list(value)
        recent = names[-4:]
        a = str(rng.choice(recent))
        b = str(rng.choice(names))
        op = str(rng.choice(["add", "mul", "radd", "rmul", "tanh", "relu", "exp"]))
        c = float(np.round(rng.uniform(-2.0, 2.0), 2)) or 0.5
        if op in ("add", "mul"):
            args = (a, b)
            v = value[a] + value[b] if op == "add" else value[a] * value[b]
        elif op in ("radd", "rmul"):
            args = (a, c)
            v = value[a] + c if op == "radd" else value[a] * c
        else:
            args = (a,)
            v = {"tanh": np.tanh, "relu": lambda t: max(t, 0.0), "exp": np.exp}[op](value[a])
            if op == "relu" and abs(value[a]) < 1e-3:
                continue
        if not 1e-3 < abs(v) < 20.0:
            continue
        name = f"n{len(steps)}"
        steps.append((name, op, args))
        value[name] = float(v)
    # The output adds the last node and one earlier node: more sharing, one connected graph.
    steps.append(("f", "add", (steps[-1][0], steps[len(steps) // 2][0])))
    return _Program(inputs, steps)


@hidden_check(A, "Value")
def value(student, ref, rng):
    for where, program in _value_programs(rng):
        _check_program(student, ref, program, where)
    # The output itself an input: backward() on a fresh Value sets its grad to 1.
    leaf = call(_named(student.Value, "Value"), float(rng.uniform(-2, 2)))
    call(_named(_method(leaf, "backward"), "Value.backward"))
    expect_close("v.grad after v.backward() for v = Value(x) (a graph of one node)",
                 _number(leaf, "grad", "v"), 1.0, hint=SEED)


# --- the linear layer --------------------------------------------------------------------------

def _linear_inputs(rng, n, d, m):
    return rng.normal(size=(n, d)), rng.normal(size=(d, m)), rng.normal(size=m)


@hidden_check(A, "linear_forward")
def linear_forward(student, ref, rng):
    for n, d, m in _sizes(rng):
        X, W, b = _linear_inputs(rng, n, d, m)
        expected = ref["linear_forward"](X.copy(), W.copy(), b.copy())[0]
        what = f"linear_forward(X, W, b) with X {X.shape}, W {W.shape}"
        Z, _ = pair(_call(student.linear_forward, (X, W, b), ("X", "W", "b")), what,
                    ("Z", "cache"))
        expect_shape(f"Z from {what}", Z, (n, m),
                     hint="Z = XW + b has shape (N, D_out); W is (D_in, D_out).")
        expect_close(f"Z from {what}", Z, expected,
                     hint="Z = XW + b (the matrix product), with b added to every row.")


def _linear_grads(student, X, W, b, dZ, what):
    """The student's (dX, dW, db) for dZ, from the cache of their own forward pass."""
    __tracebackhide__ = True
    _, cache = pair(_call(student.linear_forward, (X, W, b), ("X", "W", "b")),
                    f"linear_forward(X, W, b) with X {X.shape}, W {W.shape}", ("Z", "cache"))
    grads = _call(student.linear_backward, (dZ, cache), ("dZ", "cache"))
    expect_true(isinstance(grads, (tuple, list)) and len(grads) == 3,
                f"{what} should return a tuple (dX, dW, db), got {type(grads).__name__}"
                + (f" of {len(grads)} items" if isinstance(grads, (tuple, list)) else "") + ".",
                hint="linear_backward returns the three gradients dX, dW, db, in that order.")
    return grads


def _check_linear_grads(got, expected, shapes, what, n):
    __tracebackhide__ = True
    shape_hints = {"dX": "dX has the shape of X, (N, D_in): one row per sample, as dZ has.",
                   "dW": "dW has the shape of W, (D_in, D_out), not its transpose: a sum over "
                         "the N samples.",
                   "db": "db has the shape of b, (D_out,): the bias is shared by all samples, so "
                         "its gradient sums dZ over them (axis 0)."}
    value_hints = {"dX": "dL/dX[n, d] = sum over k of dZ[n, k] * W[d, k].",
                   "dW": "dL/dW[d, k] = sum over n of X[n, d] * dZ[n, k]: a sum over the samples; "
                         "a layer never divides by N (the 1/N of the mean is already in dZ).",
                   "db": "db = dZ summed over the samples (axis 0), without dividing by N "
                         "(the 1/N of the mean is already in dZ)."}
    for name, g, shape in zip(("dX", "dW", "db"), got, shapes):
        expect_shape(f"{name} from {what}", g, shape, hint=shape_hints[name])
    for name, g, e in zip(("dX", "dW", "db"), got, expected):
        expect_close(f"{name} from {what}", g, e, n=n, hint=value_hints[name])


@hidden_check(A, "linear_backward")
def linear_backward(student, ref, rng):
    for n, d, m in _sizes(rng):
        X, W, b = _linear_inputs(rng, n, d, m)
        dZ = rng.normal(size=(n, m))
        _, rc = ref["linear_forward"](X.copy(), W.copy(), b.copy())
        expected = ref["linear_backward"](dZ.copy(), rc)
        what = f"linear_backward(dZ, cache) with X {X.shape}, W {W.shape}"
        got = _linear_grads(student, X, W, b, dZ, what)
        _check_linear_grads(got, expected, ((n, d), (d, m), (m,)), what, n)

    # Two forward passes, then the backward pass of the first: the cache must carry it all.
    n, d, m = (int(k) for k in rng.integers(2, 7, size=3))
    first, second = _linear_inputs(rng, n, d, m), _linear_inputs(rng, n, d, m)
    dZ = rng.normal(size=(n, m))
    _, rc = ref["linear_forward"](*(a.copy() for a in first))
    expected = ref["linear_backward"](dZ.copy(), rc)
    _, cache1 = pair(_call(student.linear_forward, first, ("X", "W", "b")),
                     "linear_forward(X, W, b)", ("Z", "cache"))
    pair(_call(student.linear_forward, second, ("X", "W", "b")), "linear_forward(X, W, b)",
         ("Z", "cache"))
    what = "linear_backward(dZ, cache1) called after a second linear_forward"
    got = _call(student.linear_backward, (dZ, cache1), ("dZ", "cache"))
    expect_true(isinstance(got, (tuple, list)) and len(got) == 3,
                f"{what} should return a tuple (dX, dW, db).")
    for name, g, e in zip(("dX", "dW", "db"), got, expected):
        expect_close(f"{name} from {what}", g, e, hint=GLOBAL_STATE)


# --- activation layers -------------------------------------------------------------------------

BACKWARD_HINTS = {
    "relu": "dZ = dA where Z > 0 and 0 elsewhere, also where Z == 0 exactly (the course's "
            "convention).",
    "sigmoid": "dZ = dA * s * (1 - s) with s = sigmoid(Z), the derivative at the pre-activation; "
               "if your cache holds A = sigmoid(Z), s is A itself: don't apply the sigmoid "
               "to A again.",
    "tanh": "dZ = dA * (1 - tanh(Z)**2), the derivative at the pre-activation; if your cache "
            "holds A = tanh(Z), tanh(Z) is A itself: don't apply tanh to A again.",
}
FORWARD_HINTS = {
    "relu": "A = max(0, Z), element by element (not the maximum of the whole array).",
    "sigmoid": "A = 1 / (1 + exp(-Z)), written so that exp only sees non-positive numbers "
               "(e.g. exp(-|Z|)) and stays finite for |Z| up to 1e4; don't clip Z.",
    "tanh": "A = tanh(Z): np.tanh is exact and stable for any Z.",
}


def _activation_inputs(rng, act):
    """Pre-activations of several shapes; exact zeros for ReLU; |Z| up to 1e4 at the end."""
    n, m = int(rng.integers(2, 8)), int(rng.integers(2, 8))
    cases = []
    for shape in ((n, m), (1, m), (m,), (2, n, 3)):
        Z = rng.normal(0.0, 3.0, size=shape)
        if act == "relu":
            flat = Z.reshape(-1)
            idx = rng.choice(flat.size, size=max(1, flat.size // 4), replace=False)
            flat[idx] = 0.0
        cases.append((f"Z of shape {shape}", Z))
    extreme = np.concatenate([[-1e4, -1e3, -710.0, -40.0, 0.0, 40.0, 710.0, 1e3, 1e4],
                              rng.choice([-1.0, 1.0], 15) * 10.0 ** rng.uniform(-3, 4, 15)])
    cases.append(("Z with |Z| up to 1e4", rng.permutation(extreme).reshape(4, 6)))
    return cases


def _forward_check(act):
    fname = f"{act}_forward"

    @hidden_check(A, fname)
    def check(student, ref, rng):
        for desc, Z in _activation_inputs(rng, act):
            expected = ref[fname](Z.copy())[0]
            what = f"{fname}(Z) for {desc}"
            out, _ = pair(_call(getattr(student, fname), (Z,), ("Z",)), what, ("A", "cache"))
            expect_shape(f"A from {what}", out, Z.shape,
                         hint="An activation works element-wise: A has the shape of Z.")
            expect_dtype(f"A from {what}", out, "f")
            expect_finite(f"A from {what}", out, hint=FORWARD_HINTS[act])
            expect_close(f"A from {what}", out, expected, rtol=1e-7, atol=1e-12,
                         hint=FORWARD_HINTS[act])
    return check


def _explain_backward(got, dA, local, act):
    """A specific hint when the student's dZ matches a known slip."""
    got = np.asarray(got, dtype=float)
    if got.shape != dA.shape:
        return BACKWARD_HINTS[act]
    if np.allclose(got, dA, rtol=1e-9, atol=1e-12):
        return ("Your dZ is dA passed through unchanged: multiply by the activation's "
                "derivative g'(Z), element-wise. " + BACKWARD_HINTS[act])
    if np.allclose(got, local, rtol=1e-9, atol=1e-12):
        return ("Your dZ is the derivative g'(Z) alone: multiply it by the upstream gradient "
                "dA (chain rule). " + BACKWARD_HINTS[act])
    return BACKWARD_HINTS[act]


def _backward_check(act):
    fname, bname = f"{act}_forward", f"{act}_backward"

    @hidden_check(A, bname)
    def check(student, ref, rng):
        for desc, Z in _activation_inputs(rng, act):
            dA = rng.normal(size=Z.shape)
            _, rc = ref[fname](Z.copy())
            expected = ref[bname](dA.copy(), rc)
            local = ref[bname](np.ones_like(dA), ref[fname](Z.copy())[1])
            what = f"{bname}(dA, cache) for {desc}"
            _, cache = pair(_call(getattr(student, fname), (Z,), ("Z",)),
                            f"{fname}(Z) for {desc}", ("A", "cache"))
            got = _call(getattr(student, bname), (dA, cache), ("dA", "cache"))
            expect_shape(f"dZ from {what}", got, Z.shape,
                         hint="dZ has the shape of Z (and of dA): everything is element-wise.")
            expect_finite(f"dZ from {what}", got, hint=BACKWARD_HINTS[act])
            expect_close(f"dZ from {what}", got, expected, rtol=1e-7, atol=1e-12,
                         hint=_explain_backward(got, dA, local, act))

        # Two forward passes, then the backward pass of the first.
        shape = (int(rng.integers(2, 7)), int(rng.integers(2, 7)))
        Z1, Z2 = rng.normal(0.0, 3.0, size=shape), rng.normal(0.0, 3.0, size=shape)
        dA = rng.normal(size=shape)
        expected = ref[bname](dA.copy(), ref[fname](Z1.copy())[1])
        _, cache1 = pair(_call(getattr(student, fname), (Z1,), ("Z",)), f"{fname}(Z)",
                         ("A", "cache"))
        pair(_call(getattr(student, fname), (Z2,), ("Z",)), f"{fname}(Z)", ("A", "cache"))
        what = f"dZ from {bname}(dA, cache1) called after a second {fname}"
        expect_close(what, _call(getattr(student, bname), (dA, cache1), ("dA", "cache")),
                     expected, hint=GLOBAL_STATE)
    return check


for _act in ACTIVATIONS:
    _forward_check(_act)
    _backward_check(_act)


# --- the MLP -----------------------------------------------------------------------------------

def _network(rng, layers, *, n=None, scale=1.0):
    """Random params of a `layers`-layer MLP, keys inserted in a shuffled order, and X, y."""
    sizes = [int(rng.integers(2, 6))] + [int(k) for k in rng.integers(2, 7, size=layers - 1)] \
        + [int(rng.integers(2, 6))]
    values = {}
    for l in range(1, layers + 1):
        values[f"W{l}"] = scale * rng.normal(size=(sizes[l - 1], sizes[l])) / np.sqrt(sizes[l - 1])
        values[f"b{l}"] = rng.normal(0.0, 0.5, size=sizes[l])
    natural = list(values)
    order = list(rng.permutation(natural))
    while len(natural) > 2 and order == natural:
        order = list(rng.permutation(natural))
    if len(natural) == 2:
        order = ["b1", "W1"]
    params = {k: values[k] for k in order}
    n = int(rng.integers(2, 9)) if n is None else n
    X = rng.normal(size=(n, sizes[0]))
    y = rng.integers(0, sizes[-1], size=n)
    return params, X, y


def _copy(params):
    return {k: v.copy() for k, v in params.items()}


def _describe(params, X, activation):
    layers = sum(1 for k in params if k.startswith("W"))
    sizes = [X.shape[1]] + [params[f"W{l}"].shape[1] for l in range(1, layers + 1)]
    return (f"a {layers}-layer {'-'.join(map(str, sizes))} network "
            f"(activation={activation!r}, N={X.shape[0]}, keys inserted as "
            f"{', '.join(params)})")


FORWARD_HINT = ("For l = 1, ..., L (L = the number of \"W\" keys): layer l's linear step with "
                "the arrays named \"W<l>\" and \"b<l>\", then the activation for every layer "
                "except the last; look the arrays up by name rather than relying on the order of "
                "the dict's keys.")


def _forward_call(student, params, X, **kwargs):
    """The student's mlp_forward(params, X, **kwargs); a crash (typically a shape mismatch from
    taking the layers in the dict's insertion order) gets FORWARD_HINT."""
    __tracebackhide__ = True
    try:
        return _call(student.mlp_forward, (params, X), ("params", "X"), **kwargs)
    except CheckFailed as exc:
        if exc.status != "failed" or " raised " not in str(exc).split("\n")[0]:
            raise
        raise CheckFailed(f"{exc}\n  hint: {FORWARD_HINT}") from None


def _mlp_cases(rng):
    acts = [str(a) for a in rng.permutation(ACTIVATIONS)]
    return [(1, "relu", None), (2, acts[0], None), (2, acts[1], None), (3, acts[2], None),
            (4, str(rng.choice(ACTIVATIONS)), None), (3, str(rng.choice(ACTIVATIONS)), 1)]


@hidden_check(A, "mlp_forward")
def mlp_forward(student, ref, rng):
    for layers, act, n in _mlp_cases(rng):
        params, X, _ = _network(rng, layers, n=n)
        expected = ref["mlp_forward"](_copy(params), X.copy(), activation=act)[0]
        desc = _describe(params, X, act)
        what = f"scores from mlp_forward for {desc}"
        scores, _ = pair(_forward_call(student, params, X, activation=act),
                         f"mlp_forward for {desc}", ("scores", "caches"))
        expect_shape(what, scores, expected.shape, hint=FORWARD_HINT)
        hint = FORWARD_HINT
        if layers > 1 and np.allclose(np.asarray(scores, dtype=float),
                                      ref[f"{act}_forward"](expected)[0]):
            hint = ("Your scores went through the activation after the last layer: the last "
                    "layer is linear only (scores can be any real number).")
        expect_close(what, scores, expected, hint=hint)
    # The default activation is ReLU.
    params, X, _ = _network(rng, 2)
    expected = ref["mlp_forward"](_copy(params), X.copy())[0]
    scores, _ = pair(_forward_call(student, params, X), "mlp_forward(params, X)",
                     ("scores", "caches"))
    expect_close(f"scores from mlp_forward(params, X) with the default activation for "
                 f"{_describe(params, X, 'relu')}", scores, expected,
                 hint='The default must be activation="relu".')


def _grads_ok(grads, params, expected, source):
    """Check grads' type, keys and shapes; yield (label, got, expected) per key in order."""
    __tracebackhide__ = True
    what = f"grads from {source}"
    expect_true(isinstance(grads, dict),
                f"{what} should be a dict, got {type(grads).__name__}.",
                hint='grads has exactly the keys of params ("W1", "b1", ...), each holding that '
                     "parameter's gradient.")
    missing = [k for k in params if k not in grads]
    extra = [k for k in grads if k not in params]
    expect_true(not missing and not extra,
                f"{what} should have exactly the keys of params {sorted(params)}; "
                + (f"missing {missing}" if missing else "")
                + ("; " if missing and extra else "")
                + (f"unexpected {extra}" if extra else "") + ".",
                hint='Name each gradient after its parameter: grads["W1"], grads["b1"], ... '
                     '(not "dW1"), one pair per layer, the first layer included.')
    order = sorted(params, key=lambda k: (int(k[1:]), k[0]))
    for key in order:
        expect_shape(f'grads["{key}"] from {source}', grads[key], params[key].shape,
                     hint="Each gradient has the shape of its parameter.")
    for key in order:
        yield key, f'grads["{key}"] from {source}', grads[key], expected[key]


BACKWARD_HINT = ("Walk the layers from L down to 1: linear_backward for layer L, then for every "
                 "earlier layer the activation's backward pass followed by linear_backward; "
                 "dW^l = (H^(l-1))^T dZ^l, db^l sums over the samples, and there is no 1/N "
                 "(it is already in dscores).")


@hidden_check(A, "mlp_backward")
def mlp_backward(student, ref, rng):
    for layers, act, n in _mlp_cases(rng):
        params, X, _ = _network(rng, layers, n=n)
        desc = _describe(params, X, act)
        ref_scores, ref_caches = ref["mlp_forward"](_copy(params), X.copy(), activation=act)
        dscores = rng.normal(size=ref_scores.shape)
        expected = ref["mlp_backward"](dscores.copy(), ref_caches)
        scores, caches = pair(_call(student.mlp_forward, (params, X), ("params", "X"),
                                    activation=act),
                              f"mlp_forward for {desc}", ("scores", "caches"))
        scores = np.asarray(scores, dtype=float)
        if scores.shape != ref_scores.shape or not np.allclose(scores, ref_scores, rtol=1e-6,
                                                               atol=1e-9):
            raise CheckFailed(f"mlp_backward is checked with the caches of your mlp_forward, "
                              f"but mlp_forward gives wrong scores for {desc}.\n"
                              "  hint: fix mlp_forward first (see its checks).")
        grads = _call(student.mlp_backward, (dscores, caches), ("dscores", "caches"))
        for _, what, got, want in _grads_ok(grads, params, expected,
                                            f"mlp_backward(dscores, caches) for {desc}"):
            expect_close(what, got, want, n=X.shape[0], hint=BACKWARD_HINT)

    # Two forward passes, then the backward pass of the first.
    params, X1, _ = _network(rng, 3)
    X2 = rng.normal(size=X1.shape)
    act = str(rng.choice(ACTIVATIONS))
    ref_scores, ref_caches = ref["mlp_forward"](_copy(params), X1.copy(), activation=act)
    dscores = rng.normal(size=ref_scores.shape)
    expected = ref["mlp_backward"](dscores.copy(), ref_caches)
    _, caches1 = pair(_call(student.mlp_forward, (params, X1), ("params", "X"),
                            activation=act), "mlp_forward", ("scores", "caches"))
    pair(_call(student.mlp_forward, (params, X2), ("params", "X"), activation=act),
         "mlp_forward", ("scores", "caches"))
    grads = _call(student.mlp_backward, (dscores, caches1), ("dscores", "caches"))
    for _, what, got, want in _grads_ok(grads, params, expected, "mlp_backward(dscores, "
                                        "caches1) called after a second mlp_forward"):
        expect_close(what, got, want, hint=GLOBAL_STATE)


def _loss_hint(got, params, X, y, act, reg, ref):
    """A specific hint when the student's loss matches a known slip."""
    try:
        value = float(np.asarray(got, dtype=float))
    except (TypeError, ValueError):
        return None
    data = ref["mlp_loss"](_copy(params), X.copy(), y.copy(), activation=act)[0]
    weights = sum(float(np.sum(v ** 2)) for k, v in params.items() if k.startswith("W"))
    everything = sum(float(np.sum(v ** 2)) for v in params.values())
    slips = [(data, "The L2 penalty is missing from the loss: add reg * sum of ||W||^2 "
                    "(l2_penalty(params, reg))."),
             (data + reg * everything, "Only the weights are regularised, never the biases "
                                       "(l2_penalty only takes the \"W\" keys)."),
             (data + 0.5 * reg * weights, "The penalty is reg * sum of ||W||^2, without 1/2."),
             (data + 2 * reg * weights, "The penalty is reg * sum of ||W||^2: its gradient "
                                        "has the factor 2, the penalty itself does not.")]
    if act != "relu":
        relu_loss = ref["mlp_loss"](_copy(params), X.copy(), y.copy(), reg=reg)[0]
        if abs(value - relu_loss) <= 1e-9 * max(1.0, abs(relu_loss)):
            return (f"Your loss is the one with ReLU hidden units: pass activation={act!r} on "
                    "to mlp_forward.")
    for candidate, hint in slips:
        if reg > 0 and abs(value - candidate) <= 1e-9 * max(1.0, abs(candidate)):
            return hint
    return None


def _grad_hint(key, got, want, params, reg):
    got = np.asarray(got, dtype=float)
    if reg > 0 and got.shape == want.shape:
        diff = got - want
        p = params[key]
        if key.startswith("b") and np.allclose(diff, 2 * reg * p, atol=1e-10):
            return "Don't regularise the biases: the penalty covers the \"W\" keys only."
        if key.startswith("W") and np.allclose(diff, -2 * reg * p, atol=1e-10):
            return "Add the penalty's gradient 2 * reg * W to each weight gradient."
        if key.startswith("W") and np.allclose(diff, -reg * p, atol=1e-10):
            return "The gradient of reg * ||W||^2 is 2 * reg * W (you added reg * W)."
    return ("The data part comes from softmax_cross_entropy (dscores, mean over the batch) "
            "through mlp_backward; add l2_penalty's gradients (2 * reg * W for the weights, "
            "nothing for the biases).")


def _numerical_grads(ref, params, X, y, act, reg, h=1e-5):
    """Central differences of the reference mlp_loss for every parameter."""
    work = _copy(params)
    out = {}
    for key, value in work.items():
        g = np.zeros_like(value)
        for idx in np.ndindex(value.shape):
            old = value[idx]
            value[idx] = old + h
            plus = ref["mlp_loss"](work, X, y, activation=act, reg=reg)[0]
            value[idx] = old - h
            minus = ref["mlp_loss"](work, X, y, activation=act, reg=reg)[0]
            value[idx] = old
            g[idx] = (plus - minus) / (2 * h)
        out[key] = g
    return out


def _student_loss(student, params, X, y, desc, **kwargs):
    __tracebackhide__ = True
    result = _call(student.mlp_loss, (params, X, y), ("params", "X", "y"), **kwargs)
    loss, grads = pair(result, f"mlp_loss for {desc}", ("loss", "grads"))
    expect_shape(f"loss from mlp_loss for {desc}", loss, (),
                 hint="The loss is one number: the mean over the batch plus the penalty.")
    expect_finite(f"loss from mlp_loss for {desc}", loss,
                  hint="Compute the data loss with the given softmax_cross_entropy, which is "
                       "stable for any scores.")
    return loss, grads


@hidden_check(A, "mlp_loss")
def mlp_loss(student, ref, rng):
    regs = [0.0] + [float(r) for r in rng.uniform(0.01, 0.5, size=4)]
    cases = [(layers, act, n, reg) for (layers, act, n), reg in zip(_mlp_cases(rng), regs)]
    cases.append((2, str(rng.choice(ACTIVATIONS)), 1, float(rng.uniform(0.01, 0.5))))
    for layers, act, n, reg in cases:
        params, X, y = _network(rng, layers, n=n)
        ref_loss, ref_grads = ref["mlp_loss"](_copy(params), X.copy(), y.copy(),
                                              activation=act, reg=reg)
        desc = _describe(params, X, act) + f" and reg={reg:.3g}"
        loss, grads = _student_loss(student, params, X, y, desc, activation=act, reg=reg)
        expect_close(f"loss from mlp_loss for {desc}", loss, ref_loss,
                     hint=_loss_hint(loss, params, X, y, act, reg, ref)
                     or "loss = softmax_cross_entropy(scores, y)[0] + l2_penalty(params, reg)[0].")
        for key, what, got, want in _grads_ok(grads, params, ref_grads, f"mlp_loss for {desc}"):
            expect_close(what, got, want, n=X.shape[0],
                         hint=_grad_hint(key, got, want, params, reg))

    # Defaults: activation="relu", reg=0.
    params, X, y = _network(rng, 3)
    ref_loss, ref_grads = ref["mlp_loss"](_copy(params), X.copy(), y.copy())
    desc = "mlp_loss(params, X, y) with the default activation and reg"
    loss, grads = _student_loss(student, params, X, y, desc)
    expect_close(f"loss from {desc}", loss, ref_loss,
                 hint='The defaults are activation="relu" and reg=0.0.')
    for _, what, got, want in _grads_ok(grads, params, ref_grads, desc):
        expect_close(what, got, want, hint='The defaults are activation="relu" and reg=0.0.')

    # Large scores (max |score| = 2000): the loss and its gradients stay finite and exact.
    params, X, y = _network(rng, 2)
    scores = ref["mlp_forward"](_copy(params), X.copy())[0]
    top = float(scores.flat[np.argmax(np.abs(scores))])  # the largest score is +2000 after this
    params["W2"] = params["W2"] * (2000.0 / top)
    params["b2"] = params["b2"] * (2000.0 / top)
    reg = 1e-6
    ref_loss, ref_grads = ref["mlp_loss"](_copy(params), X.copy(), y.copy(), reg=reg)
    desc = _describe(params, X, "relu") + " with large weights (scores up to 2000)"
    loss, grads = _student_loss(student, params, X, y, desc, reg=reg)
    expect_close(f"loss from mlp_loss for {desc}", loss, ref_loss,
                 hint="Use the given softmax_cross_entropy: it works through log-softmax and "
                      "stays exact for large scores.")
    for _, what, got, want in _grads_ok(grads, params, ref_grads, f"mlp_loss for {desc}"):
        expect_close(what, got, want)

    # Against finite differences of the reference loss (smooth activations: no kinks).
    act = str(rng.choice(["sigmoid", "tanh"]))
    params, X, y = _network(rng, int(rng.integers(2, 4)))
    reg = float(rng.uniform(0.01, 0.3))
    numerical = _numerical_grads(ref, params, X, y, act, reg)
    desc = _describe(params, X, act) + f" and reg={reg:.3g}"
    _, grads = _student_loss(student, params, X, y, desc, activation=act, reg=reg)
    for key, what, got, want in _grads_ok(grads, params, numerical, f"mlp_loss for {desc}"):
        scale = float(np.max(np.abs(want))) + 1e-12
        expect_close(what + ", compared with central differences of the loss", got, want,
                     rtol=1e-5, atol=1e-6 * scale, n=X.shape[0],
                     hint=_grad_hint(key, got, want, params, reg))
