"""Hidden checks of 05_training.

Random initialisation is checked by its statistics (per-layer mean and spread against the
method's standard deviation, Gaussian tails, every entry drawn afresh), never by the exact
numbers, so any order of drawing from ``rng`` gets full marks. The minibatch iterator and the
training loop are checked with data whose first column is each sample's id, which shows
the order, the coverage and the pairing of X and y in every batch without relying on one
particular way of shuffling.

The training loop is called with a loss, a score function and an update that the check
provides (``_HELPERS``): a linear softmax model that records every call (which samples it
saw, what it returned, how many updates came before) and, for early stopping, returns a
validation loss from a schedule drawn per student. Under ``grade`` the student's code runs
in a sandboxed process to which only data, numpy/mlkit functions and the student's own
functions can be passed, so these helpers are defined there (see ``_helpers``).
"""

import numpy as np

from autograde.hidden import define_beside, hidden_check
from autograde.hidden._cases import call_unchanged
from mlkit.diagnose import specific
from mlkit.checks import (call, expect_close, expect_dtype, expect_equal,
                          expect_shape, expect_true, expect_unchanged)

A = "05_training"


# --- helpers that run where the student's code runs ---------------------------------------

_HELPERS = r'''
def __t05_make__():
    import numpy as np
    state = {}

    def configure(lr, batches_per_epoch, schedule):
        state.clear()
        state.update(log=[], count=0, nb=int(batches_per_epoch), lr=float(lr),
                     schedule=None if schedule is None else [float(v) for v in schedule],
                     snapshots=[])

    def _ids(X):
        ids = np.asarray(X, dtype=float)[:, 0]
        kind = "val" if (ids < 0).all() else "train" if (ids >= 0).all() else "mixed"
        return ids, kind

    def loss_fn(params, X, y):
        X = np.asarray(X, dtype=float)
        y = np.asarray(y).astype(int)
        ids, kind = _ids(X)
        F = X[:, 1:]
        Z = F @ params["W1"] + params["b1"]
        Z = Z - Z.max(axis=1, keepdims=True)
        logp = Z - np.log(np.exp(Z).sum(axis=1, keepdims=True))
        n = len(X)
        loss = float(-logp[np.arange(n), y].mean())
        P = np.exp(logp)
        P[np.arange(n), y] -= 1.0
        P /= n
        grads = {"W1": F.T @ P, "b1": P.sum(axis=0)}
        schedule = state["schedule"]
        if kind == "val" and schedule is not None:
            epoch = state["count"] // state["nb"] - 1
            loss = schedule[epoch] if 0 <= epoch < len(schedule) else 100.0 + epoch
            grads = {k: np.zeros_like(v) for k, v in grads.items()}
        state["log"].append(("loss", kind, ids.tolist(), loss, state["count"]))
        return loss, grads

    def score_fn(params, X):
        X = np.asarray(X, dtype=float)
        ids, kind = _ids(X)
        scores = X[:, 1:] @ params["W1"] + params["b1"]
        state["log"].append(("scores", kind, ids.tolist(), scores.argmax(axis=1).tolist(),
                             state["count"]))
        return scores

    def update(params, grads):
        for key in ("W1", "b1"):
            params[key] -= state["lr"] * grads[key]
        state["count"] += 1
        state["log"].append(("update", "", [], 0.0, state["count"]))
        if state["count"] % state["nb"] == 0:
            state["snapshots"].append({k: np.array(v, dtype=float) for k, v in params.items()})

    def get_log():
        return {"log": state["log"], "snapshots": state["snapshots"]}

    def collect(iterate, X, y, batch_size, rng, epochs):
        out = []
        for _ in range(epochs):
            got = iterate(X, y, batch_size, rng)
            try:
                batches = list(got)
            except TypeError:
                raise TypeError(f"it returned {type(got).__name__}, not an iterable of "
                                "(Xb, yb) pairs: use `yield Xb, yb`") from None
            epoch = []
            for item in batches:
                if not (isinstance(item, (tuple, list)) and len(item) == 2):
                    raise TypeError(f"it yielded {type(item).__name__}, not a pair "
                                    "(Xb, yb): use `yield Xb, yb`")
                epoch.append((np.asarray(item[0]), np.asarray(item[1])))
            out.append(epoch)
        return out

    return {"configure": configure, "loss_fn": loss_fn, "score_fn": score_fn,
            "update": update, "get_log": get_log, "collect": collect}


__t05__ = __t05_make__()
__t05_configure__ = __t05__["configure"]
__t05_loss_fn__ = __t05__["loss_fn"]
__t05_score_fn__ = __t05__["score_fn"]
__t05_update__ = __t05__["update"]
__t05_get_log__ = __t05__["get_log"]
__t05_collect__ = __t05__["collect"]
del __t05__
'''
_NAMES = ("configure", "loss_fn", "score_fn", "update", "get_log", "collect")


def _helpers(student_fn, label):
    """The helper functions, defined where ``student_fn`` runs: in this process for a plain
    function (a notebook kernel, the corpus), in the grading sandbox for its proxy."""
    defined = define_beside(student_fn, "05-check-helpers", _HELPERS,
                            [f"__t05_{name}__" for name in _NAMES])
    helpers = {name: defined[f"__t05_{name}__"] for name in _NAMES}
    for name, fn in helpers.items():  # as messages name them (collect: the student's function)
        fn.__name__ = label if name == "collect" else name
    return helpers


def _fmt(x):
    return f"{x:.6g}"


# --- init_params -------------------------------------------------------------------------------

