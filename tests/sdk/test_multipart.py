"""Tests of the streaming multipart body in contracts.sdk.multipart."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from contracts.sdk.multipart import CHUNK_SIZE, MultipartBody, UploadSource


def _body(data: bytes = b"hello world!", file_name: str | None = "myFile.txt") -> MultipartBody:
    """Build a body with S3-like fields and a fixed boundary."""
    fields = [("key", "env/unprocessed/1"), ("Policy", "p"), ("X-Amz-Signature", "s")]
    return MultipartBody(
        [*fields, ("Content-Type", "text/plain")],
        UploadSource.of(data),
        file_name=file_name,
        file_content_type="text/plain",
        boundary="BOUNDARY",
    )


def test_iter_given_fields_emits_them_in_order_with_file_last() -> None:
    """Fields come in the given order, then Content-Type, then the file part."""
    body = b"".join(_body())
    names = re.findall(rb'; name="([^"]+)"', body)
    assert names == [b"key", b"Policy", b"X-Amz-Signature", b"Content-Type", b"file"]
    assert body.endswith(b"\r\n\r\nhello world!\r\n--BOUNDARY--\r\n")


def test_content_length_given_body_equals_emitted_bytes() -> None:
    """The announced Content-Length is the exact body size."""
    body = _body(b"x" * (CHUNK_SIZE * 2 + 5))
    assert body.content_length == sum(len(chunk) for chunk in body)


def test_iter_given_file_name_with_quote_escapes_it() -> None:
    """Quotes and newlines in the file name are percent-escaped."""
    body = b"".join(_body(file_name='a"b\n.txt'))
    assert b'filename="a%22b%0A.txt"' in body


def test_iter_given_no_file_name_omits_filename_parameter() -> None:
    """Without a name the file part has no filename, like a Buffer in form-data."""
    assert b"filename=" not in b"".join(_body(file_name=None))


def test_upload_source_given_path_reads_it_lazily_in_chunks(tmp_path: Path) -> None:
    """A Path is measured by stat and read in chunks of at most CHUNK_SIZE."""
    path = tmp_path / "data.bin"
    path.write_bytes(b"a" * (CHUNK_SIZE + 1))
    source = UploadSource.of(path)
    assert source.size == CHUNK_SIZE + 1
    assert [len(chunk) for chunk in source.chunks()] == [CHUNK_SIZE, 1]


def test_upload_source_given_seekable_stream_measures_from_position() -> None:
    """A seekable stream uploads what is left after its current position."""
    stream = io.BytesIO(b"0123456789")
    stream.seek(4)
    source = UploadSource.of(stream)
    assert (source.size, b"".join(source.chunks())) == (6, b"456789")


class _Unseekable(io.RawIOBase):
    """A readable stream that cannot seek."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        return 0


def test_upload_source_given_unseekable_stream_without_size_raises_value_error() -> None:
    """The size of an unseekable stream must be given."""
    with pytest.raises(ValueError, match="size is required"):
        UploadSource.of(io.BufferedReader(_Unseekable()))


def test_chunks_given_short_stream_raises_value_error() -> None:
    """A stream that ends before the declared size fails instead of sending a short body."""
    source = UploadSource.of(io.BytesIO(b"abc"), size=5)
    with pytest.raises(ValueError, match="ended after 3 of 5 bytes"):
        list(source.chunks())


def test_upload_source_given_negative_size_raises_value_error() -> None:
    """A negative size is refused."""
    with pytest.raises(ValueError, match="negative"):
        UploadSource.of(b"", size=-1)
