"""Tests for mlkit.datasets.

The full-MNIST loader is tested end to end against tiny IDX files served from a local
http.server on 127.0.0.1; no other network access is made.
"""

import gzip
import hashlib
import http.server
import socket
import threading
from pathlib import Path

import numpy as np
import pytest

from mlkit import datasets
from mlkit.datasets import ChecksumError, DownloadError, IDXFormatError

# --------------------------------------------------------------------------- synthetic

# (generator, kwargs, number of samples, number of classes)
CLASSIFICATION_SETS = [
    (datasets.noisy_xor, {}, 200, 2),
    (datasets.noisy_xor, {"n": 37, "sigma": 0.3}, 37, 2),
    (datasets.spirals, {}, 300, 3),
    (datasets.spirals, {"n_per_class": 20, "n_classes": 5, "noise": 0.0}, 100, 5),
    (datasets.blobs, {}, 300, 3),
    (datasets.blobs, {"n_per_class": 10, "centers": [[0, 0, 0], [5, 5, 5]]}, 20, 2),
    (datasets.moons, {}, 200, 2),
    (datasets.moons, {"n": 51, "noise": 0.0}, 51, 2),
    (datasets.circles, {}, 200, 2),
    (datasets.circles, {"n": 51, "factor": 0.3}, 51, 2),
]
IDS = [f"{f.__name__}-{i}" for i, (f, *_) in enumerate(CLASSIFICATION_SETS)]


def test_xor():
    X, y = datasets.xor()
    assert X.dtype == np.float64 and y.dtype == np.int64
    np.testing.assert_array_equal(X, [[0, 0], [0, 1], [1, 0], [1, 1]])
    np.testing.assert_array_equal(y, [0, 1, 1, 0])


@pytest.mark.parametrize("make, kwargs, n, k", CLASSIFICATION_SETS, ids=IDS)
def test_classification_set_shapes_and_balance(make, kwargs, n, k):
    X, y = make(**kwargs)
    assert X.dtype == np.float64 and y.dtype == np.int64
    assert X.ndim == 2 and X.shape[0] == n and y.shape == (n,)
    assert np.isfinite(X).all()
    counts = np.bincount(y, minlength=k)
    assert len(counts) == k and counts.max() - counts.min() <= 1


@pytest.mark.parametrize("make, kwargs, n, k", CLASSIFICATION_SETS, ids=IDS)
def test_classification_set_is_deterministic(make, kwargs, n, k):
    X1, y1 = make(**kwargs)                      # rng=None -> default_rng(0)
    X2, y2 = make(**kwargs, rng=None)
    X3, y3 = make(**kwargs, rng=np.random.default_rng(0))
    X4, y4 = make(**kwargs, rng=np.random.default_rng(1))
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    np.testing.assert_array_equal(X1, X3)
    np.testing.assert_array_equal(y1, y3)
    assert not np.array_equal(X1, X4)


@pytest.mark.parametrize("make, kwargs, n, k", CLASSIFICATION_SETS, ids=IDS)
def test_classification_set_rows_are_shuffled(make, kwargs, n, k):
    _, y = make(**kwargs)
    assert not np.all(np.diff(y) >= 0)  # not sorted by class


def test_noisy_xor_points_are_near_their_corner():
    X, y = datasets.noisy_xor(n=400, sigma=0.05, rng=np.random.default_rng(3))
    corner = np.round(X)
    assert np.abs(X - corner).max() < 0.4
    np.testing.assert_array_equal(y, np.logical_xor(corner[:, 0], corner[:, 1]))
    assert (np.unique(corner, axis=0, return_counts=True)[1] == 100).all()


def test_noisy_xor_without_noise_is_xor():
    X, y = datasets.noisy_xor(n=8, sigma=0.0)
    np.testing.assert_array_equal(y, np.logical_xor(X[:, 0], X[:, 1]))


def test_spirals_geometry():
    X, y = datasets.spirals(n_per_class=50, n_classes=3, noise=0.0)
    radius = np.hypot(X[:, 0], X[:, 1])
    assert radius.max() <= 1 + 1e-12
    np.testing.assert_allclose(np.sort(radius[y == 0]), np.linspace(0, 1, 50), atol=1e-12)


