"""Corpus of student implementations for the graded exercises of 06_optimizers.

``WRONG[exercise]`` and ``CORRECT[exercise]`` are lists of ``(label, source)``: what a
student would type into the exercise's solution cell, with ``np`` imported and the other
exercises' reference classes and functions defined (so ``run_optimizer`` and
``ReduceLROnPlateau`` are run with the reference ``SGD`` / ``Momentum``), as in a notebook
run top to bottom.

A WRONG entry breaks COURSE.md's contract somewhere (the formulas, in-place updates, state
kept per key, ``lr`` read at every step, ε outside the square root, Adam's t counting calls,
PyTorch's plateau rule); a CORRECT one meets it everywhere, written differently from the
instructor's solution (other but equivalent algebra, new state arrays, other loops).
"""

from textwrap import dedent, indent

from corpus import entries as _entries, joined as _with

ASSIGNMENT = "06_optimizers"
EXERCISES = {
    "sgd": ("SGD",),
    "momentum": ("Momentum",),
    "nesterov": ("Nesterov",),
    "run_optimizer": ("run_optimizer",),
    "adagrad": ("AdaGrad",),
    "rmsprop": ("RMSProp",),
    "adam": ("Adam",),
    "schedules": ("linear_decay", "exponential_decay"),
    "plateau": ("ReduceLROnPlateau",),
}
# Wrong entries whose symptom depends on the draw (which key is tiny, when lr changes).
SWEEP = [
    ("momentum", "PyTorch's form: b = mu b + g, theta -= lr b (differs once lr changes)"),
    ("adam", "Kingma & Ba's 'efficient' form with the same eps (eps not scaled)"),
    ("plateau", "Keras's rule: reduce after patience bad epochs (>=)"),
]
QUANTITY = r"\bparams\b|\blr\b|\bpath\b|\bgrads\b|\bstep\b"


_LINEAR_OK = """
    def linear_decay(lr0, lr_tau, tau):
        def schedule(k):
            if k >= tau:
                return lr_tau
            return (1 - k / tau) * lr0 + (k / tau) * lr_tau
        return schedule
"""
_EXPONENTIAL_OK = """
    def exponential_decay(lr0, gamma):
        return lambda k: lr0 * gamma ** k
"""

_PLATEAU_INIT = """
    class ReduceLROnPlateau:
        def __init__(self, optimizer, factor=0.1, patience=10):
            self.optimizer = optimizer
            self.factor = factor
            self.patience = patience
            self.best = np.inf
            self.num_bad_epochs = 0
"""


def _plateau(step_body):
    """The given constructor with a student's step method."""
    return dedent(_PLATEAU_INIT).strip() + "\n\n" + indent(dedent(step_body).strip(), "    ") + "\n"


