"""Label encoding of multiclass-multioutput targets: one one-hot block per column.

scikit-learn's ``LabelBinarizer`` refuses 2-D targets whose columns are not
binary; :class:`MultiOutputLabels` encodes each column on its own, so the
classifier trains one softmax block per output
(:class:`~sknumpynn.nn.losses.BlockSoftmax`) and decodes each block by its
arg-max, as scikit-learn's multi-output classifiers do column by column.
"""

import numpy as np
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import type_of_target, unique_labels
from sklearn.utils.validation import check_array, column_or_1d, validate_data

from sknumpynn._utils.validation import _naming_the_bad_argument
from sknumpynn.nn.losses import BlockSoftmax


class MultiOutputLabels:
    """Encode a 2-D label matrix as concatenated one-hot blocks.

    The interface of the classifier's ``LabelBinarizer``: ``fit``,
    ``transform``, ``inverse_transform``, ``classes_``, ``y_type_``.

    Attributes
    ----------
    classes_ : list of ndarray
        The sorted labels of each column.
    sizes_ : tuple of int
        Units per block (classes per column).
    y_type_ : str
        ``'multiclass-multioutput'``.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.array([["x", "a"], ["z", "b"], ["y", "c"]])
    >>> labels = MultiOutputLabels().fit(y)
    >>> labels.sizes_
    (3, 3)
    >>> labels.transform(np.array([["z", "a"]]))
    array([[0., 0., 1., 1., 0., 0.]])
    >>> labels.inverse_transform(np.array([[0.1, 0.7, 0.2, 0.0, 0.0, 1.0]]))
    array([['y', 'c']], dtype='<U1')
    """

    y_type_ = "multiclass-multioutput"

    def fit(self, y):
        """Record the sorted labels of every column of ``y``.

        Parameters
        ----------
        y : ndarray of shape (n_samples, n_outputs)

        Returns
        -------
        self : MultiOutputLabels
        """
        y = np.asarray(y)
        self.classes_ = [np.unique(y[:, j]) for j in range(y.shape[1])]
        self.sizes_ = tuple(len(classes) for classes in self.classes_)
        return self

    def transform(self, y):
        """One-hot blocks, one per column, side by side.

        Parameters
        ----------
        y : ndarray of shape (n_samples, n_outputs)

        Returns
        -------
        Y : ndarray of shape (n_samples, sum(sizes_))
        """
        y = np.asarray(y)
        if y.ndim != 2 or y.shape[1] != len(self.classes_):
            raise ValueError(
                f"y has {y.shape[1] if y.ndim == 2 else 1} output(s), but the "
                f"classifier was fitted with {len(self.classes_)}."
            )
        Y = np.zeros((y.shape[0], sum(self.sizes_)))
        start = 0
        for j, classes in enumerate(self.classes_):
            column = y[:, j]
            index = np.searchsorted(classes, column).clip(0, len(classes) - 1)
            unseen = classes[index] != column
            if unseen.any():
                raise ValueError(
                    f"y contains previously unseen labels in column {j}: "
                    f"{np.unique(column[unseen]).tolist()}"
                )
            Y[np.arange(y.shape[0]), start + index] = 1
            start += len(classes)
        return Y

    def blocks(self, P):
        """``P``'s columns split into one array per output (views)."""
        bounds = np.cumsum((0,) + self.sizes_)
        return [P[:, a:b] for a, b in zip(bounds[:-1], bounds[1:])]

    def inverse_transform(self, P):
        """Labels from probabilities (or indicators): each block's arg-max.

        Parameters
        ----------
        P : ndarray of shape (n_samples, sum(sizes_))

        Returns
        -------
        y : ndarray of shape (n_samples, n_outputs)
        """
        columns = [
            classes[block.argmax(axis=1)]
            for classes, block in zip(self.classes_, self.blocks(P))
        ]
        dtypes = {classes.dtype for classes in self.classes_}
        dtype = dtypes.pop() if len(dtypes) == 1 else object
        y = np.empty((P.shape[0], len(columns)), dtype=dtype)
        for j, column in enumerate(columns):
            y[:, j] = column
        return y


