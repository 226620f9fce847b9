"""The network as ONNX nodes, with the formulas of :mod:`sknumpynn.nn.activations`.

Every node computes in the model's own dtype (float32 or float64): onnxruntime
implements the elementwise operators used here (MatMul, Add, Mul, Sub, Div,
Max, Min, Abs, Exp, Sigmoid, Tanh, Relu, Softmax, Where) for both, but not
``Erf``, ``Elu`` or ``Gelu`` for float64. So ELU is written as ours is,
:math:`\\max(z, e^{\\min(z, 0)} - 1)`, leaky ReLU as :math:`\\max(z, s z)`, and
GELU's normal CDF :math:`\\Phi` by :func:`ndtr_polynomial`, a fit to SciPy's
own function accurate to about one unit in the last place of a float64.
"""

from functools import lru_cache

import numpy as np
from numpy.polynomial import chebyshev
from onnx import TensorProto
from scipy.special import erfcx

from sknumpynn._labels import MultiOutputLabels
from sknumpynn.nn.activations import LEAKY_RELU_SLOPE
from sknumpynn.nn.forward import hidden_activations

#: Scale of the map :math:`u = 2 / (1 + |z| / c) - 1` onto [-1, 1] used by the
#: normal CDF, and the polynomial's degree in :math:`u`.
NDTR_SCALE, NDTR_DEGREE = 3.0, 24


@lru_cache(maxsize=1)
def ndtr_polynomial():
    r"""Power-basis coefficients (highest first) of :math:`g` in :math:`u`.

    For :math:`x \ge 0`, :math:`\Phi(-x) = \tfrac12 e^{-x^2/2} g(x)` with
    :math:`g(x) = \operatorname{erfcx}(x / \sqrt 2)`, a smooth function of
    :math:`u = 2 / (1 + x / c) - 1 \in (-1, 1]` (it tends to 0 like
    :math:`1/x`). Fitted by Chebyshev interpolation to
    :func:`scipy.special.erfcx`; on :math:`[-40, 40]` the resulting
    :math:`\Phi` is within 1e-15 of :func:`scipy.special.ndtr`
    (``tests/test_onnx.py`` checks).

    Returns
    -------
    coefficients : ndarray of shape (NDTR_DEGREE + 1,)
    """
    n = 4 * NDTR_DEGREE
    u = np.cos(np.pi * (np.arange(n) + 0.5) / n)
    x = NDTR_SCALE * (2.0 / (u + 1.0) - 1.0)
    fit = chebyshev.chebfit(u, erfcx(x / np.sqrt(2.0)), NDTR_DEGREE)
    return chebyshev.cheb2poly(fit)[::-1].copy()


class GraphBuilder:
    """Adds nodes and constants of one float dtype to a skl2onnx container."""

    def __init__(self, scope, container, proto_dtype, dtype):
        self.scope, self.container = scope, container
        self.proto_dtype, self.dtype = proto_dtype, np.dtype(dtype)

    def __repr__(self):
        return f"GraphBuilder(dtype={self.dtype.name})"

    def name(self, hint):
        """A fresh variable name."""
        return self.scope.get_unique_variable_name(hint)

    def const(self, value, hint="const"):
        """An initializer holding ``value`` in the graph's float dtype."""
        value = np.asarray(value, dtype=self.dtype)
        name = self.name(hint)
        self.container.add_initializer(
            name, self.proto_dtype, list(value.shape), value.ravel()
        )
        return name

    def node(self, op_type, inputs, output=None, op_domain="", **attrs):
        """Add one node; return the name of its (single) output."""
        inputs = [inputs] if isinstance(inputs, str) else list(inputs)
        output = output or self.name(op_type.lower())
        self.container.add_node(
            op_type,
            inputs,
            output,
            op_domain=op_domain,
            name=self.scope.get_unique_operator_name(op_type),
            **attrs,
        )
        return output


def _leaky_relu(g, Z):
    return g.node("Max", [Z, g.node("Mul", [Z, g.const(LEAKY_RELU_SLOPE)])])