WRONG = {
    "sgd": _entries(
        ("a new array instead of an in-place update", """
            class SGD:
                def __init__(self, lr):
                    self.lr = lr

                def step(self, params, grads):
                    for key in params:
                        params[key] = params[key] - self.lr * grads[key]
        """),
        ("sign slip: theta += lr g", """
            class SGD:
                def __init__(self, lr):
                    self.lr = lr

                def step(self, params, grads):
                    for key, p in params.items():
                        p += self.lr * grads[key]
        """),
        ("keeps its own copy of lr, so a changed opt.lr is ignored", """
            class SGD:
                def __init__(self, lr):
                    self.lr = lr
                    self._rate = lr

                def step(self, params, grads):
                    for key, p in params.items():
                        p -= self._rate * grads[key]
        """),
        ("pairs params and grads by position (zip of values)", """
            class SGD:
                def __init__(self, lr):
                    self.lr = lr

                def step(self, params, grads):
                    for p, g in zip(params.values(), grads.values()):
                        p -= self.lr * g
        """),
        ("scales the gradient in place (grads modified)", """
            class SGD:
                def __init__(self, lr):
                    self.lr = lr

                def step(self, params, grads):
                    for key, p in params.items():
                        g = grads[key]
                        g *= self.lr
                        p -= g
        """),
        ("stores the learning rate as self.learning_rate", """
            class SGD:
                def __init__(self, lr):
                    self.learning_rate = lr

                def step(self, params, grads):
                    for key, p in params.items():
                        p -= self.learning_rate * grads[key]
        """),
    ),
    "momentum": _entries(
        ("PyTorch's form: b = mu b + g, theta -= lr b (differs once lr changes)", """
            class Momentum:
                def __init__(self, lr, mu=0.9):
                    self.lr, self.mu, self.buf = lr, mu, {}

                def step(self, params, grads):
                    for key, p in params.items():
                        b = self.buf.setdefault(key, np.zeros_like(p))
                        b *= self.mu
                        b += grads[key]
                        p -= self.lr * b
        """),
        ("forgets the velocity between calls (plain SGD)", """
            class Momentum:
                def __init__(self, lr, mu=0.9):
                    self.lr, self.mu = lr, mu

                def step(self, params, grads):
                    for key, p in params.items():
                        v = np.zeros_like(p)
                        v = self.mu * v - self.lr * grads[key]
                        p += v
        """),
        ("velocity keyed by the parameter's shape", """
            class Momentum:
                def __init__(self, lr, mu=0.9):
                    self.lr, self.mu, self.v = lr, mu, {}

                def step(self, params, grads):
                    for key, p in params.items():
                        v = self.v.setdefault(p.shape, np.zeros_like(p))
                        v *= self.mu
                        v -= self.lr * grads[key]
                        p += v
        """),
        ("velocity keyed by id(array)", """
            class Momentum:
                def __init__(self, lr, mu=0.9):
                    self.lr, self.mu, self.v = lr, mu, {}

                def step(self, params, grads):
                    for key, p in params.items():
                        v = self.v.setdefault(id(p), np.zeros_like(p))
                        v *= self.mu
                        v -= self.lr * grads[key]
                        p += v
        """),
        ("one velocity for all keys, re-created when the shape changes", """
            class Momentum:
                def __init__(self, lr, mu=0.9):
                    self.lr, self.mu, self.v = lr, mu, None

                def step(self, params, grads):
                    for key, p in params.items():
                        if self.v is None or self.v.shape != p.shape:
                            self.v = np.zeros_like(p)
                        self.v = self.mu * self.v - self.lr * grads[key]
                        p += self.v
        """),
        ("sign slip: v = mu v + lr g", """
            class Momentum:
                def __init__(self, lr, mu=0.9):
                    self.lr, self.mu, self.v = lr, mu, {}

                def step(self, params, grads):
                    for key, p in params.items():
                        v = self.v.setdefault(key, np.zeros_like(p))
                        v *= self.mu
                        v += self.lr * grads[key]
                        p += v
        """),
        ("moves with the old velocity, then updates it", """
            class Momentum:
                def __init__(self, lr, mu=0.9):
                    self.lr, self.mu, self.v = lr, mu, {}

                def step(self, params, grads):
                    for key, p in params.items():
                        v = self.v.setdefault(key, np.zeros_like(p))
                        p += v
                        v *= self.mu
                        v -= self.lr * grads[key]
        """),
        ("exponential-average form: v = mu v - (1 - mu) lr g", """
            class Momentum:
                def __init__(self, lr, mu=0.9):
                    self.lr, self.mu, self.v = lr, mu, {}

                def step(self, params, grads):
                    for key, p in params.items():
                        v = self.v.setdefault(key, np.zeros_like(p))
                        v *= self.mu
                        v -= (1 - self.mu) * self.lr * grads[key]
                        p += v
        """),
        ("default mu = 0.99", """
            class Momentum:
                def __init__(self, lr, mu=0.99):
                    self.lr, self.mu, self.v = lr, mu, {}

                def step(self, params, grads):
                    for key, p in params.items():
                        v = self.v.setdefault(key, np.zeros_like(p))
                        v *= self.mu
                        v -= self.lr * grads[key]
                        p += v
        """),
        ("a new array for params: params[key] = p + v", """
            class Momentum:
                def __init__(self, lr, mu=0.9):
                    self.lr, self.mu, self.v = lr, mu, {}

                def step(self, params, grads):
                    for key in params:
                        v = self.mu * self.v.get(key, 0.0) - self.lr * grads[key]
                        self.v[key] = v
                        params[key] = params[key] + v
        """),
    ),
    "nesterov": _entries(
        ("plain momentum (no look-ahead): theta += v", """
            class Nesterov:
                def __init__(self, lr, mu=0.9):
                    self.lr, self.mu, self.v = lr, mu, {}

                def step(self, params, grads):
                    for key, p in params.items():
                        v = self.v.setdefault(key, np.zeros_like(p))
                        v *= self.mu
                        v -= self.lr * grads[key]
                        p += v
        """),
        ("look-ahead with the old velocity: theta += mu v_old - lr g", """
            class Nesterov:
                def __init__(self, lr, mu=0.9):
                    self.lr, self.mu, self.v = lr, mu, {}

                def step(self, params, grads):
                    for key, p in params.items():
                        g = grads[key]
                        v = self.v.setdefault(key, np.zeros_like(p))
                        p += self.mu * v - self.lr * g
                        v *= self.mu
                        v -= self.lr * g
        """),
        ("sign slip: theta += mu v + lr g", """
            class Nesterov:
                def __init__(self, lr, mu=0.9):
                    self.lr, self.mu, self.v = lr, mu, {}

                def step(self, params, grads):
                    for key, p in params.items():
                        g = grads[key]
                        v = self.v.setdefault(key, np.zeros_like(p))
                        v *= self.mu
                        v -= self.lr * g
                        p += self.mu * v + self.lr * g
        """),
        ("PyTorch's nesterov form: b = mu b + g, theta -= lr (g + mu b)", """
            class Nesterov:
                def __init__(self, lr, mu=0.9):
                    self.lr, self.mu, self.b = lr, mu, {}

                def step(self, params, grads):
                    for key, p in params.items():
                        g = grads[key]
                        b = self.b.setdefault(key, np.zeros_like(p))
                        b *= self.mu
                        b += g
                        p -= self.lr * (g + self.mu * b)
        """),
        ("velocity keyed by id(array)", """
            class Nesterov:
                def __init__(self, lr, mu=0.9):
                    self.lr, self.mu, self.v = lr, mu, {}

                def step(self, params, grads):
                    for key, p in params.items():
                        g = grads[key]
                        v = self.v.setdefault(id(p), np.zeros_like(p))
                        v *= self.mu
                        v -= self.lr * g
                        p += self.mu * v - self.lr * g
        """),
        ("mu applied twice: theta += mu (mu v) - lr g", """
            class Nesterov:
                def __init__(self, lr, mu=0.9):
                    self.lr, self.mu, self.v = lr, mu, {}

                def step(self, params, grads):
                    for key, p in params.items():
                        g = grads[key]
                        v = self.v.setdefault(key, np.zeros_like(p))
                        v *= self.mu
                        p += self.mu * v - self.lr * g
                        v -= self.lr * g
        """),
    ),
    "run_optimizer": _entries(
        ("leaves x0 out of the path (num_steps rows)", """
            def run_optimizer(optimizer, grad_fn, x0, num_steps):
                params = {"x": np.array(x0, dtype=float)}
                path = []
                for _ in range(num_steps):
                    optimizer.step(params, {"x": grad_fn(params["x"])})
                    path.append(params["x"].copy())
                return np.array(path).reshape(num_steps, -1)
        """),
        ("appends the array itself (every row the final point)", """
            def run_optimizer(optimizer, grad_fn, x0, num_steps):
                x = np.array(x0, dtype=float)
                params = {"x": x}
                path = [x0.copy()]
                for _ in range(num_steps):
                    optimizer.step(params, {"x": grad_fn(x)})
                    path.append(x)
                return np.array(path)
        """),
        ("updates x0 in place", """
            def run_optimizer(optimizer, grad_fn, x0, num_steps):
                params = {"x": x0}
                path = [x0.copy()]
                for _ in range(num_steps):
                    optimizer.step(params, {"x": grad_fn(x0)})
                    path.append(x0.copy())
                return np.array(path)
        """),
        ("takes the gradient at x0 every time", """
            def run_optimizer(optimizer, grad_fn, x0, num_steps):
                params = {"x": np.array(x0, dtype=float)}
                g0 = grad_fn(x0)
                path = [params["x"].copy()]
                for _ in range(num_steps):
                    optimizer.step(params, {"x": g0})
                    path.append(params["x"].copy())
                return np.array(path)
        """),
        ("records the point before each step (misses the last)", """
            def run_optimizer(optimizer, grad_fn, x0, num_steps):
                params = {"x": np.array(x0, dtype=float)}
                path = [params["x"].copy()]
                for _ in range(num_steps):
                    path.append(params["x"].copy())
                    optimizer.step(params, {"x": grad_fn(params["x"])})
                return np.array(path)
        """),
        ("one step too many (range(num_steps + 1))", """
            def run_optimizer(optimizer, grad_fn, x0, num_steps):
                params = {"x": np.array(x0, dtype=float)}
                path = [params["x"].copy()]
                for _ in range(num_steps + 1):
                    optimizer.step(params, {"x": grad_fn(params["x"])})
                    path.append(params["x"].copy())
                return np.array(path)
        """),
        ("plain gradient steps with optimizer.lr (ignores momentum)", """
            def run_optimizer(optimizer, grad_fn, x0, num_steps):
                x = np.array(x0, dtype=float)
                path = [x.copy()]
                for _ in range(num_steps):
                    x = x - optimizer.lr * grad_fn(x)
                    path.append(x)
                return np.array(path)
        """),
    ),
    "adagrad": _entries(
        ("eps inside the square root (the NPFL114 slide)", """
            class AdaGrad:
                def __init__(self, lr, eps=1e-8):
                    self.lr, self.eps, self.r = lr, eps, {}

                def step(self, params, grads):
                    for key, p in params.items():
                        g = grads[key]
                        r = self.r.setdefault(key, np.zeros_like(p))
                        r += g * g
                        p -= self.lr * g / np.sqrt(r + self.eps)
        """),
        ("r = g**2 (no accumulation)", """
            class AdaGrad:
                def __init__(self, lr, eps=1e-8):
                    self.lr, self.eps, self.r = lr, eps, {}

                def step(self, params, grads):
                    for key, p in params.items():
                        g = grads[key]
                        self.r[key] = g * g
                        p -= self.lr * g / (np.sqrt(self.r[key]) + self.eps)
        """),
        ("a moving average of squares (RMSProp)", """
            class AdaGrad:
                def __init__(self, lr, eps=1e-8):
                    self.lr, self.eps, self.r = lr, eps, {}

                def step(self, params, grads):
                    for key, p in params.items():
                        g = grads[key]
                        r = self.r.setdefault(key, np.zeros_like(p))
                        r *= 0.9
                        r += 0.1 * g * g
                        p -= self.lr * g / (np.sqrt(r) + self.eps)
        """),
        ("no eps at all", """
            class AdaGrad:
                def __init__(self, lr, eps=1e-8):
                    self.lr, self.eps, self.r = lr, eps, {}

                def step(self, params, grads):
                    for key, p in params.items():
                        g = grads[key]
                        r = self.r.setdefault(key, np.zeros_like(p))
                        r += g * g
                        p -= self.lr * g / np.sqrt(r)
        """),
        ("eps hard-coded to 1e-8 (ignores the argument)", """
            class AdaGrad:
                def __init__(self, lr, eps=1e-8):
                    self.lr, self.r = lr, {}

                def step(self, params, grads):
                    for key, p in params.items():
                        g = grads[key]
                        r = self.r.setdefault(key, np.zeros_like(p))
                        r += g * g
                        p -= self.lr * g / (np.sqrt(r) + 1e-8)
        """),
        ("accumulator keyed by shape", """
            class AdaGrad:
                def __init__(self, lr, eps=1e-8):
                    self.lr, self.eps, self.r = lr, eps, {}

                def step(self, params, grads):
                    for key, p in params.items():
                        g = grads[key]
                        r = self.r.setdefault(p.shape, np.zeros_like(p))
                        r += g * g
                        p -= self.lr * g / (np.sqrt(r) + self.eps)
        """),
        ("the square root of the summed |g| (not of g**2)", """
            class AdaGrad:
                def __init__(self, lr, eps=1e-8):
                    self.lr, self.eps, self.r = lr, eps, {}

                def step(self, params, grads):
                    for key, p in params.items():
                        g = grads[key]
                        r = self.r.setdefault(key, np.zeros_like(p))
                        r += np.abs(g)
                        p -= self.lr * g / (np.sqrt(r) + self.eps)
        """),
        ("a new array for params", """
            class AdaGrad:
                def __init__(self, lr, eps=1e-8):
                    self.lr, self.eps, self.r = lr, eps, {}

                def step(self, params, grads):
                    for key in params:
                        g = grads[key]
                        self.r[key] = self.r.get(key, 0.0) + g * g
                        params[key] = params[key] - self.lr * g / (np.sqrt(self.r[key]) + self.eps)
        """),
    ),
    "rmsprop": _entries(
        ("eps inside the square root (the NPFL114 slide)", """
            class RMSProp:
                def __init__(self, lr, beta=0.9, eps=1e-8):
                    self.lr, self.beta, self.eps, self.r = lr, beta, eps, {}

                def step(self, params, grads):
                    for key, p in params.items():
                        g = grads[key]
                        r = self.r.setdefault(key, np.zeros_like(p))
                        r *= self.beta
                        r += (1 - self.beta) * g * g
                        p -= self.lr * g / np.sqrt(r + self.eps)
        """),
        ("forgets (1 - beta): r = beta r + g**2", """
            class RMSProp:
                def __init__(self, lr, beta=0.9, eps=1e-8):
                    self.lr, self.beta, self.eps, self.r = lr, beta, eps, {}

                def step(self, params, grads):
                    for key, p in params.items():
                        g = grads[key]
                        r = self.r.setdefault(key, np.zeros_like(p))
                        r *= self.beta
                        r += g * g
                        p -= self.lr * g / (np.sqrt(r) + self.eps)
        """),
        ("beta and 1 - beta swapped", """
            class RMSProp:
                def __init__(self, lr, beta=0.9, eps=1e-8):
                    self.lr, self.beta, self.eps, self.r = lr, beta, eps, {}

                def step(self, params, grads):
                    for key, p in params.items():
                        g = grads[key]
                        r = self.r.setdefault(key, np.zeros_like(p))
                        self.r[key] = (1 - self.beta) * r + self.beta * g * g
                        p -= self.lr * g / (np.sqrt(self.r[key]) + self.eps)
        """),
        ("bias-corrects r like Adam", """
            class RMSProp:
                def __init__(self, lr, beta=0.9, eps=1e-8):
                    self.lr, self.beta, self.eps, self.r, self.t = lr, beta, eps, {}, 0

                def step(self, params, grads):
                    self.t += 1
                    for key, p in params.items():
                        g = grads[key]
                        r = self.r.setdefault(key, np.zeros_like(p))
                        r *= self.beta
                        r += (1 - self.beta) * g * g
                        p -= self.lr * g / (np.sqrt(r / (1 - self.beta ** self.t)) + self.eps)
        """),
        ("average keyed by id(array)", """
            class RMSProp:
                def __init__(self, lr, beta=0.9, eps=1e-8):
                    self.lr, self.beta, self.eps, self.r = lr, beta, eps, {}

                def step(self, params, grads):
                    for key, p in params.items():
                        g = grads[key]
                        r = self.r.setdefault(id(p), np.zeros_like(p))
                        r *= self.beta
                        r += (1 - self.beta) * g * g
                        p -= self.lr * g / (np.sqrt(r) + self.eps)
        """),
        ("default beta = 0.99", """
            class RMSProp:
                def __init__(self, lr, beta=0.99, eps=1e-8):
                    self.lr, self.beta, self.eps, self.r = lr, beta, eps, {}

                def step(self, params, grads):
                    for key, p in params.items():
                        g = grads[key]
                        r = self.r.setdefault(key, np.zeros_like(p))
                        r *= self.beta
                        r += (1 - self.beta) * g * g
                        p -= self.lr * g / (np.sqrt(r) + self.eps)
        """),
        ("r starts at g**2 instead of zero", """
            class RMSProp:
                def __init__(self, lr, beta=0.9, eps=1e-8):
                    self.lr, self.beta, self.eps, self.r = lr, beta, eps, {}

                def step(self, params, grads):
                    for key, p in params.items():
                        g = grads[key]
                        if key not in self.r:
                            self.r[key] = g * g
                        else:
                            self.r[key] = self.beta * self.r[key] + (1 - self.beta) * g * g
                        p -= self.lr * g / (np.sqrt(self.r[key]) + self.eps)
        """),
    ),
    "adam": _entries(
        ("no bias correction", """
            class Adam:
                def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
                    self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
                    self.t, self.s, self.r = 0, {}, {}

                def step(self, params, grads):
                    self.t += 1
                    for key, p in params.items():
                        g = grads[key]
                        s = self.s.setdefault(key, np.zeros_like(p))
                        r = self.r.setdefault(key, np.zeros_like(p))
                        s *= self.beta1
                        s += (1 - self.beta1) * g
                        r *= self.beta2
                        r += (1 - self.beta2) * g * g
                        p -= self.lr * s / (np.sqrt(r) + self.eps)
        """),
        ("corrects only the first moment", """
            class Adam:
                def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
                    self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
                    self.t, self.s, self.r = 0, {}, {}

                def step(self, params, grads):
                    self.t += 1
                    for key, p in params.items():
                        g = grads[key]
                        s = self.s.setdefault(key, np.zeros_like(p))
                        r = self.r.setdefault(key, np.zeros_like(p))
                        s *= self.beta1
                        s += (1 - self.beta1) * g
                        r *= self.beta2
                        r += (1 - self.beta2) * g * g
                        p -= self.lr * (s / (1 - self.beta1 ** self.t)) / (np.sqrt(r) + self.eps)
        """),
        ("t counted once per key", """
            class Adam:
                def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
                    self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
                    self.t, self.s, self.r = 0, {}, {}

                def step(self, params, grads):
                    for key, p in params.items():
                        self.t += 1
                        g = grads[key]
                        s = self.s.setdefault(key, np.zeros_like(p))
                        r = self.r.setdefault(key, np.zeros_like(p))
                        s *= self.beta1
                        s += (1 - self.beta1) * g
                        r *= self.beta2
                        r += (1 - self.beta2) * g * g
                        s_hat = s / (1 - self.beta1 ** self.t)
                        r_hat = r / (1 - self.beta2 ** self.t)
                        p -= self.lr * s_hat / (np.sqrt(r_hat) + self.eps)
        """),
        ("off by one: t = 2 at the first step", """
            class Adam:
                def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
                    self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
                    self.t, self.s, self.r = 1, {}, {}

                def step(self, params, grads):
                    self.t += 1
                    for key, p in params.items():
                        g = grads[key]
                        s = self.s.setdefault(key, np.zeros_like(p))
                        r = self.r.setdefault(key, np.zeros_like(p))
                        s *= self.beta1
                        s += (1 - self.beta1) * g
                        r *= self.beta2
                        r += (1 - self.beta2) * g * g
                        s_hat = s / (1 - self.beta1 ** self.t)
                        r_hat = r / (1 - self.beta2 ** self.t)
                        p -= self.lr * s_hat / (np.sqrt(r_hat) + self.eps)
        """),
        ("t incremented after the update (t = 0 at the first step: 0/0)", """
            class Adam:
                def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
                    self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
                    self.t, self.s, self.r = 0, {}, {}

                def step(self, params, grads):
                    for key, p in params.items():
                        g = grads[key]
                        s = self.s.setdefault(key, np.zeros_like(p))
                        r = self.r.setdefault(key, np.zeros_like(p))
                        s *= self.beta1
                        s += (1 - self.beta1) * g
                        r *= self.beta2
                        r += (1 - self.beta2) * g * g
                        s_hat = s / (1 - self.beta1 ** self.t)
                        r_hat = r / (1 - self.beta2 ** self.t)
                        p -= self.lr * s_hat / (np.sqrt(r_hat) + self.eps)
                    self.t += 1
        """),
        ("eps inside the square root (the NPFL114 slide)", """
            class Adam:
                def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
                    self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
                    self.t, self.s, self.r = 0, {}, {}

                def step(self, params, grads):
                    self.t += 1
                    for key, p in params.items():
                        g = grads[key]
                        s = self.s.setdefault(key, np.zeros_like(p))
                        r = self.r.setdefault(key, np.zeros_like(p))
                        s *= self.beta1
                        s += (1 - self.beta1) * g
                        r *= self.beta2
                        r += (1 - self.beta2) * g * g
                        s_hat = s / (1 - self.beta1 ** self.t)
                        r_hat = r / (1 - self.beta2 ** self.t)
                        p -= self.lr * s_hat / np.sqrt(r_hat + self.eps)
        """),
        ("Kingma & Ba's 'efficient' form with the same eps (eps not scaled)", """
            class Adam:
                def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
                    self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
                    self.t, self.s, self.r = 0, {}, {}

                def step(self, params, grads):
                    self.t += 1
                    lr_t = self.lr * np.sqrt(1 - self.beta2 ** self.t) / (1 - self.beta1 ** self.t)
                    for key, p in params.items():
                        g = grads[key]
                        s = self.s.setdefault(key, np.zeros_like(p))
                        r = self.r.setdefault(key, np.zeros_like(p))
                        s *= self.beta1
                        s += (1 - self.beta1) * g
                        r *= self.beta2
                        r += (1 - self.beta2) * g * g
                        p -= lr_t * s / (np.sqrt(r) + self.eps)
        """),
        ("corrected twice (NPFL114's second slide: alpha_t and s_hat, r_hat)", """
            class Adam:
                def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
                    self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
                    self.t, self.s, self.r = 0, {}, {}

                def step(self, params, grads):
                    self.t += 1
                    lr_t = self.lr * np.sqrt(1 - self.beta2 ** self.t) / (1 - self.beta1 ** self.t)
                    for key, p in params.items():
                        g = grads[key]
                        s = self.s.setdefault(key, np.zeros_like(p))
                        r = self.r.setdefault(key, np.zeros_like(p))
                        s *= self.beta1
                        s += (1 - self.beta1) * g
                        r *= self.beta2
                        r += (1 - self.beta2) * g * g
                        s_hat = s / (1 - self.beta1 ** self.t)
                        r_hat = r / (1 - self.beta2 ** self.t)
                        p -= lr_t * s_hat / (np.sqrt(r_hat) + self.eps)
        """),
        ("beta1 and beta2 swapped", """
            class Adam:
                def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
                    self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
                    self.t, self.s, self.r = 0, {}, {}

                def step(self, params, grads):
                    self.t += 1
                    for key, p in params.items():
                        g = grads[key]
                        s = self.s.setdefault(key, np.zeros_like(p))
                        r = self.r.setdefault(key, np.zeros_like(p))
                        s *= self.beta2
                        s += (1 - self.beta2) * g
                        r *= self.beta1
                        r += (1 - self.beta1) * g * g
                        s_hat = s / (1 - self.beta2 ** self.t)
                        r_hat = r / (1 - self.beta1 ** self.t)
                        p -= self.lr * s_hat / (np.sqrt(r_hat) + self.eps)
        """),
        ("default lr = 0.01", """
            class Adam:
                def __init__(self, lr=0.01, beta1=0.9, beta2=0.999, eps=1e-8):
                    self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
                    self.t, self.s, self.r = 0, {}, {}

                def step(self, params, grads):
                    self.t += 1
                    for key, p in params.items():
                        g = grads[key]
                        s = self.s.setdefault(key, np.zeros_like(p))
                        r = self.r.setdefault(key, np.zeros_like(p))
                        s *= self.beta1
                        s += (1 - self.beta1) * g
                        r *= self.beta2
                        r += (1 - self.beta2) * g * g
                        s_hat = s / (1 - self.beta1 ** self.t)
                        r_hat = r / (1 - self.beta2 ** self.t)
                        p -= self.lr * s_hat / (np.sqrt(r_hat) + self.eps)
        """),
        ("the gradient instead of s in the numerator", """
            class Adam:
                def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
                    self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
                    self.t, self.s, self.r = 0, {}, {}

                def step(self, params, grads):
                    self.t += 1
                    for key, p in params.items():
                        g = grads[key]
                        r = self.r.setdefault(key, np.zeros_like(p))
                        r *= self.beta2
                        r += (1 - self.beta2) * g * g
                        r_hat = r / (1 - self.beta2 ** self.t)
                        p -= self.lr * g / (np.sqrt(r_hat) + self.eps)
        """),
        ("step sizes precomputed from lr in __init__", """
            class Adam:
                def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
                    self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
                    self.t, self.s, self.r = 0, {}, {}
                    self.rates = [lr / (1 - beta1 ** t) for t in range(1, 1000)]

                def step(self, params, grads):
                    self.t += 1
                    for key, p in params.items():
                        g = grads[key]
                        s = self.s.setdefault(key, np.zeros_like(p))
                        r = self.r.setdefault(key, np.zeros_like(p))
                        s *= self.beta1
                        s += (1 - self.beta1) * g
                        r *= self.beta2
                        r += (1 - self.beta2) * g * g
                        r_hat = r / (1 - self.beta2 ** self.t)
                        p -= self.rates[self.t - 1] * s / (np.sqrt(r_hat) + self.eps)
        """),
    ),
    "schedules": _entries(
        ("linear: keeps decreasing after tau (no clamp)", _with("""
            def linear_decay(lr0, lr_tau, tau):
                return lambda k: (1 - k / tau) * lr0 + (k / tau) * lr_tau
        """, _EXPONENTIAL_OK)),
        ("linear: divides by tau - 1", _with("""
            def linear_decay(lr0, lr_tau, tau):
                def schedule(k):
                    if k >= tau:
                        return lr_tau
                    return (1 - k / (tau - 1)) * lr0 + (k / (tau - 1)) * lr_tau
                return schedule
        """, _EXPONENTIAL_OK)),
        ("linear: lr0 and lr_tau swapped", _with("""
            def linear_decay(lr0, lr_tau, tau):
                def schedule(k):
                    if k >= tau:
                        return lr0
                    return (1 - k / tau) * lr_tau + (k / tau) * lr0
                return schedule
        """, _EXPONENTIAL_OK)),
        ("linear: k starts at 1", _with("""
            def linear_decay(lr0, lr_tau, tau):
                def schedule(k):
                    k = k + 1
                    if k >= tau:
                        return lr_tau
                    return (1 - k / tau) * lr0 + (k / tau) * lr_tau
                return schedule
        """, _EXPONENTIAL_OK)),
        ("linear: integer division k // tau", _with("""
            def linear_decay(lr0, lr_tau, tau):
                def schedule(k):
                    if k >= tau:
                        return lr_tau
                    return (1 - k // tau) * lr0 + (k // tau) * lr_tau
                return schedule
        """, _EXPONENTIAL_OK)),
        ("linear: counts its own calls instead of using k", _with("""
            def linear_decay(lr0, lr_tau, tau):
                calls = [0]

                def schedule(k):
                    j = calls[0]
                    calls[0] += 1
                    if j >= tau:
                        return lr_tau
                    return (1 - j / tau) * lr0 + (j / tau) * lr_tau
                return schedule
        """, _EXPONENTIAL_OK)),
        ("exponential: gamma ** (k + 1)", _with(_LINEAR_OK, """
            def exponential_decay(lr0, gamma):
                return lambda k: lr0 * gamma ** (k + 1)
        """)),
        ("exponential: lr0 * exp(-gamma k)", _with(_LINEAR_OK, """
            def exponential_decay(lr0, gamma):
                return lambda k: lr0 * np.exp(-gamma * k)
        """)),
        ("exponential: multiplies a stored rate at every call", _with(_LINEAR_OK, """
            def exponential_decay(lr0, gamma):
                state = {"lr": lr0 / gamma}

                def schedule(k):
                    state["lr"] *= gamma
                    return state["lr"]
                return schedule
        """)),
    ),
    "plateau": _entries(
        ("a tie counts as an improvement (<=)", _plateau("""
            def step(self, val_loss):
                if val_loss <= self.best:
                    self.best = val_loss
                    self.num_bad_epochs = 0
                else:
                    self.num_bad_epochs += 1
                if self.num_bad_epochs > self.patience:
                    self.optimizer.lr *= self.factor
                    self.num_bad_epochs = 0
        """)),
        ("Keras's rule: reduce after patience bad epochs (>=)", _plateau("""
            def step(self, val_loss):
                if val_loss < self.best:
                    self.best = val_loss
                    self.num_bad_epochs = 0
                else:
                    self.num_bad_epochs += 1
                if self.num_bad_epochs >= self.patience:
                    self.optimizer.lr *= self.factor
                    self.num_bad_epochs = 0
        """)),
        ("does not restart the count after a reduction", _plateau("""
            def step(self, val_loss):
                if val_loss < self.best:
                    self.best = val_loss
                    self.num_bad_epochs = 0
                else:
                    self.num_bad_epochs += 1
                if self.num_bad_epochs > self.patience:
                    self.optimizer.lr *= self.factor
        """)),
        ("resets the best after a reduction", _plateau("""
            def step(self, val_loss):
                if val_loss < self.best:
                    self.best = val_loss
                    self.num_bad_epochs = 0
                else:
                    self.num_bad_epochs += 1
                if self.num_bad_epochs > self.patience:
                    self.optimizer.lr *= self.factor
                    self.num_bad_epochs = 0
                    self.best = np.inf
        """)),
        ("changes its own lr, not the optimizer's", _plateau("""
            def step(self, val_loss):
                if not hasattr(self, "lr"):
                    self.lr = self.optimizer.lr
                if val_loss < self.best:
                    self.best = val_loss
                    self.num_bad_epochs = 0
                else:
                    self.num_bad_epochs += 1
                if self.num_bad_epochs > self.patience:
                    self.lr *= self.factor
                    self.num_bad_epochs = 0
        """)),
        ("never resets the count on an improvement", _plateau("""
            def step(self, val_loss):
                if val_loss < self.best:
                    self.best = val_loss
                else:
                    self.num_bad_epochs += 1
                if self.num_bad_epochs > self.patience:
                    self.optimizer.lr *= self.factor
                    self.num_bad_epochs = 0
        """)),
        ("needs an improvement of at least 1e-4 (Keras's min_delta)", _plateau("""
            def step(self, val_loss):
                if val_loss < self.best - 1e-4:
                    self.best = val_loss
                    self.num_bad_epochs = 0
                else:
                    self.num_bad_epochs += 1
                if self.num_bad_epochs > self.patience:
                    self.optimizer.lr *= self.factor
                    self.num_bad_epochs = 0
        """)),
        ("PyTorch's default relative threshold 1e-4", _plateau("""
            def step(self, val_loss):
                if val_loss < self.best * (1 - 1e-4):
                    self.best = val_loss
                    self.num_bad_epochs = 0
                else:
                    self.num_bad_epochs += 1
                if self.num_bad_epochs > self.patience:
                    self.optimizer.lr *= self.factor
                    self.num_bad_epochs = 0
        """)),
        ("divides lr by factor", _plateau("""
            def step(self, val_loss):
                if val_loss < self.best:
                    self.best = val_loss
                    self.num_bad_epochs = 0
                else:
                    self.num_bad_epochs += 1
                if self.num_bad_epochs > self.patience:
                    self.optimizer.lr /= self.factor
                    self.num_bad_epochs = 0
        """)),
        ("defaults factor=0.5, patience=5", """
            class ReduceLROnPlateau:
                def __init__(self, optimizer, factor=0.5, patience=5):
                    self.optimizer, self.factor, self.patience = optimizer, factor, patience
                    self.best, self.num_bad_epochs = np.inf, 0

                def step(self, val_loss):
                    if val_loss < self.best:
                        self.best, self.num_bad_epochs = val_loss, 0
                    else:
                        self.num_bad_epochs += 1
                    if self.num_bad_epochs > self.patience:
                        self.optimizer.lr *= self.factor
                        self.num_bad_epochs = 0
        """),
    ),
}


