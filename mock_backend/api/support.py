"""What every view needs: the backend, the caller, parsed inputs, the wire context, JSON answers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Response, current_app, g, jsonify, request
from werkzeug.routing import IntegerConverter, Map

from mock_backend.config import Settings
from mock_backend.domain import messages
from mock_backend.domain.backend import Backend
from mock_backend.domain.errors import InvalidInput
from mock_backend.domain.faults import FaultPlan
from mock_backend.domain.models import Account
from mock_backend.scenarios import Progress, Scenario
from mock_backend.storage.journal import Journal
from mock_backend.wire import inputs
from mock_backend.wire.context import WireContext

EXTENSION = "permanent_mock"


class IdConverter(IntegerConverter):
    """`<id:name>`: a path id from 1 to 2**63-1; anything larger cannot be a stored id, so it is 404."""

    def __init__(self, url_map: Map) -> None:
        super().__init__(url_map, min=1, max=inputs.MAX_ID)


@dataclass
class MockState:
    """Everything one app instance owns; kept in `app.extensions`, never in a module global."""

    backend: Backend
    settings: Settings
    faults: FaultPlan
    #: The secret of the /_mock/* control routes (settings.control_token, or drawn at start).
    control_token: str
    #: Replaces the world by a scenario, planned before anything goes (app.rebuild_world): (built, blobs removed).
    rebuild_world: Callable[[Scenario, Callable[[Progress], None] | None], tuple[Progress, int]]
    #: The request journal shared by every process on the data directory (None when switched off).
    journal: Journal | None = None


def state() -> MockState:
    """Return the current app's state."""
    value: MockState = current_app.extensions[EXTENSION]
    return value


def backend() -> Backend:
    """Return the current app's backend."""
    return state().backend


def bearer() -> str | None:
    """Return the bearer token of the request, if any."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def require_v2() -> None:
    """Refuse PHP calls without `Request-Version: 2`: without it the real API speaks the v1 envelope.

    Raises:
        InvalidInput: the header is missing or another version.
    """
    if request.method == "OPTIONS":
        return  # a CORS preflight carries no custom headers; flask-cors answers it
    if request.headers.get("Request-Version", "").strip() != "2":
        raise InvalidInput(
            messages.INVALID_REQUEST,
            "send the header Request-Version: 2 (v1 calls are POSTs of a RequestVO envelope; see /openapi-v1.json)",
        )


def caller() -> Account:
    """Return the authenticated caller of a PHP route (401 otherwise)."""
    return backend().authenticate(bearer())


def optional_caller() -> Account | None:
    """Return the caller of a Stela route, or None for anonymous access."""
    return backend().authenticate_optional(bearer())


def body() -> dict[str, Any]:
    """Return the JSON object body (400 for anything else); the request journal keeps the bytes it was given."""
    raw = request.get_data(cache=False)
    g.request_body = raw
    return inputs.json_object(raw)


def query_int(name: str) -> int:
    """Return a required integer query parameter."""
    value = request.args.get(name)
    if value is None or value == "":
        raise InvalidInput(messages.VALIDATION_EMPTY, f"the query parameter {name} is required")
    return inputs.integer(value, name)


def base_url() -> str:
    """Return the scheme and host the caller used, so generated URLs reach this mock (D1)."""
    return request.host_url.rstrip("/")


def wire() -> WireContext:
    """Return the wire context of this request."""
    mock = backend()
    return WireContext(
        base_url=base_url(),
        quirks=state().settings.quirks,
        now=mock.clock.now(),
        url_expires=mock.download_expiry(),
        sign=mock.download_signature,
        hide_unprocessed_files=state().settings.hide_unprocessed_files,
    )


def ok(payload: Any) -> Response:
    """Answer 200 with a JSON payload."""
    return jsonify(payload)


def created(payload: Any) -> Response:
    """Answer 201 with a JSON payload (Stela's creates)."""
    response = jsonify(payload)
    response.status_code = 201
    return response


def no_content() -> Response:
    """Answer 204 with no body (Stela's deletes)."""
    return Response(status=204)


def ok_empty() -> Response:
    """Answer 200 with an empty body (the PHP deletes; the SDK ignores the body)."""
    return Response(status=200)
