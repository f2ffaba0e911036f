"""Stela v2 shapes: folders, records and files, the `{items}` and `{items, pagination}` wrappers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from mock_backend.domain import filetypes
from mock_backend.domain.models import (
    Folder,
    FolderListPage,
    FolderPage,
    Item,
    Lineage,
    Record,
    SharedLink,
    ShareLinkPage,
    StelaFolders,
    StelaRecords,
)
from mock_backend.wire.context import WireContext
from mock_backend.wire.timestamps import stela, stela_jsonb

# Stela's "pretty" folder enums (stela packages/api/src/folder/models.ts, reference §12.5).
_PRETTY_TYPE = {
    "type.folder.root.app": "app-root",
    "type.folder.app": "app",
    "type.folder.root.private": "private-root",
    "type.folder.private": "private",
    "type.folder.root.public": "public-root",
    "type.folder.public": "public",
    "type.folder.root.root": "root",
    "type.folder.share.root": "share-root",
}
_PRETTY_STATUS = {
    "status.generic.ok": "ok",
    "status.folder.copying": "copying",
    "status.folder.moving": "moving",
    "status.generic.deleted": "deleted",
}
_PRETTY_SORT = {
    "sort.alphabetical_asc": "alphabetical-ascending",
    "sort.alphabetical_desc": "alphabetical-descending",
    "sort.display_date_asc": "date-ascending",
    "sort.display_date_desc": "date-descending",
    "sort.type_asc": "type-ascending",
    "sort.type_desc": "type-descending",
}
_PRETTY_VIEW = {
    "folder.view.grid": "grid",
    "folder.view.list": "list",
    "folder.view.timeline": "timeline",
}


def _id(value: int | None, ctx: WireContext) -> int | str | None:
    # Quirk stela_string_ids: Stela answers ids as strings (sdk fixture stelaFolder.json).
    if value is None:
        return None
    return str(value) if ctx.quirks.stela_string_ids else value


def _enum(raw: str, pretty: dict[str, str], fallback: str, ctx: WireContext) -> str:
    # Quirk stela_pretty_folder_enums: folders use pretty values, anything unknown is "deprecated".
    return pretty.get(raw, fallback) if ctx.quirks.stela_pretty_folder_enums else raw


#: Thumbnail widths of Stela's `thumbnailUrls` (sdk fixture getFolder/stelaFolder.json); the mock makes none.
_THUMB_WIDTHS = ("200", "256", "500", "1000", "2000")
#: Stela's `location` of an item without one: every member null (real Stela at 3ee7ab2; the v0.10.1 fixture
#: stelaFolder.json has the older, shorter member list).
_NO_LOCATION = dict.fromkeys(
    (
        "id",
        "name",
        "sublocation",
        "city",
        "state",
        "postalCode",
        "country",
        "latitude",
        "longitude",
        "altitudeMeters",
        "precision",
        "streetNumber",
        "streetName",
        "locality",
        "county",
        "countryCode",
        "displayName",
        "timezone",
    )
)


#: The fields real Stela adds to every item that the mock has no data for, as Stela sends them empty. One
#: constant shared by every item of every answer: answers go straight to JSON, and nothing changes them on the way.
_EXTRAS: dict[str, Any] = {
    "thumbnailUrls": dict.fromkeys(_THUMB_WIDTHS),
    "location": _NO_LOCATION,
    "shares": None,
    "pendingShares": None,
    "tags": None,
    "publicAt": None,
    "displayTime": None,
    "imageRatio": 0,
}
#: A record's legacy thumbnail fields (the mock makes no thumbnails), between `archiveArchiveNumber` and `files`.
_RECORD_THUMBS = {f"thumbUrl{width}": None for width in ("200", "500", "1000", "2000")}


def _ids(ctx: WireContext) -> Callable[[int], int | str]:
    """Return how a non-null id goes on the wire (see `_id`), asked once per answer rather than once per id."""
    return str if ctx.quirks.stela_string_ids else int


#: The lineage of an answer that names no archives.
_NO_LINEAGE = Lineage()


def _archive(item: Folder, lineage: Lineage, ctx: WireContext) -> dict[str, Any]:
    """Return a folder's `archive`, `{id, name}` (records add `archiveNumber`, see `record`; Stela 3ee7ab2)."""
    return {"id": _id(item.archive_id, ctx), "name": lineage.archive_names.get(item.archive_id)}


