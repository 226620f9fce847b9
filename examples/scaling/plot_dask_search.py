"""
Grid search on a Dask cluster
=============================

The estimators are ordinary picklable scikit-learn estimators, so
scikit-learn's joblib integration sends every (candidate, fold) fit of a
``GridSearchCV`` to a Dask cluster's workers: ``with
joblib.parallel_backend("dask"): search.fit(X, y)``. Inside a worker each fit
uses one BLAS thread, so the workers do not oversubscribe the cores.

This page starts a small local cluster (2 workers of 1 thread, inside this
process). On a real cluster only the ``Client(...)`` line changes:
``Client("tcp://scheduler-host:8786")``. When Dask is not installed or no
cluster can start, the page says why and runs the same search sequentially.
Install the extra with ``pip install "sknumpynn[dask]"``; the
:doc:`scaling guide </scaling>` has the measurements.
"""

import time

import joblib
import matplotlib.pyplot as plt
import numpy as np
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from sknumpynn import NumpyMLPClassifier
from sknumpynn.datasets import load_heart

X, y = load_heart(return_X_y=True)
search = GridSearchCV(
    Pipeline(
        [
            ("scale", StandardScaler()),
            ("mlp", NumpyMLPClassifier(max_iter=100, random_state=0)),
        ]
    ),
    {
        "mlp__alpha": [0.1, 1.0, 3.0],
        "mlp__hidden_layer_sizes": [(16,), (64,)],
    },
    cv=StratifiedKFold(5, shuffle=True, random_state=0),
)

# %%
# Start a cluster, or say why not
# -------------------------------
try:
    from dask.distributed import Client, LocalCluster

    cluster = LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    )
    client = Client(cluster)
    backend = "dask"
    print(client)
except (ImportError, OSError, TimeoutError) as exc:
    client = cluster = None
    backend = "sequential"
    print(f"No Dask cluster ({type(exc).__name__}: {exc}); running sequentially.")

# %%
# The same search, sequential and on the cluster
# ----------------------------------------------
timings, results = {}, {}
for name in dict.fromkeys(["sequential", backend]):
    start = time.perf_counter()
    with joblib.parallel_backend(name):
        search.fit(X, y)
    timings[name] = time.perf_counter() - start
    results[name] = search.cv_results_["mean_test_score"]
    print(f"{name:>10}: {timings[name]:.1f} s, best {search.best_params_}")

# %%
# The scores do not depend on where the fits ran:
print(
    "identical cv_results_ scores:",
    np.array_equal(results["sequential"], results[backend]),
)

# %%
# Wall time of the two runs. Fits this small (303 rows, 100 epochs) cost less
# than shipping them to a worker, and this page's two workers share two cores
# with the documentation build: the cluster may well be slower here. The gain
# comes with longer fits and more cores; the scaling guide measures both.
fig, ax = plt.subplots(figsize=(5, 2.5))
ax.barh(list(timings), list(timings.values()))
ax.set_xlabel("wall time of GridSearchCV.fit [s]")
ax.set_title(f"{len(search.cv_results_['params'])} candidates x 5 folds")
fig.tight_layout()
plt.show()

if client is not None:
    client.close()
    cluster.close()
