r"""The tabular estimators' own preprocessing, fitted on the training rows.

Numeric columns (RealMLP's ``median_center``, ``robust_scale``,
``smooth_clip``): with :math:`m` the median and :math:`q_{25}, q_{75}` the
quartiles of the column's non-missing training values,

.. math::

    z = \frac{x - m}{q_{75} - q_{25}}, \qquad
    \operatorname{clip}(z) = \frac{z}{\sqrt{1 + (z/3)^2}},

with :math:`\tfrac12(\max - \min)` in place of a zero quartile range, and the
column dropped when that is zero too (constant columns carry nothing). A
missing value is imputed by the median (:math:`z = 0`), and a column that had
missing training values gets a missing-indicator input (1 where missing).

Categorical columns: one input per level, 1 for the row's level and 0
otherwise (a missing or unseen level encodes as all zeros, as
``OneHotEncoder(handle_unknown='ignore')`` does); two levels share one input,
:math:`\pm 1` (0 when missing or unseen), as RealMLP encodes them; beyond
``max_categories`` levels the least frequent ones share one "infrequent"
input (``OneHotEncoder(max_categories=...)``'s rule).
"""

from numbers import Integral

import numpy as np

#: Above this, RealMLP's smooth clip bends values: :math:`x/\sqrt{1+(x/3)^2}`.
CLIP_SCALE = 3.0


def smooth_clip(z):
    r""":math:`z / \sqrt{1 + (z/3)^2}`, monotone, :math:`|\cdot| < 3`."""
    return z / np.sqrt(1.0 + (z / CLIP_SCALE) ** 2)


def weighted_quantiles(values, weights, quantiles=(0.25, 0.5, 0.75)):
    """Weighted ``inverted_cdf`` quantiles: the smallest value whose weighted
    CDF reaches each quantile (``np.quantile(..., method='inverted_cdf')`` of
    the rows repeated ``weights`` times, for integer weights; written out, as
    ``np.quantile`` takes weights only from NumPy 2.0).
    """
    order = np.argsort(values, kind="stable")
    cdf = np.cumsum(weights[order])
    index = np.searchsorted(cdf, np.asarray(quantiles) * cdf[-1], side="left")
    return values[order][np.minimum(index, len(values) - 1)]


def _is_frame(X):
    return hasattr(X, "columns") and hasattr(X, "dtypes") and hasattr(X, "iloc")


def _missing(values):
    """Boolean mask of missing entries (None, NaN, pandas' NA) of an object column."""
    out = np.zeros(len(values), dtype=bool)
    for i, value in enumerate(values):
        out[i] = value is None or (value != value) is True or repr(value) == "<NA>"
    return out


def _frame_columns(X):
    """Each column of a DataFrame as a NumPy array, and whether its dtype is
    categorical (pandas ``category``, ``object`` or ``string``)."""
    columns, from_dtype = [], []
    for j, dtype in enumerate(X.dtypes):
        kind = getattr(dtype, "kind", "O")
        is_cat = str(dtype) == "category" or kind in "OSU" or "str" in str(dtype)
        column = X.iloc[:, j]
        columns.append(column.to_numpy(dtype=object) if is_cat else column.to_numpy())
        from_dtype.append(is_cat)
    return columns, np.array(from_dtype, dtype=bool)


def categorical_mask(categorical_features, X, from_dtype, feature_names):
    """The categorical columns as a boolean mask, HistGradientBoosting's rules.

    Parameters
    ----------
    categorical_features : 'from_dtype', None, or array-like
        Integer indices, feature names, or a boolean mask.
    X : array-like
    from_dtype : ndarray of bool
        The columns whose dtype is categorical.
    feature_names : ndarray of str or None

    Returns
    -------
    ndarray of bool of shape (n_features,)
    """
    n_features = len(from_dtype)
    if isinstance(categorical_features, str):  # 'from_dtype'
        return from_dtype.copy()
    if categorical_features is None:
        return np.zeros(n_features, dtype=bool)
    values = np.asarray(categorical_features)
    if values.dtype.kind == "b":
        if values.shape != (n_features,):
            raise ValueError(
                "categorical_features set as a boolean mask must have shape "
                f"(n_features,), got: {values.shape}"
            )
        return values.copy()
    mask = np.zeros(n_features, dtype=bool)
    for value in values.ravel():
        if isinstance(value, str):
            if feature_names is None or value not in feature_names:
                raise ValueError(
                    f"categorical_features has a item value '{value}' which is not "
                    "a valid feature name of the training data."
                )
            mask[list(feature_names).index(value)] = True
        elif isinstance(value, Integral) and 0 <= value < n_features:
            mask[value] = True
        else:
            raise ValueError(
                "categorical_features set as integer indices must be in "
                f"[0, n_features - 1], got {value!r}."
            )
    return mask


class NumericColumn:
    """Median, robust scale, smooth clip, missing indicator of one column."""

    def __init__(self, values, weights):
        missing = np.isnan(values) & (weights > 0)
        keep = ~np.isnan(values) & (weights > 0)
        present = values[keep]
        self.has_missing = bool(missing.any())
        self.median, self.factor = 0.0, 0.0
        if present.size:
            # Weighted 'inverted_cdf' quantiles: integer weights give exactly
            # the quantiles of the rows repeated that many times.
            q25, median, q75 = weighted_quantiles(present, weights[keep])
            self.median = float(median)
            spread = q75 - q25 or 0.5 * (present.max() - present.min())
            self.factor = 1.0 / spread if spread > 0 else 0.0
        self.kept = self.factor > 0

    def transform(self, values):
        missing = np.isnan(values)
        z = smooth_clip(
            (np.where(missing, self.median, values) - self.median) * self.factor
        )
        return z, missing.astype(float)


