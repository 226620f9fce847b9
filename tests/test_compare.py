"""Smoke tests of the main job (``--quick``); the examples' are in test_docs.py."""

import json
import os
from pathlib import Path

import pytest

from sknumpynn import compare

HAS_MNIST = (
    bool(os.environ.get("SKNUMPYNN_DATA"))
    and (Path(os.environ.get("SKNUMPYNN_DATA", "")) / "mnist").is_dir()
)


def test_compare_quick_writes_report(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    datasets = ["heart", "boston", "diamonds"] + (["mnist"] if HAS_MNIST else [])
    assert (
        compare.main(["--quick", "--out", str(tmp_path), "--datasets", *datasets]) == 0
    )
    report = json.loads((tmp_path / "results.json").read_text())
    for name in datasets:
        entry = report["results"][name]
        for library in ("sknumpynn", "scikit-learn"):
            assert 0 < entry[library]["fit_seconds"]
            assert entry[library]["mean"] > (0.5 if name != "boston" else 0.3)
    markdown = (tmp_path / "results.md").read_text()
    assert "LogisticRegression" in markdown and "Paired differences" in markdown
    heart = report["results"]["heart"]
    assert set(heart["paired"]) == {"scikit-learn", "LogisticRegression"}
    assert len(heart["sknumpynn"]["scores"]) == heart["sknumpynn"]["n_scores"]
    # Both MLPs train identically in float64 on heart: every fold is a tie.
    assert heart["paired"]["scikit-learn"]["ties"] == heart["sknumpynn"]["n_scores"]
    assert "paired" not in report["results"]["diamonds"]  # a hold-out: no folds
    assert set(report["results"]["heart"]["grid"]) == {"sknumpynn", "scikit-learn"}
    assert (tmp_path / "results.png").stat().st_size > 10_000
    err = capsys.readouterr().err
    assert "heart: sknumpynn" in err  # progress lines


def test_compare_skips_missing_mnist(tmp_path, monkeypatch):
    monkeypatch.delenv("SKNUMPYNN_DATA", raising=False)

    def offline(*args, **kwargs):
        raise OSError("no network")

    import sklearn.datasets

    monkeypatch.setattr(sklearn.datasets, "fetch_openml", offline)
    results = compare.run(["mnist"], quick=True, data_home=str(tmp_path))
    assert "could not be downloaded" in results["mnist"]["skipped"]
