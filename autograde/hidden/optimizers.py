"""Hidden checks of 06_optimizers.

An optimizer is checked along a whole trajectory: params with several keys of different
shapes (two of them with the same shape, keys in a shuffled order, gradients in another
order), fresh random gradients at every step, gradients of very different sizes per key
(one key's gradients are about 1e-8, as small as ε, so that where ε goes matters), the
learning rate changed through ``opt.lr`` between steps, and, half-way, params handed over as
a new dict of new arrays with the same keys and values (state is kept per key, not per array
object). After every step each array must have the reference's values and still be the
same object (updated in place), and the gradients must be unchanged. The reference
optimizer (from the solutions notebook) runs the same trajectory on copies.

Under ``grade`` the student's objects live in the sandbox: calling a class returns a handle
whose attributes (``opt.lr``, ``opt.step``) are read and set through the sandbox, and the
in-place changes of ``step`` to the params dict are written back to the arrays here.
Only numpy/mlkit functions can be passed to student code, so ``run_optimizer`` gets
gradients from ``mlkit.testfns``; ``ReduceLROnPlateau`` and ``run_optimizer`` are given the
student's own ``SGD`` / ``Momentum`` objects, after a short check that those work.
"""

import numpy as np

from autograde.hidden import hidden_check
from autograde.hidden._cases import call_unchanged
from mlkit import testfns
from mlkit.checks import (CheckFailed, call, expect_close, expect_shape, expect_true,
                          expect_unchanged)

A = "06_optimizers"
STEPS = 12
RTOL, ATOL = 1e-7, 1e-10

FORMULAS = {
    "SGD": "θ ← θ − lr·g for every key, each parameter with the gradient of the same key.",
    "Momentum": "v ← μ·v − lr·g, then θ ← θ + v, with one velocity v per key (zeros at "
                "the first step).",
    "Nesterov": "v ← μ·v − lr·g, then θ ← θ + μ·v − lr·g, where v is the NEW velocity "
                "(one v per key, zeros at the first step).",
    "AdaGrad": "r ← r + g², then θ ← θ − lr·g / (√r + ε), with one r per key (zeros at the "
               "first step) and ε outside the square root.",
    "RMSProp": "r ← β·r + (1 − β)·g², then θ ← θ − lr·g / (√r + ε), with one r per key "
               "(zeros at the first step) and ε outside the square root.",
    "Adam": "t ← t + 1 once per call of step; per key s ← β1·s + (1 − β1)·g, r ← β2·r + "
            "(1 − β2)·g², ŝ = s / (1 − β1^t), r̂ = r / (1 − β2^t), θ ← θ − lr·ŝ / (√r̂ + ε).",
}
FIRST_STEP = {
    "Adam": "At t = 1 the bias-corrected ŝ = g and r̂ = g², so the first step is about lr "
            "in every coordinate: check the bias correction (t must be 1 at the first call, "
            "counted once per call of step, not once per key) and that ε is added to √r̂.",
    "Momentum": "At the first step v = −lr·g (the velocity starts at zero).",
    "Nesterov": "At the first step v = −lr·g and θ moves by μ·v − lr·g = −(1 + μ)·lr·g.",
}
LATER = {
    "Momentum": "The velocity must carry over between calls, one per key: keep it in a dict "
                "attribute keyed by the params key (two keys with the same shape must not "
                "share one).",
    "Nesterov": "The velocity must carry over between calls, one per key, and the update "
                "uses the new velocity: θ ← θ + μ·v_new − lr·g.",
    "AdaGrad": "r is the running SUM of squared gradients, one per key, kept between calls.",
    "RMSProp": "r is an exponential average of squared gradients, one per key, kept between "
               "calls: r ← β·r + (1 − β)·g².",
    "Adam": "Keep s, r per key and one counter t for the optimizer (incremented once per "
            "call of step); the bias corrections use the current t: 1 − β1^t and "
            "1 − β2^t.",
    "SGD": "SGD keeps no state: each step only uses the current gradient and self.lr.",
}


# --- a trajectory ------------------------------------------------------------------------------

