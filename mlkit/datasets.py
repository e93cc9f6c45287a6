"""Datasets for the course: small synthetic problems and MNIST.

Conventions (the course's): samples are rows, so ``X`` is float64 of shape (N, D); class
labels ``y`` are int64 of shape (N,) with values in [0, K).

Randomness: every synthetic generator takes ``rng``, a ``numpy.random.Generator``. With
``rng=None`` it uses ``np.random.default_rng(0)``, so a notebook draws the *same* data each
time it runs (reproducible figures and tests); pass your own Generator, e.g.
``np.random.default_rng(42)``, for other draws. An int is accepted as a seed too.

MNIST comes in two sizes:

- ``load_mnist("4k")``: 4,000 real digits (400 per class) that ship with mlkit, so it works
  offline; split into 3,200 train / 800 test by default. (They are 4,000 of a 5,000-digit
  subset; the other 1,000 are held out by the course's instructors to grade final models.)
- ``load_mnist("full")``: the original 70,000 digits (60,000 train / 10,000 test),
  downloaded once from a mirror, checked against SHA-256 checksums and cached.
"""

import gzip
import hashlib
import http.client
import os
import socket
import tempfile
import urllib.error
import urllib.request
import zipfile
import zlib
from importlib import resources
from pathlib import Path

import numpy as np

__all__ = [
    "xor", "noisy_xor", "spirals", "blobs", "moons", "circles", "sine_regression",
    "train_val_split", "load_mnist",
    "ChecksumError", "IDXFormatError", "DownloadError",
    "MNIST_SUBSETS", "MNIST_URL", "MNIST_FILES",
]


# --------------------------------------------------------------------------- errors

class ChecksumError(ValueError):
    """A data file's SHA-256 does not match the expected one (corrupt or wrong file)."""


class IDXFormatError(ValueError):
    """A file is not a well-formed IDX file (the format of the original MNIST files)."""


class DownloadError(RuntimeError):
    """A dataset file could not be downloaded (offline, mirror down, HTTP error, timeout)."""


# --------------------------------------------------------------------------- helpers

def _as_rng(rng):
    """Turn the ``rng`` argument into a Generator; None means a fixed seed of 0."""
    if rng is None:
        return np.random.default_rng(0)
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        return np.random.default_rng(rng)
    raise TypeError("rng must be a numpy.random.Generator, an int seed or None, "
                    f"not {type(rng).__name__}")


def _check_count(name, value, minimum=1):
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")


def _check_nonnegative(name, value):
    if not np.all(np.asarray(value) >= 0):
        raise ValueError(f"{name} must be >= 0, got {value!r}")


def _shuffled(X, y, rng):
    """Rows in random order, so no slice of the data is one class only."""
    order = rng.permutation(len(y))
    return X[order], y[order]


# --------------------------------------------------------------------------- synthetic

def xor():
    """The four XOR points.

    Returns
    -------
    X : float64 (4, 2)
        The corners of the unit square: (0, 0), (0, 1), (1, 0), (1, 1).
    y : int64 (4,)
        x1 XOR x2, i.e. [0, 1, 1, 0].
    """
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
    y = np.array([0, 1, 1, 0], dtype=np.int64)
    return X, y


# The XOR corners ordered so that their labels alternate 0, 1, 0, 1: cycling through them
# gives balanced labels for any n.
_XOR_CORNERS = np.array([[0, 0], [0, 1], [1, 1], [1, 0]], dtype=np.float64)
_XOR_LABELS = np.array([0, 1, 0, 1], dtype=np.int64)


