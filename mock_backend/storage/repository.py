"""The SQLAlchemy repository: turns rows into domain objects and domain writes into rows."""

from __future__ import annotations

import functools
import operator
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Row, Select, and_, bindparam, delete, func, insert, literal, or_, select, text, tuple_, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from mock_backend.domain.errors import Contention
from mock_backend.domain.models import (
    Account,
    Archive,
    Deletion,
    File,
    Folder,
    Item,
    Record,
    Role,
    ShareLink,
    Upload,
    WebSession,
)
from mock_backend.domain.ports import NewRecord
from mock_backend.storage.tables import (
    AccountRow,
    ArchiveRow,
    Base,
    DeletionRow,
    FileRow,
    FolderRow,
    ItemRow,
    MembershipRow,
    MetaRow,
    RecordRow,
    RefreshTokenRow,
    ShareLinkRow,
    UploadRow,
    WebSessionRow,
)

T = TypeVar("T")

_CHUNK = 500  # stay far below SQLite's bound-parameter limit
_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"


def base36(value: int, width: int = 4) -> str:
    """Return `value` in lower-case base 36, zero-padded to `width` (archiveNbr, reference §13)."""
    digits = ""
    while value:
        value, rest = divmod(value, 36)
        digits = _BASE36[rest] + digits
    return digits.rjust(width, "0")