def _problem(rng):
    """(params, scales, tiny_key): keys of several shapes in a shuffled order."""
    a, b, c = (int(k) for k in rng.integers(2, 6, size=3))
    shapes = {"W1": (a, b), "b1": (b,), "W2": (b, c), "W3": (b, c), "b3": (c,), "g": (1,)}
    keys = list(shapes)
    tiny = str(rng.choice(["b1", "W2", "b3"]))
    others = [10.0, 1.0, 1.0, 0.1, 1e-3]
    rng.shuffle(others)
    scales, i = {}, 0
    for k in keys:
        if k == tiny:
            scales[k] = float(10.0 ** rng.uniform(-8.3, -7.7))
        else:
            scales[k], i = others[i], i + 1
    order = [str(k) for k in rng.permutation(keys)]
    params = {k: rng.normal(size=shapes[k]) for k in order}
    return params, scales, tiny


def _grads(rng, params, scales):
    order = [str(k) for k in rng.permutation(list(params))]
    return {k: scales[k] * rng.normal(size=params[k].shape) for k in order}


def _copy(d):
    return {k: v.copy() for k, v in d.items()}


def _shapes(params):
    return ", ".join(f"{k} {tuple(v.shape)}" for k, v in params.items())


def _make(student, name, args, kwargs, what):
    """The student's optimizer object, after checking it has the learning rate as .lr."""
    __tracebackhide__ = True
    opt = call(getattr(student, name), *args, **kwargs)
    try:
        lr = opt.lr
    except AttributeError:
        raise CheckFailed(f"{what} has no attribute lr.\n  hint: Store the learning rate "
                          "as a public attribute, self.lr = lr: schedules change it "
                          "between steps.") from None
    expected = kwargs.get("lr", args[0] if args else 1e-3)  # only Adam has a default lr
    expect_close(f"{what}.lr (the learning rate attribute)", lr, expected,
                 hint="self.lr must be the learning rate passed to the constructor.")
    return opt


def _named(fn, name):
    """fn under another name, for messages ("Adam.step(dict, dict) raised ...")."""
    def method(*args, **kwargs):
        __tracebackhide__ = True
        return fn(*args, **kwargs)
    method.__name__ = name
    return method


def _step(opt, params, grads, what, name):
    """One call of opt.step(params, grads), checking the in-place contract."""
    __tracebackhide__ = True
    objects = dict(params)
    before = _copy(grads)
    call(_named(opt.step, f"{name}.step"), params, grads)
    for k, g in before.items():
        expect_unchanged(f'grads["{k}"] (passed to {what})', g, grads[k])
    expect_true(set(params) == set(objects),
                f"{what} changed the keys of params: now {sorted(params)}, "
                f"expected {sorted(objects)}.",
                hint="Keep the optimizer's state in its own attributes, never in params.")
    for k, arr in objects.items():
        expect_true(params[k] is arr,
                    f'{what} replaced params["{k}"] by a new array instead of updating it '
                    "in place.",
                    hint="Change the values inside the existing array (an in-place "
                         "operation): a new array bound to params[key] is never seen by the "
                         "training loop, or anyone else holding the old one.")


def _hint(name, t, key, tiny, changed_lr, swapped):
    if key == tiny and name != "SGD":
        return (f'params["{key}"] has tiny gradients (about 1e-8, the size of ε): the '
                "update is lr·g / (√r + ε) with ε added to the square root, not inside it "
                "(√(r + ε) is much larger than √r + ε when r ≈ 1e-16)"
                + (", and to √r̂, the bias-corrected one." if name == "Adam" else "."))
    if t == changed_lr:
        return ("opt.lr was changed just before this step: use the current self.lr at every "
                "step (don't keep a copy of it in another attribute, and don't precompute "
                "anything from it in __init__).")
    if t == swapped:
        return ("Before this step params was passed as a new dict holding new arrays (same "
                "keys, same values, as when a training loop restores a copy): keep the "
                "state by the params key, not by array object or id(array).")
    if t == 1:
        return FIRST_STEP.get(name, FORMULAS[name])
    return LATER.get(name, FORMULAS[name])