def _elu(g, Z):
    negative = g.node("Min", [Z, g.const(0.0)])
    return g.node("Max", [Z, g.node("Sub", [g.node("Exp", negative), g.const(1.0)])])


def ndtr(g, Z):
    """Nodes computing the standard normal CDF of ``Z`` (see
    :func:`ndtr_polynomial`)."""
    scaled = g.node("Div", [g.node("Abs", Z), g.const(NDTR_SCALE)])
    t = g.node("Div", [g.const(2.0), g.node("Add", [scaled, g.const(1.0)])])
    u = g.node("Sub", [t, g.const(1.0)])
    coefficients = ndtr_polynomial()
    poly = g.const(coefficients[0])
    for c in coefficients[1:]:  # Horner
        poly = g.node("Add", [g.node("Mul", [poly, u]), g.const(c)])
    gauss = g.node("Exp", g.node("Mul", [g.node("Mul", [Z, Z]), g.const(-0.5)]))
    lower = g.node("Mul", [g.node("Mul", [gauss, poly]), g.const(0.5)])
    upper = g.node("Sub", [g.const(1.0), lower])
    return g.node("Where", [g.node("Less", [Z, g.const(0.0)]), lower, upper])


def _gelu(g, Z):
    return g.node("Mul", [Z, ndtr(g, Z)])


def _op(op_type, **attrs):
    return lambda g, Z: g.node(op_type, Z, **attrs)


#: Hidden and output activations: name -> function(builder, input) -> output.
ACTIVATIONS = {
    "identity": lambda g, Z: Z,
    "logistic": _op("Sigmoid"),
    "tanh": _op("Tanh"),
    "relu": _op("Relu"),
    "leaky_relu": _leaky_relu,
    "elu": _elu,
    "gelu": _gelu,
    "exp": _op("Exp"),
    "softmax": _op("Softmax", axis=1),
}


def _activation(name):
    if name not in ACTIVATIONS:
        raise NotImplementedError(
            f"ONNX export does not support the activation {name!r}; supported: "
            f"{sorted(ACTIVATIONS)}."
        )
    return ACTIVATIONS[name]


def add_network(g, model, X):
    """Nodes of ``model``'s forward pass on the input named ``X``.

    ``X`` must already be in the graph's dtype. Returns the names of the
    output layer's pre-activations (logits) and activations.
    """
    n_layers = len(model.coefs_)
    names = hidden_activations(model.activation, n_layers - 1)
    A = X
    for layer, (W, b) in enumerate(zip(model.coefs_, model.intercepts_)):
        Z = g.node("MatMul", [A, g.const(W, "coefficient")])
        Z = g.node("Add", [Z, g.const(b.reshape(1, -1), "intercepts")])
        if layer == n_layers - 1:
            return Z, _output(g, model, Z)
        A = _activation(names[layer])(g, Z)


def output_blocks(model):
    """Column indices of each softmax block of a multiclass-multioutput
    classifier, or None for every other model."""
    labels = getattr(model, "_label_binarizer", None)
    if not isinstance(labels, MultiOutputLabels):
        return None
    bounds = np.cumsum((0,) + labels.sizes_)
    return [np.arange(a, b) for a, b in zip(bounds[:-1], bounds[1:])]


def take_columns(g, Z, columns):
    """The columns ``columns`` of ``Z`` (a Gather along axis 1)."""
    name = g.name("columns")
    g.container.add_initializer(name, TensorProto.INT64, [len(columns)], columns)
    return g.node("Gather", [Z, name], axis=1)


def _output(g, model, Z):
    """The output activation; one softmax per block for multiclass-multioutput
    (:class:`~sknumpynn.nn.losses.BlockSoftmax`)."""
    blocks = output_blocks(model)
    if blocks is None:
        return _activation(model.out_activation_)(g, Z)
    parts = [g.node("Softmax", take_columns(g, Z, b), axis=1) for b in blocks]
    return g.node("Concat", parts, axis=1)
