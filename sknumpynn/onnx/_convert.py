"""skl2onnx shape calculators and converters for our two estimators.

They follow skl2onnx's own ones for scikit-learn's MLP
(``skl2onnx/operator_converters/multilayer_perceptron.py``): a classifier has
two outputs, the labels and the probabilities (skl2onnx's classifier parser
then adds ZipMap, ``output_class_labels`` and friends), a regressor one, the
predictions. Differences, each deliberate: the graph computes in the model's
dtype whatever the input's (a float64 model stays float64); probabilities are
clipped as our ``predict_proba`` clips them; ``nocl=True`` makes the labels
class indices (skl2onnx's MLP converter ignores it); multi-output regressors
keep their shape; ``raw_scores=True`` returns the logits.
"""

import numpy as np
from onnx import TensorProto
from skl2onnx.common.data_types import (
    BooleanTensorType,
    DoubleTensorType,
    FloatTensorType,
    Int64TensorType,
    StringTensorType,
)
from skl2onnx.common.utils import (
    check_input_and_output_numbers,
    check_input_and_output_types,
)
from sklearn.utils.validation import check_is_fitted

from sknumpynn.onnx._graph import (
    GraphBuilder,
    add_network,
    output_blocks,
    take_columns,
)

_INPUT_TYPES = [BooleanTensorType, DoubleTensorType, FloatTensorType, Int64TensorType]

#: The options skl2onnx gives scikit-learn's MLPClassifier, plus raw_scores.
CLASSIFIER_OPTIONS = {
    "zipmap": [True, False, "columns"],
    "nocl": [True, False],
    "output_class_labels": [False, True],
    "raw_scores": [False, True],
}


def _proto(dtype):
    return TensorProto.DOUBLE if np.dtype(dtype) == np.float64 else TensorProto.FLOAT


def _output_tensor_type(operator):
    """skl2onnx's rule: outputs are float64 for float64 input, else float32."""
    is_double = isinstance(operator.inputs[0].type, DoubleTensorType)
    return DoubleTensorType if is_double else FloatTensorType


def _classes(model, nocl, classes=None):
    """Class labels as ONNX holds them: int64 or str; indices when ``nocl``.

    scikit-learn's target checks guarantee float labels are integers.
    ``classes`` overrides ``model.classes_`` (one output's labels).
    """
    classes = np.asarray(model.classes_ if classes is None else classes)
    if nocl:
        return np.arange(len(classes))
    if classes.dtype.kind in "biuf":
        return classes.astype(np.int64)
    if all(isinstance(c, str) for c in classes):
        return classes.astype(str)
    raise NotImplementedError(
        "ONNX export supports integer, boolean or string class labels; "
        f"{type(model).__name__} has labels {classes[:3].tolist()}..."
    )


def classifier_options(operator):
    """The classifier's ``nocl`` and ``zipmap`` options and its output float
    type; ``zipmap=True`` with float64 input is refused (ONNX's ZipMap takes
    float32 probabilities only)."""
    model = operator.raw_operator
    options = operator.scope_inst.get_options(model, dict(nocl=False, zipmap=True))
    float_type = _output_tensor_type(operator)
    if options["zipmap"] is True and float_type is DoubleTensorType:
        raise NotImplementedError(
            f"ONNX export of {type(model).__name__} with float64 input and "
            "option zipmap=True is not supported: ONNX's ZipMap takes float32 "
            "probabilities only. Pass options={'zipmap': False} (or 'columns'), "
            "or a float32 sample input."
        )
    return options, float_type


def _is_multilabel(model):
    return model._label_binarizer.y_type_.startswith("multilabel")


def calculate_classifier_output_shapes(operator):
    """Declare ``[labels, probabilities]``: labels int64 or string, shape
    ``[N]`` (``[N, n_labels]`` for multilabel); probabilities ``[N, n_classes]``
    as float64 for float64 input, else float32."""
    check_input_and_output_numbers(operator, input_count_range=1, output_count_range=2)
    check_input_and_output_types(operator, good_input_types=_INPUT_TYPES)
    model = operator.raw_operator
    check_is_fitted(model)
    options, float_type = classifier_options(operator)
    N = operator.inputs[0].get_first_dimension()
    if output_blocks(model) is not None:
        _multioutput_shapes(operator, model, options, N, float_type)
        return
    classes = _classes(model, options["nocl"])
    label_shape = [N, len(classes)] if _is_multilabel(model) else [N]
    label_type = StringTensorType if classes.dtype.kind == "U" else Int64TensorType
    operator.outputs[0].type = label_type(shape=label_shape)
    operator.outputs[1].type = float_type(shape=[N, len(classes)])


def _multioutput_shapes(operator, model, options, N, float_type):
    """Multiclass-multioutput: labels ``[N, n_outputs]``, probabilities of
    every block side by side, ``[N, sum(n_classes)]``."""
    if options["zipmap"] is not False:
        raise NotImplementedError(
            f"ONNX export of {type(model).__name__} fitted on a "
            "multiclass-multioutput target supports zipmap=False only: pass "
            "options={'zipmap': False}."
        )
    kinds = {_classes(model, options["nocl"], c).dtype.kind for c in model.classes_}
    if len(kinds) != 1:
        raise NotImplementedError(
            "ONNX export of a multiclass-multioutput classifier needs labels of "
            "one kind (all integer or all string) in every output."
        )
    label_type = StringTensorType if kinds.pop() == "U" else Int64TensorType
    operator.outputs[0].type = label_type(shape=[N, len(model.classes_)])
    operator.outputs[1].type = float_type(shape=[N, model.n_outputs_])


