"""Tests of contracts.sweep and `permanent-contracts sweep`: only old run folders are listed, and deleted with --yes."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from contracts import cli, sweep, targets
from contracts.safety import new_run_id
from contracts.sdk import Folder, PermanentClient
from mock_backend.app import create_app
from mock_backend.config import Settings
from mock_backend.domain.seed import DEMO_EMAIL, DEMO_PASSWORD
from mock_backend.server import serve_in_thread
from mock_backend.testing import mint_token

NOW = datetime(2025, 1, 31, 12, 0, 0, tzinfo=UTC)
SIX_HOURS = timedelta(hours=6)


def run_name(started: datetime, token: str) -> str:
    """The name of the run folder of a run that started then."""
    return f"contract-{new_run_id(started, token)}"


@dataclass(frozen=True)
class Layout:
    """What `populate` put in a test folder, by what a sweep must do with it."""

    old: list[str]
    recent: list[str]
    decoys: list[str]
    record: str


def populate(client: PermanentClient, parent_id: int, now: datetime) -> Layout:
    """Fill a test folder with old and recent run folders, folders named almost like them, and a record."""
    old = [run_name(now - timedelta(hours=30), "0a0a"), run_name(now - timedelta(hours=7), "0b0b")]
    recent = [run_name(now - timedelta(hours=5, minutes=59), "0c0c"), run_name(now - timedelta(hours=1), "0d0d")]
    decoys = [
        "contract-notatime",
        "Contract-" + new_run_id(now - timedelta(hours=30), "0e0e"),
        run_name(now - timedelta(hours=30), "0f0f") + "-leftover",
        run_name(now - timedelta(hours=30), "ABCD"),
        "unrelated",
    ]
    for name in [*old, *recent, *decoys]:
        folder = client.create_folder(name, parent_id, fail_on_duplicate_name=True)
        client.create_folder("inside", folder.id)  # a run folder is deleted with its subtree
    record = run_name(now - timedelta(hours=30), "1a1a")
    url = client.upload_file(b"x", name=record, parent_folder_id=parent_id)
    client.create_archive_record(url, display_name=record, parent_folder_id=parent_id, upload_file_name=record, size=1)
    return Layout(old, recent, decoys, record)


def children(client: PermanentClient, folder_id: int) -> tuple[list[str], list[str]]:
    """The names of a folder's child folders and records, sorted."""
    listing = client.get_folder(folder_id)
    return sorted(f.name for f in listing.folders), sorted(r.display_name for r in listing.archive_records)


def my_files(client: PermanentClient) -> Folder:
    """The demo archive's My Files."""
    demo = next(a for a in client.get_archives() if a.name == "Demo Archive")
    return next(f for f in client.get_archive_folders(demo.id) if f.name == "My Files")


@pytest.fixture
def client() -> Iterator[PermanentClient]:
    """A client of a fresh in-process mock, acting as the demo account."""
    with targets.in_process_client() as sdk:
        yield sdk


@pytest.fixture
def test_folder(client: PermanentClient) -> Folder:
    """An empty test folder inside My Files."""
    return client.create_folder("sweep-test-folder", my_files(client).id)


# --------------------------------------------------------------------------- names


def test_parse_run_folder_name_of_new_run_id_round_trips() -> None:
    """The name of a run folder made from `new_run_id` gives back that run id and its start time."""
    run_id = new_run_id(NOW)
    assert sweep.parse_run_folder_name(f"contract-{run_id}") == (run_id, NOW)


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("contract-notatime", id="not-a-time"),
        pytest.param("Contract-250131120000-abcd", id="capital-prefix"),
        pytest.param("contract-250131120000-abcd-x", id="item-of-a-run"),
        pytest.param("contract-250131120000-abcd (1)", id="duplicate-suffix"),
        pytest.param(" contract-250131120000-abcd", id="leading-space"),
        pytest.param("contract-250131120000-abcd\n", id="trailing-newline"),
        pytest.param("contract-250131120000-ABCD", id="uppercase-hex"),
        pytest.param("contract-250131120000-abc", id="three-hex-digits"),
        pytest.param("contract-2501311200-abcd", id="short-timestamp"),
        pytest.param("contract-251332000000-abcd", id="month-13"),
        pytest.param("contract-250230120000-abcd", id="february-30"),
        pytest.param("contract-٢٥٠١٣١١٢٠٠٠٠-abcd", id="non-ascii-digits"),
        pytest.param("contract-", id="prefix-only"),
    ],
)
def test_parse_run_folder_name_of_decoy_returns_none(name: str) -> None:
    """A name that is not exactly `contract-<yymmddHHMMSS>-<4 lowercase hex>` is not a run folder."""
    assert sweep.parse_run_folder_name(name) is None


