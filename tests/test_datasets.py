"""The dataset loaders: real files, OpenML fallback, integrity errors."""

import gzip
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from sklearn.utils import Bunch

from sknumpynn.datasets import (
    DIAMONDS_CATEGORIES,
    DatasetIntegrityError,
    fetch_mnist,
    load_boston,
    load_diamonds,
    load_heart,
)
from sknumpynn.datasets import _base as base
from sknumpynn.datasets._mnist import MNIST_FILES


def real_mnist_dir():
    """$SKNUMPYNN_DATA/mnist; CI must have it, elsewhere its tests skip."""
    root = os.environ.get("SKNUMPYNN_DATA")
    directory = Path(root) / "mnist" if root else None
    if directory is None or not directory.is_dir():
        if os.environ.get("CI"):
            pytest.fail("CI must set SKNUMPYNN_DATA to the shared datasets folder")
        pytest.skip("real MNIST not available: set SKNUMPYNN_DATA")
    return directory


def test_load_heart():
    heart = load_heart()
    assert heart.data.shape == (303, 13) and heart.data.dtype == float
    assert np.bincount(heart.target).tolist() == [138, 165]
    assert list(heart.target_names) == ["disease", "no disease"]
    assert heart.feature_names[0] == "age" and heart.frame is None
    assert "inverted relative to UCI" in heart.DESCR and "ca == 4" in heart.DESCR
    X, y = load_heart(return_X_y=True)
    np.testing.assert_array_equal(X, heart.data)


def test_load_boston():
    boston = load_boston()
    assert boston.data.shape == (506, 13)
    assert boston.target.mean() == pytest.approx(22.532806, abs=1e-6)
    assert (boston.target == 50.0).sum() == 16
    assert "black" in list(boston.feature_names)
    assert "removed ``load_boston``" in boston.DESCR
    X, _ = load_boston(return_X_y=True, drop_black=True)
    assert X.shape == (506, 12)


def test_load_diamonds():
    diamonds = load_diamonds()
    assert diamonds.data.shape == (53940, 9) and diamonds.data.dtype == object
    assert diamonds.target.sum() == 212135217
    assert set(diamonds.data[:, 1]) == set(DIAMONDS_CATEGORIES["cut"])
    assert "ordered" in diamonds.DESCR


def test_as_frame():
    pytest.importorskip("pandas")
    frame = load_diamonds(as_frame=True).frame
    assert frame.shape == (53940, 10)
    assert frame["clarity"].cat.ordered
    assert list(frame["color"].cat.categories) == DIAMONDS_CATEGORIES["color"]
    X, y = load_heart(as_frame=True, return_X_y=True)
    assert X.shape == (303, 13) and y.name == "target"


def test_embedded_file_is_verified(monkeypatch):
    with pytest.raises(DatasetIntegrityError, match="heart.csv.gz is corrupt"):
        base.read_embedded_csv("heart.csv.gz", "0" * 64)
    real = base.resources.files

    class Truncated:
        def __init__(self, path):
            self.path = path

        def __truediv__(self, name):
            return Truncated(self.path / name)

        def read_bytes(self):
            return self.path.read_bytes()[:100]

    monkeypatch.setattr(base.resources, "files", lambda pkg: Truncated(real(pkg)))
    with pytest.raises(DatasetIntegrityError, match="cannot be decompressed"):
        load_heart()


def test_fetch_mnist_reads_real_files():
    directory = real_mnist_dir()
    train = fetch_mnist(directory.parent, subset="train")
    assert train.data.shape == (60000, 784) and train.data.dtype == np.uint8
    assert np.bincount(train.target)[:3].tolist() == [5923, 6742, 5958]
    assert train.data.mean() == pytest.approx(33.3184, abs=1e-4)
    X_test, y_test = fetch_mnist(directory, subset="test", return_X_y=True)
    assert X_test.shape == (10000, 784)
    assert np.bincount(y_test)[:3].tolist() == [980, 1135, 1032]
    assert train.feature_names[-1] == "pixel784"


def test_fetch_mnist_uses_environment_variable(monkeypatch):
    directory = real_mnist_dir()
    monkeypatch.setenv("SKNUMPYNN_DATA", str(directory.parent))
    X, y = fetch_mnist(return_X_y=True)
    assert X.shape == (70000, 784) and y.shape == (70000,)


@pytest.fixture
def mnist_copy(tmp_path):
    directory = real_mnist_dir()
    for name in MNIST_FILES:
        shutil.copy(directory / name, tmp_path / name)
    return tmp_path


def test_fetch_mnist_truncated_file(mnist_copy):
    path = mnist_copy / "train-labels-idx1-ubyte.gz"
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(DatasetIntegrityError, match="train-labels-idx1-ubyte.gz is"):
        fetch_mnist(mnist_copy)


def test_fetch_mnist_tampered_file(mnist_copy):
    path = mnist_copy / "t10k-labels-idx1-ubyte.gz"
    labels = bytearray(gzip.decompress(path.read_bytes()))
    labels[100] = (labels[100] + 1) % 10
    path.write_bytes(gzip.compress(bytes(labels)))
    with pytest.raises(DatasetIntegrityError, match="SHA-256 is .* expected f7ae60"):
        fetch_mnist(mnist_copy)


def test_fetch_mnist_missing_file(mnist_copy):
    (mnist_copy / "t10k-images-idx3-ubyte.gz").unlink()
    with pytest.raises(DatasetIntegrityError, match="missing t10k-images-idx3-ubyte"):
        fetch_mnist(mnist_copy)


def fake_openml(calls):
    def fetch_openml(name, **kwargs):
        calls.append((name, kwargs))
        rng = np.random.RandomState(0)
        data = np.zeros((70000, 784))
        data[:, 0] = rng.randint(0, 256, size=70000)
        target = np.array([str(i % 10) for i in range(70000)], dtype=object)
        return Bunch(data=data, target=target)

    return fetch_openml


def test_fetch_mnist_falls_back_to_openml(monkeypatch, tmp_path):
    import sklearn.datasets

    calls = []
    monkeypatch.delenv("SKNUMPYNN_DATA", raising=False)
    monkeypatch.setattr(sklearn.datasets, "fetch_openml", fake_openml(calls))
    X, y = fetch_mnist(tmp_path, subset="test", return_X_y=True)
    assert calls[0][0] == "mnist_784" and calls[0][1]["data_home"] == tmp_path
    assert X.shape == (10000, 784) and X.dtype == np.uint8
    assert y.dtype == np.int64 and y[:3].tolist() == [0, 1, 2]  # rows 60000...
    with pytest.raises(OSError, match="download_if_missing=False"):
        fetch_mnist(tmp_path, download_if_missing=False)


def test_fetch_mnist_download_failure_explains(monkeypatch, tmp_path):
    import sklearn.datasets

    def offline(*args, **kwargs):
        raise ConnectionError("no network")

    monkeypatch.delenv("SKNUMPYNN_DATA", raising=False)
    monkeypatch.setattr(sklearn.datasets, "fetch_openml", offline)
    with pytest.raises(OSError, match="could not be downloaded from OpenML"):
        fetch_mnist(tmp_path)


def test_fetch_mnist_bad_subset():
    with pytest.raises(ValueError, match="subset must be"):
        fetch_mnist(subset="validation")
