"""PHP `/api/folder/*`."""

from __future__ import annotations

from flask import Blueprint, Response

from mock_backend.api.support import (
    backend,
    body,
    caller,
    ok,
    ok_empty,
    query_int,
    require_v2,
    wire,
)
from mock_backend.wire import inputs, php

bp = Blueprint("folder", __name__, url_prefix="/api/folder")
bp.before_request(require_v2)


@bp.get("/getRoot")
def get_root() -> Response:
    """The archive's root folder with its children."""
    folder, children = backend().get_root(caller(), query_int("archiveId"))
    return ok(php.folder_vo(folder, wire(), children))


@bp.get("/getWithChildren")
def get_with_children() -> Response:
    """A folder with its direct children (SDK 0.8.0's getFolder)."""
    folder, children = backend().get_with_children(caller(), query_int("folderId"), query_int("archiveId"))
    return ok(php.folder_vo(folder, wire(), children))


@bp.post("/post")
def post() -> Response:
    """Create a folder."""
    who, data = caller(), body()
    folder = backend().create_folder(
        who,
        display_name=inputs.required_text(data, "displayName"),
        parent_folder_id=inputs.required_int(data, "parentFolderId"),
        fail_on_duplicate=bool(inputs.optional_bool(data, "failOnDuplicateName")),
    )
    return ok(php.folder_vo(folder, wire(), []))


@bp.delete("/delete")
def delete() -> Response:
    """Hard-delete a folder and its subtree."""
    backend().delete_folder(caller(), query_int("folderId"))
    return ok_empty()
