"""The self-check: the suite must catch every drifted mock variant, and drift reports must show exactly the drift.

It runs the contract suite (without the parts marked slow) against the in-process mock twice and against
every mutant of `contracts.mutants`, recording snapshots; `--jobs` pytest processes share the targets (each
target's run is still parametrized apart, and the mock's two runs go to different processes). The mock runs
every module; a mutant runs the modules it is visible in (`Mutant.visible_in`, plus the contract layer for a
real behaviour), or every module with `all_modules`. A mutant is *killed* when some test fails against it that
passes in both runs against the mock. Then it compares snapshots: mock against mock must be clean, and mock
against a mutant (over the modules the mutant ran) must show the mutant's expected drift and nothing else
(apart from what scenarios that stopped early did not record).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from contracts import drift, mutants
from contracts.normalise import JsonValue

SUITE_DIR = Path(__file__).resolve().parent / "suite"
REPORT_FORMAT = "permanent-contracts-selfcheck/1"
#: Drift kinds that only follow from a scenario stopping early on a mutant (the scenario failed there).
CONSEQUENCES = frozenset({"outcome_change", "missing_exchange", "extra_exchange", "sequence_change"})
DEFAULT_EXAMPLES = 10
#: The suite's contract layer: a real behaviour must never fail these (the behaviour layers may, by design).
CONTRACT_LAYER = tuple(f"contracts/suite/{module}.py::" for module in mutants.CONTRACT_MODULES)
#: Every module of the suite (file stems), as `all_modules` runs them against each mutant.
ALL_MODULES = tuple(sorted(path.stem for path in SUITE_DIR.glob("test_*.py")))


def module_of(name: str) -> str:
    """The suite module (file stem) of a test id (`contracts/suite/test_x.py::…`) or scenario (`test_x::…`)."""
    return name.split("::", 1)[0].rsplit("/", 1)[-1].removesuffix(".py")


def modules_of(mutant: mutants.Mutant, *, all_modules: bool = False) -> tuple[str, ...]:
    """The suite modules the self-check runs against a mutant: where it is visible, and the contract layer for a
    real behaviour (which must accept it); every module with `all_modules`."""
    if all_modules:
        return ALL_MODULES
    return tuple(sorted({*mutant.visible_in, *(mutants.CONTRACT_MODULES if mutant.real else ())}))


def in_modules(snapshots: dict[str, dict[str, JsonValue]], modules: Sequence[str]) -> dict[str, dict[str, JsonValue]]:
    """The snapshots of scenarios in these modules (a mutant's run is compared with the mock's over its modules)."""
    return {name: snapshot for name, snapshot in snapshots.items() if module_of(name) in modules}


@dataclass
class SuiteRun:
    """One run of the suite against one target in its own process."""

    target: str
    returncode: int
    results: dict[str, str]
    snapshots: Path
    seconds: float
    output: str = ""
    #: The suite modules run against the target (every module unless `--target-modules` narrowed it).
    modules: tuple[str, ...] = ALL_MODULES

    def tests(self) -> set[str]:
        """Ids of every test that ran, with the target removed."""
        return {strip_target(test_id, self.target) for test_id in self.results}

    def failed(self) -> set[str]:
        """Ids of the tests that failed, with the target removed so runs against different targets compare."""
        return {strip_target(test_id, self.target) for test_id, outcome in self.results.items() if outcome == "failed"}


def strip_target(test_id: str, target: str) -> str:
    """Remove the target's parameter id from a pytest node id (`test_x[mock-first]` → `test_x[first]`)."""
    return test_id.replace(f"[{target}-", "[").replace(f"-{target}]", "]").replace(f"[{target}]", "")


def run_suite(
    target: str,
    workdir: Path,
    *,
    examples: int = DEFAULT_EXAMPLES,
    extra_args: Sequence[str] = (),
    modules: Sequence[str] | None = None,
) -> SuiteRun:
    """Run the suite (or these modules of it) against a target in a subprocess, recording snapshots and
    per-test outcomes under `workdir`."""
    narrowed = {} if modules is None else {target: modules}
    return run_suites([target], workdir, examples=examples, extra_args=extra_args, modules=narrowed)[target]


_PASSING = frozenset({"passed", "skipped", "xfailed"})


