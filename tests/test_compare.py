"""Smoke tests of the main job (``--quick``); the examples' are in test_docs.py."""

import json
import os
from pathlib import Path

import numpy as np
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
        for library in ("sknumpynn", "scikit-learn", "DeepEnsemble"):
            assert 0 < entry[library]["fit_seconds"]
            assert entry[library]["mean"] > (0.5 if name != "boston" else 0.3)
        # TabularMLP's quick run (3 epochs of 16 units) is a smoke test only.
        assert np.isfinite(entry["TabularMLP"]["mean"])
        assert entry["cost"]["DeepEnsemble"] > 0 and entry["cost"]["TabularMLP"] > 0
    markdown = (tmp_path / "results.md").read_text()
    assert "LogisticRegression" in markdown and "Paired differences" in markdown
    assert "Beyond scikit-learn's MLP" in markdown and "| TabularMLP |" in markdown
    heart = report["results"]["heart"]
    assert set(heart["paired"]) == {
        "scikit-learn",
        "LogisticRegression",
        "DeepEnsemble",
        "TabularMLP",
    }
    # Every model was scored on the same folds.
    assert len(heart["TabularMLP"]["scores"]) == heart["sknumpynn"]["n_scores"]
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


def test_compare_models_choose_the_extra_rows():
    results = compare.run(["boston"], quick=True, models=[])
    assert "DeepEnsemble" not in results["boston"] and "cost" not in results["boston"]
    with pytest.raises(ValueError, match="models must be among"):
        compare.run(["boston"], quick=True, models=["Bagging"])


def test_ensemble_row_is_the_compare_member_times_n():
    from sknumpynn.compare.models import ENSEMBLE_SIZE, build
    from sknumpynn.compare.tasks import TASKS

    model = build(TASKS["heart"], "DeepEnsemble", quick=False)
    ensemble = model.steps[-1][1]
    assert ensemble.n_estimators == ENSEMBLE_SIZE == 8
    ours = build(TASKS["heart"], "sknumpynn", quick=False).steps[-1][1]
    assert ensemble.estimator.get_params() == ours.get_params()
    tabular = build(TASKS["diamonds"], "TabularMLP", quick=False)
    assert tabular.categorical_features == [1, 2, 3]
    assert tabular.get_params()["max_iter"] == "auto"  # its defaults
