"""Benchmark: one training epoch of the course's MLP in numpy, against PyTorch on the CPU.

    python benchmarks/training.py [--epochs 10] [--threads 1,all] [--dtype float64,float32]
                                  [--analyse]

The network is the course's reference MLP, 784-256-10 with ReLU, softmax cross-entropy,
plain SGD (lr 0.1), batches of 64, on the MNIST digits that ship with mlkit. "numpy" is the
course's own code: notebook 04's reference ``mlp_loss`` (``autograde.course.reference``)
and notebook 05's ``sgd_step`` (an in-place ``p -= lr * g`` while 05 does not exist yet;
the output says which). "torch" is the same network written the usual PyTorch way
(``nn.Sequential``, ``nn.CrossEntropyLoss``, ``torch.optim.SGD``), started from the same
weights and fed the same batches in the same order, so both train the same model: the
benchmark fails if their losses after training differ.

Every measurement runs in a fresh Python process with its thread count fixed before numpy
or torch is loaded (``OPENBLAS/OMP/MKL_NUM_THREADS``, threadpoolctl, ``torch.set_num_threads``),
so neither the thread pools nor the memory figures of one run leak into another. Memory is
the kernel's peak resident size (VmHWM), reset just before training, minus the resident size
then, plus tracemalloc's peak of the numpy arrays one epoch allocates. It prints figures and
asserts nothing about speed (targets: numpy no slower than PyTorch, at least 60 % of the
machine's matrix-multiply peak). ``--analyse`` adds where the numpy epoch's time goes, with
torch and the reference interleaved epoch by epoch in one process so that a change of load
hits both alike.

Where OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are set (a workaround for older OpenBLAS builds
on some CPUs), numpy runs that older kernel; the header says which one ran. To measure the
current kernel, unset both for this command only:
``env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/training.py``.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

LAYERS = (784, 256, 10)
BATCH = 64
LR = 0.1
SEED = 0
THREAD_VARS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
OPENBLAS_CPU_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")


def useful_flops(n_samples):
    """Floating-point operations one epoch over n_samples needs (a multiply-add counts 2).

    Forward: X @ W1 and H @ W2. Backward: dW1, dW2 and dH (the gradient reaching the hidden
    layer); the gradient with respect to the input images is useless and not counted.
    Biases, ReLU, softmax and the update are O(N·H) and left out.
    """
    d, h, k = LAYERS
    forward = 2 * n_samples * (d * h + h * k)
    backward = 2 * n_samples * (d * h + 2 * h * k)
    return forward + backward


# --------------------------------------------------------------------------- worker side
# Everything below up to main() runs inside one child process per measurement.

def _kib(field):
    """A field of /proc/self/status in KiB (VmRSS: resident now, VmHWM: peak resident).

    Without /proc (not Linux): the peak from getrusage (KiB on Linux, bytes on macOS) and
    None for the current size.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    if field == "VmHWM":
        import resource
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak // 1024 if sys.platform == "darwin" else peak
    return None


