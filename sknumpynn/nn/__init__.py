"""The pure NumPy neural-network engine behind sknumpynn's estimators.

Nothing here imports scikit-learn: the engine is plain arrays, ``numpy`` and
``scipy.special``, so it can be read, tested and reused on its own.

- :mod:`~sknumpynn.nn.activations`: activation functions and their derivatives.
- :mod:`~sknumpynn.nn.losses`: loss functions paired with output activations.
- :mod:`~sknumpynn.nn.init`: Glorot initialisation.
- :mod:`~sknumpynn.nn.network`: the dense network, forward and backward passes.
- :mod:`~sknumpynn.nn.forward`: the chunked forward pass used for prediction.
- :mod:`~sknumpynn.nn.workspace`: the preallocated per-batch buffers.
- :mod:`~sknumpynn.nn.regularizers`: the L2 and L1 weight penalties.
- :mod:`~sknumpynn.nn.dropout`: inverted dropout masks.
- :mod:`~sknumpynn.nn.optimizers`: SGD (momentum, Nesterov), Adam, AdamW,
  RMSprop and Adagrad on a flat parameter vector.
- :mod:`~sknumpynn.nn.schedules`: cosine, step, warmup and plateau
  learning-rate schedules.
"""

from sknumpynn.nn.dropout import Dropout
from sknumpynn.nn.forward import forward_pass
from sknumpynn.nn.init import glorot_uniform
from sknumpynn.nn.losses import Loss
from sknumpynn.nn.network import Network
from sknumpynn.nn.optimizers import SGD, Adagrad, Adam, AdamW, RMSprop
from sknumpynn.nn.schedules import (
    CosineAnnealing,
    EpochSchedule,
    LinearWarmup,
    ReduceLROnPlateau,
    StepDecay,
)
from sknumpynn.nn.workspace import Workspace

__all__ = [
    "SGD",
    "Adagrad",
    "Adam",
    "AdamW",
    "CosineAnnealing",
    "Dropout",
    "EpochSchedule",
    "LinearWarmup",
    "Loss",
    "Network",
    "RMSprop",
    "ReduceLROnPlateau",
    "StepDecay",
    "Workspace",
    "forward_pass",
    "glorot_uniform",
]
