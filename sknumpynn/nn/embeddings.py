r"""Input stages: transforms of the input learned with the network (tabular MLPs).

An input stage maps a batch :math:`X` (``n`` rows, ``D`` columns, the first
``J`` numeric) to the first dense layer's input :math:`A_0`. The one stage
here is RealMLP's (Holzmüller et al., 2024): a periodic numerical embedding
per numeric feature ("PBLD") followed by a learnable per-feature scaling:

.. math::

    U_{njf} &= 2\pi x_{nj} w_{jf} + b_{jf}, \qquad
    E_{nje} = \sum_f \cos(U_{njf}) V_{jfe} + c_{je}, \\
    \tilde A_n &= (x_{n,1..J},\; E_{n,1..J,1..e},\; x_{n,J+1..D}), \qquad
    A_{0,nd} = s_d \tilde A_{nd}.

Its gradients, from :math:`G = \partial L / \partial A_0` (the first dense
layer gives :math:`G = \Delta_1 W_0^\top`):

.. math::

    \partial s_d &= \textstyle\sum_n G_{nd} \tilde A_{nd}, \qquad
    \partial c_{je} = \textstyle\sum_n \bar G_{nje}, \qquad
    \partial V_{jfe} = \textstyle\sum_n \cos(U_{njf}) \bar G_{nje}, \\
    \partial U_{njf} &= -\sin(U_{njf}) \textstyle\sum_e V_{jfe} \bar G_{nje},
    \qquad \partial b_{jf} = \textstyle\sum_n \partial U_{njf}, \qquad
    \partial w_{jf} = 2\pi \textstyle\sum_n x_{nj}\, \partial U_{njf},

with :math:`\bar G_{nje} = s_d G_{nd}` at the embedding's columns :math:`d`.

**Learning-rate factors by reparametrisation.** RealMLP trains the scale with
6 times and the embedding with 0.1 times the base learning rate. Adam's step
is invariant to the gradient's scale, so storing :math:`\theta = c\,u` and
training :math:`u` (gradient :math:`c\,\partial\theta`) moves :math:`\theta` by
:math:`c` times the step: the factors need no optimizer support, and a stack
of such networks is still one flat parameter vector per model.

Every array carries a leading model axis (``k`` models; 1 for one network).
"""

import numpy as np

#: RealMLP's learning-rate factors (pytabkit ``scale_lr_factor``,
#: ``plr_lr_factor``).
SCALE_LR_FACTOR = 6.0
EMBEDDING_LR_FACTOR = 0.1

_TWO_PI = 2.0 * np.pi


