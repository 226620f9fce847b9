"""Docstring sections shared by the two estimators (numpydoc format)."""

HIDDEN_PARAMETERS = """\
    hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(100,)
        The ith element represents the number of neurons in the ith hidden
        layer.

    activation : str or list of str, default='relu'
        Activation function for the hidden layers, or one per hidden layer
        (a list as long as ``hidden_layer_sizes``):

        - 'identity', 'logistic', 'tanh', 'relu' (scikit-learn's):
          ``x``, ``1 / (1 + exp(-x))``, ``tanh(x)``, ``max(0, x)``;
        - 'leaky_relu': ``max(x, 0.01 x)``;
        - 'elu': ``x`` if ``x > 0`` else ``exp(x) - 1``;
        - 'gelu': ``x * Phi(x)``, ``Phi`` the standard normal CDF (exact form).

        The extra activations and the list form are not in scikit-learn.
"""

COMMON_PARAMETERS = """\
    solver : {'lbfgs', 'sgd', 'adam', 'rmsprop', 'adagrad', 'adamw'}, \
            default='adam'
        The solver for weight optimization: 'lbfgs' (quasi-Newton, full batch,
        through :func:`scipy.optimize.minimize`), 'sgd' (stochastic gradient
        descent with momentum) or 'adam' (Kingma & Ba), as in scikit-learn;
        and 'rmsprop' (decay ``rho``), 'adagrad' and 'adamw' (Adam with
        decoupled ``weight_decay``). 'lbfgs' suits small datasets; 'adam' is
        robust on larger ones. The update rules are in
        :mod:`sknumpynn.nn.optimizers`.

    alpha : float, default=0.0001
        Strength of the L2 penalty :math:`\\frac{\\alpha}{2 \\sum_i s_i}
        \\sum_l \\|W_l\\|^2` (divided by the total sample weight of the batch).

    batch_size : int or 'auto', default='auto'
        Size of minibatches for the stochastic solvers; 'auto' means
        ``min(200, n_samples)``. Unused by 'lbfgs'.

    learning_rate : {'constant', 'invscaling', 'adaptive', 'cosine', 'step', \
            'warmup', 'plateau'} or schedule, default='constant'
        Learning-rate schedule. As in scikit-learn, 'invscaling'
        (``learning_rate_init / (t + 1) ** power_t``, ``t`` the samples seen)
        and 'adaptive' (divide by 5 whenever ``n_iter_no_change`` epochs pass
        without improving by ``tol``) apply to 'sgd' only, and 'constant'
        keeps ``learning_rate_init``. 'cosine' (anneal to 0 over ``max_iter``
        epochs) and 'step' (divide by 10 every ``max_iter // 3`` epochs) apply
        to every stochastic solver; pass a
        :class:`~sknumpynn.nn.schedules.CosineAnnealing` or
        :class:`~sknumpynn.nn.schedules.StepDecay` instance to set their
        parameters. 'warmup' (linear warmup over 5 epochs from a tenth of
        ``learning_rate_init``) and 'plateau' (divide by 10 after 10 epochs
        without improvement of the loss, or of what ``monitor`` names) apply
        to every stochastic solver too;
        :class:`~sknumpynn.nn.schedules.LinearWarmup` and
        :class:`~sknumpynn.nn.schedules.ReduceLROnPlateau` instances set
        their parameters and compose with the others (``after=``,
        ``base=``). 'cosine', 'step', 'warmup' and 'plateau' are not in
        scikit-learn.

    learning_rate_init : float, default=0.001
        The initial learning rate of the stochastic solvers.

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

    verbose : bool or int, default=False
        Progress output: ``True`` (1) draws a progress bar with the loss when
        tqdm is installed (``pip install 'sknumpynn[progress]'``), and
        otherwise prints one line per epoch to stdout, as scikit-learn does;
        2 always prints the lines.

    warm_start : bool, default=False
        Reuse the weights of the previous call to fit as initialization.

    momentum : float, default=0.9
        Momentum of 'sgd', in [0, 1].

    nesterovs_momentum : bool, default=True
        Whether 'sgd' uses Nesterov's momentum.

    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the training data (stratified for
        single-output classification), record its loss and score after every
        epoch (``validation_loss_curve_``, ``validation_scores_``), stop when
        the one named by ``monitor`` stalls, and restore the weights of its
        best epoch. With ``n_iter_no_change=np.inf`` it only records.

    validation_fraction : float, default=0.1
        Proportion of training data held out for early stopping.

    beta_1 : float, default=0.9
        Decay rate of Adam's first-moment estimate, in [0, 1).

    beta_2 : float, default=0.999
        Decay rate of Adam's second-moment estimate, in [0, 1).

    epsilon : float, default=1e-8
        Numerical stability constant of Adam, AdamW, RMSprop and Adagrad.

    n_iter_no_change : int, default=10
        Number of epochs without improvement by ``tol`` before stopping.

    max_fun : int, default=15000
        Maximum number of loss evaluations of 'lbfgs'.

    dtype : {'auto', 'float32', 'float64'} or NumPy float type, default='auto'
        Precision of the weights and of all training and prediction
        arithmetic. float32 halves memory traffic and runs matrix products
        about twice as fast, with no measurable loss of accuracy for MLPs;
        float64 input is converted once, during validation. 'auto' trains the
        stochastic solvers ('sgd', 'adam') in float32 on 10,000 rows or more,
        where speed matters, and otherwise follows scikit-learn (float32 input
        in float32, anything else in float64), so small problems and 'lbfgs'
        reproduce scikit-learn's MLP to rounding error. Warm starts and
        ``partial_fit`` keep the dtype of the first fit. The NumPy spellings
        ``np.float32`` and ``np.dtype('float32')`` (and their float64
        counterparts) mean the same as the strings. Not a scikit-learn
        parameter.

    dropout : float or array-like of shape (n_layers - 2,), default=0.0
        Inverted dropout (Srivastava et al., 2014) for the stochastic solvers:
        during training each hidden unit is zeroed with this probability (one
        value for all hidden layers, or one per layer) and the kept ones are
        scaled by ``1 / (1 - dropout)``; prediction uses the whole network.
        Ignored by 'lbfgs'. Not a scikit-learn parameter.

    l1 : float, default=0.0
        Strength of an L1 penalty :math:`\\frac{l_1}{\\sum_i s_i}
        \\sum_l \\|W_l\\|_1` on the weights, beside ``alpha``'s L2 term; it
        drives weights of useless inputs towards exactly zero. Not a
        scikit-learn parameter.

    weight_decay : float, default=0.01
        Decoupled weight decay of 'adamw': each step multiplies the weights
        (not the biases) by ``1 - learning_rate * weight_decay``. Unused by
        the other solvers. Not a scikit-learn parameter.

    rho : float, default=0.9
        Decay of the squared-gradient average of 'rmsprop', in [0, 1). Not a
        scikit-learn parameter.

    monitor : {'val_score', 'val_loss'}, default='val_score'
        What ``early_stopping`` watches and whose best epoch it restores: the
        validation score (scikit-learn's behaviour) or the validation loss.
        Not a scikit-learn parameter.

    scoring : str, callable or None, default=None
        The validation score of early stopping, HistGradientBoosting's
        parameter: a scorer name (``'roc_auc'``, ``'neg_log_loss'``,
        ``'neg_mean_absolute_error'``, ...) or a callable
        ``scorer(estimator, X, y)``; None is the estimator's ``score``
        (accuracy or R^2, scikit-learn's rule). It fills
        ``validation_scores_``, ``best_validation_score_`` and ``history_``'s
        ``'val_score'``, and with ``monitor='val_score'`` picks the best
        epoch (greater is better). Only used with early stopping. Not a
        scikit-learn MLP parameter.

    callbacks : list of Callback, default=None
        Objects whose ``on_train_begin``, ``on_epoch_end`` and
        ``on_train_end`` hooks are called during training; ``on_epoch_end``
        receives the epoch's ``history_`` entry and stops training by
        returning True. See :mod:`sknumpynn.callbacks` (``ProgressBar``,
        ``EarlyStopping``, ``TerminateOnNaN``). On scikit-learn >= 1.9,
        scikit-learn's own callbacks are set with ``set_callbacks`` instead
        and see one task per epoch. Not a scikit-learn parameter.

    transform_layer : int, default=-1
        The hidden layer whose activations ``transform`` returns, indexed
        as ``hidden_layer_sizes`` (negative values count from the end; -1 is
        the last hidden layer). Not a scikit-learn parameter.
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

    validation_loss_curve_ : list of float or None
        Validation loss (without weight penalties) after each epoch with
        early stopping, else None. Not in scikit-learn.

    best_validation_loss_ : float or None
        Lowest validation loss with early stopping, else None. Not in
        scikit-learn.

    history_ : list of dict
        One dict per epoch (or L-BFGS iteration), accumulated over warm starts
        and ``partial_fit`` calls, with keys ``'epoch'``, ``'loss'``,
        ``'val_loss'``, ``'val_score'`` (None without early stopping),
        ``'learning_rate'`` (the base rate used; None for 'lbfgs') and
        ``'seconds'``. Not in scikit-learn.

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

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string column names.

    n_iter_ : int
        Number of epochs (or L-BFGS iterations) run by the last call.

    n_layers_ : int
        Number of layers, input and output included.

    n_outputs_ : int
        Number of outputs.
"""