def noisy_xor(n=200, sigma=0.1, rng=None):
    """XOR corners plus Gaussian noise (the decks' "dataset augmentation" example).

    The n points are spread over the four corners as evenly as possible (the two labels'
    counts differ by at most one) and returned in random order.

    Parameters
    ----------
    n : int
        Number of points.
    sigma : float
        Standard deviation of the noise added to each coordinate.
    rng : numpy.random.Generator, int or None
        Source of randomness; None means ``np.random.default_rng(0)``.

    Returns
    -------
    X : float64 (n, 2)
    y : int64 (n,)
        The XOR label of each point's corner.
    """
    _check_count("n", n)
    _check_nonnegative("sigma", sigma)
    rng = _as_rng(rng)
    corner = np.arange(n) % 4
    X = _XOR_CORNERS[corner] + sigma * rng.standard_normal((n, 2))
    return _shuffled(X, _XOR_LABELS[corner], rng)


def spirals(n_per_class=100, n_classes=3, noise=0.2, rng=None):
    """Interleaved spirals, one arm per class (the CS231n "spiral data").

    Arm k has radii evenly spaced in [0, 1] and angles evenly spaced in [4k, 4(k + 1)]
    radians plus Gaussian noise of standard deviation ``noise``.

    Parameters
    ----------
    n_per_class : int
    n_classes : int
    noise : float
        Standard deviation of the noise added to the angle (radians).
    rng : numpy.random.Generator, int or None
        Source of randomness; None means ``np.random.default_rng(0)``.

    Returns
    -------
    X : float64 (n_per_class * n_classes, 2)
        Points in random order, every one within distance 1 of the origin.
    y : int64 (n_per_class * n_classes,)
        The arm of each point, in [0, n_classes).
    """
    _check_count("n_per_class", n_per_class)
    _check_count("n_classes", n_classes)
    _check_nonnegative("noise", noise)
    rng = _as_rng(rng)
    y = np.repeat(np.arange(n_classes, dtype=np.int64), n_per_class)
    along = np.tile(np.linspace(0.0, 1.0, n_per_class), n_classes)  # position on the arm
    radius = along
    angle = 4.0 * (y + along) + noise * rng.standard_normal(len(y))
    X = np.column_stack([radius * np.sin(angle), radius * np.cos(angle)])
    return _shuffled(X, y, rng)


# Three centres on a circle of radius 3 (an equilateral triangle): with std 1 the blobs
# barely overlap, so a linear classifier does well but not perfectly.
_BLOB_CENTERS = 3.0 * np.array([[0.0, 1.0],
                                [-np.sqrt(3) / 2, -0.5],
                                [np.sqrt(3) / 2, -0.5]])


def blobs(n_per_class=100, centers=None, std=1.0, rng=None):
    """Isotropic Gaussian blobs, one per class.

    Parameters
    ----------
    n_per_class : int
    centers : array-like (K, D) or None
        One centre per class; None means three centres in 2-D, on a circle of radius 3.
    std : float
        Standard deviation of every coordinate around its centre.
    rng : numpy.random.Generator, int or None
        Source of randomness; None means ``np.random.default_rng(0)``.

    Returns
    -------
    X : float64 (K * n_per_class, D)
        Points in random order.
    y : int64 (K * n_per_class,)
        The index of each point's centre.
    """
    _check_count("n_per_class", n_per_class)
    _check_nonnegative("std", std)
    centers = _BLOB_CENTERS if centers is None else np.asarray(centers, dtype=np.float64)
    if centers.ndim != 2 or len(centers) == 0:
        raise ValueError(f"centers must have shape (K, D), got {centers.shape}")
    rng = _as_rng(rng)
    y = np.repeat(np.arange(len(centers), dtype=np.int64), n_per_class)
    X = centers[y] + std * rng.standard_normal((len(y), centers.shape[1]))
    return _shuffled(X, y, rng)


