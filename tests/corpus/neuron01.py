"""Corpus of student implementations for the graded exercises of 01_neuron.

``WRONG[exercise]`` and ``CORRECT[exercise]`` are lists of ``(label, source)``. A source is
what a student would type into the exercise's solution cell: it defines the exercise's
names (e.g. ``sigmoid`` and ``sigmoid_grad``), with ``np`` (numpy) already imported and, as
in a notebook run top to bottom, the earlier exercises' functions (``sigmoid``, ``relu``,
``neuron``, ``dense``, ``perceptron_predict``, …) available by name.

A WRONG entry violates the contract of COURSE.md ("Exercise contract" and "Precise
semantics") somewhere: wrong values, shape, dtype, a warning or non-finite value for
|z| <= 1e4, a modified input, a wrong default, a wrong learning rule. A CORRECT entry
meets the contract everywhere, written differently from the instructor's solution. The
entries are written as students write code, not against particular checks.
"""

from corpus import entries as _entries, joined as _with

ASSIGNMENT = "01_neuron"
EXERCISES = {
    "sigmoid": ("sigmoid", "sigmoid_grad"),
    "tanh": ("tanh", "tanh_grad"),
    "relu": ("relu", "relu_grad"),
    "softplus": ("softplus", "softplus_grad"),
    "neuron": ("neuron",),
    "dense": ("dense",),
    "perceptron_predict": ("perceptron_predict",),
    "perceptron_train": ("perceptron_train",),
    "xor_net": ("xor_net",),
}
# Misses that once showed on a few seeds only: checked on 300 seeds to keep them fixed.
SWEEP = [
    ("perceptron_train", "learning rate on w only, not on b"),
    ("perceptron_train", "learning rate ignored"),
    ("perceptron_train", "pocket algorithm: returns the weights with the fewest training mistakes"),
    ("xor_net", "ReLU applied to the output as well"),
    ("xor_net", "output clipped to [0, 1] (it is XOR after all)"),
]
# Words besides the function names that say which quantity a message is about.
QUANTITY = r"\binput [A-Za-z]\b|\b[wb] (after|from)\b|predictions (of|on)\b"


# Correct companions, reused where an entry is about the other function of a pair.
_SIGMOID_OK = """
    def sigmoid(z):
        z = np.asarray(z, dtype=float)
        e = np.exp(-np.abs(z))
        return np.where(z >= 0, 1 / (1 + e), e / (1 + e))
"""
_SIGMOID_GRAD_OK = """
    def sigmoid_grad(z):
        s = sigmoid(z)
        return s * (1 - s)
"""
_TANH_OK = """
    def tanh(z):
        return np.tanh(z)
"""
_TANH_GRAD_OK = """
    def tanh_grad(z):
        return 1 - np.tanh(z) ** 2
"""
_RELU_OK = """
    def relu(z):
        return np.maximum(np.asarray(z, dtype=float), 0.0)
"""
_RELU_GRAD_OK = """
    def relu_grad(z):
        return (np.asarray(z) > 0).astype(float)
"""
_SOFTPLUS_OK = """
    def softplus(z):
        return np.logaddexp(0.0, z)
"""
_SOFTPLUS_GRAD_OK = """
    def softplus_grad(z):
        return sigmoid(z)
"""


