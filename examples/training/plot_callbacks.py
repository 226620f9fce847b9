"""
Callbacks and progress
======================

A callback is any object with ``on_train_begin(estimator)``,
``on_epoch_end(estimator, logs)`` and ``on_train_end(estimator)``; subclass
:class:`~sknumpynn.callbacks.Callback` and override the hooks you need.
``logs`` is the epoch's entry of ``history_`` (loss, validation loss and
score, learning rate, seconds), and the estimator's ``coefs_`` are live views
of the weights, so a hook can predict, measure or record anything. A callback
stops training by *returning* True, never by raising.

This page shows the progress output, a callback that records the weights'
size per layer, one that stops at a target score, and
:class:`~sknumpynn.callbacks.TerminateOnNaN`.
"""

import io
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.preprocessing import StandardScaler

from sknumpynn import NumpyMLPClassifier
from sknumpynn.callbacks import Callback, ProgressBar, TerminateOnNaN

X, y = load_digits(return_X_y=True)
X = StandardScaler().fit_transform(X)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)

# %%
# Progress
# --------
# ``verbose=True`` draws a tqdm progress bar when tqdm is installed and prints
# one line per epoch otherwise, as scikit-learn's MLP does; ``verbose=2``
# always prints the lines.
model = NumpyMLPClassifier(max_iter=5, verbose=2, random_state=0).fit(X_train, y_train)

# %%
# The :class:`~sknumpynn.callbacks.ProgressBar` callback draws the bar with the
# loss and the validation entries. It writes to stderr by default; here it
# writes to a buffer and we print the finished bar.
screen = io.StringIO()
model = NumpyMLPClassifier(
    max_iter=30,
    early_stopping=True,
    callbacks=[ProgressBar(file=screen)],
    random_state=0,
).fit(X_train, y_train)
print(screen.getvalue().split("\r")[-1].strip())


# %%
# Recording: the size of the weights per layer
# --------------------------------------------
# Anything computed from the estimator can go into ``logs``; it then appears in
# ``history_``.
class WeightNorms(Callback):
    """Adds each layer's weight norm to the epoch's history entry."""

    def on_epoch_end(self, estimator, logs):
        logs["weight_norms"] = [float(np.linalg.norm(W)) for W in estimator.coefs_]


fig, ax = plt.subplots(figsize=(7, 3.5))
for alpha in (1e-4, 1.0):
    model = NumpyMLPClassifier(
        hidden_layer_sizes=(64, 64),
        alpha=alpha,
        max_iter=60,
        n_iter_no_change=np.inf,
        callbacks=[WeightNorms()],
        random_state=0,
    ).fit(X_train, y_train)
    norms = np.array([h["weight_norms"] for h in model.history_])
    for layer, style in zip(range(norms.shape[1]), ("-", "--", ":")):
        ax.plot(norms[:, layer], style, label=f"alpha={alpha}, layer {layer + 1}")
ax.set(xlabel="epoch", ylabel="Frobenius norm", title="weights per layer")
ax.legend(fontsize="small", ncol=2)
fig.tight_layout()
plt.show()


# %%
# Stopping: a target validation score
# -----------------------------------
# Return True from ``on_epoch_end`` to stop after this epoch.
class StopAtScore(Callback):
    """Stop as soon as the validation score reaches ``target``."""

    def __init__(self, target):
        self.target = target

    def on_epoch_end(self, estimator, logs):
        return logs["val_score"] >= self.target


model = NumpyMLPClassifier(
    early_stopping=True,
    n_iter_no_change=np.inf,
    max_iter=200,
    callbacks=[StopAtScore(0.97)],
    random_state=0,
).fit(X_train, y_train)
print(
    f"stopped after {model.n_iter_} epochs at validation accuracy "
    f"{model.validation_scores_[-1]:.3f}; "
    f"test accuracy {model.score(X_test, y_test):.3f}"
)

# %%
# Callbacks in a grid search
# --------------------------
# ``clone`` deep-copies the callbacks with their estimator, so the candidates
# and folds of a search never share a callback's state, and the instance you
# passed is left untouched.
stopper = StopAtScore(0.95)
search = GridSearchCV(
    NumpyMLPClassifier(
        early_stopping=True,
        n_iter_no_change=np.inf,
        max_iter=60,
        callbacks=[stopper],
        random_state=0,
    ),
    {"alpha": [1e-4, 1e-1]},
    cv=3,
).fit(X_train, y_train)
print("epochs of the refitted best model:", search.best_estimator_.n_iter_)
print(
    "the callback we passed is the one in the search's estimator:",
    search.estimator.callbacks[0] is stopper,
)
print(
    "... but not the refitted model's:", search.best_estimator_.callbacks[0] is stopper
)

# %%
# Guarding against divergence
# ---------------------------
# A learning rate far too large makes the weights overflow. Training already
# stops by itself at the first non-finite training loss, restoring the last
# finite weights with a warning; :class:`~sknumpynn.callbacks.TerminateOnNaN`
# also catches a non-finite validation loss or weights that overflowed while
# the loss still looked finite.
guard = TerminateOnNaN()
model = NumpyMLPClassifier(
    solver="sgd",
    learning_rate_init=50.0,
    momentum=0.99,
    max_iter=50,
    early_stopping=True,
    callbacks=[guard],
    random_state=0,
)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    model.fit(X_train, y_train)
for warning in caught:
    print(f"{warning.category.__name__}: {warning.message}")
print(f"epochs run: {model.n_iter_}; TerminateOnNaN stopped at: {guard.stopped_epoch_}")
print("predictions finite:", bool(np.isfinite(model.predict_proba(X_test)).all()))
