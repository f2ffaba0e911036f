"""Planned faults shared by every process serving one data directory: a JSON file under an exclusive flock."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

from mock_backend.domain.faults import Fault, FaultPlan

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows has no flock; one process per data directory there
    fcntl = None  # type: ignore[assignment]


class SharedFaultPlan(FaultPlan):
    """A FaultPlan kept in a file, so a fault planned through one worker process hits requests of any worker.

    Every request asks whether a fault is planned; that costs one stat() while the file is unchanged since this
    process last read it with no fault in it.
    """

    def __init__(self, path: Path, *, clear: bool) -> None:
        super().__init__()
        self._path = path
        self._seen: tuple[int, int, int] | None = None  # (inode, size, mtime) when last read empty
        if clear:
            self.clear()

    def _nothing_planned(self) -> bool:
        try:
            status = os.stat(self._path)
        except FileNotFoundError:
            return True
        return (status.st_ino, status.st_size, status.st_mtime_ns) == self._seen

    @contextmanager
    def _locked(self, write: bool = True) -> Iterator[None]:
        with self._lock, open(self._path, "a+", encoding="utf-8") as file:
            if fcntl is not None:
                fcntl.flock(file, fcntl.LOCK_EX)
            file.seek(0)
            text = file.read()
            state: dict[str, Any] = json.loads(text) if text else {"next": 1, "faults": []}
            self._faults = [Fault(**fault) for fault in state["faults"]]
            self._next_id = int(state["next"])
            yield
            written = json.dumps({"next": self._next_id, "faults": [asdict(f) for f in self._faults]})
            # Only a change is written: rewriting the same text moved the file's mtime, so every other worker's
            # "unchanged since I read it empty" failed, and the workers took turns re-reading and rewriting the
            # file under the flock on every request (two fifths of a served worker's time).
            if write and written != text:
                file.seek(0)
                file.truncate()
                file.write(written)
                file.flush()
            status = os.fstat(file.fileno())
            self._seen = None if self._faults else (status.st_ino, status.st_size, status.st_mtime_ns)
