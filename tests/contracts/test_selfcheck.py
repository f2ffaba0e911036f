"""Tests of contracts.selfcheck: kill detection, exact drift, and (slow) the whole self-check."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from contracts import drift, mutants, selfcheck
from contracts.normalise import shape
from contracts.suite import conftest as suite_conftest


def run(target: str, results: dict[str, str]) -> selfcheck.SuiteRun:
    """A finished suite run with these outcomes."""
    return selfcheck.SuiteRun(target, 1, results, Path("unused"), 1.0)


def test_strip_target_removes_the_target_parameter() -> None:
    """Test ids of different targets compare once the target is removed."""
    assert selfcheck.strip_target("t.py::test_x[mutant:a-first]", "mutant:a") == "t.py::test_x[first]"
    assert selfcheck.strip_target("t.py::test_x[mock]", "mock") == "t.py::test_x"


def test_killers_are_failures_new_on_the_mutant() -> None:
    """A test failing on the mock already does not kill a mutant; a new failure does."""
    baseline = run("mock", {"t::a[mock]": "failed", "t::b[mock]": "passed"})
    mutant = run("mutant:x", {"t::a[mutant:x]": "failed", "t::b[mutant:x]": "failed"})
    assert selfcheck.killers([baseline], mutant) == ["t::b"]
    assert selfcheck.killers([baseline], run("mutant:x", {"t::a[mutant:x]": "failed"})) == []


def test_killers_ignore_tests_failing_in_either_baseline_run() -> None:
    """A test that failed in only one of the two mock runs is flaky and kills nothing."""
    first = run("mock", {"t::a[mock]": "passed"})
    second = run("mock", {"t::a[mock]": "failed"})
    assert selfcheck.killers([first, second], run("mutant:x", {"t::a[mutant:x]": "failed"})) == []


def snapshot(scenario: str, body: object, *, outcome: str = "passed", extra: int = 0) -> dict[str, Any]:
    """A snapshot with one exchange answering `body` (plus `extra` more exchanges)."""
    one = {
        "operation": "op",
        "request": {},
        "response": {
            "status": 200,
            "content_type": "application/json",
            "headers": {},
            "shape": shape(body),
            "body": body,
        },
    }
    return {
        "format": drift.SNAPSHOT_FORMAT,
        "scenario": scenario,
        "target": "t",
        "outcome": outcome,
        "exchanges": [one] * (1 + extra),
    }


MUTANT = mutants.Mutant("m", "(x) test", expected_drift=frozenset({("type_change", "*.folderId")}))


def test_check_drift_accepts_exactly_the_expected_drift() -> None:
    """The expected drift alone is exact."""
    base = {"s": snapshot("s", {"folderId": 1})}
    mutated = {"s": snapshot("s", {"folderId": "1"})}
    _, unexpected, missing = selfcheck.check_drift(MUTANT, base, mutated)
    assert (unexpected, missing) == ([], [])


def test_check_drift_reports_unexpected_and_missing_drift() -> None:
    """Other drift is unexpected; expected drift that does not show is missing."""
    base = {"s": snapshot("s", {"folderId": 1, "name": "a"})}
    mutated = {"s": snapshot("s", {"folderId": 1, "name": "b"})}
    _, unexpected, missing = selfcheck.check_drift(MUTANT, base, mutated)
    assert [(i.kind, i.path) for i in unexpected] == [("value_change", "$.name")]
    assert missing == [("type_change", "*.folderId")]


def test_check_drift_forgives_early_stops_only_of_failed_scenarios() -> None:
    """Missing exchanges are a consequence when the scenario failed on the mutant, drift otherwise."""
    base = {"s": snapshot("s", {"folderId": 1}, extra=1)}
    failed = {"s": snapshot("s", {"folderId": "1"}, outcome="failed")}
    assert selfcheck.check_drift(MUTANT, base, failed)[1] == []
    passed = {"s": snapshot("s", {"folderId": "1"})}
    assert [i.kind for i in selfcheck.check_drift(MUTANT, base, passed)[1]] == ["missing_exchange"]


def test_a_drift_runs_where_it_is_visible_and_a_real_behaviour_also_meets_the_contract_layer() -> None:
    """A drift runs its `visible_in`; a real behaviour adds the contract layer; `all_modules` runs everything."""
    drift_, real = mutants.get("v1-bare-vo"), mutants.get("real-fixture-items")
    assert selfcheck.modules_of(drift_) == ("test_web_app",)
    assert set(selfcheck.modules_of(real)) == {*real.visible_in, "test_schemathesis", "test_spec"}
    assert selfcheck.modules_of(drift_, all_modules=True) == selfcheck.ALL_MODULES
    assert {"test_schemathesis", "test_spec", "test_web_app"} <= set(selfcheck.ALL_MODULES)


def test_module_of_reads_test_ids_and_scenario_names() -> None:
    """Test ids and scenario names both name their module, so runs and snapshots narrow alike."""
    assert selfcheck.module_of("contracts/suite/test_names.py::test_x[first]") == "test_names"
    assert selfcheck.module_of("test_names::test_x[first]") == "test_names"
    snapshots = {"test_names::a": snapshot("a", 1), "test_quirks::b": snapshot("b", 2)}
    assert list(selfcheck.in_modules(snapshots, ["test_quirks"])) == ["test_quirks::b"]


def test_tests_of_its_modules_that_did_not_run_against_a_mutant_are_reported() -> None:
    """A verdict over tests that never ran would claim too much: each missing test of its modules is reported."""
    baseline = run(
        "mock", {"contracts/suite/test_a.py::t[mock]": "passed", "contracts/suite/test_b.py::t[mock]": "passed"}
    )
    narrowed = selfcheck.SuiteRun("mutant:x", 0, {}, Path("unused"), 1.0, modules=("test_a",))
    assert selfcheck.unrun(baseline, narrowed) == ["contracts/suite/test_a.py::t"]
    ran = selfcheck.SuiteRun("mutant:x", 0, {"contracts/suite/test_a.py::t[mutant:x]": "failed"}, Path("u"), 1.0)
    assert selfcheck.unrun(baseline, dataclasses.replace(ran, modules=("test_a",))) == []


def test_a_mutant_showing_outside_its_declared_modules_fails_the_selfcheck() -> None:
    """After an all-modules run, a killer or drift in a module outside `visible_in` (the contract layer aside)
    is reported, and so is a test that did not run; either fails the whole self-check."""
    mutant = dataclasses.replace(MUTANT, visible_in=("test_a",))
    item = drift.DriftItem("op", "type_change", "$.folderId", "integer", "string", ("test_c::s",), 1)
    killed = ["contracts/suite/test_a.py::t", "contracts/suite/test_b.py::t", "contracts/suite/test_spec.py::t"]
    result = selfcheck.MutantResult(mutant, run("mutant:m", {}), killed, [item])
    assert (result.undeclared, result.sound) == (["test_b", "test_c"], False)
    clean = drift.build_report({}, {})
    assert selfcheck.SelfCheckReport(run("mock", {}), run("mock", {}), clean, [result]).passed is False
    declared = selfcheck.MutantResult(
        dataclasses.replace(mutant, visible_in=("test_a", "test_b", "test_c")), result.run, killed, [item]
    )
    assert selfcheck.SelfCheckReport(run("mock", {}), run("mock", {}), clean, [declared]).passed is True
    unrun = dataclasses.replace(declared, unrun=["contracts/suite/test_a.py::u"])
    assert selfcheck.SelfCheckReport(run("mock", {}), run("mock", {}), clean, [unrun]).passed is False


class Options:
    """A stand-in for pytest.Config that answers `getoption`."""

    def __init__(self, **options: object) -> None:
        self.options = options

    def getoption(self, name: str) -> object:
        return self.options[name.removeprefix("--").replace("-", "_")]


def test_target_modules_option_names_modules_of_selected_targets() -> None:
    """`--target-modules` maps a selected target to suite modules; a typo in either stops the run."""
    config = Options(target="mock,mutant:v1-bare-vo", target_modules=["mutant:v1-bare-vo=test_web_app, test_spec"])
    assert suite_conftest.target_modules(config) == {"mutant:v1-bare-vo": {"test_web_app", "test_spec"}}
    for wrong in ("mutant:v1-no-csrf=test_web_app", "mock=test_nope", "mock="):
        with pytest.raises(pytest.UsageError, match="--target-modules"):
            suite_conftest.target_modules(Options(target="mock", target_modules=[wrong]))


@pytest.mark.slow
def test_narrowed_suite_runs_only_the_modules_asked_and_misses_a_drift_they_cannot_see(tmp_path: Path) -> None:
    """`--target-modules` really narrows a run: a drift run over a module that cannot see it is not caught (the
    self-check can fail), while one the module sees is."""
    narrowed = {
        name: ["test_protocol"] for name in ("mock", "mutant:duplicates-not-suffixed", "mutant:500-on-malformed-json")
    }
    runs = selfcheck.run_suites(list(narrowed), tmp_path, examples=1, modules=narrowed)
    assert {selfcheck.module_of(test) for r in runs.values() for test in r.tests()} == {"test_protocol"}
    unseen, seen = runs["mutant:duplicates-not-suffixed"], runs["mutant:500-on-malformed-json"]
    assert (selfcheck.unrun(runs["mock"], unseen), selfcheck.unrun(runs["mock"], seen)) == ([], [])
    assert selfcheck.killers([runs["mock"]], unseen) == []
    assert selfcheck.killers([runs["mock"]], seen) == [
        "contracts/suite/test_protocol.py::test_malformed_json_body_answers_400"
    ]


@pytest.mark.slow
def test_selfcheck_kills_every_mutant_with_exact_drift(tmp_path: Path) -> None:
    """Every drift is caught, every real behaviour passes the contract layer, mock vs mock is clean, drift is exact."""
    # Three schemathesis examples per operation, not the self-check's ten: every drift is caught by the scenario
    # layers already (kill rate 1.0, exact drift, no false rejection at 3 as at 10), and this halves the test's
    # CPU in make test. `nox -s selfcheck` runs the full self-check (`-- --all-modules`: every module per mutant).
    report = selfcheck.run_selfcheck(tmp_path, jobs=2, examples=3)
    selfcheck.write(report, tmp_path / "report.json")
    print(report.summary())
    survivors = [r.mutant.name for r in report.drifts if not r.killed]
    assert not survivors, f"drifts the suite did not catch: {survivors}"
    rejected = {r.mutant.name: r.rejected_by for r in report.real_behaviours if r.falsely_rejected}
    assert not rejected, f"real behaviours the contract layer refused: {rejected}"
    assert report.mock_vs_mock.clean, f"mock vs mock drift: {[i.as_json() for i in report.mock_vs_mock.unexplained]}"
    inexact = {
        r.mutant.name: [i.as_json() for i in r.unexpected] + list(r.missing)
        for r in report.results
        if not r.drift_exact
    }
    assert not inexact, f"drift reports that are not exactly the injected drift: {inexact}"
    unsound = {r.mutant.name: (r.unrun[:3], r.undeclared) for r in report.results if not r.sound}
    assert not unsound, f"mutants whose modules did not all run (tests) or that show elsewhere (modules): {unsound}"
    assert report.kill_rate == 1.0
    assert report.passed
