"""Payload factories shaped like the reference fixtures (PHP VOs, Stela items) for SDK tests."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

Payload = dict[str, Any]
Factory = Callable[..., Payload]

PHP_DT = "2023-03-09T17:33:09"
STELA_TS = "2025-03-12T14:32:10.000Z"


@pytest.fixture
def php_file_vo() -> Factory:
    """Build a FileVO like getRecordVo/recordVo.json's original file."""

    def build(**overrides: Any) -> Payload:
        return {
            "fileId": 532,
            "size": 349535,
            "format": "file.format.original",
            "contentType": "image/gif",
            "md5Checksum": "3d05ff3d66c90ac4b37f1db1ad86f657",
            "fileURL": "https://cdn.test/532?Expires=1&Signature=s&Key-Pair-Id=k",
            "downloadURL": "https://cdn.test/532?Expires=1&Signature=s&Key-Pair-Id=k&dl=1",
            "createdDT": PHP_DT,
            "updatedDT": PHP_DT,
            **overrides,
        }

    return build


@pytest.fixture
def php_record_vo(php_file_vo: Factory) -> Factory:
    """Build a RecordVO like getRecordVo/recordVo.json."""

    def build(**overrides: Any) -> Payload:
        return {
            "recordId": 512,
            "folder_linkId": 7976,
            "archiveNbr": "0001-0006",
            "displayName": "face-in-clouds",
            "uploadFileName": "face-in-clouds.gif",
            "downloadName": "face-in-clouds.gif",
            "type": "type.record.image",
            "status": "status.generic.ok",
            "displayDT": PHP_DT,
            "FileVOs": [php_file_vo()],
            "createdDT": PHP_DT,
            "updatedDT": PHP_DT,
            **overrides,
        }

    return build


@pytest.fixture
def php_folder_vo() -> Factory:
    """Build a FolderVO like getFolder/folder.json (children via the `children` keyword)."""

    def build(children: list[Payload] | None = None, **overrides: Any) -> Payload:
        return {
            "folderId": 7457,
            "folder_linkId": 7975,
            "archiveNbr": "0001-0007",
            "displayName": "testing",
            "downloadName": "testing",
            "type": "type.folder.private",
            "displayDT": PHP_DT,
            "ChildItemVOs": children or [],
            "createdDT": PHP_DT,
            "updatedDT": PHP_DT,
            **overrides,
        }

    return build


@pytest.fixture
def php_share_link_vo() -> Factory:
    """Build a ShareLinkVO like createShareLink/shareLinkVo.json."""

    def build(**overrides: Any) -> Payload:
        return {
            "shareby_urlId": 173,
            "folder_linkId": 8306,
            "status": "status.generic.ok",
            "urlToken": "b6b457c4a805",
            "shareUrl": "https://local.permanent.org/share/b6b457c4a805",
            "uses": 0,
            "maxUses": 0,
            "autoApproveToggle": None,
            "previewToggle": 0,
            "defaultAccessRole": "access.role.viewer",
            "expiresDT": None,
            "byAccountId": 1770,
            "byArchiveId": 1765,
            "createdDT": "2024-01-31T23:41:54",
            "updatedDT": "2024-01-31T23:41:54",
            **overrides,
        }

    return build


@pytest.fixture
def stela_folder() -> Factory:
    """Build a StelaFolder like stelaFolder.json (string ids, pretty enums)."""

    def build(**overrides: Any) -> Payload:
        return {
            "folderId": "189434",
            "folderLinkId": "1575054",
            "archiveId": "1",
            "size": 65750943,
            "displayName": "garf",
            "downloadName": "garf",
            "createdAt": STELA_TS,
            "updatedAt": "2025-03-12T14:38:26.000Z",
            "displayTimestamp": "2025-03-12T14:34:17.000Z",
            "type": "private",
            "status": "ok",
            "sort": "alphabetical-ascending",
            "view": "grid",
            "parentFolder": {"id": "65405"},
            **overrides,
        }

    return build


@pytest.fixture
def stela_file() -> Factory:
    """Build a StelaFile with all eight fields."""

    def build(**overrides: Any) -> Payload:
        return {
            "fileId": "2933974",
            "size": 31839,
            "format": "file.format.original",
            "type": "type.file.image.png",
            "fileUrl": "https://cdn.test/originals/2933974?Signature=s",
            "downloadUrl": "https://cdn.test/originals/2933974?Signature=s&dl=1",
            "createdAt": "2025-03-12T14:34:31.000Z",
            "updatedAt": "2025-03-12T14:34:36.000Z",
            **overrides,
        }

    return build


@pytest.fixture
def stela_record(stela_file: Factory) -> Factory:
    """Build a StelaRecord like stelaChildrenPageTwo.json's record."""

    def build(**overrides: Any) -> Payload:
        return {
            "recordId": "1608696",
            "folderLinkId": "1575056",
            "archiveId": "1",
            "displayName": "1077307180836982824",
            "downloadName": "1077307180836982824.png",
            "displayDate": "2025-03-12T14:34:18.000Z",
            "type": "type.record.image",
            "status": "status.generic.ok",
            "size": 31839,
            "files": [stela_file()],
            "createdAt": "2025-03-12T14:34:18.000Z",
            "updatedAt": None,
            "itemType": "record",
            **overrides,
        }

    return build