def test_blobs_centers_and_std():
    centers = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, -10.0], [7.0, 7.0]])
    X, y = datasets.blobs(n_per_class=2000, centers=centers, std=0.5,
                          rng=np.random.default_rng(1))
    for label, center in enumerate(centers):
        np.testing.assert_allclose(X[y == label].mean(axis=0), center, atol=0.05)
        np.testing.assert_allclose(X[y == label].std(axis=0), 0.5, rtol=0.1)


def test_blobs_default_is_three_classes_in_2d():
    X, y = datasets.blobs(n_per_class=5)
    assert X.shape == (15, 2) and set(y) == {0, 1, 2}


def test_moons_without_noise_lie_on_half_circles():
    X, y = datasets.moons(n=100, noise=0.0)
    upper, lower = X[y == 0], X[y == 1]
    np.testing.assert_allclose(np.hypot(*upper.T), 1.0)
    assert (upper[:, 1] >= -1e-12).all()
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1, lower[:, 1] - 0.5), 1.0)
    assert (lower[:, 1] <= 0.5 + 1e-12).all()


def test_circles_without_noise_have_the_two_radii():
    X, y = datasets.circles(n=100, noise=0.0, factor=0.3)
    radius = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(radius[y == 0], 1.0)
    np.testing.assert_allclose(radius[y == 1], 0.3)


def test_sine_regression():
    X, y = datasets.sine_regression(n=50, noise=0.1, x_range=(-1, 2))
    assert X.shape == (50, 1) and y.shape == (50,)
    assert X.dtype == np.float64 and y.dtype == np.float64
    assert X.min() >= -1 and X.max() < 2
    assert np.abs(y - np.sin(X[:, 0])).max() < 0.5
    X0, y0 = datasets.sine_regression(n=50, noise=0.0)
    np.testing.assert_allclose(y0, np.sin(X0[:, 0]))
    X1, y1 = datasets.sine_regression(n=50, noise=0.0)
    np.testing.assert_array_equal(X0, X1)


@pytest.mark.parametrize("call", [
    lambda: datasets.noisy_xor(n=0),
    lambda: datasets.noisy_xor(sigma=-1),
    lambda: datasets.spirals(n_classes=0),
    lambda: datasets.blobs(centers=[1, 2, 3]),
    lambda: datasets.moons(n=1),
    lambda: datasets.circles(factor=1.5),
    lambda: datasets.sine_regression(x_range=(2, 1)),
])
def test_bad_arguments_raise_value_error(call):
    with pytest.raises(ValueError):
        call()


def test_rng_accepts_int_seed_and_rejects_other_types():
    np.testing.assert_array_equal(datasets.moons(rng=5)[0],
                                  datasets.moons(rng=np.random.default_rng(5))[0])
    with pytest.raises(TypeError, match="Generator"):
        datasets.moons(rng=np.random.RandomState(0))


# --------------------------------------------------------------------------- splitting

def test_train_val_split_is_a_stratified_partition():
    y = np.repeat(np.arange(4), [50, 100, 30, 20])
    X = np.arange(len(y)).reshape(-1, 1) * np.ones((1, 3))  # row i holds i: traceable
    X_tr, X_val, y_tr, y_val = datasets.train_val_split(X, y, val_fraction=0.2)
    assert X_tr.shape == (160, 3) and X_val.shape == (40, 3)
    # every sample exactly once, with its own label
    rows = np.concatenate([X_tr[:, 0], X_val[:, 0]]).astype(int)
    np.testing.assert_array_equal(np.sort(rows), np.arange(len(y)))
    np.testing.assert_array_equal(y[X_tr[:, 0].astype(int)], y_tr)
    np.testing.assert_array_equal(y[X_val[:, 0].astype(int)], y_val)
    # class proportions kept
    np.testing.assert_array_equal(np.bincount(y_val), [10, 20, 6, 4])
    assert y_tr.dtype == y.dtype and X_tr.dtype == X.dtype


