r"""skl2onnx shape calculators and converters for the tabular MLPs.

The graph is :meth:`TabularMLPClassifier.predict` /
:meth:`TabularMLPRegressor.predict` written out, in float64 as they compute
(whatever the input's and the model's dtype):

1. the encoder of :mod:`sknumpynn.tabular._encoding`, in its column order:
   the kept numeric columns (missing values imputed by the fitted median,
   :math:`z = (x - m) f`, smooth clip :math:`z / \sqrt{1 + (z/3)^2}`), then
   the missing indicators (``IsNaN``), then each categorical column: one
   ``Equal`` per fitted level (missing and unseen levels give zeros, two
   levels one :math:`\pm 1` input, the infrequent input 1 for any other
   non-missing value, as the encoder does);
2. the input stage of :mod:`sknumpynn.nn.embeddings` (PBLD embedding, then the
   scaling layer), with its parameters in their own units (the stage's
   ``_actual``: trained units times the learning-rate factors);
3. the dense layers (:func:`~sknumpynn.onnx._graph.add_network`) and the
   outputs: the classifier's as :mod:`sknumpynn.onnx._convert` builds them
   from the engine estimator ``mlp_``, the regressor's
   :math:`\operatorname{clip}(\hat z \sigma_y + \bar y, \min y, \max y)`.

The input is one numeric tensor holding the training columns in order,
categorical ones as numbers (NaN for missing). String levels and one input
per DataFrame column raise ``NotImplementedError``.
"""

from numbers import Real

import numpy as np
from onnx import TensorProto
from skl2onnx.common.data_types import (
    Int64TensorType,
    StringTensorType,
)
from skl2onnx.common.utils import (
    check_input_and_output_numbers,
    check_input_and_output_types,
)
from sklearn.utils.validation import check_is_fitted

from sknumpynn.onnx._convert import (
    _INPUT_TYPES,
    CLASSIFIER_OPTIONS,
    _classes,
    _clipped_probabilities,
    _finish,
    _labels,
    _output_tensor_type,
    classifier_options,
)
from sknumpynn.onnx._ensemble import _mean
from sknumpynn.onnx._graph import GraphBuilder, add_network, take_columns
from sknumpynn.tabular._encoding import CLIP_SCALE

#: The classifier's options: those of :class:`~sknumpynn.NumpyMLPClassifier`.
TABULAR_CLASSIFIER_OPTIONS = CLASSIFIER_OPTIONS


def _column_name(model, j):
    names = getattr(model, "feature_names_in_", None)
    return str(names[j]) if names is not None else j


def _check_input(operator):
    """One numeric input tensor, and numeric categorical levels."""
    model, name = operator.raw_operator, type(operator.raw_operator).__name__
    check_is_fitted(model)
    if len(operator.inputs) != 1:
        raise NotImplementedError(
            f"ONNX export of {name} takes one numeric input tensor holding the "
            f"{model.n_features_in_} training columns in order; got "
            f"{len(operator.inputs)} inputs (a DataFrame sample gives one per "
            "column). Pass an array sample, e.g. "
            "to_onnx(model, X.to_numpy(dtype=np.float64)[:1]), or "
            f"initial_types=[('X', DoubleTensorType([None, {model.n_features_in_}]))]"
            "; text categories must be coded as numbers first (e.g. an "
            "OrdinalEncoder in a ColumnTransformer)."
        )
    if isinstance(operator.inputs[0].type, StringTensorType):
        raise NotImplementedError(
            f"ONNX export of {name} does not support string input (string "
            "categorical columns): the graph takes numbers, NaN for missing. "
            "Encode the categories as numbers before the model (e.g. an "
            "OrdinalEncoder in a ColumnTransformer, and categorical_features "
            "naming those columns)."
        )
    check_input_and_output_types(operator, good_input_types=_INPUT_TYPES)
    for j, column in model._encoder.categories_.items():
        _numeric_levels(model, j, column)


def calculate_tabular_classifier_output_shapes(operator):
    """Declare ``[labels, probabilities]``: labels int64 or string, ``[N]``;
    probabilities ``[N, n_classes]``, float64 for float64 input, else float32."""
    check_input_and_output_numbers(operator, output_count_range=2)
    _check_input(operator)
    model = operator.raw_operator
    options, float_type = classifier_options(operator)
    classes = _classes(model.mlp_, options["nocl"])
    N = operator.inputs[0].get_first_dimension()
    label_type = StringTensorType if classes.dtype.kind == "U" else Int64TensorType
    operator.outputs[0].type = label_type(shape=[N])
    operator.outputs[1].type = float_type(shape=[N, len(classes)])


