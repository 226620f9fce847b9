"""
Early stopping on the validation loss, best weights restored
============================================================

scikit-learn's MLP stops early on the validation *score* (accuracy or R²).
sknumpynn can watch the validation *loss* instead (``monitor='val_loss'``),
which moves smoothly even when the score is flat; either way, after stopping
it puts back the weights of the best epoch, not those of the last one.

Here a network far too large for 404 houses of the Boston data, without
L2 penalty, memorises: its training loss keeps falling long after the
validation loss has stopped improving. Training stops 20 epochs after the
validation minimum, and a small callback records the test R² of every epoch so we can
see which epoch's weights the final model holds.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import r2_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sknumpynn import NumpyMLPRegressor
from sknumpynn.callbacks import Callback
from sknumpynn.datasets import load_boston
from sknumpynn.plotting import LossCurveDisplay

X, y = load_boston(return_X_y=True, drop_black=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, random_state=0)
scale_X, scale_y = StandardScaler().fit(X_train), StandardScaler()
X_train, X_test = scale_X.transform(X_train), scale_X.transform(X_test)
y_train = scale_y.fit_transform(y_train[:, None]).ravel()


def test_r2(estimator):
    """R² on the test rows, in dollars (the model predicts a standardised target)."""
    predicted = scale_y.inverse_transform(estimator.predict(X_test)[:, None])
    return r2_score(y_test, predicted.ravel())


class RecordTestR2(Callback):
    """Adds the test R² of the current weights to each epoch's history entry."""

    def on_epoch_end(self, estimator, logs):
        logs["test_r2"] = test_r2(estimator)


# %%
# Stopping on the validation loss
# -------------------------------
# ``early_stopping=True`` holds out ``validation_fraction`` of the training
# rows; ``monitor='val_loss'`` with ``n_iter_no_change=20`` stops when their
# loss has not improved by ``tol`` for 20 epochs.
model = NumpyMLPRegressor(
    hidden_layer_sizes=(256, 256),
    alpha=0.0,
    learning_rate_init=3e-3,
    max_iter=500,
    early_stopping=True,
    validation_fraction=0.2,
    monitor="val_loss",
    n_iter_no_change=20,
    callbacks=[RecordTestR2()],
    random_state=0,
)
model.fit(X_train, y_train)
best_epoch = int(np.argmin(model.validation_loss_curve_)) + 1
history = model.history_
print(f"trained {model.n_iter_} epochs; lowest validation loss at epoch {best_epoch}")
print(f"best_validation_loss_ = {model.best_validation_loss_:.4f}")

# %%
# Which weights did we keep?
# --------------------------
# The fitted model's test R² is the one recorded at the best epoch, not the
# one of the last epoch: the best weights were restored.
print(
    f"test R² recorded at epoch {best_epoch}: {history[best_epoch - 1]['test_r2']:.4f}"
)
print(f"test R² recorded at epoch {model.n_iter_}: {history[-1]['test_r2']:.4f}")
print(f"test R² of the fitted model:  {test_r2(model):.4f}")

# %%
# The curves
# ----------
# The training loss keeps falling; the validation loss (dashed) stops
# improving at the dotted line, the epoch whose weights were restored.
display = LossCurveDisplay.from_estimator(model, name="")
display.ax_.axvline(best_epoch, color="black", linestyle=":")
display.ax_.set_yscale("log")
display.score_ax_.set(ylabel="validation R²", ylim=(0, 1))
display.ax_.legend(handles=list(display.lines_.values()), loc="lower left")
display.figure_.set_size_inches(8, 4)
display.figure_.tight_layout()
plt.show()