def test_train_val_split_is_deterministic_and_shuffled():
    X, y = datasets.blobs(n_per_class=50)
    a = datasets.train_val_split(X, y)
    b = datasets.train_val_split(X, y, rng=np.random.default_rng(0))
    c = datasets.train_val_split(X, y, rng=np.random.default_rng(1))
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a[1], c[1])
    assert not np.all(np.diff(a[3]) >= 0)  # validation part not sorted by class


def test_train_val_split_without_stratification():
    X = np.arange(100.0).reshape(50, 2)
    y = np.zeros(50, dtype=np.int64)
    X_tr, X_val, y_tr, y_val = datasets.train_val_split(X, y, val_fraction=0.3, stratify=False)
    assert len(X_tr) == 35 and len(X_val) == 15


def test_train_val_split_regression_targets_get_a_random_split():
    X, y = datasets.sine_regression(n=100)
    X_tr, X_val, y_tr, y_val = datasets.train_val_split(X, y, val_fraction=0.25)
    assert len(y_tr) == 75 and len(y_val) == 25
    np.testing.assert_allclose(np.sort(np.concatenate([y_tr, y_val])), np.sort(y))


@pytest.mark.parametrize("kwargs", [{"val_fraction": 0.0}, {"val_fraction": 1.0},
                                    {"val_fraction": 0.01}])
def test_train_val_split_bad_fraction(kwargs):
    X, y = datasets.xor()
    with pytest.raises(ValueError):
        datasets.train_val_split(X, y, **kwargs)


def test_train_val_split_length_mismatch():
    with pytest.raises(ValueError, match="same number"):
        datasets.train_val_split(np.zeros((5, 2)), np.zeros(4, dtype=int))


# ------------------------------------------------------------ MNIST 4k (shipped) and the held-out part

def test_load_mnist_4k_default():
    X_tr, y_tr, X_te, y_te = datasets.load_mnist()
    assert X_tr.shape == (3200, 784) and X_te.shape == (800, 784)
    assert y_tr.shape == (3200,) and y_te.shape == (800,)
    assert X_tr.dtype == np.float64 and y_tr.dtype == np.int64
    for X in (X_tr, X_te):
        assert X.min() == 0.0 and X.max() == 1.0
    np.testing.assert_array_equal(np.bincount(y_tr, minlength=10), [320] * 10)
    np.testing.assert_array_equal(np.bincount(y_te, minlength=10), [80] * 10)


def test_load_mnist_4k_is_reproducible_and_unflattened():
    a = datasets.load_mnist("4k")
    b = datasets.load_mnist("4k", flatten=False)
    assert b[0].shape == (3200, 28, 28) and b[2].shape == (800, 28, 28)
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v.reshape(u.shape))


def test_load_mnist_4k_test_fraction():
    X_tr, y_tr, X_te, y_te = datasets.load_mnist("4k", test_fraction=0.5)
    assert len(X_tr) == len(X_te) == 2000
    assert set(y_tr) == set(y_te) == set(range(10))
    with pytest.raises(ValueError, match="test_fraction"):
        datasets.load_mnist("4k", test_fraction=1.0)


def test_load_mnist_unknown_subset():
    with pytest.raises(ValueError, match="'4k', 'full'"):
        datasets.load_mnist("10k")


def _packaged_npz():
    with np.load(Path(str(datasets.MNIST_4K_FILE))) as npz:
        return npz["images"], npz["labels"]


def test_load_mnist_4k_rejects_damaged_bytes(tmp_path, monkeypatch):
    data = bytearray(Path(str(datasets.MNIST_4K_FILE)).read_bytes())
    middle = len(data) // 2
    data[middle:middle + 64] = bytes(64)
    damaged = tmp_path / "mnist_4k.npz"
    damaged.write_bytes(bytes(data))
    monkeypatch.setattr(datasets, "MNIST_4K_FILE", damaged)
    with pytest.raises(ChecksumError, match="corrupt"):
        datasets.load_mnist("4k")


