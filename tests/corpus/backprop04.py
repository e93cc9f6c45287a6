"""Corpus of student implementations for the graded exercises of 04_backprop.

``WRONG[exercise]`` and ``CORRECT[exercise]`` are lists of ``(label, source)``: what a
student would type into the exercise's solution cell, with ``np`` imported and the other
exercises' (reference) functions and the given ``softmax_cross_entropy`` / ``l2_penalty``
defined, as in a notebook run top to bottom.

Caches are private, so a layer exercise defines its forward and its backward function
together, each backward reading the cache its own forward made. ``mlp_backward`` is graded
with the caches of ``mlp_forward``, which here is the reference's: a list with one tuple
``((X, W), activation_cache, activation)`` per layer, where the activation cache is Z for
ReLU, A for sigmoid and tanh, and None for the last layer. The mlp_backward entries read
that format, as a student's mlp_backward reads their own mlp_forward's caches.

``Value`` (the scalar autograd engine) is graded through its public contract only (the
constructor, .data, .grad, the operator methods, tanh, relu, exp, backward): its entries are
built from a correct class with one part changed (``_value(part=...)``), plus whole classes
written differently (op tags instead of closures, Kahn's algorithm, their own __init__).

A WRONG entry breaks COURSE.md's contract somewhere; a CORRECT one meets it everywhere,
written differently from the instructor's solution.
"""

from corpus import entries as _entries, joined as _with

ASSIGNMENT = "04_backprop"
EXERCISES = {
    "value": ("Value",),
    "linear": ("linear_forward", "linear_backward"),
    "relu_layer": ("relu_forward", "relu_backward"),
    "sigmoid_layer": ("sigmoid_forward", "sigmoid_backward"),
    "tanh_layer": ("tanh_forward", "tanh_backward"),
    "mlp_forward": ("mlp_forward",),
    "mlp_backward": ("mlp_backward",),
    "mlp_loss": ("mlp_loss",),
}
# Wrong entries that a lucky draw could let through (a dict inserted in the natural order,
# matching sizes): checked on 300 seeds.
SWEEP = [
    ("mlp_forward", "takes W and b in the dict's insertion order"),
    ("mlp_forward", "weights collected from params.items() in insertion order"),
    ("mlp_backward", "numbers the layers in the order it visits them (last layer = 1)"),
    ("linear", "db summed over the wrong axis (axis=1)"),
]
# Words besides the function names that say which quantity a message is about.
QUANTITY = r"\bd[XWbZA]\b|\bgrads\b|\bscores\b|\bloss\b"


_LINEAR_FORWARD_OK = """
    def linear_forward(X, W, b):
        return X @ W + b, (X, W)
"""
_LINEAR_BACKWARD_OK = """
    def linear_backward(dZ, cache):
        X, W = cache
        return dZ @ W.T, X.T @ dZ, dZ.sum(axis=0)
"""
_RELU_FORWARD_OK = """
    def relu_forward(Z):
        return np.maximum(Z, 0.0), Z
"""
_RELU_BACKWARD_OK = """
    def relu_backward(dA, cache):
        return dA * (cache > 0)
"""
_SIGMOID_FORWARD_OK = """
    def sigmoid_forward(Z):
        Z = np.asarray(Z, dtype=float)
        e = np.exp(-np.abs(Z))
        A = np.where(Z >= 0, 1 / (1 + e), e / (1 + e))
        return A, A
"""
_SIGMOID_BACKWARD_OK = """
    def sigmoid_backward(dA, cache):
        return dA * cache * (1 - cache)
"""
_TANH_FORWARD_OK = """
    def tanh_forward(Z):
        A = np.tanh(Z)
        return A, A
"""
_TANH_BACKWARD_OK = """
    def tanh_backward(dA, cache):
        return dA * (1 - cache ** 2)
"""


# --- Value ----------------------------------------------------------------------------------
# A correct Value assembled from parts, so that each WRONG entry changes exactly one of them.

_V_HEAD = """
    import math

    class Value:
        def __init__(self, data, _children=(), _op=""):
            self.data = float(data)
            self.grad = 0.0
            self._prev = tuple(_children)
            self._op = _op
            self._backward = lambda: None
"""
_V_ADD = """
        def __add__(self, other):
            other = other if isinstance(other, Value) else Value(other)
            out = Value(self.data + other.data, (self, other), "+")
            def _backward():
                self.grad += out.grad
                other.grad += out.grad
            out._backward = _backward
            return out
"""
_V_RADD = """
        def __radd__(self, other):
            return self + other
"""
_V_MUL = """
        def __mul__(self, other):
            other = other if isinstance(other, Value) else Value(other)
            out = Value(self.data * other.data, (self, other), "*")
            def _backward():
                self.grad += other.data * out.grad
                other.grad += self.data * out.grad
            out._backward = _backward
            return out
"""
_V_RMUL = """
        def __rmul__(self, other):
            return self * other
"""
_V_TANH = """
        def tanh(self):
            t = math.tanh(self.data)
            out = Value(t, (self,), "tanh")
            def _backward():
                self.grad += (1 - t * t) * out.grad
            out._backward = _backward
            return out
"""
_V_RELU = """
        def relu(self):
            out = Value(max(self.data, 0.0), (self,), "relu")
            def _backward():
                self.grad += (self.data > 0) * out.grad
            out._backward = _backward
            return out
"""
_V_EXP = """
        def exp(self):
            e = math.exp(self.data)
            out = Value(e, (self,), "exp")
            def _backward():
                self.grad += e * out.grad
            out._backward = _backward
            return out
"""
_V_BACKWARD = """
        def backward(self):
            order, seen = [], set()
            def visit(v):
                if v not in seen:
                    seen.add(v)
                    for child in v._prev:
                        visit(child)
                    order.append(v)
            visit(self)
            self.grad = 1.0
            for v in reversed(order):
                v._backward()
"""
_V_PARTS = {"add": _V_ADD, "radd": _V_RADD, "mul": _V_MUL, "rmul": _V_RMUL, "tanh": _V_TANH,
            "relu": _V_RELU, "exp": _V_EXP, "backward": _V_BACKWARD}


def _value(**changed):
    """A Value class: the correct parts, with the named ones replaced (None: left out)."""
    from textwrap import dedent, indent
    parts = [dedent(_V_HEAD).strip("\n")]
    for name, text in _V_PARTS.items():
        text = changed.get(name, text)
        if text is not None:
            parts.append(indent(dedent(text).strip("\n"), "    "))
    return "\n\n".join(parts) + "\n"


