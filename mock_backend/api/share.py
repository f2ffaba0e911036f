"""PHP `/api/share/*`."""

from __future__ import annotations

from flask import Blueprint, Response

from mock_backend.api.support import backend, body, caller, ok, require_v2, wire
from mock_backend.domain.backend import ShareChanges
from mock_backend.wire import inputs, php
from mock_backend.wire.timestamps import parse_iso

bp = Blueprint("share", __name__, url_prefix="/api/share")
bp.before_request(require_v2)


@bp.post("/generateShareLink")
def generate_share_link() -> Response:
    """Create, or return unchanged, the share link of a folder or record."""
    who, data = caller(), body()
    share = backend().generate_share_link(
        who,
        link_id=inputs.required_int(data, "folderLinkId"),
        max_uses=inputs.optional_int(data, "maxUses", minimum=0),
        preview=inputs.optional_bool(data, "previewToggle"),
        default_access_role=inputs.optional_text(data, "defaultAccessRole"),
    )
    return ok(php.share_link_vo(share, wire()))


@bp.post("/updateShareLink")
def update_share_link() -> Response:
    """Persist changes to a share link."""
    who, data = caller(), body()
    expires = inputs.optional_text(data, "expiresDT")
    changes = ShareChanges(
        max_uses=inputs.optional_int(data, "maxUses", minimum=0),
        preview=inputs.optional_bool(data, "previewToggle"),
        auto_approve=inputs.optional_bool(data, "autoApproveToggle"),
        default_access_role=inputs.optional_text(data, "defaultAccessRole"),
        expires_at=parse_iso(expires, "expiresDT") if expires is not None else None,
        clear_expiry="expiresDT" in data and data["expiresDT"] is None,
    )
    share = backend().update_share_link(who, inputs.required_int(data, "shareByUrlId"), changes)
    return ok(php.share_link_vo(share, wire()))
