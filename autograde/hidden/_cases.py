"""Building blocks for hidden checks: input generators and the element-wise check."""

import numpy as np

from mlkit.checks import (call, expect_close, expect_dtype, expect_finite, expect_shape,
                          expect_true, expect_unchanged)


def _snapshot(value):
    """A copy of an array or a dict of arrays, to compare with after a call (else None)."""
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, dict):
        return {k: (v.copy() if isinstance(v, np.ndarray) else None) for k, v in value.items()}
    return None


def _check_same(name, fname, before, after):
    """Fail if an array or a dict of arrays (params) differs from its snapshot."""
    __tracebackhide__ = True
    if isinstance(before, dict):
        expect_true(isinstance(after, dict) and set(after) == set(before),
                    f"{fname} changed the keys of its input {name}.",
                    hint="Build a new dict for your results; don't add to or remove from "
                         "the one passed in.")
        for key, old in before.items():
            if old is not None:
                expect_unchanged(f'{name}["{key}"] (passed to {fname})', old, after[key])
    elif before is not None:
        expect_unchanged(f"{name} (passed to {fname})", before, after)


def call_unchanged(fn, names, *args, **kwargs):
    """mlkit.checks.call(fn, *args, **kwargs), then check that no array (or dict of arrays)
    argument was modified; ``names`` name the positional arguments in messages."""
    __tracebackhide__ = True
    fname = getattr(fn, "__name__", "your function")
    before = [_snapshot(a) for a in args]
    kw_before = {k: _snapshot(v) for k, v in kwargs.items()}
    got = call(fn, *args, **kwargs)
    for name, old, new in zip(names, before, args):
        _check_same(name, fname, old, new)
    for key, old in kw_before.items():
        _check_same(key, fname, old, kwargs[key])
    return got


def pair(result, what, names, hint=None):
    """The two items of a result that must be a pair, e.g. (loss, grads), after checking."""
    __tracebackhide__ = True
    if not (isinstance(result, (tuple, list)) and len(result) == 2):
        got = type(result).__name__
        if isinstance(result, (tuple, list)):
            got += f" of {len(result)} items"
        expect_true(False, f"{what} should return a pair ({names[0]}, {names[1]}), got {got}.",
                    hint=hint or f"End the function with `return {names[0]}, {names[1]}`.")
    return result[0], result[1]


def random_shapes(rng):
    """A vector, a matrix and a 3-D array of random sizes, plus the edge cases 0-d and (1,)."""
    n, a, b = rng.integers(2, 9, size=3)
    return [(), (1,), (int(n),), (int(a), int(b)), (2, int(a), 3)]


def extreme_values(rng, size=24):
    """Values spanning |z| from 1e-3 to 1e4 with both signs, including the limits and 0."""
    fixed = np.array([-1e4, -1e3, -710.0, -40.0, 0.0, 40.0, 710.0, 1e3, 1e4])
    random = rng.choice([-1.0, 1.0], size) * 10.0 ** rng.uniform(-3, 4, size)
    z = np.concatenate([fixed, random])
    return rng.permutation(z)


def check_elementwise(fn, ref, rng, name, *, rtol=1e-7, atol=1e-12, extreme_hint=None,
                      hint=None):
    """An activation (or its derivative): values, shapes, dtype, inputs left alone, stability."""
    __tracebackhide__ = True

    def run(z):
        expected = ref(np.array(z, dtype=float) if isinstance(z, np.ndarray) else z)
        before = z.copy() if isinstance(z, np.ndarray) else None
        got = call(fn, z)
        if before is not None:
            expect_unchanged("z", before, z)
        return got, expected

    for shape in random_shapes(rng):
        z = rng.normal(0.0, 4.0, size=shape)
        got, expected = run(z)
        what = f"{name}(z) for z of shape {shape}"
        expect_shape(what, got, shape, hint="An element-wise function returns an array "
                     "of the same shape as its input.")
        expect_dtype(what, got, "f")
        expect_close(what, got, expected, rtol=rtol, atol=atol, hint=hint)
    x = float(rng.normal(0.0, 3.0))
    got, expected = run(x)
    expect_close(f"{name}(x) for a Python float x", got, expected, rtol=rtol, atol=atol,
                 hint="Use numpy functions (np.exp, …) so that scalars work as well as arrays.")
    ints = rng.integers(-5, 6, size=7)
    got, expected = run(ints)
    expect_close(f"{name}(z) for an integer array z", got, expected, rtol=rtol, atol=atol,
                 hint=hint)
    z = extreme_values(rng)
    got, expected = run(z)
    what = f"{name}(z) for z with |z| up to 1e4"
    expect_finite(what, got, hint=extreme_hint)
    expect_close(what, got, expected, rtol=rtol, atol=atol, hint=extreme_hint)
