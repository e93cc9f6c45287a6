"""The reference solutions agree with an independent framework's autograd (PyTorch).

Every analytic gradient the notebooks teach is compared with torch.autograd on random
inputs (float64), to 1e-6 relative error.
"""

import copy

import numpy as np
import pytest

from autograde.course import assignments, reference

torch = pytest.importorskip("torch")
F = torch.nn.functional
RTOL = 1e-6


def rel(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b)), initial=0.0))


def t(x):
    return torch.tensor(np.asarray(x, dtype=float), dtype=torch.float64, requires_grad=True)


def ref(assignment):
    if assignment not in assignments():
        pytest.fail(f"{assignment} is not in solutions/ yet")
    return reference(assignment)


@pytest.fixture
def rng():
    return np.random.default_rng(2026)


# --- 02_softmax_losses ---------------------------------------------------------------------

def test_softmax_and_log_softmax_match_torch(rng):
    r = ref("02_softmax_losses")
    Z = rng.normal(0, 30, size=(7, 5))
    assert rel(r["softmax"](Z), torch.softmax(torch.tensor(Z), -1).numpy()) < RTOL
    assert rel(r["log_softmax"](Z), torch.log_softmax(torch.tensor(Z), -1).numpy()) < RTOL


def test_softmax_jacobian_matches_torch(rng):
    r = ref("02_softmax_losses")
    z = rng.normal(size=6)
    J = torch.autograd.functional.jacobian(lambda v: torch.softmax(v, 0), torch.tensor(z))
    assert rel(r["softmax_jacobian"](z), J.numpy()) < RTOL


def test_softmax_cross_entropy_matches_torch(rng):
    r = ref("02_softmax_losses")
    Z, y = rng.normal(0, 5, size=(9, 4)), rng.integers(0, 4, size=9)
    loss, dZ = r["softmax_cross_entropy"](Z, y)
    Zt = t(Z)
    expected = F.cross_entropy(Zt, torch.tensor(y))
    expected.backward()
    assert rel(loss, expected.item()) < RTOL and rel(dZ, Zt.grad.numpy()) < RTOL
    P = r["softmax"](Z)
    assert rel(r["cross_entropy"](P, y), expected.item()) < RTOL


def test_mse_and_bce_match_torch(rng):
    r = ref("02_softmax_losses")
    Y_hat, Y = rng.normal(size=(8, 3)), rng.normal(size=(8, 3))
    Yt = t(Y_hat)
    expected = ((Yt - torch.tensor(Y)) ** 2).sum() / (2 * 8)
    expected.backward()
    assert rel(r["mse_loss"](Y_hat, Y), expected.item()) < RTOL
    assert rel(r["mse_grad"](Y_hat, Y), Yt.grad.numpy()) < RTOL

    z, target = rng.normal(0, 20, size=10), rng.integers(0, 2, size=10).astype(float)
    loss, dz = r["bce_with_logits"](z, target)
    zt = t(z)
    expected = F.binary_cross_entropy_with_logits(zt, torch.tensor(target))
    expected.backward()
    assert rel(loss, expected.item()) < RTOL and rel(dz, zt.grad.numpy()) < RTOL
    p = 1 / (1 + np.exp(-rng.normal(size=10)))
    assert rel(r["binary_cross_entropy"](p, target),
               F.binary_cross_entropy(torch.tensor(p), torch.tensor(target)).item()) < RTOL


def test_l2_penalty_matches_torch(rng):
    r = ref("02_softmax_losses")
    params = {"W1": rng.normal(size=(3, 4)), "b1": rng.normal(size=4),
              "W2": rng.normal(size=(4, 2)), "b2": rng.normal(size=2)}
    tensors = {k: t(v) for k, v in params.items()}
    expected = 0.3 * sum((v ** 2).sum() for k, v in tensors.items() if k.startswith("W"))
    expected.backward()
    penalty, grads = r["l2_penalty"](params, 0.3)
    assert rel(penalty, expected.item()) < RTOL
    for k, v in tensors.items():
        want = v.grad.numpy() if v.grad is not None else np.zeros_like(params[k])
        assert rel(grads[k], want) < RTOL, k


# --- 03_gradients ----------------------------------------------------------------------------

def test_linear_softmax_loss_matches_torch(rng):
    r = ref("03_gradients")
    X = np.hstack([rng.normal(size=(12, 5)), np.ones((12, 1))])
    y, W = rng.integers(0, 3, size=12), rng.normal(0, 2, size=(6, 3))
    loss, dW = r["linear_softmax_loss"](W, X, y, reg=0.1)
    Wt = t(W)
    expected = F.cross_entropy(torch.tensor(X) @ Wt, torch.tensor(y)) + 0.1 * (Wt ** 2).sum()
    expected.backward()
    assert rel(loss, expected.item()) < RTOL and rel(dW, Wt.grad.numpy()) < RTOL


