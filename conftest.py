"""Settings for every test run, `pytest solutions/<id>` (nbval alone) included.

Kernels started by the tests (nbval, nbgrader) inherit these: deterministic outputs (no
progress bars or live plots, whose text varies) and one BLAS thread, as in grading, so that
small matrix products are fast and stable on a busy machine.
"""

import os

os.environ.setdefault("MLKIT_PROGRESS", "0")
os.environ.setdefault("MLKIT_LIVE", "0")
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")
