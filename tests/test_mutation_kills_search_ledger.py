"""The search's pre-fit ledger (``_training/ledger.py``) and the validation
shared by the fits of one stack plan (``_training/shared_validation.py``):
what the mutation run of the ``training_search`` group left untested.

Covers the content fingerprint of a fit's data (its documented parts: type,
dtype, shape, memory order and values; DataFrame column names; sparse formats
and parts), the fit key (class, parameters, ``X``, ``y``, ``sample_weight``
and the validation data), which estimators a ledger may serve, the ledger's
queues and ``repr``, and the hook at the top of ``fit``: capture the
arguments, serve a recorded fit, or train as usual. Each test asserts what the
ledger's documented contract lets one observe: equal or different
fingerprints, whether a fit is served (the estimator takes the recorded
fitted state, the ledger's ``repr`` counts it) or trained; and that a fit
validating through the shared memo gets what its own validation gives (data,
errors, attributes of its own), while overrides, other classes, data or
dtypes, warm starts and ``partial_fit`` validate on their own.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from search_helpers import SklearnCallback
from sklearn import model_selection as skms
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning

from sknumpynn import NumpyMLPClassifier, NumpyMLPRegressor
from sknumpynn import model_selection as ms
from sknumpynn._training.ledger import (
    FitLedger,
    capturing,
    data_fingerprint,
    eligible,
    fit_key,
    intercept,
)
from sknumpynn._training.shared_validation import sharing_validation, validate_input
from sknumpynn.callbacks import Callback
from sknumpynn.tabular import TabularMLPClassifier
from sknumpynn.tabular._engine import EngineClassifier

rng = np.random.RandomState(0)
X = rng.randn(30, 3)
y = (X[:, 0] + X[:, 1] > 0).astype(int)
WEIGHTS = np.linspace(0.5, 1.5, 30)
X_VAL, Y_VAL = X[:8] + 0.1, y[:8]


def _mlp(**params):
    defaults = dict(hidden_layer_sizes=(3,), max_iter=2, random_state=0)
    return NumpyMLPClassifier(**{**defaults, **params})


def _fit(estimator, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(*args, **kwargs)


def _ledger_of(estimator, X_fit, y_fit, sample_weight=None, validation=None):
    """A ledger holding one fit of ``estimator``, and that fitted estimator."""
    fitted = _fit(clone(estimator), X_fit, y_fit, sample_weight, **(validation or {}))
    ledger = FitLedger()
    key = fit_key(estimator, X_fit, y_fit, sample_weight, validation)
    ledger.record(key, fitted, None)
    return ledger, fitted


def _served(ledger, estimator, *data):
    with ledger.active():
        return intercept(estimator, *data)


# -- data_fingerprint ------------------------------------------------------------


def _same(a, b):
    return data_fingerprint(a) == data_fingerprint(b)


def test_equal_arrays_share_a_fingerprint_other_values_do_not():
    assert _same(X, X.copy())
    assert not _same(X, X + 1.0)
    assert not _same(y, y[::-1].copy())


def test_a_strided_view_has_the_fingerprint_of_its_copy():
    """Same values, dtype and shape: a column slice (neither C- nor
    F-contiguous) is the same data as its contiguous copy."""
    view = X[:, ::2]
    assert not view.flags.c_contiguous and not view.flags.f_contiguous
    assert _same(view, np.ascontiguousarray(view))


def test_memory_order_is_part_of_the_fingerprint():
    assert not _same(X, np.asfortranarray(X))
    assert _same(np.asfortranarray(X), np.asfortranarray(X.copy()))


def test_the_type_is_part_of_the_fingerprint():
    values = [1.0, 2.0, 3.0]
    assert not _same(values, np.array(values))
    assert _same(values, list(values))


def test_object_arrays_are_fingerprinted_by_their_values():
    labels = np.array(["a", "b", "a"], dtype=object)
    assert _same(labels, labels.copy())
    assert not _same(labels, np.array(["a", "b", "b"], dtype=object))


def test_dataframes_are_fingerprinted_by_column_names_and_values():
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    assert _same(frame, frame.copy())
    assert not _same(frame, frame.set_axis(["a", "b", "d"], axis=1))
    assert not _same(frame, frame + 1.0)


def test_series_and_pandas_arrays_are_fingerprinted_by_their_values():
    series = pd.Series(y.astype(float), name="target")
    assert _same(series, series.copy())
    assert not _same(series, series + 1.0)
    values = pd.array(y.astype(float), dtype="Float64")
    assert _same(values, values.copy())
    assert not _same(values, values + 1.0)


def test_sparse_matrices_are_fingerprinted_by_format_and_parts():
    csr = sp.csr_matrix(X * (X > 0))
    assert _same(csr, csr.copy())
    assert not _same(csr, csr * 2.0)
    assert not _same(csr, csr.tocsc())
    # the same values with one zero stored explicitly: other parts
    stored_zero = csr.copy()
    stored_zero.data[0] = 0.0
    assert not _same(stored_zero, sp.csr_matrix(stored_zero.toarray()))
    assert not _same(stored_zero, csr)


def test_coo_matrices_are_fingerprinted_by_their_values():
    """A format without ``indptr`` is fingerprinted by its dense values, so
    the order of its entries does not matter."""
    rows, cols = np.array([0, 1, 2]), np.array([1, 0, 2])
    forward = sp.coo_matrix((np.array([1.0, 2.0, 3.0]), (rows, cols)), shape=(3, 3))
    backward = sp.coo_matrix(
        (np.array([3.0, 2.0, 1.0]), (rows[::-1], cols[::-1])), shape=(3, 3)
    )
    assert _same(forward, backward)
    assert not _same(forward, forward * 2.0)


# -- fit_key, through the fits a ledger serves -------------------------------------


def test_a_fit_the_ledger_holds_is_served_once():
    ledger, fitted = _ledger_of(_mlp(), X, y)
    assert repr(ledger) == "FitLedger(1 fits left, 0 keys taken)"
    with ledger.active():
        served = _fit(_mlp(), X, y)
    assert served.coefs_ is fitted.coefs_ and served.n_iter_ == fitted.n_iter_
    assert repr(ledger) == "FitLedger(0 fits left, 1 keys taken)"
    with ledger.active():
        again = _fit(_mlp(), X, y)  # nothing left: trained anew
    assert again.coefs_ is not fitted.coefs_
    np.testing.assert_array_equal(again.coefs_[0], fitted.coefs_[0])


def test_equal_fits_are_served_in_the_order_recorded():
    first = _fit(_mlp(), X, y)
    second = _fit(_mlp(), X, y)
    ledger = FitLedger()
    key = fit_key(_mlp(), X, y, None)
    ledger.record(key, first, None)
    ledger.record(key, second, None)
    assert len(ledger) == 2
    with ledger.active():
        assert _fit(_mlp(), X, y).coefs_ is first.coefs_
        assert _fit(_mlp(), X, y).coefs_ is second.coefs_
    assert repr(ledger) == "FitLedger(0 fits left, 1 keys taken)"


def test_the_ledger_counts_each_key_taken():
    ledger = FitLedger()
    for max_iter in (1, 2):
        mlp = _mlp(max_iter=max_iter)
        ledger.record(fit_key(mlp, X, y, None), _fit(clone(mlp), X, y), None)
    assert repr(ledger) == "FitLedger(2 fits left, 0 keys taken)"
    with ledger.active():
        _fit(_mlp(max_iter=1), X, y)
        _fit(_mlp(max_iter=2), X, y)
    assert repr(ledger) == "FitLedger(0 fits left, 2 keys taken)"


def test_a_recorded_failure_is_not_served_the_fit_trains():
    ledger = FitLedger()
    ledger.record(fit_key(_mlp(), X, y, None), None, ValueError("failed"))
    with ledger.active():
        trained = _fit(_mlp(), X, y)
    assert trained.n_iter_ == 2
    assert repr(ledger) == "FitLedger(0 fits left, 0 keys taken)"


def test_a_fit_the_ledger_lacks_trains_as_usual():
    own = _fit(_mlp(), X, y)
    with FitLedger().active():
        trained = _fit(_mlp(), X, y)
    np.testing.assert_array_equal(trained.predict_proba(X), own.predict_proba(X))
    assert trained.n_iter_ == own.n_iter_


def test_a_fit_without_a_content_fingerprint_trains_as_usual():
    """A lambda parameter cannot be pickled: the fit is not looked up."""
    with FitLedger().active():
        trained = _fit(_mlp(scoring=lambda est, X_s, y_s: 0.0), X, y)
    assert trained.n_iter_ == 2 and len(trained.coefs_) == 2


def test_other_parameters_or_class_are_other_fits():
    class Subclass(NumpyMLPClassifier):
        pass

    ledger, _ = _ledger_of(_mlp(), X, y)
    assert not _served(ledger, _mlp(alpha=0.5), X, y, None)
    assert not _served(ledger, Subclass(**_mlp().get_params()), X, y, None)
    assert _served(ledger, _mlp(), X, y, None)


@pytest.mark.parametrize("other", ["X", "y", "sample_weight"])
def test_other_data_are_other_fits(other):
    data = {"X": X, "y": y, "sample_weight": WEIGHTS}
    ledger, _ = _ledger_of(_mlp(), *data.values())
    changed = {"X": X + 1.0, "y": 1 - y, "sample_weight": WEIGHTS[::-1].copy()}
    assert not _served(ledger, _mlp(), *{**data, other: changed[other]}.values())
    assert not _served(ledger, _mlp(), X, y, None)
    assert _served(ledger, _mlp(), *data.values())


def test_fits_with_validation_data_are_keyed_on_them():
    validation = {"X_val": X_VAL, "y_val": Y_VAL, "sample_weight_val": None}
    mlp = _mlp(early_stopping=True)
    ledger, fitted = _ledger_of(mlp, X, y, None, validation)
    other = {**validation, "X_val": X_VAL + 1.0}
    assert not _served(ledger, clone(mlp), X, y, None, other)
    assert not _served(ledger, clone(mlp), X, y, None)
    with ledger.active():
        served = _fit(clone(mlp), X, y, X_val=X_VAL, y_val=Y_VAL)
    assert served.coefs_ is fitted.coefs_


# -- eligible --------------------------------------------------------------------


class _Silent(Callback):
    pass


def test_plain_and_refitted_estimators_are_eligible():
    assert eligible(_mlp())
    assert eligible(_mlp(warm_start=True))  # nothing to start from yet
    assert eligible(_fit(_mlp(), X, y))  # a refit starts anew
    assert eligible(TabularMLPClassifier())  # no callbacks, no warm start


def test_callbacks_and_warm_starts_are_not_served():
    assert not eligible(_mlp(callbacks=[_Silent()]))
    assert not eligible(_fit(_mlp(warm_start=True), X, y))
    fitted = _fit(_mlp(warm_start=True), X, y)
    ledger, _ = _ledger_of(_mlp(warm_start=True), X, y)
    with ledger.active():
        _fit(fitted, X, y)  # continues from its own weights
    assert len(fitted.loss_curve_) == 4  # its 2 epochs, then 2 more
    assert repr(ledger) == "FitLedger(1 fits left, 0 keys taken)"


def test_scikit_learn_callbacks_are_not_served():
    pytest.importorskip("sklearn.callback", reason="scikit-learn < 1.9")
    assert not eligible(_mlp().set_callbacks(SklearnCallback()))


# -- capturing ---------------------------------------------------------------------


def test_capturing_records_the_arguments_and_does_not_train():
    records = []
    mlp = _mlp()
    with capturing(records):
        assert mlp.fit(X, y) is mlp
        _mlp(early_stopping=True).fit(X, y, WEIGHTS, X_val=X_VAL, y_val=Y_VAL)
    assert not hasattr(mlp, "coefs_")
    assert len(records) == 2
    plain, validated = records
    assert len(plain) == 3 and plain[0] is X and plain[1] is y and plain[2] is None
    assert len(validated) == 4 and validated[2] is WEIGHTS
    assert validated[3] == {"X_val": X_VAL, "y_val": Y_VAL, "sample_weight_val": None}
    assert validated[3]["X_val"] is X_VAL
    trained = _fit(_mlp(), X, y)  # outside the context: fits train again
    assert trained.n_iter_ == 2


# -- shared validation -------------------------------------------------------------

Y3 = np.arange(30) % 3  # three classes


def _validated(estimator, X_fit=X, y_fit=Y3, dtype=np.float64, reset=True):
    return validate_input(estimator, X_fit, y_fit, False, reset, dtype)


def test_equal_inputs_share_validated_arrays_and_copies_of_the_attributes():
    with sharing_validation():
        fits = [_mlp(alpha=alpha) for alpha in (1e-4, 0.5, 1.0)]
        results = [_validated(est) for est in fits]
    (X1, Y1), (X2, Y2), (X3, Y3_) = results
    assert X2 is X1 and X3 is X1 and Y2 is Y1 and Y3_ is Y1
    assert Y1.shape == (30, 3)
    first, second, third = fits
    assert [est.alpha for est in fits] == [1e-4, 0.5, 1.0]
    for est in fits:
        assert est.n_features_in_ == 3
        np.testing.assert_array_equal(est.classes_, [0, 1, 2])
    assert second.classes_ is not third.classes_
    assert second._label_binarizer is not third._label_binarizer
    assert first.classes_ is not second.classes_


def test_other_class_data_or_dtype_validate_anew():
    with sharing_validation():
        X1, Y1 = _validated(_mlp())
        reg = NumpyMLPRegressor()
        X2, Y2 = _validated(reg)  # the same X and y: a regressor's target
        assert Y2.shape == (30, 1) and not hasattr(reg, "classes_")
        np.testing.assert_array_equal(Y2[:, 0], Y3)
        shifted = X + 1.0
        X3, _ = _validated(_mlp(), X_fit=shifted)
        np.testing.assert_array_equal(X3, shifted)
        two = _mlp()
        _, Y4 = _validated(two, y_fit=Y3 % 2)
        assert Y4.shape == (30, 1)
        np.testing.assert_array_equal(two.classes_, [0, 1])
        X5, Y5 = _validated(_mlp(), dtype=np.float32)
        assert X5.dtype == np.float32 and Y5.dtype == np.float32
        assert X1.dtype == np.float64


def test_an_overridden_validation_is_not_shared():
    """The tabular engine's validation smooths the labels by a parameter."""
    with sharing_validation():
        _, plain = _validated(EngineClassifier(label_smoothing=0.0))
        _, smoothed = _validated(EngineClassifier(label_smoothing=0.3))
    np.testing.assert_array_equal(plain, np.eye(3)[Y3])
    np.testing.assert_allclose(smoothed, 0.7 * np.eye(3)[Y3] + 0.1)


