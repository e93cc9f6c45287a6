"""Print the OPENBLAS_CORETYPE values under which nbval should re-run the solution notebooks.

numpy's OpenBLAS picks a compute kernel per CPU (Prescott, Haswell, SkylakeX, ...), and
round-off differs between kernels: a stored output that holds on one CPU can fail nbval on
another (a loss printed to its last digit, a training run that converges here and diverges
there). `make test` therefore runs nbval once more under every other kernel this CPU can
execute, so that a course's CI on any instructor's machine sees the same outputs.

Prints one value per line, for kernels that differ from the one numpy uses now:
- where OPENBLAS_CORETYPE is already set (machines whose CPU an older OpenBLAS mishandles),
  only Prescott, the baseline every x86-64 CPU runs: the machine's setting is kept otherwise;
- elsewhere Prescott, plus Haswell (AVX2; OpenBLAS's Zen kernels are Haswell's) and SkylakeX
  (AVX-512) when the CPU has their instructions;
- nothing on other architectures.
"""

import os
import platform
import subprocess
import sys
from pathlib import Path

# Kernel name -> CPU flags it needs (from /proc/cpuinfo).
CANDIDATES = {
    "Prescott": set(),
    "Haswell": {"avx2", "fma"},
    "SkylakeX": {"avx512f", "avx512cd", "avx512bw", "avx512dq", "avx512vl"},
}

PROBE = ("import numpy, threadpoolctl; "
         "print(*{i.get('architecture') for i in threadpoolctl.threadpool_info() "
         "if i.get('internal_api') == 'openblas'})")


def cpu_flags() -> set[str]:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return set()
    for line in text.splitlines():
        if line.startswith("flags"):
            return set(line.split(":", 1)[1].split())
    return set()


def kernel_under(coretype: str | None) -> str:
    """The OpenBLAS kernel numpy reports in a fresh process with this OPENBLAS_CORETYPE."""
    env = dict(os.environ)
    if coretype is not None:
        env["OPENBLAS_CORETYPE"] = coretype
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True,
                         text=True, check=True)
    return out.stdout.strip()


def kernels_to_check() -> list[str]:
    if platform.machine() not in ("x86_64", "AMD64"):
        return []
    if os.environ.get("OPENBLAS_CORETYPE"):
        return ["Prescott"]
    flags = cpu_flags()
    seen = {kernel_under(None)}
    chosen = []
    for name, needs in CANDIDATES.items():
        if needs <= flags:
            kernel = kernel_under(name)
            if kernel and kernel not in seen:
                seen.add(kernel)
                chosen.append(name)
    return chosen


if __name__ == "__main__":
    print("\n".join(kernels_to_check()))
