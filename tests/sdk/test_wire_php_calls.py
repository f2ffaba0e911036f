"""Tests of the PHP request builders in contracts.sdk.wire.php_calls."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from contracts.sdk.enums import AccessRole
from contracts.sdk.wire import php_calls


def test_headers_given_token_returns_the_three_php_headers() -> None:
    """Every PHP call carries the bearer token, Request-Version 2 and a JSON Content-Type."""
    assert php_calls.headers("tok") == {
        "Authorization": "Bearer tok",
        "Request-Version": "2",
        "Content-Type": "application/json",
    }


def test_headers_given_no_token_omits_authorization() -> None:
    """Without a token no Authorization header is sent."""
    assert "Authorization" not in php_calls.headers(None)


def test_folder_post_body_given_default_flag_sends_fail_on_duplicate_name() -> None:
    """folder/post always carries failOnDuplicateName, as SDK 0.10.1 does."""
    assert php_calls.folder_post_body("x", 3, False) == {
        "displayName": "x",
        "parentFolderId": 3,
        "failOnDuplicateName": False,
    }


@pytest.mark.parametrize(
    ("file_type", "expected_keys"),
    [
        (None, ["s3url", "displayName", "parentFolderId", "uploadFileName", "size"]),
        ("text/plain", ["s3url", "displayName", "parentFolderId", "uploadFileName", "fileType"]),
    ],
    ids=["without-file-type", "with-file-type"],
)
def test_register_record_body_given_file_type_includes_it_only_when_set(
    file_type: str | None, expected_keys: list[str]
) -> None:
    """registerRecord omits fileType when None and otherwise sends the observed key order."""
    body = php_calls.register_record_body(
        "https://b.s3/k",
        display_name="myFile",
        parent_folder_id=7,
        upload_file_name="myFile.txt",
        size=13,
        file_type=file_type,
        fail_on_duplicate_name=True,
    )
    assert list(body)[: len(expected_keys)] == expected_keys
    assert body["failOnDuplicateName"] is True
    assert ("fileType" in body) is (file_type is not None)


def test_generate_share_link_body_given_unset_options_omits_them() -> None:
    """Unset share-link options are omitted like undefined in JSON.stringify."""
    assert php_calls.generate_share_link_body(8306, None, False, None) == {
        "folderLinkId": 8306,
        "previewToggle": False,
    }


def test_update_share_link_body_given_all_options_matches_observed_body() -> None:
    """updateShareLink sends camel-case shareByUrlId and expiresDT as toISOString()."""
    body = php_calls.update_share_link_body(
        173,
        max_uses=10,
        show_preview=True,
        auto_approve=True,
        default_access_role=AccessRole.EDITOR,
        expires_at=datetime(2022, 1, 1, tzinfo=UTC),
    )
    assert body == {
        "shareByUrlId": 173,
        "maxUses": 10,
        "previewToggle": True,
        "autoApproveToggle": True,
        "defaultAccessRole": "access.role.editor",
        "expiresDT": "2022-01-01T00:00:00.000Z",
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (php_calls.archive_query(1), {"archiveId": "1"}),
        (php_calls.folder_query(7457, 1), {"folderId": "7457", "archiveId": "1"}),
        (php_calls.folder_query(9), {"folderId": "9"}),
        (php_calls.record_query(5, 1), {"recordId": "5", "archiveId": "1"}),
        (php_calls.record_query(5), {"recordId": "5"}),
    ],
    ids=["get-root", "get-with-children", "folder-delete", "record-get", "record-delete"],
)
def test_queries_given_ids_return_decimal_strings(query: dict[str, str], expected: dict[str, str]) -> None:
    """Query parameters are decimal strings, as URLSearchParams makes them."""
    assert query == expected
