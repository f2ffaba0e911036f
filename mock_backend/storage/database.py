"""The database: engine set-up for SQLite or PostgreSQL, schema creation, and units of work."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import IO, Any

from sqlalchemy import create_engine, delete, event, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from mock_backend.domain.errors import Contention
from mock_backend.storage.repository import SqlRepository
from mock_backend.storage.tables import MIGRATIONS, SCHEMA_VERSION, Base, MetaRow

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: SQLite's own locking alone
    fcntl = None  # type: ignore[assignment]


class _SharedReads:
    """The one read repository (a connection; a session on it only for ORM reads) the reads of one request share,
    and how many units of work use it now."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.repo: SqlRepository | None = None
        self.depth = 0
        self.ended = False

    def repository(self) -> SqlRepository:
        if self.repo is None:
            sessions = self.database._sessions
            self.repo = SqlRepository.reading(
                self.database.engine.connect, lambda connection: sessions(bind=connection), remember=True
            )
        return self.repo

    def forget_loaded(self) -> None:
        """Expire the ORM's rows read so far (a write inside a read happened): the next access reads them again."""
        if self.repo is not None:
            self.repo.expire_loaded()

    def release(self) -> None:
        """Hand the connection back (a later read opens another); ends a PostgreSQL read transaction too."""
        if self.repo is not None:
            self.repo.close()
            self.repo = None


#: The shared reads of the request the current thread (or task) serves; see `Database.sharing_reads`.
_SHARED: ContextVar[_SharedReads | None] = ContextVar("permanent_mock_shared_reads", default=None)