def _paths(item: Folder, lineage: Lineage, ctx: WireContext) -> dict[str, Any]:
    """Return Stela's `paths`: names, link ids and archive numbers from below the archive root down to the folder."""
    chain = lineage.chain(item)
    return {
        "names": [f.display_name for f in chain],
        "folderLinkIds": [_id(f.link_id, ctx) for f in chain],
        "archiveNumbers": [f.archive_nbr for f in chain],
    }


def folder(item: Folder, ctx: WireContext, *, as_child: bool = False, lineage: Lineage | None = None) -> dict[str, Any]:
    """Return a StelaFolder; children also carry `itemType` (stela commit 45bd2e7)."""
    lineage = lineage or Lineage()
    # Real Stela (3ee7ab2) sends `id` beside folderId and no archiveId on folders (their archive is `archive.id`).
    body: dict[str, Any] = {
        "folderId": _id(item.id, ctx),
        "id": _id(item.id, ctx),
        "folderLinkId": _id(item.link_id, ctx),
        "archiveNumber": item.archive_nbr,
        "displayName": item.display_name,
        "downloadName": item.download_name,
        "description": None,
        "size": item.size,
        "type": _enum(item.type, _PRETTY_TYPE, "deprecated", ctx),
        "status": _enum(item.status, _PRETTY_STATUS, item.status, ctx),
        "sort": _enum(item.sort, _PRETTY_SORT, item.sort, ctx),
        "view": _enum(item.view, _PRETTY_VIEW, "deprecated", ctx),
        "displayTimestamp": stela(item.display_at),
        "displayEndTimestamp": None,
        "createdAt": stela(item.created_at),
        "updatedAt": stela(item.updated_at),
        "parentFolder": (
            {"id": _id(item.parent_id, ctx), "folderLinkId": _id(item.parent_link_id, ctx)}
            if item.parent_id is not None
            else None
        ),
        "archive": _archive(item, lineage, ctx),
        "paths": _paths(item, lineage, ctx),
        **_EXTRAS,
    }
    if as_child:
        body["itemType"] = "folder"
    return body


def _link_type(parent: Folder | None) -> str | None:
    """Return a record's `folderLinkType`: its link follows the tree it lives in (private, public, app)."""
    if parent is None:
        return None
    for tree in ("public", "app", "share"):
        if f".{tree}" in parent.type:
            return f"type.folder_link.{tree}"
    return "type.folder_link.private"


def record(
    item: Record, ctx: WireContext, lineage: Lineage | None = None, parent: Folder | None = None
) -> dict[str, Any]:
    """Return a StelaRecord; `type`/`status` stay raw PHP strings (D4) and `files` is always an array."""
    # A listing builds fifty of these per page: the id rule is read once, and the record's file type, archive
    # number and file-time rule once per record, not once per field or file.
    wire_id = _ids(ctx)
    record_id = wire_id(item.id)
    archive_id = wire_id(item.archive_id)
    archive_number = f"{item.archive_nbr.split('-')[0]}-0000"
    file_type = filetypes.file_type(item.download_name)
    # Quirk stela_jsonb_file_timestamps: files are built with JSONB, whose timestamps read `+00:00`.
    file_time = stela_jsonb if ctx.quirks.stela_jsonb_file_timestamps else stela
    file_url = ctx.file_url
    download_name = item.download_name
    return {
        "recordId": record_id,
        "id": record_id,
        "folderLinkId": wire_id(item.link_id),
        "archiveId": archive_id,
        "archiveNumber": item.archive_nbr,
        "displayName": item.display_name,
        "downloadName": download_name,
        "uploadFileName": item.upload_file_name,
        "description": item.description,
        "size": item.size,
        "type": item.type,
        "status": item.status_at(ctx.now),
        "displayDate": stela(item.display_at),
        "createdAt": stela(item.created_at),
        "updatedAt": stela(item.updated_at),
        "parentFolderId": _id(item.parent_id, ctx),
        "parentFolderLinkId": _id(item.parent_link_id, ctx),
        "parentFolderArchiveNumber": parent.archive_nbr if parent is not None else None,
        "folderLinkType": _link_type(parent),
        "uploadAccountId": _id(item.uploaded_by, ctx),
        "uploadPayerAccountId": _id(item.uploaded_by, ctx),
        # A record's `archive` also names its archive number (Stela 3ee7ab2).
        "archive": {
            "id": archive_id,
            "archiveNumber": archive_number,
            "name": (lineage or _NO_LINEAGE).archive_names.get(item.archive_id),
        },
        "archiveArchiveNumber": archive_number,
        **_RECORD_THUMBS,
        "fileCreatedAt": None,
        "altText": None,
        **_EXTRAS,
        "files": [
            {
                "fileId": wire_id(f.id),
                "size": f.size,
                "format": f.format,
                "type": file_type,
                "fileUrl": file_url(f.id),
                "downloadUrl": file_url(f.id, download_name),
                "createdAt": file_time(f.created_at),
                "updatedAt": file_time(f.updated_at),
            }
            for f in item.files_at(ctx.now, ctx.hide_unprocessed_files) or ()
        ],
        "itemType": "record",
    }


