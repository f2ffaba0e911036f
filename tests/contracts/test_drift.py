"""Tests of contracts.drift: shape and value comparison, aggregation, the allow-list and the report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from contracts import drift
from contracts.normalise import shape

Snapshot = dict[str, Any]


def exchange(operation: str, body: object, status: int = 200) -> dict[str, Any]:
    """A recorded exchange with a JSON answer."""
    return {
        "operation": operation,
        "request": {"method": "GET", "service": "php", "path": "/x", "query": {}, "body": ""},
        "response": {
            "status": status,
            "content_type": "application/json",
            "headers": {},
            "shape": shape(body),
            "body": body,
        },
    }


def snapshot(scenario: str, *exchanges: dict[str, Any], outcome: str = "passed") -> Snapshot:
    """A snapshot document."""
    return {
        "format": drift.SNAPSHOT_FORMAT,
        "scenario": scenario,
        "target": "t",
        "outcome": outcome,
        "exchanges": list(exchanges),
    }


FOLDER = {"folderId": "<id:folder:1>", "downloadName": "x", "ChildItemVOs": [], "createdDT": "<ts:php>"}


def kinds(found: list[drift.Difference]) -> list[tuple[str, str]]:
    """(kind, path) of each difference."""
    return [(d.kind, d.path) for d in found]


def test_identical_snapshots_have_no_drift() -> None:
    """A snapshot compared with itself is clean."""
    one = {"s": snapshot("s", exchange("op", FOLDER))}
    assert drift.compare_snapshots(one, one) == []


def test_compare_shapes_reports_missing_extra_and_type_changes() -> None:
    """Fields only in A are missing, only in B extra, on both sides with another type a type change."""
    a = {"$": "object", "$.a": "integer", "$.b": "string"}
    b = {"$": "object", "$.a": "string", "$.c": "null"}
    assert drift.compare_shapes(a, b) == [
        ("type_change", "$.a", "integer", "string"),
        ("missing_field", "$.b", "string", None),
        ("extra_field", "$.c", None, "null"),
    ]


def test_compare_shapes_reports_a_missing_array_once() -> None:
    """When an array's items vanish, the fields below them are not reported one by one."""
    a = shape({"FileVOs": [{"fileId": 1, "size": 3}]})
    b = shape({"FileVOs": []})
    assert drift.compare_shapes(a, b) == [("missing_field", "$.FileVOs[]", "object", None)]


def test_compare_values_reports_scalars_and_lengths() -> None:
    """Scalars that differ are value changes; arrays of another length are length changes."""
    a = {"name": "x (1)", "items": [1, 2], "ts": "<ts:php>"}
    b = {"name": "x", "items": [1], "ts": "<ts:offset>"}
    assert drift.compare_values(a, b) == [
        ("value_change", "$.name", "x (1)", "x"),
        ("length_change", "$.items", 2, 1),
    ]


def test_compare_values_leaves_type_changes_to_shapes() -> None:
    """0 against false differs in type, which the shape comparison reports; no value change on top."""
    assert drift.compare_values({"toggle": 0}, {"toggle": False}) == []


def test_status_change_suppresses_body_comparison() -> None:
    """A different status is one difference; the bodies of a 404 and a 200 are not compared."""
    a = exchange("op", {"message": "error.folder.lookup"}, 404)
    b = exchange("op", FOLDER, 200)
    assert drift.compare_exchange(a, b) == [("status_change", "status", 404, 200)]


def test_compare_snapshot_reports_exchanges_only_on_one_side() -> None:
    """A scenario that stops early on B lacks exchanges; its outcome change is reported too."""
    a = snapshot("s", exchange("one", FOLDER), exchange("two", FOLDER))
    b = snapshot("s", exchange("one", FOLDER), outcome="failed")
    assert kinds(drift.compare_snapshot(a, b, "s")) == [("outcome_change", "outcome"), ("missing_exchange", "exchange")]


