"""Corpus of student implementations for the graded exercises of 03_gradients.

``WRONG[exercise]`` and ``CORRECT[exercise]`` are lists of ``(label, source)``: what a student
would type into the exercise's solution cell, with ``np`` (numpy) already imported and the
notebook's other functions available by name.

A WRONG entry violates the contract of COURSE.md ("Exercise contract" and "Precise
semantics") somewhere: forward instead of central differences, x not restored, only 1-D x,
rel_error without its floor, a softmax loss without the max shift or the 1/N, the wrong
regularisation gradient, a search that draws in another order or keeps the wrong candidate,
gradient descent that records the loss after the update or modifies W0, … A CORRECT entry
meets the contract everywhere, written differently from the instructor's solution.
"""

from corpus import entries as _entries

ASSIGNMENT = "03_gradients"
EXERCISES = {
    "numerical_gradient": ("numerical_gradient",),
    "rel_error": ("rel_error",),
    "linear_softmax_loss": ("linear_softmax_loss",),
    "random_search": ("random_search",),
    "random_local_search": ("random_local_search",),
    "gradient_descent": ("gradient_descent",),
}
# Misses that depend on the drawn inputs: checked on 300 seeds to keep them fixed.
SWEEP = [
    ("rel_error", "no abs on the difference: (a - b) / ..."),
    ("rel_error", "denominator |a + b| instead of |a| + |b|"),
    ("linear_softmax_loss", "shift by the global maximum of all scores"),
    ("random_local_search", "accepts candidates with an equal loss (<=)"),
]
# Words besides the function names that say which quantity a message is about.
QUANTITY = r"\binput (a|b|x|W0|W|X|y)\b"