WRONG = {
    "sigmoid": _entries(
        ("naive 1/(1+exp(-z)) overflows for z << 0", _with("""
            def sigmoid(z):
                return 1 / (1 + np.exp(-z))
        """, _SIGMOID_GRAD_OK)),
        ("np.where over two formulas: both branches are evaluated and overflow", _with("""
            def sigmoid(z):
                z = np.asarray(z, dtype=float)
                return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))
        """, _SIGMOID_GRAD_OK)),
        ("np.where guarded by errstate(over) only: inf/inf still warns 'invalid'", _with("""
            def sigmoid(z):
                z = np.asarray(z, dtype=float)
                with np.errstate(over="ignore"):
                    return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))
        """, _SIGMOID_GRAD_OK)),
        ("math.exp: scalars only", _with("""
            import math

            def sigmoid(z):
                return 1 / (1 + math.exp(-z))
        """, _SIGMOID_GRAD_OK)),
        ("masked branches written into np.empty_like(z): int input gives int output", _with("""
            def sigmoid(z):
                z = np.asarray(z)
                out = np.empty_like(z)
                pos = z >= 0
                out[pos] = 1 / (1 + np.exp(-z[pos]))
                e = np.exp(z[~pos])
                out[~pos] = e / (1 + e)
                return out
        """, _SIGMOID_GRAD_OK)),
        ("masked branches computed in place in z (input overwritten)", _with("""
            def sigmoid(z):
                z = np.asarray(z, dtype=float)
                neg = z < 0
                e = np.exp(z[neg])
                z[neg] = e / (1 + e)
                z[~neg] = 1 / (1 + np.exp(-z[~neg]))
                return z
        """, _SIGMOID_GRAD_OK)),
        ("clips very negative inputs in place (z[z < -500] = -500) before the naive formula",
         _with("""
            def sigmoid(z):
                z = np.asarray(z, dtype=float)
                z[z < -500] = -500.0   # exp(500) still fits in a float
                return 1 / (1 + np.exp(-z))
        """, _SIGMOID_GRAD_OK)),
        ("clips z to [-20, 20]: sigmoid(-40) comes out as 2e-9", _with("""
            def sigmoid(z):
                z = np.clip(z, -20, 20)
                return 1 / (1 + np.exp(-z))
        """, _SIGMOID_GRAD_OK)),
        ("computes in float32", _with("""
            def sigmoid(z):
                z = np.asarray(z, dtype=np.float32)
                e = np.exp(-np.abs(z))
                return np.where(z >= 0, 1 / (1 + e), e / (1 + e))
        """, _SIGMOID_GRAD_OK)),
        ("sigmoid_grad expects sigmoid(z) as its input: z * (1 - z)", _with(_SIGMOID_OK, """
            def sigmoid_grad(z):
                return z * (1 - z)
        """)),
        ("sigmoid_grad applies sigma' to sigma(z)", _with(_SIGMOID_OK, """
            def sigmoid_grad(z):
                s = sigmoid(sigmoid(z))
                return s * (1 - s)
        """)),
        ("sigmoid_grad sign error: s * (1 + s)", _with(_SIGMOID_OK, """
            def sigmoid_grad(z):
                s = sigmoid(z)
                return s * (1 + s)
        """)),
        ("sigmoid_grad naive exp(-z) / (1 + exp(-z))**2 overflows", _with(_SIGMOID_OK, """
            def sigmoid_grad(z):
                e = np.exp(-z)
                return e / (1 + e) ** 2
        """)),
        ("sigmoid_grad as 1 / (4 cosh(z/2)**2): cosh overflows", _with(_SIGMOID_OK, """
            def sigmoid_grad(z):
                return 1 / (4 * np.cosh(z / 2) ** 2)
        """)),
        ("sigmoid_grad returns sigmoid(z)", _with(_SIGMOID_OK, """
            def sigmoid_grad(z):
                return sigmoid(z)
        """)),
    ),
    "tanh": _entries(
        ("(e^z - e^-z) / (e^z + e^-z) overflows", _with("""
            def tanh(z):
                return (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z))
        """, _TANH_GRAD_OK)),
        ("(1 - e^-2z) / (1 + e^-2z) overflows for z << 0", _with("""
            def tanh(z):
                e = np.exp(-2 * z)
                return (1 - e) / (1 + e)
        """, _TANH_GRAD_OK)),
        ("sinh / cosh overflows", _with("""
            def tanh(z):
                return np.sinh(z) / np.cosh(z)
        """, _TANH_GRAD_OK)),
        ("2 * sigmoid(z) - 1 (forgot the 2 inside)", _with("""
            def tanh(z):
                return 2 * sigmoid(z) - 1
        """, """
            def tanh_grad(z):
                t = tanh(z)
                return 1 - t ** 2
        """)),
        ("np.tanh(z, out=z) overwrites the input", _with("""
            def tanh(z):
                z = np.asarray(z, dtype=float)
                return np.tanh(z, out=z)
        """, _TANH_GRAD_OK)),
        ("clips large |z| in place (z[z > 20] = 20) before the exp formula", _with("""
            def tanh(z):
                z = np.asarray(z, dtype=float)
                z[z > 20] = 20.0     # tanh(20) is 1.0 in double precision
                z[z < -20] = -20.0
                return (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z))
        """, _TANH_GRAD_OK)),
        ("tanh_grad expects tanh(z) as its input: 1 - z**2", _with(_TANH_OK, """
            def tanh_grad(z):
                return 1 - z ** 2
        """)),
        ("tanh_grad forgot the square: 1 - tanh(z)", _with(_TANH_OK, """
            def tanh_grad(z):
                return 1 - np.tanh(z)
        """)),
        ("tanh_grad as 1 / cosh(z)**2 overflows", _with(_TANH_OK, """
            def tanh_grad(z):
                return 1 / np.cosh(z) ** 2
        """)),
        ("tanh_grad = 2 * sigmoid_grad(2z) (factor 2 instead of 4)", _with(_TANH_OK, """
            def tanh_grad(z):
                return 2 * sigmoid_grad(2 * np.asarray(z, dtype=float))
        """)),
        ("tanh_grad sign error: 1 + tanh(z)**2", _with(_TANH_OK, """
            def tanh_grad(z):
                return 1 + np.tanh(z) ** 2
        """)),
    ),
    "relu": _entries(
        ("relu zeroes the negatives of the input in place", _with("""
            def relu(z):
                z = np.asarray(z, dtype=float)
                z[z < 0] = 0
                return z
        """, _RELU_GRAD_OK)),
        ("np.max(z, 0) reduces over axis 0 instead of comparing with 0", _with("""
            def relu(z):
                return np.max(z, 0)
        """, _RELU_GRAD_OK)),
        ("Python max(0, z): scalars only", _with("""
            def relu(z):
                return max(0.0, z)
        """, _RELU_GRAD_OK)),
        ("leaky ReLU max(0.01 z, z)", _with("""
            def relu(z):
                z = np.asarray(z, dtype=float)
                return np.maximum(0.01 * z, z)
        """, _RELU_GRAD_OK)),
        ("relu_grad with z >= 0 (1 at zero)", _with(_RELU_OK, """
            def relu_grad(z):
                return (np.asarray(z) >= 0).astype(float)
        """)),
        ("relu_grad returns booleans", _with(_RELU_OK, """
            def relu_grad(z):
                return np.asarray(z) > 0
        """)),
        ("relu_grad returns ints via astype(int)", _with(_RELU_OK, """
            def relu_grad(z):
                return (np.asarray(z) > 0).astype(int)
        """)),
        ("relu_grad np.where(z > 0, 1, 0) gives ints", _with(_RELU_OK, """
            def relu_grad(z):
                return np.where(z > 0, 1, 0)
        """)),
        ("relu_grad = np.sign(z) (-1 for negatives)", _with(_RELU_OK, """
            def relu_grad(z):
                return np.sign(np.asarray(z, dtype=float))
        """)),
        ("relu_grad = np.heaviside(z, 0.5)", _with(_RELU_OK, """
            def relu_grad(z):
                return np.heaviside(z, 0.5)
        """)),
        ("relu_grad = relu(z) / z divides by zero", _with(_RELU_OK, """
            def relu_grad(z):
                z = np.asarray(z, dtype=float)
                return relu(z) / z
        """)),
        ("relu_grad overwrites the input with 0/1", _with(_RELU_OK, """
            def relu_grad(z):
                z = np.asarray(z, dtype=float)
                z[z > 0] = 1.0
                z[z <= 0] = 0.0
                return z
        """)),
        ("relu_grad with a small threshold z > 1e-8", _with(_RELU_OK, """
            def relu_grad(z):
                return (np.asarray(z) > 1e-8).astype(float)
        """)),
        ("relu_grad (z > 0).astype(float) fails for a Python float", _with(_RELU_OK, """
            def relu_grad(z):
                return (z > 0).astype(float)
        """)),
    ),
    "softplus": _entries(
        ("log(1 + exp(z)) overflows", _with("""
            def softplus(z):
                return np.log(1 + np.exp(z))
        """, _SOFTPLUS_GRAD_OK)),
        ("log1p(exp(z)) overflows", _with("""
            def softplus(z):
                return np.log1p(np.exp(z))
        """, _SOFTPLUS_GRAD_OK)),
        ("np.where(z > 30, z, log1p(exp(z))) evaluates exp everywhere", _with("""
            def softplus(z):
                return np.where(z > 30, z, np.log1p(np.exp(z)))
        """, _SOFTPLUS_GRAD_OK)),
        ("-log(1 - sigmoid(z)) takes log(0)", _with("""
            def softplus(z):
                return -np.log(1 - sigmoid(z))
        """, _SOFTPLUS_GRAD_OK)),
        ("-log(sigmoid(-z)) takes log(0) for large z", _with("""
            def softplus(z):
                return -np.log(sigmoid(-np.asarray(z, dtype=float)))
        """, _SOFTPLUS_GRAD_OK)),
        ("computes log1p(exp(z)) in place for z <= 30 (input overwritten)", _with("""
            def softplus(z):
                z = np.asarray(z, dtype=float)
                small = z <= 30          # for z > 30, softplus(z) = z to double precision
                z[small] = np.log1p(np.exp(z[small]))
                return z
        """, _SOFTPLUS_GRAD_OK)),
        ("max(z, 0) + log1p(exp(-z)) (|z| forgotten)", _with("""
            def softplus(z):
                return np.maximum(z, 0) + np.log1p(np.exp(-z))
        """, _SOFTPLUS_GRAD_OK)),
        ("softplus_grad = sigmoid_grad(z)", _with(_SOFTPLUS_OK, """
            def softplus_grad(z):
                return sigmoid_grad(z)
        """)),
        ("softplus_grad naive exp(z) / (1 + exp(z)) overflows", _with(_SOFTPLUS_OK, """
            def softplus_grad(z):
                e = np.exp(z)
                return e / (1 + e)
        """)),
        ("softplus_grad = sigmoid(-z)", _with(_SOFTPLUS_OK, """
            def softplus_grad(z):
                return sigmoid(-np.asarray(z, dtype=float))
        """)),
    ),
    "neuron": _entries(
        ("w @ x instead of x @ w", """
            def neuron(x, w, b, g=sigmoid):
                return g(w @ x + b)
        """),
        ("forgot the bias", """
            def neuron(x, w, b, g=sigmoid):
                return g(x @ w)
        """),
        ("bias added after the activation", """
            def neuron(x, w, b, g=sigmoid):
                return g(x @ w) + b
        """),
        ("bias subtracted", """
            def neuron(x, w, b, g=sigmoid):
                return g(x @ w - b)
        """),
        ("w used as a column: returns (N, 1)", """
            def neuron(x, w, b, g=sigmoid):
                return g(x @ w.reshape(-1, 1) + b)
        """),
        ("column result squeezed: a batch of one becomes a scalar", """
            def neuron(x, w, b, g=sigmoid):
                return np.squeeze(g(x @ w[:, None] + b))
        """),
        ("ignores g: always sigmoid", """
            def neuron(x, w, b, g=sigmoid):
                return sigmoid(x @ w + b)
        """),
        ("sums over the whole batch", """
            def neuron(x, w, b, g=sigmoid):
                return g(np.sum(x * w) + b)
        """),
        ("sums x * w over axis 0", """
            def neuron(x, w, b, g=sigmoid):
                return g((x * w).sum(axis=0) + b)
        """),
        ("default activation relu", """
            def neuron(x, w, b, g=relu):
                return g(x @ w + b)
        """),
        ("no activation by default (g=None means identity)", """
            def neuron(x, w, b, g=None):
                z = x @ w + b
                return z if g is None else g(z)
        """),
        ("multiplies x by w in place", """
            def neuron(x, w, b, g=sigmoid):
                x *= w
                return g(x.sum(axis=-1) + b)
        """),
    ),
    "dense": _entries(
        ("X @ W.T", """
            def dense(X, W, b, g=sigmoid):
                return g(X @ W.T + b)
        """),
        ("column-vector form W^T X^T: returns (D_out, N)", """
            def dense(X, W, b, g=sigmoid):
                return g(W.T @ X.T + b[:, None])
        """),
        ("bias added after the activation", """
            def dense(X, W, b, g=sigmoid):
                return g(X @ W) + b
        """),
        ("activation missing", """
            def dense(X, W, b, g=sigmoid):
                return X @ W + b
        """),
        ("hard-coded sigmoid, g ignored", """
            def dense(X, W, b, g=sigmoid):
                return sigmoid(X @ W + b)
        """),
        ("bias as a column b[:, None]", """
            def dense(X, W, b, g=sigmoid):
                return g(X @ W + b[:, None])
        """),
        ("bias summed to one number", """
            def dense(X, W, b, g=sigmoid):
                return g(X @ W + b.sum())
        """),
        ("default activation relu", """
            def dense(X, W, b, g=relu):
                return g(X @ W + b)
        """),
        ("stacked neurons along axis 0: returns (D_out, N)", """
            def dense(X, W, b, g=sigmoid):
                return np.array([neuron(X, W[:, j], b[j], g) for j in range(W.shape[1])])
        """),
        ("bias of the first unit for every unit", """
            def dense(X, W, b, g=sigmoid):
                return g(X @ W + b[0])
        """),
    ),
    "perceptron_predict": _entries(
        ("z >= 0 (1 on the boundary)", """
            def perceptron_predict(X, w, b):
                return (X @ w + b >= 0).astype(int)
        """),
        ("returns booleans", """
            def perceptron_predict(X, w, b):
                return X @ w + b > 0
        """),
        ("returns floats", """
            def perceptron_predict(X, w, b):
                return (X @ w + b > 0).astype(float)
        """),
        ("np.sign: -1/0/1 labels", """
            def perceptron_predict(X, w, b):
                return np.sign(X @ w + b).astype(int)
        """),
        ("forgot the bias", """
            def perceptron_predict(X, w, b):
                return (X @ w > 0).astype(int)
        """),
        ("bias subtracted", """
            def perceptron_predict(X, w, b):
                return (X @ w - b > 0).astype(int)
        """),
        ("w as a column: returns (N, 1)", """
            def perceptron_predict(X, w, b):
                return (X @ w[:, None] + b > 0).astype(int)
        """),
        ("np.heaviside(z, 0.5)", """
            def perceptron_predict(X, w, b):
                return np.heaviside(X @ w + b, 0.5)
        """),
        ("returns a Python list, not an array", """
            def perceptron_predict(X, w, b):
                return [1 if z > 0 else 0 for z in X @ w + b]
        """),
        ("thresholds sigmoid(z) > 0.5 (0 for 0 < z < 1e-16)", """
            def perceptron_predict(X, w, b):
                return (sigmoid(X @ w + b) > 0.5).astype(int)
        """),
    ),
    "perceptron_train": _entries(
        ("labels mapped to +-1, update when t * z <= 0", """
            def perceptron_train(X, y, lr=1.0, epochs=100):
                w, b = np.zeros(X.shape[1]), 0.0
                t = 2 * np.asarray(y) - 1
                for _ in range(epochs):
                    mistakes = 0
                    for x_n, t_n in zip(X, t):
                        if t_n * (x_n @ w + b) <= 0:
                            w = w + lr * t_n * x_n
                            b = b + lr * t_n
                            mistakes += 1
                    if mistakes == 0:
                        break
                return w, b
        """),
        ("no bias update", """
            def perceptron_train(X, y, lr=1.0, epochs=100):
                w, b = np.zeros(X.shape[1]), 0.0
                for _ in range(epochs):
                    mistakes = 0
                    for x_n, y_n in zip(X, y):
                        err = y_n - int(x_n @ w + b > 0)
                        if err:
                            w = w + lr * err * x_n
                            mistakes += 1
                    if mistakes == 0:
                        break
                return w, b
        """),
        ("learning rate ignored", """
            def perceptron_train(X, y, lr=1.0, epochs=100):
                w, b = np.zeros(X.shape[1]), 0.0
                for _ in range(epochs):
                    mistakes = 0
                    for x_n, y_n in zip(X, y):
                        err = y_n - int(x_n @ w + b > 0)
                        if err:
                            w = w + err * x_n
                            b = b + err
                            mistakes += 1
                    if mistakes == 0:
                        break
                return w, b
        """),
        ("learning rate on w only, not on b", """
            def perceptron_train(X, y, lr=1.0, epochs=100):
                w, b = np.zeros(X.shape[1]), 0.0
                for _ in range(epochs):
                    mistakes = 0
                    for x_n, y_n in zip(X, y):
                        err = y_n - int(x_n @ w + b > 0)
                        if err:
                            w = w + lr * err * x_n
                            b = b + err
                            mistakes += 1
                    if mistakes == 0:
                        break
                return w, b
        """),
        ("random initial weights", """
            def perceptron_train(X, y, lr=1.0, epochs=100):
                rng = np.random.default_rng()
                w, b = rng.normal(scale=0.01, size=X.shape[1]), 0.0
                for _ in range(epochs):
                    mistakes = 0
                    for x_n, y_n in zip(X, y):
                        err = y_n - int(x_n @ w + b > 0)
                        if err:
                            w = w + lr * err * x_n
                            b = b + lr * err
                            mistakes += 1
                    if mistakes == 0:
                        break
                return w, b
        """),
        ("visits the samples in a shuffled order", """
            def perceptron_train(X, y, lr=1.0, epochs=100):
                rng = np.random.default_rng(0)
                w, b = np.zeros(X.shape[1]), 0.0
                for _ in range(epochs):
                    mistakes = 0
                    for n in rng.permutation(len(X)):
                        err = y[n] - int(X[n] @ w + b > 0)
                        if err:
                            w = w + lr * err * X[n]
                            b = b + lr * err
                            mistakes += 1
                    if mistakes == 0:
                        break
                return w, b
        """),
        ("ignores `epochs`: trains until no mistakes, at most 1000 passes", """
            def perceptron_train(X, y, lr=1.0, epochs=100):
                w, b = np.zeros(X.shape[1]), 0.0
                for _ in range(1000):
                    mistakes = 0
                    for x_n, y_n in zip(X, y):
                        err = y_n - int(x_n @ w + b > 0)
                        if err:
                            w = w + lr * err * x_n
                            b = b + lr * err
                            mistakes += 1
                    if mistakes == 0:
                        break
                return w, b
        """),
        ("one pass too many: epochs + 1", """
            def perceptron_train(X, y, lr=1.0, epochs=100):
                w, b = np.zeros(X.shape[1]), 0.0
                epoch = 0
                while epoch <= epochs:
                    mistakes = 0
                    for x_n, y_n in zip(X, y):
                        err = y_n - int(x_n @ w + b > 0)
                        if err:
                            w = w + lr * err * x_n
                            b = b + lr * err
                            mistakes += 1
                    if mistakes == 0:
                        break
                    epoch += 1
                return w, b
        """),
        ("one pass too few: range(1, epochs)", """
            def perceptron_train(X, y, lr=1.0, epochs=100):
                w, b = np.zeros(X.shape[1]), 0.0
                for epoch in range(1, epochs):
                    mistakes = 0
                    for x_n, y_n in zip(X, y):
                        err = y_n - int(x_n @ w + b > 0)
                        if err:
                            w = w + lr * err * x_n
                            b = b + lr * err
                            mistakes += 1
                    if mistakes == 0:
                        break
                return w, b
        """),
        ("vectorised batch rule: all predictions first, one update per epoch", """
            def perceptron_train(X, y, lr=1.0, epochs=100):
                w, b = np.zeros(X.shape[1]), 0.0
                for _ in range(epochs):
                    err = y - perceptron_predict(X, w, b)
                    if not err.any():
                        break
                    w = w + lr * X.T @ err
                    b = b + lr * err.sum()
                return w, b
        """),
        ("online loop with stale predictions computed at the start of the epoch", """
            def perceptron_train(X, y, lr=1.0, epochs=100):
                w, b = np.zeros(X.shape[1]), 0.0
                for _ in range(epochs):
                    y_hat = perceptron_predict(X, w, b)
                    if (y_hat == y).all():
                        break
                    for n in range(len(X)):
                        w = w + lr * (y[n] - y_hat[n]) * X[n]
                        b = b + lr * (y[n] - y_hat[n])
                return w, b
        """),
        ("prediction with z >= 0 inside the training loop", """
            def perceptron_train(X, y, lr=1.0, epochs=100):
                w, b = np.zeros(X.shape[1]), 0.0
                for _ in range(epochs):
                    mistakes = 0
                    for x_n, y_n in zip(X, y):
                        err = y_n - int(x_n @ w + b >= 0)
                        if err:
                            w = w + lr * err * x_n
                            b = b + lr * err
                            mistakes += 1
                    if mistakes == 0:
                        break
                return w, b
        """),
        ("update with sigmoid(z) instead of the 0/1 prediction", """
            def perceptron_train(X, y, lr=1.0, epochs=100):
                w, b = np.zeros(X.shape[1]), 0.0
                for _ in range(epochs):
                    mistakes = 0
                    for x_n, y_n in zip(X, y):
                        if y_n != int(x_n @ w + b > 0):
                            mistakes += 1
                        err = y_n - sigmoid(x_n @ w + b)
                        w = w + lr * err * x_n
                        b = b + lr * err
                    if mistakes == 0:
                        break
                return w, b
        """),
        ("a single pass over the data (no epoch loop)", """
            def perceptron_train(X, y, lr=1.0, epochs=100):
                w, b = np.zeros(X.shape[1]), 0.0
                for x_n, y_n in zip(X, y):
                    err = y_n - int(x_n @ w + b > 0)
                    w = w + lr * err * x_n
                    b = b + lr * err
                return w, b
        """),
        ("counts a mistake only if the sample is still wrong after the update", """
            def perceptron_train(X, y, lr=1.0, epochs=100):
                w, b = np.zeros(X.shape[1]), 0.0
                for _ in range(epochs):
                    mistakes = 0
                    for x_n, y_n in zip(X, y):
                        err = y_n - int(x_n @ w + b > 0)
                        w = w + lr * err * x_n
                        b = b + lr * err
                        if y_n != int(x_n @ w + b > 0):
                            mistakes += 1
                    if mistakes == 0:
                        break
                return w, b
        """),
        ("scales X by lr in place to save multiplications", """
            def perceptron_train(X, y, lr=1.0, epochs=100):
                X = np.asarray(X, dtype=float)
                X *= lr
                w, b = np.zeros(X.shape[1]), 0.0
                for _ in range(epochs):
                    mistakes = 0
                    for x_n, y_n in zip(X, y):
                        err = y_n - int(x_n @ w + b > 0)
                        if err:
                            w = w + err * x_n
                            b = b + lr * err
                            mistakes += 1
                    if mistakes == 0:
                        break
                return w, b
        """),
        ("weights kept as a (1, D) row", """
            def perceptron_train(X, y, lr=1.0, epochs=100):
                w, b = np.zeros((1, X.shape[1])), 0.0
                for _ in range(epochs):
                    mistakes = 0
                    for x_n, y_n in zip(X, y):
                        err = y_n - int((x_n @ w.T + b)[0] > 0)
                        if err:
                            w = w + lr * err * x_n
                            b = b + lr * err
                            mistakes += 1
                    if mistakes == 0:
                        break
                return w, b
        """),
        ("bias kept as a 1-element array", """
            def perceptron_train(X, y, lr=1.0, epochs=100):
                w, b = np.zeros(X.shape[1]), np.zeros(1)
                for _ in range(epochs):
                    mistakes = 0
                    for x_n, y_n in zip(X, y):
                        err = y_n - int(x_n @ w + b[0] > 0)
                        if err:
                            w = w + lr * err * x_n
                            b = b + lr * err
                            mistakes += 1
                    if mistakes == 0:
                        break
                return w, b
        """),
        ("integer weights updated in place (w += ...)", """
            def perceptron_train(X, y, lr=1.0, epochs=100):
                w, b = np.zeros(X.shape[1], dtype=int), 0
                for _ in range(epochs):
                    mistakes = 0
                    for x_n, y_n in zip(X, y):
                        err = y_n - int(x_n @ w + b > 0)
                        if err:
                            w += lr * err * x_n
                            b += lr * err
                            mistakes += 1
                    if mistakes == 0:
                        break
                return w, b
        """),
        ("pocket algorithm: returns the weights with the fewest training mistakes", """
            def perceptron_train(X, y, lr=1.0, epochs=100):
                w, b = np.zeros(X.shape[1]), 0.0
                best = (np.sum(perceptron_predict(X, w, b) != y), w, b)
                for _ in range(epochs):
                    mistakes = 0
                    for x_n, y_n in zip(X, y):
                        err = y_n - int(x_n @ w + b > 0)
                        if err:
                            w = w + lr * err * x_n
                            b = b + lr * err
                            mistakes += 1
                            errors = np.sum(perceptron_predict(X, w, b) != y)
                            if errors < best[0]:
                                best = (errors, w, b)
                    if mistakes == 0:
                        break
                return best[1], best[2]
        """),
        ("labels turned into -1/+1 in place (y[y == 0] = -1), rule otherwise right", """
            def perceptron_train(X, y, lr=1.0, epochs=100):
                y = np.asarray(y)
                y[y == 0] = -1                      # the lecture's +-1 labels
                w, b = np.zeros(X.shape[1]), 0.0
                for _ in range(epochs):
                    mistakes = 0
                    for x_n, t_n in zip(X, y):
                        t_hat = 1 if x_n @ w + b > 0 else -1
                        if t_hat != t_n:
                            w = w + lr * (t_n - t_hat) / 2 * x_n
                            b = b + lr * (t_n - t_hat) / 2
                            mistakes += 1
                    if mistakes == 0:
                        break
                return w, b
        """),
        ("returns (b, w)", """
            def perceptron_train(X, y, lr=1.0, epochs=100):
                w, b = np.zeros(X.shape[1]), 0.0
                for _ in range(epochs):
                    mistakes = 0
                    for x_n, y_n in zip(X, y):
                        err = y_n - int(x_n @ w + b > 0)
                        if err:
                            w = w + lr * err * x_n
                            b = b + lr * err
                            mistakes += 1
                    if mistakes == 0:
                        break
                return b, w
        """),
    ),
    "xor_net": _entries(
        ("no ReLU in the hidden layer", """
            def xor_net(X):
                W = np.array([[1.0, 1.0], [1.0, 1.0]])
                c = np.array([0.0, -1.0])
                w = np.array([1.0, -2.0])
                return (X @ W + c) @ w
        """),
        ("c with the wrong sign", """
            def xor_net(X):
                W = np.array([[1.0, 1.0], [1.0, 1.0]])
                c = np.array([0.0, 1.0])
                w = np.array([1.0, -2.0])
                return relu(X @ W + c) @ w
        """),
        ("w with the wrong sign", """
            def xor_net(X):
                W = np.array([[1.0, 1.0], [1.0, 1.0]])
                c = np.array([0.0, -1.0])
                w = np.array([1.0, 2.0])
                return relu(X @ W + c) @ w
        """),
        ("w as a column: returns (N, 1)", """
            def xor_net(X):
                W = np.array([[1.0, 1.0], [1.0, 1.0]])
                c = np.array([0.0, -1.0])
                w = np.array([[1.0], [-2.0]])
                return relu(X @ W + c) @ w
        """),
        ("sigmoid instead of ReLU", """
            def xor_net(X):
                W = np.array([[1.0, 1.0], [1.0, 1.0]])
                c = np.array([0.0, -1.0])
                w = np.array([1.0, -2.0])
                return sigmoid(X @ W + c) @ w
        """),
        ("lookup table for the four corners", """
            def xor_net(X):
                X = np.asarray(X)
                return np.logical_xor(X[:, 0] > 0.5, X[:, 1] > 0.5).astype(float)
        """),
        ("ReLU applied to the output as well", """
            def xor_net(X):
                W = np.array([[1.0, 1.0], [1.0, 1.0]])
                c = np.array([0.0, -1.0])
                w = np.array([1.0, -2.0])
                return relu(relu(X @ W + c) @ w)
        """),
        ("output clipped to [0, 1] (it is XOR after all)", """
            def xor_net(X):
                W = np.array([[1.0, 1.0], [1.0, 1.0]])
                c = np.array([0.0, -1.0])
                w = np.array([1.0, -2.0])
                return np.clip(relu(X @ W + c) @ w, 0.0, 1.0)
        """),
        ("output thresholded at 0.5", """
            def xor_net(X):
                W = np.array([[1.0, 1.0], [1.0, 1.0]])
                c = np.array([0.0, -1.0])
                w = np.array([1.0, -2.0])
                return (relu(X @ W + c) @ w > 0.5).astype(float)
        """),
        ("inputs rounded to 0/1 first", """
            def xor_net(X):
                X = np.round(X)
                W = np.array([[1.0, 1.0], [1.0, 1.0]])
                c = np.array([0.0, -1.0])
                w = np.array([1.0, -2.0])
                return relu(X @ W + c) @ w
        """),
        ("output summed over the batch", """
            def xor_net(X):
                W = np.array([[1.0, 1.0], [1.0, 1.0]])
                c = np.array([0.0, -1.0])
                w = np.array([1.0, -2.0])
                return np.sum(relu(X @ W + c) * w)
        """),
    ),
}


