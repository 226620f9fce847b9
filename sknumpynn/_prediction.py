"""Prediction and hidden-layer features of the estimators: the forward pass
over the fitted weights in memory-bounded chunks, and ``transform``."""

import numpy as np
import scipy.sparse as sp
from sklearn import get_config
from sklearn.base import ClassNamePrefixFeaturesOutMixin, TransformerMixin
from sklearn.utils.validation import check_is_fitted, validate_data

from sknumpynn._utils.docstrings import fill_doc
from sknumpynn._utils.parallel import limited_blas_threads
from sknumpynn._utils.validation import _naming_the_bad_argument
from sknumpynn.nn.activations import HIDDEN_ACTIVATIONS, USES_SCRATCH
from sknumpynn.nn.forward import forward_pass, hidden_activations

#: Upper bound of the activations of one predict chunk, in MiB.
PREDICT_CHUNK_MIB = 32

_FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


class PredictionMixin(ClassNamePrefixFeaturesOutMixin, TransformerMixin):
    """The forward pass of a fitted estimator, and its hidden-layer features.

    ``transform`` makes the estimators transformers as well: a fitted MLP can
    feed another model in a ``Pipeline``.
    """

    def _validate_predict_input(self, X):
        """``X`` as ``validate_data(reset=False)`` returns it, minus its fixed cost.

        A 2-D float ndarray with the fitted width, a finite sum (scikit-learn's
        finiteness test) and no feature names at fit is returned as is, as
        ``validate_data`` would, in microseconds; anything else goes through
        ``validate_data``, with scikit-learn's errors and warnings.
        """
        dtype = self.coefs_[0].dtype
        if (
            type(X) is np.ndarray
            and X.ndim == 2
            and X.dtype in _FLOAT_DTYPES
            and X.shape[0] > 0
            and X.shape[1] == self.n_features_in_
            and not hasattr(self, "feature_names_in_")
            and np.isfinite(X.sum(dtype=np.float64))
        ):
            return X
        # Float input of the other precision is cast chunk by chunk, not whole.
        other = np.float64 if dtype == np.float32 else np.float32
        with _naming_the_bad_argument(culprit="X"):
            X = validate_data(
                self, X, accept_sparse=["csr", "csc"], reset=False, dtype=(dtype, other)
            )
        if sp.issparse(X) and X.format == "csc":
            X = X.tocsr()
        return X

    def _chunk_rows(self, coefs):
        """Rows per chunk: the activations of ``coefs``' layers for one chunk
        stay within :data:`PREDICT_CHUNK_MIB` (cache-friendly, and as fast as
        bigger chunks) and never exceed scikit-learn's ``working_memory``."""
        row_bytes = coefs[0].dtype.itemsize * sum(c.shape[1] for c in coefs)
        budget = min(get_config()["working_memory"], PREDICT_CHUNK_MIB) * 2**20
        return max(1, int(budget // row_bytes))

    def _forward(self, X, output_activation=None):
        """Validated network output for ``X``, computed in memory-bounded chunks.

        ``output_activation='identity'`` returns the output layer's
        pre-activations (logits) instead. The public methods calling it have
        checked that the estimator is fitted.
        """
        X = self._validate_predict_input(X)
        coefs, intercepts = self._prediction_weights()
        with limited_blas_threads():
            return forward_pass(
                X,
                coefs,
                intercepts,
                self.activation,
                output_activation or self._network_output(),
                batch_size=self._chunk_rows(coefs),
            )

    def _prediction_weights(self):
        """``(coefs, intercepts)`` that predictions multiply by (``X`` is cast
        to their dtype): the fitted ones."""
        return self.coefs_, self.intercepts_

    def _transform_layer(self):
        """``transform_layer`` as an index into the hidden layers, checked."""
        n_hidden = len(self.coefs_) - 1
        layer = self.transform_layer
        if n_hidden == 0:
            raise ValueError("transform needs a hidden layer; the network has none.")
        if not -n_hidden <= layer < n_hidden:
            raise ValueError(
                f"transform_layer={layer} is out of range: the network has "
                f"{n_hidden} hidden layer(s), so it must be in "
                f"[{-n_hidden}, {n_hidden - 1}]."
            )
        return layer % n_hidden

    @fill_doc
    def transform(self, X):
        """Hidden-layer activations: the features the network learned.

        The output of hidden layer ``transform_layer`` (the last one by
        default), after its activation :math:`f_l`,

        .. math:: H_0 = X, \\qquad H_l = f_l(H_{l-1} W_l + b_l),

        computed as in prediction (no dropout), in memory-bounded chunks.

        Parameters
        ----------
        {X}

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_units)
            The activations of the ``n_units`` units of that layer, in the
            training dtype.
        """
        check_is_fitted(self)
        layer = self._transform_layer()
        X = self._validate_predict_input(X)
        names = hidden_activations(self.activation, len(self.coefs_) - 1)
        coefs, intercepts = self.coefs_[: layer + 1], self.intercepts_[: layer + 1]
        with limited_blas_threads():
            H = forward_pass(
                X,
                coefs,
                intercepts,
                names[:layer],
                "identity",
                batch_size=self._chunk_rows(coefs),
            )
        activation = HIDDEN_ACTIVATIONS[names[layer]]
        if names[layer] in USES_SCRATCH:
            return activation(H, np.empty_like(H))
        return activation(H)

    @property
    def _n_features_out(self):
        """Units of the ``transform_layer`` (for ``get_feature_names_out``)."""
        return self.coefs_[self._transform_layer()].shape[1]

    def fit_transform(self, X, y=None, **fit_params):
        """Fit to ``X, y``, then return the hidden-layer features of ``X``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The targets (required: the features are learned from them).
        **fit_params : dict
            Passed to ``fit`` (``sample_weight``, ``X_val``, ...).

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_units)
            ``fit(X, y, **fit_params).transform(X)``.
        """
        return self.fit(X, y, **fit_params).transform(X)
