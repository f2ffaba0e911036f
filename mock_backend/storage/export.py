"""The mock's world as SQL for real Stela's schema, so a real Stela can serve the same state (the differential run).

The target is Stela's `database/base.sql` plus the columns the closed back end's migrations add (shared reference
`stela-local/schema-patch.sql`). Ids are kept, so both servers answer the same folder and link ids; account ids
are shifted by `account_offset` because `base.sql` already inserts account 1 (real Stela finds accounts by the
e-mail that token introspection returns, so their ids never meet a client).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from mock_backend.domain.filetypes import file_type
from mock_backend.storage.tables import (
    AccountRow,
    ArchiveRow,
    FileRow,
    FolderRow,
    ItemRow,
    MembershipRow,
    RecordRow,
)

#: The only format this module writes.
STELA_SQL = "stela-sql"
_OK = "status.generic.ok"
#: Folder-size counters Stela's folder_size table holds; only the deep byte count matters to its folder routes.
_SIZE_COUNTERS = tuple(
    f"{scope}{what}count{depth}"
    for scope in ("my", "all")
    for what in ("folder", "record", "audio", "document", "experience", "image", "video")
    for depth in ("shallow", "deep")
)


def sql_literal(value: object) -> str:
    """Render a Python value as a PostgreSQL literal (strings with doubled quotes; NUL is refused)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return f"'{value.strftime('%Y-%m-%dT%H:%M:%S')}Z'"
    text = str(value)
    if "\x00" in text:
        raise ValueError("PostgreSQL text cannot hold NUL")
    return "'" + text.replace("'", "''") + "'"


