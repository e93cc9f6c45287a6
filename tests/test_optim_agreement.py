"""The reference optimizers and schedules of 06_optimizers agree with PyTorch's.

``torch.optim`` and ``torch.optim.lr_scheduler`` run on the same float64 parameters (three
keys of different shapes) and the same random gradients as the solutions notebook's classes
(``autograde.course.reference("06_optimizers")``), for 25+ steps; every parameter must agree
to 1e-6 relative error after every step.

How the course's contract maps onto PyTorch (torch 2.x):

* ``SGD(lr)`` = ``torch.optim.SGD(lr=lr)``.
* ``Momentum(lr, mu)``: the course keeps v <- mu v - lr g, theta <- theta + v; PyTorch keeps
  b <- mu b + g (b = g at the first step, dampening 0) and steps theta <- theta - lr b. With a
  constant lr, v = -lr b at every step and the iterates are identical. When lr changes,
  PyTorch multiplies the whole accumulated buffer by the new lr, the course only the new
  gradients: the two differ (tested below, so the difference is documented, not assumed).
* ``Nesterov(lr, mu)`` = ``SGD(momentum=mu, nesterov=True)``: PyTorch steps
  theta <- theta - lr (g + mu b) with the new b, i.e. theta + mu v - lr g with v = -lr b
  (constant lr, as above).
* ``AdaGrad(lr, eps)`` = ``Adagrad(lr, lr_decay=0, initial_accumulator_value=0, eps=eps)``:
  PyTorch's defaults are the course's (its accumulator can start above 0 and its step can decay
  as lr / (1 + (t - 1) lr_decay); both are off here). Its eps is added to sqrt(r), outside the
  root, as in the contract (NPFL114's slides put it inside).
* ``RMSProp(lr, beta, eps)`` = ``RMSprop(lr, alpha=beta, eps=eps, momentum=0,
  centered=False)``; eps outside the root, as in the contract.
* ``Adam(lr, beta1, beta2, eps)`` = ``Adam(lr, betas=(beta1, beta2), eps=eps)``: PyTorch
  computes lr / (1 - beta1^t) * s / (sqrt(r) / sqrt(1 - beta2^t) + eps), the contract's
  formula rearranged; its step counter is per parameter, the contract's per optimizer, which
  is the same when every key is updated at every step.
* ``linear_decay(lr0, lr_tau, tau)`` = ``LinearLR(start_factor=1, end_factor=lr_tau / lr0,
  total_iters=tau)`` (and ``LambdaLR``) after k scheduler steps; ``exponential_decay(lr0,
  gamma)`` = ``ExponentialLR(gamma)``.
* ``ReduceLROnPlateau(opt, factor, patience)`` = PyTorch's with ``mode="min",
  threshold=0, cooldown=0, min_lr=0``. PyTorch skips a reduction smaller than its ``eps``
  (1e-8); the learning rates here stay far above that.
"""

import numpy as np
import pytest

from autograde.course import assignments, reference

torch = pytest.importorskip("torch")
RTOL = 1e-6
STEPS = 25


def rel(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b)), initial=0.0))


@pytest.fixture(scope="module")
def R():
    if "06_optimizers" not in assignments():
        pytest.fail("06_optimizers is not in solutions/ yet")
    return reference("06_optimizers")


def _problem(seed, steps=STEPS):
    """params (three keys, different shapes) and a list of gradient dicts of mixed sizes."""
    rng = np.random.default_rng(seed)
    shapes = {"W1": (4, 3), "b1": (3,), "W2": (3, 2)}
    scales = {"W1": 1.0, "b1": 1e-3, "W2": 10.0}
    params = {k: rng.normal(size=s) for k, s in shapes.items()}
    grads = [{k: scales[k] * rng.normal(size=s) for k, s in shapes.items()} for _ in range(steps)]
    return params, grads


def _agree(ours, make_torch, seed=0, lrs=None):
    """Run both optimizers on the same trajectory; lrs[t] (if given) is set before step t."""
    params, grads = _problem(seed)
    mine = {k: v.copy() for k, v in params.items()}
    tensors = {k: torch.tensor(v, dtype=torch.float64, requires_grad=True)
               for k, v in params.items()}
    theirs = make_torch(list(tensors.values()))
    worst = 0.0
    for t, g in enumerate(grads):
        if lrs is not None:
            ours.lr = lrs[t]
            for group in theirs.param_groups:
                group["lr"] = lrs[t]
        ours.step(mine, {k: v.copy() for k, v in g.items()})
        for k, p in tensors.items():
            p.grad = torch.tensor(g[k], dtype=torch.float64)
        theirs.step()
        worst = max(worst, max(rel(mine[k], tensors[k].detach().numpy()) for k in mine))
    return worst


def _lrs(lr, steps=STEPS):
    """A learning rate that changes every few steps (for optimizers without lr in their state)."""
    return [lr * (0.5 ** (t // 7)) * (3.0 if t % 5 == 4 else 1.0) for t in range(steps)]


def test_sgd_matches_torch(R):
    assert _agree(R["SGD"](0.1), lambda ps: torch.optim.SGD(ps, lr=0.1)) < RTOL
    assert _agree(R["SGD"](0.1), lambda ps: torch.optim.SGD(ps, lr=0.1), lrs=_lrs(0.1)) < RTOL


@pytest.mark.parametrize("mu", [0.5, 0.9])
def test_momentum_matches_torch_at_constant_lr(R, mu):
    assert _agree(R["Momentum"](0.05, mu=mu),
                  lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=mu)) < RTOL


def test_momentum_differs_from_torch_once_lr_changes(R):
    """Documented difference: PyTorch rescales its whole buffer by the new lr."""
    lrs = [0.05] * 10 + [0.005] * (STEPS - 10)
    assert _agree(R["Momentum"](0.05), lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9),
                  lrs=lrs) > 1e-3


@pytest.mark.parametrize("mu", [0.5, 0.9])
def test_nesterov_matches_torch_at_constant_lr(R, mu):
    assert _agree(R["Nesterov"](0.05, mu=mu),
                  lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=mu, nesterov=True)) < RTOL