def moons(n=200, noise=0.1, rng=None):
    """Two interleaving half circles (like scikit-learn's ``make_moons``).

    Class 0 is the upper half of the unit circle; class 1 is the lower half circle centred
    at (1, 0.5). Each has n // 2 or n - n // 2 points, evenly spaced before the noise.

    Parameters
    ----------
    n : int
        Number of points (at least 2).
    noise : float
        Standard deviation of the Gaussian noise added to each coordinate.
    rng : numpy.random.Generator, int or None
        Source of randomness; None means ``np.random.default_rng(0)``.

    Returns
    -------
    X : float64 (n, 2)
        Points in random order.
    y : int64 (n,)
    """
    _check_count("n", n, minimum=2)
    _check_nonnegative("noise", noise)
    rng = _as_rng(rng)
    n_upper = n // 2
    t_upper = np.linspace(0.0, np.pi, n_upper)
    t_lower = np.linspace(0.0, np.pi, n - n_upper)
    upper = np.column_stack([np.cos(t_upper), np.sin(t_upper)])
    lower = np.column_stack([1.0 - np.cos(t_lower), 0.5 - np.sin(t_lower)])
    X = np.vstack([upper, lower]) + noise * rng.standard_normal((n, 2))
    y = np.repeat(np.array([0, 1], dtype=np.int64), [n_upper, n - n_upper])
    return _shuffled(X, y, rng)


def circles(n=200, noise=0.05, factor=0.5, rng=None):
    """A circle inside another (like scikit-learn's ``make_circles``).

    Class 0 lies on the unit circle, class 1 on the circle of radius ``factor``; points are
    evenly spaced in angle before the noise. Each class has n // 2 or n - n // 2 points.

    Parameters
    ----------
    n : int
        Number of points (at least 2).
    noise : float
        Standard deviation of the Gaussian noise added to each coordinate.
    factor : float
        Radius of the inner circle, in (0, 1).
    rng : numpy.random.Generator, int or None
        Source of randomness; None means ``np.random.default_rng(0)``.

    Returns
    -------
    X : float64 (n, 2)
        Points in random order.
    y : int64 (n,)
    """
    _check_count("n", n, minimum=2)
    _check_nonnegative("noise", noise)
    if not 0 < factor < 1:
        raise ValueError(f"factor must be in (0, 1), got {factor!r}")
    rng = _as_rng(rng)
    n_outer = n // 2
    t_outer = np.linspace(0.0, 2 * np.pi, n_outer, endpoint=False)
    t_inner = np.linspace(0.0, 2 * np.pi, n - n_outer, endpoint=False)
    outer = np.column_stack([np.cos(t_outer), np.sin(t_outer)])
    inner = factor * np.column_stack([np.cos(t_inner), np.sin(t_inner)])
    X = np.vstack([outer, inner]) + noise * rng.standard_normal((n, 2))
    y = np.repeat(np.array([0, 1], dtype=np.int64), [n_outer, n - n_outer])
    return _shuffled(X, y, rng)


def sine_regression(n=100, noise=0.1, x_range=(-3, 3), rng=None):
    """Noisy samples of sin(x), a 1-D regression problem.

    Parameters
    ----------
    n : int
    noise : float
        Standard deviation of the Gaussian noise added to sin(x).
    x_range : (float, float)
        x is drawn uniformly from [low, high).
    rng : numpy.random.Generator, int or None
        Source of randomness; None means ``np.random.default_rng(0)``.

    Returns
    -------
    X : float64 (n, 1)
        The inputs, in random (unsorted) order; sort them before drawing a line plot.
    y : float64 (n,)
        sin(X[:, 0]) + noise.
    """
    _check_count("n", n)
    _check_nonnegative("noise", noise)
    low, high = x_range
    if not low < high:
        raise ValueError(f"x_range must be (low, high) with low < high, got {x_range!r}")
    rng = _as_rng(rng)
    X = rng.uniform(low, high, size=(n, 1))
    y = np.sin(X[:, 0]) + noise * rng.standard_normal(n)
    return X, y


# --------------------------------------------------------------------------- splitting

def _is_class_labels(y):
    """Integer, boolean or string labels can be stratified; float targets (regression) not."""
    return y.ndim == 1 and (np.issubdtype(y.dtype, np.integer) or y.dtype.kind in "bUS")


def _round_half_up(x):
    # Python's round() rounds halves to even (round(2.5) == 2); a split size should not.
    return int(np.floor(x + 0.5))


