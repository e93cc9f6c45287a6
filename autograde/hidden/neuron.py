"""Hidden checks of 01_neuron."""

import numpy as np

from autograde.hidden import hidden_check
from autograde.hidden._cases import call_unchanged, check_elementwise
from mlkit.checks import (call, expect_close, expect_dtype, expect_equal, expect_shape,
                          expect_true, expect_unchanged)

A = "01_neuron"
STABLE = ("The result must be exact for large |z| too: don't clip z, and write the formula "
          "so that exp only sees non-positive numbers (e.g. exp(-|z|)): exp(z) is inf for "
          "z above about 709.8.")


def _activation(name, grad_name, stable_hint):
    @hidden_check(A, name)
    def check(student, ref, rng):
        check_elementwise(getattr(student, name), ref[name], rng, name,
                          extreme_hint=stable_hint)

    @hidden_check(A, grad_name)
    def check_grad(student, ref, rng):
        check_elementwise(getattr(student, grad_name), ref[grad_name], rng, grad_name,
                          extreme_hint=stable_hint,
                          hint=f"{grad_name} takes the pre-activation z (not g(z)) and "
                               f"returns the derivative g'(z).")
    return check, check_grad


_activation("sigmoid", "sigmoid_grad", STABLE)
_activation("tanh", "tanh_grad",
            "Don't clip z; tanh(z) = 2σ(2z) − 1 stays finite and exact for any z, "
            "(e^z − e^−z)/(e^z + e^−z) does not.")
_activation("softplus", "softplus_grad",
            "Don't clip z; softplus(z) = max(z, 0) + log(1 + exp(−|z|)) never overflows.")


@hidden_check(A, "relu")
def relu(student, ref, rng):
    check_elementwise(student.relu, ref["relu"], rng, "relu")


@hidden_check(A, "relu_grad")
def relu_grad(student, ref, rng):
    check_elementwise(student.relu_grad, ref["relu_grad"], rng, "relu_grad",
                      hint="relu_grad(z) is 1 where z > 0 and 0 elsewhere, including z = 0.")
    z = rng.permutation(np.array([0.0, -0.0, 1e-300, -1e-300, 0.0]))
    expect_close("relu_grad at z = 0 and next to it", call(student.relu_grad, z),
                 ref["relu_grad"](z), hint="The course's convention is relu_grad(0) = 0: "
                 "only a strictly positive z gives 1.")


def _weights(rng, d):
    return rng.normal(size=d), float(rng.normal())


@hidden_check(A, "neuron")
def neuron(student, ref, rng):
    n, d = (int(k) for k in rng.integers(2, 9, size=2))
    X = rng.normal(size=(n, d))
    w, b = _weights(rng, d)
    for g, gname in ((np.tanh, "np.tanh"), (np.positive, "the identity")):
        expected = ref["neuron"](X.copy(), w.copy(), b, g=g)
        got = call_unchanged(student.neuron, ("X", "w", "b"), X, w, b, g=g)
        what = f"neuron(X, w, b, g={gname}) for X of shape {X.shape}"
        expect_shape(what, got, (n,), hint="One output per sample: a batch of N rows gives shape (N,).")
        expect_close(what, got, expected,
                     hint="Apply g to the whole pre-activation, the weighted sum plus the bias "
                          "(the bias goes inside g).")
    got = call_unchanged(student.neuron, ("X", "w", "b"), X[0].copy(), w, b, g=np.tanh)
    expect_shape("neuron(x, w, b) for a single x of shape (D,)", got, (),
                 hint="For one sample x of shape (D,), the weighted sum is a single number: "
                      "return g of it, shape ().")
    expect_close("neuron(x, w, b, g=np.tanh) for a single x", got, np.tanh(X[0] @ w + b))
    expect_close("neuron(X, w, b) with the default g",
                 call_unchanged(student.neuron, ("X", "w", "b"), X, w, b),
                 call_unchanged(student.neuron, ("X", "w", "b"), X, w, b, g=student.sigmoid),
                 hint="The default activation (when g is not passed) must be your sigmoid.")
    x1 = rng.normal(size=(1, d))
    expect_shape("neuron(X, w, b) for a batch of one sample",
                 call_unchanged(student.neuron, ("X", "w", "b"), x1, w, b, g=np.tanh), (1,))