def test_a_warm_start_validates_against_its_own_fit():
    fitted = _fit(_mlp(warm_start=True), X, Y3)
    wide = np.hstack([X, X[:, :1]])
    with sharing_validation():
        _validated(_mlp(), X_fit=wide)
        with pytest.raises(ValueError, match="X has 4 features, but .* expecting 3"):
            _validated(fitted, X_fit=wide, reset=False)


def test_fits_outside_the_shared_memo_validate_as_asked():
    float32 = _fit(_mlp(dtype="float32"), X, Y3)
    assert float32.coefs_[0].dtype == np.float32
    online = _mlp()
    online.partial_fit(X, Y3, classes=[0, 1, 2])
    online.partial_fit(X[Y3 < 2], Y3[Y3 < 2])  # a batch without class 2
    np.testing.assert_array_equal(online.classes_, [0, 1, 2])
    assert online.predict_proba(X).shape == (30, 3)


def test_a_search_fails_poisson_on_negative_targets_as_scikit_learn_does():
    """One negative target, held out by early stopping's validation split so
    that the stacked poisson fit does not diverge: scikit-learn's loop gets
    the ValueError of the poisson fit (a NaN score), ours must too."""
    data = np.random.RandomState(0)
    X_fit, y_fit = data.randn(60, 3), data.rand(60) + 0.1
    y_fit[42] = -0.5
    est = NumpyMLPRegressor(
        hidden_layer_sizes=(3,), max_iter=2, random_state=0, early_stopping=True
    )
    grid = {"loss": ["squared_error", "poisson"]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = skms.GridSearchCV(est, grid, cv=2, refit=False).fit(X_fit, y_fit)
        ours = ms.GridSearchCV(est, grid, cv=2, refit=False).fit(X_fit, y_fit)
    expected = theirs.cv_results_["split0_test_score"]
    assert np.isnan(expected[1])  # the poisson fit failed in scikit-learn's loop
    np.testing.assert_array_equal(ours.cv_results_["split0_test_score"], expected)
