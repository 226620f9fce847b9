"""The estimators on a real Dask cluster: grid search, Incremental, BLAS threads.

Each test module run starts one ``LocalCluster(n_workers=2, processes=True)``
and closes it at the end. Needs the ``[dask]`` extra; skipped without it.
"""

import os
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, KFold, StratifiedKFold

from sknumpynn import NumpyMLPClassifier, NumpyMLPRegressor
from sknumpynn.compare.tasks import TASKS

NO_DASK = "needs the [dask] extra (distributed, dask-ml)"
distributed = pytest.importorskip("distributed", reason=NO_DASK)
pytest.importorskip("dask_ml", reason=NO_DASK)
joblib = pytest.importorskip("joblib", reason=NO_DASK)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def client():
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


GRIDS = {
    "heart": (
        NumpyMLPClassifier,
        StratifiedKFold(3, shuffle=True, random_state=0),
        {"mlp__alpha": [0.3, 3.0], "mlp__hidden_layer_sizes": [(16,), (32,)]},
    ),
    "boston": (
        NumpyMLPRegressor,
        KFold(3, shuffle=True, random_state=0),
        {
            "regressor__mlp__alpha": [0.1, 1.0],
            "regressor__mlp__learning_rate_init": [1e-3, 1e-2],
        },
    ),
}


@pytest.mark.parametrize("dataset", sorted(GRIDS))
def test_grid_search_on_dask_equals_sequential(client, dataset):
    Estimator, cv, grid = GRIDS[dataset]
    task = TASKS[dataset]
    X, y = task.load(False)

    def search():
        model = task.build(Estimator(max_iter=50, random_state=0))
        return GridSearchCV(model, grid, cv=cv)

    sequential = search().fit(X, y)
    with (
        distributed.get_task_stream(client) as tasks,
        joblib.parallel_backend("dask"),
    ):
        distributed_run = search().fit(X, y)
    for key in ("mean_test_score", "std_test_score", "rank_test_score"):
        np.testing.assert_array_equal(
            distributed_run.cv_results_[key], sequential.cv_results_[key]
        )
    assert distributed_run.best_params_ == sequential.best_params_
    # The fits did run on the cluster's workers: 4 candidates x 3 folds at least.
    workers = {task["worker"] for task in tasks.data}
    assert len(tasks.data) >= 12 and workers <= set(client.scheduler_info()["workers"])


@pytest.mark.parametrize("dataset", sorted(GRIDS))
def test_stacked_search_on_dask_equals_sequential(client, dataset):
    """sknumpynn's GridSearchCV: its fit_together call runs on the cluster."""
    from sknumpynn.model_selection import GridSearchCV as StackedGridSearchCV

    Estimator, cv, grid = GRIDS[dataset]
    task = TASKS[dataset]
    X, y = task.load(False)

    def search():
        model = task.build(Estimator(max_iter=50, random_state=0))
        return StackedGridSearchCV(model, grid, cv=cv)

    sequential = search().fit(X, y)
    with (
        joblib.parallel_backend("dask"),
        distributed.get_task_stream(client) as tasks,
    ):
        distributed_run = search().fit(X, y)
    for key in ("mean_test_score", "std_test_score", "rank_test_score"):
        np.testing.assert_array_equal(
            distributed_run.cv_results_[key], sequential.cv_results_[key]
        )
    assert distributed_run.best_params_ == sequential.best_params_
    # The pre-fit's fits ran as tasks on the cluster's workers.
    assert len(tasks.data) > 0
    assert {t["worker"] for t in tasks.data} <= set(client.scheduler_info()["workers"])


def test_halving_search_on_dask_equals_sequential(client):
    """Each halving iteration's fit_together call runs on the cluster."""
    from sknumpynn.model_selection import HalvingGridSearchCV

    Estimator, cv, grid = GRIDS["heart"]
    task = TASKS["heart"]
    X, y = task.load(False)

    def search():
        model = task.build(Estimator(max_iter=50, random_state=0))
        return HalvingGridSearchCV(model, grid, cv=cv, factor=2, random_state=0)

    sequential = search().fit(X, y)
    with (
        joblib.parallel_backend("dask"),
        distributed.get_task_stream(client) as tasks,
    ):
        distributed_run = search().fit(X, y)
    for key in ("mean_test_score", "rank_test_score", "n_resources", "iter"):
        np.testing.assert_array_equal(
            distributed_run.cv_results_[key], sequential.cv_results_[key]
        )
    assert distributed_run.best_params_ == sequential.best_params_
    assert distributed_run.n_candidates_ == sequential.n_candidates_ == [4, 2, 1]
    assert len(tasks.data) > 0


