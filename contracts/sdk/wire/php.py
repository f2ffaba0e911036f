"""Parsers of PHP API v2 value objects (AccountVO, FolderVO, RecordVO, ...) into SDK models."""

from __future__ import annotations

from contracts.sdk.enums import AccessRole, DerivativeType, RecordType, Status
from contracts.sdk.errors import ValidationError
from contracts.sdk.models import (
    Account,
    Archive,
    ArchiveRecord,
    File,
    Folder,
    PresignedPost,
    ShareLink,
)
from contracts.sdk.wire.values import Obj, enum_or

# Keys that mark a ChildItemVOs element as a FolderVO or a RecordVO (reference §5.3).
_FOLDER_KEYS = ("folderId", "ChildItemVOs")
_RECORD_KEYS = ("recordId", "uploadFileName")


def parse_account(value: object, path: str = "$") -> Account:
    """Parse an AccountVO."""
    vo = Obj(value, path)
    return Account(
        id=vo.integer("accountId"),
        is_sftp_deletion_enabled=vo.boolean("allowSftpDeletion"),
        created_at=vo.timestamp("createdDT", allow_offset=False),
        updated_at=vo.timestamp("updatedDT", allow_offset=False),
    )


def parse_archives(value: object) -> list[Archive]:
    """Parse the ArchiveVO array of getAllArchives."""
    if not isinstance(value, list):
        raise ValidationError("expected an array of ArchiveVO", path="$")
    return [_parse_archive(Obj(item, f"$[{index}]")) for index, item in enumerate(value)]


def parse_archive(value: object, path: str = "$") -> Archive:
    """Parse one ArchiveVO."""
    return _parse_archive(Obj(value, path))


def _parse_archive(vo: Obj) -> Archive:
    """Parse one ArchiveVO."""
    return Archive(
        id=vo.integer("archiveId"),
        slug=vo.string("archiveNbr"),
        name=vo.string("fullName"),
        created_at=vo.timestamp("createdDT", allow_offset=False),
        updated_at=vo.timestamp("updatedDT", allow_offset=False),
    )


def parse_folder(value: object, path: str = "$") -> Folder:
    """Parse a FolderVO and its ChildItemVOs (split into folders and records) recursively."""
    return _parse_folder(Obj(value, path))


def _parse_folder(vo: Obj) -> Folder:
    """Parse one FolderVO object."""
    folders: list[Folder] = []
    records: list[ArchiveRecord] = []
    for child in vo.objects("ChildItemVOs"):
        if _is_folder_child(child):
            folders.append(_parse_folder(child))
        else:
            records.append(_parse_record(child))
    return Folder(
        id=vo.integer("folderId"),
        file_system_id=vo.integer("folder_linkId"),
        name=vo.string("displayName"),
        file_system_compatible_name=vo.string("downloadName"),
        display_date=vo.optional_timestamp("displayDT", allow_offset=False),
        size=0,  # FolderVO has no deep size; the TS converter hard-codes 0 as well.
        created_at=vo.timestamp("createdDT", allow_offset=False),
        updated_at=vo.timestamp("updatedDT", allow_offset=False),
        folders=folders,
        archive_records=records,
    )


def _is_folder_child(child: Obj) -> bool:
    """Classify a ChildItemVOs element by its key set; a mixed or unknown set is invalid."""
    folder_like = [key for key in _FOLDER_KEYS if child.has(key)]
    record_like = [key for key in _RECORD_KEYS if child.has(key)]
    if folder_like and record_like:
        raise ValidationError(
            f"child carries FolderVO keys {folder_like} and RecordVO keys {record_like}",
            path=child.path,
        )
    if not folder_like and not record_like:
        raise ValidationError("child is neither a FolderVO nor a RecordVO", path=child.path)
    return bool(folder_like)


def parse_record(value: object, path: str = "$") -> ArchiveRecord:
    """Parse a RecordVO; absent or null FileVOs give no files."""
    return _parse_record(Obj(value, path))


def _parse_record(vo: Obj) -> ArchiveRecord:
    """Parse one RecordVO object."""
    vo.string("uploadFileName")  # required by the TS schema although never read
    return ArchiveRecord(
        id=vo.integer("recordId"),
        file_system_id=vo.integer("folder_linkId"),
        display_name=vo.string("displayName"),
        file_system_compatible_name=vo.string("downloadName"),
        type=enum_or(RecordType, vo.string("type"), RecordType.UNKNOWN),
        status=enum_or(Status, vo.string("status"), Status.UNDEFINED),
        display_date=vo.timestamp("displayDT", allow_offset=False),
        files=[_parse_file(file) for file in vo.objects("FileVOs", nullable=True)],
        created_at=vo.timestamp("createdDT", allow_offset=False),
        updated_at=vo.timestamp("updatedDT", allow_offset=False),
        archive_nbr=vo.optional_string("archiveNbr"),
    )


def _parse_file(vo: Obj) -> File:
    """Parse a FileVO; null URLs, content type and checksum become empty strings."""
    return File(
        id=vo.integer("fileId"),
        size=vo.integer("size"),
        derivative_type=enum_or(DerivativeType, vo.string("format"), DerivativeType.UNKNOWN),
        content_type=vo.optional_string("contentType") or "",
        file_url=vo.optional_string("fileURL") or "",
        download_url=vo.optional_string("downloadURL") or "",
        checksum=vo.optional_string("md5Checksum") or "",
        created_at=vo.timestamp("createdDT", allow_offset=False),
        updated_at=vo.timestamp("updatedDT", allow_offset=False),
    )


def parse_share_link(value: object) -> ShareLink:
    """Parse a ShareLinkVO; toggles may be 0/1 integers, booleans or null."""
    vo = Obj(value)
    vo.integer("byArchiveId")  # required by the TS schema although never read
    role = vo.optional_string("defaultAccessRole")
    roles = {member.value for member in AccessRole}
    return ShareLink(
        id=vo.integer("shareby_urlId"),
        shared_file_system_item_id=vo.integer("folder_linkId"),
        url=vo.string("shareUrl"),
        url_token=vo.string("urlToken"),
        uses=vo.optional_integer("uses"),
        max_uses=vo.optional_integer("maxUses"),
        auto_approve=vo.toggle("autoApproveToggle"),
        show_preview=vo.toggle("previewToggle"),
        default_access_role=AccessRole(role) if role in roles else None,
        expires_at=vo.optional_timestamp("expiresDT", allow_offset=False),
        status=enum_or(Status, vo.string("status"), Status.UNDEFINED),
        by_account_id=vo.integer("byAccountId"),
        created_at=vo.timestamp("createdDT", allow_offset=False),
        updated_at=vo.timestamp("updatedDT", allow_offset=False),
    )


def parse_presigned_post(value: object, path: str = "$") -> PresignedPost:
    """Parse an S3UploadVO; the form fields keep the order the server sent."""
    vo = Obj(value, path)
    post = vo.obj("presignedPost")
    fields = post.string_map("fields")
    for required in ("Policy", "X-Amz-Signature"):
        if required not in fields:
            raise ValidationError("required key is missing", path=f"{post.at('fields')}.{required}")
    return PresignedPost(destination_url=vo.string("destinationUrl"), url=post.string("url"), fields=fields)
