"""SQLAlchemy tables: one `items` row per folder_link (folders and records share names per parent)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

SCHEMA_VERSION = "4"
#: How to bring a database of an older schema up to this one: (from version, statements), applied in order.
MIGRATIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "1",
        (
            "ALTER TABLE folders ADD COLUMN child_count BIGINT NOT NULL DEFAULT 0",
            "UPDATE folders SET child_count = (SELECT count(*) FROM items WHERE items.parent_id = folders.folder_id)",
        ),
    ),
    # 3: the audit log keeps when each deleted item was created (entries deleted before stay NULL: unknown).
    ("2", ("ALTER TABLE deletions ADD COLUMN item_created_at TIMESTAMP",)),
    # 4: the web app's calls. Records keep the description record/update sets; an account may ask for a sign-in
    # step after its password (v1 auth/login); items are looked up by archiveNbr (v1 record/get); share links keep
    # Stela's `unrestricted` (accessRestrictions "none"; older links were never unrestricted). The web_sessions
    # table is new, so create_all makes it.
    (
        "3",
        (
            "ALTER TABLE records ADD COLUMN description TEXT",
            "ALTER TABLE accounts ADD COLUMN sign_in_step VARCHAR(16)",
            "CREATE INDEX ix_items_archive_nbr ON items (archive_nbr)",
            "ALTER TABLE share_links ADD COLUMN unrestricted BOOLEAN NOT NULL DEFAULT FALSE",
        ),
    ),
)

# Names sort the same on SQLite (binary) and PostgreSQL (collation "C" instead of the locale's).
SortText = Text().with_variant(Text(collation="C"), "postgresql")
Id = BigInteger().with_variant(Integer(), "sqlite")  # SQLite autoincrements only INTEGER PRIMARY KEY


class Base(DeclarativeBase):
    """Declarative base of the mock's tables."""


class MetaRow(Base):
    """Key/value facts about the database: schema version and the signing secret."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class AccountRow(Base):
    """An account and its FusionAuth identity."""

    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    full_name: Mapped[str] = mapped_column(Text)
    password_hash: Mapped[str] = mapped_column(Text)
    subject: Mapped[str] = mapped_column(String(36), unique=True)
    allow_sftp_deletion: Mapped[bool] = mapped_column(Boolean)
    default_archive_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    #: What the v1 sign-in asks after the password: NULL (nothing), "mfa" or "verify_email".
    sign_in_step: Mapped[str | None] = mapped_column(String(16), nullable=True)


class WebSessionRow(Base):
    """A PHP session of the web app (v1): who signed in, the current archive and the CSRF token."""

    __tablename__ = "web_sessions"
    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    archive_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    csrf: Mapped[str] = mapped_column(String(32))
    #: NULL once signed in; otherwise the step still to pass ("mfa" or "verify_email").
    pending: Mapped[str | None] = mapped_column(String(16), nullable=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime)


class RefreshTokenRow(Base):
    """A FusionAuth refresh token."""

    __tablename__ = "refresh_tokens"
    token: Mapped[str] = mapped_column(String(128), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    client_id: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime] = mapped_column(DateTime)


class ArchiveRow(Base):
    """An archive; `item_counter` numbers its folders and records (`xxxx-0001`, …)."""

    __tablename__ = "archives"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    nbr: Mapped[str] = mapped_column(String(9), unique=True)
    full_name: Mapped[str] = mapped_column(Text)
    type: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text)
    item_counter: Mapped[int] = mapped_column(BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class MembershipRow(Base):
    """An account's role in an archive."""

    __tablename__ = "memberships"
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True)
    archive_id: Mapped[int] = mapped_column(ForeignKey("archives.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(Text)


class ItemRow(Base):
    """A folder_link: the common part of a folder or record, and its place in its parent."""

    __tablename__ = "items"
    __table_args__ = (
        # The real backend enforces unique names per parent with a multi-column index (reference §10).
        UniqueConstraint("parent_id", "download_name", name="uq_items_parent_download_name"),
        Index("ix_items_parent_name", "parent_id", "sort_name", "link_id"),
        Index("ix_items_parent_date", "parent_id", "display_at", "link_id"),
        Index("ix_items_parent_type", "parent_id", "type", "link_id"),
    )
    link_id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(6))
    archive_id: Mapped[int] = mapped_column(ForeignKey("archives.id", ondelete="CASCADE"), index=True)
    #: Looked up by the web app's deep links (v1 `record/get` by archiveNbr).
    archive_nbr: Mapped[str] = mapped_column(String(9), index=True)
    parent_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    parent_link_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    display_name: Mapped[str] = mapped_column(Text)
    sort_name: Mapped[str] = mapped_column(SortText)
    download_name: Mapped[str] = mapped_column(SortText)
    type: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(64))
    display_at: Mapped[datetime] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class FolderRow(Base):
    """Folder-only columns; `size` is the deep byte count and `child_count` the direct children, both kept up to
    date on every change (Stela's `totalPages` read a count(*) of the children on every page: 100,000 made every
    page of that folder 2× slower)."""

    __tablename__ = "folders"
    folder_id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("items.link_id", ondelete="CASCADE"), unique=True)
    sort: Mapped[str] = mapped_column(String(64))
    view: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    child_count: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class RecordRow(Base):
    """Record-only columns."""

    __tablename__ = "records"
    record_id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("items.link_id", ondelete="CASCADE"), unique=True)
    upload_file_name: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(BigInteger)
    meta_token: Mapped[str] = mapped_column(String(10))
    uploaded_by: Mapped[int] = mapped_column(BigInteger)
    ready_at: Mapped[datetime] = mapped_column(DateTime)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)


