"""File bytes on disk: streamed in through a writer, kept under a key, served by path; crash leftovers swept."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows has no flock
    fcntl = None  # type: ignore[assignment]

from mock_backend.domain import messages
from mock_backend.domain.errors import InvalidInput


class FileBlobWriter:
    """A blob being received into a temporary file, hashed as it arrives."""

    def __init__(self, store: FileBlobStore, limit: int) -> None:
        self._store = store
        self._limit = limit
        handle, name = tempfile.mkstemp(dir=store.incoming)
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
    """Blobs as files named by a hash of their key, so any key is a safe file name.

    Bytes being received go to `incoming/<store id>/`, beside a `<store id>.lock` that this store holds
    locked (flock) while it lives. Several processes may share one data directory, so a directory whose
    lock can be taken belongs to a store that is gone — a process killed mid-upload — and is removed.

    The lock is locked before it has its name (made as `<store id>.new`, locked, renamed; the lock goes with the
    file), and the directory is made after it and removed before it. So a `.lock` that can be taken, or a
    directory without one, is a dead store's the moment it is seen, and goes at once: even the sweep the server
    runs as it stops, after its workers are gone (one killed between removing its directory and its lock used to
    leave the lock for a later start to remove, once a minute old).
    """

    def __init__(self, root: Path, limit: int) -> None:
        self.root = root
        self._limit = limit
        (root / "objects").mkdir(parents=True, exist_ok=True)
        base = root / "incoming"
        base.mkdir(parents=True, exist_ok=True)
        store_id = uuid.uuid4().hex
        lock = self._lock_path = base / f"{store_id}{_LOCK}"
        if fcntl is None:  # pragma: no cover - Windows: nothing is locked, and an open file cannot be renamed
            self._lock: IO[bytes] | None = lock.open("wb")
        else:
            pending = base / f"{store_id}{_PENDING}"
            self._lock = pending.open("wb")
            _try_lock(self._lock)
            pending.rename(lock)
        self.incoming = base / store_id
        self.incoming.mkdir()

    def close(self) -> None:
        """Release this store's incoming directory (removed with whatever half-received bytes it holds)."""
        if self._lock is None:
            return
        shutil.rmtree(self.incoming, ignore_errors=True)
        self._lock_path.unlink(missing_ok=True)
        self._lock.close()
        self._lock = None

    def sweep_incoming(self) -> tuple[int, int]:
        """Remove what dead stores left in `incoming/`; return (files, bytes) removed."""
        files = size = 0
        base = self.root / "incoming"
        for entry in list(base.iterdir()):
            if entry.stem == self.incoming.name or entry.suffix in (_LOCK, _PENDING):
                continue
            lock = base / f"{entry.name}{_LOCK}"
            if entry.is_dir() and not _is_abandoned(lock):
                continue  # its store is alive (maybe in another process)
            # os.walk, not rglob: another process sweeping at the same moment may remove entries under us.
            found = [Path(d) / f for d, _, names in os.walk(entry) for f in names] if entry.is_dir() else [entry]
            files += len(found)
            size += sum(_size(p) for p in found)
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)  # a loose temporary file of the layout before stores had ids
            lock.unlink(missing_ok=True)
        for lock in base.glob(f"*{_LOCK}"):
            if lock.stem != self.incoming.name and not (base / lock.stem).exists() and _is_abandoned(lock):
                lock.unlink(missing_ok=True)
        # A lock not yet renamed is unlocked for an instant after it is made, so only an old one is judged (a
        # process killed in that instant left it).
        for pending in base.glob(f"*{_PENDING}"):
            if _old(pending) and _is_abandoned(pending):
                pending.unlink(missing_ok=True)
        return files, size

    def clear(self) -> int:
        """Remove every stored blob (a reset); return how many. Uploads being received are left to finish."""
        removed = 0
        for path in list((self.root / "objects").iterdir()):
            path.unlink(missing_ok=True)
            removed += 1
        return removed

    def sweep_unreferenced(self, referenced: Callable[[], Iterable[str]], grace_seconds: float) -> tuple[int, int]:
        """Remove stored blobs no key of `referenced()` names and untouched for `grace_seconds`; return (files, bytes).

        The grace covers a blob kept by another process whose unit of work has not committed yet. The keys are
        asked for only when some blob is old enough to judge (a fresh data directory has none).
        """
        cutoff = time.time() - grace_seconds
        candidates = [p for p in (self.root / "objects").iterdir() if _mtime(p) < cutoff]
        if not candidates:
            return 0, 0
        names = {self.path(key).name for key in referenced()}
        files = size = 0
        for path in candidates:
            if path.name not in names:
                files += 1
                size += _size(path)
                path.unlink(missing_ok=True)
        return files, size

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

    def copy(self, source: str, target: str) -> None:
        """Store the bytes of `source` under `target` too, as an independent blob (deleting one keeps the other).

        A hard link costs no bytes and is safe because stored files are never written in place (see `keep`).
        Its shared modification time is touched, so the new name is not judged an old orphan by
        `sweep_unreferenced` before the unit of work naming it commits.
        """
        origin, copy = self.path(source), self.path(target)
        try:
            os.link(origin, copy)
        except FileExistsError:
            copy.unlink()
            os.link(origin, copy)
        except OSError:  # a file system without hard links
            shutil.copyfile(origin, copy)
        os.utime(copy)

    def put(self, key: str, chunks: Iterator[bytes]) -> tuple[int, str]:
        """Store chunks under `key`; return (size, md5)."""
        writer = self.writer()
        for chunk in chunks:
            writer.write(chunk)
        writer.keep(key)
        return writer.size, writer.md5()


def _is_abandoned(lock: Path) -> bool:
    """Tell whether no live store holds `lock` (a missing lock file is abandoned too)."""
    try:
        handle = lock.open("rb")
    except FileNotFoundError:
        return True
    with handle:
        if not _try_lock(handle):
            return False
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_UN)
        return True


def _try_lock(handle: IO[bytes]) -> bool:
    """Take an exclusive lock without waiting; False if another store holds it.

    Without flock (Windows) no store can tell a live one from a dead one, so none is ever judged dead:
    crash leftovers of other processes then stay, and only a store's own directory is removed on close.
    """
    if fcntl is None:  # pragma: no cover - Windows
        return False
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


#: Seconds within which a lock not yet renamed may still be being set up by its store, so is never judged.
_SETUP_SECONDS = 60
#: The names of a store's lock, and of that lock before it is locked (see FileBlobStore).
_LOCK = ".lock"
_PENDING = ".new"


def _old(path: Path) -> bool:
    """Tell whether `path` was last changed more than a set-up window ago."""
    return _mtime(path) < time.time() - _SETUP_SECONDS


def _size(path: Path) -> int:
    with contextlib.suppress(FileNotFoundError):
        return path.stat().st_size
    return 0


def _mtime(path: Path) -> float:
    with contextlib.suppress(FileNotFoundError):
        return path.stat().st_mtime
    return float("inf")
