"""ONNX export through skl2onnx: importing this module registers our estimators.

After ``import sknumpynn.onnx``, :func:`skl2onnx.to_onnx` and
:func:`skl2onnx.convert_sklearn` convert :class:`~sknumpynn.NumpyMLPClassifier`
and :class:`~sknumpynn.NumpyMLPRegressor` (and the deep ensembles of
:mod:`sknumpynn.ensemble`, as one graph averaging their members, and
:class:`~sknumpynn.TabularMLPClassifier` and
:class:`~sknumpynn.TabularMLPRegressor` with their preprocessing), alone or
inside a ``Pipeline``, ``ColumnTransformer`` or any other container skl2onnx
handles, exactly as they convert scikit-learn's
``MLPClassifier``/``MLPRegressor``; the result runs in onnxruntime (Python,
C#, Java, JavaScript, ...). Install the extra:
``pip install 'sknumpynn[onnx]'`` (skl2onnx and onnxruntime).

What the graph holds:

- the forward pass in the model's dtype: a float64 model computes in float64
  whatever the input, a float32 one in float32; outputs are float64 for a
  float64 input and float32 otherwise, skl2onnx's rule. Every hidden
  activation (one per layer, too) and output activation (logistic, softmax,
  identity, Poisson's exp) uses the formula of :mod:`sknumpynn.nn.activations`.
- a classifier's outputs ``label`` and ``probabilities``, equal to
  ``predict`` and ``predict_proba`` (probabilities clipped the same way),
  with skl2onnx's classifier options: ``zipmap`` (True, False or
  ``'columns'``), ``nocl`` (labels as class indices), ``output_class_labels``,
  and ``raw_scores`` (the logits instead of the probabilities; binary models
  give ``[-z, z]`` as skl2onnx's linear classifiers do). Integer, boolean and
  string labels work; like skl2onnx, boolean labels come out as int64 0/1.
  Multilabel labels are an int64 indicator matrix. A multiclass-multioutput
  classifier (``zipmap=False`` only) gives labels of shape
  ``(n_samples, n_outputs)`` and the probabilities of its softmax blocks side
  by side, ``np.hstack(predict_proba(X))``.
- a regressor's ``variable``, shape ``(n_samples, n_outputs)``.
- for the tabular MLPs (``onnx/_tabular.py``), their ``predict`` in float64
  whatever the input's dtype: the encoder (median imputation of NaN, missing
  indicators, robust scaling, smooth clip, constant columns dropped,
  categorical columns coded as numbers matched against the fitted levels,
  unseen and missing levels as the encoder treats them), the PBLD embedding
  and scaling layer, the network, then the classifier's outputs (options as
  above, binary and multiclass) or the regressor's de-standardised
  prediction clipped to the training range, shape ``(n_samples, 1)``. The
  input is one numeric tensor with the training columns in order (NaN
  allowed); string categories and one input per DataFrame column raise
  ``NotImplementedError`` (encode the categories as numbers first, e.g. an
  ``OrdinalEncoder`` in a ``ColumnTransformer`` in front).

Dropout, the optimizer, callbacks and every other training-only setting
leave no trace. What ONNX cannot express raises ``NotImplementedError``
naming it: float labels that are not integers, and ``zipmap=True`` with
float64 input (ONNX's ZipMap takes float32 only; skl2onnx's own MLP converter
fails there too, less clearly).

Examples
--------
>>> import numpy as np
>>> import onnxruntime as ort
>>> from skl2onnx import to_onnx
>>> import sknumpynn.onnx  # registers the converters
>>> from sknumpynn import NumpyMLPClassifier
>>> from sknumpynn.datasets import load_heart
>>> X, y = load_heart(return_X_y=True)
>>> clf = NumpyMLPClassifier(max_iter=30, random_state=0).fit(X, y)
>>> onx = to_onnx(clf, X[:1], options={"zipmap": False})
>>> session = ort.InferenceSession(onx.SerializeToString(),
...                                providers=["CPUExecutionProvider"])
>>> labels, proba = session.run(None, {"X": X})
>>> bool((labels == clf.predict(X)).all())
True
>>> bool(np.abs(proba - clf.predict_proba(X)).max() < 1e-9)
True
"""

