"""Multiclass-multioutput classification (issue 21, item 6; scikit-learn #8417).

A 2-D ``y`` of non-binary columns trains one softmax block per column;
``predict`` gives one column per output, ``predict_proba`` a list of arrays
(scikit-learn's multi-output convention), ``classes_`` a list; ONNX export
covers it.
"""

import numpy as np
import pytest
from sklearn import model_selection as skms
from sklearn.multioutput import MultiOutputClassifier

from sknumpynn import NumpyMLPClassifier
from sknumpynn import model_selection as ms
from sknumpynn.nn.activations import OUTPUT_ACTIVATIONS
from sknumpynn.nn.losses import BlockSoftmax, Loss

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

rng = np.random.RandomState(0)
X = rng.normal(size=(300, 5))
# Column 0: three classes from the first two inputs; column 1: four classes
# from two others. As integers, and as string labels.
Y_int = np.c_[
    (X[:, 0] > 0).astype(int) + (X[:, 1] > 0.5), (X[:, 2] > 0) * 2 + (X[:, 3] > 0)
]
Y = np.c_[
    np.array(["a", "b", "c"])[Y_int[:, 0]], np.array(["n", "e", "s", "w"])[Y_int[:, 1]]
]


def classifier(**params):
    defaults = dict(
        hidden_layer_sizes=(24,),
        learning_rate_init=0.01,
        max_iter=150,
        random_state=0,
    )
    return NumpyMLPClassifier(**{**defaults, **params})


def test_block_softmax_with_log_loss_has_delta_p_minus_y():
    Z = rng.normal(size=(4, 7))
    blocks = BlockSoftmax((3, 4))
    P = blocks(Z.copy())
    np.testing.assert_allclose(P[:, :3].sum(1), 1)
    np.testing.assert_allclose(P[:, 3:].sum(1), 1)
    np.testing.assert_allclose(P[:, 3:], OUTPUT_ACTIVATIONS["softmax"](Z[:, 3:].copy()))
    Yb = np.zeros_like(Z)
    Yb[np.arange(4), rng.randint(3, size=4)] = 1
    Yb[np.arange(4), 3 + rng.randint(4, size=4)] = 1
    loss, h = Loss("log_loss"), 1e-6
    numeric = np.empty_like(Z)
    for idx in np.ndindex(Z.shape):
        up, down = Z.copy(), Z.copy()
        up[idx] += h
        down[idx] -= h
        numeric[idx] = (loss.value(Yb, blocks(up)) - loss.value(Yb, blocks(down))) / (
            2 * h
        )
    delta = loss.output_delta(Yb, P.copy()) / Z.shape[0]
    np.testing.assert_allclose(delta, numeric, rtol=1e-6, atol=1e-10)


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_one_softmax_block_per_column(solver):
    clf = classifier(solver=solver).fit(X, Y)
    assert [list(c) for c in clf.classes_] == [["a", "b", "c"], ["e", "n", "s", "w"]]
    assert clf.n_outputs_ == 7 and clf.out_activation_ == "softmax"
    predicted = clf.predict(X)
    assert predicted.shape == (300, 2)
    proba = clf.predict_proba(X)
    assert [p.shape for p in proba] == [(300, 3), (300, 4)]
    for j, (p, classes) in enumerate(zip(proba, clf.classes_)):
        np.testing.assert_allclose(p.sum(axis=1), 1)
        np.testing.assert_array_equal(classes[p.argmax(axis=1)], predicted[:, j])
        assert np.mean(predicted[:, j] == Y[:, j]) > 0.9
    log_proba = clf.predict_log_proba(X)
    for p, log_p in zip(proba, log_proba):
        np.testing.assert_allclose(np.exp(log_p), p, rtol=1e-10)
    subset = np.mean(np.all(predicted == Y, axis=1))
    assert clf.score(X, Y) == pytest.approx(subset)


def test_predict_proba_follows_scikit_learns_multioutput_convention():
    ours = classifier(max_iter=20).fit(X, Y_int)
    theirs = MultiOutputClassifier(classifier(max_iter=20)).fit(X, Y_int)
    assert type(ours.predict_proba(X)) is type(theirs.predict_proba(X)) is list
    assert [p.shape for p in ours.predict_proba(X)] == [
        p.shape for p in theirs.predict_proba(X)
    ]
    assert ours.predict(X).dtype == theirs.predict(X).dtype
    assert [list(c) for c in ours.classes_] == [list(c) for c in theirs.classes_]


def test_early_stopping_scores_subset_accuracy_and_validation_data():
    clf = classifier(early_stopping=True, max_iter=30).fit(X, Y)
    assert 0 < clf.best_validation_score_ <= 1
    held = classifier(early_stopping=True, max_iter=30)
    held.fit(X[:200], Y[:200], X_val=X[200:], y_val=Y[200:])
    assert held.best_validation_score_ == pytest.approx(held.score(X[200:], Y[200:]))


def test_unsupported_uses_fail_clearly():
    with pytest.raises(ValueError, match="partial_fit does not support multiclass"):
        classifier().partial_fit(X, Y, classes=[np.arange(3), np.arange(4)])
    with pytest.raises(ValueError, match="class_weight is not supported for multic"):
        classifier(class_weight="balanced").fit(X, Y)
    clf = classifier(max_iter=5, warm_start=True).fit(X, Y_int)
    with pytest.raises(ValueError, match="warm_start can only be used"):
        clf.fit(X, Y_int % 2 + (Y_int == 0) * 5)
    with pytest.raises(ValueError, match="previously unseen labels in column 1"):
        classifier(early_stopping=True, max_iter=2).fit(
            X, Y_int, X_val=X[:3], y_val=np.c_[[0, 1, 2], [0, 1, 9]]
        )


def test_stacked_search_is_exact():
    grid = {"alpha": [1e-4, 1e-2], "learning_rate_init": [0.01, 0.03]}
    est = classifier(max_iter=15)
    ours = ms.GridSearchCV(est, grid, cv=3).fit(X, Y)
    theirs = skms.GridSearchCV(est, grid, cv=3).fit(X, Y)
    np.testing.assert_allclose(
        ours.cv_results_["mean_test_score"], theirs.cv_results_["mean_test_score"]
    )


@pytest.mark.parametrize("labels", [Y, Y_int], ids=["strings", "integers"])
def test_onnx_export_matches_predict_and_predict_proba(labels):
    ort = pytest.importorskip("onnxruntime")
    skl2onnx = pytest.importorskip("skl2onnx")
    import sknumpynn.onnx  # noqa: F401

    clf = classifier(max_iter=20).fit(X, labels)
    onx = skl2onnx.to_onnx(clf, X[:1], options={"zipmap": False})
    session = ort.InferenceSession(
        onx.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    got_labels, got_proba = session.run(None, {"X": X})
    np.testing.assert_array_equal(got_labels.astype(str), clf.predict(X).astype(str))
    np.testing.assert_allclose(got_proba, np.hstack(clf.predict_proba(X)), rtol=1e-9)
    with pytest.raises(NotImplementedError, match="zipmap=False only"):
        skl2onnx.to_onnx(clf, X[:1].astype(np.float32))