METHOD_STD = {
    "normal": lambda fi, fo: 0.01,
    "xavier": lambda fi, fo: np.sqrt(2.0 / (fi + fo)),
    "he": lambda fi, fo: np.sqrt(2.0 / fi),
}
STD_HINTS = {
    "normal": 'method="normal" draws every weight from a Gaussian with standard deviation '
              "0.01; 0.01 is the std, not the variance.",
    "xavier": 'method="xavier" (Glorot) uses std = sqrt(2 / (fan_in + fan_out)), with fan_in = '
              "the layer's input size (rows of W) and fan_out its output size (columns).",
    "he": 'method="he" uses std = sqrt(2 / fan_in), fan_in = the number of inputs of the '
          "layer (rows of W, layer_sizes[l - 1]); the 2 is inside the square root.",
}


def _init(student, sizes, what, **kwargs):
    __tracebackhide__ = True
    sizes_arg = list(sizes)
    params = call_unchanged(student.init_params, ("layer_sizes",), sizes_arg, **kwargs)
    expect_true(isinstance(params, dict),
                f"{what} should return a dict of arrays, got {type(params).__name__}.",
                hint='Return {"W1": ..., "b1": ..., ...}.')
    layers = len(sizes) - 1
    keys = [f"{p}{l}" for l in range(1, layers + 1) for p in ("W", "b")]
    missing = [k for k in keys if k not in params]
    extra = [k for k in params if k not in keys]
    expect_true(not missing and not extra,
                f"{what} for layer_sizes {list(sizes)} should have exactly the keys {keys}"
                + (f"; missing {missing}" if missing else "")
                + (f"; unexpected {extra}" if extra else "") + ".",
                hint=f"One W and one b per layer, numbered from 1: layer l maps "
                     f"layer_sizes[l - 1] inputs to layer_sizes[l] outputs "
                     f"({layers} layer(s) for {len(sizes)} sizes).")
    for l in range(1, layers + 1):
        fi, fo = sizes[l - 1], sizes[l]
        expect_shape(f'params["W{l}"] from {what}', params[f"W{l}"], (fi, fo),
                     hint=f"W{l} maps {fi} inputs to {fo} outputs: shape (fan_in, fan_out) "
                          "= (layer_sizes[l - 1], layer_sizes[l]); samples are rows, Z = X @ W.")
        expect_shape(f'params["b{l}"] from {what}', params[f"b{l}"], (fo,),
                     hint="b has one entry per output unit: shape (layer_sizes[l],).")
        for key in (f"W{l}", f"b{l}"):
            expect_dtype(f'params["{key}"] from {what}', params[key], "f",
                         hint="Every weight and bias is a float64 array (not a list, not integers).")
        expect_close(f'params["b{l}"] from {what}', params[f"b{l}"], np.zeros(fo),
                     rtol=0, atol=0, hint="Every bias starts at exactly 0, for every method.")
    return params


def _std_stats(W, std):
    z = np.asarray(W, dtype=float).ravel() / std
    n = z.size
    mean = float(z.mean())
    spread = float(z.std())
    kurt = float(np.mean((z - mean) ** 4) / max(spread ** 4, 1e-300))
    return n, mean, spread, kurt


def _check_random_layers(params, sizes, method, what):
    __tracebackhide__ = True
    layers = range(1, len(sizes))
    stds = {l: METHOD_STD[method](sizes[l - 1], sizes[l]) for l in layers}
    z = np.concatenate([np.asarray(params[f"W{l}"], dtype=float).ravel() / stds[l]
                        for l in layers])
    distinct = np.unique(z).size
    expect_true(distinct == z.size,
                f"The weights from {what} repeat: only {distinct} distinct values among "
                f"{z.size}.",
                hint="Draw every weight of every layer afresh from the same rng; don't "
                     "re-create the generator (or re-seed) for each layer, and don't tile "
                     "one row or column.")
    for l in layers:
        fi, fo = sizes[l - 1], sizes[l]
        n, mean, spread, _ = _std_stats(params[f"W{l}"], stds[l])
        label = f'params["W{l}"] ({fi} x {fo}) from {what}'
        expect_true(abs(mean) < 6.0 / np.sqrt(n),
                    f"The weights of {label} should have mean 0: their mean is "
                    f"{_fmt(mean * stds[l])}, i.e. {_fmt(mean)} standard deviations.",
                    hint="Draw from a Gaussian centred at 0 (mean 0).")
        expect_true(abs(spread - 1.0) < 6.0 / np.sqrt(2 * n),
                    f"Wrong spread for {label}: expected standard deviation {_fmt(stds[l])} "
                    f"(fan_in = {fi}, fan_out = {fo}), got {_fmt(spread * stds[l])}.",
                    hint=STD_HINTS[method])
    _, _, _, kurt = _std_stats(z, 1.0)
    expect_true(abs(kurt - 3.0) < max(0.5, 12.0 * np.sqrt(24.0 / z.size)),
                f"The weights from {what} do not look Gaussian: their kurtosis is "
                f"{kurt:.2f}, expected 3 for a normal distribution (1.8 for a uniform one).",
                hint=f'method="{method}" draws from a Gaussian (normal) distribution, not a uniform '
                     "one, and does not clip.")


def _random_sizes(rng):
    """Sizes whose fan-in and fan-out differ by at least 1.5x in every layer, so that
    fan_in/fan_out slips and the Xavier/He formulas show as a wrong spread."""
    a = int(rng.integers(150, 300))
    b = int(rng.integers(40, 80))
    c = int(rng.integers(130, 220))
    return [a, b, c]