def calculate_tabular_regressor_output_shapes(operator):
    """Declare the predictions, ``[N, 1]``, float64 for float64 input, else
    float32."""
    check_input_and_output_numbers(operator, output_count_range=1)
    _check_input(operator)
    N = operator.inputs[0].get_first_dimension()
    operator.outputs[0].type = _output_tensor_type(operator)([N, 1])


def _numeric_levels(model, j, column):
    """The fitted levels of categorical column ``j`` as float64, or raise."""
    levels = column.levels.tolist()
    if all(isinstance(level, Real) for level in levels):
        return np.asarray(levels, dtype=np.float64)
    raise NotImplementedError(
        f"ONNX export of {type(model).__name__} supports numeric categorical "
        f"columns only (the graph takes one numeric tensor); column "
        f"{_column_name(model, j)!r} has levels {levels[:3]}. Encode its "
        "categories as numbers before fitting (e.g. an OrdinalEncoder in a "
        "ColumnTransformer, and categorical_features naming the column)."
    )


def _smooth_clip(g, z):
    r""":math:`z / \sqrt{1 + (z/3)^2}`, as the encoder's ``smooth_clip``."""
    t = g.node("Div", [z, g.const(CLIP_SCALE)])
    root = g.node("Sqrt", g.node("Add", [g.const(1.0), g.node("Mul", [t, t])]))
    return g.node("Div", [z, root])


def _scaled_numeric(g, encoder, X):
    """The kept numeric columns: imputed, robust-scaled, smooth-clipped."""
    kept = [(j, col) for j, col in encoder.numeric_.items() if col.kept]
    if not kept:
        return None
    x = take_columns(g, X, [j for j, _ in kept])
    median = g.const([[col.median for _, col in kept]], "median")
    factor = g.const([[col.factor for _, col in kept]], "factor")
    imputed = g.node("Where", [g.node("IsNaN", x), median, x])
    return _smooth_clip(g, g.node("Mul", [g.node("Sub", [imputed, median]), factor]))


def _missing_indicators(g, encoder, X):
    """1 where missing, for the numeric columns that had missing training values."""
    columns = [j for j, col in encoder.numeric_.items() if col.has_missing]
    if not columns:
        return None
    missing = g.node("IsNaN", take_columns(g, X, columns))
    return g.node("Cast", missing, to=g.proto_dtype)


def _categorical(g, model, j, column, X):
    """One-hot of categorical column ``j`` (or one :math:`\\pm 1` input for two
    levels; the infrequent input last), or None when it has no level."""
    levels = _numeric_levels(model, j, column)
    if not len(levels):
        return None
    x = take_columns(g, X, [j])
    equal = g.node("Equal", [x, g.const(levels.reshape(1, -1), "levels")])
    hot = g.node("Cast", equal, to=g.proto_dtype)  # NaN equals no level
    if column.binary:  # level 0 -> -1, level 1 -> +1, missing/unseen -> 0
        return g.node("MatMul", [hot, g.const([[-1.0], [1.0]], "signs")])
    if not column.infrequent:
        return hot
    seen = g.node("MatMul", [hot, g.const(np.ones((len(levels), 1)), "ones")])
    missing = g.node("Cast", g.node("IsNaN", x), to=g.proto_dtype)
    other = g.node("Sub", [g.node("Sub", [g.const(1.0), seen]), missing])
    return g.node("Concat", [hot, other], axis=1)


def _encoded(g, model, X):
    """The encoder's output in its order: the scaled numeric block (or None),
    and the other blocks (indicators, then each categorical column)."""
    encoder = model._encoder
    rest = [_missing_indicators(g, encoder, X)] + [
        _categorical(g, model, j, column, X)
        for j, column in encoder.categories_.items()
    ]
    return _scaled_numeric(g, encoder, X), [part for part in rest if part is not None]


def _reshape(g, Z, shape):
    """``Z`` reshaped; a 0 in ``shape`` keeps that dimension (the rows)."""
    name = g.name("shape")
    g.container.add_initializer(name, TensorProto.INT64, [len(shape)], shape)
    return g.node("Reshape", [Z, name])


