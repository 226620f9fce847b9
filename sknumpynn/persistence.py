"""Safe persistence with skops: our estimator types, listed as trusted.

``pickle`` and ``joblib`` work as for any scikit-learn estimator, but loading a
pickle runs arbitrary code. `skops.io <https://skops.readthedocs.io>`_ stores
models in a format that loads only the types you trust. skops is an optional
extra (``pip install 'sknumpynn[persist]'``).

Examples
--------
>>> import numpy as np
>>> from sknumpynn import NumpyMLPClassifier
>>> from sknumpynn.persistence import dump, load, trusted_types
>>> X, y = np.random.RandomState(0).normal(size=(40, 3)), np.arange(40) % 2
>>> clf = NumpyMLPClassifier(max_iter=5, random_state=0).fit(X, y)
>>> import tempfile, os
>>> path = os.path.join(tempfile.mkdtemp(), "model.skops")
>>> dump(clf, path)
>>> restored = load(path)
>>> bool((restored.predict_proba(X) == clf.predict_proba(X)).all())
True
>>> "sknumpynn._classifier.NumpyMLPClassifier" in trusted_types()
True
"""

from sknumpynn._utils.optional import import_optional

__all__ = ["dump", "load", "trusted_types"]

#: Every type of ours that a fitted estimator holds.
TRUSTED_TYPES = (
    "sknumpynn._classifier.NumpyMLPClassifier",
    "sknumpynn._regressor.NumpyMLPRegressor",
    "sknumpynn.ensemble._classes.DeepEnsembleClassifier",
    "sknumpynn.ensemble._classes.DeepEnsembleRegressor",
    "sknumpynn.nn.optimizers.Adam",
    "sknumpynn.nn.optimizers.AdamW",
    "sknumpynn.nn.optimizers.Adagrad",
    "sknumpynn.nn.optimizers.RMSprop",
    "sknumpynn.nn.optimizers.SGD",
    "sknumpynn.nn.schedules.CosineAnnealing",
    "sknumpynn.nn.schedules.StepDecay",
    "sknumpynn.nn.schedules.LinearWarmup",
    "sknumpynn.nn.schedules.ReduceLROnPlateau",
    "sknumpynn.nn.losses.BlockSoftmax",
    "sknumpynn._labels.MultiOutputLabels",
    "sknumpynn.callbacks.Callback",
    "sknumpynn.callbacks.EarlyStopping",
    "sknumpynn.callbacks.ProgressBar",
    "sknumpynn.callbacks.TerminateOnNaN",
)


def _skops_io():
    return import_optional("skops.io", "persist", "Safe persistence")


def trusted_types():
    """The fully qualified names of sknumpynn's types that a model may hold.

    Pass them to ``skops.io.load(file, trusted=...)`` yourself, or use
    :func:`load`, which adds them.

    Returns
    -------
    types : list of str

    Examples
    --------
    >>> from sknumpynn.persistence import trusted_types
    >>> "sknumpynn.nn.optimizers.Adam" in trusted_types()
    True
    """
    return list(TRUSTED_TYPES)


def dump(estimator, file):
    """Save an estimator (or a pipeline holding ours) with ``skops.io.dump``.

    Parameters
    ----------
    estimator : object
        A fitted estimator or pipeline.
    file : str or path-like or file object
        Where to write.

    Examples
    --------
    >>> import os, tempfile
    >>> from sklearn.datasets import load_iris
    >>> from sknumpynn import NumpyMLPClassifier
    >>> from sknumpynn.persistence import dump
    >>> X, y = load_iris(return_X_y=True)
    >>> path = os.path.join(tempfile.mkdtemp(), "model.skops")
    >>> dump(NumpyMLPClassifier(max_iter=3).fit(X, y), path)
    >>> os.path.getsize(path) > 0
    True
    """
    _skops_io().dump(estimator, file)


def load(file, trusted=()):
    """Load a model saved by :func:`dump`, trusting only known types.

    Trusted are skops' defaults, :func:`trusted_types`, and ``trusted``.
    Anything else in the file (for instance a tampered file referencing
    ``builtins.eval``) makes the load fail before any object is built.

    Parameters
    ----------
    file : str or path-like or file object
    trusted : sequence of str, default=()
        Further type names you have checked and trust.

    Returns
    -------
    estimator : object

    Raises
    ------
    skops.io.exceptions.UntrustedTypesFoundException
        If the file references a type that is not trusted.

    Examples
    --------
    >>> import os, tempfile
    >>> from sklearn.datasets import load_iris
    >>> from sknumpynn import NumpyMLPClassifier
    >>> from sknumpynn.persistence import dump, load
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = NumpyMLPClassifier(max_iter=3, random_state=0).fit(X, y)
    >>> path = os.path.join(tempfile.mkdtemp(), "model.skops")
    >>> dump(clf, path)
    >>> bool((load(path).predict(X) == clf.predict(X)).all())
    True
    """
    sio = _skops_io()
    untrusted = sio.get_untrusted_types(file=file)
    allowed = set(TRUSTED_TYPES) | set(trusted)
    return sio.load(file, trusted=[t for t in untrusted if t in allowed])
