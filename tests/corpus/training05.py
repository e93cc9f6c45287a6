"""Corpus of student implementations for the graded exercises of 05_training.

``WRONG[exercise]`` and ``CORRECT[exercise]`` are lists of ``(label, source)``: what a
student would type into the exercise's solution cell, with ``np`` imported and the other
exercises' (reference) functions, the given code of the train cell (``TrainingMonitor``,
``mlp_model``, ``sgd_update``) and notebook 04's ``mlp_forward`` / ``mlp_loss`` defined, as in
a notebook run top to bottom.

A WRONG entry breaks COURSE.md's contract somewhere; a CORRECT one meets it everywhere,
written differently from the instructor's solution (another order of drawing random
numbers, another way of shuffling or of restoring the best parameters).
"""

from corpus import entries as _entries

ASSIGNMENT = "05_training"
EXERCISES = {
    "init_params": ("init_params",),
    "standardize": ("standardize",),
    "iterate_minibatches": ("iterate_minibatches",),
    "accuracy": ("accuracy",),
    "sgd_step": ("sgd_step",),
    "train": ("train",),
}
# Wrong entries caught by statistics or by a random order: checked on 300 seeds.
SWEEP = [
    ("init_params", "uniform with the same standard deviation (limit sqrt(3) std)"),
    ("init_params", "Gaussian clipped at two standard deviations"),
    ("init_params", "xavier with std sqrt(1 / fan_in)"),
    ("iterate_minibatches", "one permutation kept from the first call"),
    ("train", "no shuffling: rng not passed to iterate_minibatches"),
    ("train", "an equal val_loss counts as an improvement"),
]
# Words besides the function names that say which quantity a message is about.
QUANTITY = r"\bparams\b|\bhistory\b|\bweights\b|\bbatch(es)?\b|\bgrads\b"


def _init(std_expr, *, weights="rng.normal(0.0, std, size=(fan_in, fan_out))",
          bias="np.zeros(fan_out)", none="np.random.default_rng()", keys=("W{l}", "b{l}"),
          default="he", constant="0.5"):
    """An init_params that differs from a correct one only where an argument says so."""
    wkey, bkey = keys
    return f"""
        def init_params(layer_sizes, method="{default}", rng=None):
            rng = {none} if rng is None else rng
            params = {{}}
            for l in range(1, len(layer_sizes)):
                fan_in, fan_out = layer_sizes[l - 1], layer_sizes[l]
                if method == "zeros":
                    W = np.zeros((fan_in, fan_out))
                elif method == "constant":
                    W = np.full((fan_in, fan_out), {constant})
                else:
                    std = {std_expr}
                    W = {weights}
                params[f"{wkey}"] = W
                params[f"{bkey}"] = {bias}
            return params
    """


_STD_OK = ('{"normal": 0.01, "xavier": np.sqrt(2 / (fan_in + fan_out)), '
           '"he": np.sqrt(2 / fan_in)}[method]')


def _train(*, batch="for Xb, yb in iterate_minibatches(X_train, y_train, batch_size, rng):",
           step="loss, grads = loss_fn(params, Xb, yb)\n                update(params, grads)",
           add="total += loss * len(Xb)", train_loss="total / len(X_train)",
           val="loss_fn(params, X_val, y_val)[0]",
           acc="accuracy(score_fn(params, X_val), y_val)",
           better="val_loss < best_loss", keep="{k: v.copy() for k, v in params.items()}",
           best_epoch="epoch", stop="waited >= patience",
           restore="if patience is not None and best is not None:\n"
                   "                for k in params:\n"
                   "                    params[k][...] = best[k]",
           epochs="range(epochs)"):
    """A train that differs from a correct one only where an argument says so."""
    return f"""
        def train(params, loss_fn, score_fn, X_train, y_train, X_val, y_val, *, update,
                  epochs, batch_size, rng, patience=None, plot=False):
            history = {{"train_loss": [], "val_loss": [], "val_acc": [], "best_epoch": None}}
            best_loss, best, waited = np.inf, None, 0
            for epoch in {epochs}:
                total = 0.0
                {batch}
                    {step.replace(chr(10) + "                ", chr(10) + "                    ")}
                    {add}
                val_loss = {val}
                history["train_loss"].append({train_loss})
                history["val_loss"].append(val_loss)
                history["val_acc"].append({acc})
                if {better}:
                    best_loss, waited = val_loss, 0
                    history["best_epoch"] = {best_epoch}
                    best = {keep}
                else:
                    waited += 1
                    if patience is not None and {stop}:
                        break
            {restore}
            return history
    """


