"""Test configuration shared by the whole suite."""

import os

# scikit-learn's common checks include array-API checks that it skips unless
# this is set before SciPy is imported; set it so that none is skipped.
os.environ.setdefault("SCIPY_ARRAY_API", "1")
