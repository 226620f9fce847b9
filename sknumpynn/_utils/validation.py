"""Input validation helpers shared by the estimators: clear, early errors."""

import re
from contextlib import contextmanager

import numpy as np
from sklearn.utils.validation import _check_sample_weight, check_array

_NAMES_AN_ARGUMENT = re.compile(r"\b(X|y|sample_weight)\b")


@contextmanager
def _naming_the_bad_argument(X=None, culprit=None):
    """Prefix a validation error that does not say which argument is bad.

    scikit-learn's messages such as "could not convert string to float" or
    "Complex data not supported" do not name the argument; this re-raises them
    (same type, original text kept) as "Invalid X: ..." or "Invalid y: ...",
    finding the culprit by validating ``X`` alone when it is not given.
    """
    try:
        yield
    except (ValueError, TypeError) as exc:
        message = str(exc)
        if _NAMES_AN_ARGUMENT.search(message):
            raise
        if culprit is None:
            try:
                check_array(X, accept_sparse=True, dtype="numeric")
                culprit = "y"
            except (ValueError, TypeError):
                culprit = "X"
        raise type(exc)(f"Invalid {culprit}: {message}") from exc


def _validate_sample_weight(sample_weight, X):
    """Check shape, finiteness and sign; refuse weights that are all zero."""
    sample_weight = _check_sample_weight(
        sample_weight, X, dtype=X.dtype, ensure_non_negative=True
    )
    if not np.any(sample_weight):
        # The callers' _naming_the_bad_argument names which weights
        # (sample_weight or sample_weight_val), as for scikit-learn's own error.
        raise ValueError(
            "Sample weights must contain at least one non-zero number; all "
            f"{sample_weight.shape[0]} entries are zero."
        )
    return sample_weight
