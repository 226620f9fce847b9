"""Datasets for sknumpynn's examples and benchmarks, in scikit-learn's style.

``load_heart``, ``load_boston`` and ``load_diamonds`` read compressed copies
shipped inside the package; ``fetch_mnist`` reads the original IDX files or
downloads MNIST from OpenML. All return a :class:`~sklearn.utils.Bunch` and
take ``return_X_y`` and ``as_frame``. Every file is checked against its
SHA-256.
"""

from sknumpynn.datasets._base import DatasetIntegrityError
from sknumpynn.datasets._embedded import (
    DIAMONDS_CATEGORIES,
    load_boston,
    load_diamonds,
    load_heart,
)
from sknumpynn.datasets._mnist import fetch_mnist

__all__ = [
    "DIAMONDS_CATEGORIES",
    "DatasetIntegrityError",
    "fetch_mnist",
    "load_boston",
    "load_diamonds",
    "load_heart",
]