@hidden_check(A, "init_params")
def init_params(student, ref, rng):
    # Structure and the deterministic methods, for 1 to 4 layers.
    for layers in (1, 2, 3, 4):
        sizes = [int(s) for s in rng.integers(2, 9, size=layers + 1)]
        for method in ("zeros", "constant"):
            what = f"init_params({sizes}, method={method!r})"
            params = _init(student, sizes, what, method=method,
                           rng=np.random.default_rng(int(rng.integers(2**31))))
            for l in range(1, layers + 1):
                expect_close(f'params["W{l}"] from {what}', params[f"W{l}"],
                             np.full((sizes[l - 1], sizes[l]), 0.0 if method == "zeros" else 0.5),
                             rtol=0, atol=0,
                             hint='"zeros" sets every weight to 0, "constant" every weight '
                                  "to 0.5.")

    # The random methods: statistics on layers with thousands of weights.
    for method in ("normal", "xavier", "he"):
        sizes = _random_sizes(rng)
        what = f"init_params({sizes}, method={method!r}, rng=...)"
        params = _init(student, sizes, what, method=method,
                       rng=np.random.default_rng(int(rng.integers(2**31))))
        _check_random_layers(params, sizes, method, what)

    # The default method is "he".
    sizes = _random_sizes(rng)
    what = f"init_params({sizes}, rng=...) with the default method"
    params = _init(student, sizes, what, rng=np.random.default_rng(int(rng.integers(2**31))))
    _check_random_layers(params, sizes, "he", what)

    # Randomness from rng: reproducible, advancing, and fresh for rng=None.
    sizes = [int(s) for s in rng.integers(3, 9, size=3)]
    method = str(rng.choice(["normal", "xavier", "he"]))
    seed = int(rng.integers(2**31))
    what = f"init_params({sizes}, method={method!r}, rng=np.random.default_rng(seed))"
    first = _init(student, sizes, what, method=method, rng=np.random.default_rng(seed))
    again = _init(student, sizes, what, method=method, rng=np.random.default_rng(seed))
    for key in first:
        expect_close(f'params["{key}"] from two calls of {what} with the same seed',
                     again[key], first[key], rtol=0, atol=0,
                     hint="Draw every random number from the rng argument, "
                          "never from np.random.* or a generator of your own: then the same "
                          "seed gives the same parameters.")
    shared = np.random.default_rng(seed)
    one = _init(student, sizes, what, method=method, rng=shared)
    two = _init(student, sizes, what, method=method, rng=shared)
    expect_true(not np.array_equal(one["W1"], two["W1"]),
                f"Two calls of init_params({sizes}, method={method!r}, rng=rng) with the "
                "same generator returned the same weights.",
                hint="Use the generator you are given (its state moves on with every draw); "
                     "don't make a new one from a fixed seed or copy its state.")
    other = _init(student, sizes, what, method=method,
                  rng=np.random.default_rng(seed + 1))
    expect_true(not np.array_equal(first["W1"], other["W1"]),
                f"{what} returned the same weights for two different seeds.",
                hint="Draw from the rng argument, not from a generator with a fixed seed.")
    what = f"init_params({sizes}, method={method!r}) without rng"
    one = _init(student, sizes, what, method=method)
    two = _init(student, sizes, what, method=method)
    expect_true(not np.array_equal(one["W1"], two["W1"]),
                f"Two calls of {what} returned the same weights.",
                hint="rng=None means a fresh, unseeded np.random.default_rng() on every "
                     "call, not default_rng(0).")


# --- standardize -------------------------------------------------------------------------------

def _columns(rng, n, d, *, shift=0.0):
    """(n, d) data whose columns have very different offsets and scales (1e-4 to 1e3)."""
    scales = 10.0 ** rng.uniform(-4, 3, size=d)
    scales[rng.integers(d)] = 10.0 ** rng.uniform(-4, -3)  # eps matters for this one
    offsets = rng.normal(0, 5, size=d) * scales * 3
    return offsets + scales * (rng.normal(size=(n, d)) + shift)


def _check_tuple(result, count, what):
    __tracebackhide__ = True
    expect_true(isinstance(result, tuple),
                f"{what} should return a tuple of {count} array(s), got "
                f"{type(result).__name__}.",
                hint="Always return a tuple, also for a single array (the caller unpacks it "
                     "with `X_s, = standardize(X)`).")
    expect_true(len(result) == count,
                f"{what} should return {count} array(s) (X_train and each of the others), "
                f"got {len(result)}.")


STD_HINT = ("Use the training set's column statistics for every array: each column's mean "
            "and population standard deviation (ddof=0) over the rows of X_train, then "
            "(X - mean) / (std + eps), with eps added to the std (not inside a square root).")


def _standardize_hint(got, X, X_train, eps, which):
    """A specific hint when the result matches a known slip."""
    got = np.asarray(got, dtype=float)
    mean, std = X_train.mean(axis=0), X_train.std(axis=0)
    candidates = [
        ((X - X.mean(axis=0)) / (X.std(axis=0) + eps),
         f"The {which} array was scaled with its own mean and std: use the training "
         "set's statistics for every array (the model only ever sees training data)."),
        ((X - mean) / (X_train.std(axis=0, ddof=1) + eps),
         "That is the sample std (ddof=1): use the population std (ddof=0)."),
        ((X - mean) / np.sqrt(std ** 2 + eps),
         "eps goes outside the square root: (X - mean) / (std + eps)."),
        ((X - X_train.mean()) / (X_train.std() + eps),
         "Standardise each feature (column) separately: axis=0, not one mean and std "
         "over all entries."),
    ]
    for value, hint in candidates:
        with np.errstate(all="ignore"):
            if got.shape == value.shape and np.allclose(got, value, rtol=1e-9, atol=1e-12):
                return specific(hint)  # recognised: shown alone, no generic diagnosis beside it
    return STD_HINT