def run_suites(
    targets: Sequence[str],
    workdir: Path,
    *,
    examples: int = DEFAULT_EXAMPLES,
    extra_args: Sequence[str] = (),
    modules: Mapping[str, Sequence[str]] | None = None,
) -> dict[str, SuiteRun]:
    """Run the suite against several targets in one subprocess; return each target's run.

    One process pays pytest's, schemathesis' and the mock's start-up (~4 s) once instead of once per target;
    the suite parametrizes every test by target, so outcomes split by the target's id. Snapshots land in
    `workdir/snapshots/<target>` (the suite files one target's in the folder it is given, several in subfolders).
    `modules` narrows targets to some suite modules (file stems); the others run every module.
    """
    narrowed = {target: tuple(sorted(set(modules[target]))) for target in targets if modules and target in modules}
    labels = [t.replace(":", "-") for t in targets]
    snapshots = workdir / "snapshots"
    results = workdir / f"{'+'.join(labels)[:80]}.results.json"
    # Name only the modules some target runs: a process without the contract layer skips loading it.
    needed = ALL_MODULES if len(narrowed) < len(targets) else tuple(sorted(set().union(*narrowed.values())))
    paths = [str(SUITE_DIR)] if needed == ALL_MODULES else [str(SUITE_DIR / f"{m}.py") for m in needed]
    command = [
        sys.executable,
        "-m",
        "pytest",
        *paths,
        "--target",
        ",".join(targets),
        *(f"--target-modules={target}={','.join(chosen)}" for target, chosen in narrowed.items()),
        "--record-snapshots",
        str(snapshots / labels[0] if len(targets) == 1 else snapshots),
        "--results-json",
        str(results),
        "-m",
        "not slow",
        "-q",
        "-p",
        "no:cacheprovider",
        *extra_args,
    ]
    env = {**os.environ, "PERMANENT_CONTRACT_EXAMPLES": str(examples), "PERMANENT_TARGET": ",".join(targets)}
    started = time.monotonic()
    completed = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    seconds = (time.monotonic() - started) / len(targets)
    if not results.exists():
        raise RuntimeError(
            f"the suite run against {', '.join(targets)} wrote no results (exit {completed.returncode}):\n"
            + completed.stdout[-2000:]
            + completed.stderr[-2000:]
        )
    outcomes: dict[str, str] = json.loads(results.read_text(encoding="utf-8"))
    runs = {}
    for target, label in zip(targets, labels, strict=True):
        mine = {test: outcome for test, outcome in outcomes.items() if strip_target(test, target) != test}
        code = completed.returncode if len(targets) == 1 else int(any(o not in _PASSING for o in mine.values()))
        chosen = narrowed.get(target, ALL_MODULES)
        runs[target] = SuiteRun(target, code, mine, snapshots / label, seconds, completed.stdout[-4000:], chosen)
    return runs


@dataclass
class MutantResult:
    """What the self-check found for one mutant."""

    mutant: mutants.Mutant
    run: SuiteRun
    killed_by: list[str]
    drift_items: list[drift.DriftItem] = field(default_factory=list)
    unexpected: list[drift.DriftItem] = field(default_factory=list)
    missing: list[tuple[str, str]] = field(default_factory=list)
    #: Tests of the mutant's modules that ran against the mock but not against it: a verdict over tests that
    #: never ran (a drift "caught", a real behaviour "accepted") would claim more than it checked.
    unrun: list[str] = field(default_factory=list)

    @property
    def undeclared(self) -> list[str]:
        """Modules outside `visible_in` (the contract layer aside) that it shows in, as a failing test or drift:
        after an `all_modules` run, the modules its declaration leaves out."""
        shown = {module_of(test) for test in self.killed_by}
        shown |= {module_of(scenario) for item in self.drift_items for scenario in item.scenarios}
        return sorted(shown - {*self.mutant.visible_in, *mutants.CONTRACT_MODULES})

    @property
    def killed(self) -> bool:
        """True when some test fails against the mutant that passes against the mock."""
        return bool(self.killed_by)

    @property
    def rejected_by(self) -> list[str]:
        """The contract-layer tests among the killers: for a real behaviour, each is a false rejection."""
        return [test for test in self.killed_by if test.startswith(CONTRACT_LAYER)]

    @property
    def falsely_rejected(self) -> bool:
        """True for a real behaviour that the contract layer refuses."""
        return self.mutant.real and bool(self.rejected_by)

    @property
    def drift_exact(self) -> bool:
        """True when the drift report shows the expected drift and nothing else."""
        return not self.unexpected and not self.missing

    @property
    def sound(self) -> bool:
        """True when every test of its modules ran against it, and it shows in no module it does not declare."""
        return not self.unrun and not self.undeclared

    def as_json(self) -> dict[str, JsonValue]:
        """Plain JSON for the report."""
        return {
            "name": self.mutant.name,
            "description": self.mutant.description,
            "real": self.mutant.real,
            "killed": self.killed,
            "killed_by": list[JsonValue](self.killed_by),
            "falsely_rejected": self.falsely_rejected,
            "rejected_by": list[JsonValue](self.rejected_by),
            "seconds": round(self.run.seconds, 1),
            "modules": list[JsonValue](self.run.modules),
            "unrun": list[JsonValue](self.unrun),
            "undeclared_modules": list[JsonValue](self.undeclared),
            "drift_exact": self.drift_exact,
            "expected_drift": [list[JsonValue](pair) for pair in sorted(self.mutant.expected_drift)],
            "unexpected_drift": [item.as_json() for item in self.unexpected],
            "missing_expected_drift": [list[JsonValue](pair) for pair in self.missing],
            "drift": [item.as_json() for item in self.drift_items],
        }