WRONG = {
    "init_params": _entries(
        ('xavier with std sqrt(1 / fan_in)', _init(
            '{"normal": 0.01, "xavier": np.sqrt(1 / fan_in), "he": np.sqrt(2 / fan_in)}[method]')),
        ('xavier with std sqrt(1 / (fan_in + fan_out))', _init(
            '{"normal": 0.01, "xavier": np.sqrt(1 / (fan_in + fan_out)), '
            '"he": np.sqrt(2 / fan_in)}[method]')),
        ('he with the fan-out: sqrt(2 / fan_out)', _init(
            '{"normal": 0.01, "xavier": np.sqrt(2 / (fan_in + fan_out)), '
            '"he": np.sqrt(2 / fan_out)}[method]')),
        ('he without the square root: 2 / fan_in', _init(
            '{"normal": 0.01, "xavier": np.sqrt(2 / (fan_in + fan_out)), '
            '"he": 2 / fan_in}[method]')),
        ('he as LeCun: sqrt(1 / fan_in)', _init(
            '{"normal": 0.01, "xavier": np.sqrt(2 / (fan_in + fan_out)), '
            '"he": np.sqrt(1 / fan_in)}[method]')),
        ('normal with std 0.1 (N(0, 0.01) read as a variance)', _init(
            '{"normal": 0.1, "xavier": np.sqrt(2 / (fan_in + fan_out)), '
            '"he": np.sqrt(2 / fan_in)}[method]')),
        ('uniform with the same standard deviation (limit sqrt(3) std)', _init(
            _STD_OK, weights="rng.uniform(-np.sqrt(3) * std, np.sqrt(3) * std, "
                             "size=(fan_in, fan_out))")),
        ('Gaussian clipped at two standard deviations', _init(
            _STD_OK, weights="np.clip(rng.normal(0.0, std, size=(fan_in, fan_out)), "
                             "-2 * std, 2 * std)")),
        ('random biases with the weights\' std', _init(
            _STD_OK, bias='rng.normal(0.0, 0.01, size=fan_out) if method != "zeros" '
                          'else np.zeros(fan_out)')),
        ('biases 0.01', _init(_STD_OK, bias="np.full(fan_out, 0.01)")),
        ('weights drawn from np.random, not rng', _init(
            _STD_OK, weights="std * np.random.randn(fan_in, fan_out)")),
        ('a new generator with a fixed seed for every layer', _init(
            _STD_OK, weights="np.random.default_rng(0).normal(0.0, std, size=(fan_in, fan_out))")),
        ('rng=None gives default_rng(0)', _init(_STD_OK, none="np.random.default_rng(0)")),
        ('W of shape (fan_out, fan_in)', _init(
            _STD_OK, weights="rng.normal(0.0, std, size=(fan_out, fan_in))").replace(
            "np.zeros((fan_in, fan_out))", "np.zeros((fan_out, fan_in))").replace(
            "np.full((fan_in, fan_out), 0.5)", "np.full((fan_out, fan_in), 0.5)")),
        ('layers numbered from 0 (W0, b0, ...)', _init(_STD_OK, keys=("W{l - 1}", "b{l - 1}"))),
        ('constant 1.0 instead of 0.5', _init(_STD_OK, constant="1.0")),
        ('default method "xavier"', _init(_STD_OK, default="xavier")),
        ('one row drawn and repeated for every input', _init(
            _STD_OK, weights="np.tile(rng.normal(0.0, std, size=(1, fan_out)), (fan_in, 1))")),
        ('a copy of the generator: the caller\'s rng never moves on', """
            import copy

            def init_params(layer_sizes, method="he", rng=None):
                rng = np.random.default_rng() if rng is None else copy.deepcopy(rng)
                params = {}
                for l in range(1, len(layer_sizes)):
                    fan_in, fan_out = layer_sizes[l - 1], layer_sizes[l]
                    if method == "zeros":
                        W = np.zeros((fan_in, fan_out))
                    elif method == "constant":
                        W = np.full((fan_in, fan_out), 0.5)
                    else:
                        std = {"normal": 0.01, "xavier": np.sqrt(2 / (fan_in + fan_out)),
                               "he": np.sqrt(2 / fan_in)}[method]
                        W = rng.normal(0.0, std, size=(fan_in, fan_out))
                    params[f"W{l}"], params[f"b{l}"] = W, np.zeros(fan_out)
                return params
        """),
        ('float32 weights', _init(
            _STD_OK, weights="rng.normal(0.0, std, size=(fan_in, fan_out)).astype(np.float32)")),
        ('only one hidden layer: ignores layer_sizes beyond the third', """
            def init_params(layer_sizes, method="he", rng=None):
                rng = np.random.default_rng() if rng is None else rng
                sizes = list(layer_sizes)[:3]
                params = {}
                for l in range(1, len(sizes)):
                    fan_in, fan_out = sizes[l - 1], sizes[l]
                    if method == "zeros":
                        W = np.zeros((fan_in, fan_out))
                    elif method == "constant":
                        W = np.full((fan_in, fan_out), 0.5)
                    else:
                        std = {"normal": 0.01, "xavier": np.sqrt(2 / (fan_in + fan_out)),
                               "he": np.sqrt(2 / fan_in)}[method]
                        W = rng.normal(0.0, std, size=(fan_in, fan_out))
                    params[f"W{l}"], params[f"b{l}"] = W, np.zeros(fan_out)
                return params
        """),
    ),
    "standardize": _entries(
        ("every array scaled with its own statistics", """
            def standardize(X_train, *others, eps=1e-8):
                return tuple((X - X.mean(axis=0)) / (X.std(axis=0) + eps)
                             for X in (X_train, *others))
        """),
        ("sample std (ddof=1)", """
            def standardize(X_train, *others, eps=1e-8):
                mean, std = X_train.mean(axis=0), X_train.std(axis=0, ddof=1)
                return tuple((X - mean) / (std + eps) for X in (X_train, *others))
        """),
        ("eps inside the square root", """
            def standardize(X_train, *others, eps=1e-8):
                mean, var = X_train.mean(axis=0), X_train.var(axis=0)
                return tuple((X - mean) / np.sqrt(var + eps) for X in (X_train, *others))
        """),
        ("returns a list", """
            def standardize(X_train, *others, eps=1e-8):
                mean, std = X_train.mean(axis=0), X_train.std(axis=0)
                return [(X - mean) / (std + eps) for X in (X_train, *others)]
        """),
        ("returns a bare array when there are no others", """
            def standardize(X_train, *others, eps=1e-8):
                mean, std = X_train.mean(axis=0), X_train.std(axis=0)
                out = tuple((X - mean) / (std + eps) for X in (X_train, *others))
                return out if others else out[0]
        """),
        ("modifies X_train in place", """
            def standardize(X_train, *others, eps=1e-8):
                X_train = np.asarray(X_train, dtype=float)
                mean, std = X_train.mean(axis=0), X_train.std(axis=0)
                X_train -= mean
                X_train /= std + eps
                return (X_train,) + tuple((X - mean) / (std + eps) for X in others)
        """),
        ("one mean and std over all entries", """
            def standardize(X_train, *others, eps=1e-8):
                mean, std = X_train.mean(), X_train.std()
                return tuple((X - mean) / (std + eps) for X in (X_train, *others))
        """),
        ("statistics over the wrong axis (axis=1, keepdims)", """
            def standardize(X_train, *others, eps=1e-8):
                mean = X_train.mean(axis=1, keepdims=True)
                std = X_train.std(axis=1, keepdims=True)
                return (X_train - mean) / (std + eps), *(
                    (X - X.mean(axis=1, keepdims=True)) / (X.std(axis=1, keepdims=True) + eps)
                    for X in others)
        """),
        ("divides by the variance", """
            def standardize(X_train, *others, eps=1e-8):
                mean, var = X_train.mean(axis=0), X_train.var(axis=0)
                return tuple((X - mean) / (var + eps) for X in (X_train, *others))
        """),
        ("ignores the eps argument", """
            def standardize(X_train, *others, eps=1e-8):
                mean, std = X_train.mean(axis=0), X_train.std(axis=0)
                return tuple((X - mean) / (std + 1e-8) for X in (X_train, *others))
        """),
        ("statistics of all the arrays together (test data leaks in)", """
            def standardize(X_train, *others, eps=1e-8):
                everything = np.concatenate([X_train, *others])
                mean, std = everything.mean(axis=0), everything.std(axis=0)
                return tuple((X - mean) / (std + eps) for X in (X_train, *others))
        """),
        ("returns only the other arrays", """
            def standardize(X_train, *others, eps=1e-8):
                mean, std = X_train.mean(axis=0), X_train.std(axis=0)
                if not others:
                    return ((X_train - mean) / (std + eps),)
                return tuple((X - mean) / (std + eps) for X in others)
        """),
        ("only subtracts the mean", """
            def standardize(X_train, *others, eps=1e-8):
                mean = X_train.mean(axis=0)
                return tuple(X - mean for X in (X_train, *others))
        """),
    ),
    "iterate_minibatches": _entries(
        ("drops the last, smaller batch", """
            def iterate_minibatches(X, y, batch_size, rng=None):
                n = len(X)
                idx = np.arange(n) if rng is None else rng.permutation(n)
                for start in range(0, n - batch_size + 1, batch_size):
                    b = idx[start:start + batch_size]
                    yield X[b], y[b]
        """),
        ("random batches drawn with replacement", """
            def iterate_minibatches(X, y, batch_size, rng=None):
                n = len(X)
                for k in range(0, n, batch_size):
                    if rng is None:
                        b = np.arange(k, min(k + batch_size, n))
                    else:
                        b = rng.integers(0, n, size=min(batch_size, n - k))
                    yield X[b], y[b]
        """),
        ("the same order in every epoch (a generator with a fixed seed)", """
            def iterate_minibatches(X, y, batch_size, rng=None):
                n = len(X)
                idx = np.arange(n) if rng is None else np.random.default_rng(0).permutation(n)
                for start in range(0, n, batch_size):
                    b = idx[start:start + batch_size]
                    yield X[b], y[b]
        """),
        ("one permutation kept from the first call", """
            _order = {}

            def iterate_minibatches(X, y, batch_size, rng=None):
                n = len(X)
                if rng is None:
                    idx = np.arange(n)
                else:
                    if n not in _order:
                        _order[n] = rng.permutation(n)
                    idx = _order[n]
                for start in range(0, n, batch_size):
                    b = idx[start:start + batch_size]
                    yield X[b], y[b]
        """),
        ("X and y shuffled with two different permutations", """
            def iterate_minibatches(X, y, batch_size, rng=None):
                n = len(X)
                ix = np.arange(n) if rng is None else rng.permutation(n)
                iy = np.arange(n) if rng is None else rng.permutation(n)
                for start in range(0, n, batch_size):
                    yield X[ix[start:start + batch_size]], y[iy[start:start + batch_size]]
        """),
        ("shuffles with np.random when rng is None", """
            def iterate_minibatches(X, y, batch_size, rng=None):
                n = len(X)
                idx = np.random.permutation(n) if rng is None else rng.permutation(n)
                for start in range(0, n, batch_size):
                    b = idx[start:start + batch_size]
                    yield X[b], y[b]
        """),
        ("shuffles with np.random, ignoring rng", """
            def iterate_minibatches(X, y, batch_size, rng=None):
                n = len(X)
                idx = np.arange(n) if rng is None else np.random.permutation(n)
                for start in range(0, n, batch_size):
                    b = idx[start:start + batch_size]
                    yield X[b], y[b]
        """),
        ("shuffles X and y in place", """
            def iterate_minibatches(X, y, batch_size, rng=None):
                if rng is not None:
                    state = rng.bit_generator.state
                    rng.shuffle(X)
                    rng.bit_generator.state = state
                    rng.shuffle(y)
                for start in range(0, len(X), batch_size):
                    yield X[start:start + batch_size], y[start:start + batch_size]
        """),
        ("yields (yb, Xb)", """
            def iterate_minibatches(X, y, batch_size, rng=None):
                n = len(X)
                idx = np.arange(n) if rng is None else rng.permutation(n)
                for start in range(0, n, batch_size):
                    b = idx[start:start + batch_size]
                    yield y[b], X[b]
        """),
        ("yields only Xb", """
            def iterate_minibatches(X, y, batch_size, rng=None):
                n = len(X)
                idx = np.arange(n) if rng is None else rng.permutation(n)
                for start in range(0, n, batch_size):
                    yield X[idx[start:start + batch_size]]
        """),
        ("pads the last batch with samples from the start", """
            def iterate_minibatches(X, y, batch_size, rng=None):
                n = len(X)
                idx = np.arange(n) if rng is None else rng.permutation(n)
                for start in range(0, n, batch_size):
                    b = np.take(idx, np.arange(start, start + batch_size), mode="wrap")
                    yield X[b], y[b]
        """),
        ("np.array_split into N // batch_size pieces of uneven sizes", """
            def iterate_minibatches(X, y, batch_size, rng=None):
                n = len(X)
                idx = np.arange(n) if rng is None else rng.permutation(n)
                for b in np.array_split(idx, max(1, n // batch_size)):
                    yield X[b], y[b]
        """),
        ("batches one sample too small (slice end off by one)", """
            def iterate_minibatches(X, y, batch_size, rng=None):
                n = len(X)
                idx = np.arange(n) if rng is None else rng.permutation(n)
                for start in range(0, n, batch_size):
                    b = idx[start:start + max(1, batch_size - 1)]
                    yield X[b], y[b]
        """),
        ("y returned as a column (batch, 1)", """
            def iterate_minibatches(X, y, batch_size, rng=None):
                n = len(X)
                idx = np.arange(n) if rng is None else rng.permutation(n)
                for start in range(0, n, batch_size):
                    b = idx[start:start + batch_size]
                    yield X[b], y[b][:, None]
        """),
        ("reverses the order instead of shuffling", """
            def iterate_minibatches(X, y, batch_size, rng=None):
                n = len(X)
                idx = np.arange(n) if rng is None else np.arange(n)[::-1]
                for start in range(0, n, batch_size):
                    b = idx[start:start + batch_size]
                    yield X[b], y[b]
        """),
    ),
    "accuracy": _entries(
        ("argmax over axis 0", """
            def accuracy(scores, y):
                return float(np.mean(np.argmax(scores, axis=0) == y))
        """),
        ("the number of correct rows (a sum, not a mean)", """
            def accuracy(scores, y):
                return float(np.sum(np.argmax(scores, axis=1) == y))
        """),
        ("a percentage", """
            def accuracy(scores, y):
                return 100.0 * np.mean(np.argmax(scores, axis=1) == y)
        """),
        ("the error rate", """
            def accuracy(scores, y):
                return float(np.mean(np.argmax(scores, axis=1) != y))
        """),
        ("compares the largest score with the label", """
            def accuracy(scores, y):
                return float(np.mean(np.max(scores, axis=1) == y))
        """),
        ("argmax of the flattened array", """
            def accuracy(scores, y):
                return float(np.mean(np.argmax(scores) == y))
        """),
        ("probability of the label above 0.5", """
            def accuracy(scores, y):
                return float(np.mean(scores[np.arange(len(y)), y] > 0.5))
        """),
        ("argmin", """
            def accuracy(scores, y):
                return float(np.mean(np.argmin(scores, axis=1) == y))
        """),
        ("returns the boolean array", """
            def accuracy(scores, y):
                return np.argmax(scores, axis=1) == y
        """),
        ("divides by the number of classes", """
            def accuracy(scores, y):
                return float(np.sum(np.argmax(scores, axis=1) == y) / scores.shape[1])
        """),
    ),
    "sgd_step": _entries(
        ("replaces the arrays by new ones", """
            def sgd_step(params, grads, lr):
                for k in params:
                    params[k] = params[k] - lr * grads[k]
        """),
        ("steps along the gradient (+)", """
            def sgd_step(params, grads, lr):
                for k in params:
                    params[k] += lr * grads[k]
        """),
        ("updates only the weights", """
            def sgd_step(params, grads, lr):
                for k in params:
                    if k.startswith("W"):
                        params[k] -= lr * grads[k]
        """),
        ("returns a new dict and leaves params alone", """
            def sgd_step(params, grads, lr):
                return {k: v - lr * grads[k] for k, v in params.items()}
        """),
        ("divides by the learning rate", """
            def sgd_step(params, grads, lr):
                for k in params:
                    params[k] -= grads[k] / lr
        """),
        ("scales grads in place first", """
            def sgd_step(params, grads, lr):
                for k in params:
                    grads[k] *= lr
                    params[k] -= grads[k]
        """),
        ("params.update with new arrays", """
            def sgd_step(params, grads, lr):
                params.update({k: np.subtract(v, lr * grads[k]) for k, v in params.items()})
        """),
        ("forgets the learning rate", """
            def sgd_step(params, grads, lr):
                for k in params:
                    params[k] -= grads[k]
        """),
    ),
    "train": _entries(
        ("train_loss: the plain mean of the batch losses", _train(
            add="total += loss", train_loss="total / -(-len(X_train) // batch_size)")),
        ("val_loss on the last training batch", _train(val="loss_fn(params, Xb, yb)[0]")),
        ("best_epoch counted from 1", _train(best_epoch="epoch + 1")),
        ("best params never restored", _train(restore="pass")),
        ("best params kept as a reference to params, not a copy", _train(keep="params")),
        ("best params kept as a shallow copy of the dict", _train(keep="dict(params)")),
        ("patience off by one (waited > patience)", _train(stop="waited > patience")),
        ("stops on the training loss", """
            def train(params, loss_fn, score_fn, X_train, y_train, X_val, y_val, *, update,
                      epochs, batch_size, rng, patience=None, plot=False):
                history = {"train_loss": [], "val_loss": [], "val_acc": [], "best_epoch": None}
                best_train, best, waited = np.inf, None, 0
                for epoch in range(epochs):
                    total = 0.0
                    for Xb, yb in iterate_minibatches(X_train, y_train, batch_size, rng):
                        loss, grads = loss_fn(params, Xb, yb)
                        update(params, grads)
                        total += loss * len(Xb)
                    train_loss = total / len(X_train)
                    history["train_loss"].append(train_loss)
                    history["val_loss"].append(loss_fn(params, X_val, y_val)[0])
                    history["val_acc"].append(accuracy(score_fn(params, X_val), y_val))
                    if train_loss < best_train:
                        best_train, waited = train_loss, 0
                        history["best_epoch"] = epoch
                        best = {k: v.copy() for k, v in params.items()}
                    else:
                        waited += 1
                        if patience is not None and waited >= patience:
                            break
                if patience is not None:
                    for k in params:
                        params[k][...] = best[k]
                return history
        """),
        ("no shuffling: rng not passed to iterate_minibatches", _train(
            batch="for Xb, yb in iterate_minibatches(X_train, y_train, batch_size):")),
        ("train_loss recomputed on the whole training set after the epoch", _train(
            train_loss="loss_fn(params, X_train, y_train)[0]")),
        ("best params restored only when it stopped early", """
            def train(params, loss_fn, score_fn, X_train, y_train, X_val, y_val, *, update,
                      epochs, batch_size, rng, patience=None, plot=False):
                history = {"train_loss": [], "val_loss": [], "val_acc": [], "best_epoch": None}
                best_loss, best, waited = np.inf, None, 0
                for epoch in range(epochs):
                    total = 0.0
                    for Xb, yb in iterate_minibatches(X_train, y_train, batch_size, rng):
                        loss, grads = loss_fn(params, Xb, yb)
                        update(params, grads)
                        total += loss * len(Xb)
                    val_loss = loss_fn(params, X_val, y_val)[0]
                    history["train_loss"].append(total / len(X_train))
                    history["val_loss"].append(val_loss)
                    history["val_acc"].append(accuracy(score_fn(params, X_val), y_val))
                    if val_loss < best_loss:
                        best_loss, waited = val_loss, 0
                        history["best_epoch"] = epoch
                        best = {k: v.copy() for k, v in params.items()}
                    else:
                        waited += 1
                        if patience is not None and waited >= patience:
                            for k in params:
                                params[k][...] = best[k]
                            break
                return history
        """),
        ("an equal val_loss counts as an improvement", _train(better="val_loss <= best_loss")),
        ("val_acc on the training set", _train(acc="accuracy(score_fn(params, X_train), "
                                                    "y_train)")),
        ("train_loss summed, not divided by N", _train(train_loss="total")),
        ("the batch loss taken after the update", _train(
            step="loss, grads = loss_fn(params, Xb, yb)\n                update(params, grads)\n"
                 "                loss = loss_fn(params, Xb, yb)[0]")),
        ("restores by rebinding the local name", _train(
            restore="if patience is not None and best is not None:\n"
                    "                params = best")),
        ("one epoch too few", _train(epochs="range(epochs - 1)")),
        ("best_epoch is the last epoch", _train(best_epoch="len(history['val_loss']) - 1")
         .replace("return history", "history['best_epoch'] = len(history['val_loss']) - 1\n"
                                    "            return history")),
        ("no early stopping: patience ignored", _train(stop="False")),
    ),
}

