r"""Inverted dropout masks for the hidden layers (Srivastava et al., 2014).

During training each hidden unit is kept with probability :math:`q = 1 - p`
and its output scaled by :math:`1 / q`, so the expected activation is
unchanged and prediction needs no rescaling. Masks are drawn into
preallocated buffers, batch after batch.
"""

import numpy as np


class Dropout:
    """Draws the per-batch masks of every hidden layer.

    Parameters
    ----------
    rates : sequence of float
        Drop probability :math:`p` of each hidden layer, in [0, 1).
    hidden_units : sequence of int
        Units of each hidden layer.
    batch_size : int
        Largest batch.
    dtype : dtype
    rng : numpy.random.Generator

    Examples
    --------
    >>> import numpy as np
    >>> from sknumpynn.nn import Dropout
    >>> dropout = Dropout([0.5, 0.0], [1000, 4], 10, np.float64,
    ...                   np.random.default_rng(0))
    >>> masks = dropout.masks(10)
    >>> mask, keep = masks[0]
    >>> keep, sorted(set(mask.ravel().tolist())), masks[1] is None
    (0.5, [0.0, 2.0], True)
    """

    def __init__(self, rates, hidden_units, batch_size, dtype, rng):
        self.rates = tuple(float(p) for p in rates)
        self.rng = rng
        self._buffers = [
            np.empty((batch_size, units), dtype=dtype) if p > 0 else None
            for p, units in zip(self.rates, hidden_units)
        ]

    def __repr__(self):
        return f"Dropout(rates={self.rates})"

    @property
    def active(self):
        """Whether any layer drops units."""
        return any(p > 0 for p in self.rates)

    def masks(self, n_samples):
        """Fresh masks for a batch: per hidden layer None or ``(m / q, q)``.

        Parameters
        ----------
        n_samples : int
            Rows of the batch.

        Returns
        -------
        list
            Per hidden layer, None (no dropout) or ``(mask, keep)``.
        """
        return [
            None if buffer is None else (self.draw(p, buffer[:n_samples]), 1.0 - p)
            for p, buffer in zip(self.batch_rates(), self._buffers)
        ]

    def batch_rates(self):
        """The drop probabilities of the next batch, per hidden layer: the
        constant ``rates`` here; a scheduled dropout changes them (and
        advances) batch by batch.

        Returns
        -------
        tuple of float
        """
        return self.rates

    def draw(self, p, mask):
        r"""Fill ``mask`` with :math:`m / q`, :math:`P(m = 1) = q = 1 - p`.

        Parameters
        ----------
        p : float
            Drop probability.
        mask : ndarray
            Filled in place.

        Returns
        -------
        mask : ndarray
        """
        keep = 1.0 - p
        self.rng.random(dtype=mask.dtype, out=mask)
        np.less(mask, keep, out=mask)
        mask *= 1.0 / keep
        return mask


def stacked_masks(dropouts, buffers, n_samples):
    """One batch's masks for a stack: each model draws its own, in its order.

    Parameters
    ----------
    dropouts : list of Dropout or None
        Each model's dropout (None: the model drops nothing).
    buffers : list of ndarray or None
        Per hidden layer, ``(n_models, batch_size, units)``, or None when no
        model drops units there.
    n_samples : int
        Rows of the batch.

    Returns
    -------
    list
        Per hidden layer None, or ``(mask, keep)`` with per-model ``keep`` of
        shape ``(n_models, 1, 1)``; a model that keeps every unit of a layer
        gets ones (and draws nothing, as its own fit does).
    """
    rates = [None if d is None else d.batch_rates() for d in dropouts]
    masks = []
    for layer, buffer in enumerate(buffers):
        if buffer is None:
            masks.append(None)
            continue
        keep = np.ones((len(dropouts), 1, 1), dtype=buffer.dtype)
        mask = buffer[:, :n_samples]
        for k, dropout in enumerate(dropouts):
            # A layer with a rate draws every batch, as its own fit does.
            if dropout is not None and dropout.rates[layer] > 0:
                p = rates[k][layer]
                dropout.draw(p, mask[k])
                keep[k] = 1.0 - p
            else:
                mask[k] = 1.0
        masks.append((mask, keep))
    return masks


def stack_mask_buffers(dropouts, hidden_units, batch_size, dtype):
    """Per hidden layer a ``(n_models, batch_size, units)`` mask buffer, or
    None where no model drops units; None when no model has dropout.

    Parameters
    ----------
    dropouts : list of Dropout or None
        Each stacked model's dropout.
    hidden_units : sequence of int
    batch_size : int
    dtype : dtype
    """
    if not any(dropouts):
        return None
    rates = np.array([d.rates if d else (0.0,) * len(hidden_units) for d in dropouts])
    shape = (len(dropouts), batch_size)
    return [
        np.empty(shape + (units,), dtype) if rates[:, layer].any() else None
        for layer, units in enumerate(hidden_units)
    ]
