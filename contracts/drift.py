"""Drift between two targets' snapshots: per-operation field, type, value and status differences, and the allow-list.

A snapshot directory holds one JSON file per scenario (written by `contracts.recording`). `compare_dirs`
lines up the scenarios of a reference directory A (e.g. real staging) and a candidate B (e.g. the
mock), exchange by exchange, and reports what B does differently:

    missing_field / extra_field   a JSON path A has and B lacks, or the other way round
    type_change                   the same path with another JSON type (timestamps carry their format)
    value_change                  the same path and type with another normalised value
    length_change                 an array with another number of items
    status_change                 another HTTP status (bodies are then not compared)
    missing_exchange / extra_exchange / sequence_change   the scenario made other calls
    missing_scenario / extra_scenario / outcome_change    a scenario absent, or passing on one side only

Differences are aggregated per (operation, kind, path, a, b). An allow-list explains known ones, each
with a reason; whatever it does not explain is unexplained drift.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from contracts.normalise import JsonValue

SNAPSHOT_FORMAT = "permanent-contracts-snapshot/1"
#: The allow-list `permanent-contracts compare` applies unless told otherwise.
DEFAULT_ALLOWLIST = Path(__file__).resolve().parent / "allowlist.yaml"
REPORT_FORMAT = "permanent-contracts-drift/1"

KINDS = (
    "missing_field",
    "extra_field",
    "type_change",
    "value_change",
    "length_change",
    "status_change",
    "missing_exchange",
    "extra_exchange",
    "sequence_change",
    "missing_scenario",
    "extra_scenario",
    "outcome_change",
)
SCENARIO_OPERATION = "(scenario)"
"""The operation name of differences that concern a whole scenario."""


class SnapshotError(ValueError):
    """A snapshot file is not a snapshot this module understands."""


class AllowListError(ValueError):
    """The allow-list file is malformed (unknown key or kind, missing reason, ...)."""


@dataclass(frozen=True)
class Difference:
    """One difference of one exchange (or scenario) of B against A."""

    operation: str
    kind: str
    path: str
    a: JsonValue
    b: JsonValue
    scenario: str


@dataclass(frozen=True)
class AllowEntry:
    """One known difference: glob patterns for operation, path and scenarios; optional exact values."""

    reason: str
    operation: str = "*"
    kind: str = "*"
    path: str = "*"
    scenarios: tuple[str, ...] = ("*",)
    a: JsonValue = None
    b: JsonValue = None
    has_a: bool = False
    has_b: bool = False
    #: An entry that may legitimately explain nothing in a run (e.g. a staging-only difference while the mock
    #: is compared with itself); it is never reported as stale.
    optional: bool = False

    def matches(self, item: DriftItem) -> bool:
        """Tell whether this entry explains an aggregated difference (every scenario of it must match)."""
        return (
            glob_match(item.operation, self.operation)
            and (self.kind == "*" or self.kind == item.kind)
            and glob_match(item.path, self.path)
            and all(any(glob_match(s, pattern) for pattern in self.scenarios) for s in item.scenarios)
            and (not self.has_a or self.a == item.a)
            and (not self.has_b or self.b == item.b)
        )


_BRACES = re.compile(r"\{([^{}]*)\}")
#: A literal `[]` (an array step of a JSON path), but not the `[[]` or `[]]` escapes of fnmatch itself.
_EMPTY_BRACKETS = re.compile(r"(?<!\[)\[\](?!\])")


def glob_match(value: str, pattern: str) -> bool:
    """Match a glob (fnmatch, case-sensitive) with shell-style alternatives: `$.{a,b}.c` matches `$.a.c` and `$.b.c`."""
    found = _BRACES.search(pattern)
    if found is None:
        # JSON paths write arrays as `[]`, which fnmatch would read as the start of a character class.
        return fnmatch.fnmatchcase(value, _EMPTY_BRACKETS.sub("[[]]", pattern))
    head, tail = pattern[: found.start()], pattern[found.end() :]
    return any(glob_match(value, head + choice + tail) for choice in found.group(1).split(","))


@dataclass
class DriftItem:
    """A difference aggregated over every exchange and scenario where it occurred."""

    operation: str
    kind: str
    path: str
    a: JsonValue
    b: JsonValue
    scenarios: tuple[str, ...]
    count: int
    reason: str | None = None

    def as_json(self) -> dict[str, JsonValue]:
        """Return the item as plain JSON."""
        return {
            "operation": self.operation,
            "kind": self.kind,
            "path": self.path,
            "a": self.a,
            "b": self.b,
            "count": self.count,
            "scenarios": list(self.scenarios),
            "allowed_because": self.reason,
        }


@dataclass
class DriftReport:
    """The aggregated drift of B against A, split by the allow-list."""

    a_label: str
    b_label: str
    items: list[DriftItem]
    stale_entries: list[AllowEntry] = field(default_factory=list)

    @property
    def unexplained(self) -> list[DriftItem]:
        """Differences no allow-list entry explains."""
        return [item for item in self.items if item.reason is None]

    @property
    def explained(self) -> list[DriftItem]:
        """Differences an allow-list entry explains."""
        return [item for item in self.items if item.reason is not None]

    @property
    def clean(self) -> bool:
        """True when nothing is unexplained."""
        return not self.unexplained

    def as_json(self) -> dict[str, JsonValue]:
        """Return the report as plain JSON."""
        return {
            "format": REPORT_FORMAT,
            "a": self.a_label,
            "b": self.b_label,
            "clean": self.clean,
            "unexplained": [item.as_json() for item in self.unexplained],
            "explained": [item.as_json() for item in self.explained],
            "stale_allow_entries": [
                {"operation": e.operation, "kind": e.kind, "path": e.path, "reason": e.reason}
                for e in self.stale_entries
            ],
        }

    def to_markdown(self) -> str:
        """Render the report for people: a summary, then one table per operation."""
        lines = [
            "# Drift report",
            "",
            f"- **A** (reference): `{self.a_label}`",
            f"- **B** (candidate): `{self.b_label}`",
            f"- unexplained differences: **{len(self.unexplained)}**; explained by the allow-list: "
            f"{len(self.explained)}; stale allow-list entries: {len(self.stale_entries)}",
            "",
        ]
        if self.clean:
            lines += ["No unexplained drift.", ""]
        lines += _markdown_section("Unexplained drift", self.unexplained, with_reason=False)
        lines += _markdown_section("Explained by the allow-list", self.explained, with_reason=True)
        if self.stale_entries:
            lines += ["## Stale allow-list entries (matched nothing)", ""]
            lines += [f"- `{e.operation}` {e.kind} `{e.path}`: {e.reason}" for e in self.stale_entries]
            lines.append("")
        return "\n".join(lines)


def _markdown_section(title: str, items: Sequence[DriftItem], *, with_reason: bool) -> list[str]:
    """Render one group of items as per-operation tables."""
    if not items:
        return []
    lines = [f"## {title}", ""]
    operations = sorted({item.operation for item in items})
    for operation in operations:
        lines += [f"### `{operation}`", ""]
        header = "| kind | path | A | B | seen | scenarios |"
        rule = "|---|---|---|---|---|---|"
        if with_reason:
            header, rule = header + " reason |", rule + "---|"
        lines += [header, rule]
        for item in (i for i in items if i.operation == operation):
            scenarios = ", ".join(f"`{s}`" for s in item.scenarios[:3])
            if len(item.scenarios) > 3:
                scenarios += f" (+{len(item.scenarios) - 3})"
            path = "`" + item.path.replace("|", "\\|") + "`"
            row = f"| {item.kind} | {path} | {_cell(item.a)} | {_cell(item.b)} | {item.count} | {scenarios} |"
            lines.append(row + (f" {item.reason} |" if with_reason else ""))
        lines.append("")
    return lines


def _cell(value: JsonValue) -> str:
    """Format a value for a Markdown table cell."""
    text = json.dumps(value, ensure_ascii=False)
    text = text if len(text) <= 60 else text[:57] + "..."
    return "`" + text.replace("|", "\\|").replace("`", "'") + "`"


# --------------------------------------------------------------------------- snapshots


def load_snapshot(path: Path) -> dict[str, JsonValue]:
    """Read one snapshot file.

    Raises:
        SnapshotError: the file is not JSON or not a snapshot of the known format.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SnapshotError(f"{path}: cannot read a snapshot ({exc})") from exc
    if not isinstance(data, dict) or data.get("format") != SNAPSHOT_FORMAT:
        raise SnapshotError(f"{path}: not a snapshot (expected format {SNAPSHOT_FORMAT!r})")
    if not isinstance(data.get("scenario"), str) or not isinstance(data.get("exchanges"), list):
        raise SnapshotError(f"{path}: a snapshot needs a 'scenario' string and an 'exchanges' list")
    return data