def _reset_peak_rss():
    """Make the kernel's peak-RSS counter start again from the current RSS (Linux >= 4.0)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def load_digits(n_samples=None):
    """Training digits as (X float64 (N, 784), y int64 (N,), description)."""
    from mlkit import datasets
    try:
        X, y, _, _ = datasets.load_mnist("4k")
        name = 'load_mnist("4k")'
    except (ValueError, OSError):  # older mlkit: the subset was called "5k"
        X, y, _, _ = datasets.load_mnist("5k")
        name = 'load_mnist("5k")'
    if n_samples:
        X, y = X[:n_samples], y[:n_samples]
    return X, y, f"{name} training part, {len(y)} digits"


def init_params(dtype):
    """He-initialised 784-256-10 parameters (biases zero), the same in every run."""
    import numpy as np
    rng = np.random.default_rng(SEED)
    params = {}
    for i, (fan_in, fan_out) in enumerate(zip(LAYERS[:-1], LAYERS[1:]), start=1):
        params[f"W{i}"] = (rng.standard_normal((fan_in, fan_out))
                           * np.sqrt(2.0 / fan_in)).astype(dtype)
        params[f"b{i}"] = np.zeros(fan_out, dtype=dtype)
    return params


def batch_order(n_samples, epoch):
    """The batches of one epoch, as index arrays: a shuffle seeded by the epoch number."""
    import numpy as np
    order = np.random.default_rng([SEED, epoch]).permutation(n_samples)
    return [order[i:i + BATCH] for i in range(0, n_samples, BATCH)]


def course_sgd_step():
    """Notebook 05's sgd_step if it exists, else the in-place update it specifies."""
    from autograde.course import reference
    try:
        return reference("05_training")["sgd_step"], 'reference("05_training")["sgd_step"]'
    except Exception as exc:  # not written yet, or not runnable: say so in the output
        def sgd_step(params, grads, lr):
            for key in params:
                params[key] -= lr * grads[key]
        return sgd_step, f"in-place p -= lr * g (05's sgd_step unavailable: {type(exc).__name__})"


def numpy_step():
    """(step(params, Xb, yb) -> loss, description) with the course's reference code."""
    from autograde.course import reference
    mlp_loss = reference("04_backprop")["mlp_loss"]
    sgd_step, sgd_name = course_sgd_step()

    def step(params, Xb, yb):
        loss, grads = mlp_loss(params, Xb, yb)
        sgd_step(params, grads, LR)
        return loss

    def grad_dtypes(params, Xb, yb):
        return sorted({str(g.dtype) for g in mlp_loss(params, Xb, yb)[1].values()})
    step.grad_dtypes = grad_dtypes
    return step, sgd_name


def numpy_trainer(cfg):
    """(epoch(e) -> mean loss, facts) training the course's numpy code on the digits."""
    X, y, data_name = load_digits(cfg.get("samples"))
    X = X.astype(cfg["dtype"])
    params = init_params(cfg["dtype"])
    step, sgd_name = numpy_step()

    def epoch(e):
        total = 0.0
        for idx in batch_order(len(y), e):  # as 05's iterate_minibatches: X[idx], y[idx]
            total += step(params, X[idx], y[idx]) * len(idx)
        return total / len(y)

    def facts():
        return {"data": data_name, "update": sgd_name, "n_images": len(y),
                "grad_dtypes": step.grad_dtypes(params, X[:BATCH], y[:BATCH]),
                "param_dtypes": sorted({str(p.dtype) for p in params.values()})}
    return epoch, facts


def torch_trainer(cfg):
    """(epoch(e) -> mean loss, facts) training the same network, the PyTorch way."""
    import numpy as np
    import torch
    torch.set_num_threads(cfg["threads"])
    X_np, y_np, data_name = load_digits(cfg.get("samples"))
    dtype = {"float64": torch.float64, "float32": torch.float32}[cfg["dtype"]]
    X, y = torch.from_numpy(X_np).to(dtype), torch.from_numpy(y_np)
    start = init_params(np.float64)
    model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(),
                                torch.nn.Linear(256, 10)).to(dtype)
    with torch.no_grad():  # nn.Linear keeps W as (out, in): the course's W transposed
        for i, layer in ((1, model[0]), (2, model[2])):
            layer.weight.copy_(torch.from_numpy(start[f"W{i}"].T))
            layer.bias.copy_(torch.from_numpy(start[f"b{i}"]))
    loss_fn = torch.nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=LR)

    def epoch(e):
        total = 0.0
        for idx in batch_order(len(y_np), e):
            idx = torch.from_numpy(idx)
            optimizer.zero_grad(set_to_none=True)
            loss = loss_fn(model(X[idx]), y[idx])
            loss.backward()
            optimizer.step()
            total += loss.item() * len(idx)
        return total / len(y_np)

    def facts():
        return {"data": data_name, "update": "torch.optim.SGD", "n_images": len(y_np),
                "param_dtypes": sorted({str(p.dtype) for p in model.parameters()})}
    return epoch, facts