def test_compare_snapshot_stops_at_a_different_operation() -> None:
    """When the sequences part, the rest is not compared exchange by exchange."""
    a = snapshot("s", exchange("one", FOLDER), exchange("two", FOLDER))
    b = snapshot("s", exchange("other", {"x": 1}), exchange("two", {"y": 1}))
    assert kinds(drift.compare_snapshot(a, b, "s")) == [("sequence_change", "operation")]


def test_missing_scenario_is_reported() -> None:
    """A scenario recorded only in A is a missing scenario."""
    assert kinds(drift.compare_snapshots({"s": snapshot("s")}, {})) == [("missing_scenario", "s")]


def test_aggregate_merges_equal_differences_across_scenarios() -> None:
    """The same difference in two scenarios is one item, counted twice, naming both scenarios."""
    a = {n: snapshot(n, exchange("op", {"v": 1})) for n in ("s1", "s2")}
    b = {n: snapshot(n, exchange("op", {"v": "1"})) for n in ("s1", "s2")}
    [item] = drift.aggregate(drift.compare_snapshots(a, b))
    assert (item.operation, item.kind, item.path, item.count, item.scenarios) == (
        "op",
        "type_change",
        "$.v",
        2,
        ("s1", "s2"),
    )


ALLOW = {
    "allow": [
        {"operation": "get_*", "kind": "extra_field", "path": "$.detail", "reason": "mock-only sentence"},
        {"kind": "value_change", "path": "$.fullName", "a": "Staging User", "reason": "different accounts"},
    ]
}


def item(operation: str, kind: str, path: str, a: object = None, b: object = None) -> drift.DriftItem:
    """A drift item seen in one scenario."""
    return drift.DriftItem(operation, kind, path, a, b, ("s",), 1)  # type: ignore[arg-type]


def test_allowlist_explains_matching_items_and_reports_stale_entries() -> None:
    """Items matching an entry carry its reason; entries matching nothing are stale."""
    entries = drift.parse_allowlist(ALLOW)
    items = [item("get_folder", "extra_field", "$.detail"), item("create_folder", "extra_field", "$.detail")]
    stale = drift.apply_allowlist(items, entries)
    assert [i.reason for i in items] == ["mock-only sentence", None]
    assert [e.reason for e in stale] == ["different accounts"]


def test_allowlist_entry_with_values_matches_only_those_values() -> None:
    """`a`/`b` in an entry must equal the item's values."""
    [_, by_value] = drift.parse_allowlist(ALLOW)
    assert by_value.matches(item("x", "value_change", "$.fullName", "Staging User", "Demo User"))
    assert not by_value.matches(item("x", "value_change", "$.fullName", "Someone", "Demo User"))


@pytest.mark.parametrize(
    ("document", "message"),
    [
        pytest.param({"allow": [{"path": "$.x"}]}, "reason", id="no-reason"),
        pytest.param({"allow": [{"reason": "  "}]}, "reason", id="blank-reason"),
        pytest.param({"allow": [{"reason": "r", "kind": "renamed"}]}, "unknown kind", id="unknown-kind"),
        pytest.param({"allow": [{"reason": "r", "because": "x"}]}, "unknown key", id="unknown-key"),
        pytest.param({"allow": [{"reason": "r", "path": 3}]}, "glob", id="path-not-string"),
        pytest.param({"known": []}, "one key", id="wrong-top-level"),
        pytest.param({"allow": {"reason": "r"}}, "list", id="not-a-list"),
        pytest.param({"allow": [{"reason": "r", "scenario": []}]}, "scenario", id="empty-scenario-list"),
    ],
)
def test_malformed_allowlist_is_refused(document: object, message: str) -> None:
    """Every allow-list entry needs a reason and known keys and kinds."""
    with pytest.raises(drift.AllowListError, match=message):
        drift.parse_allowlist(document)