@hidden_check(A, "standardize")
def standardize(student, ref, rng):
    cases = []
    for count in (0, 1, 2):
        n, d = int(rng.integers(4, 25)), int(rng.integers(2, 7))
        X_train = _columns(rng, n, d)
        others = [_columns(rng, int(rng.integers(1, 12)), d, shift=float(rng.uniform(0.5, 2)))
                  for _ in range(count)]
        cases.append((X_train, others, {}))
    # A constant column (std 0: eps keeps it finite) and a chosen eps.
    n, d = int(rng.integers(5, 20)), int(rng.integers(3, 6))
    X_train = _columns(rng, n, d)
    j = int(rng.integers(d))
    X_train[:, j] = 0.25 * int(rng.integers(-16, 17))  # exact: its mean is exactly this value
    X_other = _columns(rng, int(rng.integers(2, 8)), d, shift=1.0)
    cases.append((X_train, [X_other], {}))
    cases.append((_columns(rng, n, d), [X_other], {"eps": float(rng.uniform(0.05, 0.5))}))
    # Integer pixels, as loaded images may be.
    cases.append((rng.integers(0, 256, size=(int(rng.integers(5, 15)), 4)),
                  [rng.integers(0, 256, size=(3, 4))], {}))
    for X_train, others, kwargs in cases:
        names = ["X_train"] + [f"others[{i}]" for i in range(len(others))]
        desc = (f"standardize(X_train {X_train.shape}"
                + "".join(f", {o.shape}" for o in others)
                + "".join(f", {k}={v:.3g}" for k, v in kwargs.items()) + ")")
        expected = ref["standardize"](X_train.copy(), *(o.copy() for o in others), **kwargs)
        result = call_unchanged(student.standardize, names, X_train, *others, **kwargs)
        _check_tuple(result, 1 + len(others), desc)
        eps = kwargs.get("eps", 1e-8)
        Xf = np.asarray(X_train, dtype=float)
        for i, (got, want, X) in enumerate(zip(result, expected, [X_train, *others])):
            which = "training" if i == 0 else f"other (argument {i + 1})"
            label = f"array {i} of {desc}" + (" (X_train)" if i == 0 else "")
            expect_shape(label, got, want.shape, hint="Each array keeps its shape (M, D).")
            expect_dtype(label, got, "f")
            expect_close(label, got, want, rtol=1e-7, atol=1e-9,
                         hint=_standardize_hint(got, np.asarray(X, dtype=float), Xf, eps,
                                                which))


# --- iterate_minibatches -----------------------------------------------------------------------

def _id_data(rng, n, d):
    """X (n, d) whose column 0 is the sample id 0..n-1, and y (n,) with random labels."""
    X = np.column_stack([np.arange(n, dtype=float), rng.normal(size=(n, d - 1))]) \
        if d > 1 else np.arange(n, dtype=float)[:, None]
    y = rng.integers(0, 10, size=n)
    return X, y


def _check_epoch(batches, X, y, batch_size, what, *, ordered):
    """One epoch's batches: shapes, sizes, pairing, coverage; returns the order of ids."""
    __tracebackhide__ = True
    n = len(X)
    sizes = [len(np.asarray(Xb)) for Xb, _ in batches]
    full, rest = divmod(n, batch_size)
    expected = [batch_size] * full + ([rest] if rest else [])
    for k, (Xb, yb) in enumerate(batches):
        Xb = np.asarray(Xb)
        expect_true(Xb.ndim == 2 and Xb.shape[1:] == X.shape[1:],
                    f"Batch {k} from {what}: Xb should have shape (batch, {X.shape[1]}), got "
                    f"{Xb.shape}.", hint="Select whole rows of X: a batch keeps every column.")
        expect_true(np.asarray(yb).shape == (Xb.shape[0],),
                    f"Batch {k} from {what}: yb should have shape ({Xb.shape[0]},) like the "
                    f"rows of Xb, got {np.asarray(yb).shape}.",
                    hint="Take the same samples (the same indices) from X and from y.")
    expect_true(sum(sizes) == n and sizes == expected,
                f"Wrong batches from {what} (N = {n}): expected {len(expected)} batch(es) of "
                f"sizes {_sizes_text(expected)}, got {len(sizes)} of sizes "
                f"{_sizes_text(sizes)}.",
                hint="Cut the order of the samples into consecutive pieces of batch_size: "
                     "every sample once, the last batch holding what is left (not dropped, "
                     "not padded).")
    ids = np.concatenate([np.asarray(Xb, dtype=float)[:, 0] for Xb, _ in batches]) \
        if batches else np.zeros(0)
    expect_true(np.array_equal(np.sort(ids), np.arange(n, dtype=float)),
                f"The batches from {what} do not contain every sample exactly once: "
                f"{n - np.unique(ids).size} sample(s) missing, "
                f"{ids.size - np.unique(ids).size} repeated.",
                hint="Shuffle the indices once per epoch (a permutation of 0..N-1) and cut "
                     "that into batches; don't draw random indices for each batch.")
    labels = np.concatenate([np.asarray(yb) for _, yb in batches])
    wrong = int(np.sum(labels != y[ids.astype(int)]))
    expect_true(wrong == 0,
                f"In the batches from {what}, {wrong} of {n} labels yb do not belong to their "
                "rows of Xb.",
                hint="Shuffle X and y together: one random order, used for both (shuffling X "
                     "and y separately breaks the pairs).")
    if ordered:
        expect_true(np.array_equal(ids, np.arange(n, dtype=float)),
                    f"{what} changed the order of the samples: without rng the batches "
                    "should be X[0:b], X[b:2b], ... in order.",
                    hint="Shuffle only when rng is given (rng=None: keep the order; don't "
                         "use np.random).")
    return ids


def _sizes_text(sizes):
    if len(sizes) > 6:
        return ", ".join(map(str, sizes[:3])) + ", ..., " + ", ".join(map(str, sizes[-2:]))
    return ", ".join(map(str, sizes)) or "none"