from sknumpynn._utils.optional import import_optional

import_optional("skl2onnx", "onnx", "ONNX export")

from sknumpynn._classifier import NumpyMLPClassifier  # noqa: E402
from sknumpynn._regressor import NumpyMLPRegressor  # noqa: E402
from sknumpynn.ensemble import (  # noqa: E402
    DeepEnsembleClassifier,
    DeepEnsembleRegressor,
)
from sknumpynn.onnx._convert import (  # noqa: E402
    CLASSIFIER_OPTIONS,
    calculate_classifier_output_shapes,
    calculate_regressor_output_shapes,
    convert_classifier,
    convert_regressor,
)
from sknumpynn.onnx._ensemble import (  # noqa: E402
    ENSEMBLE_CLASSIFIER_OPTIONS,
    calculate_ensemble_classifier_output_shapes,
    calculate_ensemble_regressor_output_shapes,
    convert_ensemble_classifier,
    convert_ensemble_regressor,
)
from sknumpynn.onnx._tabular import (  # noqa: E402
    TABULAR_CLASSIFIER_OPTIONS,
    calculate_tabular_classifier_output_shapes,
    calculate_tabular_regressor_output_shapes,
    convert_tabular_classifier,
    convert_tabular_regressor,
)
from sknumpynn.tabular import TabularMLPClassifier, TabularMLPRegressor  # noqa: E402

__all__ = ["register"]

#: skl2onnx aliases of our estimators.
ALIASES = {
    NumpyMLPClassifier: "SknumpynnMLPClassifier",
    NumpyMLPRegressor: "SknumpynnMLPRegressor",
    DeepEnsembleClassifier: "SknumpynnDeepEnsembleClassifier",
    DeepEnsembleRegressor: "SknumpynnDeepEnsembleRegressor",
    TabularMLPClassifier: "SknumpynnTabularMLPClassifier",
    TabularMLPRegressor: "SknumpynnTabularMLPRegressor",
}


def register():
    """Register our converters with skl2onnx (done when this module is imported).

    Calls :func:`skl2onnx.update_registered_converter` for each estimator with
    its shape calculator, converter and options; giving the classifier the
    ``zipmap`` option makes skl2onnx parse it with its classifier parser, as
    it parses scikit-learn's MLPClassifier. Calling it again is harmless.

    Examples
    --------
    >>> from sknumpynn.onnx import register
    >>> register()
    """
    skl2onnx = import_optional("skl2onnx", "onnx", "ONNX export")
    skl2onnx.update_registered_converter(
        NumpyMLPClassifier,
        ALIASES[NumpyMLPClassifier],
        calculate_classifier_output_shapes,
        convert_classifier,
        options=CLASSIFIER_OPTIONS,
    )
    skl2onnx.update_registered_converter(
        NumpyMLPRegressor,
        ALIASES[NumpyMLPRegressor],
        calculate_regressor_output_shapes,
        convert_regressor,
    )
    # Deep ensembles: one graph averaging the members (onnx/_ensemble.py).
    skl2onnx.update_registered_converter(
        DeepEnsembleClassifier,
        ALIASES[DeepEnsembleClassifier],
        calculate_ensemble_classifier_output_shapes,
        convert_ensemble_classifier,
        options=ENSEMBLE_CLASSIFIER_OPTIONS,
    )
    skl2onnx.update_registered_converter(
        DeepEnsembleRegressor,
        ALIASES[DeepEnsembleRegressor],
        calculate_ensemble_regressor_output_shapes,
        convert_ensemble_regressor,
    )
    # Tabular MLPs: encoder, input stage and network in one graph (onnx/_tabular.py).
    skl2onnx.update_registered_converter(
        TabularMLPClassifier,
        ALIASES[TabularMLPClassifier],
        calculate_tabular_classifier_output_shapes,
        convert_tabular_classifier,
        options=TABULAR_CLASSIFIER_OPTIONS,
    )
    skl2onnx.update_registered_converter(
        TabularMLPRegressor,
        ALIASES[TabularMLPRegressor],
        calculate_tabular_regressor_output_shapes,
        convert_tabular_regressor,
    )


register()
