"""
Saving and loading models safely with skops
===========================================

``pickle`` and ``joblib`` work for sknumpynn models as for any scikit-learn
estimator, but loading a pickle runs whatever code the file asks for: never
unpickle a file you did not write. `skops <https://skops.readthedocs.io>`_
stores models in a format that builds only the types you trust.
:func:`sknumpynn.persistence.dump` and :func:`sknumpynn.persistence.load`
wrap it and trust skops' defaults plus
:func:`sknumpynn.persistence.trusted_types`, the types a fitted sknumpynn
model holds. Install the extra with ``pip install "sknumpynn[persist]"``.
"""

import pickle
import tempfile
import warnings
from pathlib import Path

import numpy as np
import skops.io
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from sknumpynn import NumpyMLPClassifier
from sknumpynn.datasets import load_heart
from sknumpynn.persistence import dump, load, trusted_types

X, y = load_heart(return_X_y=True)
model = Pipeline(
    [
        ("scale", StandardScaler()),
        ("mlp", NumpyMLPClassifier(alpha=3.0, random_state=0)),
    ]
).fit(X, y)
folder = Path(tempfile.mkdtemp())

# %%
# Save and load
# -------------
# The whole pipeline goes into one file; the loaded copy predicts the same.
dump(model, folder / "heart.skops")
restored = load(folder / "heart.skops")
print(restored)
print(
    "same probabilities:",
    np.array_equal(restored.predict_proba(X), model.predict_proba(X)),
)

# %%
# What a file asks to build
# -------------------------
# ``skops.io.get_untrusted_types`` lists the types in a file that skops does
# not trust by default. For our model they are exactly sknumpynn's own, which
# :func:`~sknumpynn.persistence.load` adds to the trusted list:
untrusted = skops.io.get_untrusted_types(file=folder / "heart.skops")
print(untrusted)
print("all in trusted_types():", set(untrusted) <= set(trusted_types()))


# %%
# A type nobody vouched for
# -------------------------
# A pipeline holding your own function (here a log transform) saves fine, but
# loading it names the function and refuses, until you pass it in ``trusted``
# after checking it.
def log1p_features(X):
    return np.log1p(np.abs(X))


custom = Pipeline(
    [
        ("log", FunctionTransformer(log1p_features)),
        ("scale", StandardScaler()),
        ("mlp", NumpyMLPClassifier(max_iter=50, random_state=0)),
    ]
).fit(X.astype(float), y)
dump(custom, folder / "custom.skops")
try:
    load(folder / "custom.skops")
except skops.io.exceptions.UntrustedTypesFoundException as exc:
    print(f"refused: {exc}")
extra = skops.io.get_untrusted_types(file=folder / "custom.skops")
extra = [name for name in extra if name not in trusted_types()]
print("loaded after review:", load(folder / "custom.skops", trusted=extra)[-1])

# %%
# Pickles from another version
# ----------------------------
# A plain pickle still works. Unpickling a model written by another sknumpynn
# version warns, as scikit-learn does for its own estimators
# (``InconsistentVersionWarning``); here the versions match, so nothing warns.
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    again = pickle.loads(pickle.dumps(model))
print("warnings:", [str(w.message) for w in caught] or "none")