def killers(baselines: Sequence[SuiteRun], run: SuiteRun) -> list[str]:
    """Tests that fail against the mutant but in no run against the mock (so a flaky test kills nothing)."""
    already = set().union(*(baseline.failed() for baseline in baselines))
    return sorted(run.failed() - already)


def failed_scenarios(snapshots: dict[str, dict[str, JsonValue]]) -> set[str]:
    """Scenarios recorded with a failed outcome."""
    return {name for name, snapshot in snapshots.items() if snapshot.get("outcome") == "failed"}


def check_drift(
    mutant: mutants.Mutant,
    baseline: dict[str, dict[str, JsonValue]],
    mutated: dict[str, dict[str, JsonValue]],
) -> tuple[list[drift.DriftItem], list[drift.DriftItem], list[tuple[str, str]]]:
    """Return (all drift items, items the mutant does not explain, expected drift that is absent)."""
    items = drift.build_report(baseline, mutated).items
    stopped = failed_scenarios(mutated)

    def expected(item: drift.DriftItem) -> bool:
        return any(item.kind == kind and drift.glob_match(item.path, path) for kind, path in mutant.expected_drift)

    def consequence(item: drift.DriftItem) -> bool:
        return item.kind in CONSEQUENCES and set(item.scenarios) <= stopped

    unexpected = [item for item in items if not expected(item) and not consequence(item)]
    missing = [
        (kind, path)
        for kind, path in sorted(mutant.expected_drift)
        if not any(item.kind == kind and drift.glob_match(item.path, path) for item in items)
    ]
    return items, unexpected, missing


@dataclass
class SelfCheckReport:
    """The outcome of a whole self-check."""

    baseline: SuiteRun
    second_baseline: SuiteRun
    mock_vs_mock: drift.DriftReport
    results: list[MutantResult]

    @property
    def drifts(self) -> list[MutantResult]:
        """The results of deliberate drifts (the suite must catch each)."""
        return [r for r in self.results if not r.mutant.real]

    @property
    def real_behaviours(self) -> list[MutantResult]:
        """The results of real behaviours (the contract layer must accept each)."""
        return [r for r in self.results if r.mutant.real]

    @property
    def kill_rate(self) -> float:
        """Caught drifts / all deliberate drifts."""
        return sum(r.killed for r in self.drifts) / len(self.drifts) if self.drifts else 1.0

    @property
    def false_rejections(self) -> int:
        """Real behaviours that the contract layer refused (must be 0)."""
        return sum(r.falsely_rejected for r in self.real_behaviours)

    @property
    def passed(self) -> bool:
        """Every drift caught, no real behaviour refused, mock against mock clean, every mutant's drift exact, and
        every mutant run over all the tests of its modules and visible in no module it does not declare."""
        return (
            self.kill_rate == 1.0
            and self.false_rejections == 0
            and self.mock_vs_mock.clean
            and all(r.drift_exact and r.sound for r in self.results)
        )

    def as_json(self) -> dict[str, JsonValue]:
        """Plain JSON for the report file."""
        return {
            "format": REPORT_FORMAT,
            "passed": self.passed,
            "kill_rate": round(self.kill_rate, 4),
            "killed": sum(r.killed for r in self.drifts),
            "total": len(self.drifts),
            "real_behaviours": len(self.real_behaviours),
            "false_rejections": self.false_rejections,
            "baseline": {
                "failed": list[JsonValue](sorted(self.baseline.failed() | self.second_baseline.failed())),
                "flaky": list[JsonValue](sorted(self.baseline.failed() ^ self.second_baseline.failed())),
                "seconds": round(self.baseline.seconds, 1),
            },
            "mock_vs_mock_clean": self.mock_vs_mock.clean,
            "mock_vs_mock_unexplained": [item.as_json() for item in self.mock_vs_mock.unexplained],
            "mutants": [r.as_json() for r in self.results],
        }

    def summary(self) -> str:
        """A short table for people."""
        failing = self.baseline.failed() | self.second_baseline.failed()
        flaky = self.baseline.failed() ^ self.second_baseline.failed()
        lines = [
            f"baseline (mock, two runs): {len(failing)} failing test(s) already ({len(flaky)} flaky), "
            f"{self.baseline.seconds:.0f} s per run",
            f"mock vs mock drift: {'clean' if self.mock_vs_mock.clean else 'NOT CLEAN'}",
            "",
            f"{'mutant':<26} {'verdict':<16} {'drift exact':<12} first killer (contract layer, for real behaviours)",
        ]
        for r in self.results:
            if r.mutant.real:
                verdict = "REJECTED" if r.falsely_rejected else "accepted"
                first = r.rejected_by[0] if r.rejected_by else "-"
            else:
                verdict = "caught" if r.killed else "NOT CAUGHT"
                first = r.killed_by[0] if r.killed_by else "-"
            lines.append(f"{r.mutant.name:<26} {verdict:<16} {'yes' if r.drift_exact else 'NO':<12} {first}")
            for item in r.unexpected[:5]:
                lines.append(f"    unexpected drift: {item.operation} {item.kind} {item.path} {item.a!r} -> {item.b!r}")
            for kind, path in r.missing:
                lines.append(f"    missing expected drift: {kind} {path}")
            if r.unrun:
                lines.append(f"    {len(r.unrun)} test(s) of its modules did not run against it, e.g. {r.unrun[0]}")
            if r.undeclared:
                lines.append(f"    visible in modules it does not declare (visible_in): {', '.join(r.undeclared)}")
        killed = sum(r.killed for r in self.drifts)
        lines += [
            "",
            f"drifts caught: {killed}/{len(self.drifts)} = {self.kill_rate:.0%}",
            f"real behaviours falsely rejected: {self.false_rejections}/{len(self.real_behaviours)}",
        ]
        return "\n".join(lines)