class SchemaMismatch(RuntimeError):
    """The data directory was written by an incompatible version of the mock."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets readers run while the single writer works; busy_timeout covers other processes.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


#: Pooled SQLite connections: a served worker's threads (16 by default) plus the sweeper and spare.
POOL_SIZE = 24

#: The PostgreSQL advisory lock key writers queue on (any constant; "pmock" in ASCII).
_PG_WRITERS_LOCK = 0x706D6F636B

#: PostgreSQL SQLSTATEs of a transaction that lost to a concurrent one: serialization failure, deadlock.
_PG_RETRYABLE = frozenset({"40001", "40P01"})


def lost_race(exc: DBAPIError) -> bool:
    """Tell whether a database error means a concurrent writer won (worth retrying), not a bug."""
    if isinstance(exc, IntegrityError):
        # A unique index (a sibling's name) or a foreign key (a parent deleted meanwhile): a retry re-reads.
        return True
    if isinstance(exc, OperationalError):
        text = str(exc.orig).lower()
        code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
        return "database is locked" in text or "database table is locked" in text or code in _PG_RETRYABLE
    return False


class Database:
    """One engine and the units of work opened on it; writers are serialised within the process."""

    def __init__(self, url: str) -> None:
        self.url = url
        sqlite = url.startswith("sqlite")
        # A server can drop a PostgreSQL connection, so check it out with a ping. A SQLite file connection cannot
        # go stale, and the ping was a second round trip on every unit of work.
        # A pool as large as a worker's threads: with SQLAlchemy's default (5 + 10 overflow) every request beyond the
        # fifth opened, set up (PRAGMAs) and closed a connection of its own, which cut a busy worker's rate 3×.
        pool = {"pool_size": POOL_SIZE, "max_overflow": POOL_SIZE} if sqlite else {}
        self.engine: Engine = create_engine(url, pool_pre_ping=not sqlite, **pool)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # One writer at a time keeps SQLite free of lock-upgrade deadlocks and makes
        # name de-duplication race-free; the unique index still guards other processes.
        self._write_lock = threading.Lock()
        # Writers of other processes (granian's workers, other servers on the data directory) queue on a flock
        # beside the database: the kernel wakes the next one at once. Left to SQLite's busy handler, a waiting
        # writer slept in growing steps (up to 100 ms each), and folder/post's p99 under two workers was 35×
        # Prism's.
        self._writer_file: IO[bytes] | None = None
        if sqlite and fcntl is not None and self.engine.url.database not in (None, "", ":memory:"):
            self._writer_file = open(f"{self.engine.url.database}-writer.lock", "a+b")  # noqa: SIM115 - held for life

    def create_schema(self) -> bool:
        """Create missing tables and migrate; return True when no start has finished building a world here.

        The version row is written only once a world is built (`mark_world_built`), so a database whose first
        start was stopped or killed half way through, at any instant, is told apart from one that was served.

        Raises:
            SchemaMismatch: the database holds another schema version.
        """
        Base.metadata.create_all(self.engine)
        with self._sessions() as session:
            version = session.get(MetaRow, "schema_version")
            if version is None:
                return True
            for source, statements in MIGRATIONS:
                if version.value == source:
                    # One transaction: a failed migration leaves the old schema, not half of the new one.
                    for statement in statements:
                        session.execute(text(statement))
                    version.value = str(int(source) + 1)
                    session.commit()
            if version.value != SCHEMA_VERSION:
                raise SchemaMismatch(
                    f"the database has schema {version.value}, this mock needs {SCHEMA_VERSION}; "
                    "start with a fresh --data-dir or --ephemeral"
                )
            return False

    def mark_world_built(self) -> None:
        """Record that a whole world stands here (the schema version row), so the next start serves it."""
        with self._write_lock, self._sessions() as session:
            session.merge(MetaRow(key="schema_version", value=SCHEMA_VERSION))
            session.commit()

    def forget_world(self) -> None:
        """Mark the database as holding no whole world (one is about to be replaced), so a start builds it anew."""
        with self._write_lock, self._sessions() as session:
            session.execute(delete(MetaRow).where(MetaRow.key == "schema_version"))
            session.commit()

    def secret(self) -> bytes:
        """Return the signing secret kept in the database, creating it on first use."""
        with self._write_lock, self._sessions() as session:
            row = session.scalar(select(MetaRow).where(MetaRow.key == "secret"))
            if row is None:
                row = MetaRow(key="secret", value=secrets.token_hex(32))
                session.add(row)
                session.commit()
            return bytes.fromhex(row.value)

    @contextmanager
    def sharing_reads(self) -> Iterator[None]:
        """Let the reads opened in this block (one request) share one connection (and session, if one is needed).

        A request reads its caller's account and then runs its operation: two units of work, each of which opened
        a session, checked a connection out and closed both (a tenth of a small answer's time). Reads see every
        write committed before them all the same: SQLite runs a read without a transaction between statements
        (pysqlite begins one only before a write) and PostgreSQL reads at READ COMMITTED. A read still open when the
        block ends (a streamed answer's) keeps the connection until it ends.
        """
        shared = _SharedReads(self)
        token = _SHARED.set(shared)
        try:
            yield
        finally:
            _SHARED.reset(token)
            shared.ended = True
            if shared.depth == 0:
                shared.release()

    @contextmanager
    def __call__(self, write: bool = False) -> Iterator[SqlRepository]:
        """Open a unit of work; uncommitted changes are rolled back at the end.

        Raises:
            Contention: another process's writer won a race (a unique index, a lock); the caller may retry.
        """
        shared = _SHARED.get()
        if shared is not None and shared.database is not self:
            shared = None
        if not write and shared is not None:
            with self._shared_read(shared) as repo:
                yield repo
            return
        if shared is not None and shared.depth == 0:
            # A writer must not wait on its own request's reads: PostgreSQL's TRUNCATE (a reset) waits for every
            # open transaction that read the tables. Closing also forgets the rows the ORM read, which it would
            # otherwise hand out again unchanged after this write.
            shared.release()
        session: Session = self._sessions()
        sqlite = self.engine.dialect.name == "sqlite"
        locked = False
        try:
            if write:
                if sqlite:
                    # The connection is checked out before the writers' locks are taken, and handed back after
                    # they are released (below): a writer holds them for its transaction only. (pysqlite begins
                    # no transaction before BEGIN IMMEDIATE or a write.)
                    session.connection()
                self._lock_writers()
                locked = True
                if sqlite:
                    # Take SQLite's write lock up front: a deferred transaction that read before another
                    # process wrote fails at its first write (SQLITE_BUSY_SNAPSHOT) without waiting.
                    session.connection().exec_driver_sql("BEGIN IMMEDIATE")
                elif self.engine.dialect.name == "postgresql":
                    # Writers of every process queue on one advisory lock, held until the transaction ends.
                    # Without it, four worker processes creating one name kept losing the unique-index race to
                    # each other, and on a busy machine a writer ran out of retries (409) although nothing was
                    # wrong.
                    session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_WRITERS_LOCK})
            yield SqlRepository(session)
        except DBAPIError as exc:
            if lost_race(exc):
                raise Contention(detail=f"a concurrent write won: {type(exc.orig).__name__}") from exc
            raise
        finally:
            try:
                if write:
                    # Ends the transaction (SQLite's write lock with it) before the writers' locks go.
                    session.rollback()
            finally:
                if locked:
                    self._unlock_writers()
                # Closing hands the connection back to the pool, which rolls it back; a read skips the session's
                # own rollback, which first expired every object it had loaded (a fifth of a small answer's time).
                session.close()
                if write and shared is not None:
                    shared.forget_loaded()

    def _lock_writers(self) -> None:
        """Wait for this process's writers, then for other processes' (the flock beside the database)."""
        self._write_lock.acquire()
        if self._writer_file is not None:
            try:
                fcntl.flock(self._writer_file, fcntl.LOCK_EX)
            except BaseException:
                # A stop signal while waiting (KeyboardInterrupt) must not leave this process's writers locked out.
                self._write_lock.release()
                raise

    def _unlock_writers(self) -> None:
        """Let the next writer in, of this process or another (the flock first, the reverse of _lock_writers)."""
        if self._writer_file is not None:
            fcntl.flock(self._writer_file, fcntl.LOCK_UN)
        self._write_lock.release()

    @contextmanager
    def _shared_read(self, shared: _SharedReads) -> Iterator[SqlRepository]:
        shared.depth += 1
        try:
            yield shared.repository()
        except DBAPIError as exc:
            # A failed statement can leave the transaction unusable (PostgreSQL): the next read starts afresh.
            shared.ended = True
            if lost_race(exc):
                raise Contention(detail=f"a concurrent write won: {type(exc.orig).__name__}") from exc
            raise
        finally:
            shared.depth -= 1
            if shared.depth == 0 and shared.ended:
                shared.release()

    def dispose(self) -> None:
        """Close every pooled connection (and the writers' lock file)."""
        self.engine.dispose()
        if self._writer_file is not None:
            self._writer_file.close()
            self._writer_file = None
