"""Recording of one scenario's exchanges (from the SDK's on_exchange hook) into a normalised snapshot file."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl

import httpx

from contracts.drift import SNAPSHOT_FORMAT
from contracts.normalise import JsonValue, Normaliser, bytes_placeholder, shape

#: Response headers worth comparing between targets (others vary by server software).
RECORDED_HEADERS = ("content-range", "accept-ranges")
_UNSAFE_FILE_CHARS = re.compile(r"[^A-Za-z0-9_.\-\[\]]+")


@dataclass(frozen=True)
class RawExchange:
    """What one exchange looked like on the wire, captured before anything is normalised."""

    operation: str
    method: str
    url: str
    request_content_type: str | None
    request_body: bytes | None
    status: int
    content_type: str | None
    headers: dict[str, str]
    body: bytes | None


def capture(request: httpx.Request, response: httpx.Response, operation: str) -> RawExchange:
    """Copy what a snapshot needs out of an httpx exchange (streamed bodies are marked as such)."""
    try:
        request_body: bytes | None = request.content
    except httpx.RequestNotRead:
        request_body = None
    try:
        body: bytes | None = response.content
    except httpx.ResponseNotRead:
        body = None
    return RawExchange(
        operation=operation,
        method=request.method,
        url=str(request.url),
        request_content_type=request.headers.get("content-type"),
        request_body=request_body,
        status=response.status_code,
        content_type=response.headers.get("content-type"),
        headers={name: response.headers[name] for name in RECORDED_HEADERS if name in response.headers},
        body=body,
    )


def decode_body(body: bytes | None, content_type: str | None) -> tuple[object, bool]:
    """Return (decoded value, is JSON): JSON bodies decoded, empty bodies as "", others as a digest."""
    if body is None:
        return "<streamed>", False
    if not body:
        return "", False
    media = (content_type or "").split(";")[0].strip().lower()
    if media == "application/json" or media.endswith("+json") or body[:1] in (b"{", b"["):
        try:
            return json.loads(body), True
        except ValueError:
            pass
    if media == "application/x-www-form-urlencoded":
        return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)), True
    return bytes_placeholder(body), False


def body_shape(value: object, is_json: bool) -> dict[str, str]:
    """The shape of a body: JSON gets a full path map, anything else one root type."""
    if is_json:
        return shape(value)
    if value == "":
        return {"$": "empty"}
    return {"$": "streamed" if value == "<streamed>" else "bytes"}


def split_service(url: str, bases: Mapping[str, str]) -> tuple[str, str, list[tuple[str, str]]]:
    """Return (service, path below the service's base URL, query pairs) for a URL; unknown hosts are `blob`."""
    parsed = httpx.URL(url)
    bare = str(parsed.copy_with(query=None, fragment=None))
    query = parse_qsl(parsed.query.decode("ascii", "replace"), keep_blank_values=True)
    best = ("blob", parsed.path)
    for service, base in sorted(bases.items(), key=lambda item: -len(item[1])):
        base = base.rstrip("/")
        if bare == base or bare.startswith(base + "/"):
            best = (service, bare[len(base) :] or "/")
            break
    return best[0], best[1], query


@dataclass
class ScenarioRecorder:
    """Collect one scenario's exchanges; `snapshot()` normalises them in order into a snapshot document."""

    scenario: str
    target: str
    bases: Mapping[str, str]
    run_id: str | None = None
    exchanges: list[RawExchange] = field(default_factory=list)

    def on_exchange(self, request: httpx.Request, response: httpx.Response, operation: str) -> None:
        """The SDK hook: remember one exchange."""
        self.exchanges.append(capture(request, response, operation))

    def snapshot(self, outcome: str) -> dict[str, JsonValue]:
        """Return the normalised snapshot of everything recorded so far."""
        normaliser = Normaliser(self.run_id)
        return {
            "format": SNAPSHOT_FORMAT,
            "scenario": self.scenario,
            "target": self.target,
            "outcome": outcome,
            "exchanges": [self._normalise(exchange, normaliser) for exchange in self.exchanges],
        }

    def _normalise(self, exchange: RawExchange, normaliser: Normaliser) -> dict[str, JsonValue]:
        """Normalise one exchange; request first, so ids are numbered in the order they were used."""
        service, path, query = split_service(exchange.url, self.bases)
        request_value, request_is_json = decode_body(exchange.request_body, exchange.request_content_type)
        if exchange.request_content_type and "multipart/" in exchange.request_content_type:
            request_value, request_is_json = "<multipart>", False
        request: dict[str, JsonValue] = {
            "method": exchange.method,
            "service": service,
            "path": normaliser.path(path),
            "query": normaliser.query(query),
            "body": normaliser.value(request_value) if request_is_json else _scalar_text(request_value),
        }
        value, is_json = decode_body(exchange.body, exchange.content_type)
        response: dict[str, JsonValue] = {
            "status": exchange.status,
            "content_type": (exchange.content_type or "").split(";")[0].strip() or None,
            "headers": {name: normaliser.text(text) for name, text in exchange.headers.items()},
            "shape": dict(body_shape(value, is_json)),
            "body": normaliser.value(value) if is_json else _scalar_text(value),
        }
        return {"operation": exchange.operation, "request": request, "response": response}

    def write(self, directory: Path, outcome: str) -> Path:
        """Write the snapshot as `<directory>/<scenario>.json` and return the path."""
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"{snapshot_file_name(self.scenario)}.json"
        path.write_text(json.dumps(self.snapshot(outcome), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        return path


def _scalar_text(value: object) -> str:
    """A non-JSON body as recorded: the placeholder or empty string `decode_body` produced."""
    return value if isinstance(value, str) else str(value)


def snapshot_file_name(scenario: str) -> str:
    """Turn a scenario name into a safe file name (`test_names::test_x` → `test_names__test_x`)."""
    return _UNSAFE_FILE_CHARS.sub("_", scenario.replace("::", "__")).strip("_")
