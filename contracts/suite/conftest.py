"""Fixtures of the contract suite: one run per configured target, safe clients, recording and cleanup.

Options (each also readable from the environment):

    --target NAMES            mock (default), url, mutant:<name>; comma-separated   PERMANENT_TARGET
    --record-snapshots DIR    write one normalised snapshot per scenario            PERMANENT_RECORD_SNAPSHOTS
    --results-json FILE       write {test id: outcome} (used by the self-check)
    --contract-examples N     schemathesis examples per operation and mode (25)     PERMANENT_CONTRACT_EXAMPLES
    --target-modules T=M,…    run only these modules against target T (the self-check's mutants)
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest

from contracts import targets
from contracts.recording import ScenarioRecorder
from contracts.safety import cleanup, new_run_id
from contracts.sdk import Folder, HttpError, NotFound, PermanentClient
from contracts.suite.support import Names, RawHttp, Wire
from contracts.targets import Target, TargetUnavailable

SUITE_DIR = Path(__file__).resolve().parent
OUTCOMES = pytest.StashKey[dict[str, str]]()
RECORDERS = pytest.StashKey[ScenarioRecorder]()


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register the suite's options."""
    group = parser.getgroup("contracts", "contract suite")
    group.addoption("--target", default=None, help="targets: mock (default), url, mutant:<name>; comma-separated")
    group.addoption("--record-snapshots", default=None, metavar="DIR", help="write normalised scenario snapshots")
    group.addoption("--results-json", default=None, metavar="FILE", help="write the outcome of every test as JSON")
    group.addoption("--contract-examples", default=None, type=int, metavar="N", help="schemathesis examples per case")
    group.addoption(
        "--target-modules",
        action="append",
        default=[],
        metavar="TARGET=MODULE[,MODULE…]",
        help="run only these suite modules (file stems, e.g. test_names) against TARGET; repeatable",
    )
    group.addoption(
        "--require-target",
        action="store_true",
        default=False,
        help="fail (instead of skipping) when a selected url target is not configured; also PERMANENT_REQUIRE_TARGET=1",
    )


def require_target(config: pytest.Config) -> bool:
    """Tell whether a missing url configuration must fail the run (a CI job whose secrets are missing)."""
    flag = os.environ.get("PERMANENT_REQUIRE_TARGET", "").strip().lower()
    return bool(config.getoption("--require-target")) or flag in ("1", "true", "yes", "on")


def pytest_configure(config: pytest.Config) -> None:
    """Validate the target selection early (a typo stops the run with one message); set up `--results-json`."""
    try:
        targets.selected_names(config.getoption("--target"))
    except (ValueError, KeyError) as exc:
        raise pytest.UsageError(str(exc)) from exc
    target_modules(config)
    results = config.getoption("--results-json")
    if results:
        config.pluginmanager.register(ResultsCollector(Path(results)), "contracts-results")


def target_modules(config: pytest.Config) -> dict[str, frozenset[str]]:
    """The `--target-modules` restrictions: target → the module stems it runs (targets not named run every module).

    Raises:
        pytest.UsageError: a malformed entry, a target not selected, or a module that is not in the suite.
    """
    selected = targets.selected_names(config.getoption("--target"))
    known = {path.stem for path in SUITE_DIR.glob("test_*.py")}
    chosen: dict[str, frozenset[str]] = {}
    for entry in config.getoption("--target-modules"):
        target_name, _, listed = entry.partition("=")
        modules = frozenset(filter(None, (m.strip() for m in listed.split(","))))
        if not modules or target_name not in selected:
            raise pytest.UsageError(
                f"--target-modules {entry!r}: expected TARGET=MODULE[,MODULE…] of a selected target"
            )
        if unknown := sorted(modules - known):
            raise pytest.UsageError(f"--target-modules {entry!r}: no such suite module(s): {', '.join(unknown)}")
        chosen[target_name] = chosen.get(target_name, frozenset()) | modules
    return chosen


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every test that needs a target once per selected target."""
    if "target_name" in metafunc.fixturenames:
        names = targets.selected_names(metafunc.config.getoption("--target"))
        metafunc.parametrize("target_name", names, scope="session", ids=names)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Narrow targets to their `--target-modules`; mark every test `contract`; without URL settings, reduce the
    url run to one skip with one message."""
    ours = [item for item in items if item.path.is_relative_to(SUITE_DIR)]  # the hook sees every collected test
    restricted = target_modules(config)
    if restricted:
        elsewhere = [
            item
            for item in ours
            if (target := _target_of(item)) in restricted and item.path.stem not in restricted[target]
        ]
        config.hook.pytest_deselected(items=elsewhere)
        deselected_ids = set(map(id, elsewhere))
        items[:] = [item for item in items if id(item) not in deselected_ids]
        ours = [item for item in ours if id(item) not in deselected_ids]
    problem = targets.url_settings_problem()
    url_items = [item for item in ours if _target_of(item) == "url"]
    for item in ours:
        item.add_marker(pytest.mark.contract)
    if problem and url_items and require_target(config):
        # A CI job with missing secrets must not go green on one skip.
        raise pytest.UsageError(f"the url target is required (PERMANENT_REQUIRE_TARGET / --require-target): {problem}")
    if problem and url_items:
        url_items[0].add_marker(pytest.mark.skip(reason=problem))
        deselected = set(map(id, url_items[1:]))
        config.hook.pytest_deselected(items=url_items[1:])
        items[:] = [item for item in items if id(item) not in deselected]


