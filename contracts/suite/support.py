"""Helpers of the contract scenarios: recorded raw HTTP, unique names, uploads, and error expectations."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx
import pytest

from contracts import specs
from contracts.normalise import JsonValue
from contracts.safety import run_prefix
from contracts.sdk import ArchiveRecord, HttpError, PermanentClient
from contracts.sdk.transport import ExchangeHook
from contracts.sdk.wire.envelope import is_v1
from contracts.targets import Target

T = TypeVar("T")


@dataclass
class RawHttp:
    """Plain HTTP to a target for what the SDK cannot send (malformed JSON, no headers), recorded like the SDK."""

    target: Target
    on_exchange: ExchangeHook | None = None
    _client: httpx.Client = field(init=False)

    def __post_init__(self) -> None:
        self._client = self.target.http()

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def send(
        self,
        operation: str,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, str] | None = None,
        content: bytes | None = None,
    ) -> httpx.Response:
        """Send one request and report the exchange to the recorder under `operation`."""
        response = self._client.request(method, url, headers=dict(headers or {}), params=params, content=content)
        if self.on_exchange is not None:
            self.on_exchange(response.request, response, operation)
        return response

    def php(
        self,
        operation: str,
        method: str,
        path: str,
        *,
        token: str | None,
        version: str | None = "2",
        params: Mapping[str, str] | None = None,
        body: bytes | None = None,
    ) -> httpx.Response:
        """Send a PHP API v2 call with explicit control over the bearer token and Request-Version."""
        headers = {"Content-Type": "application/json"}
        if version is not None:
            headers["Request-Version"] = version
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        return self.send(operation, method, self.target.api_url + path, headers=headers, params=params, content=body)

    def stela(
        self, operation: str, path: str, *, token: str | None, params: Mapping[str, str] | None = None
    ) -> httpx.Response:
        """Send a Stela GET (optionally anonymous)."""
        headers = {"Request-Version": "2"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        return self.send(operation, "GET", self.target.stela_url + path, headers=headers, params=params)


@dataclass(frozen=True)
class Names:
    """Unique names for one run: every name starts with `contract-<run id>-`."""

    run_id: str

    @property
    def prefix(self) -> str:
        """The prefix every created name starts with."""
        return run_prefix(self.run_id)

    def new(self, label: str) -> str:
        """Return `contract-<run id>-<label>`."""
        return self.prefix + label


def upload(
    client: PermanentClient,
    data: bytes,
    name: str,
    parent_folder_id: int,
    *,
    content_type: str = "application/octet-stream",
    fail_on_duplicate_name: bool = False,
) -> ArchiveRecord:
    """Upload bytes and register them as a record, as sftp-service does (displayName = file name)."""
    destination = client.upload_file(data, name=name, parent_folder_id=parent_folder_id, content_type=content_type)
    return client.create_archive_record(
        destination,
        display_name=name,
        parent_folder_id=parent_folder_id,
        upload_file_name=name,
        size=len(data),
        file_type=content_type,
        fail_on_duplicate_name=fail_on_duplicate_name,
    )


def expect_error(status: int, message_key: str | None, call: Callable[[], object]) -> HttpError:
    """Run `call` and check it fails with that HTTP status and message key (None: any key); return the error."""
    with pytest.raises(HttpError) as caught:
        call()
    error = caught.value
    assert error.status == status, f"expected HTTP {status}, got {error.status} ({error.message_key}: {error.detail})"
    if message_key is not None:
        assert error.message_key == message_key, (
            f"expected message key {message_key!r} with HTTP {status}, got {error.message_key!r}"
        )
    return error


def json_of(response: httpx.Response) -> Any:
    """Decode a JSON answer, failing with the raw text when it is not JSON."""
    try:
        return response.json()
    except ValueError:
        pytest.fail(f"expected a JSON answer, got HTTP {response.status_code}: {response.text[:200]!r}")


def php_error_key(response: httpx.Response) -> JsonValue:
    """The `message` key of a PHP error answer (None when absent)."""
    body = json_of(response)
    return body.get("message") if isinstance(body, dict) else None


def compact_json(value: object) -> bytes:
    """Encode a request body as compact JSON."""
    return json.dumps(value, separators=(",", ":")).encode()


@dataclass
class Wire:
    """Every exchange of one scenario, as sent: feeds the snapshot recorder and lets checks read raw answers."""

    recorder: ExchangeHook | None = None
    exchanges: list[tuple[httpx.Request, httpx.Response, str]] = field(default_factory=list)

    def on_exchange(self, request: httpx.Request, response: httpx.Response, operation: str) -> None:
        """The SDK hook: keep the exchange and pass it to the recorder."""
        self.exchanges.append((request, response, operation))
        if self.recorder is not None:
            self.recorder(request, response, operation)

    def responses(self, operation: str) -> list[httpx.Response]:
        """Every answer of an operation, oldest first."""
        return [response for _, response, name in self.exchanges if name == operation]

    def last(self, operation: str) -> httpx.Response:
        """The last answer of an operation."""
        found = self.responses(operation)
        if not found:
            pytest.fail(f"no {operation} exchange was recorded")
        return found[-1]

    def last_json(self, operation: str) -> Any:
        """The decoded body of the last answer of an operation."""
        return json_of(self.last(operation))


def v1_answer_problems(document: dict[str, Any], api_url: str, wire: Wire) -> list[str]:
    """Check every v1 answer of a scenario against the v1 document (v2 and other calls are left to their layers).

    The document's paths are `/api/<ctl>/<action>`; a target's PHP base may sit elsewhere, so the path below
    the base decides, and the dialect rule is `envelope.is_v1` on it.
    """
    base = httpx.URL(api_url.rstrip("/") + "/")
    problems: list[str] = []
    for request, response, operation in wire.exchanges:
        url = str(request.url.copy_with(query=None, fragment=None))
        if not url.startswith(str(base)):
            continue
        path = "/api/" + url.removeprefix(str(base))
        if not is_v1(request.method, path, request.headers.get("Request-Version")):
            continue
        try:
            body = json.loads(response.content)
        except ValueError:
            problems.append(f"{operation}: HTTP {response.status_code} answered no JSON: {response.text[:120]!r}")
            continue
        problems += [
            f"{operation}: {line}" for line in specs.answer_errors(document, "POST", path, response.status_code, body)
        ]
    return problems
