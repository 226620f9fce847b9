"""Loaders of the three small datasets shipped inside the package."""

import numpy as np

from sknumpynn._utils.docstrings import fill_doc
from sknumpynn.datasets._base import make_bunch, read_descr, read_embedded_csv

HEART_SHA256 = "d235cad39b7bcc1d63c7b672146fb3b6108b861201d2e29e288ec7fe03e35082"
BOSTON_SHA256 = "de34377a9f15b743089e8ff434fc6792f668c7e7c0219fb13c5b8aa6cd7b7cb2"
DIAMONDS_SHA256 = "0e7164799468299f8dc09b006cf396c43717c3dc71f947f0a32cc6e199895b46"

#: Ordered categories of the diamonds' string columns, worst to best.
DIAMONDS_CATEGORIES = {
    "cut": ["Fair", "Good", "Very Good", "Premium", "Ideal"],
    "color": ["J", "I", "H", "G", "F", "E", "D"],
    "clarity": ["I1", "SI2", "SI1", "VS2", "VS1", "VVS2", "VVS1", "IF"],
}


@fill_doc
def load_heart(*, return_X_y=False, as_frame=False):
    """Load the Cleveland heart-disease data (Kaggle encoding, 303 rows).

    Binary classification. **The target is inverted relative to UCI**
    (``1`` = no disease) and ``ca == 4`` / ``thal == 0`` encode missing values;
    read ``DESCR`` before interpreting anything.

    Parameters
    ----------
    {loader}

    {loader_returns}
        ``data`` (303, 13) float array or DataFrame, ``target`` (303,) int,
        ``feature_names``, ``target_names`` (``['disease', 'no disease']``),
        ``frame`` (DataFrame or None) and ``DESCR``.
    (data, target) : tuple if ``return_X_y`` is True

    Examples
    --------
    >>> from sknumpynn.datasets import load_heart
    >>> X, y = load_heart(return_X_y=True)
    >>> X.shape, int(y.sum())
    ((303, 13), 165)
    """
    header, raw = read_embedded_csv("heart.csv.gz", HEART_SHA256)
    columns = {name: np.array(raw[name], dtype=float) for name in header[:-1]}
    target = np.array(raw["target"], dtype=np.int64)
    return _bunch(
        "heart", columns, target, ["disease", "no disease"], as_frame, return_X_y
    )


@fill_doc
def load_boston(*, return_X_y=False, as_frame=False, drop_black=False):
    """Load the Boston housing data (506 rows, target ``medv`` in $1000s).

    Regression. scikit-learn removed this dataset in 1.2 because its ``black``
    column encodes a racist assumption; it is kept here as a numeric
    benchmark only. Pass ``drop_black=True`` to leave that column out, and
    read ``DESCR``.

    Parameters
    ----------
    {loader}
    drop_black : bool, default=False
        Leave out the ``black`` column.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data`` (506, 13) float array or DataFrame (12 columns with
        ``drop_black``), ``target`` (506,) float, ``feature_names``,
        ``target_names``, ``frame`` and ``DESCR``.
    (data, target) : tuple if ``return_X_y`` is True

    Examples
    --------
    >>> from sknumpynn.datasets import load_boston
    >>> X, y = load_boston(return_X_y=True, drop_black=True)
    >>> X.shape, round(float(y.mean()), 4)
    ((506, 12), 22.5328)
    """
    header, raw = read_embedded_csv("boston.csv.gz", BOSTON_SHA256)
    names = [n for n in header[:-1] if not (drop_black and n == "black")]
    columns = {name: np.array(raw[name], dtype=float) for name in names}
    target = np.array(raw["medv"], dtype=float)
    return _bunch("boston", columns, target, ["medv"], as_frame, return_X_y)


@fill_doc
def load_diamonds(*, return_X_y=False, as_frame=False):
    """Load ggplot2's diamonds (53,940 rows, target ``price`` in USD).

    Regression. ``cut``, ``color`` and ``clarity`` are ordered categories
    (:data:`DIAMONDS_CATEGORIES`, worst to best): strings in an object array,
    or ordered pandas categoricals with ``as_frame=True``. Encode them in the
    pipeline, and consider modelling ``log(price)``.

    Parameters
    ----------
    {loader}

    {loader_returns}
        ``data`` (53940, 9) object array or DataFrame, ``target`` (53940,)
        float, ``feature_names``, ``target_names``, ``frame`` and ``DESCR``.
    (data, target) : tuple if ``return_X_y`` is True

    Examples
    --------
    >>> from sknumpynn.datasets import load_diamonds
    >>> diamonds = load_diamonds()
    >>> diamonds.data.shape, int(diamonds.target.max())
    ((53940, 9), 18823)
    >>> list(diamonds.feature_names[:4])
    ['carat', 'cut', 'color', 'clarity']
    """
    header, raw = read_embedded_csv("diamonds.csv.gz", DIAMONDS_SHA256)
    columns = {
        name: np.array(
            raw[name], dtype=object if name in DIAMONDS_CATEGORIES else float
        )
        for name in header
        if name != "price"
    }
    target = np.array(raw["price"], dtype=float)
    return _bunch(
        "diamonds",
        columns,
        target,
        ["price"],
        as_frame,
        return_X_y,
        categories=DIAMONDS_CATEGORIES,
    )


def _bunch(name, columns, target, target_names, as_frame, return_X_y, **extra):
    """The loaders' shared return: a Bunch or ``(data, target)``."""
    return make_bunch(
        columns,
        target,
        target_column=target_names[0] if len(target_names) == 1 else "target",
        target_names=target_names,
        descr=read_descr(name),
        as_frame=as_frame,
        return_X_y=return_X_y,
        loader=f"load_{name}",
        **extra,
    )
