"""PHP API v2 shapes: bare VOs (AccountVO, ArchiveVO, FolderVO, RecordVO, FileVO, ShareLinkVO, S3UploadVO).

Key-set rule (reference §5.3): folders never carry `recordId`/`uploadFileName` keys and records never
carry `folderId`/`ChildItemVOs` keys — omitted, not nulled, or the SDK sees one item as both.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterator
from typing import Any

from mock_backend.domain import filetypes
from mock_backend.domain.clock import from_epoch
from mock_backend.domain.models import Account, Archive, File, Folder, Item, Record, ShareLink
from mock_backend.wire.context import WireContext
from mock_backend.wire.timestamps import php, php_or_none

TIME_ZONE_ID = 88  # "Central Time", the default on new items (reference §13)
_NOTIFICATION_PREFERENCES = json.dumps(
    {"emailPreference": {"archive": {"confirmations": 1, "requests": 1}}, "textPreference": {}}
)


def account_vo(account: Account) -> dict[str, Any]:
    """Return an AccountVO; `notificationPreferences` is a JSON string in v2 (§6.1)."""
    return {
        "accountId": account.id,
        "primaryEmail": account.email,
        "fullName": account.full_name,
        "subject": account.subject,
        "allowSftpDeletion": account.allow_sftp_deletion,
        "defaultArchiveId": account.default_archive_id,
        "status": "status.auth.ok",
        "type": "type.account.standard",
        "emailStatus": "status.auth.verified",
        "phoneStatus": "status.auth.none",
        "notificationPreferences": _NOTIFICATION_PREFERENCES,
        "createdDT": php(account.created_at),
        "updatedDT": php(account.updated_at),
    }


def archive_vo(archive: Archive) -> dict[str, Any]:
    """Return an ArchiveVO with the caller's `accessRole`."""
    return {
        "archiveId": archive.id,
        "archiveNbr": archive.nbr,
        "fullName": archive.full_name,
        "accessRole": archive.role.value if archive.role else None,
        "type": archive.type,
        "status": archive.status,
        "public": 0,
        "allowPublicDownload": 0,
        "thumbStatus": None,
        "thumbURL200": None,
        "thumbURL500": None,
        "thumbURL1000": None,
        "thumbURL2000": None,
        "createdDT": php(archive.created_at),
        "updatedDT": php(archive.updated_at),
    }


def _item_common(item: Item) -> dict[str, Any]:
    return {
        "folder_linkId": item.link_id,
        "parentFolderId": item.parent_id,
        "parentFolder_linkId": item.parent_link_id,
        "archiveId": item.archive_id,
        "archiveNbr": item.archive_nbr,
        "displayName": item.display_name,
        "downloadName": item.download_name,
        "downloadNameOk": True,
        "displayDT": php(item.display_at),
        "displayEndDT": None,
        "description": None,
        "timeZoneId": TIME_ZONE_ID,
        "type": item.type,
        "thumbStatus": None,
        "thumbURL200": None,
        "thumbURL500": None,
        "thumbURL1000": None,
        "thumbURL2000": None,
        "createdDT": php(item.created_at),
        "updatedDT": php(item.updated_at),
    }


def folder_vo(folder: Folder, ctx: WireContext, children: list[Item] | None = None) -> dict[str, Any]:
    """Return a FolderVO; `ChildItemVOs` is always an array, each child complete (§5.2)."""
    vo = _item_common(folder)
    vo.update(
        folderId=folder.id,
        status=folder.status,
        sort=folder.sort,
        view=folder.view,
        folder_linkType=folder.type.replace("type.folder", "type.folder_link", 1),
        ChildItemVOs=[_child_vo(child, ctx) for child in children or []],
    )
    return vo