def load_snapshots(directory: Path) -> dict[str, dict[str, JsonValue]]:
    """Read every `*.json` snapshot of a directory, keyed by scenario name.

    Raises:
        SnapshotError: the directory does not exist, or a file is not a snapshot, or two share a scenario.
    """
    if not directory.is_dir():
        raise SnapshotError(f"{directory}: no such snapshot directory")
    snapshots: dict[str, dict[str, JsonValue]] = {}
    for path in sorted(directory.glob("*.json")):
        snapshot = load_snapshot(path)
        scenario = str(snapshot["scenario"])
        if scenario in snapshots:
            raise SnapshotError(f"{path}: scenario {scenario!r} is recorded twice")
        snapshots[scenario] = snapshot
    return snapshots


# --------------------------------------------------------------------------- comparison


def _exchanges(snapshot: Mapping[str, JsonValue]) -> list[dict[str, JsonValue]]:
    """The exchanges of a snapshot, each an object."""
    exchanges = snapshot.get("exchanges")
    if not isinstance(exchanges, list):
        return []
    return [exchange for exchange in exchanges if isinstance(exchange, dict)]


def _response(exchange: Mapping[str, JsonValue]) -> dict[str, JsonValue]:
    """The response object of an exchange ({} if absent)."""
    response = exchange.get("response")
    return response if isinstance(response, dict) else {}


