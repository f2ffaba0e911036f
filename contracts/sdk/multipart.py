"""A multipart/form-data body for presigned POSTs, produced chunk by chunk so files stream."""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

CHUNK_SIZE = 64 * 1024

UploadData = bytes | bytearray | memoryview | BinaryIO | Path


@dataclass(frozen=True, slots=True)
class UploadSource:
    """The bytes to upload and their exact size, read lazily from a file or stream."""

    data: UploadData
    size: int

    @classmethod
    def of(cls, data: UploadData, size: int | None = None) -> UploadSource:
        """Wrap upload data, measuring its size when not given.

        Raises:
            ValueError: the size is negative, or unknown for an unseekable stream.
        """
        if size is None:
            size = _measure(data)
        if size < 0:
            raise ValueError("size must not be negative")
        return cls(data, size)

    def chunks(self) -> Iterator[bytes]:
        """Yield exactly `size` bytes in chunks of at most CHUNK_SIZE.

        Raises:
            ValueError: the data ends before `size` bytes.
        """
        if isinstance(self.data, Path):
            with self.data.open("rb") as stream:
                yield from _read(stream, self.size)
        elif isinstance(self.data, bytes | bytearray | memoryview):
            view = memoryview(self.data)
            if len(view) < self.size:
                raise ValueError(f"upload data has {len(view)} bytes, expected {self.size}")
            for offset in range(0, self.size, CHUNK_SIZE):
                yield bytes(view[offset : min(offset + CHUNK_SIZE, self.size)])
        else:
            yield from _read(self.data, self.size)


def _measure(data: UploadData) -> int:
    """Return the number of bytes left in the data."""
    if isinstance(data, Path):
        return data.stat().st_size
    if isinstance(data, bytes | bytearray | memoryview):
        return memoryview(data).nbytes
    if not data.seekable():
        raise ValueError("size is required for an unseekable stream")
    position = data.tell()
    end = data.seek(0, 2)
    data.seek(position)
    return end - position


def _read(stream: BinaryIO, size: int) -> Iterator[bytes]:
    """Yield `size` bytes read from the stream in chunks."""
    remaining = size
    while remaining > 0:
        chunk = stream.read(min(CHUNK_SIZE, remaining))
        if not chunk:
            raise ValueError(f"upload stream ended after {size - remaining} of {size} bytes")
        remaining -= len(chunk)
        yield chunk


def _quote(value: str) -> str:
    """Escape a name for a Content-Disposition parameter as browsers do."""
    return value.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


class MultipartBody:
    """Form fields in the given order, then the file part last, as an iterable of chunks."""

    def __init__(
        self,
        fields: Sequence[tuple[str, str]],
        source: UploadSource,
        *,
        file_name: str | None,
        file_content_type: str,
        boundary: str | None = None,
    ) -> None:
        self.boundary = boundary or f"{'-' * 24}{secrets.token_hex(12)}"
        self._source = source
        delimiter = f"--{self.boundary}\r\n".encode()
        self._fields = b"".join(
            delimiter
            + f'Content-Disposition: form-data; name="{_quote(name)}"\r\n\r\n'.encode()
            + value.encode()
            + b"\r\n"
            for name, value in fields
        )
        disposition = 'form-data; name="file"'
        if file_name is not None:
            disposition += f'; filename="{_quote(file_name)}"'
        self._file_head = (
            delimiter
            + f"Content-Disposition: {disposition}\r\n".encode()
            + f"Content-Type: {file_content_type}\r\n\r\n".encode()
        )
        self._tail = f"\r\n--{self.boundary}--\r\n".encode()

    @property
    def content_type(self) -> str:
        """The Content-Type header of the request."""
        return f"multipart/form-data; boundary={self.boundary}"

    @property
    def content_length(self) -> int:
        """The exact body length, so the request need not be chunked (S3 refuses chunked POSTs)."""
        return len(self._fields) + len(self._file_head) + self._source.size + len(self._tail)

    def __iter__(self) -> Iterator[bytes]:
        """Yield the body; the file is read only while the request is being sent."""
        yield self._fields + self._file_head
        yield from self._source.chunks()
        yield self._tail