def fake_folder(folder_id: int, name: str) -> Folder:
    """A childless folder with that id and name."""
    return Folder(folder_id, folder_id, name, name, None, 0, NOW, NOW)


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        pytest.param(0, ["30h", "7h", "1h"], id="zero-takes-every-past-run"),
        pytest.param(6, ["30h", "7h"], id="default-six"),
        pytest.param(7, ["30h"], id="exactly-seven-is-not-older"),
        pytest.param(48, [], id="nothing-that-old"),
    ],
)
def test_classify_with_threshold_selects_runs_started_before_it(hours: int, expected: list[str]) -> None:
    """A run folder is stale when its run started strictly more than the threshold ago; future runs never are."""
    ages = {"1h": 1, "30h": 30, "7h": 7, "future": -2}
    folders = [fake_folder(n, run_name(NOW - timedelta(hours=age), "abcd")) for n, age in enumerate(ages.values())]
    labels = {folder.id: label for folder, label in zip(folders, ages, strict=True)}
    stale, kept = sweep.classify(folders, now=NOW, older_than=timedelta(hours=hours))
    assert [labels[f.folder_id] for f in stale] == expected
    assert {labels[f.folder_id] for f in kept} == set(ages) - set(expected)


def test_classify_current_run_is_kept() -> None:
    """The current run's folder is never stale, however old its time stamp."""
    current = new_run_id(NOW - timedelta(days=3), "cafe")
    stale, kept = sweep.classify([fake_folder(1, f"contract-{current}")], now=NOW, older_than=SIX_HOURS, keep={current})
    assert (stale, [f.run_id for f in kept]) == ([], [current])


@pytest.mark.parametrize(
    ("now", "older_than", "message"),
    [
        pytest.param(NOW.replace(tzinfo=None), SIX_HOURS, "timezone-aware", id="naive-now"),
        pytest.param(NOW, -SIX_HOURS, "negative", id="negative-threshold"),
    ],
)
def test_classify_with_bad_arguments_raises(now: datetime, older_than: timedelta, message: str) -> None:
    """A naive `now` or a negative threshold is refused."""
    with pytest.raises(ValueError, match=message):
        sweep.classify([], now=now, older_than=older_than)


# --------------------------------------------------------------------------- against the in-process mock


def test_sweep_dry_run_lists_old_run_folders_and_deletes_nothing(client: PermanentClient, test_folder: Folder) -> None:
    """By default the sweep selects exactly the old run folders and leaves the test folder as it was."""
    layout = populate(client, test_folder.id, NOW)
    before = children(client, test_folder.id)
    report = sweep.sweep(client, test_folder.id, older_than=SIX_HOURS, now=NOW)
    assert report.dry_run
    assert [f.name for f in report.stale] == layout.old
    assert [f.name for f in report.kept] == layout.recent
    assert (report.deleted, report.gone, report.failed) == ([], [], [])
    assert children(client, test_folder.id) == before


def test_sweep_with_delete_removes_exactly_old_run_folders(client: PermanentClient, test_folder: Folder) -> None:
    """With `delete`, the old run folders (and their contents) go; recent runs, decoys and the record stay."""
    layout = populate(client, test_folder.id, NOW)
    allowed: list[int] = []
    report = sweep.sweep(
        client, test_folder.id, older_than=SIX_HOURS, now=NOW, delete=True, before_delete=allowed.append
    )
    assert [f.name for f in report.deleted] == layout.old
    assert allowed == [f.folder_id for f in report.stale]
    assert report.ok
    assert children(client, test_folder.id) == (sorted(layout.recent + layout.decoys), [layout.record])


def test_sweep_with_delete_keeps_the_current_run(client: PermanentClient, test_folder: Folder) -> None:
    """A run id in `keep` is not deleted even when its folder is old."""
    layout = populate(client, test_folder.id, NOW)
    current = layout.old[0].removeprefix("contract-")
    report = sweep.sweep(client, test_folder.id, older_than=SIX_HOURS, now=NOW, keep={current}, delete=True)
    assert [f.name for f in report.deleted] == layout.old[1:]
    assert layout.old[0] in children(client, test_folder.id)[0]