def _chunks(values: Sequence[T]) -> Iterable[Sequence[T]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _sort_order(sort: str) -> tuple[Any, bool]:
    """Return (column, descending) for a folder's `sort` (Stela ranks children by the parent's sort)."""
    descending = sort.endswith("_desc")
    if sort.startswith("sort.display_date"):
        return ItemRow.display_at, descending
    if sort.startswith("sort.type"):
        return ItemRow.type, descending
    if sort.startswith("sort.created_date"):
        return ItemRow.created_at, descending
    if sort.startswith("sort.position"):
        return ItemRow.link_id, descending
    return ItemRow.sort_name, descending


#: The columns an item is built from, in the order `_folder` and `_record` unpack them: the item's, then its
#: folder's or record's (an outer join fills the other kind's with NULL). Rows are unpacked by position, not
#: read by name: reading 19 named attributes per row cost more than building the domain object.
_ITEM_COLUMNS = (
    ItemRow.link_id,
    ItemRow.archive_id,
    ItemRow.archive_nbr,
    ItemRow.parent_id,
    ItemRow.parent_link_id,
    ItemRow.display_name,
    ItemRow.download_name,
    ItemRow.type,
    ItemRow.status,
    ItemRow.display_at,
    ItemRow.created_at,
    ItemRow.updated_at,
    FolderRow.folder_id,
    FolderRow.sort,
    FolderRow.view,
    FolderRow.size,
    RecordRow.record_id,
    RecordRow.upload_file_name,
    RecordRow.size,
    RecordRow.meta_token,
    RecordRow.uploaded_by,
    RecordRow.ready_at,
    RecordRow.description,
)
_FOLDER_ID = 12
_RECORD_ID = 16

#: The domain fields of a folder and of a record (but its files), and the `_ITEM_COLUMNS` positions that fill them.
_FOLDER_FIELDS = (
    "id", "link_id", "archive_id", "archive_nbr", "parent_id", "parent_link_id", "display_name", "download_name",
    "type", "status", "sort", "view", "size", "display_at", "created_at", "updated_at",
)  # fmt: skip
_FOLDER_VALUES = operator.itemgetter(12, 0, 1, 2, 3, 4, 5, 6, 7, 8, 13, 14, 15, 9, 10, 11)
_RECORD_FIELDS = (
    "id", "link_id", "archive_id", "archive_nbr", "parent_id", "parent_link_id", "display_name", "download_name",
    "upload_file_name", "type", "status", "size", "meta_token", "uploaded_by", "ready_at", "display_at",
    "created_at", "updated_at", "description",
)  # fmt: skip
_RECORD_VALUES = operator.itemgetter(16, 0, 1, 2, 3, 4, 5, 6, 17, 7, 8, 18, 19, 20, 21, 9, 10, 11, 22)
_Model = TypeVar("_Model", Folder, Record)


def _trusted(model: type[_Model], fields: Iterable[tuple[str, Any]]) -> _Model:
    """Make a frozen domain object from a database row's values without running its `__init__`.

    A frozen dataclass's `__init__` sets each field through `object.__setattr__`: 2.4 µs a record against 0.9 µs
    for filling its `__dict__` at once, which was a sixth of getWithChildren of 100,000 children. The values come
    from the mock's own tables, so nothing is checked that `__init__` would have checked (it checks nothing);
    tests/mock_backend/storage/test_repository.py holds every loaded item equal to one its `__init__` builds.
    """
    item = object.__new__(model)
    item.__dict__.update(fields)
    return item


_ITEMS = (
    select(*_ITEM_COLUMNS)
    .outerjoin(FolderRow, FolderRow.link_id == ItemRow.link_id)
    .outerjoin(RecordRow, RecordRow.link_id == ItemRow.link_id)
)

_ACCOUNT = select(*AccountRow.__table__.c).where(AccountRow.id == bindparam("id"))

_BUMP_ITEM_COUNTER = (
    update(ArchiveRow)
    .where(ArchiveRow.id == bindparam("archive_id"))
    .values(item_counter=ArchiveRow.item_counter + bindparam("count"))
    .returning(ArchiveRow.nbr, ArchiveRow.item_counter)
)

# A create's inserts, built once and run on the connection: as ORM objects, flushed one by one, two rows cost a
# fifth of a folder/post.
_INSERT_ITEM = insert(ItemRow).returning(ItemRow.link_id)
_INSERT_FOLDER = insert(FolderRow).returning(FolderRow.folder_id)
_INSERT_RECORD = insert(RecordRow).returning(RecordRow.record_id)
_ADD_CHILDREN = (
    update(FolderRow)
    .where(FolderRow.folder_id == bindparam("parent"))
    .values(child_count=FolderRow.child_count + bindparam("delta"))
)

# The write path's lookups, built once: building a WHERE clause anew cost more than running it (folder/post
# built ~30 comparisons a request).
_FOLDER_BY_ID = _ITEMS.where(
    ItemRow.link_id == select(FolderRow.link_id).where(FolderRow.folder_id == bindparam("folder_id")).scalar_subquery()
)
_SIBLING_NAMES_IN_RANGE = select(ItemRow.download_name).where(
    ItemRow.parent_id == bindparam("parent"),
    ItemRow.download_name >= bindparam("low"),
    ItemRow.download_name < bindparam("high"),
)
_SIBLING_NAMES_LIKE = select(ItemRow.download_name).where(
    ItemRow.parent_id == bindparam("parent"), ItemRow.download_name.like(bindparam("pattern"), escape="\\")
)
_SIBLING_NAME = select(ItemRow.download_name).where(
    ItemRow.parent_id == bindparam("parent"), ItemRow.download_name == bindparam("name")
)

#: The files of some records. One expanding parameter: `in_(list)` coerced every id anew on each call.
_FILE_COLUMNS = (
    FileRow.file_id,
    FileRow.record_id,
    FileRow.format,
    FileRow.size,
    FileRow.content_type,
    FileRow.md5,
    FileRow.blob_key,
    FileRow.created_at,
    FileRow.updated_at,
    FileRow.parent_file_id,
)
_FILES_OF = (
    select(*_FILE_COLUMNS).where(FileRow.record_id.in_(bindparam("ids", expanding=True))).order_by(FileRow.file_id)
)

#: The upload chain's statements (presign, S3 POST, registerRecord), built once: each was an ORM add, get, merge
#: or flush per call, a fifth of the chain's time.
_INSERT_UPLOAD = insert(UploadRow)
_UPLOAD = select(*UploadRow.__table__.c).where(UploadRow.key == bindparam("key"))
_SAVE_UPLOAD = update(UploadRow).where(UploadRow.key == bindparam("upload_key"))
_INSERT_FILE = insert(FileRow).returning(FileRow.file_id)
_FILE = select(*_FILE_COLUMNS).where(FileRow.file_id == bindparam("file_id"))
_ADD_TO_SIZES = (
    update(FolderRow)
    .where(FolderRow.folder_id.in_(bindparam("ids", expanding=True)))
    .values(size=FolderRow.size + bindparam("delta"))
)

# The read path's lookups, built once like the write path's above: a request built a dozen WHERE clauses anew
# (column comparisons, coercions, cache keys), which cost more than running them.
_ROLE = select(MembershipRow.role).where(
    MembershipRow.account_id == bindparam("account_id"), MembershipRow.archive_id == bindparam("archive_id")
)
_ARCHIVE_COLUMNS = (
    ArchiveRow.id,
    ArchiveRow.nbr,
    ArchiveRow.full_name,
    ArchiveRow.type,
    ArchiveRow.status,
    ArchiveRow.created_at,
    ArchiveRow.updated_at,
)
_ARCHIVES_OF = (
    select(*_ARCHIVE_COLUMNS, MembershipRow.role)
    .join(MembershipRow, MembershipRow.archive_id == ArchiveRow.id)
    .where(MembershipRow.account_id == bindparam("account_id"))
    .order_by(ArchiveRow.id)
)
_CHILD_COUNT = select(FolderRow.child_count).where(FolderRow.folder_id == bindparam("folder_id"))


def _chain_ids_statement() -> Select[tuple[int]]:
    """The ids of a folder and its ancestors, root first: one recursive query (it was one query a level)."""
    chain = (
        select(FolderRow.folder_id, ItemRow.parent_id, literal(0).label("depth"))
        .join(ItemRow, ItemRow.link_id == FolderRow.link_id)
        .where(FolderRow.folder_id == bindparam("folder_id"))
        .cte("chain", recursive=True)
    )
    folder, item = FolderRow.__table__.alias("up_folder"), ItemRow.__table__.alias("up_item")
    chain = chain.union_all(
        select(folder.c.folder_id, item.c.parent_id, chain.c.depth + 1)
        .join(item, item.c.link_id == folder.c.link_id)
        .join(chain, folder.c.folder_id == chain.c.parent_id)
    )
    return select(chain.c.folder_id).order_by(chain.c.depth.desc())


_CHAIN_IDS = _chain_ids_statement()
_RECORD_BY_ID = _ITEMS.where(
    ItemRow.link_id == select(RecordRow.link_id).where(RecordRow.record_id == bindparam("record_id")).scalar_subquery()
)
_ITEM_BY_LINK = _ITEMS.where(ItemRow.link_id == bindparam("link_id"))
_FOLDERS_BY_ID = _ITEMS.where(
    ItemRow.link_id.in_(select(FolderRow.link_id).where(FolderRow.folder_id.in_(bindparam("ids", expanding=True))))
)


@functools.lru_cache(maxsize=64)
def _children_statement(sort: str, after: bool, limited: bool) -> Select[*tuple[Any, ...]]:
    """Return the query of a folder's children in its sort order, built once per sort and shape.

    Parameters: `parent`; with `after`, the cursor's sort key `anchor` and link id `after`; with `limited`, `limit`.
    """
    column, descending = _sort_order(sort)
    where: ColumnElement[bool] = ItemRow.parent_id == bindparam("parent")
    if after:
        # A row-value comparison with plain values, which SQLite and PostgreSQL run as a seek on the
        # (parent, sort key, link) index. `a > x OR (a = x AND b > y)`, or a row value holding a subquery,
        # was filtered row by row from the folder's first child: the last page of 100,000 children cost 4×
        # (then 1.5×) the first.
        key = tuple_(column, ItemRow.link_id)
        bound = tuple_(bindparam("anchor", type_=column.type), bindparam("after", type_=ItemRow.link_id.type))
        where = and_(where, key < bound if descending else key > bound)
    order = (column.desc(), ItemRow.link_id.desc()) if descending else (column, ItemRow.link_id)
    query = _ITEMS.where(where).order_by(*order)
    return query.limit(bindparam("limit")) if limited else query


@functools.lru_cache(maxsize=64)
def _sort_key_statement(sort: str) -> Select[*tuple[Any, ...]]:
    """Return the query of one item's sort key (`link_id`) under a folder's sort."""
    column, _ = _sort_order(sort)
    return select(column).where(ItemRow.link_id == bindparam("link_id"))


def _item_nbr(archive_nbr: str, counter: int) -> str:
    """Return the archiveNbr of an archive's `counter`-th item: the archive's prefix, then base 36 (§13)."""
    return f"{archive_nbr[:4]}-{base36(counter)}"


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class SqlRepository:
    """Implements `domain.ports.Repository` on one SQLAlchemy session, or (`reading`) on one connection."""

    def __init__(
        self,
        session: Session | None,
        *,
        remember: bool = False,
        connect: Callable[[], Connection] | None = None,
        bound_session: Callable[[Connection], Session] | None = None,
    ) -> None:
        """Work on `session`; or, without one (see `reading`), on a connection from `connect`, with a session from
        `bound_session` opened on it only when an ORM statement needs one."""
        if session is None and (connect is None or bound_session is None):
            raise ValueError("a repository needs a session, or a way to connect and to open one")
        self._session = session
        #: The connection of the session's transaction, asked once: `Session.connection()` cost as much as a small
        #: statement. A commit ends the transaction, and the next one may run on another pooled connection.
        self._connection: Connection | None = None
        self._connect = connect
        self._bound_session = bound_session
        #: Accounts read so far, for a request's shared reads only (no write goes through them, and a write
        #: elsewhere forgets them): a request reads its caller's account, and operations on the account again.
        self._remember = remember
        self._accounts: dict[int, Account | None] = {}
        #: Roles read so far, until the transaction ends (or, in shared reads, a write elsewhere): an operation
        #: reads the caller's role for its access check, and record/get, getWithChildren and folder/post again
        #: (for the answer's accessRole, or the parent's check after the folder's). Only `add_membership` and
        #: `wipe` change roles here, and they forget them.
        self._roles: dict[tuple[int, int], Role | None] = {}

    @classmethod
    def reading(
        cls, connect: Callable[[], Connection], bound_session: Callable[[Connection], Session], *, remember: bool
    ) -> SqlRepository:
        """Return a repository for reads that checks out a connection of its own and opens a session on it only if
        an ORM read asks for one.

        The hot reads are Core statements on the connection; a session per request (opened, begun, closed) cost
        twice a small statement: 47 vs 24 µs for one `SELECT 1` with a pooled connection, here.
        """
        return cls(None, remember=remember, connect=connect, bound_session=bound_session)

    @property
    def _s(self) -> Session:
        if self._session is None:
            assert self._bound_session is not None  # __init__ holds it
            self._session = self._bound_session(self._connected())
        return self._session

    def _connected(self) -> Connection:
        if self._connection is None:
            self._connection = self._connect() if self._connect is not None else self._s.connection()
        return self._connection

    def commit(self) -> None:
        """Commit; a unique-index race with another process surfaces as the domain's Contention."""
        if self._connect is None:
            self._connection = None  # the session's connection: the next transaction may run on another
        self._roles.clear()  # the next transaction may see other processes' changes
        try:
            self._s.commit()
        except IntegrityError as exc:
            self._s.rollback()
            raise Contention(detail="a concurrent write took the same unique value") from exc

    def expire_loaded(self) -> None:
        """Mark every row read so far as stale, so it is read again on its next use."""
        if self._session is not None:
            self._session.expire_all()
        self._accounts.clear()
        self._roles.clear()

    def close(self) -> None:
        """End the transaction and hand the connection back; the repository stays usable."""
        connection, self._connection = self._connection, None
        if self._session is not None:
            self._session.close()
            if self._connect is not None:
                self._session = None  # bound to the connection handed back below
        if self._connect is not None and connection is not None:
            connection.close()
        self._accounts.clear()
        self._roles.clear()

    # ------------------------------------------------------------------ accounts
    @staticmethod
    def _account(row: AccountRow | Row[Any]) -> Account:
        return Account(
            id=row.id,
            email=row.email,
            full_name=row.full_name,
            subject=row.subject,
            allow_sftp_deletion=row.allow_sftp_deletion,
            created_at=row.created_at,
            updated_at=row.updated_at,
            default_archive_id=row.default_archive_id,
            sign_in_step=row.sign_in_step,
        )

    def account(self, account_id: int) -> Account | None:
        if self._remember and account_id in self._accounts:
            return self._accounts[account_id]
        # Read on every authenticated request: a plain row, not an ORM object.
        row = self._core(_ACCOUNT, {"id": account_id}).first()
        account = self._account(row) if row else None
        if self._remember:
            self._accounts[account_id] = account
        return account

    def accounts(self) -> list[Account]:
        return [self._account(row) for row in self._s.scalars(select(AccountRow).order_by(AccountRow.id))]

    def account_by_email(self, email: str) -> tuple[Account, str] | None:
        # FusionAuth matches e-mail login ids case-insensitively.
        row = self._s.scalar(select(AccountRow).where(func.lower(AccountRow.email) == email.lower()))
        return (self._account(row), row.password_hash) if row else None

    def add_account(
        self,
        *,
        email: str,
        full_name: str,
        password_hash: str,
        subject: str,
        allow_sftp_deletion: bool,
        now: datetime,
    ) -> Account:
        row = AccountRow(
            email=email,
            full_name=full_name,
            password_hash=password_hash,
            subject=subject,
            allow_sftp_deletion=allow_sftp_deletion,
            created_at=now,
            updated_at=now,
        )
        self._s.add(row)
        self._s.flush()
        return self._account(row)

    def set_allow_sftp_deletion(self, account_id: int, allowed: bool, now: datetime) -> Account:
        row = self._s.get_one(AccountRow, account_id)
        row.allow_sftp_deletion = allowed
        row.updated_at = now
        self._s.flush()
        return self._account(row)

    def set_default_archive(self, account_id: int, archive_id: int) -> None:
        self._s.get_one(AccountRow, account_id).default_archive_id = archive_id

    def set_sign_in_step(self, account_id: int, step: str | None) -> None:
        self._s.get_one(AccountRow, account_id).sign_in_step = step

    # ------------------------------------------------------------------ web sessions (v1)
    @staticmethod
    def _web_session(row: WebSessionRow) -> WebSession:
        return WebSession(
            token=row.token,
            account_id=row.account_id,
            archive_id=row.archive_id,
            csrf=row.csrf,
            pending=row.pending,
            expires_at=row.expires_at,
        )

    def add_web_session(self, session: WebSession) -> None:
        self._s.add(
            WebSessionRow(
                token=session.token,
                account_id=session.account_id,
                archive_id=session.archive_id,
                csrf=session.csrf,
                pending=session.pending,
                expires_at=session.expires_at,
            )
        )

    def web_session(self, token: str) -> WebSession | None:
        row = self._s.get(WebSessionRow, token)
        return self._web_session(row) if row else None

    def save_web_session(self, session: WebSession) -> None:
        row = self._s.get_one(WebSessionRow, session.token)
        row.archive_id, row.pending, row.csrf = session.archive_id, session.pending, session.csrf

    def delete_web_session(self, token: str) -> None:
        self._s.execute(delete(WebSessionRow).where(WebSessionRow.token == token))

    def delete_web_sessions_before(self, now: datetime) -> None:
        self._s.execute(delete(WebSessionRow).where(WebSessionRow.expires_at <= now))

    def add_refresh_token(self, token: str, account_id: int, client_id: str, expires_at: datetime) -> None:
        self._s.add(RefreshTokenRow(token=token, account_id=account_id, client_id=client_id, expires_at=expires_at))

    def refresh_token(self, token: str) -> tuple[int, str, datetime] | None:
        row = self._s.get(RefreshTokenRow, token)
        return (row.account_id, row.client_id, row.expires_at) if row else None

    # ------------------------------------------------------------------ archives
    @staticmethod
    def _archive(row: ArchiveRow | Row[Any], role: str | None = None) -> Archive:
        return Archive(
            id=row.id,
            nbr=row.nbr,
            full_name=row.full_name,
            type=row.type,
            status=row.status,
            created_at=row.created_at,
            updated_at=row.updated_at,
            role=Role(role) if role else None,
        )

    def add_archive(self, *, full_name: str, type: str, now: datetime) -> Archive:
        row = ArchiveRow(
            nbr="pending",
            full_name=full_name,
            type=type,
            status="status.generic.ok",
            item_counter=0,
            created_at=now,
            updated_at=now,
        )
        self._s.add(row)
        self._s.flush()
        row.nbr = f"{base36(row.id)}-0000"
        self._s.flush()
        return self._archive(row)

    def add_membership(self, account_id: int, archive_id: int, role: Role) -> None:
        self._s.add(MembershipRow(account_id=account_id, archive_id=archive_id, role=role.value))
        self._roles.clear()

    def archives_of(self, account_id: int) -> list[Archive]:
        return [self._archive(row, row.role) for row in self._core(_ARCHIVES_OF, {"account_id": account_id})]

    def role(self, account_id: int, archive_id: int) -> Role | None:
        key = (account_id, archive_id)
        if key in self._roles:
            return self._roles[key]
        value = self._core(_ROLE, {"account_id": account_id, "archive_id": archive_id}).scalar()
        role = self._roles[key] = Role(value) if value else None
        return role

    def next_item_nbr(self, archive_id: int) -> str:
        # One UPDATE … RETURNING on the connection, not an ORM object flushed (nor an ORM-enabled update, a tenth of
        # a folder/post): the counter is only ever read and moved by this statement.
        nbr, counter = self._core(_BUMP_ITEM_COUNTER, {"archive_id": archive_id, "count": 1}).one()
        return _item_nbr(nbr, counter)

    # ------------------------------------------------------------------ items
    # Items are read as plain rows (SQLAlchemy Core), not ORM objects: listing a large folder built hundreds of
    # thousands of ORM instances, which cost most of the time of getWithChildren and of every Stela page.
    @staticmethod
    def _folder(row: Sequence[Any]) -> Folder:
        return _trusted(Folder, zip(_FOLDER_FIELDS, _FOLDER_VALUES(row), strict=True))

    @staticmethod
    def _file(row: Sequence[Any]) -> File:
        file_id, record_id, format_, size, content_type, md5, blob_key, created, updated, parent_file_id = row
        return File(
            id=file_id,
            record_id=record_id,
            format=format_,
            size=size,
            content_type=content_type,
            md5=md5,
            blob_key=blob_key,
            created_at=created,
            updated_at=updated,
            parent_file_id=parent_file_id,
        )

    @staticmethod
    def _record(row: Sequence[Any], files: Sequence[File]) -> Record:
        record = _trusted(Record, zip(_RECORD_FIELDS, _RECORD_VALUES(row), strict=True))
        record.__dict__["files"] = tuple(files)
        return record

    def _item_rows(self, where: ColumnElement[bool], order: Sequence[Any] = (), limit: int | None = None) -> Any:
        """Return the rows (item, folder and record columns) of the items matching `where`, in `order`."""
        query = _ITEMS.where(where).order_by(*order)
        if limit is not None:
            query = query.limit(limit)
        return self._core(query)

    def _files_of(self, record_ids: Sequence[int]) -> dict[int, list[File]]:
        """Return the files of the records, by record id, in file id order."""
        files: dict[int, list[File]] = {}
        for chunk in _chunks(record_ids):
            for file_row in self._core(_FILES_OF, {"ids": list(chunk)}):
                files.setdefault(file_row[1], []).append(self._file(file_row))
        return files

    def _core(self, query: Any, parameters: dict[str, Any] | None = None) -> Any:
        """Run a column query on the session's connection, skipping the ORM's per-statement work (a hot path)."""
        if self._session is not None:
            self._session.flush()  # the ORM would autoflush pending writes first; Core does not
        return self._connected().execute(query, parameters)

    def _built(self, rows: Sequence[Row[Any]], with_files: bool = True) -> list[Item]:
        """Build domain items from rows of `_ITEM_COLUMNS`, reading the records' files in one query per chunk."""
        ids = [row[_RECORD_ID] for row in rows if row[_RECORD_ID] is not None]
        files = self._files_of(ids) if with_files else {}
        result: list[Item] = []
        for row in rows:
            if row[_FOLDER_ID] is not None:
                result.append(self._folder(row))
            elif row[_RECORD_ID] is not None:
                result.append(self._record(row, files.get(row[_RECORD_ID], ())))
        return result

    def _items(self, where: ColumnElement[bool], order: Sequence[Any] = (), limit: int | None = None) -> list[Item]:
        """Load items matching `where` as domain objects, in `order`, with their files, in two queries."""
        return self._built(self._item_rows(where, order, limit).all())

    def iter_children(self, folder: Folder, batch: int = 1000, with_files: bool = True) -> Iterator[Item]:
        """Yield a folder's children in its sort order, loading `batch` rows (and their files) at a time.

        Without files, records carry none: for answers that do not show them.
        """
        result = self._core(_children_statement(folder.sort, False, False), {"parent": folder.id})
        while rows := result.fetchmany(batch):
            yield from self._built(rows, with_files)

    def folder(self, folder_id: int) -> Folder | None:
        found = self._built(self._core(_FOLDER_BY_ID, {"folder_id": folder_id}).all())
        return found[0] if found and isinstance(found[0], Folder) else None

    def folders(self, folder_ids: list[int]) -> list[Folder]:
        found: list[Folder] = []
        for chunk in _chunks(sorted(set(folder_ids))):
            rows = self._core(_FOLDERS_BY_ID, {"ids": list(chunk)}).all()
            found.extend(i for i in self._built(rows) if isinstance(i, Folder))
        return found

    def record(self, record_id: int) -> Record | None:
        found = self._built(self._core(_RECORD_BY_ID, {"record_id": record_id}).all())
        return found[0] if found and isinstance(found[0], Record) else None

    def item_by_link(self, link_id: int) -> Item | None:
        found = self._built(self._core(_ITEM_BY_LINK, {"link_id": link_id}).all())
        return found[0] if found else None

    def item_by_nbr(self, archive_nbr: str) -> Item | None:
        found = self._items(ItemRow.archive_nbr == archive_nbr)
        return found[0] if found else None

    def root_folder(self, archive_id: int) -> Folder | None:
        found = self._items(and_(ItemRow.archive_id == archive_id, ItemRow.type == "type.folder.root.root"))
        return found[0] if found and isinstance(found[0], Folder) else None

    def children(self, folder: Folder) -> list[Item]:
        return list(self.iter_children(folder))

    def children_page(self, folder: Folder, after_link_id: int | None, limit: int) -> list[Item]:
        parameters: dict[str, Any] = {"parent": folder.id, "limit": limit}
        anchor = None
        if after_link_id is not None:
            anchor = self._core(_sort_key_statement(folder.sort), {"link_id": after_link_id}).scalar()
            parameters |= {"anchor": anchor, "after": after_link_id}
        rows = self._core(_children_statement(folder.sort, anchor is not None, True), parameters).all()
        return self._built(rows)

    def count_children(self, folder_id: int) -> int:
        return self._core(_CHILD_COUNT, {"folder_id": folder_id}).scalar() or 0

    def _count_children(self, parent_id: int, delta: int) -> None:
        """Keep a folder's `child_count` true in the same transaction as the change of its children."""
        # A statement built once, on the connection: built per call and run through the ORM (which synchronised
        # nothing here either), it cost a tenth of a folder/post.
        self._core(_ADD_CHILDREN, {"parent": parent_id, "delta": delta})

    def names_taken(self, parent_id: int, exact: str, prefix: str) -> set[str]:
        if self._s.get_bind().dialect.name == "sqlite":
            # SQLite compares text bytewise (BINARY), so "starts with prefix" is the half-open range
            # [prefix, prefix with its last character incremented): a seek on the unique (parent, name)
            # index. LIKE is case-insensitive in SQLite and cannot use that index: it scanned every sibling.
            upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
            rows = self._core(_SIBLING_NAMES_IN_RANGE, {"parent": parent_id, "low": prefix, "high": upper})
        else:
            # A database collation may order text linguistically, where a range is not a prefix test.
            rows = self._core(_SIBLING_NAMES_LIKE, {"parent": parent_id, "pattern": _escape_like(prefix) + "%"})
        # Two seeks, not one OR: SQLite would answer `= exact OR range` by scanning every sibling.
        names = set(rows.scalars())
        if not exact.startswith(prefix):
            names.update(self._core(_SIBLING_NAME, {"parent": parent_id, "name": exact}).scalars())
        return names

    def _add_item(
        self,
        *,
        kind: str,
        archive_id: int,
        archive_nbr: str,
        parent: Folder | None,
        display_name: str,
        download_name: str,
        type: str,
        status: str,
        now: datetime,
    ) -> tuple[Any, ...]:
        """Insert an item; return its columns as the first twelve of `_ITEM_COLUMNS`."""
        parent_id, parent_link_id = (parent.id, parent.link_id) if parent else (None, None)
        link_id = self._core(
            _INSERT_ITEM,
            {
                "kind": kind,
                "archive_id": archive_id,
                "archive_nbr": archive_nbr,
                "parent_id": parent_id,
                "parent_link_id": parent_link_id,
                "display_name": display_name,
                "sort_name": display_name.casefold(),
                "download_name": download_name,
                "type": type,
                "status": status,
                "display_at": now,
                "created_at": now,
                "updated_at": now,
            },
        ).scalar_one()
        if parent is not None:
            self._count_children(parent.id, 1)
        return (
            link_id,
            archive_id,
            archive_nbr,
            parent_id,
            parent_link_id,
            display_name,
            download_name,
            type,
            status,
            now,
            now,
            now,
        )

    def add_folder(
        self,
        *,
        archive_id: int,
        archive_nbr: str,
        parent: Folder | None,
        display_name: str,
        download_name: str,
        type: str,
        now: datetime,
        size: int = 0,
    ) -> Folder:
        item = self._add_item(
            kind="folder",
            archive_id=archive_id,
            archive_nbr=archive_nbr,
            parent=parent,
            display_name=display_name,
            download_name=download_name,
            type=type,
            status="status.generic.ok",
            now=now,
        )
        sort, view = "sort.alphabetical_asc", "folder.view.grid"
        folder_id = self._core(_INSERT_FOLDER, {"link_id": item[0], "sort": sort, "view": view, "size": size})
        return self._folder((*item, folder_id.scalar_one(), sort, view, size))

    def add_record(
        self,
        *,
        archive_id: int,
        archive_nbr: str,
        parent: Folder,
        display_name: str,
        download_name: str,
        upload_file_name: str,
        type: str,
        size: int,
        meta_token: str,
        uploaded_by: int,
        ready_at: datetime,
        now: datetime,
    ) -> Record:
        item = self._add_item(
            kind="record",
            archive_id=archive_id,
            archive_nbr=archive_nbr,
            parent=parent,
            display_name=display_name,
            download_name=download_name,
            type=type,
            status="status.record.uploaded",
            now=now,
        )
        record = {
            "link_id": item[0],
            "upload_file_name": upload_file_name,
            "size": size,
            "meta_token": meta_token,
            "uploaded_by": uploaded_by,
            "ready_at": ready_at,
        }
        record_id = self._core(_INSERT_RECORD, record).scalar_one()
        columns = (None,) * 4 + (record_id, upload_file_name, size, meta_token, uploaded_by, ready_at, None)
        return self._record((*item, *columns), ())

    def save_item(self, item: Item) -> None:
        """Write an item's place, names, type, dates and (records) description; child counts follow a new parent.

        Sizes are not written from the object: they change only by increments (`add_to_folder_sizes`), which
        stay true when another writer changed them since the object was read.
        """
        previous = self._s.scalar(select(ItemRow.parent_id).where(ItemRow.link_id == item.link_id))
        self._s.execute(
            update(ItemRow)
            .where(ItemRow.link_id == item.link_id)
            .values(
                archive_id=item.archive_id,
                archive_nbr=item.archive_nbr,
                parent_id=item.parent_id,
                parent_link_id=item.parent_link_id,
                display_name=item.display_name,
                sort_name=item.display_name.casefold(),
                download_name=item.download_name,
                type=item.type,
                display_at=item.display_at,
                updated_at=item.updated_at,
            )
            .execution_options(synchronize_session=False)
        )
        if isinstance(item, Record):
            self._s.execute(
                update(RecordRow)
                .where(RecordRow.record_id == item.id)
                .values(description=item.description)
                .execution_options(synchronize_session=False)
            )
        if previous != item.parent_id:
            if previous is not None:
                self._count_children(previous, -1)
            if item.parent_id is not None:
                self._count_children(item.parent_id, 1)

    def existing_names(self, parent_id: int, names: Iterable[str]) -> set[str]:
        found: set[str] = set()
        for chunk in _chunks(sorted(set(names))):
            query = select(ItemRow.download_name).where(
                ItemRow.parent_id == parent_id, ItemRow.download_name.in_(chunk)
            )
            found.update(self._s.scalars(query))
        return found

    def add_records(
        self, *, parent: Folder, records: Sequence[NewRecord], uploaded_by: int, file_format: str, now: datetime
    ) -> list[Record]:
        """Insert records with their original files in three multi-row statements (the bulk import).

        One ORM object and flush per row cost ~1 ms a record; 100,000 records took minutes.
        """
        if not records:
            return []
        nbr, last = self._core(_BUMP_ITEM_COUNTER, {"archive_id": parent.archive_id, "count": len(records)}).one()
        nbrs = [_item_nbr(nbr, last - len(records) + 1 + n) for n in range(len(records))]
        link_ids = self._s.scalars(
            insert(ItemRow).returning(ItemRow.link_id, sort_by_parameter_order=True),
            [
                {
                    "kind": "record",
                    "archive_id": parent.archive_id,
                    "archive_nbr": nbr,
                    "parent_id": parent.id,
                    "parent_link_id": parent.link_id,
                    "display_name": new.display_name,
                    "sort_name": new.display_name.casefold(),
                    "download_name": new.download_name,
                    "type": new.type,
                    "status": "status.record.uploaded",
                    "display_at": now,
                    "created_at": now,
                    "updated_at": now,
                }
                for nbr, new in zip(nbrs, records, strict=True)
            ],
        ).all()
        record_ids = self._s.scalars(
            insert(RecordRow).returning(RecordRow.record_id, sort_by_parameter_order=True),
            [
                {
                    "link_id": link_id,
                    "upload_file_name": new.upload_file_name,
                    "size": new.size,
                    "meta_token": new.meta_token,
                    "uploaded_by": uploaded_by,
                    "ready_at": now,
                }
                for link_id, new in zip(link_ids, records, strict=True)
            ],
        ).all()
        file_ids = self._s.scalars(
            insert(FileRow).returning(FileRow.file_id, sort_by_parameter_order=True),
            [
                {
                    "record_id": record_id,
                    "format": file_format,
                    "size": new.size,
                    "content_type": new.content_type,
                    "md5": new.md5,
                    "blob_key": new.blob_key,
                    "created_at": now,
                    "updated_at": now,
                }
                for record_id, new in zip(record_ids, records, strict=True)
            ],
        ).all()
        self._count_children(parent.id, len(records))
        return [
            Record(
                id=record_id,
                link_id=link_id,
                archive_id=parent.archive_id,
                archive_nbr=nbr,
                parent_id=parent.id,
                parent_link_id=parent.link_id,
                display_name=new.display_name,
                download_name=new.download_name,
                upload_file_name=new.upload_file_name,
                type=new.type,
                status="status.record.uploaded",
                size=new.size,
                meta_token=new.meta_token,
                uploaded_by=uploaded_by,
                ready_at=now,
                display_at=now,
                created_at=now,
                updated_at=now,
                files=(
                    File(
                        id=file_id,
                        record_id=record_id,
                        format=file_format,
                        size=new.size,
                        content_type=new.content_type,
                        md5=new.md5,
                        blob_key=new.blob_key,
                        created_at=now,
                        updated_at=now,
                    ),
                ),
            )
            for nbr, link_id, record_id, file_id, new in zip(nbrs, link_ids, record_ids, file_ids, records, strict=True)
        ]

    def add_file(
        self,
        *,
        record_id: int,
        format: str,
        size: int,
        content_type: str,
        md5: str,
        blob_key: str,
        now: datetime,
    ) -> File:
        values: dict[str, Any] = {
            "record_id": record_id,
            "format": format,
            "size": size,
            "content_type": content_type,
            "md5": md5,
            "blob_key": blob_key,
            "created_at": now,
            "updated_at": now,
        }
        return File(id=self._core(_INSERT_FILE, values).scalar_one(), **values)

    def file(self, file_id: int) -> File | None:
        row = self._core(_FILE, {"file_id": file_id}).first()
        return self._file(row) if row else None

    def subtree(self, folder: Folder) -> tuple[list[Folder], list[Record]]:
        folders: list[Folder] = [folder]
        records: list[Record] = []
        frontier = [folder.id]
        while frontier:
            found: list[Item] = []
            for chunk in _chunks(frontier):
                found.extend(self._items(ItemRow.parent_id.in_(chunk)))
            frontier = [i.id for i in found if isinstance(i, Folder)]
            folders.extend(i for i in found if isinstance(i, Folder))
            records.extend(i for i in found if isinstance(i, Record))
        return folders, records

    def delete_items(self, folders: list[Folder], records: list[Record]) -> None:
        links = [i.link_id for i in folders] + [r.link_id for r in records]
        gone = {f.id for f in folders}
        items: list[Item] = [*folders, *records]
        losses = Counter(i.parent_id for i in items if i.parent_id is not None)
        for parent_id, lost in losses.items():
            if parent_id not in gone:  # a deleted folder's counter goes with it
                self._count_children(parent_id, -lost)
        for chunk in _chunks([r.id for r in records]):
            self._s.execute(delete(FileRow).where(FileRow.record_id.in_(chunk)))
            self._s.execute(delete(RecordRow).where(RecordRow.record_id.in_(chunk)))
        for chunk in _chunks([f.id for f in folders]):
            self._s.execute(delete(FolderRow).where(FolderRow.folder_id.in_(chunk)))
        for chunk in _chunks(links):
            self._s.execute(delete(ShareLinkRow).where(ShareLinkRow.link_id.in_(chunk)))
            self._s.execute(delete(ItemRow).where(ItemRow.link_id.in_(chunk)))

    def _chain_ids(self, folder_id: int | None) -> list[int]:
        """Return the ids of the folders from the archive root down to `folder_id` (none if it is no folder)."""
        if folder_id is None:
            return []
        return list(self._core(_CHAIN_IDS, {"folder_id": folder_id}).scalars())

    def _chain(self, folder_id: int | None) -> list[Folder]:
        ids = self._chain_ids(folder_id)
        by_id = {f.id: f for f in self.folders(ids)}
        return [by_id[i] for i in ids if i in by_id]

    def ancestors(self, folder_id: int | None) -> list[Folder]:
        return [f for f in self._chain(folder_id) if f.type != "type.folder.root.root"]

    def add_to_folder_sizes(self, folder_id: int | None, delta: int, now: datetime) -> None:
        ids = self._chain_ids(folder_id)
        if ids and delta:
            self._core(_ADD_TO_SIZES, {"ids": ids, "delta": delta})

    # ------------------------------------------------------------------ share links
    @staticmethod
    def _share(row: ShareLinkRow) -> ShareLink:
        return ShareLink(
            id=row.id,
            link_id=row.link_id,
            account_id=row.account_id,
            archive_id=row.archive_id,
            url_token=row.url_token,
            uses=row.uses,
            max_uses=row.max_uses,
            auto_approve=row.auto_approve,
            preview=row.preview,
            default_access_role=row.default_access_role,
            expires_at=row.expires_at,
            status=row.status,
            created_at=row.created_at,
            updated_at=row.updated_at,
            unrestricted=row.unrestricted,
        )

    def share_for_link(self, link_id: int) -> ShareLink | None:
        row = self._s.scalar(select(ShareLinkRow).where(ShareLinkRow.link_id == link_id))
        return self._share(row) if row else None

    def share(self, share_id: int) -> ShareLink | None:
        row = self._s.get(ShareLinkRow, share_id)
        return self._share(row) if row else None

    def add_share(
        self,
        *,
        link_id: int,
        account_id: int,
        archive_id: int,
        url_token: str,
        max_uses: int,
        preview: bool,
        default_access_role: str,
        now: datetime,
        auto_approve: bool = False,
        unrestricted: bool = False,
        expires_at: datetime | None = None,
    ) -> ShareLink:
        row = ShareLinkRow(
            link_id=link_id,
            account_id=account_id,
            archive_id=archive_id,
            url_token=url_token,
            uses=0,
            max_uses=max_uses,
            auto_approve=auto_approve,
            unrestricted=unrestricted,
            preview=preview,
            default_access_role=default_access_role,
            expires_at=expires_at,
            status="status.generic.ok",
            created_at=now,
            updated_at=now,
        )
        self._s.add(row)
        self._s.flush()
        return self._share(row)

    def update_share(self, share: ShareLink) -> ShareLink:
        row = self._s.get_one(ShareLinkRow, share.id)
        row.max_uses = share.max_uses
        row.preview = share.preview
        row.auto_approve = share.auto_approve
        row.unrestricted = share.unrestricted
        row.default_access_role = share.default_access_role
        row.expires_at = share.expires_at
        row.updated_at = share.updated_at
        self._s.flush()
        return self._share(row)

    def shares(self, share_ids: list[int], tokens: list[str]) -> list[ShareLink]:
        if not share_ids and not tokens:
            return []
        query = select(ShareLinkRow).where(or_(ShareLinkRow.id.in_(share_ids), ShareLinkRow.url_token.in_(tokens)))
        return [self._share(row) for row in self._s.scalars(query.order_by(ShareLinkRow.id))]

    def delete_share(self, share_id: int) -> None:
        self._s.execute(delete(ShareLinkRow).where(ShareLinkRow.id == share_id))

    # ------------------------------------------------------------------ uploads
    def add_upload(self, upload: Upload) -> None:
        self._core(_INSERT_UPLOAD, vars(upload))

    def upload(self, key: str) -> Upload | None:
        row = self._core(_UPLOAD, {"key": key}).first()
        return None if row is None else self._upload(row)

    @staticmethod
    def _upload(row: UploadRow | Row[Any]) -> Upload:
        return Upload(
            key=row.key,
            account_id=row.account_id,
            parent_folder_id=row.parent_folder_id,
            display_name=row.display_name,
            upload_file_name=row.upload_file_name,
            file_type=row.file_type,
            size=row.size,
            expires_at=row.expires_at,
            received_size=row.received_size,
            md5=row.md5,
            registered=row.registered,
        )

    def save_upload(self, upload: Upload) -> None:
        values = vars(upload)
        changed = self._core(_SAVE_UPLOAD, {**values, "upload_key": upload.key}).rowcount
        if not changed:
            self._core(_INSERT_UPLOAD, values)

    def expired_uploads(self, before: datetime, limit: int) -> list[Upload]:
        rows = self._s.scalars(select(UploadRow).where(UploadRow.expires_at < before).limit(limit))
        return [self._upload(row) for row in rows]

    def delete_uploads(self, keys: list[str]) -> None:
        self._s.execute(delete(UploadRow).where(UploadRow.key.in_(keys)))

    def blob_keys(self) -> set[str]:
        files = self._s.scalars(select(FileRow.blob_key))
        uploads = self._s.scalars(select(UploadRow.key).where(UploadRow.registered.is_(False)))
        return {*files, *uploads}

    # ------------------------------------------------------------------ audit
    def add_deletion(
        self,
        *,
        account_id: int,
        archive_id: int,
        item_type: str,
        item_id: int,
        link_id: int,
        path: str,
        size: int,
        deleted_at: datetime,
        deleted_with_link_id: int,
        item_created_at: datetime | None = None,
    ) -> Deletion:
        row = DeletionRow(
            item_created_at=item_created_at,
            account_id=account_id,
            archive_id=archive_id,
            item_type=item_type,
            item_id=item_id,
            link_id=link_id,
            path=path,
            size=size,
            deleted_at=deleted_at,
            deleted_with_link_id=deleted_with_link_id,
        )
        self._s.add(row)
        self._s.flush()
        return self._deletion(row)

    @staticmethod
    def _deletion(row: DeletionRow) -> Deletion:
        return Deletion(
            id=row.id,
            account_id=row.account_id,
            archive_id=row.archive_id,
            item_type=row.item_type,
            item_id=row.item_id,
            link_id=row.link_id,
            path=row.path,
            size=row.size,
            deleted_at=row.deleted_at,
            deleted_with_link_id=row.deleted_with_link_id,
            item_created_at=row.item_created_at,
        )

    def wipe(self) -> None:
        self._roles.clear()
        # Children before parents; the meta table (schema version, signing secret) stays, so tokens keep verifying.
        tables = [t for t in reversed(Base.metadata.sorted_tables) if t.name != MetaRow.__tablename__]
        if self._s.get_bind().dialect.name == "postgresql":
            # RESTART IDENTITY: ids start at 1 again, as on SQLite, so a reset world has the ids of a first start.
            self._s.execute(text(f"TRUNCATE {', '.join(t.name for t in tables)} RESTART IDENTITY"))
            return
        for table in tables:
            # SQLite's INTEGER PRIMARY KEY (no AUTOINCREMENT) takes max(rowid) + 1, so ids restart at 1 as well.
            self._s.execute(delete(table))

    def deletions(self, account_id: int | None, limit: int) -> list[Deletion]:
        query = select(DeletionRow).order_by(DeletionRow.id.desc()).limit(limit)
        if account_id is not None:
            query = query.where(DeletionRow.account_id == account_id)
        return [self._deletion(row) for row in self._s.scalars(query)]