@hidden_check(A, "iterate_minibatches")
def iterate_minibatches(student, ref, rng):
    helpers = _helpers(student.iterate_minibatches, "iterate_minibatches")
    collect = helpers["collect"]

    def epochs(X, y, batch_size, generator, count, what):
        __tracebackhide__ = True
        out = call_unchanged(collect, ("iterate", "X", "y"), student.iterate_minibatches,
                             X, y, batch_size, generator, count)
        return [_check_epoch(batches, X, y, batch_size, what, ordered=generator is None)
                for batches in out]

    # In order without rng: sizes with and without a remainder, batch 1, one batch.
    n = int(rng.integers(11, 40))
    X, y = _id_data(rng, n, int(rng.integers(1, 4)))
    batch_sizes = [int(rng.integers(3, 8)), 1, n, n + int(rng.integers(1, 5)), n - 1]
    if n % batch_sizes[0] == 0:
        batch_sizes[0] += 1  # a smaller last batch
    divisors = [b for b in range(2, n) if n % b == 0]
    if divisors:
        batch_sizes.append(int(rng.choice(divisors)))  # no remainder
    for batch_size in batch_sizes:
        epochs(X, y, batch_size, None, 1,
               f"iterate_minibatches(X, y, batch_size={batch_size}) with X {X.shape}")

    # Shuffled with rng: every epoch covers every sample, in a new order each epoch.
    for _ in range(2):
        n = int(rng.integers(15, 60))
        X, y = _id_data(rng, n, int(rng.integers(2, 5)))
        batch_size = int(rng.integers(2, 9))
        if n % batch_size == 0:  # a smaller last batch
            n += 1
            X, y = _id_data(rng, n, X.shape[1])
        seed = int(rng.integers(2**31))
        what = (f"iterate_minibatches(X, y, batch_size={batch_size}, rng) with X {X.shape}")
        orders = epochs(X, y, batch_size, np.random.default_rng(seed), 3, what)
        expect_true(not np.array_equal(orders[0], np.arange(n)),
                    f"{what} kept the samples in order although rng was given.",
                    hint="With rng, shuffle: a random order of all N samples drawn from rng, then "
                         "consecutive batches of that order.")
        expect_true(not (np.array_equal(orders[0], orders[1])
                         or np.array_equal(orders[1], orders[2])),
                    f"{what}, called once per epoch with the same rng, gave the same order "
                    "in two epochs.",
                    hint="Draw a new permutation from rng on every call (every epoch); don't "
                         "keep one from an earlier call or re-create the generator.")
        again = epochs(X, y, batch_size, np.random.default_rng(seed), 1, what)
        expect_true(np.array_equal(again[0], orders[0]),
                    f"{what} gave different orders for two generators with the same seed.",
                    hint="Draw the permutation from the rng argument, not from np.random.")
        other = epochs(X, y, batch_size, np.random.default_rng(seed + 1), 1, what)
        expect_true(not np.array_equal(other[0], orders[0]),
                    f"{what} gave the same order for two generators with different seeds.",
                    hint="Draw the permutation from the rng argument, not from a generator "
                         "with a fixed seed.")


# --- accuracy ----------------------------------------------------------------------------------

ACC_HINT = ("accuracy = the fraction of rows whose largest score (the argmax along the row) is "
            "at the label y[n]: a number in [0, 1].")


def _softmax(Z):
    E = np.exp(Z - Z.max(axis=1, keepdims=True))
    return E / E.sum(axis=1, keepdims=True)


@hidden_check(A, "accuracy")
def accuracy(student, ref, rng):
    cases = []
    for n in (int(rng.integers(5, 60)), 1, int(rng.integers(2, 9))):
        k = int(rng.integers(2, 12))
        cases.append((f"random scores ({n}, {k})", rng.normal(0, 3, size=(n, k)),
                      rng.integers(0, k, size=n)))
    # Probabilities (softmax rows) and all-negative scores; rows != columns.
    n, k = int(rng.integers(8, 30)), int(rng.integers(3, 7))
    S = rng.normal(size=(n, k))
    y = np.where(rng.random(n) < 0.6, S.argmax(axis=1), rng.integers(0, k, size=n))
    cases.append((f"probabilities (softmax rows) ({n}, {k})", _softmax(S), y))
    cases.append((f"all-negative scores ({n}, {k})", S - 10.0, y))
    # Labels chosen so that everything, or nothing, is right.
    n, k = int(rng.integers(4, 12)), int(rng.integers(2, 6))
    S = rng.normal(size=(n, k))
    cases.append((f"scores ({n}, {k}) that are all right", S, S.argmax(axis=1)))
    cases.append((f"scores ({n}, {k}) that are all wrong", S, (S.argmax(axis=1) + 1) % k))
    # Square scores, where argmax over the wrong axis has the right shape.
    k = int(rng.integers(4, 9))
    S = rng.normal(size=(k, k))
    yk = np.where(rng.random(k) < 0.5, S.argmax(axis=1), rng.integers(0, k, size=k))
    cases.append((f"square scores ({k}, {k})", S, yk))
    for desc, scores, y in cases:
        expected = ref["accuracy"](scores.copy(), y.copy())
        what = f"accuracy(scores, y) for {desc}"
        got = call_unchanged(student.accuracy, ("scores", "y"), scores, y)
        expect_shape(what, got, (), hint="Return one number, the fraction of correct rows.")
        hint = ACC_HINT
        value = float(np.asarray(got, dtype=float))
        if abs(value - expected * len(y)) < 1e-6 and len(y) > 1 and expected > 0:
            hint = "That is the number of correct rows: divide by N for a fraction."
        elif abs(value - 100 * expected) < 1e-6 and expected > 0:
            hint = "That is a percentage: return a fraction in [0, 1]."
        elif abs(value - (1 - expected)) < 1e-6:
            hint = "That is the error rate (the fraction of wrong rows): count the right ones."
        # A fraction k / N with N < 100: 1e-6 absolute tells every wrong count apart and
        # accepts a mean computed in float32 (relative rounding about 6e-8).
        expect_close(what, got, expected, rtol=0, atol=1e-6, hint=hint)


