"""What scikit-learn's MLP cannot do: dropout, schedules, callbacks, history, plots.

Run ``python examples/training_features.py`` (about a minute; ``--quick`` for
a few seconds). It trains a classifier on scikit-learn's 8x8 digits with
dropout, a cosine learning-rate schedule, early stopping on the validation
loss, a callback that records the test accuracy after every epoch, and a
progress bar when tqdm is installed; then prints the history and saves the
loss curves to ``training_features.png`` (with matplotlib installed).
"""

import sys

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknumpynn import NumpyMLPClassifier
from sknumpynn.callbacks import Callback, EarlyStopping

quick = "--quick" in sys.argv
X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)


class TestAccuracy(Callback):
    """Adds the held-out accuracy to each epoch's history entry."""

    def on_epoch_end(self, estimator, logs):
        # Inside a pipeline the estimator sees scaled inputs: scale ours too.
        logs["test_accuracy"] = estimator.score(scaler.transform(X_test), y_test)


callbacks = [TestAccuracy(), EarlyStopping(monitor="val_loss", patience=15)]
try:
    from sknumpynn.callbacks import ProgressBar

    callbacks.append(ProgressBar())
except ImportError:  # tqdm not installed: no bar
    pass

scaler = StandardScaler().fit(X_train)
model = make_pipeline(
    scaler,
    NumpyMLPClassifier(
        hidden_layer_sizes=(256, 128),
        activation="gelu",
        dropout=0.3,
        learning_rate="cosine",
        learning_rate_init=3e-3,
        max_iter=10 if quick else 150,
        early_stopping=True,  # records val_loss and val_score every epoch
        n_iter_no_change=np.inf,  # ... and leaves stopping to the callback
        random_state=0,
        callbacks=callbacks,
    ),
)
model.fit(X_train, y_train)
mlp = model[-1]

print(" epoch      loss  val_loss  val_score  test_acc  learning_rate")
for h in mlp.history_[:: max(1, len(mlp.history_) // 10)] + mlp.history_[-1:]:
    print(
        f"{h['epoch']:6d}  {h['loss']:8.4f}  {h['val_loss']:8.4f}  "
        f"{h['val_score']:9.4f}  {h['test_accuracy']:8.4f}  {h['learning_rate']:.2e}"
    )
stopper = mlp.callbacks[1]
print(
    f"stopped after {mlp.n_iter_} epochs; kept epoch {stopper.best_epoch_} "
    f"(lowest validation loss {stopper.best_:.4f}); "
    f"test accuracy {model.score(X_test, y_test):.4f}"
)

try:
    import matplotlib

    matplotlib.use("Agg")
    from sknumpynn.plotting import LossCurveDisplay

    display = LossCurveDisplay.from_estimator(model)
    display.figure_.savefig("training_features.png", dpi=100)
    print("loss curves saved to training_features.png")
except ImportError:
    print("matplotlib is not installed: no figure")