@pytest.mark.parametrize("eps", [1e-8, 1e-3])
def test_adagrad_matches_torch(R, eps):
    make = lambda ps: torch.optim.Adagrad(ps, lr=0.1, lr_decay=0, eps=eps,  # noqa: E731
                                          initial_accumulator_value=0)
    assert _agree(R["AdaGrad"](0.1, eps=eps), make) < RTOL
    assert _agree(R["AdaGrad"](0.1, eps=eps), make, lrs=_lrs(0.1)) < RTOL


@pytest.mark.parametrize("beta, eps", [(0.9, 1e-8), (0.99, 1e-4)])
def test_rmsprop_matches_torch(R, beta, eps):
    make = lambda ps: torch.optim.RMSprop(ps, lr=0.01, alpha=beta, eps=eps)  # noqa: E731
    assert _agree(R["RMSProp"](0.01, beta=beta, eps=eps), make) < RTOL
    assert _agree(R["RMSProp"](0.01, beta=beta, eps=eps), make, lrs=_lrs(0.01)) < RTOL


@pytest.mark.parametrize("betas, eps", [((0.9, 0.999), 1e-8), ((0.8, 0.95), 1e-3)])
def test_adam_matches_torch(R, betas, eps):
    make = lambda ps: torch.optim.Adam(ps, lr=0.01, betas=betas, eps=eps)  # noqa: E731
    ours = lambda: R["Adam"](0.01, beta1=betas[0], beta2=betas[1], eps=eps)  # noqa: E731
    assert _agree(ours(), make) < RTOL
    assert _agree(ours(), make, lrs=_lrs(0.01)) < RTOL


def test_adam_defaults_match_torch(R):
    assert _agree(R["Adam"](), lambda ps: torch.optim.Adam(ps)) < RTOL


def _torch_lrs(make_scheduler, lr0, n):
    """lr of a one-parameter SGD after 0, 1, ..., n - 1 scheduler steps."""
    p = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([p], lr=lr0)
    sched = make_scheduler(opt)
    out = []
    for _ in range(n):
        out.append(opt.param_groups[0]["lr"])
        opt.step()  # (no gradient: nothing moves) keeps the scheduler's call-order check quiet
        sched.step()
    return out


@pytest.mark.parametrize("lr0, lr_tau, tau", [(0.1, 0.001, 10), (0.5, 0.05, 1), (0.02, 0.2, 7)])
def test_linear_decay_matches_linear_lr_and_lambda_lr(R, lr0, lr_tau, tau):
    n = tau + 6
    ours = [R["linear_decay"](lr0, lr_tau, tau)(k) for k in range(n)]
    lam = _torch_lrs(lambda o: torch.optim.lr_scheduler.LambdaLR(
        o, lambda k: (1 - min(k, tau) / tau) + min(k, tau) / tau * lr_tau / lr0), lr0, n)
    assert rel(ours, lam) < RTOL
    if lr_tau <= lr0:  # LinearLR only decays (end_factor <= 1); a warm-up needs LambdaLR
        linear = _torch_lrs(lambda o: torch.optim.lr_scheduler.LinearLR(
            o, start_factor=1.0, end_factor=lr_tau / lr0, total_iters=tau), lr0, n)
        assert rel(ours, linear) < RTOL


@pytest.mark.parametrize("lr0, gamma", [(0.1, 0.9), (1.0, 0.5)])
def test_exponential_decay_matches_exponential_lr(R, lr0, gamma):
    n = 30
    ours = [R["exponential_decay"](lr0, gamma)(k) for k in range(n)]
    theirs = _torch_lrs(lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma), lr0, n)
    assert rel(ours, theirs) < RTOL


def _plateau_losses(seed, n=80):
    """Validation losses with improvements, ties with the best and long plateaus."""
    rng = np.random.default_rng(seed)
    best, out = 1.0, []
    for _ in range(n):
        u = rng.random()
        if u < 0.25:
            best = best - float(rng.uniform(1e-6, 0.05))
            out.append(best)
        elif u < 0.45:
            out.append(best)
        else:
            out.append(best + float(rng.uniform(0, 0.2)))
    return out


@pytest.mark.parametrize("factor, patience, n, seed", [(0.5, 2, 80, 0), (0.8, 0, 40, 1),
                                                        (0.7, 4, 80, 2), (0.5, 10, 300, 3)])
def test_reduce_lr_on_plateau_matches_torch(R, factor, patience, n, seed):
    losses = _plateau_losses(seed, n)
    ours_opt = R["SGD"](1.0)
    ours = R["ReduceLROnPlateau"](ours_opt, factor=factor, patience=patience)
    p = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([p], lr=1.0)
    theirs = torch.optim.lr_scheduler.ReduceLROnPlateau(
        opt, mode="min", factor=factor, patience=patience, threshold=0.0, cooldown=0, min_lr=0)
    ours_lrs, torch_lrs = [], []
    for v in losses:
        ours.step(v)
        opt.step()
        theirs.step(v)
        ours_lrs.append(ours_opt.lr)
        torch_lrs.append(opt.param_groups[0]["lr"])
    assert min(torch_lrs) > 1e-6  # far from PyTorch's eps, which would skip reductions
    assert len(set(torch_lrs)) > 2  # several reductions happened
    assert rel(ours_lrs, torch_lrs) < RTOL
