"""Tests of the `permanent-contracts compare` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from contracts import cli, drift
from tests.contracts.test_drift import exchange


def write_snapshot(directory: Path, body: object, status: int = 200) -> Path:
    """Write one snapshot with one exchange into a directory."""
    directory.mkdir(parents=True, exist_ok=True)
    document = {
        "format": drift.SNAPSHOT_FORMAT,
        "scenario": "test_x::test_y",
        "target": directory.name,
        "outcome": "passed",
        "exchanges": [exchange("get_folder", body, status)],
    }
    (directory / "test_x__test_y.json").write_text(json.dumps(document))
    return directory


def test_compare_without_drift_exits_0_and_writes_both_reports(tmp_path: Path) -> None:
    """Equal snapshots: exit 0, Markdown and JSON written."""
    a = write_snapshot(tmp_path / "a", {"v": 1})
    b = write_snapshot(tmp_path / "b", {"v": 1})
    assert cli.main(["compare", str(a), str(b), "--out", str(tmp_path / "report.md")]) == cli.EXIT_CLEAN
    assert json.loads((tmp_path / "report.json").read_text())["clean"] is True
    assert "No unexplained drift." in (tmp_path / "report.md").read_text()


def test_compare_with_unexplained_drift_exits_1(tmp_path: Path) -> None:
    """A status difference nobody explains fails the command."""
    a = write_snapshot(tmp_path / "a", {"message": "error.folder.lookup"}, 404)
    b = write_snapshot(tmp_path / "b", {"message": "error.folder.lookup"}, 200)
    assert cli.main(["compare", str(a), str(b), "--out", str(tmp_path / "out")]) == cli.EXIT_DRIFT
    report = json.loads((tmp_path / "out" / "drift-report.json").read_text())
    assert [(i["kind"], i["a"], i["b"]) for i in report["unexplained"]] == [("status_change", 404, 200)]


def test_compare_with_allowlisted_drift_exits_0(tmp_path: Path) -> None:
    """The same drift, explained by the allow-list, passes and keeps the reason in the report."""
    a = write_snapshot(tmp_path / "a", {"v": 1})
    b = write_snapshot(tmp_path / "b", {"v": 1, "detail": "x"})
    allow = tmp_path / "allow.yaml"
    allow.write_text("allow:\n  - kind: extra_field\n    path: '$.detail'\n    reason: the mock adds a sentence\n")
    code = cli.main(["compare", str(a), str(b), "--allow", str(allow), "--out", str(tmp_path / "r.json")])
    assert code == cli.EXIT_CLEAN
    assert (
        json.loads((tmp_path / "r.json").read_text())["explained"][0]["allowed_because"] == "the mock adds a sentence"
    )


def test_compare_with_malformed_allowlist_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An allow-list entry without a reason is a usage error that names the problem."""
    a = write_snapshot(tmp_path / "a", {"v": 1})
    allow = tmp_path / "allow.yaml"
    allow.write_text("allow:\n  - path: '$.x'\n")
    assert cli.main(["compare", str(a), str(a), "--allow", str(allow), "--out", str(tmp_path)]) == cli.EXIT_USAGE
    assert "reason" in capsys.readouterr().err


def test_compare_with_missing_directory_exits_2(tmp_path: Path) -> None:
    """A snapshot directory that does not exist is a usage error."""
    a = write_snapshot(tmp_path / "a", {"v": 1})
    assert cli.main(["compare", str(a), str(tmp_path / "nope"), "--out", str(tmp_path)]) == cli.EXIT_USAGE


def test_shipped_allowlist_parses() -> None:
    """contracts/allowlist.yaml is a valid allow-list (every entry has a reason)."""
    path = Path(cli.__file__).resolve().parent / "allowlist.yaml"
    drift.load_allowlist(path)


def test_compare_applies_the_default_allowlist_and_stays_clean_on_equal_runs(tmp_path: Path) -> None:
    """Without --allow the project's allow-list applies; its optional entries never make equal runs fail."""
    a = write_snapshot(tmp_path / "a", {"v": 1})
    b = write_snapshot(tmp_path / "b", {"v": 1, "detail": "x"})
    assert cli.main(["compare", str(a), str(b), "--out", str(tmp_path / "r.json")]) == cli.EXIT_CLEAN
    assert cli.main(["compare", str(a), str(b), "--no-allow", "--out", str(tmp_path / "s.json")]) == cli.EXIT_DRIFT


def test_compare_with_stale_allowlist_entry_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An entry that explains nothing (and is not optional) fails the compare and is named."""
    a = write_snapshot(tmp_path / "a", {"v": 1})
    allow = tmp_path / "allow.yaml"
    allow.write_text("allow:\n  - kind: extra_field\n    path: '$.gone'\n    reason: fixed long ago\n")
    assert cli.main(["compare", str(a), str(a), "--allow", str(allow), "--out", str(tmp_path)]) == cli.EXIT_DRIFT
    assert "stale: * extra_field $.gone: fixed long ago" in capsys.readouterr().out