@hidden_check(A, "dense")
def dense(student, ref, rng):
    for n, d_in, d_out in ((int(rng.integers(2, 9)), int(rng.integers(2, 6)),
                            int(rng.integers(2, 6))), (1, 3, 1), (5, 1, 4)):
        X = rng.normal(size=(n, d_in))
        W = rng.normal(size=(d_in, d_out))
        b = rng.normal(size=d_out)
        for g, gname in ((np.positive, "the identity"), (np.tanh, "np.tanh")):
            what = f"dense(X, W, b, g={gname}) with X {X.shape}, W {W.shape}"
            expected = ref["dense"](X.copy(), W.copy(), b.copy(), g=g)
            got = call_unchanged(student.dense, ("X", "W", "b"), X, W, b, g=g)
            expect_shape(what, got, (n, d_out),
                         hint="One row per sample and one column per neuron (column j of W holds "
                              "neuron j's weights).")
            expect_close(what, got, expected,
                         hint="Each neuron's pre-activation is its weighted sum plus its own bias "
                              "(the same b for every sample); g applies to all of it.")
    names = ("X", "W", "b")
    expect_close("dense(X, W, b) with the default g",
                 call_unchanged(student.dense, names, X, W, b),
                 call_unchanged(student.dense, names, X, W, b, g=student.sigmoid),
                 hint="The default activation must be sigmoid.")


@hidden_check(A, "perceptron_predict")
def perceptron_predict(student, ref, rng):
    n, d = int(rng.integers(5, 12)), int(rng.integers(2, 5))
    X = rng.integers(-3, 4, size=(n, d)).astype(float)
    w = rng.integers(-2, 3, size=d).astype(float)
    X[0] = 0.0  # X @ w + b == b exactly: b = 0 is the boundary, which belongs to class 0
    for b in (0.0, float(rng.integers(-2, 3)) + 0.5, 1e-20):
        expected = ref["perceptron_predict"](X, w, b)
        got = call_unchanged(student.perceptron_predict, ("X", "w", "b"), X, w, b)
        what = f"perceptron_predict(X, w, b) for X of shape {X.shape}"
        expect_shape(what, got, (n,))
        expect_dtype(what, got, "iu",
                     hint="Return a numpy array of integer labels (not booleans, floats or a list).")
        expect_equal(what, got, expected,
                     hint="Label 1 exactly where the pre-activation is positive (strictly, however small): "
                          "0 on the boundary.")


def _separable(rng, n, d):
    """Linearly separable data with a margin and both classes present."""
    while True:
        w = rng.normal(size=d)
        X = rng.normal(size=(3 * n, d))
        z = X @ w + float(rng.normal(scale=0.3))
        keep = np.abs(z) > 0.3  # a margin keeps the run short
        X, y = X[keep][:n], (z[keep][:n] > 0).astype(int)
        if len(y) == n and 0 < y.sum() < n:
            return X, y