class CategoricalColumn:
    """One-hot (or one :math:`\\pm 1` input for two levels) of one column."""

    def __init__(self, values, weights, max_categories, name):
        keep = ~_missing(values) & (weights > 0)
        present = values[keep]
        try:
            levels, inverse = np.unique(present, return_inverse=True)
            counts = np.bincount(inverse.ravel(), weights=weights[keep])
        except TypeError as error:
            raise TypeError(
                f"Categorical column {name!r} mixes types (e.g. strings and numbers);"
                " its levels must be of one type to be sorted."
            ) from error
        self.infrequent = False
        if len(levels) > max_categories:  # OneHotEncoder's max_categories rule
            order = np.argsort(-counts, kind="stable")
            levels = np.sort(levels[order[: max_categories - 1]])
            self.infrequent = True
        self.levels = levels
        self.index = {level: i for i, level in enumerate(levels.tolist())}
        self.binary = len(levels) == 2 and not self.infrequent
        self.n_out = 1 if self.binary else len(levels) + self.infrequent

    def transform(self, values):
        missing = _missing(values)
        codes = np.array(
            [-2 if gone else self.index.get(v, -1) for v, gone in zip(values, missing)]
        )
        if self.binary:  # level 0 -> -1, level 1 -> +1, missing/unseen -> 0
            return np.where(codes >= 0, 2.0 * codes - 1.0, 0.0)[:, np.newaxis]
        out = np.zeros((len(values), self.n_out))
        rows = np.flatnonzero(codes >= 0)
        out[rows, codes[rows]] = 1.0
        if self.infrequent:  # seen-at-fit levels outside the kept ones: infrequent
            out[codes == -1, -1] = 1.0
        return out


class TabularEncoder:
    """Numeric and categorical columns to the network's inputs.

    Parameters
    ----------
    categorical : ndarray of bool
        The categorical columns.
    max_categories : int
        Inputs per categorical column at most.
    feature_names : sequence of str or None
        For the error messages.

    Attributes
    ----------
    n_numeric : int
        The leading inputs that are scaled numeric values (the embedded ones).
    n_outputs : int
        All inputs: numeric, then missing indicators, then categories.
    """

    def __init__(self, categorical, max_categories, feature_names=None):
        self.categorical = categorical
        self.max_categories = max_categories
        self.feature_names = feature_names

    def _name(self, j):
        return str(self.feature_names[j]) if self.feature_names is not None else j

    def _numeric(self, columns):
        out = []
        for j, column in enumerate(columns):
            if self.categorical[j]:
                out.append(None)
                continue
            try:
                values = np.asarray(column, dtype=np.float64)
            except (TypeError, ValueError) as error:
                raise ValueError(
                    f"Column {self._name(j)!r} holds non-numeric values ({error}) but "
                    "is not categorical: give it a pandas 'category' dtype or name it"
                    " in categorical_features."
                ) from error
            if np.isinf(values).any():
                raise ValueError(
                    "Input X contains infinity or a value too large for "
                    "dtype('float64')."
                )
            out.append(values)
        return out

    def fit_transform(self, columns, sample_weight=None):
        """Fit on the training columns and encode them.

        Statistics are weighted by ``sample_weight``; rows of weight 0 take
        no part (as if removed).
        """
        numeric = self._numeric(columns)
        n = len(columns[0]) if len(columns) else 0
        weights = np.ones(n) if sample_weight is None else sample_weight
        self.numeric_ = {
            j: NumericColumn(v, weights) for j, v in enumerate(numeric) if v is not None
        }
        self.categories_ = {
            j: CategoricalColumn(
                np.asarray(c, dtype=object), weights, self.max_categories, self._name(j)
            )
            for j, c in enumerate(columns)
            if self.categorical[j]
        }
        kept = [j for j, col in self.numeric_.items() if col.kept]
        self.n_numeric = len(kept)
        self.n_outputs = (
            self.n_numeric
            + sum(col.has_missing for col in self.numeric_.values())
            + sum(col.n_out for col in self.categories_.values())
        ) or 1
        return self._encode(numeric, columns)

    def transform(self, columns):
        """Encode new rows with the fitted statistics."""
        return self._encode(self._numeric(columns), columns)

    def _encode(self, numeric, columns):
        scaled, indicators, categories = [], [], []
        for j, col in self.numeric_.items():
            z, missing = col.transform(numeric[j])
            if col.kept:
                scaled.append(z)
            if col.has_missing:
                indicators.append(missing)
        for j, col in self.categories_.items():
            categories.append(col.transform(np.asarray(columns[j], dtype=object)))
        n = len(columns[0]) if len(columns) else 0
        parts = [np.column_stack(p) for p in (scaled, indicators) if p] + categories
        # Nothing informative (every column constant): one zero input.
        return np.hstack(parts) if parts else np.zeros((n, 1))