WRONG = {
    "numerical_gradient": _entries(
        ("forward differences (f(x + h) - f(x)) / h", """
            def numerical_gradient(f, x, h=1e-5):
                grad = np.zeros_like(x)
                fx = f(x)
                for i in np.ndindex(x.shape):
                    old = x[i]
                    x[i] = old + h
                    grad[i] = (f(x) - fx) / h
                    x[i] = old
                return grad
        """),
        ("central difference divided by h instead of 2h", """
            def numerical_gradient(f, x, h=1e-5):
                grad = np.zeros_like(x)
                for i in np.ndindex(x.shape):
                    old = x[i]
                    x[i] = old + h
                    fp = f(x)
                    x[i] = old - h
                    fm = f(x)
                    x[i] = old
                    grad[i] = (fp - fm) / h
                return grad
        """),
        ("operator precedence: (fp - fm) / 2 * h", """
            def numerical_gradient(f, x, h=1e-5):
                grad = np.zeros_like(x)
                for i in np.ndindex(x.shape):
                    old = x[i]
                    x[i] = old + h
                    fp = f(x)
                    x[i] = old - h
                    fm = f(x)
                    x[i] = old
                    grad[i] = (fp - fm) / 2 * h
                return grad
        """),
        ("x not restored: leaves x[i] - h behind", """
            def numerical_gradient(f, x, h=1e-5):
                grad = np.zeros_like(x)
                for i in np.ndindex(x.shape):
                    x[i] += h
                    fp = f(x)
                    x[i] -= 2 * h
                    fm = f(x)
                    grad[i] = (fp - fm) / (2 * h)
                return grad
        """),
        ("loops over range(len(x)): perturbs whole rows of a 2-D x", """
            def numerical_gradient(f, x, h=1e-5):
                grad = np.zeros_like(x)
                for i in range(len(x)):
                    old = x[i].copy()
                    x[i] = old + h
                    fp = f(x)
                    x[i] = old - h
                    fm = f(x)
                    x[i] = old
                    grad[i] = (fp - fm) / (2 * h)
                return grad
        """),
        ("returns a flat gradient of shape (x.size,)", """
            def numerical_gradient(f, x, h=1e-5):
                grad = np.zeros(x.size)
                for i in range(x.size):
                    old = x.flat[i]
                    x.flat[i] = old + h
                    fp = f(x)
                    x.flat[i] = old - h
                    fm = f(x)
                    x.flat[i] = old
                    grad[i] = (fp - fm) / (2 * h)
                return grad
        """),
        ("calls f with a flattened copy of x", """
            def numerical_gradient(f, x, h=1e-5):
                flat = x.ravel().copy()
                grad = np.zeros(flat.shape)
                for i in range(flat.size):
                    plus, minus = flat.copy(), flat.copy()
                    plus[i] += h
                    minus[i] -= h
                    grad[i] = (f(plus) - f(minus)) / (2 * h)
                return grad.reshape(x.shape)
        """),
        ("aliasing: x_plus = x and x_minus = x are the same array", """
            def numerical_gradient(f, x, h=1e-5):
                grad = np.zeros_like(x)
                for i in np.ndindex(x.shape):
                    x_plus = x
                    x_minus = x
                    x_plus[i] = x[i] + h
                    x_minus[i] = x[i] - h
                    grad[i] = (f(x_plus) - f(x_minus)) / (2 * h)
                return grad
        """),
        ("perturbs every entry at once: (f(x + h) - f(x - h)) / 2h", """
            def numerical_gradient(f, x, h=1e-5):
                return np.full(x.shape, (f(x + h) - f(x - h)) / (2 * h))
        """),
        ("ignores h: a fixed step of 1e-5", """
            def numerical_gradient(f, x, h=1e-5):
                eps = 1e-5
                grad = np.zeros_like(x)
                for i in np.ndindex(x.shape):
                    xp = x.copy()
                    xm = x.copy()
                    xp[i] += eps
                    xm[i] -= eps
                    grad[i] = (f(xp) - f(xm)) / (2 * eps)
                return grad
        """),
        ("delegates to mlkit.gradcheck.numerical_gradient", """
            from mlkit.gradcheck import numerical_gradient as _mlkit_numerical_gradient

            def numerical_gradient(f, x, h=1e-5):
                return _mlkit_numerical_gradient(f, x, h=h)
        """),
    ),
    "rel_error": _entries(
        ("no floor: |a - b| / (|a| + |b|)", """
            def rel_error(a, b):
                return np.max(np.abs(a - b) / (np.abs(a) + np.abs(b)))
        """),
        ("mean instead of max", """
            def rel_error(a, b):
                return np.mean(np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b)))
        """),
        ("largest difference over largest sum", """
            def rel_error(a, b):
                return np.max(np.abs(a - b)) / max(1e-8, np.max(np.abs(a) + np.abs(b)))
        """),
        ("floor added instead of taken as a maximum: / (|a| + |b| + 1e-8)", """
            def rel_error(a, b):
                return np.max(np.abs(a - b) / (np.abs(a) + np.abs(b) + 1e-8))
        """),
        ("denominator max(|a|, |b|)", """
            def rel_error(a, b):
                return np.max(np.abs(a - b) / np.maximum(1e-8, np.maximum(np.abs(a), np.abs(b))))
        """),
        ("no abs on the difference: (a - b) / ...", """
            def rel_error(a, b):
                return np.max((a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b)))
        """),
        ("denominator |a + b| instead of |a| + |b|", """
            def rel_error(a, b):
                return np.max(np.abs(a - b) / np.maximum(1e-8, np.abs(a + b)))
        """),
        ("forgets the max: returns the element-wise ratios", """
            def rel_error(a, b):
                return np.abs(a - b) / np.maximum(1e-8, np.abs(a) + np.abs(b))
        """),
        ("floor of 1e-6", """
            def rel_error(a, b):
                return np.max(np.abs(a - b) / np.maximum(1e-6, np.abs(a) + np.abs(b)))
        """),
        ("Python max(1e-8, array)", """
            def rel_error(a, b):
                return np.max(np.abs(a - b) / max(1e-8, np.abs(a) + np.abs(b)))
        """),
        ("delegates to mlkit.gradcheck.rel_error", """
            import mlkit.gradcheck

            def rel_error(a, b):
                return mlkit.gradcheck.rel_error(a, b)
        """),
    ),
    "linear_softmax_loss": _entries(
        ("no max shift: exp of the raw scores", """
            def linear_softmax_loss(W, X, y, reg=0.0):
                N = X.shape[0]
                scores = X @ W
                e = np.exp(scores)
                P = e / e.sum(axis=1, keepdims=True)
                loss = -np.mean(np.log(P[np.arange(N), y])) + reg * np.sum(W ** 2)
                dS = P.copy()
                dS[np.arange(N), y] -= 1
                return loss, X.T @ dS / N + 2 * reg * W
        """),
        ("shift by the global maximum of all scores", """
            def linear_softmax_loss(W, X, y, reg=0.0):
                N = X.shape[0]
                scores = X @ W
                scores = scores - np.max(scores)
                logsum = np.log(np.sum(np.exp(scores), axis=1, keepdims=True))
                logp = scores - logsum
                loss = -np.mean(logp[np.arange(N), y]) + reg * np.sum(W ** 2)
                dS = np.exp(logp)
                dS[np.arange(N), y] -= 1
                return loss, X.T @ dS / N + 2 * reg * W
        """),
        ("log of the probabilities: log(0) for very unlikely labels", """
            def linear_softmax_loss(W, X, y, reg=0.0):
                N = X.shape[0]
                scores = X @ W
                scores -= scores.max(axis=1, keepdims=True)
                P = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
                loss = -np.log(P[np.arange(N), y]).mean() + reg * np.sum(W * W)
                dS = P
                dS[np.arange(N), y] -= 1
                return loss, X.T @ dS / N + 2 * reg * W
        """),
        ("probabilities clipped at 1e-12 before the log", """
            def linear_softmax_loss(W, X, y, reg=0.0):
                N = X.shape[0]
                scores = X @ W
                scores -= scores.max(axis=1, keepdims=True)
                P = np.exp(scores) / np.exp(scores).sum(axis=1, keepdims=True)
                loss = -np.log(np.clip(P[np.arange(N), y], 1e-12, 1)).mean() + reg * np.sum(W * W)
                dS = P.copy()
                dS[np.arange(N), y] -= 1
                return loss, X.T @ dS / N + 2 * reg * W
        """),
        ("dW without 1/N", """
            def linear_softmax_loss(W, X, y, reg=0.0):
                N = X.shape[0]
                S = X @ W
                S = S - S.max(axis=1, keepdims=True)
                logp = S - np.log(np.exp(S).sum(axis=1, keepdims=True))
                loss = -logp[np.arange(N), y].mean() + reg * np.sum(W * W)
                dS = np.exp(logp)
                dS[np.arange(N), y] -= 1
                return loss, X.T @ dS + 2 * reg * W
        """),
        ("loss summed over the samples, not averaged", """
            def linear_softmax_loss(W, X, y, reg=0.0):
                N = X.shape[0]
                S = X @ W
                S = S - S.max(axis=1, keepdims=True)
                logp = S - np.log(np.exp(S).sum(axis=1, keepdims=True))
                loss = -logp[np.arange(N), y].sum() + reg * np.sum(W * W)
                dS = np.exp(logp)
                dS[np.arange(N), y] -= 1
                return loss, X.T @ dS / N + 2 * reg * W
        """),
        ("regularisation gradient reg * W instead of 2 * reg * W", """
            def linear_softmax_loss(W, X, y, reg=0.0):
                N = X.shape[0]
                S = X @ W
                S = S - S.max(axis=1, keepdims=True)
                logp = S - np.log(np.exp(S).sum(axis=1, keepdims=True))
                loss = -logp[np.arange(N), y].mean() + reg * np.sum(W * W)
                dS = np.exp(logp)
                dS[np.arange(N), y] -= 1
                return loss, X.T @ dS / N + reg * W
        """),
        ("penalty 0.5 * reg * sum(W**2) with gradient reg * W", """
            def linear_softmax_loss(W, X, y, reg=0.0):
                N = X.shape[0]
                S = X @ W
                S = S - S.max(axis=1, keepdims=True)
                logp = S - np.log(np.exp(S).sum(axis=1, keepdims=True))
                loss = -logp[np.arange(N), y].mean() + 0.5 * reg * np.sum(W * W)
                dS = np.exp(logp)
                dS[np.arange(N), y] -= 1
                return loss, X.T @ dS / N + reg * W
        """),
        ("bias row (the last one) left out of the regularisation", """
            def linear_softmax_loss(W, X, y, reg=0.0):
                N = X.shape[0]
                S = X @ W
                S = S - S.max(axis=1, keepdims=True)
                logp = S - np.log(np.exp(S).sum(axis=1, keepdims=True))
                loss = -logp[np.arange(N), y].mean() + reg * np.sum(W[:-1] ** 2)
                dS = np.exp(logp)
                dS[np.arange(N), y] -= 1
                dW = X.T @ dS / N
                dW[:-1] += 2 * reg * W[:-1]
                return loss, dW
        """),
        ("dW transposed: dS.T @ X", """
            def linear_softmax_loss(W, X, y, reg=0.0):
                N = X.shape[0]
                S = X @ W
                S = S - S.max(axis=1, keepdims=True)
                logp = S - np.log(np.exp(S).sum(axis=1, keepdims=True))
                loss = -logp[np.arange(N), y].mean() + reg * np.sum(W * W)
                dS = np.exp(logp)
                dS[np.arange(N), y] -= 1
                return loss, (dS.T @ X) / N + 2 * reg * W.T
        """),
        ("forgets to subtract the one-hot labels in dW", """
            def linear_softmax_loss(W, X, y, reg=0.0):
                N = X.shape[0]
                S = X @ W
                S = S - S.max(axis=1, keepdims=True)
                logp = S - np.log(np.exp(S).sum(axis=1, keepdims=True))
                loss = -logp[np.arange(N), y].mean() + reg * np.sum(W * W)
                return loss, X.T @ np.exp(logp) / N + 2 * reg * W
        """),
        ("indexes log_probs[:, y]: an (N, N) block", """
            def linear_softmax_loss(W, X, y, reg=0.0):
                N = X.shape[0]
                S = X @ W
                S = S - S.max(axis=1, keepdims=True)
                logp = S - np.log(np.exp(S).sum(axis=1, keepdims=True))
                loss = -np.mean(logp[:, y]) + reg * np.sum(W * W)
                dS = np.exp(logp)
                dS[np.arange(N), y] -= 1
                return loss, X.T @ dS / N + 2 * reg * W
        """),
        ("mean over all N*K entries of -Y * log P", """
            def linear_softmax_loss(W, X, y, reg=0.0):
                N, K = X.shape[0], W.shape[1]
                S = X @ W
                S = S - S.max(axis=1, keepdims=True)
                logp = S - np.log(np.exp(S).sum(axis=1, keepdims=True))
                Y = np.eye(K)[y]
                loss = np.mean(-Y * logp) + reg * np.sum(W * W)
                return loss, X.T @ (np.exp(logp) - Y) / N + 2 * reg * W
        """),
        ("gradient sign flipped: X.T @ (Y - P) / N", """
            def linear_softmax_loss(W, X, y, reg=0.0):
                N, K = X.shape[0], W.shape[1]
                S = X @ W
                S = S - S.max(axis=1, keepdims=True)
                logp = S - np.log(np.exp(S).sum(axis=1, keepdims=True))
                Y = np.eye(K)[y]
                loss = -np.sum(Y * logp) / N + reg * np.sum(W * W)
                return loss, X.T @ (Y - np.exp(logp)) / N + 2 * reg * W
        """),
    ),
    "random_search": _entries(
        ("keeps the trial with the highest loss (>)", """
            def random_search(loss_fn, shape, num_trials, rng, scale=1e-4):
                best_W, best_loss = None, -np.inf
                for _ in range(num_trials):
                    W = scale * rng.standard_normal(shape)
                    loss = loss_fn(W)
                    if loss > best_loss:
                        best_W, best_loss = W, loss
                return best_W, best_loss
        """),
        ("returns the last trial", """
            def random_search(loss_fn, shape, num_trials, rng, scale=1e-4):
                best_loss = np.inf
                for _ in range(num_trials):
                    W = scale * rng.standard_normal(shape)
                    loss = loss_fn(W)
                    if loss < best_loss:
                        best_loss = loss
                return W, best_loss
        """),
        ("ignores scale: W = rng.standard_normal(shape)", """
            def random_search(loss_fn, shape, num_trials, rng, scale=1e-4):
                best_W, best_loss = None, float("inf")
                for t in range(num_trials):
                    W = rng.standard_normal(shape)
                    loss = loss_fn(W)
                    if loss < best_loss:
                        best_W, best_loss = W, loss
                return best_W, best_loss
        """),
        ("draws with np.random.randn instead of rng", """
            def random_search(loss_fn, shape, num_trials, rng, scale=1e-4):
                best_W, best_loss = None, np.inf
                for _ in range(num_trials):
                    W = scale * np.random.randn(*shape)
                    loss = loss_fn(W)
                    if loss < best_loss:
                        best_W, best_loss = W, loss
                return best_W, best_loss
        """),
        ("uniform draws rng.uniform(-scale, scale)", """
            def random_search(loss_fn, shape, num_trials, rng, scale=1e-4):
                best_W, best_loss = None, np.inf
                for _ in range(num_trials):
                    W = rng.uniform(-scale, scale, size=shape)
                    loss = loss_fn(W)
                    if loss < best_loss:
                        best_W, best_loss = W, loss
                return best_W, best_loss
        """),
        ("trials written in place into one buffer: best_W is overwritten", """
            def random_search(loss_fn, shape, num_trials, rng, scale=1e-4):
                W = np.empty(shape)
                best_W, best_loss = W, np.inf
                for _ in range(num_trials):
                    W[...] = scale * rng.standard_normal(shape)
                    loss = loss_fn(W)
                    if loss < best_loss:
                        best_W, best_loss = W, loss
                return best_W, best_loss
        """),
        ("best loss initialised to 0: never updates for positive losses", """
            def random_search(loss_fn, shape, num_trials, rng, scale=1e-4):
                best_W, best_loss = np.zeros(shape), 0.0
                for _ in range(num_trials):
                    W = scale * rng.standard_normal(shape)
                    loss = loss_fn(W)
                    if loss < best_loss:
                        best_W, best_loss = W, loss
                return best_W, best_loss
        """),
        ("draws a second, different W to store", """
            def random_search(loss_fn, shape, num_trials, rng, scale=1e-4):
                best_W, best_loss = None, np.inf
                for _ in range(num_trials):
                    loss = loss_fn(scale * rng.standard_normal(shape))
                    if loss < best_loss:
                        best_loss = loss
                        best_W = scale * rng.standard_normal(shape)
                return best_W, best_loss
        """),
        ("returns the last trial's loss with the best W", """
            def random_search(loss_fn, shape, num_trials, rng, scale=1e-4):
                best_W, best_loss = None, np.inf
                for _ in range(num_trials):
                    W = scale * rng.standard_normal(shape)
                    loss = loss_fn(W)
                    if loss < best_loss:
                        best_W, best_loss = W, loss
                return best_W, loss
        """),
        ("standard deviation sqrt(scale): rng.normal(0, np.sqrt(scale))", """
            def random_search(loss_fn, shape, num_trials, rng, scale=1e-4):
                trials = [rng.normal(0.0, np.sqrt(scale), size=shape) for _ in range(num_trials)]
                losses = [loss_fn(W) for W in trials]
                i = int(np.argmin(losses))
                return trials[i], losses[i]
        """),
    ),
    "random_local_search": _entries(
        ("accepts candidates with an equal loss (<=)", """
            def random_local_search(loss_fn, W0, num_iters, step_size, rng):
                W = W0.copy()
                loss = loss_fn(W)
                for _ in range(num_iters):
                    W_try = W + step_size * rng.standard_normal(W.shape)
                    loss_try = loss_fn(W_try)
                    if loss_try <= loss:
                        W, loss = W_try, loss_try
                return W, loss
        """),
        ("modifies W0 in place (W = W0; W += step, undone when rejected)", """
            def random_local_search(loss_fn, W0, num_iters, step_size, rng):
                W = W0
                loss = loss_fn(W)
                for _ in range(num_iters):
                    step = step_size * rng.standard_normal(W.shape)
                    W += step
                    new_loss = loss_fn(W)
                    if new_loss < loss:
                        loss = new_loss
                    else:
                        W -= step
                return W, loss
        """),
        ("draws every candidate around W0, not around the current W", """
            def random_local_search(loss_fn, W0, num_iters, step_size, rng):
                best_W, best_loss = W0.copy(), loss_fn(W0)
                for _ in range(num_iters):
                    W = W0 + step_size * rng.standard_normal(W0.shape)
                    loss = loss_fn(W)
                    if loss < best_loss:
                        best_W, best_loss = W, loss
                return best_W, best_loss
        """),
        ("starts from loss = inf: the first candidate is always taken", """
            def random_local_search(loss_fn, W0, num_iters, step_size, rng):
                W, loss = W0.copy(), np.inf
                for _ in range(num_iters):
                    W_new = W + step_size * rng.standard_normal(W.shape)
                    loss_new = loss_fn(W_new)
                    if loss_new < loss:
                        W, loss = W_new, loss_new
                return W, loss
        """),
        ("accepts the candidates that are worse (>)", """
            def random_local_search(loss_fn, W0, num_iters, step_size, rng):
                W = W0.copy()
                loss = loss_fn(W)
                for _ in range(num_iters):
                    W_new = W + step_size * rng.standard_normal(W.shape)
                    loss_new = loss_fn(W_new)
                    if loss_new > loss:
                        W, loss = W_new, loss_new
                return W, loss
        """),
        ("returns the loss of the last candidate", """
            def random_local_search(loss_fn, W0, num_iters, step_size, rng):
                W = W0.copy()
                loss = loss_fn(W)
                for _ in range(num_iters):
                    W_new = W + step_size * rng.standard_normal(W.shape)
                    new_loss = loss_fn(W_new)
                    if new_loss < loss_fn(W):
                        W = W_new
                    loss = new_loss
                return W, loss
        """),
        ("uniform steps rng.random(W.shape) - 0.5", """
            def random_local_search(loss_fn, W0, num_iters, step_size, rng):
                W = W0.copy()
                loss = loss_fn(W)
                for _ in range(num_iters):
                    W_new = W + step_size * (rng.random(W.shape) - 0.5)
                    new_loss = loss_fn(W_new)
                    if new_loss < loss:
                        W, loss = W_new, new_loss
                return W, loss
        """),
        ("draws with np.random.randn instead of rng", """
            def random_local_search(loss_fn, W0, num_iters, step_size, rng):
                W = W0.copy()
                loss = loss_fn(W)
                for _ in range(num_iters):
                    W_new = W + step_size * np.random.randn(*W.shape)
                    new_loss = loss_fn(W_new)
                    if new_loss < loss:
                        W, loss = W_new, new_loss
                return W, loss
        """),
        ("draws a new direction only after a rejected step", """
            def random_local_search(loss_fn, W0, num_iters, step_size, rng):
                W = W0.copy()
                loss = loss_fn(W)
                direction = rng.standard_normal(W.shape)
                for _ in range(num_iters):
                    W_new = W + step_size * direction
                    new_loss = loss_fn(W_new)
                    if new_loss < loss:
                        W, loss = W_new, new_loss
                    else:
                        direction = rng.standard_normal(W.shape)
                return W, loss
        """),
    ),
    "gradient_descent": _entries(
        ("records the loss after each update", """
            def gradient_descent(loss_and_grad, W0, lr, num_iters):
                W = W0.copy()
                losses = []
                for _ in range(num_iters):
                    _, grad = loss_and_grad(W)
                    W = W - lr * grad
                    losses.append(loss_and_grad(W)[0])
                return W, losses
        """),
        ("updates W0 in place (W = W0; W -= lr * grad)", """
            def gradient_descent(loss_and_grad, W0, lr, num_iters):
                W = W0
                losses = []
                for _ in range(num_iters):
                    loss, grad = loss_and_grad(W)
                    losses.append(loss)
                    W -= lr * grad
                return W, losses
        """),
        ("gradient ascent: W + lr * grad", """
            def gradient_descent(loss_and_grad, W0, lr, num_iters):
                W = W0.copy()
                losses = []
                for _ in range(num_iters):
                    loss, grad = loss_and_grad(W)
                    losses.append(loss)
                    W = W + lr * grad
                return W, losses
        """),
        ("num_iters + 1 losses: also records the final loss", """
            def gradient_descent(loss_and_grad, W0, lr, num_iters):
                W = W0.copy()
                losses = []
                for _ in range(num_iters):
                    loss, grad = loss_and_grad(W)
                    losses.append(loss)
                    W = W - lr * grad
                losses.append(loss_and_grad(W)[0])
                return W, losses
        """),
        ("stale gradient: computed once at W0", """
            def gradient_descent(loss_and_grad, W0, lr, num_iters):
                W = W0.copy()
                loss, grad = loss_and_grad(W)
                losses = []
                for _ in range(num_iters):
                    losses.append(loss)
                    W = W - lr * grad
                    loss, _ = loss_and_grad(W)
                return W, losses
        """),
        ("every step starts again from W0", """
            def gradient_descent(loss_and_grad, W0, lr, num_iters):
                W = W0.copy()
                losses = []
                for _ in range(num_iters):
                    loss, grad = loss_and_grad(W)
                    losses.append(loss)
                    W = W0 - lr * grad
                return W, losses
        """),
        ("one step too few: range(num_iters - 1) after a first evaluation", """
            def gradient_descent(loss_and_grad, W0, lr, num_iters):
                W = W0.copy()
                loss, grad = loss_and_grad(W)
                losses = [loss]
                for _ in range(num_iters - 1):
                    W = W - lr * grad
                    loss, grad = loss_and_grad(W)
                    losses.append(loss)
                return W, losses
        """),
        ("returns W0 instead of the final W", """
            def gradient_descent(loss_and_grad, W0, lr, num_iters):
                W = W0.copy()
                losses = []
                for _ in range(num_iters):
                    loss, grad = loss_and_grad(W)
                    losses.append(loss)
                    W = W - lr * grad
                return W0, losses
        """),
    ),
}