def check_trajectory(student, ref, rng, name, args, kwargs, *, eps_scale=None):
    """Run the student's and the reference optimizer side by side for STEPS steps."""
    __tracebackhide__ = True
    shown = ", ".join([f"{a:.3g}" for a in args] + [f"{k}={v:.3g}" for k, v in kwargs.items()])
    what = f"{name}({shown}).step"
    params, scales, tiny = _problem(rng)
    if eps_scale is not None:  # gradients near a non-default ε
        scales = {k: (eps_scale if k == tiny else s) for k, s in scales.items()}
    ref_params = _copy(params)
    opt = _make(student, name, args, kwargs, f"{name}({shown})")
    ref_opt = ref[name](*args, **kwargs)
    lr = float(kwargs.get("lr", args[0] if args else 1e-3))
    lr_steps = sorted(int(s) for s in rng.choice(np.arange(3, STEPS + 1), 2, replace=False))
    swap = int(rng.integers(4, STEPS))
    desc = (f"params with keys {_shapes(params)} (gradients of params[\"{tiny}\"] are about "
            f"{scales[tiny]:.0e})")
    for t in range(1, STEPS + 1):
        changed = None
        if t in lr_steps:
            lr = lr * float(rng.choice([0.1, 0.3, 0.5, 2.0]))
            opt.lr = lr
            ref_opt.lr = lr
            changed = t
        if t == swap:
            order = [str(k) for k in rng.permutation(list(params))]
            params = {k: params[k].copy() for k in order}
        grads = _grads(rng, params, scales)
        ref_opt.step(ref_params, _copy(grads))
        _step(opt, params, grads, f"{what} (step {t})", name)
        for key in sorted(params, key=lambda k: k == tiny):
            expect_close(f'params["{key}"] after step {t} of {what} on {desc}'
                         + (f"; opt.lr was set to {lr:.3g} before this step" if changed else ""),
                         params[key], ref_params[key], rtol=RTOL, atol=ATOL,
                         hint=_hint(name, t, key, tiny, changed, swap))


def _rand(rng, low, high):
    return float(rng.uniform(low, high))


@hidden_check(A, "SGD")
def sgd(student, ref, rng):
    check_trajectory(student, ref, rng, "SGD", (_rand(rng, 0.01, 0.5),), {})
    check_trajectory(student, ref, rng, "SGD", (), {"lr": _rand(rng, 0.01, 0.5)})


@hidden_check(A, "Momentum")
def momentum(student, ref, rng):
    check_trajectory(student, ref, rng, "Momentum", (_rand(rng, 0.01, 0.3),),
                     {"mu": _rand(rng, 0.3, 0.95)})
    check_trajectory(student, ref, rng, "Momentum", (_rand(rng, 0.01, 0.3),), {})


@hidden_check(A, "Nesterov")
def nesterov(student, ref, rng):
    check_trajectory(student, ref, rng, "Nesterov", (_rand(rng, 0.01, 0.3),),
                     {"mu": _rand(rng, 0.3, 0.95)})
    check_trajectory(student, ref, rng, "Nesterov", (_rand(rng, 0.01, 0.3),), {})


@hidden_check(A, "AdaGrad")
def adagrad(student, ref, rng):
    check_trajectory(student, ref, rng, "AdaGrad", (_rand(rng, 0.01, 0.5),), {})
    eps = float(10.0 ** rng.uniform(-4, -2))
    check_trajectory(student, ref, rng, "AdaGrad", (_rand(rng, 0.01, 0.5),), {"eps": eps},
                     eps_scale=eps)


@hidden_check(A, "RMSProp")
def rmsprop(student, ref, rng):
    check_trajectory(student, ref, rng, "RMSProp", (_rand(rng, 1e-3, 0.1),),
                     {"beta": _rand(rng, 0.5, 0.99)})
    check_trajectory(student, ref, rng, "RMSProp", (_rand(rng, 1e-3, 0.1),), {})
    eps = float(10.0 ** rng.uniform(-4, -2))
    check_trajectory(student, ref, rng, "RMSProp", (_rand(rng, 1e-3, 0.1),),
                     {"beta": _rand(rng, 0.5, 0.99), "eps": eps}, eps_scale=eps)


