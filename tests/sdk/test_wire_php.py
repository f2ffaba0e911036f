"""Tests of the PHP VO parsers in contracts.sdk.wire.php."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from contracts.sdk.enums import AccessRole, DerivativeType, RecordType, Status
from contracts.sdk.errors import ValidationError
from contracts.sdk.wire import php

Factory = Callable[..., dict[str, Any]]


def test_parse_account_given_account_vo_returns_account() -> None:
    """AccountVO fields map to Account, with naive PHP timestamps read as UTC."""
    account = php.parse_account(
        {
            "accountId": "2",
            "allowSftpDeletion": False,
            "createdDT": "2023-03-09T17:33:09",
            "updatedDT": "2023-03-09T17:33:10",
            "primaryEmail": "blarg@permanent.org",
        }
    )
    assert account.id == 2
    assert account.is_sftp_deletion_enabled is False
    assert account.created_at == datetime(2023, 3, 9, 17, 33, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    ("key", "value"),
    [("allowSftpDeletion", None), ("allowSftpDeletion", 1), ("accountId", "two")],
    ids=["null-bool", "int-bool", "word-id"],
)
def test_parse_account_given_wrong_type_raises_validation_error(key: str, value: object) -> None:
    """A wrong-typed field is a ValidationError at that field's path."""
    vo = {"accountId": 2, "allowSftpDeletion": True, "createdDT": "2023-03-09T17:33:09"}
    vo["updatedDT"] = "2023-03-09T17:33:09"
    vo[key] = value
    with pytest.raises(ValidationError) as caught:
        php.parse_account(vo)
    assert caught.value.path == f"$.{key}"


def test_parse_archives_given_array_returns_archives() -> None:
    """An ArchiveVO array maps to archives with slug = archiveNbr."""
    archives = php.parse_archives(
        [
            {
                "archiveId": 1,
                "archiveNbr": "0001-0000",
                "fullName": "dan",
                "accessRole": "access.role.owner",
                "createdDT": "2022-06-23T18:33:43",
                "updatedDT": "2022-06-23T18:33:43",
            }
        ]
    )
    assert [(a.id, a.slug, a.name) for a in archives] == [(1, "0001-0000", "dan")]


def test_parse_archives_given_object_raises_validation_error() -> None:
    """A single object instead of an array is a ValidationError."""
    with pytest.raises(ValidationError, match="array"):
        php.parse_archives({"archiveId": 1})


def test_parse_folder_given_mixed_children_splits_folders_and_records(
    php_folder_vo: Factory, php_record_vo: Factory
) -> None:
    """ChildItemVOs are split into folders and archive records by their key sets."""
    sub = php_folder_vo(folderId=7458, folder_linkId="7977", displayName="Internal folder")
    vo = php_folder_vo(children=[php_record_vo(FileVOs=None), sub])
    folder = php.parse_folder(vo)
    assert (folder.id, folder.file_system_id, folder.size) == (7457, 7975, 0)
    assert [(f.id, f.file_system_id, f.name) for f in folder.folders] == [(7458, 7977, "Internal folder")]
    assert [(r.id, r.files) for r in folder.archive_records] == [(512, [])]


def test_parse_folder_given_null_display_dt_returns_none_display_date(
    php_folder_vo: Factory,
) -> None:
    """A null FolderVO displayDT (folderWithNullDisplayDt.json) gives no display date."""
    assert php.parse_folder(php_folder_vo(displayDT=None)).display_date is None


@pytest.mark.parametrize(
    ("child", "reason"),
    [
        ({"folderId": 1, "recordId": 2}, "FolderVO keys"),
        ({"foo": 1}, "neither a FolderVO nor a RecordVO"),
        ({"folderId": 1, "folder_linkId": 1}, "required key is missing"),
    ],
    ids=["both-key-sets", "no-key-set", "folder-without-child-items"],
)
def test_parse_folder_given_invalid_child_raises_validation_error(
    php_folder_vo: Factory, child: dict[str, object], reason: str
) -> None:
    """A child that is not exactly one complete VO fails the whole folder."""
    with pytest.raises(ValidationError, match=reason) as caught:
        php.parse_folder(php_folder_vo(children=[child]))
    assert caught.value.path.startswith("$.ChildItemVOs[0]")


def test_parse_folder_given_null_child_item_vos_raises_validation_error(
    php_folder_vo: Factory,
) -> None:
    """ChildItemVOs must be an array, never null."""
    with pytest.raises(ValidationError) as caught:
        php.parse_folder(php_folder_vo(ChildItemVOs=None))
    assert caught.value.path == "$.ChildItemVOs"


