"""The reality corpus against the contract and the mock: real shapes validate, 2xx are covered, drift is explained."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from jsonschema.exceptions import best_match  # type: ignore[import-untyped]

from contracts import reality, targets
from contracts.drift import DriftReport, aggregate, apply_allowlist, compare_snapshots, load_allowlist
from contracts.normalise import JsonValue, Normaliser, shape
from contracts.specs import validator_for
from mock_backend import spec

CASES = reality.load_corpus()
REQUESTED = [case for case in CASES if case.request is not None]


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    """The contract as the mock serves it."""
    return dict(spec.load())


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_corpus_body_validates_against_contract(case: reality.Case, document: dict[str, Any]) -> None:
    """Every real body is accepted by the contract's schema for its operation and status."""
    pointer = reality.response_pointer(document, case.operation_id, case.status)
    error = best_match(validator_for(document, pointer).iter_errors(case.body))
    assert error is None, (
        f"{case.path.name}: {error.message} at body{''.join(f'[{p!r}]' for p in error.absolute_path)} "
        f"(schema {pointer}{'/' + '/'.join(map(str, error.absolute_schema_path))})"
    )


def test_corpus_covers_every_success_schema(document: dict[str, Any]) -> None:
    """Every 2xx JSON response of a Permanent operation is exercised by at least one real body."""
    schemas = reality.success_schemas(document)
    covered = {schemas.get((case.operation_id, case.status)) for case in CASES}
    missing = [pair for pair, schema in schemas.items() if schema not in covered]
    assert not missing, "no real body exercises: " + ", ".join(f"{op} {status}" for op, status in missing)


def test_corpus_names_only_contract_operations(document: dict[str, Any]) -> None:
    """Every case answers an operation and status the contract documents."""
    problems = []
    for case in CASES:
        try:
            reality.response_pointer(document, case.operation_id, case.status)
        except reality.CorpusError as exc:
            problems.append(f"{case.name}: {exc}")
    assert not problems, "\n".join(problems)


# --------------------------------------------------------------------------- the mock against the corpus


@pytest.fixture(scope="module")
def mock() -> Iterator[tuple[httpx.Client, dict[str, str]]]:
    """A seeded in-process mock and bearer tokens of its two accounts."""
    target = targets.build("mock")
    assert target.app is not None
    assert target.mint is not None
    tokens = {name: target.mint(str(account.login_id), 3600) for name, account in target.accounts.items()}
    tokens["demo"] = tokens["primary"]
    with httpx.Client(transport=httpx.WSGITransport(app=target.app), base_url=targets.MOCK_BASE) as client:
        yield client, tokens


def _ask(client: httpx.Client, tokens: dict[str, str], request: reality.CaseRequest) -> httpx.Response:
    """Send a case's request to the mock as the case's caller."""
    headers = dict(request.headers)
    if request.auth != "anonymous":
        headers.setdefault("Authorization", f"Bearer {tokens[request.auth]}")
    if request.path.startswith("/api/") and not request.path.startswith("/api/v2/"):
        headers.setdefault("Request-Version", "2")
    return client.request(
        request.method, request.path, params=request.query, headers=headers, json=request.json, data=request.form
    )


def _snapshot(case: reality.Case, status: int, body: object) -> dict[str, JsonValue]:
    """A one-exchange snapshot of a body, normalised as recordings are."""
    return {
        "outcome": "passed",
        "exchanges": [
            {
                "operation": case.operation_id,
                "response": {"status": status, "shape": dict(shape(body)), "body": Normaliser().value(body)},
            }
        ],
    }


def test_mock_answers_drift_only_where_explained(mock: tuple[httpx.Client, dict[str, str]]) -> None:
    """The mock's answers to the corpus' calls differ in shape from the real bodies only where the allow-list says why.

    The corpus comes from other worlds (other accounts, names, sizes), so values and array lengths are
    not compared: only statuses, missing and extra fields, and JSON types (timestamp forms included).
    """
    client, tokens = mock
    real: dict[str, dict[str, JsonValue]] = {}
    ours: dict[str, dict[str, JsonValue]] = {}
    for case in REQUESTED:
        assert case.request is not None
        answer = _ask(client, tokens, case.request)
        body = answer.json() if answer.headers.get("content-type", "").startswith("application/json") else None
        real[case.name] = _snapshot(case, case.status, case.body)
        ours[case.name] = _snapshot(case, answer.status_code, body)
    items = [
        item for item in aggregate(compare_snapshots(real, ours)) if item.kind not in ("value_change", "length_change")
    ]
    stale = apply_allowlist(items, load_allowlist(reality.ALLOWLIST_PATH))
    unexplained = DriftReport("reality", "mock", items, stale).unexplained
    assert not unexplained, "unexplained shape drift (fix the mock or allow-list it with a reason):\n" + "\n".join(
        f"- {i.operation} {i.kind} {i.path}: reality {i.a} / mock {i.b} ({', '.join(i.scenarios)})" for i in unexplained
    )
    assert not stale, "allow-list entries that explain nothing:\n" + "\n".join(
        f"- {entry.operation} {entry.kind} {entry.path}: {entry.reason}" for entry in stale
    )


