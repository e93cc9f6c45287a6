"""Hidden checks of 01_neuron."""

import numpy as np

from autograde.hidden import hidden_check
from autograde.hidden._cases import check_elementwise
from mlkit.checks import (call, expect_close, expect_dtype, expect_equal, expect_shape,
                          expect_true, expect_unchanged)

A = "01_neuron"
STABLE = ("For large |z| the formula must not overflow: exp(z) is inf for z > 709. "
          "Write it so that exp only sees non-positive numbers (e.g. use exp(-|z|)).")


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
            "tanh(z) = 2σ(2z) − 1 stays finite for any z; (e^z − e^−z)/(e^z + e^−z) does not.")
_activation("softplus", "softplus_grad",
            "softplus(z) = max(z, 0) + log(1 + exp(−|z|)) never overflows.")


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
                 "use z > 0, not z >= 0.")


def _weights(rng, d):
    return rng.normal(size=d), float(rng.normal())


@hidden_check(A, "neuron")
def neuron(student, ref, rng):
    n, d = (int(k) for k in rng.integers(2, 9, size=2))
    X = rng.normal(size=(n, d))
    w, b = _weights(rng, d)
    before = X.copy()
    for g, gname in ((np.tanh, "np.tanh"), (np.positive, "the identity")):
        got = call(student.neuron, X, w, b, g=g)
        what = f"neuron(X, w, b, g={gname}) for X of shape {X.shape}"
        expect_shape(what, got, (n,), hint="One output per sample: X @ w has shape (N,).")
        expect_close(what, got, ref["neuron"](X, w, b, g=g),
                     hint="z = x @ w + b, then g(z); check the bias is added before g.")
    expect_unchanged("X", before, X)
    got = call(student.neuron, X[0], w, b, g=np.tanh)
    expect_shape("neuron(x, w, b) for a single x of shape (D,)", got, (),
                 hint="For one sample x (D,), x @ w is a number: return g of that number.")
    expect_close("neuron(x, w, b, g=np.tanh) for a single x", got, np.tanh(X[0] @ w + b))
    expect_close("neuron(X, w, b) with the default g",
                 call(student.neuron, X, w, b), call(student.neuron, X, w, b, g=student.sigmoid),
                 hint="The default activation must be sigmoid: def neuron(x, w, b, g=sigmoid).")
    x1 = rng.normal(size=(1, d))
    expect_shape("neuron(X, w, b) for a batch of one sample", call(student.neuron, x1, w, b,
                                                                   g=np.tanh), (1,))


@hidden_check(A, "dense")
def dense(student, ref, rng):
    for n, d_in, d_out in ((int(rng.integers(2, 9)), int(rng.integers(2, 6)),
                            int(rng.integers(2, 6))), (1, 3, 1), (5, 1, 4)):
        X = rng.normal(size=(n, d_in))
        W = rng.normal(size=(d_in, d_out))
        b = rng.normal(size=d_out)
        for g, gname in ((np.positive, "the identity"), (np.tanh, "np.tanh")):
            what = f"dense(X, W, b, g={gname}) with X {X.shape}, W {W.shape}"
            got = call(student.dense, X, W, b, g=g)
            expect_shape(what, got, (n, d_out),
                         hint="Z = X @ W + b has shape (N, D_out); W is (D_in, D_out).")
            expect_close(what, got, ref["dense"](X, W, b, g=g),
                         hint="Z = X @ W + b, with b added to every row, then g(Z).")
    expect_close("dense(X, W, b) with the default g", call(student.dense, X, W, b),
                 call(student.dense, X, W, b, g=student.sigmoid),
                 hint="The default activation must be sigmoid.")


@hidden_check(A, "perceptron_predict")
def perceptron_predict(student, ref, rng):
    n, d = int(rng.integers(5, 12)), int(rng.integers(2, 5))
    X = rng.integers(-3, 4, size=(n, d)).astype(float)
    w = rng.integers(-2, 3, size=d).astype(float)
    X[0] = 0.0  # X @ w + b == b == 0 exactly: the boundary belongs to class 0
    for b in (0.0, float(rng.integers(-2, 3)) + 0.5):
        got = call(student.perceptron_predict, X, w, b)
        what = f"perceptron_predict(X, w, b) for X of shape {X.shape}"
        expect_shape(what, got, (n,))
        expect_dtype(what, got, "iu", hint="Return integer labels, e.g. (z > 0).astype(int).")
        expect_equal(what, got, ref["perceptron_predict"](X, w, b),
                     hint="Predict 1 only where X @ w + b > 0 (strictly): 0 on the boundary.")


