"""Paths, headers, query parameters and JSON bodies of the PHP API v2 calls the SDK makes."""

from __future__ import annotations

from datetime import datetime

from contracts.sdk.wire.values import format_timestamp_millis

GET_AUTHENTICATED_ACCOUNT = "/account/getAuthenticatedAccount"
GET_ALL_ARCHIVES = "/archive/getAllArchives"
GET_ROOT = "/folder/getRoot"
GET_WITH_CHILDREN = "/folder/getWithChildren"
POST_FOLDER = "/folder/post"
DELETE_FOLDER = "/folder/delete"
GET_RECORD = "/record/get"
GET_PRESIGNED_URL = "/record/getPresignedUrl"
REGISTER_RECORD = "/record/registerRecord"
DELETE_RECORD = "/record/delete"
GENERATE_SHARE_LINK = "/share/generateShareLink"
UPDATE_SHARE_LINK = "/share/updateShareLink"

Body = dict[str, object]


def headers(token: str | None) -> dict[str, str]:
    """Headers of every PHP and Stela call; Content-Type is sent on GET and DELETE as well."""
    sent = {"Request-Version": "2", "Content-Type": "application/json"}
    if token is not None:
        sent["Authorization"] = f"Bearer {token}"
    return sent


def archive_query(archive_id: int) -> dict[str, str]:
    """Query of getRoot."""
    return {"archiveId": str(archive_id)}


def folder_query(folder_id: int, archive_id: int | None = None) -> dict[str, str]:
    """Query of getWithChildren (with archive) and folder/delete (without)."""
    query = {"folderId": str(folder_id)}
    if archive_id is not None:
        query["archiveId"] = str(archive_id)
    return query


def record_query(record_id: int, archive_id: int | None = None) -> dict[str, str]:
    """Query of record/get (with archive) and record/delete (without)."""
    query = {"recordId": str(record_id)}
    if archive_id is not None:
        query["archiveId"] = str(archive_id)
    return query


def folder_post_body(name: str, parent_folder_id: int, fail_on_duplicate_name: bool) -> Body:
    """Body of folder/post, with the flag always sent as SDK 0.10.1 does."""
    return {
        "displayName": name,
        "parentFolderId": parent_folder_id,
        "failOnDuplicateName": fail_on_duplicate_name,
    }


def presigned_url_body(
    display_name: str, parent_folder_id: int, upload_file_name: str, file_type: str, size: int
) -> Body:
    """Body of record/getPresignedUrl."""
    return {
        "displayName": display_name,
        "parentFolderId": parent_folder_id,
        "uploadFileName": upload_file_name,
        "fileType": file_type,
        "size": size,
    }


def register_record_body(
    s3_url: str,
    *,
    display_name: str,
    parent_folder_id: int,
    upload_file_name: str,
    size: int,
    file_type: str | None,
    fail_on_duplicate_name: bool,
) -> Body:
    """Body of record/registerRecord; `fileType` is omitted when None (SDK 0.10.1)."""
    body: Body = {
        "s3url": s3_url,
        "displayName": display_name,
        "parentFolderId": parent_folder_id,
        "uploadFileName": upload_file_name,
    }
    if file_type is not None:
        body["fileType"] = file_type
    body["size"] = size
    body["failOnDuplicateName"] = fail_on_duplicate_name
    return body


def _without_none(body: Body) -> Body:
    """Drop keys whose value is None, as JSON.stringify drops undefined."""
    return {key: value for key, value in body.items() if value is not None}


def generate_share_link_body(
    file_system_id: int,
    max_uses: int | None,
    show_preview: bool | None,
    default_access_role: str | None,
) -> Body:
    """Body of share/generateShareLink; unset options are omitted."""
    return _without_none(
        {
            "folderLinkId": file_system_id,
            "maxUses": max_uses,
            "previewToggle": show_preview,
            "defaultAccessRole": default_access_role,
        }
    )


def update_share_link_body(
    share_link_id: int,
    *,
    max_uses: int | None,
    show_preview: bool | None,
    auto_approve: bool | None,
    default_access_role: str | None,
    expires_at: datetime | None,
) -> Body:
    """Body of share/updateShareLink; unset options are omitted, `expiresDT` as toISOString()."""
    return _without_none(
        {
            "shareByUrlId": share_link_id,
            "maxUses": max_uses,
            "previewToggle": show_preview,
            "autoApproveToggle": auto_approve,
            "defaultAccessRole": default_access_role,
            "expiresDT": None if expires_at is None else format_timestamp_millis(expires_at),
        }
    )