def test_numerical_gradient_matches_torch(rng):
    r = ref("03_gradients")
    x = rng.normal(size=(3, 4))

    def f(v):
        return float(np.sum(np.sin(v) * v ** 2))
    xt = t(x)
    (torch.sin(xt) * xt ** 2).sum().backward()
    assert rel(r["numerical_gradient"](f, x.copy()), xt.grad.numpy()) < RTOL


# --- 04_backprop -----------------------------------------------------------------------------

def test_linear_and_activation_layers_match_torch(rng):
    r = ref("04_backprop")
    X, W, b = rng.normal(size=(6, 4)), rng.normal(size=(4, 3)), rng.normal(size=3)
    dZ = rng.normal(size=(6, 3))
    Z, cache = r["linear_forward"](X, W, b)
    dX, dW, db = r["linear_backward"](dZ, cache)
    Xt, Wt, bt = t(X), t(W), t(b)
    (Xt @ Wt + bt).backward(torch.tensor(dZ))
    for got, want in ((dX, Xt), (dW, Wt), (db, bt)):
        assert rel(got, want.grad.numpy()) < RTOL
    for name, fn in (("relu", torch.relu), ("sigmoid", torch.sigmoid), ("tanh", torch.tanh)):
        Z = rng.normal(0, 3, size=(5, 4))
        A, cache = r[f"{name}_forward"](Z)
        dA = rng.normal(size=A.shape)
        Zt = t(Z)
        out = fn(Zt)
        out.backward(torch.tensor(dA))
        assert rel(A, out.detach().numpy()) < RTOL, name
        assert rel(r[f"{name}_backward"](dA, cache), Zt.grad.numpy()) < RTOL, name


