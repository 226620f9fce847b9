"""Reliability: numerical stability, thread safety, interrupts, determinism,
persistence."""

import io
import json
import pickle
import threading
import warnings
import zipfile

import joblib
import numpy as np
import pytest
from sklearn.datasets import load_iris, make_regression
from sklearn.exceptions import InconsistentVersionWarning

import sknumpynn._training.loop as training
from sknumpynn import NumpyMLPClassifier, NumpyMLPRegressor
from sknumpynn.nn.activations import logistic, softmax
from sknumpynn.nn.losses import binary_log_loss, log_loss


@pytest.fixture
def iris():
    X, y = load_iris(return_X_y=True)
    return (X - X.mean(0)) / X.std(0), y


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_extreme_logits_stay_finite(dtype):
    Z = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4], [5e3, 1e4, -1e4]], dtype)
    P = softmax(Z.copy())
    assert np.isfinite(P).all()
    np.testing.assert_allclose(P.sum(axis=1), 1, rtol=1e-6)
    np.testing.assert_allclose(P[0], [1, 0, 0])
    np.testing.assert_allclose(P[1], [1 / 3] * 3, rtol=1e-6)
    Y = np.eye(3, dtype=dtype)[[1, 0, 2]]  # confidently wrong on rows 0 and 2
    loss = log_loss(Y, P)
    assert np.isfinite(loss) and loss > 10
    S = logistic(Z.copy())
    assert np.isfinite(S).all() and S.min() >= 0 and S.max() <= 1
    assert np.isfinite(binary_log_loss((Z > 0).astype(dtype), S))
    assert np.isfinite(binary_log_loss((Z < 0).astype(dtype), S))


def test_predict_log_proba_is_finite_and_exact_for_extreme_logits(iris):
    X, y = iris
    clf = NumpyMLPClassifier(max_iter=50, random_state=0).fit(X, y)
    X_far = X * 1e4  # pushes the logits to about ±1e4
    log_proba = clf.predict_log_proba(X_far)
    assert np.isfinite(log_proba).all()
    tiny = np.finfo(log_proba.dtype).tiny
    assert log_proba.min() >= np.log(tiny) and log_proba.min() < np.log(1e-300)
    np.testing.assert_allclose(np.exp(log_proba), clf.predict_proba(X_far), atol=0)
    np.testing.assert_allclose(
        np.exp(clf.predict_log_proba(X)), clf.predict_proba(X), rtol=1e-6, atol=1e-12
    )
    binary = NumpyMLPClassifier(max_iter=50, random_state=0).fit(X, y == 0)
    assert np.isfinite(binary.predict_log_proba(X_far)).all()


def test_concurrent_predictions_equal_serial(iris):
    X, y = iris
    clf = NumpyMLPClassifier(hidden_layer_sizes=(64, 32), max_iter=20, random_state=0)
    clf.fit(X, y)
    big = np.repeat(X, 200, axis=0) + np.random.RandomState(0).normal(
        scale=0.01, size=(len(X) * 200, 4)
    )
    expected_proba, expected = clf.predict_proba(big), clf.predict(big)
    results, errors = [None] * 8, []
    barrier = threading.Barrier(8)

    def work(i):
        try:
            barrier.wait()
            for _ in range(5):
                results[i] = (clf.predict_proba(big), clf.predict(big))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for proba, labels in results:
        np.testing.assert_array_equal(proba, expected_proba)
        np.testing.assert_array_equal(labels, expected)


def test_keyboard_interrupt_keeps_last_completed_epoch(iris, monkeypatch):
    X, y = iris
    reference = NumpyMLPClassifier(max_iter=3, random_state=0, tol=0).fit(X, y)
    real_run_epoch = training.Trainer.run_epoch
    calls = {"n": 0}

    def interrupted(trainer):
        calls["n"] += 1
        if calls["n"] == 4:  # in the middle of the 4th epoch
            trainer.network.params[:] = np.nan  # a half-done epoch must not survive
            raise KeyboardInterrupt
        return real_run_epoch(trainer)

    monkeypatch.setattr(training.Trainer, "run_epoch", interrupted)
    clf = NumpyMLPClassifier(max_iter=10, random_state=0, tol=0)
    with pytest.warns(UserWarning, match="Training interrupted by user"):
        clf.fit(X, y)
    assert clf.n_iter_ == 3
    for a, b in zip(clf.coefs_, reference.coefs_):
        np.testing.assert_array_equal(a, b)
    assert np.isfinite(clf.predict_proba(X)).all()


