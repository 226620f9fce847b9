"""
Hidden-layer features: a fitted MLP as a transformer
====================================================

``transform(X)`` returns the activations of the last hidden layer (or of the
layer ``transform_layer`` names), so a fitted network can feed another model
in a ``Pipeline``: the request of scikit-learn issue #8291.

Here a network whose last hidden layer has two linear units (``activation``
takes one name per hidden layer) learns the handwritten digits; its two
features, plotted, already separate the classes, and a k-nearest-neighbours
classifier on them scores as well as the network itself.
"""

import matplotlib.pyplot as plt
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknumpynn import NumpyMLPClassifier

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)

mlp = NumpyMLPClassifier(
    hidden_layer_sizes=(64, 2),
    activation=["relu", "identity"],
    max_iter=300,
    learning_rate_init=0.01,
    random_state=0,
)
pipe = make_pipeline(StandardScaler(), mlp, KNeighborsClassifier(n_neighbors=5))
pipe.fit(X_train, y_train)
network = make_pipeline(pipe[0], pipe[1])  # the scaler and the fitted MLP
print(f"MLP accuracy:            {network.score(X_test, y_test):.3f}")
print(f"k-NN on its 2 features:  {pipe.score(X_test, y_test):.3f}")
print("feature names:", network.get_feature_names_out())

# %%
# The two learned features of the test digits
# -------------------------------------------
H = network.transform(X_test)
fig, ax = plt.subplots(figsize=(6, 5))
points = ax.scatter(H[:, 0], H[:, 1], c=y_test, cmap="tab10", s=12)
ax.legend(*points.legend_elements(), title="digit", loc="best", fontsize=8)
ax.set(
    xlabel="hidden unit 0",
    ylabel="hidden unit 1",
    title="NumpyMLPClassifier.transform: last hidden layer",
)
fig.tight_layout()
plt.show()