@pytest.mark.parametrize("layers", [1, 2, 3, 4])
@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh"])
def test_mlp_loss_matches_torch(rng, layers, activation):
    r = ref("04_backprop")
    sizes = [5] + [int(k) for k in rng.integers(2, 6, size=layers - 1)] + [3]
    params = {}
    for i in range(1, layers + 1):
        params[f"W{i}"] = rng.normal(0, 0.7, size=(sizes[i - 1], sizes[i]))
        params[f"b{i}"] = rng.normal(0, 0.1, size=sizes[i])
    X, y = rng.normal(size=(8, 5)), rng.integers(0, 3, size=8)
    loss, grads = r["mlp_loss"](params, X, y, activation=activation, reg=0.05)
    tensors = {k: t(v) for k, v in params.items()}
    act = {"relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh}[activation]
    h = torch.tensor(X)
    for i in range(1, layers + 1):
        h = h @ tensors[f"W{i}"] + tensors[f"b{i}"]
        if i < layers:
            h = act(h)
    expected = F.cross_entropy(h, torch.tensor(y)) + 0.05 * sum(
        (v ** 2).sum() for k, v in tensors.items() if k.startswith("W"))
    expected.backward()
    assert rel(loss, expected.item()) < RTOL
    for k, v in tensors.items():
        assert rel(grads[k], v.grad.numpy()) < RTOL, k


def _value_ops():
    """op -> (on the course's Value, on torch tensors): a, b are nodes, c a number."""
    return {
        "add": (lambda a, b, c: a + b, lambda a, b, c: a + b),
        "mul": (lambda a, b, c: a * b, lambda a, b, c: a * b),
        "radd": (lambda a, b, c: c + a, lambda a, b, c: c + a),
        "rmul": (lambda a, b, c: c * a, lambda a, b, c: c * a),
        "tanh": (lambda a, b, c: a.tanh(), lambda a, b, c: torch.tanh(a)),
        "relu": (lambda a, b, c: a.relu(), lambda a, b, c: torch.relu(a)),
        "exp": (lambda a, b, c: a.exp(), lambda a, b, c: torch.exp(a)),
    }


@pytest.mark.parametrize("trial", range(12))
def test_value_matches_torch(trial):
    """04's scalar autograd (Value) on random expression graphs with shared nodes: every node's
    value and gradient agree with torch.autograd (relu at exactly 0 included)."""
    Value = ref("04_backprop")["Value"]
    ops = _value_ops()
    rng = np.random.default_rng(100 + trial)
    inputs = [float(v) for v in rng.uniform(-1.5, 1.5, size=3)] + [0.0]  # relu(0) somewhere
    values = [Value(x) for x in inputs]
    tensors = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in inputs]
    names = list(ops)
    while len(values) < 4 + 25:
        op = names[int(rng.integers(len(names)))]
        i = int(rng.integers(max(0, len(values) - 4), len(values)))   # mostly recent nodes
        j = int(rng.integers(len(values)))                           # shared nodes
        if len(values) == 4 + 12:
            op, i = "relu", 3                  # relu of the input 0.0: its gradient at 0
        c = float(np.round(rng.uniform(-2, 2), 2))
        v = ops[op][0](values[i], values[j], c)
        if not abs(v.data) < 20.0:
            continue
        t = ops[op][1](tensors[i], tensors[j], c)
        t.retain_grad()
        values.append(v)
        tensors.append(t)
    # The output uses the last node, one from the middle and relu(0) (node 16), scaled.
    out_v = values[-1] + values[len(values) // 2] + 2.5 * values[16]
    out_t = tensors[-1] + tensors[len(tensors) // 2] + 2.5 * tensors[16]
    out_v.backward()
    out_t.backward()
    assert rel(out_v.data, out_t.item()) < RTOL
    for k, (v, t) in enumerate(zip(values, tensors)):
        assert rel(v.data, t.item()) < RTOL, k
        want = 0.0 if t.grad is None else t.grad.item()
        assert rel(v.grad, want) < RTOL, (k, v.grad, want)


# --- 07_regularization ---------------------------------------------------------------------

@pytest.mark.parametrize("p_drop", [0.0, 0.3, 0.75])
def test_dropout_with_a_fixed_mask_matches_torch(rng, p_drop):
    """Inverted dropout with the mask held fixed is X * m / (1 - p): forward and backward."""
    r = ref("07_regularization")
    X, dout = rng.normal(size=(6, 9)), rng.normal(size=(6, 9))
    out, cache = r["dropout_forward"](X, p_drop, train=True, rng=np.random.default_rng(5))
    # The reference's mask depends on the shape and the generator only: read it from ones.
    mask = r["dropout_forward"](np.ones_like(X), p_drop, train=True,
                                rng=np.random.default_rng(5))[0] * (1 - p_drop)
    assert set(np.unique(mask)) <= {0.0, 1.0} and (p_drop == 0 or 0 < mask.mean() < 1)
    Xt = t(X)
    expected = Xt * torch.tensor(mask) / (1 - p_drop)
    expected.backward(torch.tensor(dout))
    assert rel(out, expected.detach().numpy()) < RTOL
    assert rel(r["dropout_backward"](dout, cache), Xt.grad.numpy()) < RTOL
    # Evaluation mode is the identity, forward and backward.
    out, cache = r["dropout_forward"](X, p_drop, train=False)
    assert rel(out, X) < RTOL and rel(r["dropout_backward"](dout, cache), dout) < RTOL


@pytest.mark.parametrize("layers", [1, 2, 3])
@pytest.mark.parametrize("activation", ["relu", "sigmoid", "tanh"])
def test_mlp_loss_dropout_matches_torch(rng, monkeypatch, layers, activation):
    """mlp_loss_dropout in training, with the masks it drew, against torch autograd."""
    r = ref("07_regularization")
    draw, masks = r["dropout_forward"], []

    def recording_dropout(A, p_drop, train=True, rng=None):
        # The same draw from a copy of the generator, on ones, is this call's (scaled) mask.
        masks.append(draw(np.ones_like(A), p_drop, train=train, rng=copy.deepcopy(rng))[0])
        return draw(A, p_drop, train=train, rng=rng)

    # reference() is cached: patch its namespace for this test only (restored afterwards).
    monkeypatch.setitem(r, "dropout_forward", recording_dropout)
    p_drop, reg = 0.4, 0.05
    sizes = [5] + [int(k) for k in rng.integers(3, 7, size=layers - 1)] + [3]
    params = {}
    for i in range(1, layers + 1):
        params[f"W{i}"] = rng.normal(0, 0.7, size=(sizes[i - 1], sizes[i]))
        params[f"b{i}"] = rng.normal(0, 0.1, size=sizes[i])
    X, y = rng.normal(size=(8, 5)), rng.integers(0, 3, size=8)
    loss, grads = r["mlp_loss_dropout"](params, X, y, p_drop, True, np.random.default_rng(9),
                                        activation=activation, reg=reg)
    assert len(masks) == layers - 1  # one dropout per hidden layer, none on inputs or scores
    for mask in masks:  # kept units scaled by 1 / (1 - p), and some of each kind
        assert set(np.unique(mask)) <= {0.0, 1 / (1 - p_drop)} and 0 < np.mean(mask > 0) < 1
    tensors = {k: t(v) for k, v in params.items()}
    act = {"relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh}[activation]
    h = torch.tensor(X)
    for i in range(1, layers + 1):
        h = h @ tensors[f"W{i}"] + tensors[f"b{i}"]
        if i < layers:
            h = act(h) * torch.tensor(masks[i - 1])
    expected = F.cross_entropy(h, torch.tensor(y)) + reg * sum(
        (v ** 2).sum() for k, v in tensors.items() if k.startswith("W"))
    expected.backward()
    assert rel(loss, expected.item()) < RTOL
    for k, v in tensors.items():
        assert rel(grads[k], v.grad.numpy()) < RTOL, k
