"""Tests of the Stela item parsers in contracts.sdk.wire.stela."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from contracts.sdk.enums import DerivativeType, RecordType, Status
from contracts.sdk.errors import ValidationError
from contracts.sdk.wire import stela

Factory = Callable[..., dict[str, Any]]


def test_parse_folders_given_string_ids_coerces_them_to_int(stela_folder: Factory) -> None:
    """Stela string ids become ints, and the other StelaFolder fields map onto Folder."""
    [folder] = stela.parse_folders({"items": [stela_folder()]})
    assert (folder.id, folder.file_system_id, folder.size) == (189434, 1575054, 65750943)
    assert (folder.name, folder.file_system_compatible_name) == ("garf", "garf")
    assert folder.display_date == datetime(2025, 3, 12, 14, 34, 17, tzinfo=UTC)
    assert (folder.folders, folder.archive_records) == ([], [])


def test_parse_folders_given_null_size_and_timestamp_returns_defaults(
    stela_folder: Factory,
) -> None:
    """A null size is 0 and a null displayTimestamp is no display date."""
    [folder] = stela.parse_folders({"items": [stela_folder(size=None, displayTimestamp=None)]})
    assert (folder.size, folder.display_date) == (0, None)


def test_parse_folders_given_empty_items_returns_empty_list() -> None:
    """`{"items": []}` parses to no folders (the client turns that into FolderNotFound)."""
    assert stela.parse_folders({"items": []}) == []


def test_parse_children_page_given_mixed_items_splits_them(stela_folder: Factory, stela_record: Factory) -> None:
    """Children are split into folders and records; the cursor is kept as a string."""
    page = stela.parse_children_page(
        {
            "items": [stela_record(), stela_folder(folderId="189455", itemType="folder")],
            "pagination": {"nextCursor": "1575056", "nextPage": "https://x", "totalPages": 2},
        }
    )
    assert [f.id for f in page.folders] == [189455]
    assert [r.id for r in page.archive_records] == [1608696]
    assert (page.item_count, page.next_cursor) == (2, "1575056")


def test_parse_children_page_given_record_maps_like_ts_converter(stela_record: Factory) -> None:
    """A null updatedAt falls back to createdAt; file type becomes the content type."""
    page = stela.parse_children_page({"items": [stela_record()], "pagination": {"totalPages": 1}})
    [record] = page.archive_records
    assert (record.type, record.status) == (RecordType.IMAGE, Status.OK)
    assert record.updated_at == record.created_at
    [file] = record.files
    assert (file.id, file.derivative_type) == (2933974, DerivativeType.ORIGINAL)
    assert (file.content_type, file.checksum) == ("type.file.image.png", "")


def test_parse_children_page_given_empty_page_without_cursor_returns_none_cursor() -> None:
    """The empty-page quirk (no nextCursor/nextPage) parses with no cursor."""
    page = stela.parse_children_page({"items": [], "pagination": {"totalPages": 0}})
    assert (page.item_count, page.next_cursor) == (0, None)


def test_parse_children_page_given_integer_cursor_returns_string_cursor() -> None:
    """A numeric nextCursor is turned into its decimal string."""
    page = stela.parse_children_page({"items": [], "pagination": {"nextCursor": 12}})
    assert page.next_cursor == "12"


def test_parse_children_page_given_no_pagination_raises_validation_error() -> None:
    """The pagination object is required, as SDK 0.10.1 reads it."""
    with pytest.raises(ValidationError) as caught:
        stela.parse_children_page({"items": []})
    assert caught.value.path == "$.pagination"


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"folderId": "1"}, "both"),
        ({"itemType": "folder"}, "contradicts"),
        ({"files": None}, "expected an array"),
        ({"files": [{"fileId": "1"}]}, "required key is missing"),
    ],
    ids=["both-key-sets", "item-type-contradicts", "null-files", "incomplete-file"],
)
def test_parse_children_page_given_invalid_record_raises_validation_error(
    stela_record: Factory, overrides: dict[str, object], reason: str
) -> None:
    """A child with mixed keys, a wrong itemType or bad files fails the page."""
    with pytest.raises(ValidationError, match=reason) as caught:
        stela.parse_children_page({"items": [stela_record(**overrides)], "pagination": {}})
    assert caught.value.path.startswith("$.items[0]")


def test_parse_children_page_given_keyless_child_raises_validation_error() -> None:
    """A child that is neither folder nor record fails the page."""
    with pytest.raises(ValidationError, match="neither"):
        stela.parse_children_page({"items": [{"foo": 1}], "pagination": {}})


@pytest.mark.parametrize(
    ("cursor", "expected"),
    [(None, {"pageSize": "100"}), ("1575064", {"pageSize": "100", "cursor": "1575064"})],
    ids=["first-page", "next-page"],
)
def test_children_query_given_cursor_sends_it_only_when_set(cursor: str | None, expected: dict[str, str]) -> None:
    """The first page has no cursor parameter."""
    assert stela.children_query(100, cursor) == expected


#: A share link as real Stela's tests show it (stela share_link/controller.test.ts at 3ee7ab2).
STELA_SHARE_LINK: dict[str, Any] = {
    "id": "1000",
    "itemId": "6",
    "itemType": "record",
    "token": "e969f9dc-42b5-45c0-a496-1dcff2ca11f5",
    "permissionsLevel": "viewer",
    "accessRestrictions": "none",
    "maxUses": None,
    "usesExpended": None,
    "expirationTimestamp": None,
    "creatorAccount": {"id": "2", "name": "Jack Rando"},
    "createdAt": "2024-01-01T00:00:00.000Z",
    "updatedAt": "2024-01-01T00:00:00.000Z",
}


def test_parse_share_link_data_given_stela_link_returns_it_with_int_ids() -> None:
    """POST/PATCH's `{"data": ShareLink}` becomes a StelaShareLink; string ids become ints, nulls None."""
    link = stela.parse_share_link_data({"data": STELA_SHARE_LINK})
    got = (link.id, link.item_id, link.creator_account_id, link.max_uses, link.uses_expended, link.expires_at)
    assert got == (1000, 6, 2, None, None, None)


def test_parse_share_link_page_given_string_counts_reads_numbers() -> None:
    """The lists answer bigint counts as strings (node-postgres); the SDK reads them as integers."""
    item = {**STELA_SHARE_LINK, "maxUses": "5", "usesExpended": "2"}
    page = stela.parse_share_link_page({"items": [item], "pagination": {"nextCursor": "1000", "totalPages": 1}})
    [link] = page.share_links
    assert (link.max_uses, link.uses_expended, page.next_cursor, page.total_pages) == (5, 2, "1000", 1)


def test_parse_records_given_object_raises_validation_error(stela_record: Factory) -> None:
    """GET /record answers a bare array; an `{items}` wrapper is a validation error."""
    with pytest.raises(ValidationError):
        stela.parse_records({"items": [stela_record()]})


def test_update_share_link_body_given_clears_sends_nulls() -> None:
    """Cleared fields are sent as null, unset ones not at all."""
    body = stela.update_share_link_body(
        access_restrictions="account",
        permissions_level=None,
        max_uses=None,
        expires_at=None,
        clear_max_uses=True,
        clear_expiry=True,
    )
    assert body == {"accessRestrictions": "account", "maxUses": None, "expirationTimestamp": None}
