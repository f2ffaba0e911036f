"""Tests of contracts.selfcheck: kill detection, exact drift, and (slow) the whole self-check."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from contracts import drift, mutants, selfcheck
from contracts.normalise import shape


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


@pytest.mark.slow
def test_selfcheck_kills_every_mutant_with_exact_drift(tmp_path: Path) -> None:
    """Every drift is caught, every real behaviour passes the contract layer, mock vs mock is clean, drift is exact."""
    # Three schemathesis examples per operation, not the self-check's ten: every drift is caught by the scenario
    # layers already (kill rate 1.0, exact drift, no false rejection at 3 as at 10), and this halves the test's
    # CPU in make test. `nox -s selfcheck` runs the full self-check.
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
    assert report.kill_rate == 1.0