def test_load_mnist_4k_rejects_changed_pixels(tmp_path, monkeypatch):
    images, labels = _packaged_npz()
    images = images.copy()
    images[123, 456] ^= 1
    changed = tmp_path / "mnist_4k.npz"
    np.savez_compressed(changed, images=images, labels=labels)
    monkeypatch.setattr(datasets, "MNIST_4K_FILE", changed)
    with pytest.raises(ChecksumError, match="SHA-256"):
        datasets.load_mnist("4k")


def test_load_mnist_4k_rejects_wrong_checksum_constant(monkeypatch):
    monkeypatch.setattr(datasets, "MNIST_4K_SHA256", "0" * 64)
    with pytest.raises(ChecksumError, match="reinstall"):
        datasets.load_mnist("4k")


def test_load_mnist_4k_missing_file(tmp_path, monkeypatch):
    monkeypatch.setattr(datasets, "MNIST_4K_FILE", tmp_path / "nothing.npz")
    with pytest.raises(FileNotFoundError, match="reinstall"):
        datasets.load_mnist("4k")


def test_load_mnist_5k_is_gone_with_a_pointer_to_4k():
    with pytest.raises(ValueError, match='"4k"'):
        datasets.load_mnist("5k")


def test_heldout_digits_are_the_other_1000_and_not_in_mlkit():
    """The split is disjoint and complete: shipped + held-out = the 5,000, 100 per class held."""
    from autograde.heldout import load_heldout
    X_h, y_h = load_heldout()
    assert X_h.shape == (1000, 784) and X_h.dtype == np.float64 and y_h.dtype == np.int64
    np.testing.assert_array_equal(np.bincount(y_h, minlength=10), [100] * 10)
    shipped, _ = _packaged_npz()
    held = (X_h * 255).round().astype(np.uint8)
    shipped_rows = {row.tobytes() for row in shipped}
    assert not any(row.tobytes() in shipped_rows for row in held)
    mlkit_dir = Path(datasets.__file__).parent
    assert not any("heldout" in p.name for p in mlkit_dir.rglob("*"))


def test_heldout_rejects_other_digits(tmp_path):
    from autograde.heldout import load_heldout
    images = np.zeros((1000, 784), np.uint8)
    np.savez_compressed(tmp_path / "h.npz", images=images, labels=np.zeros(1000, np.uint8))
    with pytest.raises(ValueError, match="SHA-256"):
        load_heldout(tmp_path / "h.npz")
    with pytest.raises(FileNotFoundError, match="make_mnist"):
        load_heldout(tmp_path / "missing.npz")


# --------------------------------------------------------------------------- MNIST full

def _idx(array):
    """Encode a uint8 array as IDX bytes (magic 0x0000 08 ndim, big-endian sizes)."""
    header = bytes([0, 0, 0x08, array.ndim])
    header += b"".join(int(s).to_bytes(4, "big") for s in array.shape)
    return header + array.astype(np.uint8).tobytes()


def _gz(data):
    return gzip.compress(data, mtime=0)


def _sha256(data):
    return hashlib.sha256(data).hexdigest()


def _tiny_mnist():
    """Small, valid MNIST-like files: {name: gz bytes} and the arrays they hold."""
    rng = np.random.default_rng(0)
    arrays = {
        "train-images-idx3-ubyte.gz": rng.integers(0, 256, (12, 28, 28), dtype=np.uint8),
        "train-labels-idx1-ubyte.gz": np.arange(12, dtype=np.uint8) % 10,
        "t10k-images-idx3-ubyte.gz": rng.integers(0, 256, (5, 28, 28), dtype=np.uint8),
        "t10k-labels-idx1-ubyte.gz": np.array([3, 1, 4, 1, 5], dtype=np.uint8),
    }
    arrays["train-images-idx3-ubyte.gz"][0] = 255  # so the pixel range reaches 1.0
    return {name: _gz(_idx(a)) for name, a in arrays.items()}, arrays


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.requests.append(self.path)
        body = self.server.files.get(self.path.lstrip("/"))
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # keep the test output quiet
        pass


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch, tmp_path):
    """No proxies (so 127.0.0.1 is reached directly), no user settings, no real cache."""
    for var in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy",
                "ALL_PROXY", "MLKIT_DATA", "MLKIT_MNIST_URL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("no_proxy", "*")
    monkeypatch.setenv("NO_PROXY", "*")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # ~/.cache/mlkit stays in tmp


