"""tools/blas_kernels.py: which OpenBLAS kernels `make test` re-runs nbval under."""

import importlib.util
import platform

import pytest

from autograde.course import ROOT

spec = importlib.util.spec_from_file_location("blas_kernels", ROOT / "tools" / "blas_kernels.py")
blas = importlib.util.module_from_spec(spec)
spec.loader.exec_module(blas)

x86 = pytest.mark.skipif(platform.machine() not in ("x86_64", "AMD64"), reason="x86-64 kernels")


@x86
def test_each_listed_kernel_differs_from_the_native_one_and_from_each_other(monkeypatch):
    monkeypatch.delenv("OPENBLAS_CORETYPE", raising=False)
    native = blas.kernel_under(None)
    listed = blas.kernels_to_check()
    kernels = [blas.kernel_under(name) for name in listed]
    assert native not in kernels and len(set(kernels)) == len(kernels)
    # Prescott (the baseline every x86-64 CPU runs) is checked unless it is the native one.
    assert ("Prescott" in listed) == (blas.kernel_under("Prescott") != native)


@x86
def test_a_machine_that_sets_its_kernel_keeps_it_except_for_the_baseline(monkeypatch):
    monkeypatch.setenv("OPENBLAS_CORETYPE", "Haswell")
    assert blas.kernels_to_check() == ["Prescott"]


def test_kernels_need_their_cpu_flags(monkeypatch):
    monkeypatch.delenv("OPENBLAS_CORETYPE", raising=False)
    monkeypatch.setattr(blas.platform, "machine", lambda: "x86_64")
    monkeypatch.setattr(blas, "cpu_flags", lambda: {"sse2"})
    monkeypatch.setattr(blas, "kernel_under", lambda name: {None: "Nehalem"}.get(name, name))
    assert blas.kernels_to_check() == ["Prescott"]
    monkeypatch.setattr(blas, "cpu_flags", lambda: {"avx2", "fma"})
    assert blas.kernels_to_check() == ["Prescott", "Haswell"]
