"""
Export a NumpyMLPClassifier pipeline to ONNX and serve it with onnxruntime
==========================================================================

``import sknumpynn.onnx`` registers our estimators with skl2onnx, so a fitted
pipeline converts with :func:`skl2onnx.to_onnx` exactly as one ending in
scikit-learn's ``MLPClassifier`` does. The ONNX file then runs in onnxruntime
from Python, C#, Java, JavaScript or a database, without sknumpynn or
scikit-learn. Needs ``pip install 'sknumpynn[onnx]'``; runs in seconds on the
heart-disease data shipped with sknumpynn.
"""

# %%
# Train a pipeline
# ----------------
# A scaler and our MLP on the heart-disease data (303 patients, 13 features).
import tempfile
from pathlib import Path

import numpy as np
import onnxruntime as ort
from skl2onnx import to_onnx
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import sknumpynn.onnx  # noqa: F401  (registers the converters with skl2onnx)
from sknumpynn import NumpyMLPClassifier
from sknumpynn.datasets import load_heart

X, y = load_heart(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
model = make_pipeline(
    StandardScaler(), NumpyMLPClassifier((32,), max_iter=300, random_state=0)
)
model.fit(X_train, y_train)
print(f"test accuracy: {model.score(X_test, y_test):.3f}")

# %%
# Export
# ------
# The sample row fixes the input's type: float64 here, so the graph computes
# in double precision like the model. ``zipmap=False`` returns the
# probabilities as one matrix (ONNX's ZipMap, a list of dicts, takes float32
# only).
onx = to_onnx(model, X_train[:1], options={"zipmap": False})
path = Path(tempfile.mkdtemp()) / "heart_mlp.onnx"
path.write_bytes(onx.SerializeToString())
print("inputs:", [i.name for i in onx.graph.input])
print("outputs:", [o.name for o in onx.graph.output])

# %%
# Load in onnxruntime and predict
# -------------------------------
session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
labels, probabilities = session.run(None, {"X": X_test})
print(labels[:10], probabilities[:3].round(3), sep="\n")

# %%
# Check equality
# --------------
# Same labels, probabilities equal to rounding error.
assert (labels == model.predict(X_test)).all()
difference = np.abs(probabilities - model.predict_proba(X_test)).max()
print(f"largest probability difference: {difference:.1e}")
assert difference < 1e-9