@hidden_check(A, "Adam")
def adam(student, ref, rng):
    check_trajectory(student, ref, rng, "Adam", (_rand(rng, 1e-3, 0.1),),
                     {"beta1": _rand(rng, 0.5, 0.95), "beta2": _rand(rng, 0.9, 0.999)})
    check_trajectory(student, ref, rng, "Adam", (), {})
    eps = float(10.0 ** rng.uniform(-4, -2))
    check_trajectory(student, ref, rng, "Adam", (), {"lr": _rand(rng, 1e-3, 0.1), "eps": eps},
                     eps_scale=eps)


# --- schedules ---------------------------------------------------------------------------------

def _schedule_values(student, name, args, ks, expected, hint):
    __tracebackhide__ = True
    shown = ", ".join(f"{a:.4g}" if isinstance(a, float) else str(a) for a in args)
    fn = call(getattr(student, name), *args)
    expect_true(callable(fn), f"{name}({shown}) should return a function k -> lr_k, "
                f"got {type(fn).__name__}.",
                hint="Return a function of k (a closure), not a number.")
    for k in ks:
        got = call(fn, k)
        expect_shape(f"{name}({shown})({k})", got, (),
                     hint="A schedule returns one learning rate for one step number k.")
        expect_close(f"{name}({shown})({k}) (the schedules are called with k in a random "
                     "order, some k twice)", got, expected(k), rtol=1e-9, atol=1e-15,
                     hint=hint(k))


@hidden_check(A, "linear_decay")
def linear_decay(student, ref, rng):
    cases = [(_rand(rng, 0.05, 1.0), None, int(rng.integers(5, 40))),
             (_rand(rng, 0.05, 1.0), None, 1),
             (_rand(rng, 0.001, 0.05), _rand(rng, 0.1, 0.5), int(rng.integers(3, 10)))]
    for lr0, lr_tau, tau in cases:
        lr_tau = lr0 * _rand(rng, 0.001, 0.2) if lr_tau is None else lr_tau
        ref_fn = ref["linear_decay"](lr0, lr_tau, tau)
        ks = [int(k) for k in rng.permutation(np.arange(tau + 6))]
        ks += [ks[0], tau, tau + 1]
        ks = [np.int64(k) if i % 3 == 1 else k for i, k in enumerate(ks)]

        def hint(k, tau=tau):
            if k > tau:
                return (f"After step τ = {tau} the learning rate stays at lr_tau: "
                        "(1 − k/τ)·lr0 + (k/τ)·lr_tau for k ≤ τ, lr_tau for k > τ.")
            return ("η_k = (1 − k/τ)·lr0 + (k/τ)·lr_tau: η_0 = lr0, η_τ = lr_tau (divide by "
                    "τ, not τ − 1; k starts at 0; the function must not keep any state "
                    "between calls).")
        _schedule_values(student, "linear_decay", (lr0, lr_tau, tau), ks, ref_fn, hint)


@hidden_check(A, "exponential_decay")
def exponential_decay(student, ref, rng):
    for lr0, gamma, n in [(_rand(rng, 0.01, 1.0), _rand(rng, 0.5, 0.99), 25),
                          (_rand(rng, 0.01, 1.0), _rand(rng, 0.9, 0.999), 12)]:
        ref_fn = ref["exponential_decay"](lr0, gamma)
        ks = [int(k) for k in rng.permutation(np.arange(n))]
        ks += [ks[0], 0, n + int(rng.integers(20, 200))]
        _schedule_values(student, "exponential_decay", (lr0, gamma), ks, ref_fn,
                         lambda k: "η_k = lr0·γ^k: η_0 = lr0 (k starts at 0), computed "
                                   "from k alone (no state kept between calls).")


# --- ReduceLROnPlateau -------------------------------------------------------------------------

