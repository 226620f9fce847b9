"""The pure NumPy neural-network engine behind sknumpynn's estimators.

Nothing here imports scikit-learn: the engine is plain arrays, ``numpy`` and
``scipy.special``, so it can be read, tested and reused on its own.

- :mod:`~sknumpynn.nn.activations`: activation functions and their derivatives.
- :mod:`~sknumpynn.nn.losses`: loss functions paired with output activations.
- :mod:`~sknumpynn.nn.init`: Glorot initialisation.
- :mod:`~sknumpynn.nn.network`: the dense network, forward and backward passes.
- :mod:`~sknumpynn.nn.optimizers`: SGD (momentum, Nesterov) and Adam on a flat
  parameter vector.
"""

from sknumpynn.nn.network import Network, Workspace
from sknumpynn.nn.optimizers import SGD, Adam

__all__ = ["SGD", "Adam", "Network", "Workspace"]
