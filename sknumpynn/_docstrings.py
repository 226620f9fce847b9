"""Docstring sections shared by the two estimators (numpydoc format)."""

HIDDEN_PARAMETERS = """\
    hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(100,)
        The ith element represents the number of neurons in the ith hidden
        layer.

    activation : {'identity', 'logistic', 'tanh', 'relu'}, default='relu'
        Activation function for the hidden layers: ``f(x) = x``,
        ``1 / (1 + exp(-x))``, ``tanh(x)`` or ``max(0, x)``.
"""

COMMON_PARAMETERS = """\
    solver : {'lbfgs', 'sgd', 'adam'}, default='adam'
        The solver for weight optimization: 'lbfgs' (quasi-Newton, full batch,
        through :func:`scipy.optimize.minimize`), 'sgd' (stochastic gradient
        descent with momentum) or 'adam' (Kingma & Ba). 'lbfgs' suits small
        datasets; 'adam' is robust on larger ones.

    alpha : float, default=0.0001
        Strength of the L2 penalty :math:`\\frac{\\alpha}{2 \\sum_i s_i}
        \\sum_l \\|W_l\\|^2` (divided by the total sample weight of the batch).

    batch_size : int or 'auto', default='auto'
        Size of minibatches for the stochastic solvers; 'auto' means
        ``min(200, n_samples)``. Unused by 'lbfgs'.

    learning_rate : {'constant', 'invscaling', 'adaptive'}, default='constant'
        Learning-rate schedule of 'sgd': constant ``learning_rate_init``;
        ``learning_rate_init / (t + 1) ** power_t`` with ``t`` the samples seen;
        or divided by 5 whenever ``n_iter_no_change`` epochs pass without
        improving by ``tol``.

    learning_rate_init : float, default=0.001
        The initial learning rate of 'sgd' and 'adam'.

    power_t : float, default=0.5
        Exponent of the 'invscaling' schedule.

    max_iter : int, default=200
        Maximum number of epochs of the stochastic solvers, or of iterations of
        'lbfgs'.

    shuffle : bool, default=True
        Whether to shuffle samples in each epoch ('sgd' and 'adam').

    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, the early-stopping split and batch
        shuffling. Pass an int for reproducible results.

    tol : float, default=1e-4
        Training stops when the loss (or validation score) does not improve by
        at least ``tol`` for ``n_iter_no_change`` consecutive epochs.

    verbose : bool, default=False
        Whether to print progress messages to stdout.

    warm_start : bool, default=False
        Reuse the weights of the previous call to fit as initialization.

    momentum : float, default=0.9
        Momentum of 'sgd', in [0, 1].

    nesterovs_momentum : bool, default=True
        Whether 'sgd' uses Nesterov's momentum.

    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training data (stratified for
        single-output classification), stop when its score stalls, and restore
        the weights of the best validation score.

    validation_fraction : float, default=0.1
        Proportion of training data held out for early stopping.

    beta_1 : float, default=0.9
        Decay rate of Adam's first-moment estimate, in [0, 1).

    beta_2 : float, default=0.999
        Decay rate of Adam's second-moment estimate, in [0, 1).

    epsilon : float, default=1e-8
        Numerical stability constant of Adam.

    n_iter_no_change : int, default=10
        Number of epochs without improvement by ``tol`` before stopping.

    max_fun : int, default=15000
        Maximum number of loss evaluations of 'lbfgs'.

    dtype : {'auto', 'float32', 'float64'}, default='auto'
        Precision of the weights and of all training and prediction
        arithmetic. float32 halves memory traffic and runs matrix products
        about twice as fast, with no measurable loss of accuracy for MLPs;
        float64 input is converted once, during validation. 'auto' trains the
        stochastic solvers ('sgd', 'adam') in float32 on 10,000 rows or more,
        where speed matters, and otherwise follows scikit-learn (float32 input
        in float32, anything else in float64), so small problems and 'lbfgs'
        reproduce scikit-learn's MLP to rounding error. Warm starts and
        ``partial_fit`` keep the dtype of the first fit. Not a scikit-learn
        parameter.

    dropout : float or array-like of shape (n_layers - 2,), default=0.0
        Inverted dropout (Srivastava et al., 2014) for the stochastic solvers:
        during training each hidden unit is zeroed with this probability (one
        value for all hidden layers, or one per layer) and the kept ones are
        scaled by ``1 / (1 - dropout)``; prediction uses the whole network.
        Ignored by 'lbfgs'. Not a scikit-learn parameter.
"""

COMMON_ATTRIBUTES = """\
    loss_ : float
        The loss after the last epoch (or L-BFGS iteration), L2 penalty
        included.

    best_loss_ : float or None
        The minimum training loss reached; None with early stopping.

    loss_curve_ : list of float
        The loss after each epoch ('sgd', 'adam') or each L-BFGS iteration.

    validation_scores_ : list of float or None
        Validation score after each epoch with early stopping, else None.

    best_validation_score_ : float or None
        Best validation score with early stopping, else None.

    t_ : int
        Number of training samples seen by the stochastic solvers.

    coefs_ : list of ndarray
        ``coefs_[i]`` holds the weights from layer ``i`` to layer ``i + 1``,
        of the training ``dtype``; all weights and biases are views into one
        flat parameter vector.

    intercepts_ : list of ndarray
        ``intercepts_[i]`` holds the biases of layer ``i + 1``.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during fit, when X has string column names.

    n_iter_ : int
        Number of epochs (or L-BFGS iterations) run by the last call.

    n_layers_ : int
        Number of layers, input and output included.

    n_outputs_ : int
        Number of outputs.
"""
