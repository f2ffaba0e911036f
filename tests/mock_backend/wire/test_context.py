"""Tests of mock_backend.wire.context: signed file URLs and safe Content-Disposition values."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from mock_backend.config import Quirks
from mock_backend.wire.context import WireContext, content_disposition


def _context() -> WireContext:
    return WireContext(
        base_url="http://mock.test:8000",
        quirks=Quirks(),
        now=datetime(2024, 3, 1),
        url_expires=1_800_000_000,
        sign=lambda file_id, expires, disposition: f"sig-{file_id}-{expires}-{disposition is not None}",
    )


def test_file_url_without_name_has_signed_query() -> None:
    """A file URL points at /cdn/files/<id> with Expires, Signature and Key-Pair-Id, and no disposition."""
    url = urlsplit(_context().file_url(7))
    query = parse_qs(url.query)
    assert (url.netloc, url.path, query["Expires"], query["Signature"], "response-content-disposition" in query) == (
        "mock.test:8000",
        "/cdn/files/7",
        ["1800000000"],
        ["sig-7-1800000000-False"],
        False,
    )


def test_file_url_with_name_carries_attachment_disposition() -> None:
    """A download URL carries the attachment disposition of the name, signed with it."""
    query = parse_qs(urlsplit(_context().file_url(7, "notes.txt")).query)
    assert (query["response-content-disposition"], query["Signature"]) == (
        [content_disposition("notes.txt")],
        ["sig-7-1800000000-True"],
    )


@pytest.mark.parametrize(
    ("name", "fallback"),
    [
        ("notes.txt", "notes.txt"),
        ('say "hi".txt', "say _hi_.txt"),
        ("tab\there.txt", "tab_here.txt"),
        ("日本.txt", "__.txt"),
    ],
    ids=["plain", "quotes", "control", "non-ascii"],
)
def test_content_disposition_any_name_gives_safe_ascii_fallback(name: str, fallback: str) -> None:
    """The plain filename is printable ASCII without quotes; the exact name rides in filename*."""
    value = content_disposition(name)
    assert value.startswith(f"attachment; filename=\"{fallback}\"; filename*=UTF-8''")
    assert value.isascii()
