"""The models of ``sknumpynn-compare``: the two drop-ins, and the estimators
that go beyond scikit-learn's MLP, each built for one :class:`Task`.

- ``sknumpynn`` / ``scikit-learn``: :class:`~sknumpynn.NumpyMLPClassifier`
  (or ``Regressor``) and scikit-learn's ``MLPClassifier`` with the task's
  hyperparameters, in the task's pipeline.
- ``DeepEnsemble``: :class:`~sknumpynn.ensemble.DeepEnsembleClassifier`
  (or ``Regressor``) of :data:`ENSEMBLE_SIZE` copies of the ``sknumpynn``
  model's estimator (the same hyperparameters; member seeds drawn from
  ``random_state``), in the same pipeline: the cost and gain of averaging.
- ``TabularMLP``: :class:`~sknumpynn.TabularMLPClassifier` (or
  ``Regressor``) at its defaults on the raw table, its own preprocessing
  inside (the task names the categorical columns): what a user gets who
  does not tune.

All of them see the same folds, seeds and test rows.
"""

from sklearn.neural_network import MLPClassifier, MLPRegressor

from sknumpynn import (
    NumpyMLPClassifier,
    NumpyMLPRegressor,
    TabularMLPClassifier,
    TabularMLPRegressor,
)
from sknumpynn.ensemble import DeepEnsembleClassifier, DeepEnsembleRegressor

__all__ = ["MODELS", "build", "ENSEMBLE_SIZE"]

#: The drop-ins, then the estimators beyond them, in report order.
MODELS = ("sknumpynn", "scikit-learn", "DeepEnsemble", "TabularMLP")

#: Members of the ``DeepEnsemble`` model (2 if quick).
ENSEMBLE_SIZE, QUICK_ENSEMBLE_SIZE = 8, 2

#: ``TabularMLP`` in a quick run: a smoke test of its path, not its defaults.
QUICK_TABULAR = {"hidden_layer_sizes": (16,), "max_iter": 3}

ESTIMATORS = {
    "classifier": {
        "sknumpynn": NumpyMLPClassifier,
        "scikit-learn": MLPClassifier,
        "DeepEnsemble": DeepEnsembleClassifier,
        "TabularMLP": TabularMLPClassifier,
    },
    "regressor": {
        "sknumpynn": NumpyMLPRegressor,
        "scikit-learn": MLPRegressor,
        "DeepEnsemble": DeepEnsembleRegressor,
        "TabularMLP": TabularMLPRegressor,
    },
}


def mlp(task, library, quick):
    """The task's MLP of one library, unfitted (``random_state=0``)."""
    params = {"random_state": 0, **task.params}
    if quick:
        params.update({"max_iter": 30, **task.quick_params})
    return ESTIMATORS[task.kind][library](**params)


def build(task, model, quick):
    """The whole model named ``model`` (one of :data:`MODELS`) for ``task``.

    Parameters
    ----------
    task : Task
        The dataset's settings.
    model : str
        ``'sknumpynn'``, ``'scikit-learn'``, ``'DeepEnsemble'`` or
        ``'TabularMLP'``.
    quick : bool
        Few epochs and members (a smoke test).

    Returns
    -------
    estimator
        Unfitted; a pipeline for every model but ``TabularMLP``.
    """
    kind = ESTIMATORS[task.kind]
    if model in ("sknumpynn", "scikit-learn"):
        return task.build(mlp(task, model, quick))
    if model == "DeepEnsemble":
        size = QUICK_ENSEMBLE_SIZE if quick else ENSEMBLE_SIZE
        member = mlp(task, "sknumpynn", quick)
        return task.build(kind[model](member, n_estimators=size, random_state=0))
    if model == "TabularMLP":
        params = QUICK_TABULAR if quick else {}
        return kind[model](
            categorical_features=task.categorical, random_state=0, **params
        )
    raise ValueError(f"model must be one of {MODELS}, got {model!r}")