def test_allowlist_scenario_list_must_cover_every_scenario_of_an_item() -> None:
    """An entry with several scenario globs explains an item only if each of its scenarios matches one."""
    [entry] = drift.parse_allowlist({"allow": [{"scenario": ["test_a::*", "test_b::x"], "reason": "r"}]})
    both = drift.DriftItem("op", "extra_exchange", "exchange", False, True, ("test_a::y", "test_b::x"), 2)
    other = drift.DriftItem("op", "extra_exchange", "exchange", False, True, ("test_a::y", "test_c::z"), 2)
    assert entry.matches(both)
    assert not entry.matches(other)


def test_empty_allowlist_document_allows_nothing() -> None:
    """An empty file (None) is an empty allow-list."""
    assert drift.parse_allowlist(None) == []


def write_dir(root: Path, snapshots: list[Snapshot]) -> Path:
    """Write snapshots as files of a directory."""
    root.mkdir(parents=True, exist_ok=True)
    for index, document in enumerate(snapshots):
        (root / f"s{index}.json").write_text(json.dumps(document))
    return root


def test_compare_dirs_reads_directories(tmp_path: Path) -> None:
    """compare_dirs loads both directories and reports drift between them."""
    a = write_dir(tmp_path / "a", [snapshot("s", exchange("op", {"v": 1}))])
    b = write_dir(tmp_path / "b", [snapshot("s", exchange("op", {"v": 1, "w": 2}))])
    report = drift.compare_dirs(a, b)
    assert [(i.kind, i.path) for i in report.unexplained] == [("extra_field", "$.w")]
    assert not report.clean


def test_load_snapshots_refuses_foreign_files(tmp_path: Path) -> None:
    """A JSON file that is not a snapshot stops the comparison with its name."""
    (tmp_path / "x.json").write_text('{"hello": 1}')
    with pytest.raises(drift.SnapshotError, match=r"x\.json"):
        drift.load_snapshots(tmp_path)


def test_load_snapshots_refuses_duplicate_scenarios(tmp_path: Path) -> None:
    """Two files of the same scenario are ambiguous."""
    write_dir(tmp_path, [snapshot("s"), snapshot("s")])
    with pytest.raises(drift.SnapshotError, match="twice"):
        drift.load_snapshots(tmp_path)


def test_load_snapshots_refuses_a_missing_directory(tmp_path: Path) -> None:
    """A missing directory is an error, not an empty comparison."""
    with pytest.raises(drift.SnapshotError, match="no such"):
        drift.load_snapshots(tmp_path / "nope")


def test_report_renders_markdown_tables_per_operation() -> None:
    """The Markdown report has a summary and one table per operation, with reasons for explained items."""
    items = [
        item("get_folder", "extra_field", "$.detail", None, "string"),
        item("create_folder", "type_change", "$.a|b"),
    ]
    items[0].reason = "mock-only sentence"
    text = drift.DriftReport("A", "B", items).to_markdown()
    assert "unexplained differences: **1**" in text
    assert "### `create_folder`" in text
    assert "### `get_folder`" in text
    assert "mock-only sentence" in text
    assert "`$.a\\|b`" in text, "pipes in cells are escaped"


def test_report_json_lists_unexplained_and_explained() -> None:
    """The JSON report separates unexplained from explained items."""
    items = [item("op", "extra_field", "$.x")]
    data = drift.DriftReport("A", "B", items).as_json()
    assert data["clean"] is False
    assert [i["path"] for i in data["unexplained"]] == ["$.x"]  # type: ignore[index, union-attr]


@pytest.mark.parametrize(
    ("out", "expected"),
    [
        pytest.param("r.md", ("r.md", "r.json"), id="markdown-file"),
        pytest.param("r.json", ("r.md", "r.json"), id="json-file"),
        pytest.param("reports", ("reports/drift-report.md", "reports/drift-report.json"), id="directory"),
    ],
)
def test_report_paths_from_out(out: str, expected: tuple[str, str]) -> None:
    """`--out` names a file pair or a directory."""
    assert drift.report_paths(Path(out)) == (Path(expected[0]), Path(expected[1]))