CORRECT = {
    "init_params": _entries(
        ("standard_normal times std", _init(
            _STD_OK, weights="std * rng.standard_normal((fan_in, fan_out))")),
        ("drawn as (fan_out, fan_in) and transposed", _init(
            _STD_OK, weights="rng.normal(size=(fan_out, fan_in)).T * std")),
        ("variance table, every W first and the biases after, zip over the sizes", """
            def init_params(layer_sizes, method="he", rng=None):
                if rng is None:
                    rng = np.random.default_rng()
                variance = {"normal": lambda i, o: 1e-4, "xavier": lambda i, o: 2 / (i + o),
                            "he": lambda i, o: 2 / i}
                sizes = list(zip(layer_sizes[:-1], layer_sizes[1:]))
                params = {}
                for l, (i, o) in enumerate(sizes, start=1):
                    if method == "zeros":
                        params[f"W{l}"] = np.zeros((i, o))
                    elif method == "constant":
                        params[f"W{l}"] = 0.5 * np.ones((i, o))
                    else:
                        params[f"W{l}"] = np.sqrt(variance[method](i, o)) * rng.normal(size=(i, o))
                for l, (i, o) in enumerate(sizes, start=1):
                    params[f"b{l}"] = np.zeros_like(params[f"W{l}"][0])
                return params
        """),
        ("rng or a fresh generator, loc/scale keywords", """
            def init_params(layer_sizes, method="he", rng=None):
                rng = rng or np.random.default_rng()
                params = {}
                for l in range(1, len(layer_sizes)):
                    n_in, n_out = int(layer_sizes[l - 1]), int(layer_sizes[l])
                    shape = (n_in, n_out)
                    if method in ("zeros", "constant"):
                        W = np.full(shape, 0.0 if method == "zeros" else 0.5)
                    elif method == "normal":
                        W = rng.normal(loc=0.0, scale=0.01, size=shape)
                    elif method == "xavier":
                        W = rng.normal(loc=0.0, scale=(2.0 / (n_in + n_out)) ** 0.5, size=shape)
                    else:
                        W = rng.normal(loc=0.0, scale=(2.0 / n_in) ** 0.5, size=shape)
                    params["W" + str(l)] = W.astype(np.float64)
                    params["b" + str(l)] = np.zeros(n_out, dtype=np.float64)
                return params
        """),
    ),
    "standardize": _entries(
        ("explicit formula, tuple of a list", """
            def standardize(X_train, *others, eps=1e-8):
                X_train = np.asarray(X_train, dtype=float)
                mu = np.mean(X_train, axis=0)
                sigma = np.sqrt(np.mean((X_train - mu) ** 2, axis=0))
                out = [(X_train - mu) / (sigma + eps)]
                for X in others:
                    out.append((np.asarray(X, dtype=float) - mu) / (sigma + eps))
                return tuple(out)
        """),
        ("np.average and keepdims", """
            def standardize(X_train, *others, eps=1e-8):
                mean = np.average(X_train, axis=0)[None, :]
                std = np.std(X_train, axis=0, keepdims=True)
                scale = 1.0 / (std + eps)
                return (*((X - mean) * scale for X in (X_train,) + others),)
        """),
    ),
    "iterate_minibatches": _entries(
        ("rng.shuffle of an index array", """
            def iterate_minibatches(X, y, batch_size, rng=None):
                idx = np.arange(X.shape[0])
                if rng is not None:
                    rng.shuffle(idx)
                start = 0
                while start < len(idx):
                    batch = idx[start:start + batch_size]
                    yield X[batch], y[batch]
                    start += batch_size
        """),
        ("rng.choice without replacement and np.array_split", """
            def iterate_minibatches(X, y, batch_size, rng=None):
                n = len(y)
                order = np.arange(n) if rng is None else rng.choice(n, size=n, replace=False)
                for part in np.array_split(order, range(batch_size, n, batch_size)):
                    yield X[part], y[part]
        """),
        ("a list of batches", """
            def iterate_minibatches(X, y, batch_size, rng=None):
                order = rng.permutation(len(X)) if rng is not None else np.arange(len(X))
                Xs, ys = X[order], y[order]
                return [(Xs[i:i + batch_size], ys[i:i + batch_size])
                        for i in range(0, len(X), batch_size)]
        """),
        ("a generator expression", """
            def iterate_minibatches(X, y, batch_size, rng=None):
                n = len(X)
                idx = rng.permutation(n) if rng is not None else np.arange(n)
                return ((X[idx[s:s + batch_size]], y[idx[s:s + batch_size]])
                        for s in range(0, n, batch_size))
        """),
    ),
    "accuracy": _entries(
        ("argmax(-1) and count_nonzero", """
            def accuracy(scores, y):
                return np.count_nonzero(np.argmax(scores, axis=-1) == y) / len(y)
        """),
        ("mean of a float array", """
            def accuracy(scores, y):
                predictions = scores.argmax(axis=1)
                return (predictions == np.asarray(y)).astype(float).mean()
        """),
        ("mean computed in float32 (as d2l's book code does), returned as np.float32", """
            def accuracy(scores, y):
                correct = (np.argmax(scores, axis=1) == y).astype(np.float32)
                return correct.sum() / np.float32(len(y))
        """),
        ("float32 mean converted to a Python float", """
            def accuracy(scores, y):
                return float(np.mean((scores.argmax(axis=1) == y).astype(np.float32)))
        """),
    ),
    "sgd_step": _entries(
        ("np.subtract with out=", """
            def sgd_step(params, grads, lr):
                for key, value in params.items():
                    np.subtract(value, lr * grads[key], out=value)
        """),
        ("slice assignment, looping over grads", """
            def sgd_step(params, grads, lr):
                for key, g in grads.items():
                    params[key][...] = params[key] - lr * g
                return params
        """),
    ),
    "train": _entries(
        ("params.update(best), counters by sample", """
            def train(params, loss_fn, score_fn, X_train, y_train, X_val, y_val, *, update,
                      epochs, batch_size, rng, patience=None, plot=False):
                history = {"train_loss": [], "val_loss": [], "val_acc": []}
                best = None
                for epoch in range(epochs):
                    seen, total = 0, 0.0
                    for Xb, yb in iterate_minibatches(X_train, y_train, batch_size, rng=rng):
                        loss, grads = loss_fn(params, Xb, yb)
                        update(params, grads)
                        seen += Xb.shape[0]
                        total += Xb.shape[0] * loss
                    history["train_loss"].append(total / seen)
                    history["val_loss"].append(float(loss_fn(params, X_val, y_val)[0]))
                    history["val_acc"].append(accuracy(score_fn(params, X_val), y_val))
                    if history["val_loss"][-1] < min(history["val_loss"][:-1], default=np.inf):
                        best = {k: np.copy(v) for k, v in params.items()}
                    best_epoch = int(np.argmin(history["val_loss"]))
                    if patience is not None and epoch - best_epoch >= patience:
                        break
                history["best_epoch"] = int(np.argmin(history["val_loss"]))
                if patience is not None and best is not None:
                    params.update(best)
                return history
        """),
        ("deepcopy of the best params, accuracy computed inline", """
            import copy

            def train(params, loss_fn, score_fn, X_train, y_train, X_val, y_val, *, update,
                      epochs, batch_size, rng, patience=None, plot=False):
                train_losses, val_losses, val_accs = [], [], []
                best_epoch, best_params, since_best = None, None, 0
                n = len(X_train)
                for epoch in range(epochs):
                    losses, sizes = [], []
                    for Xb, yb in iterate_minibatches(X_train, y_train, batch_size, rng):
                        loss, grads = loss_fn(params, Xb, yb)
                        losses.append(loss)
                        sizes.append(len(yb))
                        update(params, grads)
                    train_losses.append(float(np.dot(losses, sizes) / n))
                    val_loss, _ = loss_fn(params, X_val, y_val)
                    val_losses.append(val_loss)
                    val_accs.append(float(np.mean(score_fn(params, X_val).argmax(1) == y_val)))
                    if best_epoch is None or val_loss < val_losses[best_epoch]:
                        best_epoch, best_params, since_best = epoch, copy.deepcopy(params), 0
                    else:
                        since_best += 1
                    if patience is not None and since_best == patience:
                        break
                if patience is not None:
                    for k in best_params:
                        params[k] = best_params[k]
                return {"train_loss": train_losses, "val_loss": val_losses,
                        "val_acc": val_accs, "best_epoch": best_epoch}
        """),
        ("val_acc computed inline in float32", _train(
            acc="float(np.mean((np.argmax(score_fn(params, X_val), axis=1) == y_val)"
                ".astype(np.float32)))")),
    ),
}
