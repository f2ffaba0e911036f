"""The blob host: the presigned-POST target (`/s3/<bucket>`) and signed downloads (`/cdn/files/<id>`)."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Blueprint, Response, request, send_file

from mock_backend.api.support import backend, state
from mock_backend.wire import form

bp = Blueprint("blobs", __name__)
_CHUNK = 256 * 1024


def _body_chunks() -> Iterator[bytes]:
    """Yield the raw request body in chunks; waitress has already undone chunked encoding."""
    stream = request.stream
    while chunk := stream.read(_CHUNK):
        yield chunk


@bp.post("/s3/<bucket>")
def upload(bucket: str) -> Response:
    """S3 POST Object: stream the `file` part to disk, check the signed policy, answer 204."""
    # The JSON routes' body limit does not apply here; the store enforces the upload limit.
    request.max_content_length = state().settings.max_upload_bytes
    mock = backend()
    fields, blob = form.read_form(_body_chunks(), form.boundary_of(request.content_type), mock.blobs.writer)
    mock.receive_upload(bucket, fields, blob)
    return Response(status=204)


@bp.route("/cdn/files/<id:file_id>", methods=["GET", "HEAD"])
def download(file_id: int) -> Response:
    """CloudFront-like signed download: 200, or 206 with exactly the requested slice (D7)."""
    args = request.args
    disposition = args.get("response-content-disposition")
    found = backend().resolve_download(file_id, args.get("Expires", ""), args.get("Signature", ""), disposition)
    # conditional=True makes werkzeug answer Range with 206 (end clamped) or 416; nothing compresses.
    response = send_file(
        found.path,
        mimetype=found.file.content_type,
        conditional=True,
        etag=found.file.md5,
        max_age=0,
    )
    if disposition:
        response.headers["Content-Disposition"] = disposition
    return response
