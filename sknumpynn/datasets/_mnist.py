"""MNIST from the four original IDX files, or from OpenML as a fallback."""

import gzip
import os
from pathlib import Path

import numpy as np

from sknumpynn.datasets._base import (
    DatasetIntegrityError,
    check_sha256,
    loader_result,
    read_descr,
    require_pandas,
)

#: The four original files and their published SHA-256 digests.
MNIST_FILES = {
    "train-images-idx3-ubyte.gz": (
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609"
    ),
    "train-labels-idx1-ubyte.gz": (
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c"
    ),
    "t10k-images-idx3-ubyte.gz": (
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6"
    ),
    "t10k-labels-idx1-ubyte.gz": (
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"
    ),
}
N_TRAIN, N_TEST, N_PIXELS = 60_000, 10_000, 784
IDX_MAGIC = {1: 2049, 3: 2051}  # labels, images


def _candidate_dirs(data_home):
    if data_home is not None:
        return [Path(data_home) / "mnist", Path(data_home)]
    env = os.environ.get("SKNUMPYNN_DATA")
    return [Path(env) / "mnist"] if env else []


def find_mnist_dir(data_home=None):
    """The folder holding the MNIST IDX files, or None if there is none.

    Looks in ``data_home/mnist`` and ``data_home`` when ``data_home`` is given,
    else in ``$SKNUMPYNN_DATA/mnist``. A folder holding only some of the four
    files is an error: it names the missing ones.
    """
    for directory in _candidate_dirs(data_home):
        present = [name for name in MNIST_FILES if (directory / name).is_file()]
        if len(present) == len(MNIST_FILES):
            return directory
        if present:
            missing = sorted(set(MNIST_FILES) - set(present))
            raise DatasetIntegrityError(
                f"MNIST folder {directory} is incomplete: missing {', '.join(missing)}."
                " Put all four original IDX .gz files there, or remove the folder "
                "to download MNIST from OpenML instead."
            )
    return None


def read_idx(path, expected_sha256):
    """Read one gzipped IDX file after checking its SHA-256.

    Returns
    -------
    array : ndarray of uint8, shape ``(n,)`` for labels, ``(n, 784)`` for images
    """
    path = Path(path)
    packed = path.read_bytes()
    check_sha256(
        packed,
        expected_sha256,
        f"MNIST file {path}",
        "Replace it with the original file (see DESCR) or delete it and let "
        "fetch_mnist download MNIST from OpenML.",
    )
    raw = gzip.decompress(packed)
    ndim = raw[3]
    magic = int.from_bytes(raw[:4], "big")
    if IDX_MAGIC.get(ndim) != magic:
        raise DatasetIntegrityError(f"{path} is not an IDX file (magic {magic:#010x}).")
    dims = [int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    return data.reshape(dims[0], -1) if ndim == 3 else data


def _read_local(directory):
    arrays = {
        name: read_idx(directory / name, sha) for name, sha in MNIST_FILES.items()
    }
    X = np.concatenate(
        [arrays["train-images-idx3-ubyte.gz"], arrays["t10k-images-idx3-ubyte.gz"]]
    )
    y = np.concatenate(
        [arrays["train-labels-idx1-ubyte.gz"], arrays["t10k-labels-idx1-ubyte.gz"]]
    )
    return X, y.astype(np.int64)


def _read_openml(data_home):
    from sklearn.datasets import fetch_openml

    try:
        bunch = fetch_openml(
            "mnist_784",
            version=1,
            data_home=data_home,
            as_frame=False,
            parser="liac-arff",
        )
    except Exception as exc:
        raise OSError(
            "MNIST was not found locally and could not be downloaded from OpenML "
            f"({type(exc).__name__}: {exc}). Put the four original IDX .gz files in "
            "$SKNUMPYNN_DATA/mnist or pass data_home=<folder holding them>."
        ) from exc
    X = np.asarray(bunch.data)
    if X.shape != (N_TRAIN + N_TEST, N_PIXELS):
        raise DatasetIntegrityError(
            f"OpenML's mnist_784 has shape {X.shape}, expected (70000, 784)."
        )
    return X.astype(np.uint8), np.asarray(bunch.target).astype(np.int64)


def fetch_mnist(
    data_home=None,
    *,
    subset="all",
    return_X_y=False,
    as_frame=False,
    download_if_missing=True,
):
    """Load MNIST with its canonical 60,000/10,000 train/test split.

    Reads the four original IDX .gz files from ``data_home`` (or its ``mnist``
    subfolder), else from ``$SKNUMPYNN_DATA/mnist``, checking each against its
    published SHA-256. Without local files it downloads ``mnist_784`` from
    OpenML through :func:`sklearn.datasets.fetch_openml` (cached in
    ``data_home``), whose rows come in the same order.

    Parameters
    ----------
    data_home : str or path-like, default=None
        Folder holding the IDX files, and OpenML's cache folder.
    subset : {'all', 'train', 'test'}, default='all'
        ``'train'`` is the first 60,000 images, ``'test'`` the last 10,000;
        ``'all'`` returns the 70,000 rows in that order.
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        Return pandas objects (requires pandas).
    download_if_missing : bool, default=True
        If False, raise an error instead of downloading.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data`` (n, 784) uint8 pixels, ``target`` (n,) int labels,
        ``feature_names`` (``pixel1`` ... ``pixel784``), ``target_names``,
        ``frame`` and ``DESCR``.
    (data, target) : tuple if ``return_X_y`` is True

    Examples
    --------
    >>> from sknumpynn.datasets import fetch_mnist
    >>> X_test, y_test = fetch_mnist(subset="test", return_X_y=True)
    >>> X_test.shape, X_test.dtype.name, sorted(set(y_test.tolist()))[:3]
    ((10000, 784), 'uint8', [0, 1, 2])
    """
    if subset not in ("all", "train", "test"):
        raise ValueError(f"subset must be 'all', 'train' or 'test', got {subset!r}.")
    directory = find_mnist_dir(data_home)
    if directory is not None:
        X, y = _read_local(directory)
    elif download_if_missing:
        X, y = _read_openml(data_home)
    else:
        raise OSError(
            "MNIST files not found (looked in "
            f"{[str(d) for d in _candidate_dirs(data_home)] or 'no folder'}) and "
            "download_if_missing=False."
        )
    rows = {"all": slice(None), "train": slice(N_TRAIN), "test": slice(N_TRAIN, None)}
    X, y = X[rows[subset]], y[rows[subset]]
    feature_names = [f"pixel{i}" for i in range(1, N_PIXELS + 1)]
    frame = None
    if as_frame:
        pd = require_pandas("fetch_mnist")
        frame = pd.DataFrame(X, columns=feature_names)
        frame["class"] = y
        X, y = frame[feature_names], frame["class"]
    target_names = [str(d) for d in range(10)]
    return loader_result(
        X, y, frame, feature_names, target_names, read_descr("mnist"), return_X_y
    )
