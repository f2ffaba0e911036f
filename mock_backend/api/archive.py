"""PHP `/api/archive/*`."""

from __future__ import annotations

from flask import Blueprint, Response

from mock_backend.api.support import backend, caller, ok, require_v2
from mock_backend.wire import php

bp = Blueprint("archive", __name__, url_prefix="/api/archive")
bp.before_request(require_v2)


@bp.get("/getAllArchives")
def get_all_archives() -> Response:
    """Every archive of the caller, as a bare JSON array."""
    return ok([php.archive_vo(a) for a in backend().get_all_archives(caller())])
