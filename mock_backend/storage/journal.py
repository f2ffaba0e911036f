"""The request journal's store: a bounded SQLite table beside the data, shared by every worker process.

Why a file of its own: recording must never queue behind the world's writers (the main database's writer
lock), and it is disposable — no fsync, and a crash may lose the last entries. Each process appends from a
buffer in batches (`Journal.add` costs a list append on the request path); a flusher thread writes them within
`FLUSH_SECONDS`, so a journal read through any worker sees requests answered by every other.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: How long an entry may wait in a process's buffer before it is written.
FLUSH_SECONDS = 0.1
#: A flusher thread with nothing to write for this long ends; the next entry starts another.
IDLE_SECONDS = 2.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS journal (
    id INTEGER PRIMARY KEY,
    at REAL NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    query TEXT NOT NULL,
    status INTEGER NOT NULL,
    duration_ms REAL NOT NULL,
    request_headers TEXT NOT NULL,
    request_body BLOB,
    response_type TEXT,
    response_body BLOB,
    verdict TEXT
)
"""
_COLUMNS = (
    "id, at, method, path, query, status, duration_ms, request_headers, request_body, response_type, "
    "response_body, verdict"
)


#: What the request path hands the journal: (at, method, path, query, status, duration_ms, request headers as
#: JSON, request body, response content type, response body); a tuple, since this is paid on every request.
Row = tuple[float, str, str, str, int, float, str, bytes | None, str | None, bytes | None]


@dataclass(frozen=True)
class Exchange:
    """One request and its answer as recorded (bodies are None when not kept: too large, binary or streamed)."""

    at: float
    method: str
    path: str
    query: str
    status: int
    duration_ms: float
    request_headers: dict[str, str]
    request_body: bytes | None
    response_type: str | None
    response_body: bytes | None
    id: int = 0
    #: The contract's verdict, once computed: {"request": {...}, "response": {...}}.
    verdict: dict[str, Any] | None = None


class Journal:
    """The last `size` exchanges of every process on one data directory."""

    def __init__(self, path: Path, size: int) -> None:
        self.path = path
        self.size = size
        self._buffer: list[Row] = []
        self._lock = threading.Lock()
        self._flusher: threading.Thread | None = None
        with self._connection() as db:
            db.execute(_SCHEMA)

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=10, isolation_level=None)) as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=OFF")  # disposable: speed over durability
            yield db

    def add(self, exchange: Row) -> None:
        """Queue one exchange (a `Row`, cheap to build on the request path); a flusher thread writes it soon."""
        with self._lock:
            self._buffer.append(exchange)
            if self._flusher is None:
                self._flusher = threading.Thread(target=self._flush_loop, name="permanent-mock-journal", daemon=True)
                self._flusher.start()

    def _flush_loop(self) -> None:
        idle_since = time.monotonic()
        # The flusher's own connection, kept while it runs: opening one per batch cost more than the batch.
        with self._connection() as db:
            while True:
                time.sleep(FLUSH_SECONDS)
                with self._lock:
                    if not self._buffer and time.monotonic() - idle_since > IDLE_SECONDS:
                        self._flusher = None
                        return
                if self._write(db):
                    idle_since = time.monotonic()

    def _write(self, db: sqlite3.Connection) -> int:
        with self._lock:
            batch, self._buffer = self._buffer, []
        if not batch:
            return 0
        try:
            db.execute("BEGIN IMMEDIATE")
            db.executemany(
                "INSERT INTO journal (at, method, path, query, status, duration_ms, request_headers, "
                "request_body, response_type, response_body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                batch,
            )
            db.execute("DELETE FROM journal WHERE id <= (SELECT max(id) FROM journal) - ?", (self.size,))
            db.execute("COMMIT")
        except sqlite3.Error:
            if db.in_transaction:
                db.execute("ROLLBACK")
            return 0  # a journal is best effort: losing entries must never fail the server
        return len(batch)

    def entries(
        self,
        *,
        limit: int = 100,
        after: int = 0,
        method: str | None = None,
        path: str | None = None,
        status: str | None = None,
    ) -> list[Exchange]:
        """Return the newest exchanges (newest first) matching the filters; `status` is "404" or "4xx".

        This process's buffered exchanges are written first, on the same connection as the read.
        """
        where: list[str] = ["id > ?"]
        args: list[object] = [after]
        if method:
            where.append("method = ?")
            args.append(method.upper())
        if path:
            where.append("substr(path, 1, ?) = ?")
            args.extend([len(path), path])
        if status:
            if len(status) == 3 and status[1:].lower() == "xx" and status[0].isdigit():
                where.append("status / 100 = ?")
                args.append(int(status[0]))
            else:
                where.append("status = ?")
                args.append(int(status))
        query = f"SELECT {_COLUMNS} FROM journal WHERE {' AND '.join(where)} ORDER BY id DESC LIMIT ?"
        with self._connection() as db:
            self._write(db)
            rows = db.execute(query, [*args, limit]).fetchall()
        return [_exchange(row) for row in rows]

    def set_verdicts(self, verdicts: dict[int, dict[str, Any]]) -> None:
        """Keep computed verdicts, so each exchange is judged once."""
        if not verdicts:
            return
        with self._connection() as db:
            db.executemany(
                "UPDATE journal SET verdict = ? WHERE id = ?", [(json.dumps(v), k) for k, v in verdicts.items()]
            )

    def clear(self) -> None:
        """Forget every exchange (of every process)."""
        with self._lock:
            self._buffer = []
        with self._connection() as db:
            db.execute("DELETE FROM journal")


def _exchange(row: tuple[Any, ...]) -> Exchange:
    (id_, at, method, path, query, status, ms, headers, request_body, response_type, response_body, verdict) = row
    return Exchange(
        at=at,
        method=method,
        path=path,
        query=query,
        status=status,
        duration_ms=ms,
        request_headers=json.loads(headers),
        request_body=request_body,
        response_type=response_type,
        response_body=response_body,
        id=id_,
        verdict=json.loads(verdict) if verdict else None,
    )