@pytest.fixture
def server():
    """A local HTTP server on an ephemeral port serving the tiny MNIST files."""
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    srv.files, srv.arrays = _tiny_mnist()
    srv.requests = []
    srv.url = f"http://127.0.0.1:{srv.server_address[1]}/"
    srv.checksums = {name: _sha256(body) for name, body in srv.files.items()}
    # a short poll interval makes shutdown() quick
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.02},
                              daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()
    thread.join(timeout=5)


def _leftovers(folder):
    return sorted(p.name for p in Path(folder).glob("*.part"))


def test_full_downloads_once_then_uses_the_cache(server, tmp_path):
    cache = tmp_path / "cache"
    X_tr, y_tr, X_te, y_te = datasets.load_mnist(
        "full", cache_dir=cache, base_url=server.url, checksums=server.checksums)
    assert sorted(server.requests) == sorted("/" + name for name in datasets.MNIST_FILES)
    assert sorted(p.name for p in cache.iterdir()) == sorted(datasets.MNIST_FILES)

    a = server.arrays
    assert X_tr.shape == (12, 784) and X_te.shape == (5, 784)
    assert X_tr.dtype == np.float64 and y_tr.dtype == np.int64
    assert X_tr.min() >= 0 and X_tr.max() == 1.0
    np.testing.assert_allclose(X_tr, a["train-images-idx3-ubyte.gz"].reshape(12, -1) / 255)
    np.testing.assert_array_equal(y_tr, a["train-labels-idx1-ubyte.gz"])
    np.testing.assert_allclose(X_te, a["t10k-images-idx3-ubyte.gz"].reshape(5, -1) / 255)
    np.testing.assert_array_equal(y_te, a["t10k-labels-idx1-ubyte.gz"])

    n_requests = len(server.requests)
    again = datasets.load_mnist("full", cache_dir=cache, base_url=server.url,
                                checksums=server.checksums, flatten=False)
    assert len(server.requests) == n_requests  # served from the cache
    assert again[0].shape == (12, 28, 28)
    np.testing.assert_array_equal(again[0].reshape(12, -1), X_tr)


def test_full_uses_environment_variables(server, tmp_path, monkeypatch):
    monkeypatch.setenv("MLKIT_DATA", str(tmp_path / "env-cache"))
    monkeypatch.setenv("MLKIT_MNIST_URL", server.url.rstrip("/"))  # no trailing slash
    datasets.load_mnist("full", checksums=server.checksums)
    assert len(server.requests) == 4
    assert sorted(p.name for p in (tmp_path / "env-cache").iterdir()) == sorted(datasets.MNIST_FILES)


def test_full_default_cache_is_under_home(server, tmp_path):
    datasets.load_mnist("full", base_url=server.url, checksums=server.checksums)
    cache = tmp_path / "home" / ".cache" / "mlkit"
    assert sorted(p.name for p in cache.iterdir()) == sorted(datasets.MNIST_FILES)


def test_full_wrong_checksum_keeps_no_file(server, tmp_path):
    cache = tmp_path / "cache"
    checksums = dict(server.checksums, **{"t10k-images-idx3-ubyte.gz": "ab" * 32})
    with pytest.raises(ChecksumError, match="not kept"):
        datasets.load_mnist("full", cache_dir=cache, base_url=server.url, checksums=checksums)
    assert not (cache / "t10k-images-idx3-ubyte.gz").exists()
    assert _leftovers(cache) == []


def test_full_default_checksums_reject_other_files(server, tmp_path):
    # Without checksums= the published SHA-256 of the real files apply.
    with pytest.raises(ChecksumError):
        datasets.load_mnist("full", cache_dir=tmp_path, base_url=server.url)
    assert list(tmp_path.iterdir()) == []


