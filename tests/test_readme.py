"""The README's Quickstart runs as written."""

import re
from pathlib import Path

import pytest

README = Path(__file__).parents[1] / "README.md"


def python_blocks_after(heading):
    text = README.read_text(encoding="utf-8")
    section = text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, re.S)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_quickstart_runs(capsys):
    (block,) = python_blocks_after("Quickstart")
    assert "NumpyMLPClassifier" in block and "GridSearchCV" in block
    exec(compile(block, "README.md:Quickstart", "exec"), {})
    out = capsys.readouterr().out.splitlines()
    assert float(out[0]) > 0.95  # cross_val_score mean on breast cancer
    assert "numpymlpclassifier__alpha" in out[1]