def train_val_split(X, y, val_fraction=0.2, rng=None, stratify=True):
    """Split a dataset into a training and a validation part.

    With ``stratify=True`` (the default) each class is split separately, so both parts keep
    the class proportions: every class contributes round(val_fraction * its count) samples
    to the validation part. Float targets (regression) cannot be stratified, so for them a
    plain random split is made whatever ``stratify`` says. Both parts come in random order.

    Parameters
    ----------
    X : array (N, ...)
    y : array (N,)
    val_fraction : float in (0, 1)
        Fraction of the samples that go to the validation part.
    rng : numpy.random.Generator, int or None
        Source of randomness; None means ``np.random.default_rng(0)``.
    stratify : bool

    Returns
    -------
    X_train : array (N - M, ...)
    X_val : array (M, ...)
    y_train : array (N - M,)
    y_val : array (M,)
        New arrays (copies), with the dtypes of X and y.
    """
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"X and y must have the same number of samples, got {len(X)} and {len(y)}")
    if not 0 < val_fraction < 1:
        raise ValueError(f"val_fraction must be in (0, 1), got {val_fraction!r}")
    rng = _as_rng(rng)

    if stratify and _is_class_labels(y):
        val_parts = []
        for label in np.unique(y):  # a loop over classes, not samples
            members = rng.permutation(np.flatnonzero(y == label))
            val_parts.append(members[:_round_half_up(val_fraction * len(members))])
        val_idx = np.concatenate(val_parts)
    else:
        val_idx = rng.permutation(len(y))[:_round_half_up(val_fraction * len(y))]

    in_val = np.zeros(len(y), dtype=bool)
    in_val[val_idx] = True
    if in_val.all() or not in_val.any():
        raise ValueError(f"val_fraction={val_fraction} of {len(y)} samples leaves one part empty")
    train_idx = rng.permutation(np.flatnonzero(~in_val))
    val_idx = rng.permutation(np.flatnonzero(in_val))
    return X[train_idx], X[val_idx], y[train_idx], y[val_idx]


# --------------------------------------------------------------------------- MNIST

MNIST_SUBSETS = ("4k", "full")

# The packaged subset (see data/NOTICE.md, and tools/make_mnist.py in the course
# repository). Its checksum covers
# the decoded arrays, images.tobytes() + labels.tobytes(), not the .npz bytes: zip and zlib
# details may differ between Python/zlib builds while the data stays the same.
MNIST_4K_FILE = resources.files(__package__) / "data" / "mnist_4k.npz"
MNIST_4K_SHA256 = "0aa0f72c0846fb47255d6a60636b22cc474573acaaea75219d5bba8887ac87f6"
_MNIST_4K_SHAPES = {"images": (4000, 784), "labels": (4000,)}
_MNIST_4K_SPLIT_SEED = 0  # fixed, so every student gets the same train/test split

