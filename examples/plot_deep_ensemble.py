"""
A deep ensemble in one fit
==========================

:class:`~sknumpynn.ensemble.DeepEnsembleClassifier` trains ``n_estimators``
copies of one of our MLPs, each from its own random initial weights, as one
stacked network, and predicts the mean of their probabilities. When the
member has ``early_stopping=True``, the ensemble holds out one validation
split, scores the *members' mean* on it every epoch, and stops every member
together at the ensemble's best epoch (TabM's rule, Gorishniy et al. 2025).

This example compares the 8 members with their ensemble on held-out breast
cancer data, and what the ensemble costs against one member and against 8
separate fits (scikit-learn's ``VotingClassifier`` over 8 of our MLPs). Run
``python examples/plot_deep_ensemble.py`` (``--quick`` for a few-second run).
"""

# %%
# Data and member
# ---------------
import sys
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import VotingClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import log_loss
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sknumpynn import NumpyMLPClassifier
from sknumpynn.ensemble import DeepEnsembleClassifier

quick = "--quick" in sys.argv
warnings.simplefilter("ignore", ConvergenceWarning)
X, y = load_breast_cancer(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, test_size=0.5, stratify=y, random_state=0
)
scaler = StandardScaler().fit(X_train)
X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
member = NumpyMLPClassifier(
    hidden_layer_sizes=(32,),
    learning_rate_init=0.01,
    early_stopping=True,
    monitor="val_loss",
    validation_fraction=0.2,
    max_iter=20 if quick else 300,
)
K = 8

# %%
# One fit, eight members
# ----------------------
# ``share_batches=True``: every member steps through one batch order, so each
# mini-batch is gathered once and the first layers of the eight members are
# one batched product.
seconds = {}
start = time.perf_counter()
ensemble = DeepEnsembleClassifier(
    member, n_estimators=K, share_batches=True, random_state=0
).fit(X_train, y_train)
seconds[f"ensemble of {K}"] = time.perf_counter() - start
start = time.perf_counter()
clone(member).set_params(random_state=0).fit(X_train, y_train)
seconds["one member"] = time.perf_counter() - start
voting = VotingClassifier(
    [(f"m{k}", clone(member).set_params(random_state=k)) for k in range(K)],
    voting="soft",
)
start = time.perf_counter()
voting.fit(X_train, y_train)
seconds[f"{K} separate fits"] = time.perf_counter() - start
print(
    f"stopped together after {ensemble.n_iter_} epochs, kept epoch "
    f"{ensemble.best_epoch_} (the lowest validation log-loss of the mean, "
    f"{min(ensemble.validation_loss_curve_):.4f})"
)
for name, value in seconds.items():
    print(f"{name}: {value:.2f} s")

# %%
# Members against their mean
# --------------------------
# The log-loss of a mean of probabilities is never above the members' average
# log-loss (the log-loss is convex in the probabilities); how close it comes
# to the best member, or beyond, depends on how much the members differ.
members = [log_loss(y_test, m.predict_proba(X_test)) for m in ensemble.estimators_]
mean_loss = log_loss(y_test, ensemble.predict_proba(X_test))
accuracy = [m.score(X_test, y_test) for m in ensemble.estimators_]
print(f"members' test log-loss {np.min(members):.4f} to {np.max(members):.4f}")
print(f"ensemble's test log-loss {mean_loss:.4f}")
print(
    f"test accuracy: members {np.mean(accuracy):.4f} on average, "
    f"ensemble {ensemble.score(X_test, y_test):.4f}"
)

fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.6))
left.bar(range(1, K + 1), members, color="tab:gray", label="each member")
left.axhline(mean_loss, color="tab:blue", linewidth=2, label="the ensemble")
left.set_ylim(0.9 * min(members + [mean_loss]), 1.05 * max(members))
left.set_xlabel("member")
left.set_ylabel("test log-loss (lower is better)")
left.set_title("Breast cancer, held-out half")
left.legend(loc="lower right")
names = list(seconds)
right.barh(
    names, [seconds[n] for n in names], color=["tab:blue", "tab:gray", "tab:red"]
)
right.set_xlabel("fit seconds")
right.set_title("What it costs")
fig.tight_layout()
plt.show()