_VALUE_WRONG = [
    ("grad overwritten (=) instead of accumulated in + and *", _value(add="""
        def __add__(self, other):
            other = other if isinstance(other, Value) else Value(other)
            out = Value(self.data + other.data, (self, other), "+")
            def _backward():
                self.grad = out.grad
                other.grad = out.grad
            out._backward = _backward
            return out
    """, mul="""
        def __mul__(self, other):
            other = other if isinstance(other, Value) else Value(other)
            out = Value(self.data * other.data, (self, other), "*")
            def _backward():
                self.grad = other.data * out.grad
                other.grad = self.data * out.grad
            out._backward = _backward
            return out
    """)),
    ("self side assigned (=), other side added (+=) in + and * (passes while self's use comes "
     "first)", _value(add="""
        def __add__(self, other):
            other = other if isinstance(other, Value) else Value(other)
            out = Value(self.data + other.data, (self, other), "+")
            def _backward():
                self.grad = out.grad
                other.grad += out.grad
            out._backward = _backward
            return out
    """, mul="""
        def __mul__(self, other):
            other = other if isinstance(other, Value) else Value(other)
            out = Value(self.data * other.data, (self, other), "*")
            def _backward():
                self.grad = other.data * out.grad
                other.grad += self.data * out.grad
            out._backward = _backward
            return out
    """)),
    ("grad overwritten (=) in * only (x * x gets x, not 2x)", _value(mul="""
        def __mul__(self, other):
            other = other if isinstance(other, Value) else Value(other)
            out = Value(self.data * other.data, (self, other), "*")
            def _backward():
                self.grad = other.data * out.grad
                other.grad = self.data * out.grad
            out._backward = _backward
            return out
    """)),
    ("backward recurses into the inputs without a topological order", _value(backward="""
        def backward(self):
            self.grad = 1.0
            def propagate(v):
                v._backward()
                for child in v._prev:
                    propagate(child)
            propagate(self)
    """)),
    ("backward in breadth-first order from the output", _value(backward="""
        def backward(self):
            self.grad = 1.0
            queue, seen = [self], {self}
            while queue:
                v = queue.pop(0)
                v._backward()
                for child in v._prev:
                    if child not in seen:
                        seen.add(child)
                        queue.append(child)
    """)),
    ("topological order not reversed (inputs first)", _value(backward="""
        def backward(self):
            order, seen = [], set()
            def visit(v):
                if v not in seen:
                    seen.add(v)
                    for child in v._prev:
                        visit(child)
                    order.append(v)
            visit(self)
            self.grad = 1.0
            for v in order:
                v._backward()
    """)),
    ("topological sort without a visited set (shared nodes run twice)", _value(backward="""
        def backward(self):
            order = []
            def visit(v):
                for child in v._prev:
                    visit(child)
                order.append(v)
            visit(self)
            self.grad = 1.0
            for v in reversed(order):
                v._backward()
    """)),
    ("backward does not seed self.grad = 1", _value(backward="""
        def backward(self):
            order, seen = [], set()
            def visit(v):
                if v not in seen:
                    seen.add(v)
                    for child in v._prev:
                        visit(child)
                    order.append(v)
            visit(self)
            for v in reversed(order):
                v._backward()
    """)),
    ("no __radd__ (2 + v fails)", _value(radd=None)),
    ("no __rmul__ (2 * v fails)", _value(rmul=None)),
    ("__radd__ and __rmul__ return NotImplemented", _value(radd="""
        def __radd__(self, other):
            return NotImplemented
    """, rmul="""
        def __rmul__(self, other):
            return NotImplemented
    """)),
    ("__add__ does not wrap a number (v + 2 fails)", _value(add="""
        def __add__(self, other):
            out = Value(self.data + other.data, (self, other), "+")
            def _backward():
                self.grad += out.grad
                other.grad += out.grad
            out._backward = _backward
            return out
    """)),
    ("__mul__ gradients swapped (a.grad += a.data * out.grad)", _value(mul="""
        def __mul__(self, other):
            other = other if isinstance(other, Value) else Value(other)
            out = Value(self.data * other.data, (self, other), "*")
            def _backward():
                self.grad += self.data * out.grad
                other.grad += other.data * out.grad
            out._backward = _backward
            return out
    """)),
    ("tanh gradient from the pre-activation: 1 - x**2", _value(tanh="""
        def tanh(self):
            out = Value(math.tanh(self.data), (self,), "tanh")
            def _backward():
                self.grad += (1 - self.data ** 2) * out.grad
            out._backward = _backward
            return out
    """)),
    ("tanh gradient applies tanh to the output again: 1 - tanh(t)**2", _value(tanh="""
        def tanh(self):
            t = math.tanh(self.data)
            out = Value(t, (self,), "tanh")
            def _backward():
                self.grad += (1 - math.tanh(t) ** 2) * out.grad
            out._backward = _backward
            return out
    """)),
    ("tanh gradient forgets out.grad", _value(tanh="""
        def tanh(self):
            t = math.tanh(self.data)
            out = Value(t, (self,), "tanh")
            def _backward():
                self.grad += 1 - t * t
            out._backward = _backward
            return out
    """)),
    ("exp gradient uses x instead of exp(x)", _value(exp="""
        def exp(self):
            out = Value(math.exp(self.data), (self,), "exp")
            def _backward():
                self.grad += self.data * out.grad
            out._backward = _backward
            return out
    """)),
    ("exp gradient forgets out.grad", _value(exp="""
        def exp(self):
            e = math.exp(self.data)
            out = Value(e, (self,), "exp")
            def _backward():
                self.grad += e
            out._backward = _backward
            return out
    """)),
    ("relu gradient 1 at x = 0 (x >= 0)", _value(relu="""
        def relu(self):
            out = Value(max(self.data, 0.0), (self,), "relu")
            def _backward():
                self.grad += (self.data >= 0) * out.grad
            out._backward = _backward
            return out
    """)),
    ("relu gradient multiplies by the output", _value(relu="""
        def relu(self):
            out = Value(max(self.data, 0.0), (self,), "relu")
            def _backward():
                self.grad += out.data * out.grad
            out._backward = _backward
            return out
    """)),
    ("relu forward as abs(x)", _value(relu="""
        def relu(self):
            out = Value(abs(self.data), (self,), "relu")
            def _backward():
                self.grad += (self.data > 0) * out.grad
            out._backward = _backward
            return out
    """)),
    ("__add__ changes its operand's data in place", _value(add="""
        def __add__(self, other):
            other = other if isinstance(other, Value) else Value(other)
            self.data = self.data + other.data
            out = Value(self.data, (self, other), "+")
            def _backward():
                self.grad += out.grad
                other.grad += out.grad
            out._backward = _backward
            return out
    """)),
]