def child(item: Item, ctx: WireContext, lineage: Lineage | None = None, parent: Folder | None = None) -> dict[str, Any]:
    """Return a children-page item."""
    if isinstance(item, Folder):
        return folder(item, ctx, as_child=True, lineage=lineage)
    return record(item, ctx, lineage, parent)


def folders_response(found: StelaFolders, ctx: WireContext) -> dict[str, Any]:
    """Return exactly `{"items": [...]}` (SDK HEAD validates with additionalProperties false)."""
    return {"items": [folder(f, ctx, lineage=found.lineage) for f in found.folders]}


def _pagination(
    last: Item | None, next_page: Callable[[str], str], total_pages: int, ctx: WireContext
) -> dict[str, Any]:
    """Return Stela's paging state; nextCursor is the last item's folderLinkId (§8.3), nextPage its URL."""
    pagination: dict[str, Any] = {}
    # Quirk stela_empty_page_omits_cursor: an empty page has neither nextCursor nor nextPage.
    if last is not None:
        cursor = str(last.link_id)
        pagination["nextCursor"] = cursor
        pagination["nextPage"] = next_page(cursor)
    elif not ctx.quirks.stela_empty_page_omits_cursor:
        # With the quirk off the keys stay, null: SDK HEAD accepts null (coerced), and 0.10.1 stops paging.
        pagination["nextCursor"] = None
        pagination["nextPage"] = None
    pagination["totalPages"] = total_pages
    return pagination


def folders_page_response(found: StelaFolders, page: FolderListPage, ctx: WireContext) -> dict[str, Any]:
    """Return the plural route's `{"items", "pagination"}`: folders in link-id order, a cursor, a true ceiling."""
    ids = "&".join(f"folderIds%5B%5D={i}" for i in page.folder_ids)
    # Real Stela's nextPage repeats every folderIds[] of the request (3ee7ab2), on the plural route.
    pagination = _pagination(
        page.folders[-1] if page.folders else None,
        lambda cursor: f"{ctx.base_url}/api/v2/folders?{ids}&pageSize={page.page_size}&cursor={cursor}",
        page.total_pages,
        ctx,
    )
    return {"items": [folder(f, ctx, lineage=found.lineage) for f in page.folders], "pagination": pagination}


def page_response(page: FolderPage, total_pages: int, ctx: WireContext) -> dict[str, Any]:
    """Return exactly `{"items", "pagination"}` of a children page."""
    # Real Stela points nextPage at the plural route (3ee7ab2; the singular one is deprecated).
    base = f"{ctx.base_url}/api/v2/folders/{page.folder_id}/children?pageSize={page.page_size}"
    pagination = _pagination(
        page.items[-1] if page.items else None, lambda cursor: f"{base}&cursor={cursor}", total_pages, ctx
    )
    return {"items": [child(i, ctx, page.lineage, page.folder) for i in page.items], "pagination": pagination}


