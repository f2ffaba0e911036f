"""File bytes on disk: streamed in through a writer, kept under a key, served by path."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from mock_backend.domain import messages
from mock_backend.domain.errors import InvalidInput


class FileBlobWriter:
    """A blob being received into a temporary file, hashed as it arrives."""

    def __init__(self, store: FileBlobStore, limit: int) -> None:
        self._store = store
        self._limit = limit
        handle, name = tempfile.mkstemp(dir=store.root / "incoming")
        self._file = os.fdopen(handle, "wb")
        self._path = Path(name)
        self._md5 = hashlib.md5(usedforsecurity=False)
        self.size = 0

    def write(self, chunk: bytes) -> None:
        """Append bytes.

        Raises:
            InvalidInput: the blob grew past the store's limit (nothing is kept).
        """
        self.size += len(chunk)
        if self.size > self._limit:
            self.discard()
            raise InvalidInput(messages.UPLOAD_TOO_LARGE, f"uploads are limited to {self._limit} bytes")
        self._file.write(chunk)
        self._md5.update(chunk)

    def md5(self) -> str:
        """Return the hex MD5 of what was written."""
        return self._md5.hexdigest()

    def keep(self, key: str) -> None:
        """Move the bytes under `key`, replacing what was there."""
        self._file.close()
        os.replace(self._path, self._store.path(key))

    def discard(self) -> None:
        """Throw the bytes away."""
        if not self._file.closed:
            self._file.close()
        self._path.unlink(missing_ok=True)


class FileBlobStore:
    """Blobs as files named by a hash of their key, so any key is a safe file name."""

    def __init__(self, root: Path, limit: int) -> None:
        self.root = root
        self._limit = limit
        (root / "objects").mkdir(parents=True, exist_ok=True)
        (root / "incoming").mkdir(parents=True, exist_ok=True)

    def writer(self) -> FileBlobWriter:
        """Start receiving a blob."""
        return FileBlobWriter(self, self._limit)

    def path(self, key: str) -> Path:
        """Return where the blob of `key` lives."""
        return self.root / "objects" / hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()

    def exists(self, key: str) -> bool:
        """Tell whether a blob is stored under `key`."""
        return self.path(key).is_file()

    def delete(self, key: str) -> None:
        """Remove the blob of `key`, if any."""
        self.path(key).unlink(missing_ok=True)

    def put(self, key: str, chunks: Iterator[bytes]) -> tuple[int, str]:
        """Store chunks under `key`; return (size, md5)."""
        writer = self.writer()
        for chunk in chunks:
            writer.write(chunk)
        writer.keep(key)
        return writer.size, writer.md5()
