"""Memory measurement shared by the tests of the engine's allocation promises."""

import tracemalloc


def peak_bytes(fn):
    """Peak memory traced by :mod:`tracemalloc` while ``fn()`` runs, in bytes.

    NumPy reports its array allocations to tracemalloc, so this bounds what
    a call allocates (the arrays it returns included).
    """
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