def _shape(response: Mapping[str, JsonValue]) -> dict[str, str]:
    """The {path: type} map of a recorded response."""
    found = response.get("shape")
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}


def parent_path(path: str) -> str | None:
    """Return the path one level up (`$.a.b` → `$.a`, `$.a[]` → `$.a`), None for the root."""
    if path == "$":
        return None
    if path.endswith("[]"):
        return path[:-2]
    head, _, _ = path.rpartition(".")
    return head or None


def compare_shapes(a: Mapping[str, str], b: Mapping[str, str]) -> list[tuple[str, str, JsonValue, JsonValue]]:
    """Return (kind, path, a, b) for fields missing in B, extra in B, or of another type.

    A missing or extra path is reported only where its parent exists on both sides with the same type,
    so a missing array or object is one difference, not one per field below it.
    """
    found: list[tuple[str, str, JsonValue, JsonValue]] = []

    def comparable_parent(path: str) -> bool:
        parent = parent_path(path)
        return parent is None or (parent in a and parent in b and a[parent] == b[parent])

    for path in sorted(set(a) | set(b)):
        if path in a and path in b:
            if a[path] != b[path] and comparable_parent(path):
                found.append(("type_change", path, a[path], b[path]))
        elif comparable_parent(path):
            if path in a:
                found.append(("missing_field", path, a[path], None))
            else:
                found.append(("extra_field", path, None, b[path]))
    return found


def _is_placeholder(value: JsonValue, prefix: str) -> bool:
    """Tell whether a value is a placeholder string of a family (`<ts:`, `<id:`, ...)."""
    return isinstance(value, str) and value.startswith(prefix) and value.endswith(">")


def _same_json_type(a: JsonValue, b: JsonValue) -> bool:
    """Tell whether two scalars have the same JSON type (type changes are reported from shapes)."""
    kinds = (type(None), bool, int | float, str)
    return any(isinstance(a, kind) and isinstance(b, kind) for kind in kinds)


def compare_values(a: JsonValue, b: JsonValue, path: str = "$") -> list[tuple[str, str, JsonValue, JsonValue]]:
    """Return (kind, path, a, b) for scalars that differ and arrays of another length, at shared paths."""
    found: list[tuple[str, str, JsonValue, JsonValue]] = []
    if isinstance(a, dict) and isinstance(b, dict):
        for key in a:
            if key in b:
                found += compare_values(a[key], b[key], f"{path}.{key}")
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            found.append(("length_change", path, len(a), len(b)))
        for left, right in zip(a, b, strict=False):
            found += compare_values(left, right, f"{path}[]")
    elif (
        not isinstance(a, dict | list)
        and not isinstance(b, dict | list)
        and a != b
        and _same_json_type(a, b)
        and not (_is_placeholder(a, "<ts:") and _is_placeholder(b, "<ts:"))
    ):
        found.append(("value_change", path, a, b))
    return found