def _separable(rng, n, d):
    w, b = rng.normal(size=d), float(rng.normal(scale=0.5))
    X = rng.normal(size=(3 * n, d))
    z = X @ w + b
    keep = np.abs(z) > 0.3  # a margin keeps the run short and the result exact
    X, z = X[keep][:n], z[keep][:n]
    return X, (z > 0).astype(int)


@hidden_check(A, "perceptron_train")
def perceptron_train(student, ref, rng):
    gates = {"AND": [0, 0, 0, 1], "OR": [0, 1, 1, 1], "NAND": [1, 1, 1, 0]}
    X2 = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    for gate, y in gates.items():
        y = np.array(y)
        w, b = _pair(call(student.perceptron_train, X2, y), "perceptron_train")
        pred = (X2 @ np.asarray(w, float) + float(b) > 0).astype(int)
        expect_equal(f"predictions of the perceptron trained on {gate}", pred, y,
                     hint="Loop over the epochs and over the samples in order; update "
                          "w += lr·(y − ŷ)·x and b += lr·(y − ŷ) after each sample.")
    for n, d, lr in ((int(rng.integers(10, 30)), int(rng.integers(2, 5)), 1.0),
                     (int(rng.integers(10, 30)), 3, float(rng.choice([0.1, 0.5, 2.0])))):
        X, y = _separable(rng, n, d)
        before = X.copy()
        got_w, got_b = _pair(call(student.perceptron_train, X, y, lr=lr), "perceptron_train")
        ref_w, ref_b = ref["perceptron_train"](X, y, lr=lr)
        what = f"w from perceptron_train on separable data (N={len(y)}, D={d}, lr={lr})"
        expect_shape(what, got_w, (d,))
        expect_close(what, got_w, ref_w, hint="Start from w = 0, b = 0 and visit samples in "
                     "order; a mistake changes w by lr·(y − ŷ)·x.")
        expect_close(f"b from perceptron_train (lr={lr})", got_b, ref_b,
                     hint="The bias is updated too: b += lr·(y − ŷ).")
        expect_unchanged("X", before, X)
    X4 = X2.copy()
    epochs = int(rng.integers(2, 6))
    got_w, got_b = _pair(call(student.perceptron_train, X4, np.array([0, 1, 1, 0]),
                              epochs=epochs), "perceptron_train")
    ref_w, ref_b = ref["perceptron_train"](X4, np.array([0, 1, 1, 0]), epochs=epochs)
    expect_close(f"w after {epochs} epochs on XOR (which never converges)", got_w, ref_w,
                 hint="Stop after `epochs` passes over the data when mistakes remain.")
    expect_close(f"b after {epochs} epochs on XOR", got_b, ref_b)


def _pair(result, name):
    expect_true(isinstance(result, (tuple, list)) and len(result) == 2,
                f"{name} should return a pair (w, b), got {type(result).__name__}.",
                hint="End the function with `return w, b`.")
    return result


@hidden_check(A, "xor_net")
def xor_net(student, ref, rng):
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    order = rng.permutation(4)
    got = call(student.xor_net, X[order])
    expect_close("xor_net on the four XOR points", got, np.array([0.0, 1.0, 1.0, 0.0])[order],
                 hint="h = relu(X @ W + c) with W = [[1, 1], [1, 1]], c = [0, -1]; "
                      "output h @ w + b with w = [1, -2], b = 0.")
    for n in (int(rng.integers(5, 20)), 1):
        Xr = rng.normal(0.0, 2.0, size=(n, 2))
        got = call(student.xor_net, Xr)
        what = f"xor_net(X) for random X of shape {Xr.shape}"
        expect_shape(what, got, (n,), hint="Return one number per sample, shape (N,).")
        expect_dtype(what, got, "f")
        expect_close(what, got, ref["xor_net"](Xr),
                     hint="The ReLU matters: away from the four corners, h = relu(X @ W + c)"
                          " differs from X @ W + c.")