def test_full_corrupt_cached_file(server, tmp_path):
    datasets.load_mnist("full", cache_dir=tmp_path, base_url=server.url,
                        checksums=server.checksums)
    (tmp_path / "train-labels-idx1-ubyte.gz").write_bytes(b"garbage")
    with pytest.raises(ChecksumError, match="delete it"):
        datasets.load_mnist("full", cache_dir=tmp_path, base_url=server.url,
                            checksums=server.checksums)


def test_full_unknown_checksum_name(tmp_path):
    with pytest.raises(ValueError, match="unknown file names"):
        datasets.load_mnist("full", cache_dir=tmp_path, checksums={"mnist.npz": "0" * 64})


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_full_server_down_gives_the_offline_message(tmp_path):
    url = f"http://127.0.0.1:{_free_port()}/"  # nothing listens there
    with pytest.raises(DownloadError) as info:
        datasets.load_mnist("full", cache_dir=tmp_path, base_url=url)
    message = str(info.value)
    assert isinstance(info.value, RuntimeError)
    assert "Could not download" in message and url in message
    assert str(tmp_path) in message                   # where to put the files
    assert "t10k-labels-idx1-ubyte.gz" in message     # which files
    assert 'load_mnist("4k")' in message              # the offline alternative
    assert _leftovers(tmp_path) == []


def test_full_http_error_is_a_download_error(server, tmp_path):
    del server.files["train-labels-idx1-ubyte.gz"]  # -> 404
    with pytest.raises(DownloadError, match="Not Found"):
        datasets.load_mnist("full", cache_dir=tmp_path, base_url=server.url,
                            checksums=server.checksums)
    assert not (tmp_path / "train-labels-idx1-ubyte.gz").exists()
    assert _leftovers(tmp_path) == []


def test_full_timeout_is_a_download_error(tmp_path, monkeypatch):
    monkeypatch.setattr(datasets, "_DOWNLOAD_TIMEOUT", 0.2)
    with socket.socket() as silent:  # accepts connections (backlog) but never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(4)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/"
        with pytest.raises(DownloadError, match="timed out"):
            datasets.load_mnist("full", cache_dir=tmp_path, base_url=url)
    assert _leftovers(tmp_path) == []


def _malformed(kind):
    images = np.zeros((3, 28, 28), dtype=np.uint8)
    if kind == "bad magic":
        return _gz(b"\x00\x00\x07\x03" + _idx(images)[4:])
    if kind == "truncated data":
        return _gz(_idx(images)[:-1])
    if kind == "truncated header":
        return _gz(_idx(images)[:7])
    if kind == "not gzip":
        return _idx(images)
    if kind == "wrong image size":
        return _gz(_idx(np.zeros((3, 28, 27), dtype=np.uint8)))
    if kind == "labels as images":
        return _gz(_idx(np.zeros(3, dtype=np.uint8)))
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["bad magic", "truncated data", "truncated header",
                                  "not gzip", "wrong image size", "labels as images"])
def test_full_malformed_idx(server, tmp_path, kind):
    body = _malformed(kind)
    server.files["t10k-images-idx3-ubyte.gz"] = body
    checksums = dict(server.checksums, **{"t10k-images-idx3-ubyte.gz": _sha256(body)})
    with pytest.raises(IDXFormatError, match="t10k-images-idx3-ubyte.gz"):
        datasets.load_mnist("full", cache_dir=tmp_path, base_url=server.url,
                            checksums=checksums)


def test_full_label_count_mismatch(server, tmp_path):
    body = _gz(_idx(np.zeros(4, dtype=np.uint8)))  # 4 labels for 5 test images
    server.files["t10k-labels-idx1-ubyte.gz"] = body
    checksums = dict(server.checksums, **{"t10k-labels-idx1-ubyte.gz": _sha256(body)})
    with pytest.raises(IDXFormatError, match="5 images but"):
        datasets.load_mnist("full", cache_dir=tmp_path, base_url=server.url,
                            checksums=checksums)


def test_published_checksums_are_well_formed():
    assert set(datasets.MNIST_FILES) == {
        "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
        "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"}
    for digest in datasets.MNIST_FILES.values():
        assert len(digest) == 64 and int(digest, 16) >= 0
