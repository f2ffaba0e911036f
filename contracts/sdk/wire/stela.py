"""Paths, queries and item parsers of the Stela v2 folder API (camelCase, string ids)."""

from __future__ import annotations

from contracts.sdk.enums import DerivativeType, RecordType, Status
from contracts.sdk.errors import ValidationError
from contracts.sdk.models import ArchiveRecord, File, Folder, FolderChildrenPage
from contracts.sdk.wire.values import Obj, as_integer, enum_or

FOLDER = "/folder"


def folder_query(folder_id: int) -> tuple[tuple[str, str], ...]:
    """Query of GET /folder for one id (`folderIds[]=N`)."""
    return (("folderIds[]", str(folder_id)),)


def children_path(folder_id: int) -> str:
    """Path of the paged children listing of a folder."""
    return f"/folder/{folder_id}/children"


def children_query(page_size: int, cursor: str | None) -> dict[str, str]:
    """Query of a children page; the cursor is sent only after the first page."""
    query = {"pageSize": str(page_size)}
    if cursor is not None:
        query["cursor"] = cursor
    return query


def parse_folders(value: object) -> list[Folder]:
    """Parse the `{"items": [StelaFolder...]}` answer of GET /folder."""
    return [_parse_folder(item) for item in Obj(value).objects("items")]


def parse_children_page(value: object) -> FolderChildrenPage:
    """Parse a children page, splitting items into folders and records by their key sets."""
    page = Obj(value)
    folders: list[Folder] = []
    records: list[ArchiveRecord] = []
    items = list(page.objects("items"))
    for item in items:
        if _is_folder_item(item):
            folders.append(_parse_folder(item))
        else:
            records.append(_parse_record(item))
    pagination = page.obj("pagination")
    next_cursor = pagination.optional("nextCursor")
    if next_cursor is not None and not isinstance(next_cursor, str):
        next_cursor = str(as_integer(next_cursor, pagination.at("nextCursor")))
    return FolderChildrenPage(folders=folders, archive_records=records, item_count=len(items), next_cursor=next_cursor)


def _is_folder_item(item: Obj) -> bool:
    """Classify a child: folders carry `folderId`, records `recordId`/`files`, never both."""
    folder_like = item.has("folderId")
    record_like = item.has("recordId") or item.has("files")
    if folder_like == record_like:
        what = "both" if folder_like else "neither"
        raise ValidationError(f"child is {what} a StelaFolder and a StelaRecord", path=item.path)
    item_type = item.optional("itemType")
    expected = "folder" if folder_like else "record"
    if item_type is not None and item_type != expected:
        raise ValidationError(f"itemType {item_type!r} contradicts a {expected}", path=item.path)
    return folder_like


def _parse_folder(item: Obj) -> Folder:
    """Parse a StelaFolder (without children); null size is 0."""
    return Folder(
        id=item.integer("folderId"),
        file_system_id=item.integer("folderLinkId"),
        name=item.string("displayName"),
        file_system_compatible_name=item.string("downloadName"),
        display_date=item.optional_timestamp("displayTimestamp"),
        size=item.optional_integer("size") or 0,
        created_at=item.timestamp("createdAt"),
        updated_at=item.timestamp("updatedAt"),
    )


def _parse_record(item: Obj) -> ArchiveRecord:
    """Parse a StelaRecord; a null `updatedAt` falls back to `createdAt`."""
    created_at = item.timestamp("createdAt", allow_offset=False)
    updated_at = item.optional_timestamp("updatedAt", allow_offset=False)
    return ArchiveRecord(
        id=item.integer("recordId"),
        file_system_id=item.integer("folderLinkId"),
        display_name=item.string("displayName"),
        file_system_compatible_name=item.string("downloadName"),
        type=enum_or(RecordType, item.string("type"), RecordType.UNKNOWN),
        status=enum_or(Status, item.string("status"), Status.UNDEFINED),
        display_date=item.optional_timestamp("displayDate", allow_offset=False),
        files=[_parse_file(file) for file in item.objects("files")],
        created_at=created_at,
        updated_at=updated_at or created_at,
    )


def _parse_file(item: Obj) -> File:
    """Parse a StelaFile: `type` becomes the content type, and there is no checksum."""
    return File(
        id=item.integer("fileId"),
        size=item.integer("size"),
        derivative_type=enum_or(DerivativeType, item.string("format"), DerivativeType.UNKNOWN),
        content_type=item.string("type"),
        file_url=item.string("fileUrl"),
        download_url=item.string("downloadUrl"),
        checksum="",
        created_at=item.timestamp("createdAt"),
        updated_at=item.timestamp("updatedAt"),
    )
