"""Mock-only routes: the OpenAPI documents, health, the deletion audit log and the deletion gate switch."""

from __future__ import annotations

from flask import Blueprint, Response, request

from mock_backend import spec
from mock_backend.api.control import HEADER, has_control_token
from mock_backend.api.support import backend, body, caller, ok
from mock_backend.domain import messages
from mock_backend.domain.errors import InvalidInput, PermissionDenied
from mock_backend.wire import inputs, mock, php

bp = Blueprint("meta", __name__)


@bp.get("/openapi.json")
def openapi() -> Response:
    """The contract this mock implements."""
    # Parsed on first request, not at start: the YAML takes 50 ms, paid by every worker process at each start.
    return Response(spec.as_json(), mimetype="application/json")


@bp.get("/openapi-v1.json")
def openapi_v1() -> Response:
    """The v1 envelope's document: the web app's calls (openapi/v1.yaml)."""
    return Response(spec.v1_json(), mimetype="application/json")


@bp.get("/_mock/openapi.json")
def control_openapi() -> Response:
    """The document of the mock's own routes (this blueprint's and the world's)."""
    return Response(spec.control_json(), mimetype="application/json")


@bp.get("/_mock/health")
def health() -> Response:
    """Liveness: answers as soon as the mock serves."""
    return ok(mock.health())


@bp.get("/_mock/deletions")
def deletions() -> Response:
    """The deletion audit log, newest first: the caller's own, or (with the control token) anyone's.

    `?accountId=` narrows the control token's view to one account; with a bearer token it may only name
    the caller, since the log shows the paths of deleted items.
    """
    raw = request.args.get("accountId")
    account_id = inputs.integer(raw, "accountId") if raw else None
    limit = inputs.integer(request.args.get("limit", "1000"), "limit")
    if not has_control_token():
        who = caller()
        if account_id not in (None, who.id):
            raise PermissionDenied(messages.CONTROL_TOKEN, f"other accounts' deletions need the {HEADER} header")
        account_id = who.id
    return ok(mock.deletions(backend().deletions(account_id, min(limit, 10_000))))


@bp.patch("/_mock/account")
def update_account() -> Response:
    """Switch the caller's deletion gate (`allowSftpDeletion`)."""
    who, data = caller(), body()
    if "allowSftpDeletion" not in data:
        raise InvalidInput(messages.VALIDATION_EMPTY, "allowSftpDeletion is required")
    allowed = inputs.boolean(data["allowSftpDeletion"], "allowSftpDeletion")
    return ok(php.account_vo(backend().set_allow_sftp_deletion(who, allowed)))
