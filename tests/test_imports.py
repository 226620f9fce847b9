"""`import sknumpynn` pulls in nothing beyond numpy, scipy and scikit-learn."""

import json
import subprocess
import sys

OPTIONAL = [
    "matplotlib",
    "tqdm",
    "dask",
    "distributed",
    "skops",
    "torch",
    "pandas",
    "skl2onnx",
    "onnx",
    "onnxruntime",
]

PROBE = """
import json, sys
before = set(sys.modules)
import sklearn.base, sklearn.model_selection, sklearn.metrics, sklearn.preprocessing
from_sklearn = set(sys.modules)
import sknumpynn, sknumpynn.datasets, sknumpynn.persistence, sknumpynn.compare
ours = set(sys.modules) - from_sklearn
print(json.dumps({"sklearn": sorted(from_sklearn), "ours": sorted(ours)}))
"""


def test_import_pulls_in_no_optional_dependency():
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True
    )
    modules = json.loads(out.stdout)
    roots = {name.split(".")[0] for name in modules["ours"]}
    # Only our own modules (and stdlib bits) are added on top of scikit-learn's
    # imports; scikit-learn itself may import pandas when it is installed.
    assert not roots & set(OPTIONAL), roots & set(OPTIONAL)
    assert "sknumpynn" in roots
