"""How often does stacking change a model's decisions? Over many random grids.

The contract of ``fit_together`` (issue 25): a stacked model equals its own
single fit to rounding (weights, ``loss_curve_``, validation scores within
``rtol=1e-9`` in float64) and takes the same decisions: the same ``n_iter_``,
the same best epoch, the same stopping. A rounding difference can in principle
flip a decision that sits on a knife's edge (a loss improving by exactly
``tol``); this test counts such flips over a few hundred small random grids
and requires them to be rare.
"""

import warnings

import numpy as np

from sknumpynn import NumpyMLPClassifier, NumpyMLPRegressor
from sknumpynn._training.together import fit_one, fit_together

N_GRIDS = 240


def random_grid(rng):
    """Three to four fits of one random small setting, on one random fold."""
    n, d = rng.randint(30, 70), rng.randint(2, 6)
    X = rng.normal(size=(n, d))
    classifier = rng.rand() < 0.5
    y = (
        (X[:, 0] + rng.normal(size=n) > 0).astype(int)
        if classifier
        else X @ rng.rand(d)
    )
    params = {
        "hidden_layer_sizes": tuple(rng.randint(2, 9, size=rng.randint(1, 3))),
        "solver": rng.choice(["adam", "sgd"]),
        "max_iter": int(rng.randint(5, 30)),
        "tol": float(rng.choice([0.0, 1e-4, 1e-2])),
        "n_iter_no_change": int(rng.randint(1, 5)),
        "early_stopping": bool(rng.rand() < 0.3),
        "batch_size": int(rng.choice([8, 16, 200])),
        "random_state": int(rng.randint(100)),
    }
    Estimator = NumpyMLPClassifier if classifier else NumpyMLPRegressor
    own_orders = rng.rand() < 0.5  # seeds (own batch orders) or alphas (shared)
    estimators = []
    for k in range(rng.randint(3, 5)):
        if own_orders:
            varied = {"random_state": params["random_state"] + k}
        else:
            varied = {"alpha": float(10.0 ** rng.uniform(-5, 0))}
        estimators.append(Estimator(**{**params, **varied}))
    return estimators, [(X, y, None)] * len(estimators)


def best_epoch(fit):
    scores = getattr(fit, "validation_scores_", None)
    return int(np.argmax(scores)) if scores else int(np.argmin(fit.loss_curve_))


def test_stacking_rarely_flips_a_decision():
    rng = np.random.RandomState(25)
    n_models, flips = 0, 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(N_GRIDS):
            estimators, datasets = random_grid(rng)
            together = fit_together(estimators, datasets)
            alone = [fit_one(e, d) for e, d in zip(estimators, datasets)]
            for (a, error_a), (b, error_b) in zip(together, alone):
                assert (error_a is None) == (error_b is None)
                if error_a is not None:
                    continue
                n_models += 1
                if a.n_iter_ != b.n_iter_ or best_epoch(a) != best_epoch(b):
                    flips += 1
                    continue
                np.testing.assert_allclose(a.loss_curve_, b.loss_curve_, rtol=1e-9)
                scores_a = getattr(a, "validation_scores_", None) or []
                scores_b = getattr(b, "validation_scores_", None) or []
                np.testing.assert_allclose(scores_a, scores_b, rtol=1e-9)
                for p, q in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_):
                    np.testing.assert_allclose(p, q, rtol=1e-9, atol=1e-12)
    assert n_models > 2 * N_GRIDS
    # Today's engine keeps every stacked model bit for bit its own fit, so no
    # decision flips at all; the contract allows a rare one.
    assert flips <= n_models // 200, f"{flips} of {n_models} models flipped"