CORRECT = {
    "sigmoid": _entries(
        ("exp(-logaddexp(0, -z))", """
            def sigmoid(z):
                return np.exp(-np.logaddexp(0.0, -np.asarray(z, dtype=float)))

            def sigmoid_grad(z):
                s = sigmoid(z)
                return s * (1.0 - s)
        """),
        ("0.5 * (1 + tanh(z / 2)); grad sigmoid(z) * sigmoid(-z)", """
            def sigmoid(z):
                return 0.5 * (1.0 + np.tanh(np.asarray(z, dtype=float) / 2.0))

            def sigmoid_grad(z):
                z = np.asarray(z, dtype=float)
                return sigmoid(z) * sigmoid(-z)
        """),
        ("boolean-mask branches on a float copy; grad e / (1 + e)**2 with e = exp(-|z|)", """
            def sigmoid(z):
                z = np.asarray(z, dtype=float)
                out = np.empty_like(z)
                pos = z >= 0
                out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
                ez = np.exp(z[~pos])
                out[~pos] = ez / (1.0 + ez)
                return out

            def sigmoid_grad(z):
                e = np.exp(-np.abs(np.asarray(z, dtype=float)))
                return e / (1.0 + e) ** 2
        """),
        ("naive formula inside np.errstate(over='ignore'): 1/(1+inf) = 0", """
            def sigmoid(z):
                with np.errstate(over="ignore"):
                    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))

            def sigmoid_grad(z):
                with np.errstate(over="ignore"):
                    return 1.0 / (2.0 + np.exp(z) + np.exp(-np.asarray(z, dtype=float)))
        """),
        ("np.where over two formulas inside np.errstate(all='ignore')", """
            def sigmoid(z):
                z = np.asarray(z, dtype=float)
                with np.errstate(all="ignore"):
                    return np.where(z >= 0, 1 / (1 + np.exp(-z)), np.exp(z) / (1 + np.exp(z)))

            def sigmoid_grad(z):
                return sigmoid(z) - sigmoid(z) ** 2
        """),
        ("np.clip(z, -500, 500) before the naive formula", """
            def sigmoid(z):
                z = np.clip(z, -500, 500)
                return 1 / (1 + np.exp(-z))

            def sigmoid_grad(z):
                return sigmoid(z) * (1 - sigmoid(z))
        """),
        ("masked branches into np.zeros; grad e / (1 + e)**2 with e = exp(-|z|)", """
            def sigmoid(z):
                z = np.asarray(z, dtype=float)
                out = np.zeros(z.shape)
                pos = z >= 0
                out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
                e = np.exp(z[~pos])
                out[~pos] = e / (1.0 + e)
                return out

            def sigmoid_grad(z):
                e = np.exp(-np.abs(np.asarray(z, dtype=float)))
                return e / (1.0 + e) ** 2
        """),
        ("exp(z - logaddexp(0, z)); grad via tanh", """
            def sigmoid(z):
                z = np.asarray(z, dtype=float)
                return np.exp(z - np.logaddexp(0.0, z))

            def sigmoid_grad(z):
                t = np.tanh(np.asarray(z, dtype=float) / 2.0)
                return 0.25 * (1.0 - t * t)
        """),
    ),
    "tanh": _entries(
        ("np.tanh; grad (1 - t)(1 + t)", """
            def tanh(z):
                return np.tanh(np.asarray(z, dtype=float))

            def tanh_grad(z):
                t = tanh(z)
                return (1.0 - t) * (1.0 + t)
        """),
        ("2 sigmoid(2z) - 1; grad 4 sigmoid_grad(2z)", """
            def tanh(z):
                return 2 * sigmoid(2 * np.asarray(z, dtype=float)) - 1

            def tanh_grad(z):
                return 4 * sigmoid_grad(2 * np.asarray(z, dtype=float))
        """),
        ("1 - 2 / (exp(2z) + 1) inside np.errstate", """
            def tanh(z):
                with np.errstate(over="ignore"):
                    return 1.0 - 2.0 / (np.exp(2.0 * np.asarray(z, dtype=float)) + 1.0)

            def tanh_grad(z):
                return 1.0 - tanh(z) ** 2
        """),
        ("1 / cosh(z)**2 inside np.errstate", """
            def tanh(z):
                return np.tanh(z) * 1.0

            def tanh_grad(z):
                with np.errstate(over="ignore"):
                    return 1.0 / np.cosh(np.asarray(z, dtype=float)) ** 2
        """),
        ("sign(z) (1 - e) / (1 + e) with e = exp(-2|z|)", """
            def tanh(z):
                z = np.asarray(z, dtype=float)
                e = np.exp(-2.0 * np.abs(z))
                return np.sign(z) * (1.0 - e) / (1.0 + e)

            def tanh_grad(z):
                e = np.exp(-2.0 * np.abs(np.asarray(z, dtype=float)))
                return 4.0 * e / (1.0 + e) ** 2
        """),
    ),
    "relu": _entries(
        # Accepted on purpose: integer in, integer out; the values are right and this is the
        # most common ReLU. (The contract says float arrays; floats in give floats out.)
        ("np.maximum(z, 0): integer output for an integer input", _with("""
            def relu(z):
                return np.maximum(z, 0)
        """, _RELU_GRAD_OK)),
        ("np.maximum(0.0, z); grad (z > 0) * 1.0", """
            def relu(z):
                return np.maximum(0.0, np.asarray(z, dtype=float))

            def relu_grad(z):
                return (np.asarray(z) > 0) * 1.0
        """),
        ("z * (z > 0); grad np.heaviside(z, 0)", """
            def relu(z):
                z = np.asarray(z, dtype=float)
                return z * (z > 0)

            def relu_grad(z):
                return np.heaviside(np.asarray(z, dtype=float), 0.0)
        """),
        ("np.clip(z, 0, None); grad np.where(z > 0, 1.0, 0.0)", """
            def relu(z):
                return np.clip(np.asarray(z, dtype=float), 0, None)

            def relu_grad(z):
                return np.where(np.asarray(z) > 0, 1.0, 0.0)
        """),
        ("(z + |z|) / 2; grad sign(relu(z))", """
            def relu(z):
                z = np.asarray(z, dtype=float)
                return (z + np.abs(z)) / 2

            def relu_grad(z):
                return np.sign(relu(z))
        """),
        ("np.where(z > 0, z, 0.0) on a copy; grad by masked assignment into zeros", """
            def relu(z):
                z = np.array(z, dtype=float)
                return np.where(z > 0, z, 0.0)

            def relu_grad(z):
                z = np.asarray(z)
                out = np.zeros(z.shape)
                out[z > 0] = 1.0
                return out
        """),
        ("copy then zero the negatives in place", """
            def relu(z):
                out = np.array(z, dtype=float)   # np.array copies
                out[out < 0] = 0.0
                return out

            def relu_grad(z):
                return np.greater(z, 0).astype(np.float64)
        """),
    ),
    "softplus": _entries(
        ("np.logaddexp(0, z); grad sigmoid", """
            def softplus(z):
                return np.logaddexp(0.0, np.asarray(z, dtype=float))

            def softplus_grad(z):
                return sigmoid(z)
        """),
        ("max(z, 0) + log1p(exp(-|z|)); grad 1 - sigmoid(-z)", """
            def softplus(z):
                z = np.asarray(z, dtype=float)
                return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))

            def softplus_grad(z):
                return 1.0 - sigmoid(-np.asarray(z, dtype=float))
        """),
        ("max(z, 0) + log(1 + exp(-|z|)) (log, not log1p: absolute error <= 1e-16); "
         "grad exp(z - softplus(z))", """
            def softplus(z):
                z = np.asarray(z, dtype=float)
                return np.maximum(z, 0.0) + np.log(1.0 + np.exp(-np.abs(z)))

            def softplus_grad(z):
                z = np.asarray(z, dtype=float)
                return np.exp(z - softplus(z))
        """),
        ("masked branches; grad by masked branches", """
            def softplus(z):
                z = np.asarray(z, dtype=float)
                out = np.empty(z.shape)
                pos = z > 0
                out[pos] = z[pos] + np.log1p(np.exp(-z[pos]))
                out[~pos] = np.log1p(np.exp(z[~pos]))
                return out

            def softplus_grad(z):
                z = np.asarray(z, dtype=float)
                out = np.empty(z.shape)
                pos = z >= 0
                out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
                e = np.exp(z[~pos])
                out[~pos] = e / (1.0 + e)
                return out
        """),
        ("np.where over two formulas inside np.errstate", """
            def softplus(z):
                z = np.asarray(z, dtype=float)
                with np.errstate(over="ignore"):
                    return np.where(z > 0, z + np.log1p(np.exp(-z)), np.log1p(np.exp(z)))

            def softplus_grad(z):
                with np.errstate(over="ignore"):
                    return 1.0 / (1.0 + np.exp(-np.asarray(z, dtype=float)))
        """),
        ("z itself above 30, log1p(exp(min(z, 30))) below", """
            def softplus(z):
                z = np.asarray(z, dtype=float)
                return np.where(z > 30, z, np.log1p(np.exp(np.minimum(z, 30))))

            def softplus_grad(z):
                return 0.5 * (1.0 + np.tanh(np.asarray(z, dtype=float) / 2.0))
        """),
    ),
    "neuron": _entries(
        ("np.dot(x, w)", """
            def neuron(x, w, b, g=sigmoid):
                return g(np.dot(x, w) + b)
        """),
        ("einsum over the last axis", """
            def neuron(x, w, b, g=sigmoid):
                z = np.einsum("...d,d->...", x, w) + b
                return g(z)
        """),
        ("(x * w).sum(axis=-1)", """
            def neuron(x, w, b, g=sigmoid):
                return g((x * w).sum(axis=-1) + b)
        """),
        ("g=None means sigmoid", """
            def neuron(x, w, b, g=None):
                if g is None:
                    g = sigmoid
                z = x.dot(w)
                z = z + b
                return g(z)
        """),
        ("np.matmul, then z += b on the new array", """
            def neuron(x, w, b, g=sigmoid):
                z = np.matmul(x, w)
                z += b
                return g(z)
        """),
        ("tensordot over the feature axis", """
            def neuron(x, w, b, g=sigmoid):
                x = np.asarray(x, dtype=float)
                return g(np.tensordot(x, w, axes=([x.ndim - 1], [0])) + b)
        """),
    ),
    "dense": _entries(
        ("einsum 'nd,dk->nk'", """
            def dense(X, W, b, g=sigmoid):
                return g(np.einsum("nd,dk->nk", X, W) + b)
        """),
        ("X.dot(W) + b[None, :]", """
            def dense(X, W, b, g=sigmoid):
                Z = X.dot(W) + b[None, :]
                return g(Z)
        """),
        ("one neuron per output unit, stacked as columns", """
            def dense(X, W, b, g=sigmoid):
                cols = [neuron(X, W[:, j], b[j], g) for j in range(W.shape[1])]
                return np.stack(cols, axis=1)
        """),
        ("g=None means sigmoid; Z += b", """
            def dense(X, W, b, g=None):
                g = sigmoid if g is None else g
                Z = X @ W
                Z += b
                return g(Z)
        """),
        ("broadcast product summed over D_in", """
            def dense(X, W, b, g=sigmoid):
                Z = (X[:, :, None] * W[None, :, :]).sum(axis=1) + b
                return g(Z)
        """),
        ("loop over samples (not vectorised, still right)", """
            def dense(X, W, b, g=sigmoid):
                return np.array([g(x @ W + b) for x in X])
        """),
    ),
    "perceptron_predict": _entries(
        ("np.where(z > 0, 1, 0)", """
            def perceptron_predict(X, w, b):
                return np.where(X @ w + b > 0, 1, 0)
        """),
        ("(z > 0) * 1", """
            def perceptron_predict(X, w, b):
                z = np.dot(X, w) + b
                return (z > 0) * 1
        """),
        ("np.heaviside(z, 0).astype(int)", """
            def perceptron_predict(X, w, b):
                return np.heaviside(X @ w + b, 0).astype(int)
        """),
        ("loop over rows into an int array", """
            def perceptron_predict(X, w, b):
                return np.array([1 if x @ w + b > 0 else 0 for x in X], dtype=int)
        """),
        ("np.greater(...).astype(np.uint8)", """
            def perceptron_predict(X, w, b):
                return np.greater(X @ w, -b).astype(np.uint8)
        """),
    ),
    "perceptron_train": _entries(
        ("while loop with an epoch counter, update only on mistakes", """
            def perceptron_train(X, y, lr=1.0, epochs=100):
                X = np.asarray(X, dtype=float)
                w = np.zeros(X.shape[1])
                b = 0.0
                epoch = 0
                converged = False
                while not converged and epoch < epochs:
                    converged = True
                    for i in range(len(X)):
                        y_hat = 1 if X[i] @ w + b > 0 else 0
                        if y_hat != y[i]:
                            w = w + lr * (y[i] - y_hat) * X[i]
                            b = b + lr * (y[i] - y_hat)
                            converged = False
                    epoch += 1
                return w, b
        """),
        ("bias folded into the weights as a column of ones", """
            def perceptron_train(X, y, lr=1.0, epochs=100):
                Xa = np.hstack([X, np.ones((len(X), 1))])
                wa = np.zeros(Xa.shape[1])
                for _ in range(epochs):
                    mistakes = 0
                    for x_n, y_n in zip(Xa, y):
                        err = y_n - (x_n @ wa > 0)
                        wa = wa + lr * err * x_n
                        mistakes += err != 0
                    if mistakes == 0:
                        break
                return wa[:-1], float(wa[-1])
        """),
        ("always runs all epochs (no early stop: a converged perceptron stays put)", """
            def perceptron_train(X, y, lr=1.0, epochs=100):
                w, b = np.zeros(X.shape[1]), 0.0
                for _ in range(epochs):
                    for x_n, y_n in zip(X, y):
                        delta = lr * (y_n - perceptron_predict(x_n[None, :], w, b)[0])
                        w = w + delta * x_n
                        b = b + delta
                return w, b
        """),
        ("stops when all predictions are right at the end of an epoch", """
            def perceptron_train(X, y, lr=1.0, epochs=100):
                w, b = np.zeros(X.shape[1]), 0.0
                for _ in range(epochs):
                    for n in range(X.shape[0]):
                        err = y[n] - perceptron_predict(X[n:n + 1], w, b)[0]
                        w = w + lr * err * X[n]
                        b = b + lr * err
                    if np.array_equal(perceptron_predict(X, w, b), y):
                        break
                return w, b
        """),
        ("explicit indices with np.copy and in-place float updates", """
            def perceptron_train(X, y, lr=1.0, epochs=100):
                N, D = X.shape
                w = np.zeros(D)
                b = 0.0
                for epoch in range(epochs):
                    errors = 0
                    for n in range(N):
                        x = np.copy(X[n])
                        pred = int(np.dot(w, x) + b > 0)
                        if pred != y[n]:
                            w += lr * (y[n] - pred) * x
                            b += lr * (y[n] - pred)
                            errors += 1
                    if errors == 0:
                        break
                return w, b
        """),
    ),
    "xor_net": _entries(
        ("np.maximum hidden layer", """
            def xor_net(X):
                W = np.array([[1, 1], [1, 1]], dtype=float)
                c = np.array([0, -1], dtype=float)
                w = np.array([1, -2], dtype=float)
                b = 0.0
                h = np.maximum(X @ W + c, 0)
                return h @ w + b
        """),
        ("dense(X, W, c, g=relu) @ w", """
            def xor_net(X):
                W = np.array([[1.0, 1.0], [1.0, 1.0]])
                c = np.array([0.0, -1.0])
                w = np.array([1.0, -2.0])
                return dense(X, W, c, g=relu) @ w + 0.0
        """),
        ("written out: relu(x1 + x2) - 2 relu(x1 + x2 - 1)", """
            def xor_net(X):
                s = X[:, 0] + X[:, 1]
                return relu(s) - 2 * relu(s - 1)
        """),
        ("np.clip and np.dot", """
            def xor_net(X):
                W = np.ones((2, 2))
                c = np.array([0.0, -1.0])
                w = np.array([1.0, -2.0])
                h = np.clip(np.dot(X, W) + c, 0, None)
                return np.dot(h, w)
        """),
        ("hidden units as two neurons, combined with einsum", """
            def xor_net(X):
                h1 = neuron(X, np.array([1.0, 1.0]), 0.0, g=relu)
                h2 = neuron(X, np.array([1.0, 1.0]), -1.0, g=relu)
                return np.einsum("nk,k->n", np.stack([h1, h2], axis=1), np.array([1.0, -2.0]))
        """),
    ),
}
