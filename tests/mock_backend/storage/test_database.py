"""Tests of mock_backend.storage.database and the repository's bookkeeping: schema migration, child counters."""

from __future__ import annotations

import fcntl
import sqlite3
from collections.abc import Iterator
from contextlib import ExitStack, closing, contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, func, select

from mock_backend.app import create_app
from mock_backend.config import Settings
from mock_backend.domain.backend import Backend
from mock_backend.domain.models import Role
from mock_backend.storage.database import Database
from mock_backend.storage.tables import SCHEMA_VERSION, FolderRow, ItemRow
from mock_backend.testing import backend_of, close, mint_token

DEMO = "demo@example.com"


def _counters(database: Database) -> list[tuple[int, int, int]]:
    """Return (folderId, child_count, real number of children) of every folder whose two numbers differ."""
    with database.engine.connect() as connection:
        real = (
            select(func.count()).select_from(ItemRow).where(ItemRow.parent_id == FolderRow.folder_id).scalar_subquery()
        )
        rows = connection.execute(select(FolderRow.folder_id, FolderRow.child_count, real)).all()
    return [(folder, kept, actual) for folder, kept, actual in rows if kept != actual]


@contextmanager
def _database(data_dir: Path) -> Iterator[Database]:
    """Open the data directory's database (for reading it behind the app's back); close it at the end."""
    database = Database(f"sqlite:///{data_dir / 'mock.sqlite3'}")
    try:
        yield database
    finally:
        database.dispose()


#: The apps of the backends handed out, kept alive until the module ends: an app that is garbage-collected closes
#: its blob store under its backend (the finalizer of mock_backend.testing.close), which failed imports at random.
_APPS: list[Flask] = []


def _backend(data_dir: Path) -> Backend:
    app = create_app(Settings(data_dir=data_dir, processing_seconds=0))
    _APPS.append(app)
    return backend_of(app)


def test_child_counters_follow_creates_imports_and_deletes(tmp_path: Path) -> None:
    """After folder/post, a bulk import, a record delete and a subtree delete, every folder's child_count equals
    the number of its children (they are what Stela's totalPages reads)."""
    backend = _backend(tmp_path)
    demo = backend.authenticate(backend.mint_token(DEMO, None))
    my_files = backend.root_child(demo.default_archive_id or 1, "My Files").id
    parent = backend.create_folder(demo, display_name="counted", parent_folder_id=my_files, fail_on_duplicate=True)
    inner = backend.create_folder(demo, display_name="inner", parent_folder_id=parent.id, fail_on_duplicate=True)
    records = backend.import_files(demo, parent_folder_id=parent.id, files=[(f"f{n}.txt", b"x") for n in range(30)])
    backend.import_files(demo, parent_folder_id=inner.id, files=[("a.txt", b"x"), ("a.txt", b"y")])
    backend.delete_record(demo, records[0].id)
    backend.delete_folder(demo, inner.id)
    with backend._uow() as repo:
        counted = repo.count_children(parent.id)
    with _database(tmp_path) as database:
        wrong = _counters(database)
    assert (counted, wrong) == (29, [])


def _undo_schema_4(connection: sqlite3.Connection) -> None:
    """Take out what schema 4 added, so the file reads as a schema-3 database."""
    connection.execute("ALTER TABLE records DROP COLUMN description")
    connection.execute("ALTER TABLE accounts DROP COLUMN sign_in_step")
    connection.execute("DROP INDEX ix_items_archive_nbr")
    connection.execute("DROP TABLE web_sessions")
    connection.execute("ALTER TABLE share_links DROP COLUMN unrestricted")


def test_a_schema_1_database_is_migrated_with_its_counters_filled(tmp_path: Path) -> None:
    """A data directory written by schema 1 (no child_count) opens: the column is added and filled from the rows."""
    _backend(tmp_path)
    path = tmp_path / "mock.sqlite3"
    with closing(sqlite3.connect(path)) as connection, connection:
        connection.execute("ALTER TABLE folders DROP COLUMN child_count")
        connection.execute("ALTER TABLE deletions DROP COLUMN item_created_at")
        _undo_schema_4(connection)
        connection.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    with _database(tmp_path) as database:
        database.create_schema()
        wrong = _counters(database)
    with closing(sqlite3.connect(path)) as connection:
        version = connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
        filled = connection.execute("SELECT count(*) FROM folders WHERE child_count > 0").fetchone()[0]
    assert (version, filled > 0, wrong) == (SCHEMA_VERSION, True, [])