def _embedding(g, p, x):
    r"""PBLD of the ``J`` columns of ``x``: :math:`E_{nje} = \sum_f
    \cos(2\pi x_{nj} w_{jf} + b_{jf}) V_{jfe} + c_{je}`, as ``(N, J e)``."""
    J, E = p["V"].shape[1], p["V"].shape[3]
    xs = _reshape(g, x, [0, J, 1])
    U = g.node("Mul", [g.node("Mul", [g.const(2.0 * np.pi), xs]), g.const(p["w"][0])])
    H = g.node("Cos", g.node("Add", [U, g.const(p["b"][0])]))  # (N, J, F)
    per_feature = g.node("Transpose", H, perm=[1, 0, 2])  # (J, N, F)
    emb = g.node("MatMul", [per_feature, g.const(p["V"][0])])
    emb = g.node("Add", [emb, g.const(p["c"][0][:, np.newaxis, :])])  # (J, N, E)
    return _reshape(g, g.node("Transpose", emb, perm=[1, 0, 2]), [0, J * E])


def _members(model):
    """The engine estimators: ``mlp_``, or its members when ``n_ensemble > 1``
    made it a deep ensemble."""
    return list(getattr(model.mlp_, "estimators_", [model.mlp_]))


def _network_input(g, member, encoded, X):
    """:math:`A_0` of one engine ``member``: the ``encoded`` rows (shared by
    the members), through its input stage if it has one."""
    scaled, rest = encoded
    stage = member._stage
    p = None
    if stage is not None:
        flat = member.stage_params_.astype(np.float64)[np.newaxis]
        p = stage._actual(flat)
    embedded = [] if scaled is None or p is None else [_embedding(g, p, scaled)]
    parts = ([] if scaled is None else [scaled]) + embedded + rest
    if not parts:  # every column constant: the encoder's one zero input
        zero = g.node(
            "Cast", g.node("IsNaN", take_columns(g, X, [0])), to=g.proto_dtype
        )
        parts = [g.node("Mul", [zero, g.const(0.0)])]
    A = parts[0] if len(parts) == 1 else g.node("Concat", parts, axis=1)
    if p is None or p["scale"] is None:
        return A
    return g.node("Mul", [A, g.const(p["scale"][0].reshape(1, -1), "scale")])


def _tabular_networks(scope, operator, container):
    """Float64 builder, and every member's ``(logits, outputs)``."""
    model = operator.raw_operator
    g = GraphBuilder(scope, container, TensorProto.DOUBLE, np.float64)
    X = g.node("Cast", operator.inputs[0].full_name, to=g.proto_dtype)
    encoded = _encoded(g, model, X)
    return g, [
        add_network(g, member, _network_input(g, member, encoded, X))
        for member in _members(model)
    ]


def convert_tabular_classifier(scope, operator, container):
    """Nodes for :class:`~sknumpynn.TabularMLPClassifier`: labels, probabilities
    (or logits with ``raw_scores=True``; an ensemble's mean probabilities)."""
    model = operator.raw_operator
    options = container.get_options(model, dict(raw_scores=False, nocl=False))
    members = _members(model)
    if options["raw_scores"] and len(members) > 1:
        raise NotImplementedError(
            f"ONNX export of {type(model).__name__} with n_ensemble="
            f"{len(members)} has no raw_scores: an ensemble averages its "
            "members' probabilities, it has no logits. Drop the raw_scores option."
        )
    g, outputs = _tabular_networks(scope, operator, container)
    probas = [_clipped_probabilities(g, m, P) for m, (_, P) in zip(members, outputs)]
    proba = probas[0] if len(probas) == 1 else _mean(g, probas)
    _labels(g, members[0], proba, operator.outputs[0], options["nocl"])
    if options["raw_scores"]:
        logits = outputs[0][0]
        if members[0].n_outputs_ == 1:
            logits = g.node("Concat", [g.node("Neg", logits), logits], axis=1)
        _finish(g, logits, operator.outputs[1])
    else:
        _finish(g, proba, operator.outputs[1])


def convert_tabular_regressor(scope, operator, container):
    """Nodes for :class:`~sknumpynn.TabularMLPRegressor`: the network's output
    (the members' mean) de-standardised and clipped to the training range."""
    model = operator.raw_operator
    g, outputs = _tabular_networks(scope, operator, container)
    P = outputs[0][1] if len(outputs) == 1 else _mean(g, [P for _, P in outputs])
    y = g.node(
        "Add", [g.node("Mul", [P, g.const(model.y_scale_)]), g.const(model.y_mean_)]
    )
    low, high = model.y_range_
    clipped = g.node("Min", [g.node("Max", [y, g.const(low)]), g.const(high)])
    _finish(g, clipped, operator.outputs[0])