def run_selfcheck(
    workdir: Path,
    names: Sequence[str] = (),
    *,
    jobs: int = 2,
    examples: int = DEFAULT_EXAMPLES,
    all_modules: bool = False,
) -> SelfCheckReport:
    """Run the mock twice and each chosen mutant (all by default) in `jobs` suite processes side by side.

    The two mock runs go to different processes (so "mock vs mock" compares independent runs) and run every
    module; the mutants are dealt out between them, each process running its share of targets in one start-up,
    each mutant over `modules_of` it (every module with `all_modules`).
    """
    chosen = [mutants.get(name) for name in names] if names else list(mutants.MUTANTS)
    narrowed = {f"mutant:{m.name}": modules_of(m, all_modules=all_modules) for m in chosen}
    workdir.mkdir(parents=True, exist_ok=True)
    lanes = max(2, jobs)
    batches: list[tuple[Path, list[str]]] = [(workdir, ["mock"]), (workdir / "again", ["mock"])]
    batches += [(workdir, []) for _ in range(lanes - 2)]
    for index, mutant in enumerate(chosen):
        batches[index % lanes][1].append(f"mutant:{mutant.name}")

    def run(batch: tuple[Path, list[str]]) -> dict[str, SuiteRun]:
        folder, names_ = batch
        folder.mkdir(parents=True, exist_ok=True)
        return run_suites(names_, folder, examples=examples, modules=narrowed) if names_ else {}

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        done = list(pool.map(run, batches))
    runs = {name: run for part in done for name, run in part.items() if name != "mock"}
    runs["mock"], runs["mock-again"] = done[0]["mock"], done[1]["mock"]
    baseline = drift.load_snapshots(runs["mock"].snapshots)
    mock_vs_mock = drift.build_report(
        baseline, drift.load_snapshots(runs["mock-again"].snapshots), a_label="mock", b_label="mock (second run)"
    )
    results: list[MutantResult] = []
    baselines = (runs["mock"], runs["mock-again"])
    for mutant in chosen:
        mutant_run = runs[f"mutant:{mutant.name}"]
        mine = in_modules(baseline, mutant_run.modules)
        items, unexpected, missing = check_drift(mutant, mine, drift.load_snapshots(mutant_run.snapshots))
        kills = killers(baselines, mutant_run)
        results.append(
            MutantResult(mutant, mutant_run, kills, items, unexpected, missing, unrun(runs["mock"], mutant_run))
        )
    return SelfCheckReport(runs["mock"], runs["mock-again"], mock_vs_mock, results)


def unrun(baseline: SuiteRun, run: SuiteRun) -> list[str]:
    """Tests of the run's modules that ran against the mock but not in the run."""
    return sorted(test for test in baseline.tests() - run.tests() if module_of(test) in run.modules)


def write(report: SelfCheckReport, out: Path) -> None:
    """Write the JSON report (kill rate included)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report.as_json(), indent=2) + "\n", encoding="utf-8")
