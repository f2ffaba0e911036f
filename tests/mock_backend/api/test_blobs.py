"""Tests of mock_backend.api.blobs: signed downloads (whole, ranged, tampered, expired), D7."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
import pytest

from mock_backend.domain import messages
from mock_backend.domain.clock import FrozenClock
from tests.conftest import Api, World, error_key, ok

#: Documents/large.bin: one mebibyte of the byte pattern 0..255.
LARGE = bytes(range(256)) * 4096


@pytest.fixture
def large(api: Api, world: World) -> dict[str, Any]:
    """Return the original FileVO of the seeded Documents/large.bin."""
    child = api.child(world.documents, world.demo_archive, "large.bin")
    record = ok(api.get("/api/record/get", recordId=child["recordId"], archiveId=world.demo_archive))
    return dict(record["FileVOs"][0])


def _with_query(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query.update(changes)
    return urlunsplit(parts._replace(query=urlencode(query)))


def test_download_whole_file_is_200_with_every_byte(api: Api, large: dict[str, Any]) -> None:
    """A download without Range answers 200 with the whole file and its length."""
    response = api.download(large["downloadURL"])
    assert (response.status_code, response.data == LARGE, response.headers["Content-Length"]) == (
        200,
        True,
        str(len(LARGE)),
    )


def test_download_needs_no_authorization(api: Api, large: dict[str, Any]) -> None:
    """Download URLs are capability URLs: no Authorization header is needed (sftp-service sends none)."""
    response = api.client.get(large["fileURL"])
    assert response.status_code == 200


def test_download_is_never_compressed(api: Api, large: dict[str, Any]) -> None:
    """Even when the client accepts gzip, the answer has no Content-Encoding."""
    response = api.download(large["downloadURL"], **{"Accept-Encoding": "gzip, deflate, br"})
    assert ("Content-Encoding" in response.headers, response.data == LARGE) == (False, True)


def test_download_url_sets_attachment_disposition(api: Api, large: dict[str, Any]) -> None:
    """downloadURL answers Content-Disposition: attachment with the downloadName."""
    response = api.download(large["downloadURL"])
    assert response.headers["Content-Disposition"].startswith('attachment; filename="large.bin"')


def test_download_file_url_serves_stored_content_type(api: Api, world: World) -> None:
    """A file is served with its stored MIME type (the PNG as image/png)."""
    blue = api.child(world.photos, world.demo_archive, "blue.png")
    record = ok(api.get("/api/record/get", recordId=blue["recordId"], archiveId=world.demo_archive))
    assert api.download(record["FileVOs"][0]["fileURL"]).mimetype == "image/png"


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [
        ("bytes=0-9", 0, 9),
        ("bytes=1000-1000", 1000, 1000),
        ("bytes=32768-65535", 32768, 65535),
        ("bytes=1048000-", 1048000, len(LARGE) - 1),
        ("bytes=1048000-9999999", 1048000, len(LARGE) - 1),
        ("bytes=-16", len(LARGE) - 16, len(LARGE) - 1),
    ],
    ids=["first-ten", "one-byte", "sftp-read", "open-end", "end-clamped", "suffix"],
)
def test_download_range_is_206_with_exact_slice(
    api: Api, large: dict[str, Any], header: str, start: int, end: int
) -> None:
    """A satisfiable Range answers 206 with exactly that slice (end clamped) and its Content-Range."""
    response = api.download(large["downloadURL"], Range=header)
    assert (response.status_code, response.data == LARGE[start : end + 1], response.headers["Content-Range"]) == (
        206,
        True,
        f"bytes {start}-{end}/{len(LARGE)}",
    )


@pytest.mark.parametrize("header", ["bytes=1048576-", "bytes=2000000-2000010"], ids=["at-eof", "past-eof"])
def test_download_unsatisfiable_range_is_416(api: Api, large: dict[str, Any], header: str) -> None:
    """A Range starting at or after the end answers 416 error.file.range_not_satisfiable."""
    response = api.download(large["downloadURL"], Range=header)
    assert (response.status_code, error_key(response)) == (416, messages.RANGE_NOT_SATISFIABLE)


def test_download_head_answers_headers_without_body(api: Api, large: dict[str, Any]) -> None:
    """HEAD answers 200 with the length of the file and no body."""
    response = api.client.head(large["downloadURL"])
    assert (response.status_code, response.headers["Content-Length"], response.data) == (
        200,
        str(len(LARGE)),
        b"",
    )


@pytest.mark.parametrize(
    "change",
    [
        {"Signature": "AAAA"},
        {"Expires": "9999999999"},
        {"response-content-disposition": 'attachment; filename="other.bin"'},
    ],
    ids=["signature", "expiry", "disposition"],
)
def test_download_tampered_url_is_file_signature(api: Api, large: dict[str, Any], change: dict[str, str]) -> None:
    """Changing the signature or any signed parameter answers 403 error.file.signature."""
    response = api.download(_with_query(large["downloadURL"], **change))
    assert (response.status_code, error_key(response)) == (403, messages.FILE_SIGNATURE)


def test_download_url_of_other_file_is_file_signature(api: Api, large: dict[str, Any]) -> None:
    """A signature is bound to its file: moving it to another fileId answers 403 error.file.signature."""
    parts = urlsplit(large["fileURL"])
    other = urlunsplit(parts._replace(path=f"/cdn/files/{large['fileId'] + 1}"))
    response = api.download(other)
    assert (response.status_code, error_key(response)) == (403, messages.FILE_SIGNATURE)


def test_download_expired_url_is_file_expired(api: Api, large: dict[str, Any], clock: FrozenClock) -> None:
    """A URL used after download_url_ttl (7 days) answers 403 error.file.expired."""
    clock.advance(7 * 24 * 3600)
    response = api.download(large["downloadURL"])
    assert (response.status_code, error_key(response)) == (403, messages.FILE_EXPIRED)


def test_download_url_just_before_expiry_works(api: Api, large: dict[str, Any], clock: FrozenClock) -> None:
    """A URL one second short of download_url_ttl still serves the file."""
    clock.advance(7 * 24 * 3600 - 1)
    assert api.download(large["downloadURL"]).status_code == 200


def test_download_range_through_waitress_is_exact_slice(api: Api, world: World, http: httpx.Client) -> None:
    """Over real HTTP (waitress), a Range past EOF answers 206 with exactly the clamped slice."""
    child = api.child(world.documents, world.demo_archive, "large.bin")
    headers = api.headers()
    record = http.get(
        "/api/record/get", params={"recordId": child["recordId"], "archiveId": world.demo_archive}, headers=headers
    ).json()
    response = http.get(record["FileVOs"][0]["downloadURL"], headers={"Range": "bytes=1040000-1100000"})
    assert (response.status_code, response.content == LARGE[1040000:], "content-encoding" in response.headers) == (
        206,
        True,
        False,
    )


def test_download_whole_file_through_waitress_has_every_byte(api: Api, world: World, http: httpx.Client) -> None:
    """Over real HTTP (waitress), a plain GET serves the whole file uncompressed."""
    child = api.child(world.documents, world.demo_archive, "large.bin")
    record = http.get(
        "/api/record/get",
        params={"recordId": child["recordId"], "archiveId": world.demo_archive},
        headers=api.headers(),
    ).json()
    response = http.get(record["FileVOs"][0]["downloadURL"], headers={"Accept-Encoding": "gzip"})
    assert (response.status_code, response.content == LARGE) == (200, True)