def streamed_folder_vo(
    folder: Folder, ctx: WireContext, children: Iterator[Item], dumps: Callable[[Any], bytes], batch: int = 1000
) -> Iterator[bytes]:
    """Yield the JSON of `folder_vo(folder, ctx, children)` as UTF-8 pieces, `batch` children at a time."""
    head = dumps(folder_vo(folder, ctx))
    # folder_vo puts ChildItemVOs last, so its empty array closes the text: open it there instead.
    assert head.endswith(b'"ChildItemVOs":[]}') or head.endswith(b'"ChildItemVOs": []}'), head[-40:]
    yield head[: head.rindex(b"[") + 1]
    first = True
    while chunk := list(itertools.islice(children, batch)):
        text = dumps([_child_vo(child, ctx) for child in chunk])[1:-1]
        yield text if first else b"," + text
        first = False
    yield b"]}"


def _child_vo(item: Item, ctx: WireContext) -> dict[str, Any]:
    if isinstance(item, Folder):
        return folder_vo(item, ctx)
    # Quirk php_child_records_null_files: getWithChildren lists records with FileVOs null
    # (permanent-sdk fixture getFolder/folder.json); files come from record/get.
    return record_vo(item, ctx, with_files=not ctx.quirks.php_child_records_null_files)


def record_vo(record: Record, ctx: WireContext, *, with_files: bool = True) -> dict[str, Any]:
    """Return a RecordVO; with files, `FileVOs` holds the original first (D6)."""
    vo = _item_common(record)
    files = record.files_at(ctx.now, ctx.hide_unprocessed_files)
    vo.update(
        recordId=record.id,
        uploadFileName=record.upload_file_name,
        description=record.description,
        uploadAccountId=record.uploaded_by,
        size=record.size,
        metaToken=record.meta_token,
        status=record.status_at(ctx.now),
        fileStatus="status.generic.ok",
        processedDT=php(record.ready_at) if ctx.now >= record.ready_at else None,
        FileVOs=[file_vo(f, record, ctx) for f in files] if with_files and files is not None else None,
    )
    return vo


def file_vo(file: File, record: Record, ctx: WireContext) -> dict[str, Any]:
    """Return a FileVO whose URLs are signed and point at the mock's CDN route (D1, D7)."""
    return {
        "fileId": file.id,
        "recordId": file.record_id,
        "archiveId": record.archive_id,
        "parentFileId": file.parent_file_id,
        "size": file.size,
        "format": file.format,
        "type": filetypes.file_type(record.download_name),
        "contentType": file.content_type,
        "md5Checksum": file.md5,
        "fileURL": ctx.file_url(file.id),
        "downloadURL": ctx.file_url(file.id, record.download_name),
        "urlDT": php(from_epoch(ctx.url_expires)),
        "status": "status.generic.ok",
        "createdDT": php(file.created_at),
        "updatedDT": php(file.updated_at),
    }


def share_link_vo(share: ShareLink, ctx: WireContext) -> dict[str, Any]:
    """Return a ShareLinkVO; toggles are 0/1 under quirk sharelink_integer_toggles (§6.11)."""

    def toggle(value: bool) -> int | bool:
        return int(value) if ctx.quirks.sharelink_integer_toggles else value

    return {
        "shareby_urlId": share.id,
        "folder_linkId": share.link_id,
        "status": share.status,
        "urlToken": share.url_token,
        "shareUrl": f"{ctx.base_url}/share/{share.url_token}",
        "uses": share.uses,
        "maxUses": share.max_uses,
        "autoApproveToggle": toggle(share.auto_approve),
        "previewToggle": toggle(share.preview),
        "defaultAccessRole": share.default_access_role,
        "expiresDT": php_or_none(share.expires_at),
        "byAccountId": share.account_id,
        "byArchiveId": share.archive_id,
        "createdDT": php(share.created_at),
        "updatedDT": php(share.updated_at),
    }


def s3_upload_vo(destination_url: str, post_url: str, fields: dict[str, str]) -> dict[str, Any]:
    """Return an S3UploadVO: the destination URL and the presigned POST (§6.8)."""
    return {"destinationUrl": destination_url, "presignedPost": {"url": post_url, "fields": fields}}


def error(key: str, detail: str) -> dict[str, Any]:
    """Return a PHP v2 failure body (decision D2)."""
    return {"message": key, "detail": detail}