_VALUE_CORRECT = [
    ("the micrograd way (closures, recursive topological sort)", _value()),
    ("iterative depth-first topological sort with an explicit stack", _value(backward="""
        def backward(self):
            order, seen, stack = [], set(), [(self, False)]
            while stack:
                v, done = stack.pop()
                if done:
                    order.append(v)
                elif v not in seen:
                    seen.add(v)
                    stack.append((v, True))
                    stack.extend((c, False) for c in v._prev)
            self.grad = 1.0
            for v in reversed(order):
                v._backward()
    """)),
    ("Kahn's algorithm: a node once all its users are done", _value(backward="""
        def backward(self):
            users, stack, seen = {}, [self], {self}
            while stack:
                v = stack.pop()
                for c in v._prev:
                    users[c] = users.get(c, 0) + 1
                    if c not in seen:
                        seen.add(c)
                        stack.append(c)
            self.grad = 1.0
            ready = [self]
            while ready:
                v = ready.pop()
                v._backward()
                for c in v._prev:
                    users[c] -= 1
                    if users[c] == 0:
                        ready.append(c)
    """)),
    ("__radd__ = __add__ and __rmul__ = __mul__ as aliases, numpy math", _value(
        radd="""
        __radd__ = __add__
    """, rmul="""
        __rmul__ = __mul__
    """, tanh="""
        def tanh(self):
            out = Value(np.tanh(self.data), (self,), "tanh")
            def _backward():
                self.grad += (1 - out.data ** 2) * out.grad
            out._backward = _backward
            return out
    """, exp="""
        def exp(self):
            out = Value(np.exp(self.data), (self,), "exp")
            def _backward():
                self.grad += out.data * out.grad
            out._backward = _backward
            return out
    """, relu="""
        def relu(self):
            out = Value(self.data * (self.data > 0), (self,), "relu")
            def _backward():
                self.grad += out.grad if out.data > 0 else 0.0
            out._backward = _backward
            return out
    """)),
    ("op tags: backward dispatches on _op, no closures", """
        import math

        class Value:
            def __init__(self, data, _children=(), _op=""):
                self.data = float(data)
                self.grad = 0.0
                self._prev = tuple(_children)
                self._op = _op

            def _wrap(self, other):
                return other if isinstance(other, Value) else Value(other)

            def __add__(self, other):
                other = self._wrap(other)
                return Value(self.data + other.data, (self, other), "+")

            def __radd__(self, other):
                return self._wrap(other) + self

            def __mul__(self, other):
                other = self._wrap(other)
                return Value(self.data * other.data, (self, other), "*")

            def __rmul__(self, other):
                return self._wrap(other) * self

            def tanh(self):
                return Value(math.tanh(self.data), (self,), "tanh")

            def relu(self):
                return Value(max(0.0, self.data), (self,), "relu")

            def exp(self):
                return Value(math.exp(self.data), (self,), "exp")

            def _local(self):
                # d(self)/d(input) for each input, from the operation's tag
                if self._op == "+":
                    return [1.0, 1.0]
                if self._op == "*":
                    a, b = self._prev
                    return [b.data, a.data]
                if self._op == "tanh":
                    return [1.0 - self.data ** 2]
                if self._op == "relu":
                    return [1.0 if self.data > 0 else 0.0]
                if self._op == "exp":
                    return [self.data]
                return []

            def backward(self):
                order, seen = [], set()
                def visit(v):
                    if id(v) not in seen:
                        seen.add(id(v))
                        for c in v._prev:
                            visit(c)
                        order.append(v)
                visit(self)
                self.grad = 1.0
                for v in reversed(order):
                    for child, d in zip(v._prev, v._local()):
                        child.grad += d * v.grad
    """),
    ("its own __init__ (children kept in a list, data as given)", """
        import math

        class Value:
            def __init__(self, data, children=(), op=""):
                self.data = data
                self.grad = 0
                self.children = list(children)
                self.back = None

            def __add__(self, other):
                if not isinstance(other, Value):
                    other = Value(other)
                out = Value(self.data + other.data, [self, other])
                def back():
                    self.grad += out.grad
                    other.grad += out.grad
                out.back = back
                return out

            __radd__ = __add__

            def __mul__(self, other):
                if not isinstance(other, Value):
                    other = Value(other)
                out = Value(self.data * other.data, [self, other])
                def back():
                    self.grad += other.data * out.grad
                    other.grad += self.data * out.grad
                out.back = back
                return out

            __rmul__ = __mul__

            def _unary(self, value, slope):
                out = Value(value, [self])
                def back():
                    self.grad += slope * out.grad
                out.back = back
                return out

            def tanh(self):
                t = math.tanh(self.data)
                return self._unary(t, 1 - t * t)

            def relu(self):
                return self._unary(max(self.data, 0), 1.0 if self.data > 0 else 0.0)

            def exp(self):
                e = math.exp(self.data)
                return self._unary(e, e)

            def backward(self):
                order, seen = [], set()
                stack = [(self, iter(self.children))]
                seen.add(id(self))
                while stack:
                    node, children = stack[-1]
                    child = next(children, None)
                    if child is None:
                        stack.pop()
                        order.append(node)
                    elif id(child) not in seen:
                        seen.add(id(child))
                        stack.append((child, iter(child.children)))
                self.grad = 1
                for node in reversed(order):
                    if node.back is not None:
                        node.back()
    """),
]


