"""Mutation testing of the engine and the training path, one module at a time.

Run ``python tests/mutation.py [GROUP ...]`` after ``pip install -e
".[test,mutation]"`` (not in CI; ``--list`` shows the groups). For each group
of modules this copies the package and the tests to ``mutants-runs/<group>/``,
configures `mutmut <https://mutmut.readthedocs.io>`_ to mutate those modules
only and to run only the test files relevant to them, runs it with one worker
at the lowest CPU priority, and prints killed / survived / other counts per
module. Results are cached: a second run only tests new or changed mutants.
Inspect a survivor with ``cd mutants-runs/<group> && mutmut show <name>``.
The score and every surviving mutant are recorded in ``docs/testing.md``.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "mutants-runs"
NN, TRAINING = "sknumpynn/nn/", "sknumpynn/_training/"

#: Slow tests of other code (threads, persistence, joblib workers, the gallery),
#: deselected so that a surviving mutant of the training path costs ~30 s, not ~60 s.
SLOW_AND_UNRELATED = [
    "--deselect=tests/" + test
    for test in (
        "test_reliability.py::test_concurrent_predictions_equal_serial",
        "test_reliability.py::test_skops_round_trip_and_refuses_tampered_types",
        "test_model_selection.py::test_parallel_n_jobs_equals_sequential",
        "test_model_selection_inputs.py::test_gallery_example_runs_quick",
        "test_model_selection_inputs.py::test_readme_search_section_runs",
    )
]

#: group -> (modules mutated, test files run against them; "-..." are pytest options)
GROUPS = {
    "activations": ([NN + "activations.py"], ["test_gradients.py", "test_parity.py"]),
    "losses": (
        [NN + "losses.py"],
        ["test_gradients.py", "test_parity.py", "test_features.py"],
    ),
    "regularizers": (
        [NN + "regularizers.py"],
        ["test_gradients.py", "test_features.py"],
    ),
    "init": ([NN + "init.py"], ["test_parity.py"]),
    "schedules": ([NN + "schedules.py"], ["test_optimizers.py", "test_features.py"]),
    "dropout": ([NN + "dropout.py"], ["test_estimators.py", "test_gradients.py"]),
    "workspace": ([NN + "workspace.py"], ["test_engine.py", "test_gradients.py"]),
    "forward": ([NN + "forward.py"], ["test_engine.py", "test_parity.py"]),
    "backprop": (
        [NN + "backprop.py", NN + "batch.py"],
        ["test_gradients.py", "test_parity.py", "test_stacking.py"],
    ),
    "network": (
        [NN + "network.py"],
        ["test_gradients.py", "test_parity.py", "test_stacking.py"],
    ),
    "optimizers": (
        [NN + "optimizers.py", NN + "optimizer_base.py"],
        [
            "test_optimizers.py",
            "test_parity.py",
            "test_estimators.py",
            "test_stacking.py",
        ],
    ),
    "training_loop": (
        [TRAINING + "loop.py"],
        [
            "test_parity.py",
            "test_estimators.py",
            "test_stacking.py",
            "test_reliability.py",
            "test_features.py",
            "test_mutation_kills_training.py",
            *SLOW_AND_UNRELATED,
        ],
    ),
    "training": (
        [
            TRAINING + name + ".py"
            for name in ("setup", "settings", "batches", "stopping", "recovery")
        ],
        [
            "test_parity.py",
            "test_estimators.py",
            "test_stacking.py",
            "test_reliability.py",
            "test_features.py",
            "test_validation.py",
            "test_mutation_kills_training.py",
            *SLOW_AND_UNRELATED,
        ],
    ),
    "training_rest": (
        [TRAINING + "lbfgs.py", TRAINING + "hooks.py", TRAINING + "together.py"],
        [
            "test_parity.py",
            "test_features.py",
            "test_estimators.py",
            "test_stacking.py",
            "test_model_selection.py",
            "test_model_selection_inputs.py",
            "test_mutation_kills_search.py",
            *SLOW_AND_UNRELATED,
        ],
    ),
}


def _config(modules, tests):
    paths = [t if t.startswith("-") else "tests/" + t for t in tests]
    lines = [
        "[tool.mutmut]",
        'source_paths = ["sknumpynn/"]',
        f"only_mutate = {json.dumps(modules)}",
        'also_copy = ["conftest.py"]',
        'pytest_add_cli_args = ["-p", "no:cacheprovider"]',
        f"pytest_add_cli_args_test_selection = {json.dumps(paths)}",
        "use_git_change_detection = false",
    ]
    return "\n".join(lines) + "\n"


def prepare(group):
    """A copy of the package and tests with this group's mutmut configuration."""
    modules, tests = GROUPS[group]
    workdir = WORK / group
    workdir.mkdir(parents=True, exist_ok=True)
    for name in ("sknumpynn", "tests"):
        shutil.rmtree(workdir / name, ignore_errors=True)
        shutil.copytree(
            ROOT / name, workdir / name, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "conftest.py", workdir / "conftest.py")
    pyproject = (ROOT / "pyproject.toml").read_text()
    pyproject = re.sub(
        r"\n\[tool\.mutmut\]\n.*?(?=\n\[|\Z)", "\n", pyproject, flags=re.S
    )
    (workdir / "pyproject.toml").write_text(pyproject + "\n" + _config(modules, tests))
    return workdir


def results(workdir):
    """``{module: Counter(status)}`` and the surviving mutants' names."""
    from mutmut.stats import status_by_exit_code

    counts, survivors = defaultdict(Counter), []
    if not (workdir / "mutants").is_dir():
        return counts, survivors
    for meta in sorted((workdir / "mutants").rglob("*.py.meta")):
        module = str(meta.relative_to(workdir / "mutants"))[: -len(".meta")]
        for name, code in json.loads(meta.read_text())["exit_code_by_key"].items():
            status = status_by_exit_code[code]
            counts[module][status] += 1
            if status == "survived":
                survivors.append(name)
    return counts, survivors


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("groups", nargs="*", help="default: all")
    parser.add_argument("--list", action="store_true", help="show the groups")
    parser.add_argument(
        "--report", action="store_true", help="print the cached results only"
    )
    parser.add_argument(
        "--rerun-survivors",
        action="store_true",
        help="test the cached survivors again (after adding tests)",
    )
    args = parser.parse_args(argv)
    if args.list:
        for group, (modules, tests) in GROUPS.items():
            print(f"{group:<13} {' '.join(modules)}  <-  {' '.join(tests)}")
        return 0
    os.nice(19)  # the machine is shared: mutants run at the lowest priority
    mutmut = Path(sys.executable).with_name("mutmut")
    print("module                              killed survived  other")
    for group in args.groups or GROUPS:
        workdir = WORK / group if args.report else prepare(group)
        if not args.report:
            names = results(workdir)[1] if args.rerun_survivors else []
            if names or not args.rerun_survivors:
                subprocess.run(
                    [str(mutmut), "run", "--max-children", "1", *names],
                    cwd=workdir,
                    stdout=subprocess.DEVNULL,
                    check=False,
                )
        counts, survivors = results(workdir)
        for module, count in sorted(counts.items()):
            other = sum(count.values()) - count["killed"] - count["survived"]
            print(f"{module:<35} {count['killed']:6} {count['survived']:8} {other:6}")
        for name in survivors:
            print(f"  survived: {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