class ClassifierTargetsMixin:
    """The classifier's targets: validation, label encoding, class weights.

    Single-output, binary, multilabel targets go through scikit-learn's
    ``LabelBinarizer`` (as its MLP); multiclass-multioutput targets through
    :class:`MultiOutputLabels`.
    """

    def _is_multioutput(self):
        """Whether the fitted target is multiclass-multioutput."""
        return isinstance(self._label_binarizer, MultiOutputLabels)

    def _network_output(self):
        if self._is_multioutput():
            return BlockSoftmax(self._label_binarizer.sizes_)
        return self.out_activation_

    def _validate_input(self, X, y, incremental, reset, dtype):
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            dtype=dtype,
            reset=reset,
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if not hasattr(self, "classes_") or (not self.warm_start and not incremental):
            if type_of_target(y, input_name="y") == "multiclass-multioutput":
                self._label_binarizer = MultiOutputLabels().fit(y)
            else:
                self._label_binarizer = LabelBinarizer().fit(y)
            self.classes_ = self._label_binarizer.classes_
        elif self._is_multioutput():
            self._check_same_columns(y)
        else:
            self._check_known_classes(unique_labels(y))
        Y = self._label_binarizer.transform(y).astype(X.dtype)
        return X, Y

    def _check_known_classes(self, classes):
        """warm_start: the same classes; partial_fit: no new ones."""
        if self.warm_start:
            if set(classes) != set(self.classes_):
                raise ValueError(
                    "warm_start can only be used where `y` has the same classes "
                    f"as in the previous call to fit. Previously got "
                    f"{self.classes_}, `y` has {classes}"
                )
        elif len(np.setdiff1d(classes, self.classes_, assume_unique=True)):
            raise ValueError(
                "`y` has classes not in `self.classes_`. `self.classes_` has "
                f"{self.classes_}. 'y' has {classes}."
            )

    def _check_same_columns(self, y):
        """warm_start with a multiclass-multioutput target: the same classes
        in every column."""
        y = np.asarray(y)
        if y.ndim != 2 or y.shape[1] != len(self.classes_):
            raise ValueError(
                "warm_start can only be used where `y` has the same outputs as "
                f"in the previous call to fit ({len(self.classes_)} columns)."
            )
        for j, classes in enumerate(self.classes_):
            if set(np.unique(y[:, j])) != set(classes):
                raise ValueError(
                    "warm_start can only be used where `y` has the same classes "
                    f"as in the previous call to fit. Column {j} previously had "
                    f"{classes}, `y` has {np.unique(y[:, j])}"
                )

    def _encode_y_val(self, y_val, dtype):
        """``y_val`` encoded as the training targets; its labels must be known."""
        y_val = check_array(y_val, ensure_2d=False, dtype=None, input_name="y_val")
        if y_val.ndim == 2 and y_val.shape[1] == 1:
            y_val = column_or_1d(y_val, warn=True)
        if self._is_multioutput():
            return self._label_binarizer.transform(y_val).astype(dtype)
        unseen = np.setdiff1d(unique_labels(y_val), self.classes_)
        if len(unseen):
            raise ValueError(
                f"y_val has classes not in `self.classes_`. `self.classes_` has "
                f"{self.classes_}. 'y_val' has {unique_labels(y_val)}."
            )
        return self._label_binarizer.transform(y_val).astype(dtype)

    def _training_sample_weight(self, Y, sample_weight, incremental):
        """``sample_weight`` times the weight of each sample's class."""
        if self.class_weight is None:
            return sample_weight
        kind = self._label_binarizer.y_type_
        if kind.startswith("multilabel") or kind == "multiclass-multioutput":
            name = "multilabel" if kind.startswith("multilabel") else kind
            raise ValueError(
                f"class_weight is not supported for {name} targets; pass "
                "sample_weight instead."
            )
        if incremental and isinstance(self.class_weight, str):
            raise ValueError(
                "class_weight='balanced' is not supported for partial_fit: the "
                "class frequencies of one batch are not those of the data. Compute "
                "them once with sklearn.utils.class_weight.compute_class_weight and "
                "pass class_weight as a dict."
            )
        index = Y.argmax(axis=1) if Y.shape[1] > 1 else Y[:, 0].astype(np.intp)
        with _naming_the_bad_argument(culprit="class_weight"):
            per_class = compute_class_weight(
                self.class_weight, classes=self.classes_, y=self.classes_[index]
            )
        per_sample = per_class[index]
        return per_sample if sample_weight is None else sample_weight * per_sample

    def _output_activation(self, Y):
        kind = self._label_binarizer.y_type_
        return "softmax" if kind.startswith("multiclass") else "logistic"

    def _decode(self, P):
        """Class labels from network outputs (probabilities or indicators)."""
        return self._label_binarizer.inverse_transform(
            P.ravel() if self.n_outputs_ == 1 else P
        )