WRONG = {
    "value": _entries(*_VALUE_WRONG),
    "linear": _entries(
        ("dW transposed: dZ.T @ X", _with(_LINEAR_FORWARD_OK, """
            def linear_backward(dZ, cache):
                X, W = cache
                return dZ @ W.T, dZ.T @ X, dZ.sum(axis=0)
        """)),
        ("db not summed over the batch: db = dZ", _with(_LINEAR_FORWARD_OK, """
            def linear_backward(dZ, cache):
                X, W = cache
                return dZ @ W.T, X.T @ dZ, dZ
        """)),
        ("db summed over the wrong axis (axis=1)", _with(_LINEAR_FORWARD_OK, """
            def linear_backward(dZ, cache):
                X, W = cache
                return dZ @ W.T, X.T @ dZ, np.sum(dZ, axis=1)
        """)),
        ("db is the mean over the batch", _with(_LINEAR_FORWARD_OK, """
            def linear_backward(dZ, cache):
                X, W = cache
                return dZ @ W.T, X.T @ dZ, dZ.mean(axis=0)
        """)),
        ("dW and db divided by N (averaged over the batch)", _with(_LINEAR_FORWARD_OK, """
            def linear_backward(dZ, cache):
                X, W = cache
                N = X.shape[0]
                return dZ @ W.T, X.T @ dZ / N, dZ.sum(axis=0) / N
        """)),
        ("dX without the transpose: dZ @ W", _with(_LINEAR_FORWARD_OK, """
            def linear_backward(dZ, cache):
                X, W = cache
                return np.dot(dZ, W), np.dot(X.T, dZ), np.sum(dZ, axis=0)
        """)),
        ("dX as W @ dZ.T (the column-vector formula, not transposed back)", _with(
            _LINEAR_FORWARD_OK, """
            def linear_backward(dZ, cache):
                X, W = cache
                return W @ dZ.T, X.T @ dZ, dZ.sum(axis=0)
        """)),
        ("forward forgets the bias", _with("""
            def linear_forward(X, W, b):
                return X @ W, (X, W)
        """, _LINEAR_BACKWARD_OK)),
        ("forward adds b as a column: b[:, None]", _with("""
            def linear_forward(X, W, b):
                return X @ W + b[:, None], (X, W)
        """, _LINEAR_BACKWARD_OK)),
        ("db with keepdims=True: shape (1, D_out)", _with(_LINEAR_FORWARD_OK, """
            def linear_backward(dZ, cache):
                X, W = cache
                return dZ @ W.T, X.T @ dZ, np.sum(dZ, axis=0, keepdims=True)
        """)),
        ("returns (dW, dX, db) in the wrong order", _with(_LINEAR_FORWARD_OK, """
            def linear_backward(dZ, cache):
                X, W = cache
                dX = dZ @ W.T
                dW = X.T @ dZ
                db = dZ.sum(axis=0)
                return dW, dX, db
        """)),
        ("keeps X and W in globals instead of the cache", """
            _saved = {}

            def linear_forward(X, W, b):
                _saved["X"], _saved["W"] = X, W
                return X @ W + b, None

            def linear_backward(dZ, cache):
                X, W = _saved["X"], _saved["W"]
                return dZ @ W.T, X.T @ dZ, dZ.sum(axis=0)
        """),
    ),
    "relu_layer": _entries(
        ("relu_backward masks with Z >= 0 (1 at Z == 0)", _with(_RELU_FORWARD_OK, """
            def relu_backward(dA, cache):
                return dA * (cache >= 0)
        """)),
        ("relu_backward passes dA through unchanged", _with(_RELU_FORWARD_OK, """
            def relu_backward(dA, cache):
                return dA
        """)),
        ("relu_backward zeroes dA in place", _with(_RELU_FORWARD_OK, """
            def relu_backward(dA, cache):
                dA[cache <= 0] = 0
                return dA
        """)),
        ("relu_forward zeroes the negatives of Z in place", """
            def relu_forward(Z):
                Z[Z < 0] = 0
                return Z, Z

            def relu_backward(dA, cache):
                return dA * (cache > 0)
        """),
        ("relu_backward returns the mask without dA", _with(_RELU_FORWARD_OK, """
            def relu_backward(dA, cache):
                return (cache > 0).astype(float)
        """)),
        ("relu_backward multiplies dA by the output A", """
            def relu_forward(Z):
                A = np.maximum(Z, 0)
                return A, A

            def relu_backward(dA, cache):
                return dA * cache
        """),
        ("leaky ReLU with slope 0.01", """
            def relu_forward(Z):
                return np.where(Z > 0, Z, 0.01 * Z), Z

            def relu_backward(dA, cache):
                return dA * np.where(cache > 0, 1.0, 0.01)
        """),
        ("relu_forward returns only A", _with("""
            def relu_forward(Z):
                return np.maximum(Z, 0)
        """, _RELU_BACKWARD_OK)),
        ("mask kept in a global from the last forward call", """
            last_mask = None

            def relu_forward(Z):
                global last_mask
                last_mask = Z > 0
                return np.maximum(Z, 0), None

            def relu_backward(dA, cache):
                return dA * last_mask
        """),
    ),
    "sigmoid_layer": _entries(
        ("sigmoid_backward passes dA through (missing sigma')", _with(_SIGMOID_FORWARD_OK, """
            def sigmoid_backward(dA, cache):
                return dA
        """)),
        ("sigmoid_backward forgets (1 - A)", _with(_SIGMOID_FORWARD_OK, """
            def sigmoid_backward(dA, cache):
                return dA * cache
        """)),
        ("caches Z but applies A * (1 - A) to it", """
            def sigmoid_forward(Z):
                Z = np.asarray(Z, dtype=float)
                e = np.exp(-np.abs(Z))
                return np.where(Z >= 0, 1 / (1 + e), e / (1 + e)), Z

            def sigmoid_backward(dA, cache):
                return dA * cache * (1 - cache)
        """),
        ("caches A and applies sigmoid to it again", _with(_SIGMOID_FORWARD_OK, """
            def sigmoid_backward(dA, cache):
                e = np.exp(-np.abs(cache))
                s = np.where(cache >= 0, 1 / (1 + e), e / (1 + e))
                return dA * s * (1 - s)
        """)),
        ("naive 1 / (1 + exp(-Z)) overflows for Z << 0", _with("""
            def sigmoid_forward(Z):
                A = 1 / (1 + np.exp(-Z))
                return A, A
        """, _SIGMOID_BACKWARD_OK)),
        ("sigmoid_backward forgets to multiply by dA", _with(_SIGMOID_FORWARD_OK, """
            def sigmoid_backward(dA, cache):
                return cache * (1 - cache)
        """)),
        ("sigmoid_backward multiplies dA in place", _with(_SIGMOID_FORWARD_OK, """
            def sigmoid_backward(dA, cache):
                dA *= cache * (1 - cache)
                return dA
        """)),
        ("sign slip: A * (1 + A)", _with(_SIGMOID_FORWARD_OK, """
            def sigmoid_backward(dA, cache):
                return dA * cache * (1 + cache)
        """)),
        ("clips Z to [-20, 20] to avoid overflow", _with("""
            def sigmoid_forward(Z):
                Z = np.clip(Z, -20, 20)
                A = 1 / (1 + np.exp(-Z))
                return A, A
        """, _SIGMOID_BACKWARD_OK)),
    ),
    "tanh_layer": _entries(
        ("tanh_backward forgets the square: 1 - A", _with(_TANH_FORWARD_OK, """
            def tanh_backward(dA, cache):
                return dA * (1 - cache)
        """)),
        ("caches A and applies tanh to it again", _with(_TANH_FORWARD_OK, """
            def tanh_backward(dA, cache):
                return dA * (1 - np.tanh(cache) ** 2)
        """)),
        ("caches Z but applies 1 - A**2 to it", """
            def tanh_forward(Z):
                return np.tanh(Z), Z

            def tanh_backward(dA, cache):
                return dA * (1 - cache ** 2)
        """),
        ("tanh_backward passes dA through", _with(_TANH_FORWARD_OK, """
            def tanh_backward(dA, cache):
                return dA
        """)),
        ("tanh as 2 * sigmoid(Z) - 1 (the 2 inside is missing)", _with("""
            def tanh_forward(Z):
                Z = np.asarray(Z, dtype=float)
                e = np.exp(-np.abs(Z))
                s = np.where(Z >= 0, 1 / (1 + e), e / (1 + e))
                A = 2 * s - 1
                return A, A
        """, _TANH_BACKWARD_OK)),
        ("sign slip: 1 + A**2", _with(_TANH_FORWARD_OK, """
            def tanh_backward(dA, cache):
                return dA * (1 + cache ** 2)
        """)),
        ("(e^Z - e^-Z) / (e^Z + e^-Z) overflows", _with("""
            def tanh_forward(Z):
                A = (np.exp(Z) - np.exp(-Z)) / (np.exp(Z) + np.exp(-Z))
                return A, A
        """, _TANH_BACKWARD_OK)),
        ("tanh_backward as dA / cosh(Z)**2 overflows", """
            def tanh_forward(Z):
                return np.tanh(Z), Z

            def tanh_backward(dA, cache):
                return dA / np.cosh(cache) ** 2
        """),
        ("tanh_backward forgets dA", _with(_TANH_FORWARD_OK, """
            def tanh_backward(dA, cache):
                return 1 - cache ** 2
        """)),
    ),
    "mlp_forward": _entries(
        ("activation after the last layer too", """
            def mlp_forward(params, X, activation="relu"):
                act = {"relu": relu_forward, "sigmoid": sigmoid_forward, "tanh": tanh_forward}[activation]
                L = len(params) // 2
                H, caches = X, []
                for l in range(1, L + 1):
                    Z, lc = linear_forward(H, params[f"W{l}"], params[f"b{l}"])
                    H, ac = act(Z)
                    caches.append((lc, ac, activation))
                return H, caches
        """),
        ("takes W and b in the dict's insertion order", """
            def mlp_forward(params, X, activation="relu"):
                act = {"relu": relu_forward, "sigmoid": sigmoid_forward, "tanh": tanh_forward}[activation]
                keys = list(params)
                L = len(keys) // 2
                H, caches = X, []
                for i in range(L):
                    W, b = params[keys[2 * i]], params[keys[2 * i + 1]]
                    Z, lc = linear_forward(H, W, b)
                    if i < L - 1:
                        H, ac = act(Z)
                    else:
                        H, ac = Z, None
                    caches.append((lc, ac, activation))
                return H, caches
        """),
        ("weights collected from params.items() in insertion order", """
            def mlp_forward(params, X, activation="relu"):
                act = {"relu": relu_forward, "sigmoid": sigmoid_forward, "tanh": tanh_forward}[activation]
                Ws = [v for k, v in params.items() if k.startswith("W")]
                bs = [v for k, v in params.items() if k.startswith("b")]
                H, caches = X, []
                for i, (W, b) in enumerate(zip(Ws, bs)):
                    Z, lc = linear_forward(H, W, b)
                    if i < len(Ws) - 1:
                        H, ac = act(Z)
                    else:
                        H, ac = Z, None
                    caches.append((lc, ac, activation))
                return H, caches
        """),
        ("ignores the activation argument (always ReLU)", """
            def mlp_forward(params, X, activation="relu"):
                L = len(params) // 2
                H, caches = X, []
                for l in range(1, L + 1):
                    Z, lc = linear_forward(H, params[f"W{l}"], params[f"b{l}"])
                    if l < L:
                        H, ac = relu_forward(Z)
                    else:
                        H, ac = Z, None
                    caches.append((lc, ac, activation))
                return H, caches
        """),
        ("no activation at all", """
            def mlp_forward(params, X, activation="relu"):
                L = len(params) // 2
                H, caches = X, []
                for l in range(1, L + 1):
                    H, lc = linear_forward(H, params[f"W{l}"], params[f"b{l}"])
                    caches.append((lc, None, activation))
                return H, caches
        """),
        ("range(1, L): the last layer is skipped", """
            def mlp_forward(params, X, activation="relu"):
                act = {"relu": relu_forward, "sigmoid": sigmoid_forward, "tanh": tanh_forward}[activation]
                L = len(params) // 2
                H, caches = X, []
                for l in range(1, L):
                    Z, lc = linear_forward(H, params[f"W{l}"], params[f"b{l}"])
                    H, ac = act(Z)
                    caches.append((lc, ac, activation))
                return H, caches
        """),
        ("reshapes the biases inside params to (1, D)", """
            def mlp_forward(params, X, activation="relu"):
                act = {"relu": relu_forward, "sigmoid": sigmoid_forward, "tanh": tanh_forward}[activation]
                L = len(params) // 2
                H, caches = X, []
                for l in range(1, L + 1):
                    params[f"b{l}"] = params[f"b{l}"].reshape(1, -1)
                    Z, lc = linear_forward(H, params[f"W{l}"], params[f"b{l}"])
                    if l < L:
                        H, ac = act(Z)
                    else:
                        H, ac = Z, None
                    caches.append((lc, ac, activation))
                return H, caches
        """),
        ("default activation is sigmoid", """
            def mlp_forward(params, X, activation="sigmoid"):
                act = {"relu": relu_forward, "sigmoid": sigmoid_forward, "tanh": tanh_forward}[activation]
                L = len(params) // 2
                H, caches = X, []
                for l in range(1, L + 1):
                    Z, lc = linear_forward(H, params[f"W{l}"], params[f"b{l}"])
                    if l < L:
                        H, ac = act(Z)
                    else:
                        H, ac = Z, None
                    caches.append((lc, ac, activation))
                return H, caches
        """),
        ("L = len(params): one layer per key", """
            def mlp_forward(params, X, activation="relu"):
                act = {"relu": relu_forward, "sigmoid": sigmoid_forward, "tanh": tanh_forward}[activation]
                L = len(params)
                H, caches = X, []
                for l in range(1, L + 1):
                    Z, lc = linear_forward(H, params[f"W{l}"], params[f"b{l}"])
                    if l < L:
                        H, ac = act(Z)
                    else:
                        H, ac = Z, None
                    caches.append((lc, ac, activation))
                return H, caches
        """),
        ("activation before each linear layer (also on the input X)", """
            def mlp_forward(params, X, activation="relu"):
                act = {"relu": relu_forward, "sigmoid": sigmoid_forward, "tanh": tanh_forward}[activation]
                L = len(params) // 2
                H, caches = X, []
                for l in range(1, L + 1):
                    A, ac = act(H)
                    H, lc = linear_forward(A, params[f"W{l}"], params[f"b{l}"])
                    caches.append((lc, ac, activation))
                return H, caches
        """),
    ),
    "mlp_backward": _entries(
        ("gradient keys named dW1, db1, ...", """
            def mlp_backward(dscores, caches):
                back = {"relu": relu_backward, "sigmoid": sigmoid_backward, "tanh": tanh_backward}
                grads = {}
                dA = dscores
                for l in range(len(caches), 0, -1):
                    lc, ac, act = caches[l - 1]
                    dZ = dA if l == len(caches) else back[act](dA, ac)
                    dA, grads[f"dW{l}"], grads[f"db{l}"] = linear_backward(dZ, lc)
                return grads
        """),
        ("forgets the activation's backward pass", """
            def mlp_backward(dscores, caches):
                grads = {}
                dA = dscores
                for l in range(len(caches), 0, -1):
                    lc = caches[l - 1][0]
                    dA, grads[f"W{l}"], grads[f"b{l}"] = linear_backward(dA, lc)
                return grads
        """),
        ("divides every gradient by N again", """
            def mlp_backward(dscores, caches):
                back = {"relu": relu_backward, "sigmoid": sigmoid_backward, "tanh": tanh_backward}
                N = dscores.shape[0]
                grads = {}
                dA = dscores
                for l in range(len(caches), 0, -1):
                    lc, ac, act = caches[l - 1]
                    dZ = dA if l == len(caches) else back[act](dA, ac)
                    dA, dW, db = linear_backward(dZ, lc)
                    grads[f"W{l}"], grads[f"b{l}"] = dW / N, db / N
                return grads
        """),
        ("stops before the first layer (range(L, 1, -1))", """
            def mlp_backward(dscores, caches):
                back = {"relu": relu_backward, "sigmoid": sigmoid_backward, "tanh": tanh_backward}
                grads = {}
                dA = dscores
                for l in range(len(caches), 1, -1):
                    lc, ac, act = caches[l - 1]
                    dZ = dA if l == len(caches) else back[act](dA, ac)
                    dA, grads[f"W{l}"], grads[f"b{l}"] = linear_backward(dZ, lc)
                return grads
        """),
        ("always uses relu_backward", """
            def mlp_backward(dscores, caches):
                grads = {}
                dA = dscores
                L = len(caches)
                for l in range(L, 0, -1):
                    lc, ac, act = caches[l - 1]
                    dZ = dA if l == L else relu_backward(dA, ac)
                    dA, grads[f"W{l}"], grads[f"b{l}"] = linear_backward(dZ, lc)
                return grads
        """),
        ("numbers the layers in the order it visits them (last layer = 1)", """
            def mlp_backward(dscores, caches):
                back = {"relu": relu_backward, "sigmoid": sigmoid_backward, "tanh": tanh_backward}
                grads = {}
                dA = dscores
                for i, (lc, ac, act) in enumerate(reversed(caches)):
                    dZ = dA if i == 0 else back[act](dA, ac)
                    dA, grads[f"W{i + 1}"], grads[f"b{i + 1}"] = linear_backward(dZ, lc)
                return grads
        """),
        ("inline math with db averaged over the batch", """
            def mlp_backward(dscores, caches):
                grads = {}
                dA = dscores
                L = len(caches)
                for l in range(L, 0, -1):
                    (H, W), ac, act = caches[l - 1]
                    if l == L:
                        dZ = dA
                    elif act == "relu":
                        dZ = dA * (ac > 0)
                    elif act == "sigmoid":
                        dZ = dA * ac * (1 - ac)
                    else:
                        dZ = dA * (1 - ac ** 2)
                    grads[f"W{l}"] = H.T @ dZ
                    grads[f"b{l}"] = dZ.mean(axis=0)
                    dA = dZ @ W.T
                return grads
        """),
        ("stores dW transposed (column-vector convention)", """
            def mlp_backward(dscores, caches):
                back = {"relu": relu_backward, "sigmoid": sigmoid_backward, "tanh": tanh_backward}
                grads = {}
                dA = dscores
                for l in range(len(caches), 0, -1):
                    lc, ac, act = caches[l - 1]
                    dZ = dA if l == len(caches) else back[act](dA, ac)
                    dA, dW, db = linear_backward(dZ, lc)
                    grads[f"W{l}"], grads[f"b{l}"] = dW.T, db
                return grads
        """),
        ("activation cache of the wrong layer (off by one)", """
            def mlp_backward(dscores, caches):
                back = {"relu": relu_backward, "sigmoid": sigmoid_backward, "tanh": tanh_backward}
                grads = {}
                dZ = dscores
                for l in range(len(caches), 0, -1):
                    lc, ac, act = caches[l - 1]
                    dA, grads[f"W{l}"], grads[f"b{l}"] = linear_backward(dZ, lc)
                    if l > 1:
                        dZ = back[act](dA, caches[l - 1][1])
                return grads
        """),
    ),
    "mlp_loss": _entries(
        ("forgets the L2 penalty", """
            def mlp_loss(params, X, y, activation="relu", reg=0.0):
                scores, caches = mlp_forward(params, X, activation)
                loss, dscores = softmax_cross_entropy(scores, y)
                return loss, mlp_backward(dscores, caches)
        """),
        ("regularises the biases too", """
            def mlp_loss(params, X, y, activation="relu", reg=0.0):
                scores, caches = mlp_forward(params, X, activation)
                loss, dscores = softmax_cross_entropy(scores, y)
                grads = mlp_backward(dscores, caches)
                for k, v in params.items():
                    loss += reg * np.sum(v ** 2)
                    grads[k] = grads[k] + 2 * reg * v
                return loss, grads
        """),
        ("penalty gradient reg * W (the factor 2 is missing)", """
            def mlp_loss(params, X, y, activation="relu", reg=0.0):
                scores, caches = mlp_forward(params, X, activation)
                loss, dscores = softmax_cross_entropy(scores, y)
                grads = mlp_backward(dscores, caches)
                for k in params:
                    if k.startswith("W"):
                        loss += reg * np.sum(params[k] ** 2)
                        grads[k] = grads[k] + reg * params[k]
                return loss, grads
        """),
        ("the 1/2 convention: 0.5 * reg * ||W||^2 with gradient reg * W", """
            def mlp_loss(params, X, y, activation="relu", reg=0.0):
                scores, caches = mlp_forward(params, X, activation)
                loss, dscores = softmax_cross_entropy(scores, y)
                grads = mlp_backward(dscores, caches)
                for k in params:
                    if k.startswith("W"):
                        loss += 0.5 * reg * np.sum(params[k] ** 2)
                        grads[k] = grads[k] + reg * params[k]
                return loss, grads
        """),
        ("penalty in the gradients but not in the loss", """
            def mlp_loss(params, X, y, activation="relu", reg=0.0):
                scores, caches = mlp_forward(params, X, activation)
                loss, dscores = softmax_cross_entropy(scores, y)
                grads = mlp_backward(dscores, caches)
                _, reg_grads = l2_penalty(params, reg)
                return loss, {k: grads[k] + reg_grads[k] for k in grads}
        """),
        ("divides dscores by N again", """
            def mlp_loss(params, X, y, activation="relu", reg=0.0):
                scores, caches = mlp_forward(params, X, activation)
                loss, dscores = softmax_cross_entropy(scores, y)
                grads = mlp_backward(dscores / X.shape[0], caches)
                penalty, reg_grads = l2_penalty(params, reg)
                return loss + penalty, {k: grads[k] + reg_grads[k] for k in grads}
        """),
        ("does not pass the activation on", """
            def mlp_loss(params, X, y, activation="relu", reg=0.0):
                scores, caches = mlp_forward(params, X)
                loss, dscores = softmax_cross_entropy(scores, y)
                grads = mlp_backward(dscores, caches)
                penalty, reg_grads = l2_penalty(params, reg)
                return loss + penalty, {k: grads[k] + reg_grads[k] for k in grads}
        """),
        ("own softmax without subtracting the maximum", """
            def mlp_loss(params, X, y, activation="relu", reg=0.0):
                scores, caches = mlp_forward(params, X, activation)
                N = X.shape[0]
                E = np.exp(scores)
                P = E / E.sum(axis=1, keepdims=True)
                loss = -np.mean(np.log(P[np.arange(N), y]))
                dscores = P.copy()
                dscores[np.arange(N), y] -= 1
                grads = mlp_backward(dscores / N, caches)
                penalty, reg_grads = l2_penalty(params, reg)
                return loss + penalty, {k: grads[k] + reg_grads[k] for k in grads}
        """),
        ("own cross-entropy summed over the batch instead of averaged", """
            def mlp_loss(params, X, y, activation="relu", reg=0.0):
                scores, caches = mlp_forward(params, X, activation)
                N = X.shape[0]
                shifted = scores - scores.max(axis=1, keepdims=True)
                logP = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
                loss = -np.sum(logP[np.arange(N), y])
                dscores = np.exp(logP)
                dscores[np.arange(N), y] -= 1
                grads = mlp_backward(dscores, caches)
                penalty, reg_grads = l2_penalty(params, reg)
                return loss + penalty, {k: grads[k] + reg_grads[k] for k in grads}
        """),
        ("weight decay applied to params in place", """
            def mlp_loss(params, X, y, activation="relu", reg=0.0):
                scores, caches = mlp_forward(params, X, activation)
                loss, dscores = softmax_cross_entropy(scores, y)
                grads = mlp_backward(dscores, caches)
                penalty, reg_grads = l2_penalty(params, reg)
                for k in grads:
                    grads[k] += reg_grads[k]
                    params[k] -= reg_grads[k]
                return loss + penalty, grads
        """),
    ),
}