def _blas_threads_seen_by_a_fit(raise_to):
    """Run in a worker: raise BLAS to ``raise_to`` threads, fit, report."""
    from sklearn.datasets import load_iris
    from threadpoolctl import threadpool_info, threadpool_limits

    from sknumpynn.callbacks import Callback

    def blas_threads():
        return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]

    class Probe(Callback):
        def on_epoch_end(self, estimator, logs):
            self.during_ = blas_threads()

    X, y = load_iris(return_X_y=True)
    probe = Probe()
    with threadpool_limits(limits=raise_to, user_api="blas"):
        before = blas_threads()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            NumpyMLPClassifier(max_iter=1, callbacks=[probe]).fit(X, y)
        after = blas_threads()
    return before, probe.during_, after


def test_fits_inside_dask_workers_use_one_blas_thread(client):
    before, during, after = client.submit(_blas_threads_seen_by_a_fit, 2).result()
    assert set(before) == {2} and set(after) == {2}
    assert set(during) == {1}
    # Outside a worker nothing is limited.
    before, during, _ = _blas_threads_seen_by_a_fit(2)
    assert set(during) == set(before) == {2}


def _set_worker_blas_threads(value):
    if value is None:
        os.environ.pop("SKNUMPYNN_WORKER_BLAS_THREADS", None)
    else:
        os.environ["SKNUMPYNN_WORKER_BLAS_THREADS"] = value


def test_worker_blas_threads_can_be_raised(client):
    client.run(_set_worker_blas_threads, "2")
    try:
        _, during, _ = client.submit(
            _blas_threads_seen_by_a_fit, 2, pure=False
        ).result()
    finally:
        client.run(_set_worker_blas_threads, None)
    assert set(during) == {2}


PASSES = 7


# from_array embeds the 188 MB of pixels in the graph once; that is the point.
@pytest.mark.filterwarnings("ignore:Sending large graph:UserWarning")
def test_incremental_mnist_over_a_chunked_dask_array(client):
    import dask.array as da
    from dask_ml.wrappers import Incremental

    from sknumpynn.datasets import fetch_mnist

    if not os.environ.get("SKNUMPYNN_DATA"):
        if os.environ.get("CI"):
            pytest.fail("CI must set SKNUMPYNN_DATA to the shared datasets folder")
        pytest.skip("needs the real MNIST through SKNUMPYNN_DATA")
    X_train, y_train = fetch_mnist(subset="train", return_X_y=True)
    X_test, y_test = fetch_mnist(subset="test", return_X_y=True)
    X_train = np.asarray(X_train, dtype=np.float32) / np.float32(255)
    X_test = np.asarray(X_test, dtype=np.float32) / np.float32(255)
    # Scattered to the workers once, as data loaded with Dask would be.
    X = da.from_array(X_train, chunks=(10_000, 784)).persist()
    y = da.from_array(np.asarray(y_train), chunks=10_000).persist()
    model = Incremental(
        NumpyMLPClassifier(hidden_layer_sizes=(256,), random_state=0),
        scoring="accuracy",
        shuffle_blocks=True,
        random_state=0,
    )
    for _ in range(PASSES):  # each pass: one epoch on each of the 6 blocks
        model.partial_fit(X, y, classes=np.arange(10))
    accuracy = model.score(
        da.from_array(X_test, chunks=(5_000, 784)),
        da.from_array(np.asarray(y_test), chunks=5_000),
    )
    print(f"Incremental MNIST test accuracy: {accuracy:.4f}")
    assert accuracy >= 0.97, accuracy
    # Every pass fed each of the 6 blocks once, each row exactly once.
    assert len(model.estimator_.loss_curve_) == 6 * PASSES
    assert model.estimator_.t_ == PASSES * len(X_train)