def compare_exchange(
    a: Mapping[str, JsonValue], b: Mapping[str, JsonValue]
) -> list[tuple[str, str, JsonValue, JsonValue]]:
    """Compare one exchange: the status first; bodies only when both statuses agree."""
    response_a, response_b = _response(a), _response(b)
    if response_a.get("status") != response_b.get("status"):
        return [("status_change", "status", response_a.get("status"), response_b.get("status"))]
    found = compare_shapes(_shape(response_a), _shape(response_b))
    found += compare_values(response_a.get("body"), response_b.get("body"))
    headers_a, headers_b = response_a.get("headers"), response_b.get("headers")
    if isinstance(headers_a, dict) and isinstance(headers_b, dict):
        found += compare_values(headers_a, headers_b, "headers")
    return found


def compare_snapshot(
    a: Mapping[str, JsonValue] | None, b: Mapping[str, JsonValue] | None, scenario: str
) -> list[Difference]:
    """Compare the two recordings of one scenario exchange by exchange."""
    if a is None or b is None:
        kind = "missing_scenario" if b is None else "extra_scenario"
        return [Difference(SCENARIO_OPERATION, kind, scenario, a is not None, b is not None, scenario)]
    found: list[Difference] = []
    if a.get("outcome") != b.get("outcome"):
        found.append(
            Difference(SCENARIO_OPERATION, "outcome_change", "outcome", a.get("outcome"), b.get("outcome"), scenario)
        )
    exchanges_a, exchanges_b = _exchanges(a), _exchanges(b)
    for left, right in zip(exchanges_a, exchanges_b, strict=False):
        operation = str(left.get("operation"))
        if left.get("operation") != right.get("operation"):
            found.append(
                Difference(
                    operation, "sequence_change", "operation", left.get("operation"), right.get("operation"), scenario
                )
            )
            return found
        found += [
            Difference(operation, kind, path, va, vb, scenario) for kind, path, va, vb in compare_exchange(left, right)
        ]
    for exchange in exchanges_a[len(exchanges_b) :]:
        found.append(Difference(str(exchange.get("operation")), "missing_exchange", "exchange", True, False, scenario))
    for exchange in exchanges_b[len(exchanges_a) :]:
        found.append(Difference(str(exchange.get("operation")), "extra_exchange", "exchange", False, True, scenario))
    return found


def compare_snapshots(
    a: Mapping[str, Mapping[str, JsonValue]], b: Mapping[str, Mapping[str, JsonValue]]
) -> list[Difference]:
    """Compare two sets of scenario snapshots (keyed by scenario)."""
    found: list[Difference] = []
    for scenario in sorted(set(a) | set(b)):
        found += compare_snapshot(a.get(scenario), b.get(scenario), scenario)
    return found


def aggregate(differences: Iterable[Difference]) -> list[DriftItem]:
    """Merge equal differences of several exchanges and scenarios into one item each."""
    merged: dict[tuple[str, str, str, str, str], tuple[Difference, set[str], int]] = {}
    for difference in differences:
        key = (
            difference.operation,
            difference.kind,
            difference.path,
            json.dumps(difference.a, sort_keys=True),
            json.dumps(difference.b, sort_keys=True),
        )
        first, scenarios, count = merged.get(key, (difference, set(), 0))
        scenarios.add(difference.scenario)
        merged[key] = (first, scenarios, count + 1)
    return [
        DriftItem(first.operation, first.kind, first.path, first.a, first.b, tuple(sorted(scenarios)), count)
        for _, (first, scenarios, count) in sorted(merged.items())
    ]


# --------------------------------------------------------------------------- allow-list

_ALLOW_KEYS = frozenset({"operation", "kind", "path", "scenario", "reason", "a", "b", "optional"})