def test_a_schema_2_audit_log_is_migrated_and_old_entries_have_no_creation_time(tmp_path: Path) -> None:
    """Schema 2 had no item_created_at: its entries read None after the migration, new ones get the item's time."""
    backend = _backend(tmp_path)
    demo = backend.authenticate(backend.mint_token(DEMO, None))
    my_files = backend.root_child(demo.default_archive_id or 1, "My Files").id
    old, new = backend.import_files(demo, parent_folder_id=my_files, files=[("old.txt", b"x"), ("new.txt", b"y")])
    backend.delete_record(demo, old.id)
    path = tmp_path / "mock.sqlite3"
    with closing(sqlite3.connect(path)) as connection, connection:
        connection.execute("ALTER TABLE deletions DROP COLUMN item_created_at")
        _undo_schema_4(connection)
        connection.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    backend = _backend(tmp_path)
    backend.delete_record(demo, new.id)
    entries = {d.path.rsplit("/", 1)[-1]: d.item_created_at for d in backend.deletions(demo.id)}
    assert (entries["old.txt"], entries["new.txt"] == new.created_at) == (None, True)


def test_a_schema_3_database_gains_record_descriptions(tmp_path: Path) -> None:
    """Schema 3 had no record description: its records read None after the migration, and an update stores one."""
    backend = _backend(tmp_path)
    demo = backend.authenticate(backend.mint_token(DEMO, None))
    my_files = backend.root_child(demo.default_archive_id or 1, "My Files").id
    (record,) = backend.import_files(demo, parent_folder_id=my_files, files=[("old.txt", b"x")])
    path = tmp_path / "mock.sqlite3"
    with closing(sqlite3.connect(path)) as connection, connection:
        _undo_schema_4(connection)
        connection.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    backend = _backend(tmp_path)
    before = backend.get_record(demo, record.id, record.archive_id).description
    backend.update_record(demo, record.id, description="kept")
    after = backend.get_record(demo, record.id, record.archive_id).description
    assert (before, after) == (None, "kept")


def test_a_schema_3_database_gets_share_links_that_are_not_unrestricted(tmp_path: Path) -> None:
    """Schema 3 had no `unrestricted`: its share links read as restricted after the migration to schema 4."""
    backend = _backend(tmp_path)
    demo = backend.authenticate(backend.mint_token(DEMO, None))
    folder = backend.root_child(demo.default_archive_id or 1, "My Files")
    shared = backend.create_folder(demo, display_name="shared", parent_folder_id=folder.id, fail_on_duplicate=True)
    share = backend.generate_share_link(
        demo, link_id=shared.link_id, max_uses=None, preview=None, default_access_role=None
    )
    path = tmp_path / "mock.sqlite3"
    with closing(sqlite3.connect(path)) as connection, connection:
        _undo_schema_4(connection)
        connection.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    with _database(tmp_path) as database:
        database.create_schema()
    with closing(sqlite3.connect(path)) as connection:
        version = connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
        flags = connection.execute("SELECT id, unrestricted FROM share_links").fetchall()
    assert (version, flags) == (SCHEMA_VERSION, [(share.id, 0)])


def test_a_database_is_new_until_a_whole_world_is_marked_built(tmp_path: Path) -> None:
    """Only the mark written after a build makes a database one to serve, so a start killed at any instant of its
    build (rows written or not) is followed by a new build; forgetting the world (a rebuild begins) undoes it."""
    written, _ = _with_account(tmp_path)  # a start that wrote rows and was killed before the mark
    written.dispose()
    seen = []
    with _database(tmp_path) as database:
        seen.append(database.create_schema())
        database.mark_world_built()
    with _database(tmp_path) as database:
        seen.append(database.create_schema())
        database.forget_world()
    with _database(tmp_path) as database:
        seen.append(database.create_schema())
    assert seen == [True, False, True]


def _with_account(tmp_path: Path) -> tuple[Database, int]:
    """Open a fresh database holding one account; return it and the account's id."""
    database = Database(f"sqlite:///{tmp_path / 'mock.sqlite3'}")
    database.create_schema()
    with database(write=True) as repo:
        account = repo.add_account(
            email="a@example.com",
            full_name="A",
            password_hash="x",
            subject="s",
            allow_sftp_deletion=False,
            now=datetime(2024, 1, 1),
        )
        repo.commit()
    return database, account.id