class FileRow(Base):
    """A stored file of a record."""

    __tablename__ = "files"
    file_id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.record_id", ondelete="CASCADE"), index=True)
    format: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    content_type: Mapped[str] = mapped_column(Text)
    md5: Mapped[str] = mapped_column(String(32))
    blob_key: Mapped[str] = mapped_column(Text)
    parent_file_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class ShareLinkRow(Base):
    """A share-by-URL link, one per item."""

    __tablename__ = "share_links"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("items.link_id", ondelete="CASCADE"), unique=True)
    account_id: Mapped[int] = mapped_column(BigInteger)
    archive_id: Mapped[int] = mapped_column(BigInteger)
    url_token: Mapped[str] = mapped_column(String(64), unique=True)
    uses: Mapped[int] = mapped_column(BigInteger, default=0)
    max_uses: Mapped[int] = mapped_column(BigInteger, default=0)
    auto_approve: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Stela's `shareby_url.unrestricted`: anyone with the URL may view (accessRestrictions "none"; schema 4).
    unrestricted: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    preview: Mapped[bool] = mapped_column(Boolean, default=False)
    default_access_role: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    status: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class UploadRow(Base):
    """A presigned POST and what it received."""

    __tablename__ = "uploads"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    account_id: Mapped[int] = mapped_column(BigInteger)
    parent_folder_id: Mapped[int] = mapped_column(BigInteger)
    display_name: Mapped[str] = mapped_column(Text)
    upload_file_name: Mapped[str] = mapped_column(Text)
    file_type: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(BigInteger)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    received_size: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    md5: Mapped[str | None] = mapped_column(String(32), nullable=True)
    registered: Mapped[bool] = mapped_column(Boolean, default=False)


class DeletionRow(Base):
    """One line of the deletion audit log."""

    __tablename__ = "deletions"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    account_id: Mapped[int] = mapped_column(BigInteger, index=True)
    archive_id: Mapped[int] = mapped_column(BigInteger)
    item_type: Mapped[str] = mapped_column(String(6))
    item_id: Mapped[int] = mapped_column(BigInteger)
    link_id: Mapped[int] = mapped_column(BigInteger)
    path: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(BigInteger)
    deleted_at: Mapped[datetime] = mapped_column(DateTime)
    deleted_with_link_id: Mapped[int] = mapped_column(BigInteger)
    #: When the deleted item was created (NULL for entries written before schema 3).
    item_created_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