# The full set: the four original files, from the mirror TensorFlow Datasets uses
# (torchvision uses https://ossci-datasets.s3.amazonaws.com/mnist/ ; the files are the same).
MNIST_URL = "https://storage.googleapis.com/cvdf-datasets/mnist/"
MNIST_FILES = {  # file name -> published SHA-256 of the .gz file
    "train-images-idx3-ubyte.gz": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    "train-labels-idx1-ubyte.gz": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    "t10k-images-idx3-ubyte.gz": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte.gz": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}
_DOWNLOAD_TIMEOUT = 30  # seconds without data before a download counts as failed
_CHUNK = 1 << 16

# What a failed download can raise: URLError covers refused connections, DNS failures and
# HTTP errors (HTTPError); the others are timeouts and connections dropped mid-transfer.
_NETWORK_ERRORS = (urllib.error.URLError, http.client.HTTPException, ConnectionError,
                   TimeoutError, socket.timeout)


def load_mnist(subset="4k", *, test_fraction=0.2, flatten=True, cache_dir=None,
               base_url=None, checksums=None):
    """Load MNIST handwritten digits as a train/test split.

    Parameters
    ----------
    subset : {"4k", "full"}
        "4k": 4,000 digits (400 per class) shipped with mlkit, so no network is needed.
        They are split into train and test with a fixed seed and stratified by class, so
        the split is the same on every computer. "full": the original 70,000 digits with
        the official 60,000 / 10,000 train/test split, downloaded on first use (about
        11 MB), verified against SHA-256 checksums and cached; later calls read the cache.
        As float64 the full set takes about 440 MB of memory.
    test_fraction : float in (0, 1)
        Fraction of the "4k" digits that go to the test set (default 0.2: 3,200 / 800).
        Ignored for "full", whose split is the official one.
    flatten : bool
        True: images are rows of 784 pixels; False: images are 28 x 28 arrays.
    cache_dir : str or Path, optional
        "full" only: where the downloaded files are kept. Default: the environment variable
        ``MLKIT_DATA`` if set, else ``~/.cache/mlkit``. Copying the four original files
        there by hand also works (for offline computers).
    base_url : str, optional
        "full" only: the mirror to download from. Default: the environment variable
        ``MLKIT_MNIST_URL`` if set, else ``MNIST_URL``.
    checksums : dict, optional
        "full" only: {file name: SHA-256 hex} overriding entries of ``MNIST_FILES``
        (for another copy of the files, or for tests).

    Returns
    -------
    X_train : float64 (N_train, 784), or (N_train, 28, 28) with flatten=False
        Pixels scaled to [0, 1].
    y_train : int64 (N_train,)
        Digits 0-9.
    X_test : float64 (N_test, 784) or (N_test, 28, 28)
    y_test : int64 (N_test,)

    Raises
    ------
    ValueError
        Unknown subset or bad test_fraction.
    ChecksumError
        A data file is corrupt or not the expected one.
    DownloadError
        "full" only: a file could not be downloaded (e.g. no network).
    IDXFormatError
        "full" only: a file is not a valid MNIST IDX file.
    """
    if subset == "5k":
        raise ValueError('the "5k" subset is now "4k": 4,000 of its digits ship with mlkit '
                         "and 1,000 are held out for grading; use load_mnist(\"4k\")")
    if subset not in MNIST_SUBSETS:
        raise ValueError(f"unknown MNIST subset {subset!r}; choose one of "
                         + ", ".join(repr(s) for s in MNIST_SUBSETS))
    if subset == "4k":
        if not 0 < test_fraction < 1:
            raise ValueError(f"test_fraction must be in (0, 1), got {test_fraction!r}")
        images, labels = _read_mnist_4k()
        X_train, X_test, y_train, y_test = train_val_split(
            images, labels, val_fraction=test_fraction,
            rng=np.random.default_rng(_MNIST_4K_SPLIT_SEED))
    else:
        X_train, y_train, X_test, y_test = _load_mnist_full(cache_dir, base_url, checksums)
    return (_pixels(X_train, flatten), y_train.astype(np.int64),
            _pixels(X_test, flatten), y_test.astype(np.int64))


def _pixels(images, flatten):
    """uint8 images (N, 784) or (N, 28, 28) -> float64 in [0, 1] with the requested shape."""
    shape = (len(images), 28 * 28) if flatten else (len(images), 28, 28)
    return (images.astype(np.float64) / 255.0).reshape(shape)


def _content_sha256(images, labels):
    """SHA-256 of the decoded arrays (the same formula as the course's tools/make_mnist.py)."""
    return hashlib.sha256(images.tobytes() + labels.tobytes()).hexdigest()


def _read_mnist_4k():
    """The packaged digits as (images uint8 (4000, 784), labels uint8 (4000,)), verified."""
    with resources.as_file(MNIST_4K_FILE) as path:
        if not Path(path).is_file():
            raise FileNotFoundError(
                f"mlkit's MNIST-4k data file is missing ({path}); reinstall mlkit "
                "(the package must include mlkit/data/mnist_4k.npz)")
        problem = f"mlkit's MNIST-4k data file {path} is corrupt; reinstall mlkit"
        try:
            with np.load(path, allow_pickle=False) as npz:
                images, labels = npz["images"], npz["labels"]
        # A damaged zip fails in many ways (bad CRC, truncated stream, missing member...).
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, zlib.error) as err:
            raise ChecksumError(f"{problem} ({type(err).__name__}: {err})") from err
    for name, array in (("images", images), ("labels", labels)):
        if array.dtype != np.uint8 or array.shape != _MNIST_4K_SHAPES[name]:
            raise ChecksumError(f"{problem}: '{name}' is {array.dtype} {array.shape}, "
                                f"expected uint8 {_MNIST_4K_SHAPES[name]}")
    digest = _content_sha256(images, labels)
    if digest != MNIST_4K_SHA256:
        raise ChecksumError(f"{problem}: SHA-256 of its arrays is {digest}, "
                            f"expected {MNIST_4K_SHA256}")
    return images, labels