def _target_of(item: pytest.Item) -> str | None:
    """The target a collected test runs against (None when it takes none)."""
    callspec = getattr(item, "callspec", None)
    return None if callspec is None else callspec.params.get("target_name")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Track each phase's outcome; after the last phase, write the scenario's snapshot in record mode.

    Writing here rather than in a fixture means a scenario whose setup failed (say, the run folder could
    not be created) still leaves a snapshot, with no exchanges and the outcome `failed`.
    """
    report: pytest.TestReport = yield
    phases = item.stash.setdefault(OUTCOMES, {})
    phases[report.when] = report.outcome
    if report.when == "teardown" and "wire" in getattr(item, "fixturenames", ()):
        _write_snapshot(item, phases)
    return report


def _write_snapshot(item: pytest.Item, phases: dict[str, str]) -> None:
    """Write the scenario's snapshot if record mode is on."""
    target_name = _target_of(item)
    directory = _record_dir(item.config, target_name or "none")
    if directory is None:
        return
    recorder = item.stash.get(RECORDERS, None)
    if recorder is None:
        recorder = ScenarioRecorder(scenario_name(item), target_name or "none", {})
    outcomes = set(phases.values())
    outcome = "failed" if "failed" in outcomes else "skipped" if "skipped" in outcomes else "passed"
    recorder.write(directory, outcome)


_RANK = {"passed": 0, "skipped": 1, "failed": 2}


class ResultsCollector:
    """Collect the worst outcome of every test (failed over skipped over passed) and write them as JSON."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.results: dict[str, str] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Keep the worst outcome seen for the test."""
        outcome = "failed" if report.failed else report.outcome
        if _RANK.get(outcome, 0) >= _RANK.get(self.results.get(report.nodeid, "passed"), 0):
            self.results[report.nodeid] = outcome

    def pytest_sessionfinish(self) -> None:
        """Write the collected outcomes."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(self.results, indent=1, sort_keys=True) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------- targets


@pytest.fixture(scope="session")
def run_id() -> str:
    """The id of this run; every name it creates starts with `contract-<run id>-`."""
    return os.environ.get("PERMANENT_RUN_ID") or new_run_id()


@pytest.fixture(scope="session")
def target(target_name: str, run_id: str) -> Iterator[Target]:
    """The target of this parametrisation; everything the run created is deleted at the end, failures included."""
    try:
        built = targets.build(target_name, run_id)
    except TargetUnavailable as exc:
        pytest.skip(str(exc))
    try:
        yield built
    finally:
        leftovers = _clean_up(built)
        built.close()
    assert not leftovers, f"cleanup on {target_name} could not remove: {'; '.join(leftovers)}"


def _clean_up(target: Target) -> list[str]:
    """Delete what the run created on the target; return what could not be removed."""
    if not target.guard.created:
        return []
    with target.client() as client:
        return cleanup(
            target.guard,
            client.delete_folder,
            client.delete_archive_record,
            lambda exc: isinstance(exc, NotFound),
        )


@pytest.fixture(scope="session")
def run_folder(target: Target, run_id: str) -> Folder:
    """The folder of this run, `contract-<run id>`, inside the test folder; every scenario works below it."""
    assert target.test_folder_id is not None, "the target has no test folder"
    with target.client() as client:
        return client.create_folder(f"contract-{run_id}", target.test_folder_id)


@pytest.fixture
def names(run_id: str) -> Names:
    """Unique names for this run."""
    return Names(run_id)


# --------------------------------------------------------------------------- recording


def scenario_name(item: pytest.Item) -> str:
    """A scenario's stable name: module, test and parameter ids, without the target (`test_x::test_y[first-byte]`)."""
    module = item.module.__name__.rsplit(".", 1)[-1] if isinstance(item, pytest.Function) else "suite"
    name = getattr(item, "originalname", item.name)
    callspec = getattr(item, "callspec", None)
    if callspec is None:
        return f"{module}::{name}"
    target = str(callspec.params.get("target_name", ""))
    ids = callspec.id
    if ids == target:
        ids = ""
    elif ids.startswith(target + "-"):
        ids = ids.removeprefix(target + "-")
    elif ids.endswith("-" + target):
        ids = ids.removesuffix("-" + target)
    return f"{module}::{name}[{ids}]" if ids else f"{module}::{name}"


