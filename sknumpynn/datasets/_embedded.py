"""Loaders of the three small datasets shipped inside the package."""

import numpy as np

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


def load_heart(*, return_X_y=False, as_frame=False):
    """Load the Cleveland heart-disease data (Kaggle encoding, 303 rows).

    Binary classification. **The target is inverted relative to UCI**
    (``1`` = no disease) and ``ca == 4`` / ``thal == 0`` encode missing values;
    read ``DESCR`` before interpreting anything.

    Parameters
    ----------
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        Return pandas objects (requires pandas).

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        ``data`` (303, 13) float array or DataFrame, ``target`` (303,) int,
        ``feature_names``, ``target_names`` (``['disease', 'no disease']``),
        ``frame`` (DataFrame or None) and ``DESCR``.
    (data, target) : tuple if ``return_X_y`` is True

    Examples
    --------
    >>> from sknumpynn.datasets import load_heart
    >>> heart = load_heart()
    >>> heart.data.shape, int(heart.target.sum())
    ((303, 13), 165)
    """
    header, raw = read_embedded_csv("heart.csv.gz", HEART_SHA256)
    columns = {name: np.array(raw[name], dtype=float) for name in header[:-1]}
    target = np.array(raw["target"], dtype=np.int64)
    return make_bunch(
        columns,
        target,
        target_column="target",
        target_names=["disease", "no disease"],
        descr=read_descr("heart"),
        as_frame=as_frame,
        return_X_y=return_X_y,
        loader="load_heart",
    )


def load_boston(*, return_X_y=False, as_frame=False, drop_black=False):
    """Load the Boston housing data (506 rows, target ``medv`` in $1000s).

    Regression. scikit-learn removed this dataset in 1.2 because its ``black``
    column encodes a racist assumption; it is kept here as a numeric
    benchmark only. Pass ``drop_black=True`` to leave that column out, and
    read ``DESCR``.

    Parameters
    ----------
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        Return pandas objects (requires pandas).
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
    return make_bunch(
        columns,
        np.array(raw["medv"], dtype=float),
        target_column="medv",
        target_names=["medv"],
        descr=read_descr("boston"),
        as_frame=as_frame,
        return_X_y=return_X_y,
        loader="load_boston",
    )


def load_diamonds(*, return_X_y=False, as_frame=False):
    """Load ggplot2's diamonds (53,940 rows, target ``price`` in USD).

    Regression. ``cut``, ``color`` and ``clarity`` are ordered categories
    (:data:`DIAMONDS_CATEGORIES`, worst to best): strings in an object array,
    or ordered pandas categoricals with ``as_frame=True``. Encode them in the
    pipeline, and consider modelling ``log(price)``.

    Parameters
    ----------
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        Return pandas objects (requires pandas).

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
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
    return make_bunch(
        columns,
        np.array(raw["price"], dtype=float),
        target_column="price",
        target_names=["price"],
        descr=read_descr("diamonds"),
        as_frame=as_frame,
        return_X_y=return_X_y,
        loader="load_diamonds",
        categories=DIAMONDS_CATEGORIES,
    )
