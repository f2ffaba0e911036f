"""Tests of mock_backend.wire.form: the streaming multipart reader of the presigned-POST target."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator

import pytest

from mock_backend.domain import messages
from mock_backend.domain.errors import InvalidInput
from mock_backend.wire import form
from tests.conftest import BOUNDARY, multipart_body


class MemoryBlob:
    """A BlobWriter that keeps the bytes in memory."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.size = 0
        self.discarded = False

    def write(self, chunk: bytes) -> None:
        """Append bytes."""
        self.data.extend(chunk)
        self.size = len(self.data)

    def md5(self) -> str:
        """Return the MD5 of the bytes."""
        return hashlib.md5(self.data, usedforsecurity=False).hexdigest()

    def keep(self, key: str) -> None:
        """Accept the bytes."""

    def discard(self) -> None:
        """Throw the bytes away."""
        self.discarded = True


def _chunks(data: bytes, size: int) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def test_boundary_of_multipart_content_type_gives_boundary() -> None:
    """The boundary is read from a multipart/form-data Content-Type."""
    assert form.boundary_of(f"multipart/form-data; boundary={BOUNDARY}") == BOUNDARY


@pytest.mark.parametrize(
    "content_type",
    [None, "application/json", "multipart/form-data"],
    ids=["missing", "json", "no-boundary"],
)
def test_boundary_of_other_content_type_is_upload_malformed(content_type: str | None) -> None:
    """A body that is not multipart with a boundary is malformed."""
    with pytest.raises(InvalidInput) as caught:
        form.boundary_of(content_type)
    assert caught.value.key == messages.UPLOAD_MALFORMED


@pytest.mark.parametrize("chunk_size", [1, 7, 4096, 1 << 20], ids=["byte", "odd", "page", "whole"])
def test_read_form_any_chunking_gives_fields_and_exact_bytes(chunk_size: int) -> None:
    """Fields come back as text and the file part's bytes verbatim, however the body is chunked."""
    data = random.Random(7).randbytes(10_000) + b"\r\n--" + BOUNDARY.encode()[:-1]
    body, _ = multipart_body({"key": "k", "Content-Type": "image/png"}, data, "a.png")
    blob = MemoryBlob()
    fields, written = form.read_form(_chunks(body, chunk_size), BOUNDARY, lambda: blob)
    assert (fields, written is blob, bytes(blob.data)) == (
        {"key": "k", "Content-Type": "image/png", "file": "a.png"},
        True,
        data,
    )


def test_read_form_file_without_filename_is_still_the_file() -> None:
    """A `file` part without a filename (sftp-service's form) is read as the file, not a text field."""
    body, _ = multipart_body({"key": "k"}, b"\x00\xff binary", None)
    blob = MemoryBlob()
    fields, _ = form.read_form([body], BOUNDARY, lambda: blob)
    assert (fields["file"], bytes(blob.data)) == ("", b"\x00\xff binary")


def test_read_form_no_file_part_gives_no_blob() -> None:
    """A form without a `file` part returns no blob (the backend then refuses it)."""
    body = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="key"\r\n\r\nk\r\n--{BOUNDARY}--\r\n'.encode()
    fields, blob = form.read_form([body], BOUNDARY, MemoryBlob)
    assert (fields, blob) == ({"key": "k"}, None)


def test_read_form_truncated_body_is_upload_malformed_and_discards() -> None:
    """A body that ends before its closing boundary is malformed, and the partial blob is discarded."""
    body, _ = multipart_body({"key": "k"}, b"data", None)
    blob = MemoryBlob()
    with pytest.raises(InvalidInput) as caught:
        form.read_form([body[:-30]], BOUNDARY, lambda: blob)
    assert (caught.value.key, blob.discarded) == (messages.UPLOAD_MALFORMED, True)


def test_read_form_two_file_parts_is_upload_malformed() -> None:
    """A second `file` part is refused."""
    body, _ = multipart_body({}, b"one", "a")
    second, _ = multipart_body({}, b"two", "b")
    joined = body.replace(f"--{BOUNDARY}--\r\n".encode(), b"") + second
    with pytest.raises(InvalidInput) as caught:
        form.read_form([joined], BOUNDARY, MemoryBlob)
    assert caught.value.key == messages.UPLOAD_MALFORMED


def test_read_form_oversized_field_is_upload_malformed() -> None:
    """A text field above MAX_FIELD_BYTES is refused."""
    body, _ = multipart_body({"Policy": "x" * (form.MAX_FIELD_BYTES + 1)}, b"", None)
    with pytest.raises(InvalidInput) as caught:
        form.read_form([body], BOUNDARY, MemoryBlob)
    assert caught.value.key == messages.UPLOAD_MALFORMED
