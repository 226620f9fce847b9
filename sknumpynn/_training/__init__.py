"""The training path below the estimators.

``setup`` turns an estimator's validated parameters into what one stochastic
fit needs (optimizer, validation split, dropout, batch size); ``loop`` runs
the epochs; ``lbfgs`` is the full-batch solver; ``hooks`` dispatches each
epoch's end to history, callbacks and progress output.
"""