# --- sgd_step ----------------------------------------------------------------------------------

@hidden_check(A, "sgd_step")
def sgd_step(student, ref, rng):
    for layers in (1, 2, 3):
        sizes = [int(s) for s in rng.integers(1, 7, size=layers + 1)]
        keys = [f"{p}{l}" for l in range(1, layers + 1) for p in ("W", "b")]
        shapes = {f"W{l}": (sizes[l - 1], sizes[l]) for l in range(1, layers + 1)}
        shapes.update({f"b{l}": (sizes[l],) for l in range(1, layers + 1)})
        order = [keys[i] for i in rng.permutation(len(keys))]
        params = {k: rng.normal(size=shapes[k]) for k in order}
        grads = {k: rng.normal(size=shapes[k]) for k in keys}
        lr = float(10 ** rng.uniform(-2, 0.3))
        before = {k: v.copy() for k, v in params.items()}
        expected = {k: v.copy() for k, v in params.items()}
        ref["sgd_step"](expected, {k: v.copy() for k, v in grads.items()}, lr)
        arrays = dict(params)  # the objects, to check they are updated in place
        what = f"sgd_step(params, grads, lr={lr:.3g}) for a {layers}-layer network"
        grads_before = {k: v.copy() for k, v in grads.items()}
        call(student.sgd_step, params, grads, lr)
        for key in keys:
            expect_unchanged(f'grads["{key}"] (passed to sgd_step)', grads_before[key], grads[key])
        expect_true(isinstance(params, dict) and set(params) == set(arrays),
                    f"{what} changed the keys of params.", hint="Update the existing entries.")
        for key in order:
            got = np.asarray(params[key], dtype=float)
            hint = "Every key gets its step theta - lr * gradient, the biases included."
            if got.shape == before[key].shape:
                if np.allclose(got, before[key] + lr * grads[key], rtol=1e-12, atol=1e-14):
                    hint = "Step against the gradient: theta - lr * gradient (minus)."
                elif np.array_equal(got, before[key]):
                    hint = ("params is unchanged: change the values inside its arrays; a new "
                            "dict you build or return is not seen by the caller.")
            expect_close(f'params["{key}"] after {what}', params[key], expected[key],
                         rtol=1e-12, atol=1e-14, hint=hint)
        for key in order:
            expect_true(params[key] is arrays[key],
                        f'{what} replaced params["{key}"] by a new array instead of '
                        "updating the array in place.",
                        hint="Change the array's values in place; storing `array - step` makes a "
                             "new array, and code that holds the old one (an optimizer's state, "
                             "a plot) never sees the new values.")


# --- train -------------------------------------------------------------------------------------

def _train_data(rng, n, m, d, k):
    """Training rows with ids 0..n-1 and validation rows with ids -1..-m in column 0."""
    centers = rng.normal(0, 1.5, size=(k, d))
    y = rng.integers(0, k, size=n)
    yv = rng.integers(0, k, size=m)
    F = centers[y] + rng.normal(size=(n, d))
    Fv = centers[yv] + rng.normal(size=(m, d))
    X = np.column_stack([np.arange(n, dtype=float), F])
    Xv = np.column_stack([-1.0 - np.arange(m, dtype=float), Fv])
    return X, y, Xv, yv


def _linear_params(rng, d, k):
    return {"W1": 0.1 * rng.normal(size=(d, k)), "b1": np.zeros(k)}


def _schedule(rng, epochs, best, patience):
    """A val-loss sequence of `epochs` values: decreasing (with one bump) to its minimum at
    epoch `best`, then `patience` epochs that are not strictly lower (the first one equal),
    then lower values again (reached only by a loop that fails to stop)."""
    level = float(rng.uniform(1.5, 3.0))
    losses = []
    for _ in range(best):
        level -= float(rng.uniform(0.05, 0.3))
        losses.append(level)
    if best >= 3 and patience >= 2:  # not monotonic before the best (one bump < patience)
        j = int(rng.integers(1, best - 1))
        losses[j] = losses[j - 1] + float(rng.uniform(0.01, 0.1))
    best_value = level - float(rng.uniform(0.1, 0.3))
    losses.append(best_value)
    for i in range(patience):
        losses.append(best_value if i == 0 else best_value + float(rng.uniform(0.01, 0.5)))
    while len(losses) < epochs:
        losses.append(best_value - float(rng.uniform(0.01, 0.5)))
    return losses[:epochs]


def _check_history(history, epochs_run, what):
    __tracebackhide__ = True
    expect_true(isinstance(history, dict),
                f"{what} should return a dict, got {type(history).__name__}.",
                hint='Return {"train_loss": [...], "val_loss": [...], "val_acc": [...], '
                     '"best_epoch": ...}.')
    missing = [k for k in ("train_loss", "val_loss", "val_acc", "best_epoch") if k not in history]
    expect_true(not missing, f"The history from {what} has no {missing}.",
                hint='The keys are "train_loss", "val_loss", "val_acc" and "best_epoch".')
    for key in ("train_loss", "val_loss", "val_acc"):
        values = history[key]
        ok = isinstance(values, (list, tuple, np.ndarray)) and np.ndim(values) == 1
        expect_true(ok, f'history["{key}"] from {what} should be a list with one number per '
                        f"epoch, got {type(values).__name__}.")
        expect_true(len(values) == epochs_run,
                    f'history["{key}"] from {what} should have one entry per epoch run: '
                    f"expected {epochs_run}, got {len(values)}.",
                    hint="Append the epoch's values once per epoch, after its last batch.")
    best = history["best_epoch"]
    expect_true(isinstance(best, (int, np.integer)) and not isinstance(best, bool),
                f'history["best_epoch"] from {what} should be an int (the 0-based epoch), '
                f"got {type(best).__name__}.")