# --------------------------------------------------------------------------- the command


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, str]]:
    """The mock served on a thread, as a server reached by URL, with a token of the demo account."""
    app = create_app(Settings())
    with serve_in_thread(app) as base_url:
        yield base_url, mint_token(app, DEMO_EMAIL)


def clear_permanent_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Remove every PERMANENT_* variable of the calling environment."""
    for name in list(os.environ):
        if name.startswith("PERMANENT_"):
            monkeypatch.delenv(name)


@pytest.fixture
def url_folder(server: tuple[str, str], monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Layout:
    """A populated test folder on the served mock, configured as the url target's test folder by environment."""
    base_url, token = server
    now = datetime.now(UTC)
    with PermanentClient.for_base_url(base_url, token=token) as sdk:
        folder = sdk.create_folder(f"sweep-{request.node.name}", my_files(sdk).id, fail_on_duplicate_name=True)
        layout = populate(sdk, folder.id, now)
    clear_permanent_env(monkeypatch)
    monkeypatch.setenv("PERMANENT_API_URL", f"{base_url}/api")
    monkeypatch.setenv("PERMANENT_LOGIN", DEMO_EMAIL)
    monkeypatch.setenv("PERMANENT_PASSWORD", DEMO_PASSWORD)
    monkeypatch.setenv("PERMANENT_TEST_FOLDER_ID", str(folder.id))
    monkeypatch.setenv("PERMANENT_RATE_LIMIT", "200")
    return layout


def url_children(server: tuple[str, str]) -> tuple[list[str], list[str]]:
    """The names in the configured test folder of the served mock."""
    base_url, token = server
    with PermanentClient.for_base_url(base_url, token=token) as sdk:
        return children(sdk, int(os.environ["PERMANENT_TEST_FOLDER_ID"]))


def test_sweep_command_without_yes_prints_old_run_folders_and_exits_0(
    server: tuple[str, str], url_folder: Layout, capsys: pytest.CaptureFixture[str]
) -> None:
    """The default dry run names exactly the old run folders and deletes nothing."""
    before = url_children(server)
    assert cli.main(["sweep"]) == cli.EXIT_CLEAN
    out = capsys.readouterr().out
    listed = [line.split()[2] for line in out.splitlines() if line.startswith("would delete ")]
    assert listed == url_folder.old
    assert "2 run folder(s) older than 6 h, 2 recent or current kept" in out
    assert url_children(server) == before


def test_sweep_command_with_yes_deletes_exactly_old_run_folders(
    server: tuple[str, str], url_folder: Layout, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--yes` deletes the old run folders through the guarded url target, sparing the current run and decoys."""
    current = url_folder.old[0].removeprefix("contract-")
    monkeypatch.setenv("PERMANENT_RUN_ID", current)
    assert cli.main(["sweep", "--yes", "--older-than", "6.5"]) == cli.EXIT_CLEAN
    out = capsys.readouterr().out
    assert [line.split()[1] for line in out.splitlines() if line.startswith("deleted ")] == url_folder.old[1:]
    remaining = sorted([url_folder.old[0], *url_folder.recent, *url_folder.decoys])
    assert url_children(server) == (remaining, [url_folder.record])


def test_sweep_command_without_url_settings_exits_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without URL settings the command prints the suite's one message and exits 2."""
    clear_permanent_env(monkeypatch)
    assert cli.main(["sweep", "--yes"]) == cli.EXIT_USAGE
    problem = targets.url_settings_problem()
    assert problem is not None
    assert capsys.readouterr().err.strip() == f"permanent-contracts: {problem}"


@pytest.mark.parametrize("hours", [pytest.param("-1", id="negative"), pytest.param("soon", id="not-a-number")])
def test_sweep_command_with_bad_older_than_exits_2(hours: str, capsys: pytest.CaptureFixture[str]) -> None:
    """A negative or non-numeric `--older-than` is a usage error."""
    with pytest.raises(SystemExit) as exited:
        cli.main(["sweep", "--older-than", hours])
    assert exited.value.code == cli.EXIT_USAGE
    assert "--older-than" in capsys.readouterr().err
