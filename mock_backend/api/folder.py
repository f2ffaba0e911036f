"""PHP `/api/folder/*`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack

from flask import Blueprint, Response, current_app

from mock_backend.api import jsonio
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
    who, folder_id, archive_id = caller(), query_int("folderId"), query_int("archiveId")
    # Streamed: a folder of 100,000 children would otherwise be built as one answer of ~70 MB in memory.
    scope = ExitStack()
    ctx = wire()
    # Under quirk php_child_records_null_files the answer shows no child's files, so none are read.
    with_files = not ctx.quirks.php_child_records_null_files
    folder, children = scope.enter_context(
        backend().streamed_children(who, folder_id, archive_id, with_files=with_files)
    )
    pieces = php.streamed_folder_vo(folder, ctx, children, jsonio.encoder(current_app))

    def stream() -> Iterator[bytes]:
        with scope:
            yield from pieces

    return Response(stream(), mimetype="application/json")


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
