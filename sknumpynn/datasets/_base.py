"""Helpers shared by the loaders: integrity checks, CSV parsing, Bunch building."""

import csv
import gzip
import hashlib
import io
from importlib import resources

import numpy as np
from sklearn.utils import Bunch


class DatasetIntegrityError(ValueError):
    """A data file is missing, truncated or corrupt.

    The message names the file and says what to do (download it again, or
    point ``data_home`` / ``SKNUMPYNN_DATA`` elsewhere).

    Examples
    --------
    >>> import gzip, tempfile
    >>> from pathlib import Path
    >>> from sknumpynn.datasets import DatasetIntegrityError, fetch_mnist
    >>> folder = Path(tempfile.mkdtemp())
    >>> for name in ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
    ...              "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"):
    ...     _ = (folder / f"{name}.gz").write_bytes(gzip.compress(b"truncated"))
    >>> try:
    ...     fetch_mnist(data_home=folder)
    ... except DatasetIntegrityError as error:
    ...     print(type(error).__name__, "train-images" in str(error))
    DatasetIntegrityError True
    """


def sha256_hex(data):
    """SHA-256 hex digest of ``bytes``."""
    return hashlib.sha256(data).hexdigest()


def check_sha256(data, expected, name, advice):
    """Raise :class:`DatasetIntegrityError` unless ``data`` hashes to ``expected``."""
    actual = sha256_hex(data)
    if actual != expected:
        raise DatasetIntegrityError(
            f"{name} is corrupt or truncated: its SHA-256 is {actual}, expected "
            f"{expected} ({len(data):,} bytes read). {advice}"
        )


def read_descr(name):
    """The reStructuredText description shipped as ``descr/<name>.rst``."""
    return (resources.files("sknumpynn.datasets") / "descr" / f"{name}.rst").read_text(
        encoding="utf-8"
    )


def read_embedded_csv(filename, sha256):
    """Decompress, verify and parse a CSV shipped in ``datasets/data``.

    Returns
    -------
    header : list of str
    columns : dict of str to list of str
    """
    packed = (resources.files("sknumpynn.datasets") / "data" / filename).read_bytes()
    advice = "Reinstall sknumpynn: the file shipped in the package was altered."
    try:
        raw = gzip.decompress(packed)
    except (OSError, EOFError) as exc:
        raise DatasetIntegrityError(
            f"{filename} cannot be decompressed ({exc}). {advice}"
        ) from exc
    check_sha256(raw, sha256, filename, advice)
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"))))
    header, body = rows[0], rows[1:]
    return header, {name: [row[i] for row in body] for i, name in enumerate(header)}


def require_pandas(loader):
    """Import pandas, or explain which extra to install."""
    try:
        import pandas as pd
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            f"{loader}(as_frame=True) requires pandas: pip install 'sknumpynn[pandas]'"
        ) from exc
    return pd


def make_bunch(
    columns,
    target,
    *,
    target_column,
    target_names,
    descr,
    as_frame,
    return_X_y,
    loader,
    categories=None,
):
    """Assemble scikit-learn's loader return value.

    Parameters
    ----------
    columns : dict of str to ndarray
        Feature columns, in order.
    target : ndarray
    target_column : str
    target_names : array-like of str
    descr : str
    as_frame, return_X_y : bool
        As in scikit-learn's loaders.
    loader : str
        Name of the calling loader, for error messages.
    categories : dict of str to list of str, default=None
        Ordered categories of the string columns (pandas ordered categoricals
        with ``as_frame=True``).
    """
    feature_names = list(columns)
    frame = None
    if as_frame:
        pd = require_pandas(loader)
        frame = pd.DataFrame(
            {
                name: pd.Categorical(values, categories=categories[name], ordered=True)
                if categories and name in categories
                else values
                for name, values in columns.items()
            }
        )
        frame[target_column] = target
        data, target = frame[feature_names], frame[target_column]
    else:
        numeric = all(np.issubdtype(v.dtype, np.number) for v in columns.values())
        data = np.empty((len(target), len(columns)), dtype=float if numeric else object)
        for j, values in enumerate(columns.values()):
            data[:, j] = values
    return loader_result(
        data, target, frame, feature_names, target_names, descr, return_X_y
    )


def loader_result(data, target, frame, feature_names, target_names, descr, return_X_y):
    """``(data, target)``, or the Bunch every loader returns.

    Parameters
    ----------
    data, target : ndarray or pandas object
    frame : pandas.DataFrame or None
    feature_names, target_names : sequence of str
    descr : str
    return_X_y : bool

    Returns
    -------
    Bunch or tuple
    """
    if return_X_y:
        return data, target
    return Bunch(
        data=data,
        target=target,
        frame=frame,
        feature_names=np.array(feature_names, dtype=object),
        target_names=np.asarray(target_names, dtype=object),
        DESCR=descr,
    )