#: Parameter descriptions repeated across methods and functions, by name.
FRAGMENTS = {
    "X": """\
X : {array-like, sparse matrix} of shape (n_samples, n_features)
    The input data.""",
    "fit_data": """\
X : {array-like, sparse matrix} of shape (n_samples, n_features)
    The input data.

y : array-like of shape (n_samples,) or (n_samples, n_outputs)
    The target values.

sample_weight : array-like of shape (n_samples,), default=None
    Non-negative sample weights, not all zero.""",
    "validation_data": """\
X_val : {array-like, sparse matrix} of shape (n_val, n_features), default=None
    Validation rows for early stopping, used instead of the
    ``validation_fraction`` split (every row of ``X`` is then trained on):
    their loss and score after each epoch go to ``validation_loss_curve_``,
    ``validation_scores_`` and ``history_``, ``monitor`` follows them and
    the best epoch's weights are restored. Requires ``early_stopping=True``
    and a stochastic solver. In a ``Pipeline``, ``X_val`` is transformed as
    ``X`` is with ``Pipeline(..., transform_input=["X_val"])`` (scikit-learn
    >= 1.6, metadata routing on). HistGradientBoosting's parameter; not in
    scikit-learn's MLP.

y_val : array-like of shape (n_val,) or (n_val, n_outputs), default=None
    Targets of ``X_val``, of the same kind as ``y``.

sample_weight_val : array-like of shape (n_val,), default=None
    Weights of the validation rows (``class_weight`` is not applied to
    them).""",
    "loader": """\
return_X_y : bool, default=False
    Return ``(data, target)`` instead of a Bunch.
as_frame : bool, default=False
    Return pandas objects (requires pandas).""",
    "loader_returns": """\
Returns
-------
data : :class:`~sklearn.utils.Bunch`""",
    "optimizer": """\
n_params : int or tuple of int
    Size of the parameter vector (with a model axis: its shape).
dtype : dtype
    Dtype of the parameters.""",
}


def fill_doc(obj):
    """Replace each ``{name}`` line of ``obj``'s docstring by its fragment.

    A fragment takes the indentation of the line it replaces.

    Parameters
    ----------
    obj : function or class

    Returns
    -------
    obj
    """
    lines = []
    for line in obj.__doc__.splitlines():
        key = line.strip()[1:-1] if line.strip().startswith("{") else None
        if key in FRAGMENTS:
            indent = line[: len(line) - len(line.lstrip())]
            lines += [
                indent + part if part else "" for part in FRAGMENTS[key].split("\n")
            ]
        else:
            lines.append(line)
    obj.__doc__ = "\n".join(lines)
    return obj