# ---- the full set: download, verify, cache, parse

def _load_mnist_full(cache_dir, base_url, checksums):
    """Official split as uint8 images (N, 28, 28) and uint8 labels (N,)."""
    cache_dir = _resolve_cache_dir(cache_dir)
    base_url = base_url or os.environ.get("MLKIT_MNIST_URL") or MNIST_URL
    expected = _expected_checksums(checksums)
    paths = {name: _fetch(name, base_url, cache_dir, expected[name]) for name in MNIST_FILES}

    def images_and_labels(images_name, labels_name):
        images = _read_idx_gz(paths[images_name], ndim=3)
        labels = _read_idx_gz(paths[labels_name], ndim=1)
        _check_mnist_arrays(images, labels, images_name, labels_name)
        return images, labels

    X_train, y_train = images_and_labels("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz")
    X_test, y_test = images_and_labels("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")
    return X_train, y_train, X_test, y_test


def _resolve_cache_dir(cache_dir):
    if cache_dir is None:
        cache_dir = os.environ.get("MLKIT_DATA") or Path.home() / ".cache" / "mlkit"
    return Path(cache_dir).expanduser()


def _expected_checksums(checksums):
    expected = dict(MNIST_FILES)
    unknown = set(checksums or {}) - set(MNIST_FILES)
    if unknown:
        raise ValueError(f"checksums has unknown file names {sorted(unknown)}; "
                         f"the MNIST files are {list(MNIST_FILES)}")
    expected.update({name: digest.lower() for name, digest in (checksums or {}).items()})
    return expected


def _file_sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _fetch(name, base_url, cache_dir, sha256):
    """Path of the verified file ``name`` in cache_dir, downloading it if it is not there."""
    path = cache_dir / name
    if path.exists():
        digest = _file_sha256(path)
        if digest != sha256:
            raise ChecksumError(
                f"the cached file {path} is corrupt or not the expected one (SHA-256 {digest}, "
                f"expected {sha256}); delete it and call load_mnist again to download it anew")
        return path
    cache_dir.mkdir(parents=True, exist_ok=True)
    _download(base_url.rstrip("/") + "/" + name, path, sha256)
    return path


def _download(url, path, sha256):
    """Download url to path, checking its SHA-256 on the way.

    The data goes to a temporary file in the same folder that is renamed to ``path`` only
    once complete and verified (a rename within a folder is atomic), so an interrupted or
    corrupt download never leaves a file that a later call would take as the real one.
    """
    print(f"Downloading {url} -> {path}", flush=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".part")
    try:
        digest = hashlib.sha256()
        with os.fdopen(fd, "wb") as out:
            try:
                with urllib.request.urlopen(url, timeout=_DOWNLOAD_TIMEOUT) as response:
                    for chunk in iter(lambda: response.read(_CHUNK), b""):
                        digest.update(chunk)
                        out.write(chunk)
            except _NETWORK_ERRORS as err:
                raise DownloadError(_download_failed_message(url, path, err)) from err
        if digest.hexdigest() != sha256:
            raise ChecksumError(
                f"the file downloaded from {url} has SHA-256 {digest.hexdigest()}, expected "
                f"{sha256}; it was not kept. The mirror may serve a damaged or different file: "
                "try again later or another mirror (base_url= or MLKIT_MNIST_URL).")
        os.replace(tmp, path)
    except BaseException:  # including KeyboardInterrupt: never leave half files behind
        Path(tmp).unlink(missing_ok=True)
        raise


