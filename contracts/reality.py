"""The reality corpus: real response shapes with provenance, checked against the contract and the mock.

Each case is `contracts/reality/<operationId>/<case>.json` (format in `contracts/reality/README.md`). This
module reads and checks the files, finds the contract schema a case must satisfy, and lists the JSON 2xx
responses of the contract, so the tests can prove every one is exercised by real evidence.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from contracts.specs import escape_pointer_token, operations

CORPUS_DIR = Path(__file__).resolve().parent / "reality"
ALLOWLIST_PATH = CORPUS_DIR / "allowlist.yaml"
#: Operations of the mock's own helpers (tag `mock`): no real service answers them.
MOCK_TAG = "mock"
_CASE_KEYS = frozenset({"operationId", "status", "summary", "provenance", "request", "body"})
_PROVENANCE_KEYS = frozenset({"source", "ref", "file", "lines", "url", "note"})
_REQUEST_KEYS = frozenset({"method", "path", "query", "auth", "headers", "json", "form"})
_AUTH = frozenset({"demo", "other", "anonymous"})


class CorpusError(ValueError):
    """A corpus file that does not follow the format of contracts/reality/README.md."""


@dataclass(frozen=True)
class Provenance:
    """Where a case's shape comes from: a repository file at a ref, a documentation page, or real Stela run here."""

    source: str
    ref: str | None
    file: str | None
    lines: str | None
    url: str | None
    note: str | None


@dataclass(frozen=True)
class CaseRequest:
    """A call the seeded mock can be asked, to compare its answer with the real one."""

    method: str
    path: str
    query: dict[str, str | list[str]] = field(default_factory=dict)
    auth: str = "demo"
    headers: dict[str, str] = field(default_factory=dict)
    json: Any = None
    form: dict[str, str] | None = None


@dataclass(frozen=True)
class Case:
    """One real response: the operation and status it answers, its evidence and its body."""

    path: Path
    name: str
    operation_id: str
    status: int
    summary: str
    provenance: tuple[Provenance, ...]
    request: CaseRequest | None
    body: Any


