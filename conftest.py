"""pytest configuration for the doctests under sknumpynn/ (and the tests)."""

import pytest


@pytest.fixture(autouse=True)
def _mnist_doctest_needs_the_files(request):
    """fetch_mnist's docstring example reads the real MNIST: skip without it."""
    if request.node.name.endswith("fetch_mnist"):
        from sknumpynn.datasets._mnist import find_mnist_dir

        if find_mnist_dir() is None:
            pytest.skip("MNIST files not found: set SKNUMPYNN_DATA")