def test_corpus_has_cases_with_requests() -> None:
    """At least one case per Stela read and PHP read asks the mock, so the drift check compares something."""
    asked = {case.operation_id for case in REQUESTED}
    assert {"stelaGetFolders", "stelaGetFolderChildren", "getAuthenticatedAccount"} <= asked


# --------------------------------------------------------------------------- the loader


def _write(tmp_path: Path, operation: str, content: object) -> Path:
    path = tmp_path / operation / "case.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return path


GOOD = {
    "operationId": "stelaGetFolders",
    "status": 200,
    "summary": "an empty list",
    "provenance": [{"source": "PermanentOrg/permanent-sdk", "ref": "v0.10.1", "file": "a.json", "lines": "1-3"}],
    "body": {"items": []},
}


def test_load_case_reads_a_well_formed_file(tmp_path: Path) -> None:
    """A file in the documented format loads with its operation, status and evidence."""
    case = reality.load_case(_write(tmp_path, "stelaGetFolders", GOOD))
    assert (case.operation_id, case.status, case.provenance[0].ref, case.body) == (
        "stelaGetFolders",
        200,
        "v0.10.1",
        {"items": []},
    )


@pytest.mark.parametrize(
    ("change", "folder", "message"),
    [
        ({"provenance": []}, "stelaGetFolders", "non-empty list"),
        ({"provenance": [{"source": "x", "file": "a.json"}]}, "stelaGetFolders", "needs the 'ref'"),
        ({"provenance": [{"source": "x"}]}, "stelaGetFolders", "name the evidence"),
        ({"status": "200"}, "stelaGetFolders", "HTTP status"),
        ({"extra": 1}, "stelaGetFolders", "unknown key"),
        ({}, "getRoot", "lives in getRoot/"),
        ({"request": {"method": "GET", "path": "folder"}}, "stelaGetFolders", "must start with '/'"),
        ({"request": {"method": "GET", "path": "/x", "auth": "root"}}, "stelaGetFolders", "request.auth"),
    ],
    ids=[
        "no-provenance",
        "file-without-ref",
        "no-evidence",
        "status-string",
        "unknown-key",
        "wrong-folder",
        "relative-path",
        "unknown-auth",
    ],
)
def test_load_case_malformed_file_raises_clear_error(
    tmp_path: Path, change: dict[str, object], folder: str, message: str
) -> None:
    """A malformed case names the file and what is wrong with it."""
    path = _write(tmp_path, folder, {**GOOD, **change})
    with pytest.raises(reality.CorpusError, match=message):
        reality.load_case(path)


def test_load_case_not_json_raises_clear_error(tmp_path: Path) -> None:
    """A file that is not JSON is refused with its path."""
    path = _write(tmp_path, "stelaGetFolders", "{nope")
    with pytest.raises(reality.CorpusError, match="not a readable JSON file"):
        reality.load_case(path)


def test_response_pointer_unknown_operation_raises(document: dict[str, Any]) -> None:
    """A case naming an operation the contract lacks is refused."""
    with pytest.raises(reality.CorpusError, match="no operation 'nope'"):
        reality.response_pointer(document, "nope", 200)


def test_response_pointer_undocumented_status_raises(document: dict[str, Any]) -> None:
    """A case answering a status the operation does not document is refused."""
    with pytest.raises(reality.CorpusError, match="does not document status 418"):
        reality.response_pointer(document, "stelaGetFolders", 418)


def test_json_success_responses_skip_mock_and_binary_operations(document: dict[str, Any]) -> None:
    """The coverage list holds Permanent's JSON 2xx responses only: no mock helpers, no byte downloads."""
    pairs = reality.json_success_responses(document)
    operations = {op for op, _ in pairs}
    assert ("stelaGetFolderChildren", 200) in pairs
    assert not {"mockHealth", "downloadFile", "getOpenApi"} & operations
