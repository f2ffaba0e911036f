"""Tests of mock_backend.domain.filetypes: record and file types from extensions."""

from __future__ import annotations

import pytest

from mock_backend.domain import filetypes


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("photo.png", "type.record.image"),
        ("PHOTO.JPG", "type.record.image"),
        ("notes.txt", "type.record.document"),
        ("data.csv", "type.record.spreadsheet"),
        ("slides.pptx", "type.record.presentation"),
        ("scan.pdf", "type.record.pdf"),
        ("bundle.zip", "type.record.archive"),
        ("song.mp3", "type.record.audio"),
        ("movie.mp4", "type.record.video"),
        ("blob.xyz", "type.record.unknown"),
        ("README", "type.record.unknown"),
    ],
    ids=["png", "upper-case", "txt", "csv", "pptx", "pdf", "zip", "mp3", "mp4", "unknown-ext", "no-ext"],
)
def test_record_type_extension_picks_category(name: str, expected: str) -> None:
    """The record type is the category of the extension, case-insensitively, else unknown."""
    assert filetypes.record_type(name) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("photo.PNG", "type.file.image.png"),
        ("blob.xyz", "type.file.unknown.xyz"),
        ("README", "type.file.unknown.null"),
    ],
    ids=["known", "unknown-ext", "no-ext"],
)
def test_file_type_name_gives_category_and_extension(name: str, expected: str) -> None:
    """The file type is `type.file.<category>.<ext>`, with `null` for a name without extension."""
    assert filetypes.file_type(name) == expected


@pytest.mark.parametrize(
    ("name", "declared", "expected"),
    [
        ("notes.txt", "application/octet-stream", "text/plain"),
        ("blob.qqq", "application/x-custom", "application/x-custom"),
        ("blob.qqq", None, "application/octet-stream"),
    ],
    ids=["extension-wins", "declared-fallback", "default"],
)
def test_content_type_extension_then_declared_then_default(name: str, declared: str | None, expected: str) -> None:
    """The MIME type comes from the extension when known, else the declared type, else octet-stream."""
    assert filetypes.content_type(name, declared) == expected