class PeriodicScalingStage:
    """PBLD embedding of the first ``n_numeric`` columns, then a scaling layer.

    Parameters
    ----------
    n_features : int
        ``D``, the columns of the input.
    n_numeric : int
        ``J``, the leading columns that are embedded (the rest pass through).
    n_frequencies : int, default=16
        Frequencies per numeric feature (pytabkit ``plr_hidden_1``).
    embedding_dim : int, default=3
        ``e``, learned outputs per numeric feature, besides the feature itself
        (pytabkit ``plr_hidden_2 - 1``).
    frequency_scale : float, default=0.1
        Standard deviation of the initial frequencies :math:`w` (``plr_sigma``).
    scaling : bool, default=True
        Learn the per-feature scale :math:`s` (else :math:`s = 1`, fixed).

    Attributes
    ----------
    n_out : int
        Columns of :math:`A_0`: ``D + J * embedding_dim``.
    n_params : int
        Parameters per model.

    Examples
    --------
    >>> import numpy as np
    >>> stage = PeriodicScalingStage(n_features=3, n_numeric=2)
    >>> params = stage.initialize(np.random.RandomState(0), np.float64)
    >>> stage.n_out, params.shape
    (9, (175,))
    >>> A0, _ = stage.forward(params[None], np.ones((4, 3)))
    >>> A0.shape
    (1, 4, 9)
    """

    def __init__(
        self,
        n_features,
        n_numeric,
        n_frequencies=16,
        embedding_dim=3,
        frequency_scale=0.1,
        scaling=True,
    ):
        self.n_features, self.n_numeric = int(n_features), int(n_numeric)
        self.n_frequencies, self.embedding_dim = int(n_frequencies), int(embedding_dim)
        self.frequency_scale = float(frequency_scale)
        self.scaling = bool(scaling)
        J, F, E = self.n_numeric, self.n_frequencies, self.embedding_dim
        self.n_out = self.n_features + J * E
        # Layout per model: s | w (J, F) | b (J, F) | V (J, F, E) | c (J, E).
        self._shapes = [
            ("scale", (self.n_out,) if self.scaling else (0,)),
            ("w", (J, F)),
            ("b", (J, F)),
            ("V", (J, F, E)),
            ("c", (J, E)),
        ]
        self.n_params = sum(int(np.prod(shape)) for _, shape in self._shapes)

    def __repr__(self):
        return (
            f"PeriodicScalingStage(n_features={self.n_features}, "
            f"n_numeric={self.n_numeric}, n_frequencies={self.n_frequencies}, "
            f"embedding_dim={self.embedding_dim}, scaling={self.scaling})"
        )

    def unpack(self, flat):
        """Views of ``flat`` (``(k, n_params)``) per parameter, trained units.

        Returns
        -------
        dict of str to ndarray
            ``scale, w, b, V, c``, each with the leading model axis.
        """
        views, start, k = {}, 0, flat.shape[0]
        for name, shape in self._shapes:
            size = int(np.prod(shape))
            views[name] = flat[:, start : start + size].reshape((k,) + shape)
            start += size
        return views

    def _actual(self, flat):
        """The parameters in their own units: trained units times the factors."""
        u = self.unpack(flat)
        return {
            "scale": SCALE_LR_FACTOR * u["scale"] if self.scaling else None,
            **{name: EMBEDDING_LR_FACTOR * u[name] for name in ("w", "b", "V", "c")},
        }

    def initialize(self, rng, dtype):
        """RealMLP's initialisation, in trained units.

        :math:`s = 1`; :math:`w \\sim N(0, \\sigma^2)`,
        :math:`b \\sim U[-\\pi, \\pi]`; :math:`V, c \\sim U[\\pm 1/\\sqrt{F}]`
        (PyTorch's ``nn.Linear`` default).

        Parameters
        ----------
        rng : numpy.random.RandomState
        dtype : dtype

        Returns
        -------
        ndarray of shape (n_params,)
        """
        flat = np.empty((1, self.n_params), dtype=dtype)
        u = self.unpack(flat)
        J, F, E = self.n_numeric, self.n_frequencies, self.embedding_dim
        bound = 1.0 / np.sqrt(F)
        u["scale"][...] = 1.0 / SCALE_LR_FACTOR
        u["w"][...] = rng.normal(0.0, self.frequency_scale, (1, J, F))
        u["b"][...] = rng.uniform(-np.pi, np.pi, (1, J, F))
        u["V"][...] = rng.uniform(-bound, bound, (1, J, F, E))
        u["c"][...] = rng.uniform(-bound, bound, (1, J, E))
        for name in ("w", "b", "V", "c"):
            u[name] /= EMBEDDING_LR_FACTOR
        return flat[0]

    def forward(self, flat, X):
        """:math:`A_0` of every model for the rows ``X``.

        Parameters
        ----------
        flat : ndarray of shape (k, n_params)
        X : ndarray of shape (n_samples, n_features)

        Returns
        -------
        A0 : ndarray of shape (k, n_samples, n_out)
        cache : tuple
            What :meth:`backward` needs.
        """
        p = self._actual(flat)
        k, n, J, E = flat.shape[0], X.shape[0], self.n_numeric, self.embedding_dim
        xs = X[:, :J].T[np.newaxis, :, :, np.newaxis]  # (1, J, n, 1)
        U = _TWO_PI * xs * p["w"][:, :, np.newaxis, :] + p["b"][:, :, np.newaxis, :]
        H = np.cos(U)  # (k, J, n, F)
        emb = np.matmul(H, p["V"]) + p["c"][:, :, np.newaxis, :]  # (k, J, n, E)
        A = np.empty((k, n, self.n_out), dtype=flat.dtype)
        A[..., :J] = X[:, :J]
        A[..., J : J + J * E] = emb.transpose(0, 2, 1, 3).reshape(k, n, J * E)
        A[..., J + J * E :] = X[:, J:]
        if not self.scaling:
            return A, (X, U, H, A)
        return A * p["scale"][:, np.newaxis, :], (X, U, H, A)

    def backward(self, flat, G, cache, grad):
        """Write the gradient (trained units) of every model into ``grad``.

        Parameters
        ----------
        flat : ndarray of shape (k, n_params)
        G : ndarray of shape (k, n_samples, n_out)
            :math:`\\partial L / \\partial A_0`.
        cache : tuple
            From :meth:`forward`.
        grad : ndarray of shape (k, n_params)
            Overwritten.
        """
        X, U, H, A = cache
        p, g = self._actual(flat), self.unpack(grad)
        k, n, J, E = G.shape[0], G.shape[1], self.n_numeric, self.embedding_dim
        if self.scaling:
            np.einsum("knd,knd->kd", G, A, out=g["scale"])
            g["scale"] *= SCALE_LR_FACTOR
            G = G * p["scale"][:, np.newaxis, :]
        GE = G[..., J : J + J * E].reshape(k, n, J, E).transpose(0, 2, 1, 3)
        np.matmul(H.transpose(0, 1, 3, 2), GE, out=g["V"])
        np.sum(GE, axis=2, out=g["c"])
        dU = np.matmul(GE, p["V"].transpose(0, 1, 3, 2))  # (k, J, n, F)
        dU *= -np.sin(U)
        np.sum(dU, axis=2, out=g["b"])
        xs = X[:, :J].T[np.newaxis, :, np.newaxis, :]  # (1, J, 1, n)
        g["w"][...] = _TWO_PI * np.matmul(xs, dU)[:, :, 0, :]
        for name in ("w", "b", "V", "c"):
            g[name] *= EMBEDDING_LR_FACTOR