def test_the_reads_of_one_block_share_one_repository_and_hand_it_back_at_the_end(tmp_path: Path) -> None:
    database, account_id = _with_account(tmp_path)
    try:
        with database() as first, database() as second:
            assert first is not second  # outside a block each read has its own
        pool = database.engine.pool
        with database.sharing_reads():
            with database() as first:
                assert first.account(account_id) is not None
            with database() as second:
                assert second is first
                assert second.account(account_id) is not None
            assert pool.checkedout() == 1  # type: ignore[attr-defined]
        assert pool.checkedout() == 0  # type: ignore[attr-defined]
    finally:
        database.dispose()


def test_a_shared_read_sees_a_write_made_between_reads_and_inside_one(tmp_path: Path) -> None:
    database, account_id = _with_account(tmp_path)
    now = datetime(2024, 1, 2)
    try:
        with database.sharing_reads():
            with database() as repo:
                # accounts() loads ORM rows, which a session would hand out again unchanged unless told otherwise;
                # account() is remembered for the rest of the request's reads.
                assert [a.allow_sftp_deletion for a in repo.accounts()] == [False]
                assert (first := repo.account(account_id)) is not None
                assert not first.allow_sftp_deletion
            with database(write=True) as repo:
                repo.set_allow_sftp_deletion(account_id, True, now)
                repo.commit()
            with database() as repo:
                assert [a.allow_sftp_deletion for a in repo.accounts()] == [True]
                assert (before := repo.account(account_id)) is not None
                assert before.allow_sftp_deletion
                with database(write=True) as writer:
                    writer.set_allow_sftp_deletion(account_id, False, now)
                    writer.commit()
                assert [a.allow_sftp_deletion for a in repo.accounts()] == [False]
                assert (found := repo.account(account_id)) is not None
                assert not found.allow_sftp_deletion
    finally:
        database.dispose()


def test_a_shared_read_reads_a_role_once_and_again_after_a_write(tmp_path: Path) -> None:
    """record/get asks for the caller's role twice (access check, accessRole): one statement, unless a write came."""
    database, account_id = _with_account(tmp_path)
    roles: list[str] = []
    event.listen(
        database.engine,
        "before_cursor_execute",
        lambda _c, _u, statement, *_: roles.append(statement) if "FROM memberships" in statement else None,
    )
    seen = []
    try:
        with database(write=True) as repo:
            archive = repo.add_archive(full_name="A", type="type.archive.person", now=datetime(2024, 1, 1))
            repo.commit()
        with database.sharing_reads():
            with database() as repo:
                seen += [repo.role(account_id, archive.id), repo.role(account_id, archive.id)]
                with database(write=True) as writer:
                    writer.add_membership(account_id, archive.id, Role.OWNER)
                    writer.commit()
                seen.append(repo.role(account_id, archive.id))
            with database() as repo:
                seen.append(repo.role(account_id, archive.id))
    finally:
        database.dispose()
    assert (seen, len(roles)) == ([None, None, Role.OWNER, Role.OWNER], 2)


def test_a_write_sees_the_role_it_adds_and_a_role_changed_after_its_commit(tmp_path: Path) -> None:
    """Roles are remembered within a write's transaction too: adding a membership and committing forget them."""
    database, account_id = _with_account(tmp_path)
    seen = []
    try:
        with database(write=True) as repo:
            archive = repo.add_archive(full_name="A", type="type.archive.person", now=datetime(2024, 1, 1))
            seen.append(repo.role(account_id, archive.id))
            repo.add_membership(account_id, archive.id, Role.VIEWER)
            seen.append(repo.role(account_id, archive.id))
            repo.commit()
            with database.engine.begin() as other:  # another process's change, between two transactions
                other.exec_driver_sql("UPDATE memberships SET role = 'access.role.owner'")
            seen.append(repo.role(account_id, archive.id))
    finally:
        database.dispose()
    assert seen == [None, Role.VIEWER, Role.OWNER]


def test_a_read_still_open_when_its_block_ends_keeps_its_session_until_it_ends(tmp_path: Path) -> None:
    """A streamed answer reads its rows after the request's block has ended."""
    database, account_id = _with_account(tmp_path)
    try:
        with ExitStack() as stream:
            with database.sharing_reads():
                repo = stream.enter_context(database())
            assert (found := repo.account(account_id)) is not None
            assert found.email == "a@example.com"
            assert database.engine.pool.checkedout() == 1  # type: ignore[attr-defined]
        assert database.engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    finally:
        database.dispose()


