"""The one table from errors to HTTP status and body; werkzeug's errors and crashes go through it too.

The body depends on who answers: PHP `{"message": key, "detail": …}` (D2), Stela `{"error": "…"}`
for validation and `{"error": {"message": …}}` otherwise (D3), FusionAuth its own shapes.
"""

from __future__ import annotations

import logging
from typing import Final

from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from mock_backend.domain import messages
from mock_backend.domain.backend import LoginFailed
from mock_backend.domain.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    RangeNotSatisfiable,
    Unauthenticated,
)
from mock_backend.domain.faults import InjectedFault
from mock_backend.wire import fusionauth, php, stela

log = logging.getLogger(__name__)

STATUS: Final[dict[type[DomainError], int]] = {
    InvalidInput: 400,
    Unauthenticated: 401,
    PermissionDenied: 403,
    NotFound: 404,
    Conflict: 409,
    RangeNotSatisfiable: 416,
}

#: Message keys for werkzeug's own errors (unknown route, wrong method, body too large, …).
HTTP_KEYS: Final[dict[int, str]] = {
    400: messages.INVALID_REQUEST,
    404: messages.UNKNOWN_ROUTE,
    405: messages.METHOD_NOT_ALLOWED,
    413: messages.REQUEST_TOO_LARGE,
    415: messages.JSON_REQUIRED,
    416: messages.RANGE_NOT_SATISFIABLE,
}


def status_of(error: DomainError) -> int:
    """Return the HTTP status of a domain error (the nearest class in the table; a fault its own)."""
    if isinstance(error, InjectedFault):
        return error.status
    for cls in type(error).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500


def _render(status: int, key: str, detail: str, *, refused: bool = False) -> Response:
    path = request.path
    if path.startswith("/api/v2/"):
        joi = status == 400 and not refused
        body = stela.validation_error(detail or key) if joi else stela.error(detail or key)
    elif path.startswith("/fusionauth/"):
        body = fusionauth.api_error(f"[{key}]", detail or key)
    else:
        body = php.error(key, detail)
    response = jsonify(body)
    response.status_code = status
    return response


def handle_domain_error(error: DomainError) -> Response:
    """Answer a domain error."""
    refused = isinstance(error, InvalidInput) and error.refused
    return _render(status_of(error), error.key, error.detail, refused=refused)


def handle_login_failed(error: LoginFailed) -> Response:
    """Answer a FusionAuth failure in FusionAuth's shapes (OAuth errors for the token endpoint)."""
    if request.path.endswith(("/oauth2/token", "/oauth2/introspect")):
        body = fusionauth.oauth_error(error.code, error.description)
    else:
        field = "applicationId" if error.code == "[invalid]applicationId" else None
        body = fusionauth.api_error(error.code, error.description, field)
    response = jsonify(body)
    response.status_code = error.status
    return response


def handle_http_error(error: HTTPException) -> Response:
    """Answer werkzeug's errors as JSON with a message key, keeping their headers (Allow, Content-Range)."""
    status = error.code or 500
    response = _render(status, HTTP_KEYS.get(status, messages.INVALID_REQUEST), error.description or "")
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def handle_unexpected(error: Exception) -> Response:
    """Answer a crash with 500 `error.generic.internal`, and log it: any such answer is a mock bug."""
    log.exception("unhandled error on %s %s", request.method, request.path, exc_info=error)
    return _render(500, messages.INTERNAL, "internal error in the mock; see its log")


def register(app: Flask) -> None:
    """Install the handlers on an app."""
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(LoginFailed, handle_login_failed)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
