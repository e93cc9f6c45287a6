import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))            # autograde (instructor tooling) runs from the repo
sys.path.insert(0, str(ROOT / "tests"))  # shared test helpers (submissions.py)

# Kernels started by the tests (nbval, nbgrader) inherit these: deterministic outputs.
os.environ.setdefault("MLKIT_PROGRESS", "0")
os.environ.setdefault("MLKIT_LIVE", "0")
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")  # as in grading; nbval kernels inherit it
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
