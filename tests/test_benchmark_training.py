"""benchmarks/training.py runs end to end and trains the same model in numpy and PyTorch, and
the reference it times keeps float32 float32 (no timings checked)."""

import importlib.util
import subprocess
import sys

import numpy as np
import pytest

from autograde.course import ROOT, reference

SCRIPT = ROOT / "benchmarks" / "training.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("benchmark_training", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_flop_count_is_forward_plus_weight_and_hidden_gradients(bench):
    d, h, k = 784, 256, 10
    assert bench.useful_flops(1) == 2 * (d * h + h * k) + 2 * (d * h + h * k + h * k)
    assert bench.useful_flops(3200) == 3200 * bench.useful_flops(1)


def test_the_reference_keeps_float32(bench):
    """The benchmark's float32 run measures float32 arithmetic: the reference (02's and 04's
    solutions) does not upcast float32 inputs, and float64 stays float64."""
    rng = np.random.default_rng(2)
    params = bench.init_params(np.float32)
    X, y = rng.random((64, 784)).astype(np.float32), rng.integers(0, 10, 64)
    loss, grads = reference("04_backprop")["mlp_loss"](params, X, y)
    assert {g.dtype for g in grads.values()} == {np.dtype(np.float32)}
    _, grads64 = reference("04_backprop")["mlp_loss"](
        {k: v.astype(np.float64) for k, v in params.items()}, X.astype(np.float64), y)
    assert {g.dtype for g in grads64.values()} == {np.dtype(np.float64)}


def test_different_training_is_caught(bench):
    same = {"losses": [2.0, 1.0]}
    assert bench.check_same_training("float64", same, {"losses": [2.0, 1.0]}) == 0
    with pytest.raises(SystemExit, match="did not train the same model"):
        bench.check_same_training("float64", same, {"losses": [2.0, 1.001]})


def test_benchmark_prints_one_row_per_dtype_and_thread_count():
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--epochs", "1", "--threads", "1",
         "--dtype", "float64,float32", "--samples", "192", "--gemm-size", "256"],
        capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "speed np/torch" in out and "of peak" in out
    rows = [line.split() for line in out.splitlines() if line.startswith("float")]
    assert [(r[0], r[1]) for r in rows if r[2] == "|"] == [("float64", "1"), ("float32", "1")]
    assert "numpy: reference('04_backprop')['mlp_loss'] +" in out
    assert out.count("largest relative difference over the epochs") == 2