CORRECT = {
    "sgd": _entries(
        ("np.subtract with out=", """
            class SGD:
                def __init__(self, lr):
                    self.lr = lr

                def step(self, params, grads):
                    for key in grads:
                        np.subtract(params[key], self.lr * grads[key], out=params[key])
        """),
        ("slice assignment p[...] = p - lr g", """
            class SGD:
                def __init__(self, lr):
                    self.lr = lr

                def step(self, params, grads):
                    for name in sorted(params):
                        p = params[name]
                        p[...] = p - self.lr * grads[name]
        """),
    ),
    "momentum": _entries(
        ("the Isfahan deck's form: m = gamma m + lr g, theta -= m", """
            class Momentum:
                def __init__(self, lr, mu=0.9):
                    self.lr, self.mu, self.m = lr, mu, {}

                def step(self, params, grads):
                    for key, p in params.items():
                        m = self.m.get(key)
                        m = self.lr * grads[key] if m is None else self.mu * m + self.lr * grads[key]
                        self.m[key] = m
                        p -= m
        """),
        ("new velocity arrays each step, stored back", """
            class Momentum:
                def __init__(self, lr, mu=0.9):
                    self.lr = lr
                    self.mu = mu
                    self.velocity = {}

                def step(self, params, grads):
                    for key in params:
                        v = self.mu * self.velocity.get(key, np.zeros(params[key].shape)) - self.lr * grads[key]
                        self.velocity[key] = v
                        params[key] += v
        """),
    ),
    "nesterov": _entries(
        ("Bengio's form: theta += -mu v_old + (1 + mu) v_new", """
            class Nesterov:
                def __init__(self, lr, mu=0.9):
                    self.lr, self.mu, self.v = lr, mu, {}

                def step(self, params, grads):
                    for key, p in params.items():
                        v_old = self.v.get(key, np.zeros_like(p))
                        v_new = self.mu * v_old - self.lr * grads[key]
                        self.v[key] = v_new
                        p += -self.mu * v_old + (1 + self.mu) * v_new
        """),
        ("sign-flipped buffer m = mu m + lr g, theta -= mu m + lr g", """
            class Nesterov:
                def __init__(self, lr, mu=0.9):
                    self.lr, self.mu, self.m = lr, mu, {}

                def step(self, params, grads):
                    for key in params:
                        g = grads[key]
                        if key not in self.m:
                            self.m[key] = np.zeros_like(g)
                        self.m[key] = self.mu * self.m[key] + self.lr * g
                        params[key] -= self.mu * self.m[key] + self.lr * g
        """),
    ),
    "run_optimizer": _entries(
        ("preallocated path, other key name", """
            def run_optimizer(optimizer, grad_fn, x0, num_steps):
                x0 = np.asarray(x0, dtype=float)
                path = np.empty((num_steps + 1, x0.size))
                state = {"theta": x0.copy()}
                path[0] = x0
                for k in range(1, num_steps + 1):
                    g = grad_fn(state["theta"])
                    optimizer.step(state, {"theta": g})
                    path[k] = state["theta"]
                return path
        """),
        ("np.vstack of copies", """
            def run_optimizer(optimizer, grad_fn, x0, num_steps):
                x = x0.astype(float)
                rows = [x.copy()]
                p = {"x": x}
                for _ in range(num_steps):
                    optimizer.step(p, {"x": grad_fn(x)})
                    rows.append(np.copy(x))
                return np.vstack(rows)
        """),
    ),
    "adagrad": _entries(
        ("new accumulator arrays, r ** 0.5", """
            class AdaGrad:
                def __init__(self, lr, eps=1e-8):
                    self.lr, self.eps, self.acc = lr, eps, {}

                def step(self, params, grads):
                    for key in params:
                        g = grads[key]
                        self.acc[key] = self.acc.get(key, 0.0) + np.square(g)
                        params[key] -= self.lr * g / (self.acc[key] ** 0.5 + self.eps)
        """),
        ("divide first, then scale", """
            class AdaGrad:
                def __init__(self, lr, eps=1e-8):
                    self.lr = lr
                    self.eps = eps
                    self.r = {}

                def step(self, params, grads):
                    for key, p in params.items():
                        if key not in self.r:
                            self.r[key] = np.zeros(p.shape)
                        self.r[key] += grads[key] ** 2
                        scaled = grads[key] / (np.sqrt(self.r[key]) + self.eps)
                        p -= self.lr * scaled
        """),
    ),
    "rmsprop": _entries(
        ("new average arrays each step", """
            class RMSProp:
                def __init__(self, lr, beta=0.9, eps=1e-8):
                    self.lr, self.beta, self.eps, self.avg = lr, beta, eps, {}

                def step(self, params, grads):
                    for key in params:
                        g = grads[key]
                        avg = self.beta * self.avg.get(key, 0.0) + (1 - self.beta) * g ** 2
                        self.avg[key] = avg
                        params[key] -= self.lr * g / (np.sqrt(avg) + self.eps)
        """),
        ("r += (1 - beta) (g**2 - r)", """
            class RMSProp:
                def __init__(self, lr, beta=0.9, eps=1e-8):
                    self.lr, self.beta, self.eps, self.r = lr, beta, eps, {}

                def step(self, params, grads):
                    for key, p in params.items():
                        g = grads[key]
                        r = self.r.setdefault(key, np.zeros_like(p))
                        r += (1 - self.beta) * (g * g - r)
                        p -= self.lr * g / (np.sqrt(r) + self.eps)
        """),
    ),
    "adam": _entries(
        ("the 'efficient' form with eps scaled by sqrt(1 - beta2^t) (same algorithm)", """
            class Adam:
                def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
                    self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
                    self.t, self.m, self.v = 0, {}, {}

                def step(self, params, grads):
                    self.t += 1
                    c2 = np.sqrt(1 - self.beta2 ** self.t)
                    lr_t = self.lr * c2 / (1 - self.beta1 ** self.t)
                    for key, p in params.items():
                        g = grads[key]
                        m = self.m[key] = self.beta1 * self.m.get(key, 0.0) + (1 - self.beta1) * g
                        v = self.v[key] = self.beta2 * self.v.get(key, 0.0) + (1 - self.beta2) * g * g
                        p -= lr_t * m / (np.sqrt(v) + self.eps * c2)
        """),
        ("a step counter per key (as PyTorch keeps it)", """
            class Adam:
                def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
                    self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
                    self.state = {}

                def step(self, params, grads):
                    for key, p in params.items():
                        g = grads[key]
                        st = self.state.setdefault(key, {"t": 0, "s": np.zeros_like(p), "r": np.zeros_like(p)})
                        st["t"] += 1
                        st["s"] = self.beta1 * st["s"] + (1 - self.beta1) * g
                        st["r"] = self.beta2 * st["r"] + (1 - self.beta2) * g ** 2
                        s_hat = st["s"] / (1 - self.beta1 ** st["t"])
                        r_hat = st["r"] / (1 - self.beta2 ** st["t"])
                        p -= self.lr * s_hat / (np.sqrt(r_hat) + self.eps)
        """),
        ("t incremented after the updates, starting at 1", """
            class Adam:
                def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
                    self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
                    self.t, self.s, self.r = 1, {}, {}

                def step(self, params, grads):
                    b1, b2 = self.beta1, self.beta2
                    for key in params:
                        g = grads[key]
                        self.s[key] = b1 * self.s.get(key, 0) + (1 - b1) * g
                        self.r[key] = b2 * self.r.get(key, 0) + (1 - b2) * g * g
                        s_hat = self.s[key] / (1 - b1 ** self.t)
                        r_hat = self.r[key] / (1 - b2 ** self.t)
                        params[key] -= self.lr * s_hat / (np.sqrt(r_hat) + self.eps)
                    self.t += 1
        """),
        ("corrections as factors applied in another order, keys taken from grads", """
            class Adam:
                def __init__(self, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
                    self.lr, self.beta1, self.beta2, self.eps = lr, beta1, beta2, eps
                    self.t, self.s, self.r = 0, {}, {}

                def step(self, params, grads):
                    self.t += 1
                    c1 = 1.0 / (1.0 - self.beta1 ** self.t)
                    c2 = 1.0 / np.sqrt(1.0 - self.beta2 ** self.t)
                    for key in grads:
                        g = grads[key]
                        s = self.s.get(key, np.zeros_like(g)) * self.beta1 + g * (1 - self.beta1)
                        r = self.r.get(key, np.zeros_like(g)) * self.beta2 + np.square(g) * (1 - self.beta2)
                        self.s[key], self.r[key] = s, r
                        params[key][...] = params[key] - self.lr * (s * c1) / (np.sqrt(r) * c2 + self.eps)
        """),
    ),
    "schedules": _entries(
        ("lr0 + (lr_tau - lr0) k / tau and exp(k log gamma)", """
            import math

            def linear_decay(lr0, lr_tau, tau):
                return lambda k: lr_tau if k >= tau else lr0 + (lr_tau - lr0) * k / tau

            def exponential_decay(lr0, gamma):
                log_gamma = math.log(gamma)
                return lambda k: lr0 * math.exp(k * log_gamma)
        """),
        ("min(k, tau) / tau and math.pow", """
            import math

            def linear_decay(lr0, lr_tau, tau):
                def schedule(k):
                    frac = min(k, tau) / tau
                    return lr0 + (lr_tau - lr0) * frac
                return schedule

            def exponential_decay(lr0, gamma):
                def schedule(k):
                    return lr0 * math.pow(gamma, k)
                return schedule
        """),
        ("callable classes", """
            class _Linear:
                def __init__(self, lr0, lr_tau, tau):
                    self.lr0, self.lr_tau, self.tau = lr0, lr_tau, tau

                def __call__(self, k):
                    if k > self.tau:
                        return self.lr_tau
                    a = k / self.tau
                    return (1 - a) * self.lr0 + a * self.lr_tau


            def linear_decay(lr0, lr_tau, tau):
                return _Linear(lr0, lr_tau, tau)


            def exponential_decay(lr0, gamma):
                return lambda k: float(lr0 * np.power(gamma, float(k)))
        """),
    ),
    "plateau": _entries(
        ("a 'wait' counter and float('inf')", """
            class ReduceLROnPlateau:
                def __init__(self, optimizer, factor=0.1, patience=10):
                    self.optimizer = optimizer
                    self.factor = factor
                    self.patience = patience
                    self.best = float("inf")
                    self.wait = 0

                def step(self, val_loss):
                    if val_loss < self.best:
                        self.best = val_loss
                        self.wait = 0
                        return
                    self.wait += 1
                    if self.wait == self.patience + 1:
                        self.optimizer.lr = self.factor * self.optimizer.lr
                        self.wait = 0
        """),
        ("keeps the history and counts back from its end", """
            class ReduceLROnPlateau:
                def __init__(self, optimizer, factor=0.1, patience=10):
                    self.optimizer, self.factor, self.patience = optimizer, factor, patience
                    self.history = []
                    self.last_event = 0  # index after the last improvement or reduction
                    self.best = None

                def step(self, val_loss):
                    self.history.append(float(val_loss))
                    if self.best is None or val_loss < self.best:
                        self.best = float(val_loss)
                        self.last_event = len(self.history)
                    elif len(self.history) - self.last_event > self.patience:
                        self.optimizer.lr = self.optimizer.lr * self.factor
                        self.last_event = len(self.history)
        """),
    ),
}
