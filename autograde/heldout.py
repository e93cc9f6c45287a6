"""The 1,000 held-out MNIST digits on which notebook 07's final model (``predict``) is graded.

The course's 5,000 digits were split once (``tools/make_mnist.py``): 4,000 ship with mlkit
(``load_mnist("4k")``), these 1,000 (100 per class) only with the instructor tooling. They
must never reach students: not in ``lectures/``, the student bundle, ``mlkit`` or feedback
(checks report accuracies, never these digits), and the grading sandbox cannot read them.
"""

import hashlib
from pathlib import Path

import numpy as np

HELDOUT_FILE = Path(__file__).resolve().parent / "data" / "mnist_heldout.npz"
HELDOUT_SHA256 = "ef7a71421a4429c610bb64adaad00125dddbb419eeb6e180c7c9d7551e4f539d"
_SHAPES = {"images": (1000, 784), "labels": (1000,)}


def load_heldout(path=HELDOUT_FILE):
    """(X float64 (1000, 784) in [0, 1], y int64 (1000,)): pixels as ``load_mnist`` gives them.

    Raises FileNotFoundError or ValueError (with what to do) if the file is missing or is not
    the expected one, so that no model is ever graded on other digits by mistake.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: the held-out digits are missing; rebuild them with "
                                "tools/make_mnist.py from the course's 5,000-digit CSV")
    with np.load(path, allow_pickle=False) as npz:
        images, labels = npz["images"], npz["labels"]
    for name, array in (("images", images), ("labels", labels)):
        if array.dtype != np.uint8 or array.shape != _SHAPES[name]:
            raise ValueError(f"{path}: '{name}' is {array.dtype} {array.shape}, "
                             f"expected uint8 {_SHAPES[name]}")
    digest = hashlib.sha256(images.tobytes() + labels.tobytes()).hexdigest()
    if digest != HELDOUT_SHA256:
        raise ValueError(f"{path}: SHA-256 of its arrays is {digest}, expected {HELDOUT_SHA256}")
    return images.astype(np.float64) / 255.0, labels.astype(np.int64)
