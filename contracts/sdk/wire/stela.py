"""Paths, queries, bodies and parsers of the Stela v2 API: folders, records, share links (camelCase, string ids)."""

from __future__ import annotations

from datetime import datetime

from contracts.sdk.enums import DerivativeType, RecordType, Status
from contracts.sdk.errors import ValidationError
from contracts.sdk.models import ArchiveRecord, File, Folder, FolderChildrenPage, StelaShareLink, StelaShareLinkPage
from contracts.sdk.wire.values import Obj, as_integer, enum_or, format_timestamp_millis

FOLDER = "/folder"
RECORD = "/record"
SHARE_LINKS = "/share-links"


def records_query(record_ids: list[int]) -> tuple[tuple[str, str], ...]:
    """Query of GET /record (`recordIds[]=N` per id, as the web app's record.repo.ts sends them)."""
    return tuple(("recordIds[]", str(record_id)) for record_id in record_ids)


def record_share_links_path(record_id: int) -> str:
    """Path of a record's share links (a hyphen, stela record/controller.ts)."""
    return f"/record/{record_id}/share-links"


def folder_share_links_path(folder_id: int) -> str:
    """Path of a folder's share links (an underscore, stela folder/controller/controller.ts)."""
    return f"/folder/{folder_id}/share_links"


def share_link_path(share_link_id: int) -> str:
    """Path of one share link (PATCH, DELETE)."""
    return f"{SHARE_LINKS}/{share_link_id}"


def share_links_query(
    share_link_ids: list[int] | None, share_tokens: list[str] | None, page_size: int | None, cursor: str | None
) -> tuple[tuple[str, str], ...]:
    """Query of GET /share-links; only what is given is sent."""
    query = [("shareLinkIds[]", str(i)) for i in share_link_ids or ()]
    query += [("shareTokens[]", token) for token in share_tokens or ()]
    if page_size is not None:
        query.append(("pageSize", str(page_size)))
    if cursor is not None:
        query.append(("cursor", cursor))
    return tuple(query)


def create_share_link_body(
    item_id: int,
    item_type: str,
    *,
    access_restrictions: str | None,
    permissions_level: str | None,
    max_uses: int | None,
    expires_at: datetime | None,
) -> dict[str, object]:
    """Body of POST /share-links: `itemId` is a string (Joi.string()); options only when given."""
    body: dict[str, object] = {"itemId": str(item_id), "itemType": item_type}
    if access_restrictions is not None:
        body["accessRestrictions"] = access_restrictions
    if permissions_level is not None:
        body["permissionsLevel"] = permissions_level
    if max_uses is not None:
        body["maxUses"] = max_uses
    if expires_at is not None:
        body["expirationTimestamp"] = format_timestamp_millis(expires_at)
    return body


def update_share_link_body(
    *,
    access_restrictions: str | None,
    permissions_level: str | None,
    max_uses: int | None,
    expires_at: datetime | None,
    clear_max_uses: bool,
    clear_expiry: bool,
) -> dict[str, object]:
    """Body of PATCH /share-links/{id}: what is given, and null for what is cleared."""
    body: dict[str, object] = {}
    if access_restrictions is not None:
        body["accessRestrictions"] = access_restrictions
    if permissions_level is not None:
        body["permissionsLevel"] = permissions_level
    if max_uses is not None or clear_max_uses:
        body["maxUses"] = None if clear_max_uses else max_uses
    if expires_at is not None or clear_expiry:
        body["expirationTimestamp"] = (
            None if clear_expiry or expires_at is None else format_timestamp_millis(expires_at)
        )
    return body


def parse_records(value: object) -> list[ArchiveRecord]:
    """Parse GET /record's bare array of StelaRecords."""
    if not isinstance(value, list):
        raise ValidationError("expected a JSON array of records", path="$")
    return [_parse_record(Obj(item, f"$[{n}]")) for n, item in enumerate(value)]


def parse_share_link_data(value: object) -> StelaShareLink:
    """Parse POST/PATCH's `{"data": ShareLink}`."""
    return _parse_share_link(Obj(value).obj("data"))


def parse_share_link_items(value: object) -> list[StelaShareLink]:
    """Parse an item's `{"items": [ShareLink]}`."""
    return [_parse_share_link(item) for item in Obj(value).objects("items")]


def parse_share_link_page(value: object) -> StelaShareLinkPage:
    """Parse GET /share-links' `{"items", "pagination"}`."""
    page = Obj(value)
    pagination = page.obj("pagination")
    next_cursor = pagination.optional("nextCursor")
    if next_cursor is not None and not isinstance(next_cursor, str):
        next_cursor = str(as_integer(next_cursor, pagination.at("nextCursor")))
    return StelaShareLinkPage(
        share_links=[_parse_share_link(item) for item in page.objects("items")],
        next_cursor=next_cursor,
        total_pages=pagination.integer("totalPages"),
    )


def _parse_share_link(item: Obj) -> StelaShareLink:
    """Parse a Stela ShareLink; counts may be numbers or (from the lists) strings."""
    return StelaShareLink(
        id=item.integer("id"),
        item_id=item.integer("itemId"),
        item_type=item.string("itemType"),
        token=item.string("token"),
        permissions_level=item.string("permissionsLevel"),
        access_restrictions=item.string("accessRestrictions"),
        max_uses=item.optional_integer("maxUses"),
        uses_expended=item.optional_integer("usesExpended"),
        expires_at=item.optional_timestamp("expirationTimestamp"),
        creator_account_id=item.obj("creatorAccount").integer("id"),
        created_at=item.timestamp("createdAt"),
        updated_at=item.timestamp("updatedAt"),
    )


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
