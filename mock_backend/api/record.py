"""PHP `/api/record/*`."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, url_for

from mock_backend.api.support import (
    backend,
    base_url,
    body,
    caller,
    ok,
    ok_empty,
    query_int,
    require_v2,
    state,
    wire,
)
from mock_backend.domain.backend import PresignedPost
from mock_backend.wire import inputs, php
from mock_backend.wire.timestamps import parse_iso

bp = Blueprint("record", __name__, url_prefix="/api/record")
bp.before_request(require_v2)


@bp.get("/get")
def get() -> Response:
    """A record with its files."""
    record = backend().get_record(caller(), query_int("recordId"), query_int("archiveId"))
    return ok(php.record_vo(record, wire()))


@bp.post("/getPresignedUrl")
def get_presigned_url() -> Response:
    """A presigned POST to the mock's S3 route."""
    who, data = caller(), body()
    post = backend().get_presigned_url(
        who,
        display_name=inputs.required_text(data, "displayName"),
        parent_folder_id=inputs.required_int(data, "parentFolderId"),
        upload_file_name=inputs.required_text(data, "uploadFileName"),
        file_type=inputs.required_text(data, "fileType"),
        size=inputs.required_int(data, "size", minimum=0),
    )
    return ok(s3_upload_vo(post))


def s3_upload_vo(post: PresignedPost) -> dict[str, Any]:
    """Return the S3UploadVO of a presigned POST to this mock's S3 route (v1 and v2 alike)."""
    post_url = base_url() + url_for("blobs.upload", bucket=state().settings.bucket)
    return php.s3_upload_vo(f"{post_url}/{post.key}", post_url, post.fields)


@bp.post("/registerRecord")
def register_record() -> Response:
    """Register an uploaded file as a record."""
    who, data = caller(), body()
    record = backend().register_record(
        who,
        s3_url=inputs.required_text(data, "s3url"),
        display_name=inputs.required_text(data, "displayName"),
        parent_folder_id=inputs.required_int(data, "parentFolderId"),
        upload_file_name=inputs.required_text(data, "uploadFileName"),
        size=inputs.required_int(data, "size", minimum=0),
        file_type=inputs.optional_text(data, "fileType"),
        fail_on_duplicate=bool(inputs.optional_bool(data, "failOnDuplicateName")),
    )
    return ok(php.record_vo(record, wire()))


@bp.post("/update")
def update() -> Response:
    """Change a record's displayName, description or displayDT (the web app sends the whole RecordVO)."""
    who, data = caller(), body()
    # The RecordVO field is displayDT; the web app's edit is cited with displayDt too (web-app.md §2 row 10).
    field = "displayDT" if data.get("displayDT") is not None else "displayDt"
    shown = inputs.optional_text(data, field)
    record = backend().update_record(
        who,
        inputs.required_int(data, "recordId"),
        archive_id=inputs.optional_int(data, "archiveId"),
        display_name=inputs.optional_text(data, "displayName"),
        description=inputs.optional_text(data, "description"),
        display_at=parse_iso(shown, field) if shown is not None else None,
    )
    return ok(php.record_vo(record, wire()))


@bp.delete("/delete")
def delete() -> Response:
    """Hard-delete a record and its files."""
    backend().delete_record(caller(), query_int("recordId"))
    return ok_empty()