def calculate_regressor_output_shapes(operator):
    """Declare the predictions, ``[N, n_outputs]``, float64 for float64 input,
    else float32."""
    check_input_and_output_numbers(operator, input_count_range=1, output_count_range=1)
    check_input_and_output_types(operator, good_input_types=_INPUT_TYPES)
    model = operator.raw_operator
    check_is_fitted(model)
    N = operator.inputs[0].get_first_dimension()
    operator.outputs[0].type = _output_tensor_type(operator)([N, model.n_outputs_])


def _network(scope, operator, container):
    """Builder in the model's dtype, and the network's logits and outputs."""
    model = operator.raw_operator
    dtype = model.coefs_[0].dtype
    g = GraphBuilder(scope, container, _proto(dtype), dtype)
    X = g.node("Cast", operator.inputs[0].full_name, to=g.proto_dtype)
    return g, *add_network(g, model, X)


def _finish(g, value, output):
    """Write ``value`` (the graph's dtype) to ``output`` in its declared dtype."""
    g.node("Cast", value, output=output.full_name, to=_proto_of(output))


def _proto_of(variable):
    is_double = isinstance(variable.type, DoubleTensorType)
    return TensorProto.DOUBLE if is_double else TensorProto.FLOAT


def _clipped_probabilities(g, model, P):
    """The probabilities our ``predict_proba`` returns (binary: two columns)."""
    if model.out_activation_ == "softmax":
        return g.node("Max", [P, g.const(np.finfo(g.dtype).tiny)])
    eps = np.finfo(g.dtype).eps
    P = g.node("Min", [g.node("Max", [P, g.const(eps)]), g.const(1 - eps)])
    if model.n_outputs_ == 1:
        return g.node("Concat", [g.node("Sub", [g.const(1.0), P]), P], axis=1)
    return P


def _labels(g, model, proba, output, nocl):
    """Labels from probabilities, as ``predict`` decodes them."""
    blocks = output_blocks(model)
    if blocks is not None:  # multiclass-multioutput: one column per block
        shape = g.scope.get_unique_variable_name("shape")
        g.container.add_initializer(shape, TensorProto.INT64, [2], [-1, 1])
        columns = []
        for block, classes in zip(blocks, model.classes_):
            index = g.node("ArgMax", take_columns(g, proba, block), axis=1, keepdims=1)
            if not nocl:
                table = _class_table(g, _classes(model, False, classes))
                index = g.node(
                    "ArrayFeatureExtractor", [table, index], op_domain="ai.onnx.ml"
                )
            columns.append(g.node("Reshape", [index, shape]))
        g.node("Concat", columns, output=output.full_name, axis=1)
        return
    if _is_multilabel(model):
        above = g.node("Greater", [proba, g.const(0.5)])
        g.node("Cast", above, output=output.full_name, to=TensorProto.INT64)
        return
    index = g.node("ArgMax", proba, axis=1, keepdims=1)
    shape = g.scope.get_unique_variable_name("shape")
    g.container.add_initializer(shape, TensorProto.INT64, [1], [-1])
    if nocl:
        g.node("Reshape", [index, shape], output=output.full_name)
        return
    table = _class_table(g, _classes(model, nocl=False))
    picked = g.node("ArrayFeatureExtractor", [table, index], op_domain="ai.onnx.ml")
    g.node("Reshape", [picked, shape], output=output.full_name)


def _class_table(g, classes):
    """An initializer holding the class labels (int64 or UTF-8 strings)."""
    table = g.scope.get_unique_variable_name("classes")
    if classes.dtype.kind == "U":
        values = [c.encode("utf-8") for c in classes]
        g.container.add_initializer(table, TensorProto.STRING, [len(values)], values)
    else:
        g.container.add_initializer(table, TensorProto.INT64, [len(classes)], classes)
    return table


def convert_classifier(scope, operator, container):
    """Nodes for :class:`~sknumpynn.NumpyMLPClassifier`: labels, probabilities
    (or logits with ``raw_scores=True``)."""
    model = operator.raw_operator
    options = container.get_options(model, dict(raw_scores=False, nocl=False))
    g, logits, P = _network(scope, operator, container)
    proba = _clipped_probabilities(g, model, P)
    _labels(g, model, proba, operator.outputs[0], options["nocl"])
    if options["raw_scores"]:
        if model.n_outputs_ == 1 and not _is_multilabel(model):
            logits = g.node("Concat", [g.node("Neg", logits), logits], axis=1)
        _finish(g, logits, operator.outputs[1])
    else:
        _finish(g, proba, operator.outputs[1])


def convert_regressor(scope, operator, container):
    """Nodes for :class:`~sknumpynn.NumpyMLPRegressor`: the predictions."""
    g, _, P = _network(scope, operator, container)
    _finish(g, P, operator.outputs[0])