def _text(value: object, where: str, *, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip():
        raise CorpusError(f"{where} must be a non-empty string")
    return value


def _provenance(raw: object, where: str) -> tuple[Provenance, ...]:
    if not isinstance(raw, list) or not raw:
        raise CorpusError(f"{where}: 'provenance' must be a non-empty list (every case names its evidence)")
    found: list[Provenance] = []
    for index, entry in enumerate(raw):
        at = f"{where}: provenance[{index}]"
        if not isinstance(entry, dict):
            raise CorpusError(f"{at} must be an object")
        unknown = sorted(set(entry) - _PROVENANCE_KEYS)
        if unknown:
            raise CorpusError(f"{at}: unknown key(s) {', '.join(unknown)}")
        source = _text(entry.get("source"), f"{at}.source")
        assert source is not None
        item = Provenance(
            source=source,
            ref=_text(entry.get("ref"), f"{at}.ref", optional=True),
            file=_text(entry.get("file"), f"{at}.file", optional=True),
            lines=_text(entry.get("lines"), f"{at}.lines", optional=True),
            url=_text(entry.get("url"), f"{at}.url", optional=True),
            note=_text(entry.get("note"), f"{at}.note", optional=True),
        )
        # A repository file is only evidence at a named ref; a page only by its address.
        if item.file is not None and item.ref is None:
            raise CorpusError(f"{at}: a 'file' needs the 'ref' (tag or commit) it was read at")
        if item.file is None and item.url is None and item.ref is None:
            raise CorpusError(f"{at}: name the evidence with 'file' + 'ref', 'url', or 'ref' (a commit run here)")
        found.append(item)
    return tuple(found)


def _request(raw: object, where: str) -> CaseRequest | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise CorpusError(f"{where}: 'request' must be an object")
    unknown = sorted(set(raw) - _REQUEST_KEYS)
    if unknown:
        raise CorpusError(f"{where}: request: unknown key(s) {', '.join(unknown)}")
    method = _text(raw.get("method"), f"{where}: request.method")
    path = _text(raw.get("path"), f"{where}: request.path")
    assert method is not None
    assert path is not None
    if not path.startswith("/"):
        raise CorpusError(f"{where}: request.path must start with '/'")
    auth = raw.get("auth", "demo")
    if auth not in _AUTH:
        raise CorpusError(f"{where}: request.auth must be one of {', '.join(sorted(_AUTH))}")
    query = raw.get("query") or {}
    if not isinstance(query, dict) or not all(
        isinstance(v, str) or (isinstance(v, list) and all(isinstance(x, str) for x in v)) for v in query.values()
    ):
        raise CorpusError(f"{where}: request.query must map names to strings or lists of strings")
    headers = raw.get("headers") or {}
    if not isinstance(headers, dict) or not all(isinstance(v, str) for v in headers.values()):
        raise CorpusError(f"{where}: request.headers must map names to strings")
    form = raw.get("form")
    if form is not None and (not isinstance(form, dict) or not all(isinstance(v, str) for v in form.values())):
        raise CorpusError(f"{where}: request.form must map names to strings")
    return CaseRequest(method.upper(), path, dict(query), str(auth), dict(headers), raw.get("json"), form)


def load_case(path: Path) -> Case:
    """Read and check one corpus file.

    Raises:
        CorpusError: the file is not JSON, lacks a key, has an unknown one, or its folder is not its operationId.
    """
    where = str(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CorpusError(f"{where}: not a readable JSON file ({exc})") from exc
    if not isinstance(raw, dict):
        raise CorpusError(f"{where}: expected a JSON object")
    unknown = sorted(set(raw) - _CASE_KEYS)
    missing = sorted({"operationId", "status", "summary", "provenance", "body"} - set(raw))
    if unknown or missing:
        raise CorpusError(f"{where}: unknown key(s) {unknown or '-'}; missing key(s) {missing or '-'}")
    operation_id = _text(raw["operationId"], f"{where}: operationId")
    assert operation_id is not None
    if path.parent.name != operation_id:
        raise CorpusError(f"{where}: lives in {path.parent.name}/ but answers {operation_id}")
    status = raw["status"]
    if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
        raise CorpusError(f"{where}: status must be an HTTP status code")
    summary = _text(raw["summary"], f"{where}: summary")
    assert summary is not None
    return Case(
        path=path,
        name=f"{operation_id}/{path.stem}",
        operation_id=operation_id,
        status=status,
        summary=summary,
        provenance=_provenance(raw["provenance"], where),
        request=_request(raw.get("request"), where),
        body=raw["body"],
    )


def load_corpus(directory: Path = CORPUS_DIR) -> list[Case]:
    """Read every case under a corpus directory, sorted by name.

    Raises:
        CorpusError: a file is malformed.
    """
    return [load_case(path) for path in sorted(directory.glob("*/*.json"))]


def response_pointer(document: Mapping[str, Any], operation_id: str, status: int) -> str:
    """Return the JSON Pointer of the JSON response schema of an operation and status.

    Raises:
        CorpusError: the contract has no such operation, does not document the status, or has no JSON schema for it.
    """
    found = operations(document)
    if operation_id not in found:
        raise CorpusError(f"the contract has no operation {operation_id!r}")
    method, path, operation = found[operation_id]
    responses = operation.get("responses", {})
    key = next((k for k in (str(status), f"{str(status)[0]}XX") if k in responses), None)
    if key is None:
        raise CorpusError(f"{operation_id} does not document status {status} (documents {', '.join(responses)})")
    pointer = f"/paths/{escape_pointer_token(path)}/{method.lower()}/responses/{key}"
    response = _resolve(document, responses[key])
    content = response.get("content", {}) if isinstance(response, dict) else {}
    media = next((name for name in content if name.split(";")[0].strip().endswith("json")), None)
    if media is None or "schema" not in content[media]:
        raise CorpusError(f"{operation_id} {status} has no JSON body in the contract")
    if "$ref" in responses[key]:
        pointer = str(responses[key]["$ref"]).removeprefix("#")
    return f"{pointer}/content/{escape_pointer_token(media)}/schema"


def success_schemas(document: Mapping[str, Any]) -> dict[tuple[str, int], str]:
    """Map every 2xx JSON response of a Permanent operation to its schema's identity (its `$ref`, or its pointer).

    Two operations answering with the same named schema (a route and its deprecated alias) share one identity,
    so one real body exercises both.
    """
    found: dict[tuple[str, int], str] = {}
    for operation_id, status in json_success_responses(document):
        pointer = response_pointer(document, operation_id, status)
        schema: Any = document
        for token in pointer.removeprefix("/").split("/"):
            schema = schema[token.replace("~1", "/").replace("~0", "~")]
        found[(operation_id, status)] = str(schema.get("$ref", pointer)) if isinstance(schema, dict) else pointer
    return found


def json_success_responses(document: Mapping[str, Any]) -> list[tuple[str, int]]:
    """Return (operationId, status) for every 2xx JSON response of every operation not tagged `mock`."""
    pairs: list[tuple[str, int]] = []
    for operation_id, (_, _, operation) in sorted(operations(document).items()):
        if MOCK_TAG in operation.get("tags", []):
            continue
        for key, response in operation.get("responses", {}).items():
            if not str(key).startswith("2") or not str(key).isdigit():
                continue
            content = _resolve(document, response).get("content", {})
            if any(name.split(";")[0].strip().endswith("json") for name in content):
                pairs.append((operation_id, int(key)))
    return pairs


def _resolve(document: Mapping[str, Any], node: Any) -> dict[str, Any]:
    """Follow a local `$ref` (one level is all the contract uses for responses)."""
    if isinstance(node, dict) and "$ref" in node:
        target: Any = document
        for token in str(node["$ref"]).removeprefix("#/").split("/"):
            target = target[token.replace("~1", "/").replace("~0", "~")]
        return dict(target)
    return dict(node) if isinstance(node, dict) else {}