def _threshold(rng, n, d):
    """1-D positive inputs labelled by a threshold: only a bias b < 0 separates them, so
    the trained b is never 0 and a mistake in the bias update always shows."""
    x = rng.permutation(np.concatenate([rng.uniform(0.5, 2.0, n // 2),
                                        rng.uniform(2.5, 4.0, n - n // 2)]))
    return x[:, None], (x > 2.25).astype(int)


def _unseparable(rng, n, d):
    """Random labels: the perceptron keeps updating in every epoch."""
    X = rng.normal(size=(n, d))
    y = rng.permutation(np.arange(n) % 2)
    return X, y


def _trained(student, X, y, what, **kwargs):
    """(w, b) from the student's perceptron_train, with their types checked first."""
    before_y = y.copy()
    result = call_unchanged(student.perceptron_train, ("X", "y"), X, y, **kwargs)
    expect_unchanged("y", before_y, y)
    expect_true(isinstance(result, (tuple, list)) and len(result) == 2,
                f"perceptron_train should return a pair (w, b), got {type(result).__name__}.",
                hint="Return the pair (w, b), in that order.")
    w, b = result
    expect_shape(f"w from {what}", w, (X.shape[1],),
                 hint="w has one weight per input feature, shape (D,); return (w, b) in "
                      "that order.")
    expect_shape(f"b from {what}", b, (), hint="The bias is a single number.")
    return np.asarray(w, dtype=float), float(np.asarray(b, dtype=float))


@hidden_check(A, "perceptron_train")
def perceptron_train(student, ref, rng):
    X2 = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    for gate, labels in {"AND": [0, 0, 0, 1], "OR": [0, 1, 1, 1],
                         "NAND": [1, 1, 1, 0]}.items():
        y = np.array(labels)
        w, b = _trained(student, X2, y, f"perceptron_train on {gate}")
        expect_equal(f"predictions of the perceptron trained on {gate}",
                     (X2 @ w + b > 0).astype(int), y,
                     hint="Loop over the epochs and over the samples in order; update "
                          "w by lr·(y − ŷ)·x and b by lr·(y − ŷ) after each sample.")
    cases = [("separable", _separable, {"lr": 1.0}),
             ("separable", _separable, {"lr": float(rng.choice([0.1, 0.5, 2.0]))}),
             ("1-D threshold", _threshold, {"lr": float(rng.choice([0.1, 0.5, 2.0]))}),
             ("non-separable", _unseparable, {"epochs": int(rng.integers(1, 4))}),
             ("non-separable", _unseparable, {"lr": float(rng.choice([0.1, 0.5, 2.0])),
                                              "epochs": int(rng.integers(4, 8))})]
    for kind, make, kwargs in cases:
        n, d = int(rng.integers(8, 25)), int(rng.integers(2, 5))
        X, y = make(rng, n, d)
        d = X.shape[1]
        ref_w, ref_b = ref["perceptron_train"](X.copy(), y.copy(), **kwargs)
        args = ", ".join(f"{k}={v}" for k, v in kwargs.items())
        what = f"perceptron_train on {kind} data (N={n}, D={d}, {args})"
        w, b = _trained(student, X, y, what, **kwargs)
        hint = ("Stop after exactly `epochs` passes over the data when mistakes remain."
                if "epochs" in kwargs else
                "Start from w = 0, b = 0 and visit samples in order; a mistake changes w by "
                "lr·(y − ŷ)·x and b by lr·(y − ŷ).")
        expect_close(f"w from {what}", w, ref_w, hint=hint)
        expect_close(f"b from {what}", b, ref_b, hint=hint + " The learning rate scales the "
                     "bias update too.")
    epochs = int(rng.integers(1, 6))
    y_xor = np.array([0, 1, 1, 0])
    ref_w, ref_b = ref["perceptron_train"](X2.copy(), y_xor.copy(), epochs=epochs)
    w, b = _trained(student, X2, y_xor, f"perceptron_train on XOR, epochs={epochs}",
                    epochs=epochs)
    hint = ("XOR never converges: return the weights after exactly `epochs` passes "
            "(the last ones, not the best ones seen).")
    expect_close(f"w after {epochs} epochs on XOR", w, ref_w, hint=hint)
    expect_close(f"b after {epochs} epochs on XOR", b, ref_b, hint=hint)


@hidden_check(A, "xor_net")
def xor_net(student, ref, rng):
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    order = rng.permutation(4)
    got = call_unchanged(student.xor_net, ("X",), X[order])
    expect_close("xor_net on the four XOR points", got, np.array([0.0, 1.0, 1.0, 0.0])[order],
                 hint="The network of section 7: a ReLU hidden layer with the weights W and biases c "
                      "given there, then the linear output unit with w and b.")
    n = int(rng.integers(8, 20))
    # Everywhere in the plane, and surely some points with x1 + x2 > 2 (negative outputs).
    Xr = np.vstack([rng.uniform(-3, 3, size=(n, 2)), rng.uniform(1.2, 3, size=(2, 2))])
    for Xc in (rng.permutation(Xr), Xr[:1]):
        expected = ref["xor_net"](Xc.copy())
        got = call_unchanged(student.xor_net, ("X",), Xc)
        what = f"xor_net(X) for random X of shape {Xc.shape}"
        expect_shape(what, got, (len(Xc),), hint="Return one number per sample, shape (N,).")
        expect_dtype(what, got, "f")
        expect_close(what, got, expected,
                     hint="Only the hidden layer has a ReLU; the output unit is linear "
                          "(it is negative where x1 + x2 > 2).")
