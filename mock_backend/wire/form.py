"""The presigned-POST body: a streaming multipart/form-data reader that never holds the file in memory.

Werkzeug puts a part without `filename` into `request.form` as decoded text, corrupting binary data
(reference §7.2), so the upload route reads the raw stream through this parser instead.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable

import multipart

from mock_backend.domain import messages
from mock_backend.domain.errors import InvalidInput
from mock_backend.domain.ports import BlobWriter

MAX_FIELD_BYTES = 64 * 1024
MAX_PARTS = 64


def boundary_of(content_type: str | None) -> str:
    """Return the multipart boundary of a Content-Type header.

    Raises:
        InvalidInput: not multipart/form-data, or no boundary.
    """
    kind, options = multipart.parse_options_header(content_type or "")
    boundary = options.get("boundary")
    if kind != "multipart/form-data" or not boundary:
        raise InvalidInput(messages.UPLOAD_MALFORMED, "the body must be multipart/form-data with a boundary")
    return str(boundary)


def read_form(
    chunks: Iterable[bytes], boundary: str, open_blob: Callable[[], BlobWriter]
) -> tuple[dict[str, str], BlobWriter | None]:
    """Read the form: text fields into a dict, the `file` part streamed into a new blob.

    The returned fields include "file" (its filename, possibly empty) when a file part was present.

    Raises:
        InvalidInput: a malformed body, an oversized field, or too many parts (`error.upload.malformed`).
    """
    fields: dict[str, str] = {}
    blob: BlobWriter | None = None
    current: str | None = None
    in_file = False
    buffer = bytearray()
    parser = multipart.PushMultipartParser(boundary, max_segment_count=MAX_PARTS)
    try:
        for chunk in itertools.chain((c for c in chunks if c), [b""]):
            for event in parser.parse(chunk):
                if isinstance(event, multipart.MultipartSegment):
                    current, in_file = event.name, event.name == "file"
                    buffer.clear()
                    if in_file:
                        if blob is not None:
                            raise InvalidInput(messages.UPLOAD_MALFORMED, "the form has more than one file part")
                        blob = open_blob()
                        fields["file"] = event.filename or ""
                elif event is None:
                    if current is not None and not in_file:
                        fields[current] = _decode(buffer, current)
                    current, in_file = None, False
                elif in_file and blob is not None:
                    blob.write(bytes(event))
                elif current is not None:
                    buffer.extend(event)
                    if len(buffer) > MAX_FIELD_BYTES:
                        raise InvalidInput(messages.UPLOAD_MALFORMED, f"form field {current!r} is too large")
        if not parser.closed:
            raise InvalidInput(messages.UPLOAD_MALFORMED, "the multipart body ended early")
    except multipart.MultipartError as exc:
        if blob is not None:
            blob.discard()
        raise InvalidInput(messages.UPLOAD_MALFORMED, f"malformed multipart body: {exc}") from exc
    except BaseException:
        if blob is not None:
            blob.discard()
        raise
    return fields, blob


def _decode(raw: bytearray, name: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput(messages.UPLOAD_MALFORMED, f"form field {name!r} is not UTF-8 text") from exc
