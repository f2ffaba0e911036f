"""Record and file types derived from a file's extension (functional-test supported_file_types.csv)."""

from __future__ import annotations

import mimetypes

from mock_backend.domain.naming import split_extension

_CATEGORIES: dict[str, tuple[str, ...]] = {
    "audio": ("wav", "m4a", "mp3", "ogg", "flac", "wma", "aac", "aiff"),
    "image": ("heif", "gif", "png", "tiff", "bmp", "heic", "jpg", "tif", "jpeg"),
    "document": ("html", "htm", "txt", "docx", "rtf", "eml", "odt", "doc"),
    "spreadsheet": ("xlsx", "csv", "ods", "xls"),
    "presentation": ("key", "pptx", "odp", "ppt"),
    "pdf": ("pdf",),
    "archive": ("zip",),
    "video": ("3gp", "webm", "mkv", "avi", "ogv", "m4v", "wmv", "mov", "mp4"),
}
_BY_EXTENSION = {ext: category for category, exts in _CATEGORIES.items() for ext in exts}


def category(file_name: str) -> str:
    """Return the category (image, document, …, or unknown) of a file name."""
    _, ext = split_extension(file_name)
    return _BY_EXTENSION.get(ext.lower(), "unknown")


def record_type(file_name: str) -> str:
    """Return the `type.record.*` value for a file name."""
    return f"type.record.{category(file_name)}"


def file_type(file_name: str) -> str:
    """Return the `type.file.<category>.<ext>` value for a file name (`type.file.unknown.null` without one)."""
    _, ext = split_extension(file_name)
    ext = ext.lower()  # split once: a listing asks this for every file it shows
    return f"type.file.{_BY_EXTENSION.get(ext, 'unknown')}.{ext or 'null'}"


def content_type(file_name: str, declared: str | None) -> str:
    """Return the MIME type: from the extension when known (as the backend does), else the declared one."""
    guessed, _ = mimetypes.guess_type(file_name, strict=False)
    return guessed or declared or "application/octet-stream"