CORRECT = {
    "value": _entries(*_VALUE_CORRECT),
    "linear": _entries(
        ("np.dot, cache as a dict", """
            def linear_forward(X, W, b):
                return np.dot(X, W) + b, {"X": X, "W": W}

            def linear_backward(dZ, cache):
                dX = np.dot(dZ, cache["W"].T)
                dW = np.dot(cache["X"].T, dZ)
                db = np.sum(dZ, axis=0)
                return dX, dW, db
        """),
        ("einsum", """
            def linear_forward(X, W, b):
                Z = np.einsum("nd,dk->nk", X, W) + b
                return Z, (X, W, b)

            def linear_backward(dZ, cache):
                X, W, b = cache
                dX = np.einsum("nk,dk->nd", dZ, W)
                dW = np.einsum("nd,nk->dk", X, dZ)
                db = np.einsum("nk->k", dZ)
                return dX, dW, db
        """),
        ("column-vector formulas transposed back; db = ones @ dZ", """
            def linear_forward(X, W, b):
                Z = (W.T @ X.T).T + b
                return Z, [X.copy(), W.copy()]

            def linear_backward(dZ, cache):
                X, W = cache
                dX = (W @ dZ.T).T
                dW = (dZ.T @ X).T
                db = np.ones(dZ.shape[0]) @ dZ
                return dX, dW, db
        """),
        ("np.matmul, returns a list", """
            def linear_forward(X, W, b):
                X = np.asarray(X, dtype=float)
                cache = (X, W)
                return np.matmul(X, W) + b.reshape(1, -1), cache

            def linear_backward(dZ, cache):
                X, W = cache
                return [np.matmul(dZ, W.T), np.matmul(X.T, dZ), dZ.sum(0)]
        """),
    ),
    "relu_layer": _entries(
        ("caches A and masks with A > 0", """
            def relu_forward(Z):
                A = np.maximum(0, Z)
                return A, A

            def relu_backward(dA, cache):
                return dA * (cache > 0)
        """),
        ("np.where", """
            def relu_forward(Z):
                return np.where(Z > 0, Z, 0.0), Z

            def relu_backward(dA, cache):
                return np.where(cache > 0, dA, 0.0)
        """),
        ("caches the boolean mask", """
            def relu_forward(Z):
                mask = Z > 0
                return Z * mask, mask

            def relu_backward(dA, cache):
                return dA * cache
        """),
        ("np.clip forward; backward zeroes a copy of dA", """
            def relu_forward(Z):
                Z = np.array(Z, dtype=float)
                return np.clip(Z, 0, None), Z

            def relu_backward(dA, cache):
                dZ = dA.copy()
                dZ[cache <= 0] = 0.0
                return dZ
        """),
    ),
    "sigmoid_layer": _entries(
        ("caches Z and recomputes s in the backward pass", """
            def _sig(Z):
                return np.exp(-np.logaddexp(0.0, -Z))

            def sigmoid_forward(Z):
                return _sig(np.asarray(Z, dtype=float)), Z

            def sigmoid_backward(dA, cache):
                s = _sig(cache)
                return dA * s * (1 - s)
        """),
        ("0.5 * (1 + tanh(Z / 2))", """
            def sigmoid_forward(Z):
                A = 0.5 * (1.0 + np.tanh(0.5 * Z))
                return A, A

            def sigmoid_backward(dA, cache):
                return dA * (cache - cache ** 2)
        """),
        ("naive formula under np.errstate(over='ignore')", """
            def sigmoid_forward(Z):
                with np.errstate(over="ignore"):
                    A = 1.0 / (1.0 + np.exp(-Z))
                return A, {"A": A}

            def sigmoid_backward(dA, cache):
                A = cache["A"]
                return dA * A * (1.0 - A)
        """),
        ("boolean masks on a float copy; s(Z) * s(-Z)", """
            def sigmoid_forward(Z):
                Z = np.array(Z, dtype=float)
                A = np.empty_like(Z)
                pos = Z >= 0
                A[pos] = 1.0 / (1.0 + np.exp(-Z[pos]))
                ez = np.exp(Z[~pos])
                A[~pos] = ez / (1.0 + ez)
                return A, (Z, A)

            def sigmoid_backward(dA, cache):
                Z, A = cache
                neg = np.exp(-np.logaddexp(0.0, Z))   # sigmoid(-Z) = 1 - sigmoid(Z)
                return dA * A * neg
        """),
    ),
    "tanh_layer": _entries(
        ("caches Z, recomputes tanh", """
            def tanh_forward(Z):
                return np.tanh(Z), Z

            def tanh_backward(dA, cache):
                return dA * (1.0 - np.tanh(cache) ** 2)
        """),
        ("2 * sigmoid(2Z) - 1, backward (1 - A)(1 + A)", """
            def tanh_forward(Z):
                Z = np.asarray(Z, dtype=float)
                e = np.exp(-np.abs(2 * Z))
                s = np.where(Z >= 0, 1 / (1 + e), e / (1 + e))
                A = 2 * s - 1
                return A, A

            def tanh_backward(dA, cache):
                return dA * (1 - cache) * (1 + cache)
        """),
        ("1 / cosh(Z)**2 under np.errstate(over='ignore')", """
            def tanh_forward(Z):
                return np.tanh(Z), np.asarray(Z, dtype=float)

            def tanh_backward(dA, cache):
                with np.errstate(over="ignore"):
                    return dA / np.cosh(cache) ** 2
        """),
    ),
    "mlp_forward": _entries(
        ("while f'W{l}' in params", """
            def mlp_forward(params, X, activation="relu"):
                fwd = {"relu": relu_forward, "sigmoid": sigmoid_forward, "tanh": tanh_forward}[activation]
                caches = []
                H, l = X, 1
                while f"W{l}" in params:
                    Z, lc = linear_forward(H, params[f"W{l}"], params[f"b{l}"])
                    last = f"W{l + 1}" not in params
                    H, ac = (Z, None) if last else fwd(Z)
                    caches.append((lc, ac, activation))
                    l += 1
                return H, caches
        """),
        ("keys sorted by their number", """
            def mlp_forward(params, X, activation="relu"):
                fwd = globals()[activation + "_forward"]
                layers = sorted((k for k in params if k.startswith("W")), key=lambda k: int(k[1:]))
                H, caches = X, []
                for i, key in enumerate(layers):
                    Z, lc = linear_forward(H, params[key], params["b" + key[1:]])
                    if i + 1 < len(layers):
                        H, ac = fwd(Z)
                    else:
                        H, ac = Z, None
                    caches.append((lc, ac, activation))
                return H, caches
        """),
        ("inline numpy, no layer functions, caches as dicts", """
            def mlp_forward(params, X, activation="relu"):
                g = {"relu": lambda z: np.maximum(z, 0),
                     "sigmoid": lambda z: 0.5 * (1 + np.tanh(0.5 * z)),
                     "tanh": np.tanh}[activation]
                L = len(params) // 2
                H = X
                caches = []
                for l in range(1, L + 1):
                    Z = H @ params["W%d" % l] + params["b%d" % l]
                    caches.append({"H": H, "Z": Z})
                    H = g(Z) if l < L else Z
                return H, caches
        """),
        ("if/elif on the activation name", """
            def mlp_forward(params, X, activation="relu"):
                L = sum(key[0] == "W" for key in params)
                out = np.array(X, dtype=float)
                caches = []
                for l in range(1, L + 1):
                    Z, lin = linear_forward(out, params["W" + str(l)], params["b" + str(l)])
                    if l == L:
                        out, act = Z, None
                    elif activation == "relu":
                        out, act = relu_forward(Z)
                    elif activation == "sigmoid":
                        out, act = sigmoid_forward(Z)
                    elif activation == "tanh":
                        out, act = tanh_forward(Z)
                    else:
                        raise ValueError(activation)
                    caches.append((lin, act, activation))
                return out, caches
        """),
    ),
    "mlp_backward": _entries(
        ("reversed(list(enumerate(caches, 1)))", """
            def mlp_backward(dscores, caches):
                grads = {}
                d = dscores
                for l, (lin, act_cache, act) in reversed(list(enumerate(caches, 1))):
                    if act_cache is not None:
                        d = globals()[act + "_backward"](d, act_cache)
                    d, grads["W%d" % l], grads["b%d" % l] = linear_backward(d, lin)
                return grads
        """),
        ("inline math from the cache contents", """
            def mlp_backward(dscores, caches):
                grads = {}
                dA = dscores
                L = len(caches)
                for l in range(L, 0, -1):
                    (H, W), ac, act = caches[l - 1]
                    if l == L:
                        dZ = dA
                    elif act == "relu":
                        dZ = np.where(ac > 0, dA, 0.0)
                    elif act == "sigmoid":
                        dZ = dA * ac * (1 - ac)
                    else:
                        dZ = dA * (1 - ac * ac)
                    grads[f"W{l}"] = H.T @ dZ
                    grads[f"b{l}"] = dZ.sum(axis=0)
                    dA = dZ @ W.T
                return grads
        """),
        ("recursion from the first layer", """
            def mlp_backward(dscores, caches):
                back = {"relu": relu_backward, "sigmoid": sigmoid_backward, "tanh": tanh_backward}
                grads = {}

                def through(l, dout):
                    # dout: gradient w.r.t. the output of layer l (after its activation)
                    lin, ac, act = caches[l - 1]
                    dZ = dout if ac is None else back[act](dout, ac)
                    dX, grads[f"W{l}"], grads[f"b{l}"] = linear_backward(dZ, lin)
                    if l > 1:
                        through(l - 1, dX)

                through(len(caches), dscores)
                return dict(sorted(grads.items()))
        """),
        ("while loop, copies dscores first", """
            def mlp_backward(dscores, caches):
                grads = {}
                grad = np.array(dscores, dtype=float)
                l = len(caches)
                while l >= 1:
                    lin, ac, act = caches[l - 1]
                    if l < len(caches):
                        grad = {"relu": relu_backward, "sigmoid": sigmoid_backward,
                                "tanh": tanh_backward}[act](grad, ac)
                    grad, dW, db = linear_backward(grad, lin)
                    grads["W" + str(l)] = dW
                    grads["b" + str(l)] = db
                    l -= 1
                return grads
        """),
    ),
    "mlp_loss": _entries(
        ("own log-softmax cross-entropy and penalty", """
            def mlp_loss(params, X, y, activation="relu", reg=0.0):
                scores, caches = mlp_forward(params, X, activation=activation)
                N = scores.shape[0]
                shifted = scores - scores.max(axis=1, keepdims=True)
                logP = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
                loss = -logP[np.arange(N), y].mean()
                dscores = np.exp(logP)
                dscores[np.arange(N), y] -= 1
                grads = mlp_backward(dscores / N, caches)
                for k in params:
                    if k.startswith("W"):
                        loss += reg * np.sum(params[k] * params[k])
                        grads[k] = grads[k] + 2 * reg * params[k]
                return float(loss), grads
        """),
        ("given functions and a dict comprehension", """
            def mlp_loss(params, X, y, activation="relu", reg=0.0):
                scores, caches = mlp_forward(params, X, activation)
                data, dscores = softmax_cross_entropy(scores, y)
                grads = mlp_backward(dscores, caches)
                penalty, dpen = l2_penalty(params, reg)
                return data + penalty, {k: g + dpen[k] for k, g in grads.items()}
        """),
        ("penalty summed with a generator, grads updated in place", """
            def mlp_loss(params, X, y, activation="relu", reg=0.0):
                scores, caches = mlp_forward(params, X, activation)
                loss, dscores = softmax_cross_entropy(scores, y)
                grads = mlp_backward(dscores, caches)
                weights = [k for k in params if k[0] == "W"]
                loss = loss + reg * sum(np.sum(params[k] ** 2) for k in weights)
                for k in weights:
                    grads[k] += 2.0 * reg * params[k]
                return loss, grads
        """),
    ),
}