def test_parse_record_given_record_vo_returns_record_with_files(
    php_record_vo: Factory,
) -> None:
    """RecordVO and FileVO fields map onto ArchiveRecord and File."""
    record = php.parse_record(php_record_vo())
    assert (record.id, record.file_system_id) == (512, 7976)
    assert record.file_system_compatible_name == "face-in-clouds.gif"
    assert (record.type, record.status) == (RecordType.IMAGE, Status.OK)
    [file] = record.files
    assert (file.id, file.size, file.derivative_type) == (532, 349535, DerivativeType.ORIGINAL)
    assert (file.content_type, file.checksum) == ("image/gif", "3d05ff3d66c90ac4b37f1db1ad86f657")
    assert file.download_url.endswith("&dl=1")


@pytest.mark.parametrize(
    ("overrides", "attribute", "expected"),
    [
        ({"type": "type.record.web_archive"}, "type", RecordType.UNKNOWN),
        ({"status": "status.record.uploaded"}, "status", Status.UNDEFINED),
        ({"FileVOs": None}, "files", []),
    ],
    ids=["unknown-type", "unknown-status", "null-file-vos"],
)
def test_parse_record_given_free_value_maps_like_ts_converter(
    php_record_vo: Factory, overrides: dict[str, object], attribute: str, expected: object
) -> None:
    """Unknown type/status fall back like the TS converters, and null FileVOs is no files."""
    assert getattr(php.parse_record(php_record_vo(**overrides)), attribute) == expected


def test_parse_record_given_absent_file_vos_returns_no_files(php_record_vo: Factory) -> None:
    """An absent FileVOs key is no files."""
    vo = php_record_vo()
    del vo["FileVOs"]
    assert php.parse_record(vo).files == []


def test_parse_record_given_null_file_fields_returns_empty_strings(
    php_record_vo: Factory, php_file_vo: Factory
) -> None:
    """Null FileVO contentType, URLs and checksum become empty strings; odd formats UNKNOWN."""
    nulls = {"contentType": None, "fileURL": None, "downloadURL": None, "md5Checksum": None}
    vo = php_record_vo(FileVOs=[php_file_vo(format="file.format.archivematica.access", **nulls)])
    [file] = php.parse_record(vo).files
    assert (file.content_type, file.file_url, file.download_url, file.checksum) == ("",) * 4
    assert file.derivative_type is DerivativeType.UNKNOWN


@pytest.mark.parametrize("key", ["uploadFileName", "displayDT", "folder_linkId"], ids=lambda key: key)
def test_parse_record_given_missing_required_key_raises_validation_error(php_record_vo: Factory, key: str) -> None:
    """A RecordVO without a required key (even an unread one) is invalid."""
    vo = php_record_vo()
    del vo[key]
    with pytest.raises(ValidationError) as caught:
        php.parse_record(vo)
    assert caught.value.path == f"$.{key}"


def test_parse_share_link_given_integer_toggles_returns_booleans(
    php_share_link_vo: Factory,
) -> None:
    """ShareLinkVO 0/1/null toggles become booleans, null counts are None."""
    link = php.parse_share_link(php_share_link_vo(autoApproveToggle=1, uses=None))
    assert (link.id, link.shared_file_system_item_id) == (173, 8306)
    assert (link.auto_approve, link.show_preview, link.uses, link.max_uses) == (True, False, None, 0)
    assert link.default_access_role is AccessRole.VIEWER
    assert link.expires_at is None


def test_parse_share_link_given_unknown_role_and_expiry_maps_them(
    php_share_link_vo: Factory,
) -> None:
    """An unknown role is None and expiresDT is read as UTC."""
    vo = php_share_link_vo(defaultAccessRole="access.role.janitor", expiresDT="2022-01-01T00:00:00")
    link = php.parse_share_link(vo)
    assert link.default_access_role is None
    assert link.expires_at == datetime(2022, 1, 1, tzinfo=UTC)


def test_parse_presigned_post_given_s3_upload_vo_keeps_field_order() -> None:
    """The presigned fields keep the server's order."""
    fields = {"key": "k", "bucket": "b", "Policy": "p", "X-Amz-Signature": "s"}
    post = php.parse_presigned_post(
        {"destinationUrl": "https://b.s3/k", "presignedPost": {"url": "https://up", "fields": fields}}
    )
    assert list(post.fields) == ["key", "bucket", "Policy", "X-Amz-Signature"]
    assert (post.destination_url, post.url) == ("https://b.s3/k", "https://up")


def test_parse_presigned_post_given_missing_policy_raises_validation_error() -> None:
    """The Policy field is required."""
    with pytest.raises(ValidationError) as caught:
        php.parse_presigned_post(
            {
                "destinationUrl": "d",
                "presignedPost": {"url": "u", "fields": {"X-Amz-Signature": "s"}},
            }
        )
    assert caught.value.path == "$.presignedPost.fields.Policy"
