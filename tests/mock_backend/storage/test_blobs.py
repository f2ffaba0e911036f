"""Tests of mock_backend.storage.blobs: crash leftovers of dead stores go, live stores' bytes stay."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from mock_backend.storage.blobs import FileBlobStore, FileBlobWriter

LIMIT = 1 << 20
HOUR_AGO = time.time() - 3600


def _age(path: Path) -> None:
    os.utime(path, (HOUR_AGO, HOUR_AGO))


@pytest.fixture
def open_store(tmp_path: Path) -> Iterator[Callable[[], FileBlobStore]]:
    """Open stores on one directory (like processes sharing a data directory); close them all at the end."""
    stores: list[FileBlobStore] = []

    def opened() -> FileBlobStore:
        stores.append(FileBlobStore(tmp_path, LIMIT))
        return stores[-1]

    yield opened
    for store in stores:
        store.close()


def _writing(store: FileBlobStore, data: bytes, writers: list[FileBlobWriter]) -> FileBlobWriter:
    writer = store.writer()
    writer.write(data)
    writers.append(writer)
    return writer


def test_sweep_incoming_removes_a_dead_stores_half_received_bytes(open_store: Callable[[], FileBlobStore]) -> None:
    """A store that is gone (its lock free) leaves its incoming directory; the next store removes it."""
    dead = open_store()
    writers: list[FileBlobWriter] = []
    _writing(dead, b"x" * 100_000, writers)  # larger than the write buffer, so it is on disk
    dead_dir = dead.incoming
    # Simulate kill -9: the lock is released (the process is gone) but nothing was cleaned up.
    assert dead._lock is not None
    dead._lock.close()
    dead._lock = None
    swept = open_store().sweep_incoming()
    writers[0].discard()
    assert (swept, dead_dir.exists()) == ((1, 100_000), False)


def test_sweep_incoming_keeps_a_live_stores_bytes(open_store: Callable[[], FileBlobStore]) -> None:
    """Another live store on the same directory (another process) keeps its bytes being received."""
    live = open_store()
    writers: list[FileBlobWriter] = []
    _writing(live, b"y" * 10, writers)
    swept = open_store().sweep_incoming()
    kept = any(live.incoming.iterdir())
    writers[0].discard()
    assert (swept, kept) == ((0, 0), True)


def test_sweep_incoming_removes_a_dead_stores_lock_left_without_its_directory_at_once(
    open_store: Callable[[], FileBlobStore],
) -> None:
    """A store killed between removing its directory and its lock leaves a fresh lock nobody holds: it goes at once
    (a live store's lock is locked before it has its name, so a fresh one that can be taken is never a live one's)."""
    dead = open_store()
    lock = dead.root / "incoming" / f"{dead.incoming.name}.lock"
    dead.incoming.rmdir()
    assert dead._lock is not None
    dead._lock.close()  # the process is gone
    dead._lock = None
    live = open_store()
    live.sweep_incoming()
    assert (lock.exists(), sorted(path.name for path in live.root.joinpath("incoming").iterdir())) == (
        False,
        sorted([live.incoming.name, f"{live.incoming.name}.lock"]),
    )


def test_a_live_stores_lock_is_held_under_its_name_and_survives_other_stores_sweeps(
    open_store: Callable[[], FileBlobStore],
) -> None:
    """Right after it opens, a store's lock has its final name and is locked; another store's sweep keeps it."""
    live = open_store()
    lock = live.root / "incoming" / f"{live.incoming.name}.lock"
    with lock.open("rb") as probe:
        try:
            fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
            taken = True
        except BlockingIOError:
            taken = False
    open_store().sweep_incoming()
    assert (taken, lock.exists(), live.incoming.is_dir(), list(live.root.joinpath("incoming").glob("*.new"))) == (
        False,
        True,
        True,
        [],
    )


def test_sweep_incoming_removes_a_lock_left_before_its_rename_only_once_old(
    tmp_path: Path, open_store: Callable[[], FileBlobStore]
) -> None:
    """A lock not yet renamed (`.new`) is unlocked for an instant after it is made: only an old one is a leftover."""
    incoming = tmp_path / "incoming"
    incoming.mkdir(parents=True)
    (incoming / "young.new").write_bytes(b"")
    (incoming / "old.new").write_bytes(b"")
    _age(incoming / "old.new")
    open_store().sweep_incoming()
    assert ((incoming / "young.new").exists(), (incoming / "old.new").exists()) == (True, False)


def test_sweep_incoming_removes_loose_files_of_the_older_layout(
    tmp_path: Path, open_store: Callable[[], FileBlobStore]
) -> None:
    """A temporary file directly in incoming/ (the layout before store ids) is a crash leftover."""
    (tmp_path / "incoming").mkdir(parents=True)
    (tmp_path / "incoming" / "tmpabc").write_bytes(b"z" * 5)
    store = open_store()
    assert (store.sweep_incoming(), (tmp_path / "incoming" / "tmpabc").exists()) == ((1, 5), False)


def test_sweep_unreferenced_removes_only_old_blobs_no_key_names(open_store: Callable[[], FileBlobStore]) -> None:
    """Old and unnamed: removed. Named, or younger than the grace: kept."""
    store = open_store()
    store.put("kept", iter([b"1"]))
    store.put("orphan", iter([b"22"]))
    store.put("young-orphan", iter([b"333"]))
    _age(store.path("kept"))
    _age(store.path("orphan"))
    removed = store.sweep_unreferenced(lambda: {"kept"}, grace_seconds=300)
    assert (removed, store.exists("kept"), store.exists("orphan"), store.exists("young-orphan")) == (
        (1, 2),
        True,
        False,
        True,
    )


def test_close_removes_the_stores_own_incoming_directory(tmp_path: Path) -> None:
    """A store closed in an orderly way leaves nothing in incoming/."""
    store = FileBlobStore(tmp_path, LIMIT)
    writer = store.writer()
    writer.write(b"partial")
    store.close()
    writer.discard()
    assert list((tmp_path / "incoming").iterdir()) == []
