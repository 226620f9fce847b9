"""skl2onnx converters for the deep ensembles: one graph averaging the members.

Every member's forward pass becomes its own nodes on the shared input; the
classifier averages the members' clipped probabilities and decodes
labels from the mean, as :meth:`DeepEnsembleClassifier.predict_proba` and
``predict`` do; the regressor averages the members' predictions. Options as
for one member (``zipmap``, ``nocl``, ``output_class_labels``); an ensemble
has no logits, so no ``raw_scores``.
"""

from skl2onnx.common.data_types import Int64TensorType, StringTensorType
from skl2onnx.common.utils import (
    check_input_and_output_numbers,
    check_input_and_output_types,
)
from sklearn.utils.validation import check_is_fitted

from sknumpynn.onnx._convert import (
    _INPUT_TYPES,
    _classes,
    _clipped_probabilities,
    _finish,
    _is_multilabel,
    _labels,
    _proto,
    calculate_regressor_output_shapes,
    classifier_options,
)
from sknumpynn.onnx._graph import GraphBuilder, add_network

ENSEMBLE_CLASSIFIER_OPTIONS = {
    "zipmap": [True, False, "columns"],
    "nocl": [True, False],
    "output_class_labels": [False, True],
}


def calculate_ensemble_classifier_output_shapes(operator):
    """``[labels, probabilities]``, declared as for one member."""
    check_input_and_output_numbers(operator, input_count_range=1, output_count_range=2)
    check_input_and_output_types(operator, good_input_types=_INPUT_TYPES)
    model = operator.raw_operator
    check_is_fitted(model)
    member = model.estimators_[0]
    options, float_type = classifier_options(operator)
    classes = _classes(member, options["nocl"])
    N = operator.inputs[0].get_first_dimension()
    label_shape = [N, len(classes)] if _is_multilabel(member) else [N]
    label_type = StringTensorType if classes.dtype.kind == "U" else Int64TensorType
    operator.outputs[0].type = label_type(shape=label_shape)
    operator.outputs[1].type = float_type(shape=[N, len(classes)])


def calculate_ensemble_regressor_output_shapes(operator):
    """The mean prediction, ``[N, n_outputs]``, as for one member."""
    model = operator.raw_operator
    check_is_fitted(model)
    operator.raw_operator = model.estimators_[0]
    try:
        calculate_regressor_output_shapes(operator)
    finally:
        operator.raw_operator = model


def _members_outputs(scope, operator, container, outputs_of):
    """The graph builder and ``outputs_of(g, member, P)`` of every member."""
    members = operator.raw_operator.estimators_
    dtype = members[0].coefs_[0].dtype
    g = GraphBuilder(scope, container, _proto(dtype), dtype)
    X = g.node("Cast", operator.inputs[0].full_name, to=g.proto_dtype)
    return g, [outputs_of(g, m, add_network(g, m, X)[1]) for m in members]


def _mean(g, values):
    """The mean of ``values`` as the ensemble computes it: their sum over K
    (``Add`` and ``Div``: onnxruntime has no float64 ``Mean``)."""
    total = values[0]
    for value in values[1:]:
        total = g.node("Add", [total, value])
    return g.node("Div", [total, g.const(float(len(values)))])


def convert_ensemble_classifier(scope, operator, container):
    """Nodes for :class:`~sknumpynn.ensemble.DeepEnsembleClassifier`."""
    model = operator.raw_operator
    options = container.get_options(model, dict(nocl=False))
    g, probas = _members_outputs(scope, operator, container, _clipped_probabilities)
    mean = _mean(g, probas)
    _labels(g, model.estimators_[0], mean, operator.outputs[0], options["nocl"])
    _finish(g, mean, operator.outputs[1])


def convert_ensemble_regressor(scope, operator, container):
    """Nodes for :class:`~sknumpynn.ensemble.DeepEnsembleRegressor`."""
    g, outputs = _members_outputs(scope, operator, container, lambda g, member, P: P)
    _finish(g, _mean(g, outputs), operator.outputs[0])