def _insert(table: str, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    """One INSERT per table, rows in the given (deterministic) order; nothing for no rows."""
    rendered = [f" ({','.join(sql_literal(v) for v in row)})" for row in rows]
    if not rendered:
        return []
    return [f"INSERT INTO {table} ({', '.join(columns)}) VALUES", ",\n".join(rendered) + ";"]


def _link_type(folder_type: str) -> str:
    """The folder_link type of an item in a tree whose folder has this type."""
    if folder_type == "type.folder.root.root":
        return "type.folder_link.root"
    for tree in ("app", "public", "share"):
        if f".{tree}" in folder_type:
            return f"type.folder_link.{tree}"
    return "type.folder_link.private"


def stela_sql(session: Session, *, account_offset: int = 10) -> str:
    """Return the whole world of a mock database as one SQL transaction for real Stela's schema."""
    accounts = session.scalars(select(AccountRow).order_by(AccountRow.id)).all()
    archives = session.scalars(select(ArchiveRow).order_by(ArchiveRow.id)).all()
    members = session.scalars(select(MembershipRow).order_by(MembershipRow.account_id, MembershipRow.archive_id)).all()
    folders = session.execute(select(ItemRow, FolderRow).join(FolderRow).order_by(ItemRow.link_id)).all()
    records = session.execute(select(ItemRow, RecordRow).join(RecordRow).order_by(ItemRow.link_id)).all()
    files = session.execute(
        select(FileRow, RecordRow.record_id, ItemRow)
        .select_from(FileRow)
        .join(RecordRow, RecordRow.record_id == FileRow.record_id)
        .join(ItemRow, ItemRow.link_id == RecordRow.link_id)
        .order_by(FileRow.file_id)
    ).all()
    folder_types = {item.link_id: item.type for item, _ in folders}
    folder_link_of = {row.folder_id: item.link_id for item, row in folders}

    lines = [
        "-- permanent-mock world for real Stela (base.sql + schema-patch.sql); load into a fresh database",
        "BEGIN;",
    ]
    lines += _insert(
        "account",
        (
            "accountid",
            "subject",
            "primaryemail",
            "fullname",
            "status",
            "notificationpreferences",
            "type",
            "createddt",
            "updateddt",
        ),
        (
            (
                a.id + account_offset,
                a.subject,
                a.email,
                a.full_name,
                "status.auth.ok",
                "{}",
                "type.account.standard",
                a.created_at,
                a.updated_at,
            )
            for a in accounts
        ),
    )
    lines += _insert(
        "archive",
        ("archiveid", "archivenbr", "status", "type", "createddt", "updateddt"),
        ((a.id, a.nbr.split("-")[0], a.status, a.type, a.created_at, a.updated_at) for a in archives),
    )
    lines += _insert(
        "profile_item",
        ("archiveid", "fieldnameui", "string1", "status", "type", "createddt", "updateddt"),
        ((a.id, "profile.basic", a.full_name, _OK, "type.widget.string", a.created_at, a.updated_at) for a in archives),
    )
    lines += _insert(
        "account_archive",
        ("accountid", "archiveid", "accessrole", "position", "type", "status", "createddt", "updateddt"),
        (
            (
                m.account_id + account_offset,
                m.archive_id,
                m.role,
                n,
                "type.account.standard",
                _OK,
                datetime(2024, 1, 1),
                datetime(2024, 1, 1),
            )
            for n, m in enumerate(members, start=1)
        ),
    )
    lines += _insert(
        "folder",
        (
            "folderid",
            "archivenbr",
            "archiveid",
            "displayname",
            "downloadname",
            "displaydt",
            "sort",
            "view",
            "status",
            "type",
            "createddt",
            "updateddt",
        ),
        (
            (
                f.folder_id,
                i.archive_nbr,
                i.archive_id,
                i.display_name,
                i.download_name,
                i.display_at,
                f.sort,
                f.view,
                i.status,
                i.type,
                i.created_at,
                i.updated_at,
            )
            for i, f in folders
        ),
    )
    lines += _insert(
        "record",
        (
            "recordid",
            "archiveid",
            "archivenbr",
            "displayname",
            "uploadfilename",
            "downloadname",
            "uploadaccountid",
            "uploadpayeraccountid",
            "size",
            "displaydt",
            "status",
            "type",
            "createddt",
            "updateddt",
        ),
        (
            (
                r.record_id,
                i.archive_id,
                i.archive_nbr,
                i.display_name,
                r.upload_file_name,
                i.download_name,
                r.uploaded_by + account_offset,
                r.uploaded_by + account_offset,
                r.size,
                i.display_at,
                _OK if i.status.startswith("status.record") else i.status,
                i.type,
                i.created_at,
                i.updated_at,
            )
            for i, r in records
        ),
    )
    positions: dict[int | None, int] = {}

    def position(parent: int | None) -> int:
        positions[parent] = positions.get(parent, 0) + 1
        return positions[parent]

    def link_row(item: ItemRow, folder_id: int | None, record_id: int | None, link_type: str) -> tuple[object, ...]:
        """One folder_link row: a folder's or a record's place under its parent."""
        return (
            item.link_id,
            folder_id,
            record_id,
            item.parent_link_id,
            item.parent_id,
            item.archive_id,
            position(item.parent_link_id),
            "access.role.owner",
            _OK,
            link_type,
            item.created_at,
            item.updated_at,
        )

    link_rows = [link_row(item, folder.folder_id, None, _link_type(item.type)) for item, folder in folders]
    for item, record in records:
        # A record's link type follows its parent folder's (real Stela's folder_link.type).
        parent_type = folder_types.get(item.parent_link_id or 0, "type.folder.private")
        link_rows.append(link_row(item, None, record.record_id, _link_type(parent_type)))
    lines += _insert(
        "folder_link",
        (
            "folder_linkid",
            "folderid",
            "recordid",
            "parentfolder_linkid",
            "parentfolderid",
            "archiveid",
            "position",
            "accessrole",
            "status",
            "type",
            "createddt",
            "updateddt",
        ),
        sorted(link_rows, key=lambda row: int(str(row[0]))),
    )
    lines += _insert(
        "file",
        (
            "fileid",
            "size",
            "format",
            "contenttype",
            "archiveid",
            "fileurl",
            "downloadurl",
            "status",
            "type",
            "createddt",
            "updateddt",
        ),
        (
            # Stela signs these columns into CDN URLs; the mock's own URLs are per-request, so the
            # export names a host that resolves nowhere (the differential run compares URL forms, not bytes).
            (
                f.file_id,
                f.size,
                f.format,
                f.content_type,
                i.archive_id,
                f"https://cdn.example.invalid/files/{f.file_id}",
                f"https://cdn.example.invalid/files/{f.file_id}?download",
                _OK,
                file_type(i.download_name),
                f.created_at,
                f.updated_at,
            )
            for f, _, i in files
        ),
    )
    lines += _insert(
        "record_file",
        ("recordid", "fileid", "status", "type", "createddt", "updateddt"),
        (
            (record_id, f.file_id, _OK, "type.generic.placeholder", f.created_at, f.updated_at)
            for f, record_id, _ in files
        ),
    )
    lines += _insert(
        "folder_size",
        (
            "folder_linkid",
            "archiveid",
            "folderid",
            "myfilesizeshallow",
            "myfilesizedeep",
            "allfilesizeshallow",
            "allfilesizedeep",
            *_SIZE_COUNTERS,
            "lastexecutedt",
            "lastexecutereason",
            "nextexecutedt",
            "status",
            "type",
        ),
        (
            (
                folder_link_of[f.folder_id],
                i.archive_id,
                f.folder_id,
                0,
                0,
                0,
                f.size,
                *([0] * len(_SIZE_COUNTERS)),
                i.updated_at,
                "permanent-mock export",
                i.updated_at,
                _OK,
                "type.generic.placeholder",
            )
            for i, f in folders
        ),
    )
    top = {
        "folder_folderid_seq": max((f.folder_id for _, f in folders), default=0),
        "folder_link_folder_linkid_seq": max((i.link_id for i, _ in (*folders, *records)), default=0),
        "record_recordid_seq": max((r.record_id for _, r in records), default=0),
        "file_fileid_seq": max((f.file_id for f, _, _ in files), default=0),
    }
    lines += [f"SELECT setval('{name}', {value + 100});" for name, value in top.items()]
    lines.append("COMMIT;")
    return "\n".join(lines) + "\n"