def _download_failed_message(url, path, err):
    reason = getattr(err, "reason", None) or err
    return (
        f"Could not download {url} ({reason}).\n"
        "If this computer is offline or the mirror is unreachable, download the four files "
        f"{', '.join(MNIST_FILES)} on another computer (from {MNIST_URL} or another MNIST "
        f"mirror) and copy them into {path.parent} (or point cache_dir= / MLKIT_DATA at the "
        "folder that holds them); they are checked against their SHA-256 when loaded. "
        "Another mirror can be chosen with base_url= or MLKIT_MNIST_URL.\n"
        'load_mnist("4k") works offline: its 4,000 digits ship with mlkit.')


# IDX type codes (third byte of the magic number) -> dtype; multi-byte values are big-endian.
_IDX_DTYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def _parse_idx(data):
    """Decode an uncompressed IDX file (bytes) into a native-endian array.

    Layout: two zero bytes, a type code, the number of dimensions d, then d big-endian
    uint32 sizes, then the values in row-major order. MNIST images start with 0x00000803
    (uint8, 3-D), labels with 0x00000801 (uint8, 1-D).
    """
    if len(data) < 4:
        raise IDXFormatError(f"only {len(data)} bytes, too short for the 4-byte magic number")
    if data[:2] != b"\x00\x00" or data[2] not in _IDX_DTYPES:
        raise IDXFormatError(f"bad magic number 0x{data[:4].hex()} (MNIST images start with "
                             "0x00000803, labels with 0x00000801)")
    ndim, header_size = data[3], 4 + 4 * data[3]
    if len(data) < header_size:
        raise IDXFormatError(f"the header announces {ndim} dimensions but the file ends "
                             "before their sizes")
    shape = tuple(int(s) for s in np.frombuffer(data, dtype=">u4", count=ndim, offset=4))
    dtype = np.dtype(_IDX_DTYPES[data[2]])
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(data) - header_size != expected:
        raise IDXFormatError(f"the header announces shape {shape} ({expected} bytes of data) "
                             f"but the file holds {len(data) - header_size} bytes after it")
    values = np.frombuffer(data, dtype=dtype, offset=header_size).reshape(shape)
    return values.astype(dtype.newbyteorder("="))


def _read_idx_gz(path, ndim):
    """Read a gzip-compressed IDX file and check its number of dimensions."""
    try:
        with gzip.open(path, "rb") as f:
            data = f.read()
    except (OSError, EOFError, zlib.error) as err:  # gzip.BadGzipFile is an OSError
        raise IDXFormatError(f"{path} is not a valid gzip file ({err})") from err
    try:
        array = _parse_idx(data)
    except IDXFormatError as err:
        raise IDXFormatError(f"{path} is not a valid IDX file: {err}") from None
    if array.ndim != ndim or array.dtype != np.uint8:
        raise IDXFormatError(f"{path}: expected a {ndim}-D uint8 IDX array, "
                             f"got {array.ndim}-D {array.dtype}")
    return array


def _check_mnist_arrays(images, labels, images_name, labels_name):
    if images.shape[1:] != (28, 28):
        raise IDXFormatError(f"{images_name}: images must be 28 x 28, got {images.shape[1:]}")
    if len(images) != len(labels):
        raise IDXFormatError(f"{images_name} holds {len(images)} images but {labels_name} "
                             f"holds {len(labels)} labels")
    if labels.size and labels.max() > 9:
        raise IDXFormatError(f"{labels_name}: labels must be digits 0-9, found {labels.max()}")
