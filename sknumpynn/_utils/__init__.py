"""Private helpers: input validation, optional imports, BLAS thread caps,
shared docstrings and the package version."""
