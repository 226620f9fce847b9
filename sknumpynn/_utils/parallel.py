"""No oversubscription: BLAS threads of fits and predictions inside Dask workers.

A Dask worker already runs tasks in parallel (several worker processes, each
with ``nthreads`` task threads). If every task's matrix products also spread
over all cores, a 2-worker cluster on 2 cores runs 4+ BLAS threads fighting
for 2 cores. Inside a Dask worker, sknumpynn therefore caps BLAS at
``SKNUMPYNN_WORKER_BLAS_THREADS`` threads per task (default 1) with
:mod:`threadpoolctl` for the duration of ``fit``/``partial_fit``/``predict``.
Outside Dask nothing changes: joblib's process workers (``n_jobs``) already
get ``cpu_count // n_jobs`` BLAS threads from joblib itself.

Stacked fits in one process (``n_jobs=1``) use the BLAS thread budget the
other way round: :func:`stack_threads` threads each train stacks, with BLAS
on one thread each (:func:`one_blas_thread`).
"""

import os
import sys
from contextlib import contextmanager

#: Environment variable overriding the BLAS threads per task in a Dask worker.
WORKER_BLAS_THREADS_ENV = "SKNUMPYNN_WORKER_BLAS_THREADS"


def _in_dask_worker():
    if "distributed" not in sys.modules:  # never import Dask just to ask
        return False
    from distributed import get_worker

    try:
        get_worker()
    except ValueError:
        return False
    return True


def worker_blas_threads():
    """BLAS threads per task inside a Dask worker, or None outside one."""
    if not _in_dask_worker():
        return None
    value = os.environ.get(WORKER_BLAS_THREADS_ENV, "1")
    try:
        threads = int(value)
    except ValueError:
        raise ValueError(
            f"{WORKER_BLAS_THREADS_ENV} must be a positive integer, got {value!r}."
        ) from None
    return max(1, threads)


@contextmanager
def limited_blas_threads():
    """Cap BLAS threads while inside a Dask worker; do nothing elsewhere."""
    threads = worker_blas_threads()
    if threads is None:
        yield
        return
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=threads, user_api="blas"):
        yield


def stack_threads():
    """Threads one process may train stacks on: its BLAS thread budget.

    A stack's arithmetic is many small products and elementwise passes that
    BLAS runs on one core; the cores BLAS would use for one large product
    train several stacks instead (NumPy releases the GIL in both). The budget
    follows the user's BLAS limits (``OMP_NUM_THREADS``,
    ``threadpoolctl.threadpool_limits``, joblib's per-worker limit) and is 1
    inside a Dask worker, whose tasks already fill the cores.
    """
    if _in_dask_worker():
        return 1
    from threadpoolctl import threadpool_info

    blas = [info for info in threadpool_info() if info["user_api"] == "blas"]
    counts = [info["num_threads"] for info in blas]
    return max(1, min(counts, default=1))


@contextmanager
def one_blas_thread():
    """BLAS on one thread per caller while threads of ours share the cores."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="blas"):
        yield
