import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))            # autograde (instructor tooling) runs from the repo
sys.path.insert(0, str(ROOT / "tests"))  # shared test helpers (submissions.py)

# The environment of kernels (progress bars, live plots, BLAS threads): ../conftest.py.
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
