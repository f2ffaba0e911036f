"""PHP `/api/account/*`."""

from __future__ import annotations

from flask import Blueprint, Response

from mock_backend.api.support import backend, caller, ok, require_v2
from mock_backend.wire import php

bp = Blueprint("account", __name__, url_prefix="/api/account")
bp.before_request(require_v2)


@bp.get("/getAuthenticatedAccount")
def get_authenticated_account() -> Response:
    """The caller's AccountVO (sftp-service reads allowSftpDeletion before every delete)."""
    return ok(php.account_vo(backend().get_authenticated_account(caller())))
