"""pytest configuration for the doctests under sknumpynn/ (and the tests)."""

import os

import pytest


@pytest.fixture(autouse=True)
def _mnist_doctest_needs_the_files(request):
    """fetch_mnist's docstring example reads the real MNIST: skip without it."""
    if request.node.name.endswith("fetch_mnist"):
        from sknumpynn.datasets._mnist import find_mnist_dir

        if find_mnist_dir() is None:
            if os.environ.get("CI"):
                pytest.fail("CI must set SKNUMPYNN_DATA to the shared datasets folder")
            pytest.skip("MNIST files not found: set SKNUMPYNN_DATA")