def _plateau_losses(rng, patience, n_min):
    """Validation losses with runs of exactly patience and patience + 1 epochs without
    improvement, a run long enough for two reductions in a row, ties with the best so
    far, and tiny improvements."""
    runs = [patience, patience + 1, 2 * (patience + 1), patience + 1 + int(rng.integers(0, 3))]
    rng.shuffle(runs)
    best = _rand(rng, 0.5, 3.0)
    losses = [best]
    for run in runs:
        for _ in range(run):
            kind = rng.random()
            if kind < 0.3:
                losses.append(best)  # a tie is not an improvement
            else:
                losses.append(best + float(10.0 ** rng.uniform(-6, 0)))
        tiny = rng.random() < 0.5
        best = best - (float(10.0 ** rng.uniform(-9, -7)) if tiny else _rand(rng, 0.01, 0.2))
        losses.append(best)
    while len(losses) < n_min:
        losses.append(best + _rand(rng, 0.0, 0.5))
    return [np.float64(v) if i % 2 else float(v) for i, v in enumerate(losses)]


def _reference_trace(losses, lr0, factor, patience):
    """(lr after each epoch, bad-epoch count after each epoch before any reduction, tie)."""
    best, bad, lr, out = np.inf, 0, lr0, []
    for v in losses:
        tie = v == best
        if v < best:
            best, bad = v, 0
        else:
            bad += 1
        count = bad
        if bad > patience:
            lr, bad = lr * factor, 0
        out.append((lr, count, tie))
    return out


def _optimizer_for_plateau(student, lr):
    __tracebackhide__ = True
    try:
        opt = call(student.SGD, lr)
        got = opt.lr
    except (CheckFailed, AttributeError) as exc:
        raise CheckFailed("ReduceLROnPlateau is checked with your SGD as its optimizer, and "
                          f"SGD({lr:.3g}) does not work yet ({str(exc).splitlines()[0]}).\n"
                          "  hint: fix SGD first (it needs self.lr = lr).") from None
    if not np.isclose(float(got), lr):
        raise CheckFailed(f"ReduceLROnPlateau is checked with your SGD as its optimizer, but "
                          f"SGD({lr:.3g}).lr is {got!r}.\n  hint: fix SGD first "
                          "(self.lr = lr).")
    return opt


def _plateau_case(student, rng, factor, patience, n_min):
    __tracebackhide__ = True
    lr0 = _rand(rng, 0.05, 1.0)
    opt = _optimizer_for_plateau(student, lr0)
    kwargs = {}
    if factor is not None:
        kwargs["factor"] = factor
    if patience is not None:
        kwargs["patience"] = patience
    f, p = (0.1 if factor is None else factor), (10 if patience is None else patience)
    shown = ", ".join(["SGD(%.3g)" % lr0] + [f"{k}={v:.3g}" for k, v in kwargs.items()])
    sched = call(student.ReduceLROnPlateau, opt, **kwargs)
    losses = _plateau_losses(rng, p, n_min)
    trace = _reference_trace(losses, lr0, f, p)
    step = _named(sched.step, "ReduceLROnPlateau.step")
    for epoch, (v, (lr, count, tie)) in enumerate(zip(losses, trace), start=1):
        call(step, v)
        got = opt.lr
        if tie:
            note = "this epoch's loss equals the best so far (not an improvement)"
        elif count == 0:
            note = "this epoch's loss is strictly below the best so far"
        else:
            note = f"{count} epoch(s) in a row without improvement"
        wanted_before = trace[epoch - 2][0] if epoch > 1 else lr0
        if np.isclose(lr, wanted_before):
            why = (f"lr must not change here: it is reduced only after MORE than patience = "
                   f"{p} consecutive epochs without a strict improvement (val_loss < best), "
                   "and the count restarts at 0 after each reduction and each improvement.")
        else:
            why = (f"lr must be multiplied by factor = {f:.3g} here: {count} > patience = {p} "
                   "epochs without a strict improvement; change the lr of the optimizer "
                   "object itself (the one passed to the constructor).")
        expect_close(f"optimizer.lr after epoch {epoch} of ReduceLROnPlateau({shown}) "
                     f"({note})", got, lr, rtol=1e-9, atol=0.0,
                     hint=why + (" The best so far is not reset after a reduction."
                                 if count > p else ""))