def parse_allowlist(document: object, source: str = "allow-list") -> list[AllowEntry]:
    """Parse the allow-list document `{allow: [{reason, operation?, kind?, path?, scenario?, a?, b?}, ...]}`.

    Raises:
        AllowListError: the document has another shape, an entry lacks a reason, or names an unknown kind.
    """
    if document is None:
        return []
    if not isinstance(document, dict) or set(document) - {"allow"}:
        raise AllowListError(f"{source}: expected a mapping with one key, 'allow'")
    raw = document.get("allow") or []
    if not isinstance(raw, list):
        raise AllowListError(f"{source}: 'allow' must be a list of entries")
    entries: list[AllowEntry] = []
    for index, entry in enumerate(raw):
        where = f"{source}: entry {index + 1}"
        if not isinstance(entry, dict):
            raise AllowListError(f"{where}: expected a mapping")
        unknown = sorted(set(entry) - _ALLOW_KEYS)
        if unknown:
            raise AllowListError(f"{where}: unknown key(s) {', '.join(unknown)}")
        reason = entry.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise AllowListError(f"{where}: every entry needs a non-empty 'reason'")
        kind = str(entry.get("kind", "*"))
        if kind != "*" and kind not in KINDS:
            raise AllowListError(f"{where}: unknown kind {kind!r}; known: {', '.join(KINDS)}")
        patterns = {name: entry.get(name, "*") for name in ("operation", "path")}
        for name, value in patterns.items():
            if not isinstance(value, str):
                raise AllowListError(f"{where}: {name!r} must be a string (a glob pattern)")
        optional = entry.get("optional", False)
        if not isinstance(optional, bool):
            raise AllowListError(f"{where}: 'optional' must be true or false")
        scenarios = entry.get("scenario", "*")
        scenarios = [scenarios] if isinstance(scenarios, str) else scenarios
        if not isinstance(scenarios, list) or not all(isinstance(s, str) for s in scenarios) or not scenarios:
            raise AllowListError(f"{where}: 'scenario' must be a glob pattern or a list of them")
        entries.append(
            AllowEntry(
                reason=reason.strip(),
                operation=str(patterns["operation"]),
                kind=kind,
                path=str(patterns["path"]),
                scenarios=tuple(str(s) for s in scenarios),
                a=entry.get("a"),
                b=entry.get("b"),
                has_a="a" in entry,
                has_b="b" in entry,
                optional=optional,
            )
        )
    return entries


def load_allowlist(path: Path) -> list[AllowEntry]:
    """Read and parse an allow-list YAML file.

    Raises:
        AllowListError: the file cannot be read, is not YAML, or is malformed.
    """
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise AllowListError(f"{path}: cannot read the allow-list ({exc})") from exc
    return parse_allowlist(document, str(path))


def apply_allowlist(items: Sequence[DriftItem], entries: Sequence[AllowEntry]) -> list[AllowEntry]:
    """Mark each item the first matching entry explains (sets `reason`); return the stale entries.

    A stale entry matched nothing and is not `optional`: the difference it explained is gone, so it must go too.
    """
    used: set[int] = set()
    for item in items:
        for index, entry in enumerate(entries):
            if entry.matches(item):
                item.reason = entry.reason
                used.add(index)
                break
    return [entry for index, entry in enumerate(entries) if index not in used and not entry.optional]


def build_report(
    a: Mapping[str, Mapping[str, JsonValue]],
    b: Mapping[str, Mapping[str, JsonValue]],
    entries: Sequence[AllowEntry] = (),
    *,
    a_label: str = "A",
    b_label: str = "B",
) -> DriftReport:
    """Compare two snapshot sets and split the drift by the allow-list."""
    items = aggregate(compare_snapshots(a, b))
    stale = apply_allowlist(items, entries)
    return DriftReport(a_label, b_label, items, stale)


def compare_dirs(a_dir: Path, b_dir: Path, entries: Sequence[AllowEntry] = ()) -> DriftReport:
    """Compare two snapshot directories.

    Raises:
        SnapshotError: a directory is missing or holds a file that is not a snapshot.
    """
    return build_report(load_snapshots(a_dir), load_snapshots(b_dir), entries, a_label=str(a_dir), b_label=str(b_dir))


def report_paths(out: Path) -> tuple[Path, Path]:
    """Return the (Markdown, JSON) paths for `--out`: a `.md`/`.json` file names both, anything else is a directory."""
    if out.suffix in (".md", ".json"):
        return out.with_suffix(".md"), out.with_suffix(".json")
    return out / "drift-report.md", out / "drift-report.json"


def write_report(report: DriftReport, out: Path) -> tuple[Path, Path]:
    """Write the report as Markdown and JSON; return both paths."""
    markdown, data = report_paths(out)
    markdown.parent.mkdir(parents=True, exist_ok=True)
    markdown.write_text(report.to_markdown(), encoding="utf-8")
    data.write_text(json.dumps(report.as_json(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return markdown, data