CORRECT = {
    "numerical_gradient": _entries(
        ("two perturbed copies per entry, np.ndindex", """
            def numerical_gradient(f, x, h=1e-5):
                grad = np.zeros(x.shape)
                for idx in np.ndindex(*x.shape):
                    x_plus = x.copy()
                    x_minus = x.copy()
                    x_plus[idx] += h
                    x_minus[idx] -= h
                    grad[idx] = (f(x_plus) - f(x_minus)) / (2 * h)
                return grad
        """),
        ("a flat view of x (x.reshape(-1)), saved value restored", """
            def numerical_gradient(f, x, h=1e-5):
                flat = x.reshape(-1)
                grad = np.zeros(flat.size)
                for i in range(flat.size):
                    old = flat[i]
                    flat[i] = old + h
                    fp = f(x)
                    flat[i] = old - h
                    fm = f(x)
                    flat[i] = old
                    grad[i] = (fp - fm) / (2 * h)
                return grad.reshape(x.shape)
        """),
        ("np.nditer with multi_index; x[i] += h, -= 2h, += h", """
            def numerical_gradient(f, x, h=1e-5):
                grad = np.zeros_like(x, dtype=float)
                it = np.nditer(x, flags=["multi_index"])
                while not it.finished:
                    i = it.multi_index
                    x[i] += h
                    fxph = f(x)
                    x[i] -= 2 * h
                    fxmh = f(x)
                    x[i] += h
                    grad[i] = (fxph - fxmh) / (2 * h)
                    it.iternext()
                return grad
        """),
        ("x.flat with try/finally", """
            def numerical_gradient(f, x, h=1e-5):
                grad = np.empty_like(x, dtype=float)
                for k in range(x.size):
                    old = x.flat[k]
                    try:
                        x.flat[k] = old + h
                        up = f(x)
                        x.flat[k] = old - h
                        down = f(x)
                    finally:
                        x.flat[k] = old
                    grad.flat[k] = (up - down) / (2 * h)
                return grad
        """),
        ("divides by the step actually taken, (x_i + h) - (x_i - h)", """
            def numerical_gradient(f, x, h=1e-5):
                grad = np.zeros(x.shape)
                for i in np.ndindex(x.shape):
                    old = x[i]
                    x[i] = old + h
                    up, f_up = x[i], f(x)
                    x[i] = old - h
                    down, f_down = x[i], f(x)
                    x[i] = old
                    grad[i] = (f_up - f_down) / (up - down)
                return grad
        """),
        ("unit arrays e_i: f(x + h e) - f(x - h e)", """
            def numerical_gradient(f, x, h=1e-5):
                grad = np.zeros(x.shape)
                for i in range(x.size):
                    e = np.zeros(x.shape)
                    e.flat[i] = h
                    grad.flat[i] = (f(x + e) - f(x - e)) / (2 * h)
                return grad
        """),
    ),
    "rel_error": _entries(
        ("np.clip for the floor", """
            def rel_error(a, b):
                num = np.abs(a - b)
                den = np.clip(np.abs(a) + np.abs(b), 1e-8, None)
                return float((num / den).max())
        """),
        ("np.where for the floor", """
            def rel_error(a, b):
                a = np.asarray(a, dtype=float)
                b = np.asarray(b, dtype=float)
                s = np.abs(a) + np.abs(b)
                s = np.where(s > 1e-8, s, 1e-8)
                return np.max(np.abs(a - b) / s)
        """),
        ("a Python loop over the flattened entries", """
            def rel_error(a, b):
                worst = 0.0
                for u, v in zip(np.ravel(a), np.ravel(b)):
                    worst = max(worst, abs(u - v) / max(1e-8, abs(u) + abs(v)))
                return worst
        """),
        ("np.amax of np.divide", """
            def rel_error(a, b):
                ratios = np.divide(np.absolute(np.subtract(a, b)),
                                   np.maximum(np.absolute(a) + np.absolute(b), 1e-8))
                return np.amax(ratios)
        """),
    ),
    "linear_softmax_loss": _entries(
        ("one-hot matrix Y, loss -sum(Y * log P) / N", """
            def linear_softmax_loss(W, X, y, reg=0.0):
                N, K = X.shape[0], W.shape[1]
                Y = np.zeros((N, K))
                Y[np.arange(N), y] = 1.0
                Z = X @ W
                Z = Z - Z.max(axis=1, keepdims=True)
                logP = Z - np.log(np.exp(Z).sum(axis=1, keepdims=True))
                loss = -np.sum(Y * logP) / N + reg * np.sum(W ** 2)
                dW = X.T @ (np.exp(logP) - Y) / N + 2 * reg * W
                return loss, dW
        """),
        ("np.logaddexp.reduce for the log-sum-exp", """
            def linear_softmax_loss(W, X, y, reg=0.0):
                n = len(y)
                s = X @ W
                lse = np.logaddexp.reduce(s, axis=1)
                loss = np.mean(lse - s[np.arange(n), y]) + reg * (W ** 2).sum()
                p = np.exp(s - lse[:, None])
                p[np.arange(n), y] -= 1
                return loss, X.T.dot(p) / n + reg * 2 * W
        """),
        ("np.take_along_axis and probabilities normalised after the shift", """
            def linear_softmax_loss(W, X, y, reg=0.0):
                N = X.shape[0]
                scores = np.dot(X, W)
                m = np.max(scores, axis=1, keepdims=True)
                e = np.exp(scores - m)
                total = e.sum(axis=1, keepdims=True)
                correct = np.take_along_axis(scores - m, y[:, None], axis=1)
                loss = float(np.mean(np.log(total) - correct)) + reg * float(np.sum(W * W))
                probs = e / total
                probs[np.arange(N), y] -= 1.0
                dW = np.dot(X.T, probs) / N + 2.0 * reg * W
                return loss, dW
        """),
        ("two products: X.T @ P - X.T @ Y, loss from the log-sum-exp", """
            def linear_softmax_loss(W, X, y, reg=0.0):
                N, K = X.shape[0], W.shape[1]
                S = X @ W
                m = S.max(axis=1)
                lse = m + np.log(np.exp(S - m[:, None]).sum(axis=1))
                loss = np.sum(lse - S[np.arange(N), y]) / N + reg * np.vdot(W, W)
                P = np.exp(S - lse[:, None])
                Y = np.zeros((N, K))
                Y[np.arange(N), y] = 1.0
                return loss, (X.T @ P - X.T @ Y) / N + 2 * reg * W
        """),
        ("dscores built first, regularisation added separately", """
            def linear_softmax_loss(W, X, y, reg=0.0):
                num = X.shape[0]
                sc = X @ W
                sc -= np.amax(sc, axis=1)[:, np.newaxis]
                log_norm = np.log(np.sum(np.exp(sc), axis=1))
                data_loss = np.sum(log_norm - sc[range(num), y]) / num
                dsc = np.exp(sc - log_norm[:, np.newaxis])
                dsc[range(num), y] -= 1
                dsc /= num
                dW = X.T @ dsc
                dW += 2 * reg * W
                return data_loss + reg * np.sum(W * W), dW
        """),
    ),
    "random_search": _entries(
        ("all trials drawn in one call, np.argmin", """
            def random_search(loss_fn, shape, num_trials, rng, scale=1e-4):
                Ws = scale * rng.standard_normal((num_trials, *shape))
                losses = np.array([loss_fn(W) for W in Ws])
                i = int(np.argmin(losses))
                return Ws[i], losses[i]
        """),
        ("rng.normal(0, scale, size=shape)", """
            def random_search(loss_fn, shape, num_trials, rng, scale=1e-4):
                best = (None, float("inf"))
                for _ in range(num_trials):
                    W = rng.normal(0.0, scale, size=shape)
                    L = loss_fn(W)
                    if L < best[1]:
                        best = (W, L)
                return best
        """),
        ("min over (loss, index) pairs", """
            def random_search(loss_fn, shape, num_trials, rng, scale=1e-4):
                trials = []
                for t in range(num_trials):
                    W = rng.normal(size=shape) * scale
                    trials.append((loss_fn(W), t, W))
                loss, _, W = min(trials, key=lambda item: (item[0], item[1]))
                return W, loss
        """),
        ("first trial as the initial best", """
            def random_search(loss_fn, shape, num_trials, rng, scale=1e-4):
                best_W = scale * rng.standard_normal(shape)
                best_loss = loss_fn(best_W)
                for _ in range(num_trials - 1):
                    W = scale * rng.standard_normal(shape)
                    loss = loss_fn(W)
                    if loss < best_loss:
                        best_W, best_loss = W.copy(), loss
                return best_W, best_loss
        """),
    ),
    "random_local_search": _entries(
        ("rng.normal(W, step_size) as the candidate", """
            def random_local_search(loss_fn, W0, num_iters, step_size, rng):
                W, loss = np.array(W0, dtype=float), loss_fn(W0)
                for _ in range(num_iters):
                    cand = rng.normal(W, step_size)
                    c_loss = loss_fn(cand)
                    if c_loss < loss:
                        W, loss = cand, c_loss
                return W, loss
        """),
        ("step drawn separately with rng.normal(0, step_size, shape)", """
            def random_local_search(loss_fn, W0, num_iters, step_size, rng):
                best_W = W0.copy()
                best_loss = loss_fn(best_W)
                it = 0
                while it < num_iters:
                    delta = rng.normal(0.0, step_size, W0.shape)
                    trial = best_W + delta
                    trial_loss = loss_fn(trial)
                    if trial_loss < best_loss:
                        best_W, best_loss = trial, trial_loss
                    it += 1
                return best_W, best_loss
        """),
        ("accepted candidates copied into a working array in place", """
            def random_local_search(loss_fn, W0, num_iters, step_size, rng):
                W = np.copy(W0)
                loss = loss_fn(W)
                for _ in range(num_iters):
                    cand = W + step_size * rng.standard_normal(size=W.shape)
                    cl = loss_fn(cand)
                    if cl < loss:
                        np.copyto(W, cand)
                        loss = cl
                return W, loss
        """),
    ),
    "gradient_descent": _entries(
        ("in-place update of a copy, losses as a numpy array", """
            def gradient_descent(loss_and_grad, W0, lr, num_iters):
                W = W0.copy()
                losses = np.zeros(num_iters)
                for t in range(num_iters):
                    losses[t], grad = loss_and_grad(W)
                    W -= lr * grad
                return W, losses
        """),
        ("while loop, W = W0 * 1.0", """
            def gradient_descent(loss_and_grad, W0, lr, num_iters):
                W = W0 * 1.0
                history = []
                while len(history) < num_iters:
                    value, g = loss_and_grad(W)
                    history.append(value)
                    W = W - lr * g
                return W, history
        """),
        ("np.subtract into a fresh array each step", """
            def gradient_descent(loss_and_grad, W0, lr, num_iters):
                W, losses = W0, []
                for i in range(num_iters):
                    l, g = loss_and_grad(W)
                    losses += [l]
                    W = np.subtract(W, lr * g)
                return W, losses
        """),
    ),
}