@pytest.mark.parametrize("Estimator", [NumpyMLPClassifier, NumpyMLPRegressor])
def test_same_random_state_is_bitwise_deterministic(Estimator, iris):
    X, y = iris
    kw = dict(hidden_layer_sizes=(16, 8), max_iter=15, random_state=7)
    a, b = Estimator(**kw).fit(X, y), Estimator(**kw).fit(X, y)
    for p, q in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_):
        assert np.array_equal(p, q)
    assert np.array_equal(a.predict(X), b.predict(X))
    restored = pickle.loads(pickle.dumps(a))
    assert np.array_equal(restored.predict(X), a.predict(X))
    c = Estimator(**{**kw, "random_state": 8}).fit(X, y)
    assert not np.array_equal(a.coefs_[0], c.coefs_[0])


@pytest.mark.parametrize("Estimator", [NumpyMLPClassifier, NumpyMLPRegressor])
def test_pickle_and_joblib_round_trips(Estimator, iris, tmp_path):
    X, y = iris
    est = Estimator(max_iter=10, random_state=0).fit(X, y)
    path = tmp_path / "model.joblib"
    joblib.dump(est, path)
    for restored in (joblib.load(path), pickle.loads(pickle.dumps(est))):
        np.testing.assert_array_equal(restored.predict(X), est.predict(X))


def test_unpickling_another_version_warns(iris):
    X, y = iris
    est = NumpyMLPClassifier(max_iter=5, random_state=0).fit(X, y)
    state = est.__getstate__()
    assert state["_sknumpynn_version"]
    state["_sknumpynn_version"] = "0.0.1"
    blank = NumpyMLPClassifier.__new__(NumpyMLPClassifier)
    with pytest.warns(InconsistentVersionWarning, match="from version 0.0.1"):
        blank.__setstate__(state)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pickle.loads(pickle.dumps(est))  # same version: silent


def test_skops_round_trip_and_refuses_tampered_types(iris, tmp_path):
    sio = pytest.importorskip("skops.io")
    from sknumpynn.persistence import dump, load, trusted_types

    X, y = iris
    from sknumpynn.callbacks import EarlyStopping, TerminateOnNaN
    from sknumpynn.nn.schedules import CosineAnnealing, StepDecay

    for est in (
        NumpyMLPClassifier(max_iter=5, random_state=0).fit(X, y),
        NumpyMLPRegressor(max_iter=5, random_state=0, solver="sgd").fit(X, y),
        # Every extra type a fitted estimator can hold (issue 5 features).
        NumpyMLPClassifier(
            max_iter=5,
            solver="adamw",
            dropout=0.3,
            learning_rate=CosineAnnealing(3),
            early_stopping=True,
            callbacks=[EarlyStopping(patience=2), TerminateOnNaN()],
            random_state=0,
        ).fit(X, y),
        NumpyMLPRegressor(
            max_iter=5, solver="rmsprop", learning_rate=StepDecay(2), random_state=0
        ).fit(X, y),
        NumpyMLPRegressor(max_iter=5, solver="adagrad", random_state=0).fit(X, y),
    ):
        path = tmp_path / "model.skops"
        dump(est, path)
        restored = load(path)
        np.testing.assert_array_equal(restored.predict(X), est.predict(X))
        assert set(sio.get_untrusted_types(file=path)) <= set(trusted_types())
    # Tamper with the schema: make the estimator's type an untrusted one.
    raw = io.BytesIO(path.read_bytes())
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "schema.json":
                schema = json.loads(data)
                schema["__module__"], schema["__class__"] = "os", "system"
                data = json.dumps(schema).encode()
            dst.writestr(item, data)
    tampered = tmp_path / "tampered.skops"
    tampered.write_bytes(out.getvalue())
    with pytest.raises(Exception, match="[Uu]ntrusted"):
        load(tampered)


def test_divergent_regression_is_detected():
    X, y = make_regression(n_samples=80, n_features=4, random_state=0)
    reg = NumpyMLPRegressor(solver="sgd", learning_rate_init=10.0, random_state=0)
    with pytest.warns(Warning, match="diverged"):
        reg.fit(X, y)
    assert np.isfinite(reg.predict(X)).all()