def records_response(found: StelaRecords, ctx: WireContext) -> list[dict[str, Any]]:
    """Return `GET /record`'s bare JSON array of StelaRecords (stela record/controller.ts sends the array)."""
    items = []
    for item in found.records:
        body = record(item, ctx, found.lineage, found.parents.get(item.parent_id))
        # get_records.sql has no itemType: only children pages add it (stela commit 45bd2e7).
        del body["itemType"]
        items.append(body)
    return items


def _access_restrictions(link: SharedLink) -> str:
    # stela share_link/queries/get_share_links.sql: unrestricted wins, then autoapprovetoggle 1 is "account".
    if link.share.unrestricted:
        return "none"
    return "account" if link.share.auto_approve else "approval"


def _count(value: int | None, ctx: WireContext, *, listed: bool) -> int | str | None:
    # Quirk stela_share_link_list_counts_as_strings: the list queries hand bigint `maxuses`/`uses` to JSON as
    # node-postgres reads them, strings; POST and PATCH turn them into numbers (stela share_link/service.ts).
    if value is None:
        return None
    return str(value) if listed and ctx.quirks.stela_share_link_list_counts_as_strings else value


def share_link(link: SharedLink, ctx: WireContext, *, listed: bool = False) -> dict[str, Any]:
    """Return a Stela ShareLink (stela share_link/models.ts); `maxUses` 0 is null, as Stela's queries map it."""
    share = link.share
    return {
        "id": _id(share.id, ctx),
        "itemId": _id(link.item_id, ctx),
        "itemType": link.item_type,
        "token": share.url_token,
        "permissionsLevel": share.default_access_role.removeprefix("access.role."),
        "accessRestrictions": _access_restrictions(link),
        "maxUses": _count(share.max_uses or None, ctx, listed=listed),
        "usesExpended": _count(share.uses, ctx, listed=listed),
        "expirationTimestamp": stela(share.expires_at) if share.expires_at is not None else None,
        # `byaccountid::text` in every share-link query.
        "creatorAccount": {"id": str(share.account_id), "name": link.creator_name},
        "createdAt": stela(share.created_at),
        "updatedAt": stela(share.updated_at),
    }


def share_link_data(link: SharedLink, ctx: WireContext) -> dict[str, Any]:
    """Return POST/PATCH `/share-links`' `{"data": ShareLink}`."""
    return {"data": share_link(link, ctx)}


def item_share_links_response(links: list[SharedLink], ctx: WireContext) -> dict[str, Any]:
    """Return an item's `{"items": [ShareLink]}` (no pagination: Stela reads them with pageSize null)."""
    return {"items": [share_link(link, ctx, listed=True) for link in links]}


def share_links_page_response(page: ShareLinkPage, ctx: WireContext) -> dict[str, Any]:
    """Return `GET /share-links`' `{"items", "pagination"}`; nextCursor is the last link's id (Stela 3ee7ab2)."""
    filters = "&".join(
        [f"shareTokens%5B%5D={quote(t, safe='')}" for t in page.tokens]
        + [f"shareLinkIds%5B%5D={quote(i, safe='')}" for i in page.share_link_ids]
    )
    prefix = f"{ctx.base_url}/api/v2/share-links?" + (f"{filters}&" if filters else "")
    pagination: dict[str, Any] = {}
    if page.links:
        cursor = str(page.links[-1].share.id)
        pagination["nextCursor"] = cursor
        pagination["nextPage"] = f"{prefix}pageSize={page.page_size}&cursor={cursor}"
    elif not ctx.quirks.stela_empty_page_omits_cursor:
        pagination["nextCursor"] = None
        pagination["nextPage"] = None
    pagination["totalPages"] = page.total_pages
    return {"items": [share_link(link, ctx, listed=True) for link in page.links], "pagination": pagination}


def validation_error(message: str) -> dict[str, Any]:
    """Return Stela's joi validation failure body (decision D3)."""
    return {"error": message}


def error(message: str) -> dict[str, Any]:
    """Return Stela's http-errors failure body (decision D3)."""
    return {"error": {"message": message}}