@hidden_check(A, "ReduceLROnPlateau")
def reduce_lr_on_plateau(student, ref, rng):
    _plateau_case(student, rng, _rand(rng, 0.2, 0.7), int(rng.integers(1, 4)), 20)
    _plateau_case(student, rng, _rand(rng, 0.2, 0.7), 0, 10)
    _plateau_case(student, rng, None, None, 60)


# --- run_optimizer -----------------------------------------------------------------------------

def _probe(student, ref, name, args):
    """Check that the student's optimizer gives the reference's first three steps."""
    __tracebackhide__ = True
    shown = ", ".join(f"{a:g}" for a in args)
    try:
        opt = call(getattr(student, name), *args)
        x = {"x": np.array([1.0, -2.0])}
        r = {"x": x["x"].copy()}
        ref_opt = ref[name](*args)
        for g in ([0.5, 1.0], [-0.25, 2.0], [1.0, -1.0]):
            call(_named(opt.step, f"{name}.step"), x, {"x": np.array(g)})
            ref_opt.step(r, {"x": np.array(g)})
        ok = np.allclose(x["x"], r["x"], rtol=1e-9, atol=1e-12)
    except (CheckFailed, AttributeError, TypeError):
        ok = False
    if not ok:
        raise CheckFailed(f"run_optimizer is checked with your {name}({shown}), which does "
                          "not give the right updates yet.\n  hint: fix "
                          f"{name} first (see its checks).")


def _run_hint(got, expected, x0):
    got = np.asarray(got, dtype=float)
    if got.shape == expected.shape:
        if not np.allclose(got[0], x0):
            return "The first row of the path is x0 itself, before any step."
        if len(got) > 2 and np.allclose(got[1:], got[-1]) and not np.allclose(expected[1:],
                                                                              expected[-1]):
            return ("Every row after the first is the same point: record a snapshot (a copy) "
                    "of the point after each step, not the array that keeps changing.")
        if len(got) > 2 and np.allclose(got[1:-1], expected[2:]):
            return "Each row is one step ahead: row i is the point after i steps."
    return ("Row 0 is x0; then, for each of the num_steps steps, the optimizer's step with "
            "the gradient grad_fn at the current point, and a snapshot of the new point.")


@hidden_check(A, "run_optimizer")
def run_optimizer(student, ref, rng):
    lr, mu = _rand(rng, 0.01, 0.1), _rand(rng, 0.5, 0.9)
    _probe(student, ref, "SGD", (lr,))
    _probe(student, ref, "Momentum", (lr, mu))
    cases = [("SGD", (lr,), testfns.quadratic_grad, 3, int(rng.integers(5, 10))),
             ("Momentum", (lr, mu), testfns.ill_conditioned_grad, 2, int(rng.integers(12, 20))),
             ("Momentum", (_rand(rng, 1e-4, 3e-4), mu), testfns.rosenbrock_grad, 2,
              int(rng.integers(8, 15))),
             ("SGD", (lr,), testfns.sum_of_sines_grad, 1, int(rng.integers(3, 8))),
             ("SGD", (lr,), testfns.quadratic_grad, int(rng.integers(2, 5)), 0),
             ("Momentum", (lr, mu), testfns.quadratic_grad, 5, 1)]
    for name, args, grad_fn, D, n in cases:
        x0 = rng.normal(size=D)
        if grad_fn is testfns.rosenbrock_grad:
            x0 = np.array([-1.0, 1.0]) + 0.3 * rng.normal(size=2)
        expected = ref["run_optimizer"](ref[name](*args), grad_fn, x0.copy(), n)
        opt = call(getattr(student, name), *args)
        shown = ", ".join(f"{a:.3g}" for a in args)
        what = (f"the path from run_optimizer({name}({shown}), testfns.{grad_fn.__name__}, "
                f"x0 of shape ({D},), num_steps={n})")
        path = call_unchanged(student.run_optimizer, ("optimizer", "grad_fn", "x0",
                                                      "num_steps"), opt, grad_fn, x0, n)
        expect_shape(what, path, (n + 1, D),
                     hint="The path has num_steps + 1 rows (x0, then the point after each "
                          "step) and one column per entry of x0, as one array.")
        expect_close(what, path, expected, rtol=1e-9, atol=1e-12,
                     hint=_run_hint(path, expected, x0))