class _Run:
    """The record of one training run made by the helpers: per-epoch calls and snapshots."""

    def __init__(self, record, nb):
        self.entries = [tuple(e) for e in record["log"]]
        self.snapshots = record["snapshots"]
        self.nb = nb

    def train_calls(self, epoch):
        lo, hi = epoch * self.nb, (epoch + 1) * self.nb
        return [e for e in self.entries if e[0] == "loss" and e[1] == "train"
                and lo <= e[4] < hi]

    def val_calls(self, epoch, op="loss"):
        after = (epoch + 1) * self.nb
        return [e for e in self.entries if e[0] == op and e[1] == "val" and e[4] == after]


TRAIN_HINT = ("Each epoch: every minibatch of iterate_minibatches (reshuffled with rng), each "
              "one's loss and gradients from loss_fn followed by one update; then the epoch's "
              "val_loss, loss_fn's loss on the whole validation set, and val_acc, your accuracy "
              "of score_fn's scores on it.")


def _run_train(student, helpers, rng, *, n, m, bs, epochs, patience, schedule, lr=0.2):
    __tracebackhide__ = True
    d, k = int(rng.integers(2, 5)), int(rng.integers(2, 5))
    X, y, Xv, yv = _train_data(rng, n, m, d, k)
    params = _linear_params(rng, d, k)
    nb = -(-n // bs)
    call(helpers["configure"], lr, nb, schedule)
    kwargs = dict(update=helpers["update"], epochs=epochs, batch_size=bs,
                  rng=np.random.default_rng(int(rng.integers(2**31))))
    if patience is not None:
        kwargs["patience"] = patience
    what = (f"train(params, loss_fn, score_fn, X_train {X.shape}, y_train, X_val {Xv.shape}, "
            f"y_val, epochs={epochs}, batch_size={bs}"
            + (f", patience={patience}" if patience is not None else "") + ")")
    before = [a.copy() for a in (X, y, Xv, yv)]
    history = call(student.train, params, helpers["loss_fn"], helpers["score_fn"], X, y, Xv,
                   yv, **kwargs)
    for name, old, new in zip(("X_train", "y_train", "X_val", "y_val"), before, (X, y, Xv, yv)):
        expect_unchanged(f"{name} (passed to train)", old, new)
    run = _Run(call(helpers["get_log"]), nb)
    return history, run, params, (X, y, Xv, yv), what


def _check_epochs(history, run, data, what, epochs_run):
    """Every epoch: batches covering the training set, one update per batch, the weighted
    train loss, the val loss and accuracy on the whole validation set."""
    __tracebackhide__ = True
    X, y, Xv, yv = data
    n, m = len(X), len(Xv)
    orders = []
    for e in range(epochs_run):
        calls = run.train_calls(e)
        ids = np.concatenate([np.asarray(c[2]) for c in calls]) if calls else np.zeros(0)
        expect_true(len(calls) == run.nb and np.array_equal(np.sort(ids), np.arange(n)),
                    f"In epoch {e} of {what}, loss_fn saw {len(calls)} training batch(es) "
                    f"with {ids.size} samples ({np.unique(ids).size} distinct); expected "
                    f"{run.nb} batches covering all {n} training samples once, each followed "
                    "by one update.", hint=TRAIN_HINT)
        orders.append(ids)
        weighted = sum(c[3] * len(c[2]) for c in calls) / n
        plain = float(np.mean([c[3] for c in calls]))
        hint = "train_loss is the mean loss per sample over the epoch: sum of (batch loss " \
               "x batch size) / N, with each batch's loss as loss_fn returned it before " \
               "its update."
        if abs(float(history["train_loss"][e]) - plain) < 1e-12 * max(1, abs(plain)):
            hint = ("That is the plain mean of the batch losses: weight each by its batch "
                    "size (the last batch is smaller), sum(loss_b * len(Xb)) / N.")
        expect_close(f'history["train_loss"][{e}] from {what}', history["train_loss"][e],
                     weighted, rtol=1e-9, atol=1e-12, hint=hint)
        val = run.val_calls(e)
        full = [c for c in val if len(c[2]) == m]
        expect_true(len(full) >= 1,
                    f"After epoch {e} of {what}, loss_fn was not called on the whole "
                    f"validation set ({m} samples) once the epoch's updates were done.",
                    hint="val_loss is loss_fn's loss on all of X_val (not a batch), after the "
                         "epoch's last update.")
        expect_close(f'history["val_loss"][{e}] from {what}', history["val_loss"][e],
                     full[-1][3], rtol=1e-9, atol=1e-12,
                     hint="val_loss is loss_fn's loss on the whole validation set after the "
                          "epoch.")
        scored = [c for c in run.val_calls(e, "scores") if len(c[2]) == m]
        expect_true(len(scored) >= 1,
                    f"After epoch {e} of {what}, score_fn was not called on the whole "
                    "validation set.", hint="val_acc is the accuracy of score_fn's scores on the "
                                            "whole validation set.")
        ids_v = (-1 - np.asarray(scored[-1][2])).astype(int)
        acc = float(np.mean(np.asarray(scored[-1][3]) == yv[ids_v]))
        expect_close(f'history["val_acc"][{e}] from {what}', history["val_acc"][e], acc,
                     rtol=0, atol=1e-6,
                     hint="val_acc is the accuracy of score_fn's scores on the validation set: "
                          "a fraction.")
    return orders


def _check_params(params, snapshot, what, epoch, hint):
    __tracebackhide__ = True
    for key in ("W1", "b1"):
        expect_close(f'params["{key}"] after {what}', params[key], snapshot[key],
                     rtol=1e-12, atol=1e-14, hint=hint)


@hidden_check(A, "train")
def train(student, ref, rng):
    helpers = _helpers(student.train, "train")

    # Without patience: every epoch runs, params end at the last epoch, best_epoch = argmin.
    n = int(rng.integers(14, 40))
    bs = int(rng.integers(3, 8))
    if n % bs == 0:
        n += 1
    epochs = int(rng.integers(4, 7))
    best = int(rng.integers(1, epochs - 1))
    schedule = _schedule(rng, epochs, best, epochs - best - 1)
    history, run, params, data, what = _run_train(
        student, helpers, rng, n=n, m=int(rng.integers(5, 15)), bs=bs, epochs=epochs,
        patience=None, schedule=schedule)
    _check_history(history, epochs, what)
    orders = _check_epochs(history, run, data, what, epochs)
    expect_true(not np.array_equal(orders[0], orders[1]),
                f"{what} showed the training samples in the same order in epochs 0 and 1.",
                hint="Pass rng to iterate_minibatches: the batches are reshuffled every epoch.")
    expect_equal(f'history["best_epoch"] from {what} (val_loss per epoch: '
                 + ", ".join(f"{v:.3g}" for v in schedule) + ")",
                 int(history["best_epoch"]), best,
                 hint="best_epoch is the 0-based index of the lowest val_loss (the first one "
                      "on ties); count epochs from 0.")
    _check_params(params, run.snapshots[epochs - 1], what, epochs - 1,
                  "Without patience, params end at the values after the last epoch.")

    # Real training (full batch: independent of the order of the samples) against the
    # reference: the same losses and accuracies.
    n, m = int(rng.integers(10, 30)), int(rng.integers(5, 15))
    seed = int(rng.integers(2**31))
    local = _helpers(ref["train"], "train")  # a plain function: helpers in this process
    outcome = []
    for fn, hs in ((ref["train"], local), (student.train, helpers)):
        r = np.random.default_rng(seed)
        d, k = 3, 3
        X, y, Xv, yv = _train_data(r, n, m, d, k)
        params = _linear_params(r, d, k)
        call(hs["configure"], 0.5, 1, None)
        h = call(fn, params, hs["loss_fn"], hs["score_fn"], X, y, Xv, yv, update=hs["update"],
                 epochs=4, batch_size=n + 3, rng=r)
        outcome.append((h, params))
    (want, want_params), (got, got_params) = outcome
    what = (f"train(...) of a linear softmax classifier with batch_size > N "
            f"(full batch; N = {n}, {m} validation samples, 4 epochs)")
    _check_history(got, 4, what)
    for key in ("train_loss", "val_loss", "val_acc"):
        expect_close(f'history["{key}"] from {what}', got[key], want[key], rtol=1e-7,
                     atol=1e-6 if key == "val_acc" else 1e-10, hint=TRAIN_HINT)
    expect_equal(f'history["best_epoch"] from {what}', int(got["best_epoch"]),
                 int(want["best_epoch"]))

    # Early stopping: stops after `patience` epochs without a strictly lower val_loss and
    # leaves params at the best epoch.
    for case in range(2):
        patience = int(rng.integers(1, 4)) if case == 0 else int(rng.integers(2, 4))
        n = int(rng.integers(12, 30))
        bs = int(rng.integers(3, 7))
        if n % bs == 0:
            n += 1
        epochs = int(rng.integers(patience + 6, patience + 10))
        best = int(rng.integers(1, epochs - patience - 1))
        schedule = _schedule(rng, epochs, best, patience)
        stop_after = best + patience  # the last epoch that runs (< epochs - 1)
        history, run, params, data, what = _run_train(
            student, helpers, rng, n=n, m=int(rng.integers(5, 12)), bs=bs, epochs=epochs,
            patience=patience, schedule=schedule)
        shown = ", ".join(f"{v:.3g}" for v in schedule[:stop_after + 1])
        got_len = len(history.get("val_loss", [])) if isinstance(history, dict) else 0
        expect_true(isinstance(history, dict) and got_len == stop_after + 1,
                    f"{what} should stop after epoch {stop_after} (0-based): val_loss per "
                    f"epoch {shown}; its best is epoch {best} and the {patience} epoch(s) "
                    f"after it are not strictly lower. It ran {got_len} epoch(s).",
                    hint="Count the epochs since the last strict improvement "
                         "(val_loss < best so far; an equal value does not count) and stop "
                         "as soon as that count reaches patience, using val_loss (not "
                         "train_loss).")
        _check_history(history, stop_after + 1, what)
        _check_epochs(history, run, data, what, stop_after + 1)
        expect_equal(f'history["best_epoch"] from {what} (val_loss per epoch: {shown})',
                     int(history["best_epoch"]), best,
                     hint="best_epoch is the 0-based index of the lowest val_loss.")
        _check_params(params, run.snapshots[best], what, best,
                      f"With patience, params must end at their values after the best epoch "
                      f"({best}): keep a copy of every array when val_loss improves "
                      f"(not the arrays themselves: they go on changing with the training) "
                      f"and put the values back into params before returning.")

    # With patience but the epochs run out first: params are still the best epoch's.
    patience = int(rng.integers(3, 5))
    epochs = int(rng.integers(5, 8))
    n, bs = int(rng.integers(12, 25)), int(rng.integers(3, 6))
    if n % bs == 0:
        n += 1
    best = epochs - 2  # one epoch after the best: fewer than patience
    schedule = _schedule(rng, epochs, best, 1)
    history, run, params, data, what = _run_train(
        student, helpers, rng, n=n, m=int(rng.integers(5, 12)), bs=bs, epochs=epochs,
        patience=patience, schedule=schedule)
    _check_history(history, epochs, what)
    expect_equal(f'history["best_epoch"] from {what}', int(history["best_epoch"]), best)
    _check_params(params, run.snapshots[best], what, best,
                  f"With patience, params end at the best epoch's values ({best}) even when "
                  "the epochs run out before patience is reached: restore the best copy "
                  "whenever patience is given.")