def _record_dir(config: pytest.Config, target_name: str) -> Path | None:
    """Where a target's snapshots go: DIR itself for one target, DIR/<target> for several."""
    raw = config.getoption("--record-snapshots") or os.environ.get("PERMANENT_RECORD_SNAPSHOTS")
    if not raw:
        return None
    several = len(targets.selected_names(config.getoption("--target"))) > 1
    return Path(raw) / target_name.replace(":", "-") if several else Path(raw)


@pytest.fixture
def wire(request: pytest.FixtureRequest, target: Target, run_id: str) -> Wire:
    """Every exchange of this scenario; in record mode they become a normalised snapshot when it ends."""
    recorder = ScenarioRecorder(scenario_name(request.node), target.name, target.bases(), run_id)
    request.node.stash[RECORDERS] = recorder
    return Wire(recorder.on_exchange)


@pytest.fixture
def client(target: Target, wire: Wire) -> Iterator[PermanentClient]:
    """The SDK acting as the primary account, recorded."""
    with target.client("primary", on_exchange=wire.on_exchange) as sdk:
        yield sdk


@pytest.fixture
def other_client(target: Target, wire: Wire) -> Iterator[PermanentClient]:
    """The SDK acting as a second account (skipped when the target has none)."""
    if not target.has_account("other"):
        pytest.skip(
            "no second account: set PERMANENT_OTHER_LOGIN + PERMANENT_OTHER_PASSWORD (or PERMANENT_OTHER_TOKEN)"
        )
    with target.client("other", on_exchange=wire.on_exchange) as sdk:
        yield sdk


@pytest.fixture
def raw(target: Target, wire: Wire) -> Iterator[RawHttp]:
    """Plain HTTP to the target, recorded like the SDK's calls."""
    http = RawHttp(target, wire.on_exchange)
    yield http
    http.close()


@pytest.fixture
def workdir(request: pytest.FixtureRequest, target: Target, run_folder: Folder, names: Names) -> Folder:
    """A fresh, empty folder for this scenario inside the run folder (created without recording)."""
    label = re.sub(r"[^A-Za-z0-9_.-]+", "-", scenario_name(request.node).split("::", 1)[-1]).strip("-")
    with target.client() as sdk:
        try:
            return sdk.create_folder(names.new(label)[:200], run_folder.id, fail_on_duplicate_name=True)
        except HttpError as exc:
            pytest.fail(f"cannot create the scenario folder below the run folder: {exc}")


# --------------------------------------------------------------------------- the one-screen summary


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, exitstatus: int, config: pytest.Config) -> None:
    """Print passed / failed / skipped per layer (suite module) and per target, on one screen."""
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for outcome in ("passed", "failed", "skipped", "error"):
        for report in terminalreporter.stats.get(outcome, []):
            nodeid = str(getattr(report, "nodeid", ""))
            if "contracts/suite/" not in nodeid.replace("\\", "/") and not nodeid.startswith("test_"):
                continue
            layer = nodeid.split("::")[0].rsplit("/", 1)[-1].removesuffix(".py").removeprefix("test_")
            target = next((t for t in ("mock", "url", "mutant") if f"[{t}" in nodeid or f"-{t}" in nodeid), "-")
            bucket = counts.setdefault((layer, target), {"passed": 0, "failed": 0, "skipped": 0, "error": 0})
            bucket[outcome] += 1
    if not counts:
        return
    terminalreporter.section("contract layers")
    terminalreporter.write_line(f"{'layer':<16} {'target':<8} {'passed':>7} {'failed':>7} {'skipped':>8} {'errors':>7}")
    for (layer, target), bucket in sorted(counts.items()):
        terminalreporter.write_line(
            f"{layer:<16} {target:<8} {bucket['passed']:>7} {bucket['failed']:>7} {bucket['skipped']:>8} "
            f"{bucket['error']:>7}"
        )