def test_an_authenticated_request_checks_out_one_connection_and_reads_its_account_once(tmp_path: Path) -> None:
    app = create_app(Settings(data_dir=tmp_path))
    token = mint_token(app, DEMO)
    checkouts: list[object] = []
    statements: list[str] = []
    engine = backend_of(app)._uow.engine  # type: ignore[attr-defined]
    event.listen(engine, "checkout", lambda *_: checkouts.append(None))
    event.listen(engine, "before_cursor_execute", lambda _c, _u, statement, *_: statements.append(statement))
    try:
        answer = app.test_client().get(
            "/api/account/getAuthenticatedAccount", headers={"Authorization": f"Bearer {token}", "Request-Version": "2"}
        )
        assert answer.status_code == 200
        assert answer.get_json()["primaryEmail"] == DEMO
        # The caller's account and the operation's read: one session, where each opened its own before, and one
        # read of the account, which both asked for.
        assert len(checkouts) == 1
        assert len(statements) == 1
        assert engine.pool.checkedout() == 0
    finally:
        close(app)


def _writers_free(database: Database, tmp_path: Path) -> tuple[bool, bool, int]:
    """Tell whether this process's writers' lock can be taken (within 5 s), whether another process could take the
    writers' flock now, and how many connections are checked out."""
    taken = database._write_lock.acquire(timeout=5)
    if taken:
        database._write_lock.release()
    with (tmp_path / "mock.sqlite3-writer.lock").open("a+b") as other:
        try:
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
            flock_free = True
        except BlockingIOError:
            flock_free = False
    return taken, flock_free, database.engine.pool.checkedout()  # type: ignore[attr-defined]


def test_a_write_whose_rollback_fails_still_hands_back_the_writers_locks_and_its_connection(tmp_path: Path) -> None:
    """A unit of work whose closing rollback raises (a dropped connection, a stop signal landing in it) must not keep
    the writers' locks: every later write of the process would wait on them for ever."""
    database, _ = _with_account(tmp_path)

    def fails() -> None:
        raise KeyboardInterrupt

    try:
        with pytest.raises(KeyboardInterrupt), database(write=True) as repo:
            repo._s.rollback = fails  # type: ignore[method-assign]
        assert _writers_free(database, tmp_path) == (True, True, 0)
    finally:
        database.dispose()


def test_a_stop_while_waiting_for_other_processes_writers_leaves_this_processs_writers_free(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stop signal (KeyboardInterrupt) that lands while a writer waits on the flock beside the database ends that
    write; the in-process lock it took first is handed back, and the connection it checked out too."""
    database, _ = _with_account(tmp_path)
    real_flock = fcntl.flock

    def interrupted(file: Any, operation: int) -> None:
        if operation == fcntl.LOCK_EX:
            raise KeyboardInterrupt
        real_flock(file, operation)

    try:
        monkeypatch.setattr(fcntl, "flock", interrupted)
        with pytest.raises(KeyboardInterrupt), database(write=True):
            raise AssertionError("the write ran without the writers' lock")
        monkeypatch.undo()
        assert _writers_free(database, tmp_path) == (True, True, 0)
    finally:
        database.dispose()


def test_shared_reads_open_a_session_only_for_an_orm_read_and_on_the_same_connection(tmp_path: Path) -> None:
    """The hot reads are Core statements on the request's connection: no ORM session is opened for them (it cost
    as much as two small statements). An ORM read opens one on that connection; the end of the block hands both
    back."""
    database, account_id = _with_account(tmp_path)
    pool = database.engine.pool
    try:
        with database.sharing_reads(), database() as repo:
            found = repo.account(account_id)
            core_only = (repo._session, pool.checkedout())  # type: ignore[attr-defined]
            listed = repo.accounts()
            after_orm = (repo._session is not None, pool.checkedout())  # type: ignore[attr-defined]
        assert (found is not None, core_only, [a.id for a in listed], after_orm, pool.checkedout()) == (  # type: ignore[attr-defined]
            True,
            (None, 1),
            [account_id],
            (True, 1),
            0,
        )
    finally:
        database.dispose()
