"""downloadName rules: the would-be name of an item and its " (n)" de-duplication (reference §10)."""

from __future__ import annotations

import re
from collections.abc import Collection

_SUFFIX = re.compile(r"^(?P<base>.*) \((?P<n>[1-9][0-9]*)\)$", re.DOTALL)


def split_extension(name: str) -> tuple[str, str]:
    """Split `name` at its last dot into (stem, extension); a leading or trailing dot is no extension."""
    dot = name.rfind(".")
    if dot <= 0 or dot == len(name) - 1:
        return name, ""
    return name[:dot], name[dot + 1 :]


def record_download_name(display_name: str, upload_file_name: str) -> str:
    """Return a record's unsuffixed downloadName: displayName plus the upload's extension, never doubled.

    The backend keeps `displayName` and takes the extension from `uploadFileName` (collisions.md); the
    SFTP service sends the basename as both, and expects it back unchanged as `downloadName`.
    """
    _, ext = split_extension(upload_file_name)
    if not ext or display_name.endswith("." + ext):
        return display_name
    return f"{display_name}.{ext}"


def suffix_base(name: str) -> tuple[str, str]:
    """Return (base, extension) of `name` with any trailing " (n)" removed from the stem."""
    stem, ext = split_extension(name)
    match = _SUFFIX.match(stem)
    return (match.group("base") if match else stem), ext


def deduplicate(wanted: str, taken: Collection[str]) -> str:
    """Return `wanted`, or the smallest "base (n).ext" not in `taken` (case-sensitive; increments, never nests)."""
    if wanted not in taken:
        return wanted
    base, ext = suffix_base(wanted)
    tail = f".{ext}" if ext else ""
    n = 1
    while f"{base} ({n}){tail}" in taken:
        n += 1
    return f"{base} ({n}){tail}"


def check_name(value: str) -> str | None:
    """Return why `value` is not a usable item name, or None when it is."""
    if not value or not value.strip():
        return "must not be empty"
    if "\x00" in value:
        return "must not contain NUL"
    if "/" in value:
        return "must not contain '/'"
    if len(value) > 255:
        return "must be at most 255 characters"
    return None