def run_numpy(cfg):
    epoch, facts = numpy_trainer(cfg)
    result = _timed_epochs(epoch, cfg["epochs"])
    result.update(facts())
    if cfg.get("tracemalloc"):  # one more, untimed epoch: tracing slows Python allocations
        import tracemalloc
        tracemalloc.start()
        epoch(cfg["epochs"] + 1)
        result["traced_peak_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return result


def run_torch(cfg):
    epoch, facts = torch_trainer(cfg)
    result = _timed_epochs(epoch, cfg["epochs"])
    result.update(facts())
    return result


def run_compare(cfg):
    """--analyse: torch and the reference, interleaved epoch by epoch in this one process (so
    a change of load hits both alike), plus a profile and GEMM peak."""
    trainers = {"torch": torch_trainer(cfg), "reference": numpy_trainer(cfg)}
    times = {name: {"wall": [], "cpu": [], "losses": []} for name in trainers}
    gemm = []
    for e in range(cfg["epochs"] + 1):  # epoch 0 is the warm-up
        for name, (epoch, _) in trainers.items():
            w, c = time.perf_counter(), time.process_time()
            loss = epoch(e)
            if e:
                times[name]["wall"].append(time.perf_counter() - w)
                times[name]["cpu"].append(time.process_time() - c)
            times[name]["losses"].append(loss)
        gemm.append(run_gemm(cfg))
    for name, (_, facts) in trainers.items():
        times[name].update(facts())
    reference_epoch = numpy_trainer(cfg)[0]
    reference_epoch(0)
    return {"variants": times, "profile": _profile(reference_epoch, 1),
            "gemm_cpu_gflops": max(g["cpu_gflops"] for g in gemm)}


def _timed_epochs(epoch, epochs):
    """One warm-up epoch, then `epochs` timed ones; peak RSS counted from before warm-up."""
    rss_before = _kib("VmRSS")
    reset = _reset_peak_rss()
    losses = [epoch(0)]
    wall, cpu = [], []
    for e in range(1, epochs + 1):
        w, c = time.perf_counter(), time.process_time()
        losses.append(epoch(e))
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
    hwm = _kib("VmHWM")
    return {"wall": wall, "cpu": cpu, "losses": losses, "peak_rss_mib": hwm / 1024,
            "training_rss_mib": (hwm - rss_before) / 1024 if reset and rss_before else None}


def _profile(epoch, e):
    """Share of one epoch's time per function (own time, cProfile), largest first."""
    import cProfile
    import pstats
    profiler = cProfile.Profile()
    profiler.runcall(epoch, e)
    stats = pstats.Stats(profiler).stats
    total = sum(s[2] for s in stats.values())
    rows = [(f"{func[2]}" if func[0] == "~" else f"{func[2]} ({Path(func[0]).name})", s[2])
            for func, s in stats.items()]
    rows.sort(key=lambda r: -r[1])
    return {"total": total, "rows": rows[:12]}


def run_gemm(cfg):
    """Best GFLOP/s of a large square A @ B: the machine's matrix-multiply peak."""
    import numpy as np
    n = cfg["size"]
    rng = np.random.default_rng(SEED)
    A = rng.standard_normal((n, n)).astype(cfg["dtype"])
    B = rng.standard_normal((n, n)).astype(cfg["dtype"])
    A @ B  # warm-up: thread pool start, page faults
    times = [_seconds(lambda: A @ B) for _ in range(3)]
    return {"gflops": 2 * n**3 / min(t[0] for t in times) / 1e9,
            "cpu_gflops": 2 * n**3 / min(t[1] for t in times) / 1e9}


def _seconds(f):
    """(wall-clock, process CPU) seconds that f() takes."""
    wall, cpu = time.perf_counter(), time.process_time()
    f()
    return time.perf_counter() - wall, time.process_time() - cpu


def worker(cfg):
    """Run one measurement in this process and print its result as one JSON line."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("MLKIT_PROGRESS", "0")
    import numpy  # noqa: F401  (BLAS loads here, with the thread count of the environment)
    blas = _blas_info(cfg["threads"])
    kinds = {"gemm": run_gemm, "numpy": run_numpy, "torch": run_torch, "compare": run_compare}
    result = kinds[cfg["kind"]](cfg)
    result["blas"] = blas
    print(json.dumps(result))


def _blas_info(threads):
    """Limit numpy's BLAS to `threads` and describe it (library, kernel, threads)."""
    try:
        from threadpoolctl import threadpool_info, threadpool_limits
    except ImportError:
        return {"library": "unknown (threadpoolctl not installed)"}
    threadpool_limits(threads, user_api="blas")
    for info in threadpool_info():
        if info["user_api"] == "blas" and "numpy" in info["filepath"]:
            return {"library": f"{info['internal_api']} {info.get('version')}",
                    "kernel": info.get("architecture"), "threads": info["num_threads"]}
    return {"library": "unknown (no BLAS found by threadpoolctl)"}


# --------------------------------------------------------------------------- parent side

def measure(cfg):
    """Run one measurement in a fresh process with its thread count; its result dict."""
    env = dict(os.environ, MLKIT_PROGRESS="0", **{v: str(cfg["threads"]) for v in THREAD_VARS})
    proc = subprocess.run([sys.executable, __file__, "--worker", json.dumps(cfg)], env=env,
                          capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        sys.exit(f"measurement {cfg} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def median(values):
    return statistics.median(values)


def check_same_training(dtype, numpy_result, torch_result):
    """Both frameworks trained the same model: their per-epoch losses must agree."""
    tol = 1e-6 if dtype == "float64" else 2e-3
    a, b = numpy_result["losses"], torch_result["losses"]
    worst = max(abs(x - y) / max(abs(y), 1e-12) for x, y in zip(a, b))
    if worst > tol:
        sys.exit(f"{dtype}: numpy and PyTorch did not train the same model: mean losses per "
                 f"epoch {a} vs {b} (relative difference {worst:.1e} > {tol:.0e})")
    return worst


def parse_threads(text):
    """"1,all" -> [1, number of cores]; None if the text is not such a list."""
    cores = os.cpu_count() or 1
    try:
        values = {cores if part.strip() == "all" else int(part) for part in text.split(",")}
    except ValueError:
        return None
    return sorted(values) if min(values) >= 1 else None


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=10,
                        help="timed epochs per run, after one warm-up epoch (default 10)")
    parser.add_argument("--threads", default="1,all",
                        help='BLAS/torch thread counts, comma-separated; "all" = every core')
    parser.add_argument("--dtype", default="float64,float32",
                        help="float64, float32 or both (comma-separated)")
    parser.add_argument("--analyse", action="store_true",
                        help="also show where the numpy epoch's time goes (1 thread), "
                             "beside torch run interleaved")
    parser.add_argument("--samples", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--gemm-size", type=int, default=2048, help=argparse.SUPPRESS)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(json.loads(args.worker))

    dtypes = [d.strip() for d in args.dtype.split(",")]
    for d in dtypes:
        if d not in ("float64", "float32"):
            parser.error(f"--dtype: {d!r} is not float64 or float32")
    threads = parse_threads(args.threads)
    if threads is None:
        parser.error(f"--threads: {args.threads!r} is not a list of counts >= 1 or 'all'")
    if args.epochs < 1:
        parser.error("--epochs must be at least 1")
    base = {"epochs": args.epochs, "samples": args.samples, "size": args.gemm_size}

    load = os.getloadavg()  # before our own runs add to it
    rows, details = [], []
    for dtype in dtypes:
        for n in threads:
            cfg = dict(base, dtype=dtype, threads=n)
            gemm = measure(dict(cfg, kind="gemm"))
            mine = measure(dict(cfg, kind="numpy", tracemalloc=True))
            theirs = measure(dict(cfg, kind="torch"))
            agreement = check_same_training(dtype, mine, theirs)
            rows.append((dtype, n, gemm, mine, theirs))
            details.append((dtype, n, agreement, gemm, mine, theirs))
    print_header(rows[0][3], load)
    print_table(rows, args)
    print_details(details)
    if args.analyse:
        analyse(dtypes, base)


def print_header(numpy_result, load):
    blas = numpy_result["blas"]
    cpu_vars = {v: os.environ[v] for v in OPENBLAS_CPU_VARS if v in os.environ}
    print(f"MLP {'-'.join(map(str, LAYERS))}, ReLU, softmax cross-entropy, SGD lr {LR}, "
          f"batch {BATCH}; data: {numpy_result['data']}")
    print(f"numpy: reference('04_backprop')['mlp_loss'] + {numpy_result['update']}")
    print("torch: nn.Sequential(Linear, ReLU, Linear) + CrossEntropyLoss + optim.SGD, "
          "same initial weights, same batches")
    print(f"numpy BLAS: {blas.get('library')}, kernel {blas.get('kernel')}; "
          + (", ".join(f"{k}={v}" for k, v in cpu_vars.items()) + " set (the kernel for "
             "this CPU may be faster: rerun with `env -u OPENBLAS_CORETYPE -u "
             "OPENBLAS_L2_SIZE`)" if cpu_vars else "no OPENBLAS_CORETYPE override"))
    print(f"machine: {os.cpu_count()} cores, load average before the runs "
          + " ".join(f"{x:.1f}" for x in load)
          + (" — LOADED: wall-clock figures are inflated by other processes (the CPU-time "
             "lines below much less so); rerun on an idle machine" if load[0] > 0.5
             else " (idle enough for wall-clock figures)"))
    print()


def print_table(rows, args):
    head = (f"{'dtype':8} {'thr':>3} | {'numpy s/ep':>10} {'img/s':>7} {'MiB':>5} | "
            f"{'torch s/ep':>10} {'img/s':>7} {'MiB':>5} | {'speed np/torch':>14} | "
            f"{'GEMM peak':>9} {'numpy':>7} {'of peak':>7}")
    print(head)
    print("-" * len(head))
    for dtype, n, gemm, mine, theirs in rows:
        n_img = mine["n_images"]
        t_np, t_torch = min(mine["wall"]), min(theirs["wall"])
        gflops = useful_flops(n_img) / t_np / 1e9
        print(f"{dtype:8} {n:>3} | {t_np:>10.3f} {n_img / t_np:>7.0f} "
              f"{_mib(mine):>5} | {t_torch:>10.3f} {n_img / t_torch:>7.0f} {_mib(theirs):>5} | "
              f"{t_torch / t_np:>13.2f}x | {gemm['gflops']:>6.1f} GF "
              f"{gflops:>4.1f} GF {100 * gflops / gemm['gflops']:>6.0f} %")
    print()
    print(f"s/ep: wall-clock seconds of the fastest of {args.epochs} timed epochs (after one "
          "warm-up epoch; median and range below); img/s: training images per second.")
    print("MiB: peak resident memory the training added to its process (kernel high-water "
          "mark, reset before training, minus the resident size then; each run is its own "
          "process).")
    print("speed np/torch: torch s/ep ÷ numpy s/ep (1.00x or more: numpy no slower; target "
          "met). GEMM peak: best numpy A @ B, square "
          f"{args.gemm_size}, same dtype and threads; numpy: useful GFLOP/s of its epoch "
          f"({useful_flops(1) / 1e6:.3f} MFLOP per image: forward + dW + dH, not the input "
          "gradient); of peak: the ratio (target >= 60 %).")


def _mib(result):
    value = result["training_rss_mib"]
    return "n/a" if value is None else f"{value:.0f}"


def print_details(details):
    print()
    for dtype, n, agreement, gemm, mine, theirs in details:
        print(f"{dtype}, {n} thread(s): numpy {_spread(mine)}, cpu {min(mine['cpu']):.3f} "
              f"s/ep, params {'/'.join(mine['param_dtypes'])}, BLAS threads "
              f"{mine['blas'].get('threads')}, numpy arrays allocated at peak "
              f"{mine['traced_peak_mib']:.1f} MiB (tracemalloc, one epoch), process peak "
              f"{mine['peak_rss_mib']:.0f} MiB; torch {_spread(theirs)}, cpu "
              f"{min(theirs['cpu']):.3f} s/ep, process peak {theirs['peak_rss_mib']:.0f} "
              f"MiB; mean loss of the last epoch {mine['losses'][-1]:.5f} (numpy) vs "
              f"{theirs['losses'][-1]:.5f} (torch), largest relative difference over the "
              f"epochs {agreement:.1e}")
        if n == 1:  # one thread: CPU time leaves out the time other processes took the core
            t_np, t_torch = min(mine["cpu"]), min(theirs["cpu"])
            share = useful_flops(mine["n_images"]) / t_np / 1e9 / gemm["cpu_gflops"]
            print(f"  by CPU time (less sensitive to load): numpy {t_np:.3f} s/ep, torch "
                  f"{t_torch:.3f} s/ep, speed np/torch {t_torch / t_np:.2f}x, GEMM peak "
                  f"{gemm['cpu_gflops']:.1f} GFLOP/s, numpy {100 * share:.0f} % of it")


def _spread(result):
    wall = result["wall"]
    return f"median {median(wall):.3f} s/ep ({min(wall):.3f}-{max(wall):.3f})"


def analyse(dtypes, base):
    """Where the numpy epoch's time goes (1 thread), beside torch run interleaved."""
    print()
    print("Analysis, 1 thread (the course's kernels and grading run numpy with 1 BLAS thread).")
    for dtype in dtypes:
        r = measure(dict(base, dtype=dtype, threads=1, kind="compare"))
        prof, peak = r["profile"], r["gemm_cpu_gflops"]
        print(f"\n{dtype}: own time per function in one reference epoch (cProfile, "
              f"{prof['total']:.3f} s with its overhead; a matrix product counts in the "
              "function that computes it):")
        for name, seconds in prof["rows"][:8]:
            print(f"  {100 * seconds / prof['total']:5.1f} %  {name}")
        print(f"{dtype}: {'variant':44} {'best s':>6} {'cpu s':>6} {'vs torch':>8} "
              f"{'of peak':>7}  grads/params, last loss")
        t_torch = min(r["variants"]["torch"]["cpu"])
        for name, v in r["variants"].items():
            t = min(v["cpu"])
            share = "" if name == "torch" else \
                f"{100 * useful_flops(v['n_images']) / t / 1e9 / peak:6.0f} %"
            dtypes_ = "/".join(v["param_dtypes"]) if name == "torch" else \
                f"{'/'.join(v['grad_dtypes'])}/{'/'.join(v['param_dtypes'])}"
            print(f"  {name:44} {min(v['wall']):6.3f} {t:6.3f} {t_torch / t:7.2f}x "
                  f"{share:>7}  {dtypes_}, {v['losses'][-1]:.5f}")
        print(f"  (all run interleaved, epoch by epoch, in one process; best s: fastest "
              f"wall-clock epoch, cpu s: least process CPU time of an epoch; vs torch and "
              f"of peak (GEMM peak {peak:.1f} GFLOP/s, best CPU time) by CPU time)")


if __name__ == "__main__":
    main()
