"""Mutation testing of the engine and the training path, one module at a time.

Run ``python tests/mutation.py [GROUP ...]`` after ``pip install -e
".[test,mutation]"`` (not in CI; ``--list`` shows the groups). For each group
of modules this copies the package and the tests to ``mutants-runs/<group>/``,
configures `mutmut <https://mutmut.readthedocs.io>`_ to mutate those modules
only and to run only the test files relevant to them, runs it with one worker
at the lowest CPU priority, and prints killed / survived / other counts per
module. Results are cached: a second run only tests new or changed mutants,
and each group's verdicts are written to ``tests/mutation_verdicts/`` (committed;
``--save`` writes them during a run), from which a new machine starts.
Inspect a survivor with ``cd mutants-runs/<group> && mutmut show <name>``.
The score and every surviving mutant are recorded in ``docs/testing.md``.
"""

import argparse
import gzip
import hashlib
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
#: Committed verdicts, one file per group: a new machine starts from them.
VERDICTS = ROOT / "tests" / "mutation_verdicts"
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
    "forward": (
        [NN + "forward.py"],
        [
            "test_engine.py",
            "test_parity.py",
            "test_mutation_kills_engine.py",
            "test_stacking.py",
        ],
    ),
    "backprop": (
        [NN + "backprop.py", NN + "batch.py"],
        [
            "test_gradients.py",
            "test_parity.py",
            "test_stacking.py",
            "test_mutation_kills_engine.py",
            "test_tabular_engine.py",  # an input stage's forward and backward
            "test_mutation_kills_training.py",  # float32 stacks, bit for bit
            "test_mutation_kills_backprop.py",
        ],
    ),
    "network": (
        [NN + "network.py"],
        [
            "test_gradients.py",
            "test_parity.py",
            "test_stacking.py",
            "test_mutation_kills_engine.py",
            "test_mutation_kills_network.py",
        ],
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
            "test_mutation_kills_search.py",
            "test_api_schedules.py",
            "test_api_scoring.py",
            "test_stack_exactness.py",
            "test_ensemble.py",  # a stack rule: the ensemble's early stopping
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
            "test_mutation_kills_search.py",
            # issue 21's API: validation data, scoring=, plateau/warmup, dtype
            "test_api_validation_data.py",
            "test_api_scoring.py",
            "test_api_schedules.py",
            "test_api_dtype.py",
            "test_mutation_kills_setup.py",
            "test_mutation_kills_training_group.py",
            *SLOW_AND_UNRELATED,
        ],
    ),
    "training_rest": (
        [
            TRAINING + "lbfgs.py",
            TRAINING + "hooks.py",
            TRAINING + "together.py",
            TRAINING + "stack_plan.py",
        ],
        [
            "test_parity.py",
            "test_features.py",
            "test_estimators.py",
            "test_stacking.py",
            "test_stack_lanes.py",
            "test_tabular_stacking.py",
            "test_model_selection.py",
            "test_model_selection_inputs.py",
            "test_mutation_kills_training.py",
            "test_mutation_kills_search.py",
            *SLOW_AND_UNRELATED,
        ],
    ),
    "training_search": (
        [TRAINING + "ledger.py", TRAINING + "shared_validation.py"],
        [
            "test_shared_validation.py",
            "test_model_selection.py",
            "test_model_selection_served.py",
            "test_model_selection_inputs.py",
            "test_mutation_kills_search.py",
            "test_mutation_kills_search_ledger.py",
            *SLOW_AND_UNRELATED,
        ],
    ),
    "tabular_nn": (
        [NN + "embeddings.py", NN + "staged.py", NN + "tabular_schedules.py"],
        [
            "test_tabular_engine.py",
            "test_tabular.py",
            "test_tabular_stacking.py",
            "test_onnx_tabular.py",
            "test_mutation_kills_tabular_nn.py",
        ],
    ),
    "ensemble": (
        ["sknumpynn/ensemble/_stopping.py", "sknumpynn/ensemble/_fit.py"],
        [
            "test_ensemble.py",
            "test_ensemble_tools.py",
            "test_mutation_kills_ensemble.py",
            # runs the gallery, which the work copy does not hold
            "--deselect=tests/test_ensemble_tools.py::test_gallery_example_runs_quick",
        ],
    ),
    "ensemble_api": (
        ["sknumpynn/ensemble/_base.py", "sknumpynn/ensemble/_classes.py"],
        [
            "test_ensemble.py",
            "test_ensemble_common.py",
            "test_ensemble_tools.py",
            "test_mutation_kills_ensemble.py",
            "test_mutation_kills_ensemble_api.py",
            "--deselect=tests/test_ensemble_tools.py::test_gallery_example_runs_quick",
        ],
    ),
    "tabular": (
        [
            "sknumpynn/tabular/_encoding.py",
            "sknumpynn/tabular/_engine.py",
            "sknumpynn/tabular/_base.py",
            "sknumpynn/tabular/_estimators.py",
            NN + "data_init.py",
            TRAINING + "wrapped.py",
        ],
        [
            "test_tabular.py",
            "test_tabular_engine.py",
            "test_tabular_stacking.py",
            "test_tabular_common.py",
            "test_onnx_tabular.py",  # the encoder's fitted state, read by the export
        ],
    ),
    "search_engine": (
        [
            "sknumpynn/model_selection/_served.py",
            "sknumpynn/model_selection/_halving.py",
        ],
        [
            "test_model_selection_served.py",
            "test_model_selection_halving.py",
            "test_model_selection.py",
            "test_mutation_kills_served.py",
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
        'also_copy = ["conftest.py", "README.md"]',
        'pytest_add_cli_args = ["-p", "no:cacheprovider"]',
        f"pytest_add_cli_args_test_selection = {json.dumps(paths)}",
        "use_git_change_detection = false",
        # A shared machine at nice 19 runs tests many times slower than their
        # measured duration: only a mutant far slower than that is a timeout
        # (MUTATION_TIMEOUT_MULTIPLIER lowers it where a mutant loops forever).
        f"timeout_multiplier = {os.environ.get('MUTATION_TIMEOUT_MULTIPLIER', 50.0)}",
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
    for name in ("conftest.py", "README.md"):  # README: the tests that run it
        shutil.copy(ROOT / name, workdir / name)
    pyproject = (ROOT / "pyproject.toml").read_text()
    pyproject = re.sub(
        r"\n\[tool\.mutmut\]\n.*?(?=\n\[|\Z)", "\n", pyproject, flags=re.S
    )
    (workdir / "pyproject.toml").write_text(pyproject + "\n" + _config(modules, tests))
    return workdir


def save_verdicts(group):
    """Write the group's cached mutmut state to ``tests/mutation_verdicts``.

    The state is each mutated module's ``.meta`` file (every mutant's exit code
    beside a hash of each function's source) and ``mutmut-stats.json`` (which
    tests reach which function, and their durations), with the test selection
    it was measured with. It is small and committed, so that the next session,
    on a new machine, tests only the mutants of functions changed since:
    mutmut itself forgets the verdict of a function whose hash changed.
    """
    workdir = WORK / group
    mutants = workdir / "mutants"
    metas = {
        str(path.relative_to(mutants)): json.loads(path.read_text())
        for path in sorted(mutants.rglob("*.py.meta"))
    }
    if not metas:
        return None
    stats = mutants / "mutmut-stats.json"
    state = {
        "selection": _selection(workdir),
        "metas": metas,
        "stats": json.loads(stats.read_text()) if stats.is_file() else None,
    }
    VERDICTS.mkdir(exist_ok=True)
    path = VERDICTS / f"{group}.json.gz"
    text = json.dumps(state, sort_keys=True, indent=0).encode()
    with gzip.GzipFile(path, "wb", mtime=0) as out:  # same state, same bytes
        out.write(text)
    return path


def restore_verdicts(group):
    """Lay the committed state of a group into a work dir that has none.

    Returns the test selection that state was measured with (None when
    nothing was restored, or the work dir already had results of its own).
    """
    path = VERDICTS / f"{group}.json.gz"
    mutants = WORK / group / "mutants"
    if not path.is_file() or any(mutants.rglob("*.py.meta")):
        return None
    state = json.loads(gzip.decompress(path.read_bytes()))
    for name, meta in state["metas"].items():
        target = mutants / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(meta))
    if state["stats"] is not None:
        (mutants / "mutmut-stats.json").write_text(json.dumps(state["stats"]))
    return state["selection"]


def results(workdir):
    """``{module: Counter(status)}`` and ``{name: status}`` of the mutants no
    test killed (survived, or reached by no test)."""
    from mutmut.stats import status_by_exit_code

    counts, unkilled = defaultdict(Counter), {}
    if not (workdir / "mutants").is_dir():
        return counts, unkilled
    for meta in sorted((workdir / "mutants").rglob("*.py.meta")):
        module = str(meta.relative_to(workdir / "mutants"))[: -len(".meta")]
        for name, code in json.loads(meta.read_text())["exit_code_by_key"].items():
            status = status_by_exit_code[code]
            counts[module][status] += 1
            if status in ("survived", "no tests"):
                unkilled[name] = status
    return counts, unkilled


def _selection(workdir):
    """The test selection of a work dir's last configuration (None if none)."""
    path = workdir / "pyproject.toml"
    found = path.is_file() and re.search(
        r"^pytest_add_cli_args_test_selection = (.*)$", path.read_text(), re.M
    )
    return json.loads(found.group(1)) if found else None


def keep_verdicts(workdir, old, new):
    """Keep the cached verdicts when the selection only gained tests.

    mutmut forgets every result when the test selection changes, but tests
    added to a selection can only kill more mutants: record the new selection
    as the measured one (mutmut 3's fingerprint of it), so that only the
    mutants no test killed run again, against the new tests too.
    """
    stats = workdir / "mutants" / "mutmut-stats.json"
    if old is None or old == new or not set(old) <= set(new) or not stats.is_file():
        return

    def fingerprint(selection):
        return hashlib.sha256(repr(tuple(selection)).encode()).hexdigest()[:12]

    data = json.loads(stats.read_text())
    measured = data.get("config_fingerprint", {})
    if measured.get("test_selection") == fingerprint(old):
        measured["test_selection"] = fingerprint(new)
        stats.write_text(json.dumps(data))


def run_mutmut(mutmut, workdir, workers, names, attempts=10):
    """``mutmut run``, started again (up to ``attempts`` times) while it fails
    with mutants left unchecked.

    mutmut 3.8's worker pool reaps any child process with ``os.wait()``: a
    worker process that a test started during its in-process statistics run
    (joblib, Dask) can end later and make it fail with a ``KeyError`` on that
    pid. Every verdict so far is cached, so a second run goes on from there
    (and loads the statistics instead of collecting them in-process).
    """
    for _ in range(attempts):
        done = subprocess.run(
            [str(mutmut), "run", "--max-children", str(workers), *names],
            cwd=workdir,
            stdout=subprocess.DEVNULL,
            check=False,
        )
        unchecked = sum(c["not checked"] for c in results(workdir)[0].values())
        if done.returncode == 0 or not unchecked:
            return
        print(f"mutmut failed with {unchecked} mutants unchecked; running it again")


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
    parser.add_argument(
        "--save",
        action="store_true",
        help="only write the groups' current verdicts to tests/mutation_verdicts"
        " (safe while a run goes on)",
    )
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="ignore the committed verdicts of tests/mutation_verdicts",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="mutants tested at once (default 1; more use idle cores at nice 19)",
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
        workdir = WORK / group
        if args.save:
            print(f"{group}: {save_verdicts(group) or 'no results yet'}")
            continue
        if not args.report:
            restored = None if args.fresh else restore_verdicts(group)
            old = _selection(workdir) or restored
            prepare(group)
            keep_verdicts(workdir, old, _selection(workdir))
            names = list(results(workdir)[1]) if args.rerun_survivors else []
            if names or not args.rerun_survivors:
                run_mutmut(mutmut, workdir, args.workers, names)
            save_verdicts(group)
        counts, unkilled = results(workdir)
        for module, count in sorted(counts.items()):
            other = sum(count.values()) - count["killed"] - count["survived"]
            print(f"{module:<35} {count['killed']:6} {count['survived']:8} {other:6}")
        for name, status in unkilled.items():
            print(f"  {status}: {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
