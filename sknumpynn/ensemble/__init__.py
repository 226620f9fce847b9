"""Deep ensembles: K of our networks trained as one stacked network.

:class:`DeepEnsembleClassifier` and :class:`DeepEnsembleRegressor` train
``n_estimators`` copies of one of our estimators, each from its own seed, in
one fit through the stacked engine, optionally early-stopped together on the
ensemble's validation score; they predict the members' mean.
"""

from sknumpynn.ensemble._classes import DeepEnsembleClassifier, DeepEnsembleRegressor

__all__ = ["DeepEnsembleClassifier", "DeepEnsembleRegressor"]
