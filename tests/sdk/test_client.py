"""Tests of PermanentClient operations against an httpx.MockTransport fake server."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path
from typing import Any

import httpx
import pytest

from contracts.sdk import (
    AccessRole,
    FolderNotFound,
    Forbidden,
    NotFound,
    PermanentClient,
    RangeNotSatisfiable,
    UnexpectedStatus,
    ValidationError,
)
from contracts.sdk.multipart import CHUNK_SIZE

Factory = Callable[..., dict[str, Any]]
Answer = Callable[[httpx.Request], httpx.Response]

API = "https://permanent.local/api"
STELA = "https://api.permanent.local/api/v2"
UPLOAD_URL = "https://uploads.test/s3/bucket"
ACCOUNT_VO = {
    "accountId": 2,
    "allowSftpDeletion": False,
    "createdDT": "2023-03-09T17:33:09",
    "updatedDT": "2023-03-09T17:33:09",
}
ARCHIVE_VO = {
    "archiveId": 1,
    "archiveNbr": "0001-0000",
    "fullName": "dan",
    "createdDT": "2022-06-23T18:33:43",
    "updatedDT": "2022-06-23T18:33:43",
}
S3_UPLOAD_VO = {
    "destinationUrl": "https://bucket.s3.amazonaws.com/env/unprocessed/1",
    "presignedPost": {
        "url": UPLOAD_URL,
        "fields": {"key": "env/unprocessed/1", "bucket": "bucket", "Policy": "p", "X-Amz-Signature": "s"},
    },
}


def reply(status: int = 200, body: object = None, content: bytes | None = None) -> Answer:
    """An answer building a fresh response (JSON body, raw content, or empty)."""

    def answer(request: httpx.Request) -> httpx.Response:
        if content is not None or body is None:
            return httpx.Response(status, content=content or b"")
        return httpx.Response(status, json=body)

    return answer


class FakeServer:
    """Routes (method, path) to queued answers (the last one repeats) and records requests."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], list[Answer]] = {}
        self.requests: list[httpx.Request] = []

    def on(self, method: str, path: str, *answers: Answer) -> None:
        """Serve the answers, in order, for the route."""
        self.routes[(method, path)] = list(answers)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answers = self.routes.get((request.method, request.url.path))
        if not answers:
            return httpx.Response(404, json={"message": "error.api.not_found"})
        return (answers.pop(0) if len(answers) > 1 else answers[0])(request)

    def sent(self, path: str) -> list[httpx.Request]:
        """The requests made to a path."""
        return [request for request in self.requests if request.url.path == path]


def stela_page(items: list[dict[str, Any]], cursor: str | None = None) -> dict[str, Any]:
    """A children page; without a cursor it has the empty-page quirk's pagination."""
    pagination: dict[str, Any] = {"totalPages": 2}
    if cursor is not None:
        pagination |= {"nextCursor": cursor, "nextPage": f"https://x?cursor={cursor}"}
    return {"items": items, "pagination": pagination}


@pytest.fixture
def server(
    php_folder_vo: Factory,
    php_record_vo: Factory,
    php_share_link_vo: Factory,
    stela_folder: Factory,
) -> FakeServer:
    """A fake server answering every SDK route with a valid payload."""
    fake = FakeServer()
    root_children = [
        php_folder_vo(folderId=2, folder_linkId=2, displayName="Apps", downloadName="Apps"),
        php_folder_vo(folderId=3, folder_linkId=3, displayName="My Files", downloadName="My Files"),
        php_record_vo(),
    ]
    fake.on("GET", "/api/account/getAuthenticatedAccount", reply(body=ACCOUNT_VO))
    fake.on("GET", "/api/archive/getAllArchives", reply(body=[ARCHIVE_VO]))
    fake.on("GET", "/api/folder/getRoot", reply(body=php_folder_vo(children=root_children)))
    fake.on("GET", "/api/folder/getWithChildren", reply(body=php_folder_vo()))
    fake.on("POST", "/api/folder/post", reply(body=php_folder_vo()))
    fake.on("DELETE", "/api/folder/delete", reply())
    fake.on("GET", "/api/record/get", reply(body=php_record_vo()))
    fake.on("POST", "/api/record/getPresignedUrl", reply(body=S3_UPLOAD_VO))
    fake.on("POST", "/s3/bucket", reply(204))
    fake.on("POST", "/api/record/registerRecord", reply(body=php_record_vo()))
    fake.on("DELETE", "/api/record/delete", reply())
    fake.on("POST", "/api/share/generateShareLink", reply(body=php_share_link_vo()))
    fake.on("POST", "/api/share/updateShareLink", reply(body=php_share_link_vo()))
    fake.on("GET", "/api/v2/folder", reply(body={"items": [stela_folder()]}))
    fake.on("GET", "/api/v2/folder/189434/children", reply(body=stela_page([])))
    return fake


@pytest.fixture
def client(server: FakeServer) -> Iterator[PermanentClient]:
    """A client on the fake server with a static token."""
    with PermanentClient(API, STELA, token="tok", transport=httpx.MockTransport(server)) as sdk:
        yield sdk


def _records(stela_record: Factory, first: int, count: int) -> list[dict[str, Any]]:
    """`count` Stela records with distinct ids starting at `first`."""
    return [
        stela_record(recordId=str(n), folderLinkId=str(n), downloadName=f"{n}.png") for n in range(first, first + count)
    ]


@pytest.mark.parametrize(
    ("call", "path"),
    [
        (lambda sdk: sdk.get_authenticated_account(), "/api/account/getAuthenticatedAccount"),
        (lambda sdk: sdk.create_folder("x", 3), "/api/folder/post"),
        (lambda sdk: sdk.delete_folder(9), "/api/folder/delete"),
        (lambda sdk: sdk.get_folder(189434), "/api/v2/folder"),
        (lambda sdk: sdk.get_folder(189434), "/api/v2/folder/189434/children"),
    ],
    ids=["php-get", "php-post", "php-delete", "stela-folder", "stela-children"],
)
def test_calls_given_token_send_bearer_request_version_and_json_content_type(
    client: PermanentClient,
    server: FakeServer,
    call: Callable[[PermanentClient], object],
    path: str,
) -> None:
    """PHP and Stela calls carry Authorization, Request-Version 2 and JSON Content-Type."""
    call(client)
    [request] = server.sent(path)
    assert request.headers["Authorization"] == "Bearer tok"
    assert request.headers["Request-Version"] == "2"
    assert request.headers["Content-Type"] == "application/json"


def test_get_archives_given_array_returns_archives(client: PermanentClient) -> None:
    """getAllArchives maps to Archive models."""
    assert [(a.id, a.slug) for a in client.get_archives()] == [(1, "0001-0000")]


def test_get_archive_folders_given_root_returns_folder_children_only(
    client: PermanentClient, server: FakeServer
) -> None:
    """getRoot's record children are ignored, and archiveId is sent in the query."""
    folders = client.get_archive_folders(1)
    assert [folder.name for folder in folders] == ["Apps", "My Files"]
    assert server.sent("/api/folder/getRoot")[0].url.params["archiveId"] == "1"


def test_get_folder_given_small_folder_returns_folder_with_children(
    client: PermanentClient, server: FakeServer, stela_folder: Factory, stela_record: Factory
) -> None:
    """The Stela folder and its single page of children make one Folder."""
    child = stela_folder(folderId="5", folderLinkId="6", itemType="folder")
    server.on("GET", "/api/v2/folder/189434/children", reply(body=stela_page([stela_record(), child])))
    folder = client.get_folder(189434)
    assert (folder.id, folder.file_system_id) == (189434, 1575054)
    assert [f.id for f in folder.folders] == [5]
    assert [r.id for r in folder.archive_records] == [1608696]
    [lookup] = server.sent("/api/v2/folder")
    assert lookup.url.params.get_list("folderIds[]") == ["189434"]
    assert b"folderIds%5B%5D=189434" in lookup.url.query
    [children] = server.sent("/api/v2/folder/189434/children")
    assert dict(children.url.params) == {"pageSize": "100"}


def test_get_folder_given_full_page_follows_next_cursor_until_short_page(
    client: PermanentClient, server: FakeServer, stela_record: Factory
) -> None:
    """A page of exactly 100 items leads to the next page with its cursor; a short one ends."""
    server.on(
        "GET",
        "/api/v2/folder/189434/children",
        reply(body=stela_page(_records(stela_record, 1, 100), cursor="100")),
        reply(body=stela_page(_records(stela_record, 101, 3), cursor="103")),
    )
    folder = client.get_folder(189434)
    assert len(folder.archive_records) == 103
    pages = server.sent("/api/v2/folder/189434/children")
    assert [request.url.params.get("cursor") for request in pages] == [None, "100"]


def test_get_folder_given_full_page_then_empty_page_without_cursor_stops(
    client: PermanentClient, server: FakeServer, stela_record: Factory
) -> None:
    """After a final full page, the empty page without nextCursor ends the listing."""
    server.on(
        "GET",
        "/api/v2/folder/189434/children",
        reply(body=stela_page(_records(stela_record, 1, 100), cursor="100")),
        reply(body=stela_page([])),
    )
    assert len(client.get_folder(189434).archive_records) == 100
    assert len(server.sent("/api/v2/folder/189434/children")) == 2


def test_get_folder_given_empty_page_without_cursor_returns_empty_folder(
    client: PermanentClient, server: FakeServer
) -> None:
    """An empty folder's page (quirk: no nextCursor) gives no children after one request."""
    folder = client.get_folder(189434)
    assert (folder.folders, folder.archive_records) == ([], [])
    assert len(server.sent("/api/v2/folder/189434/children")) == 1


def test_get_folder_given_short_page_with_cursor_stops(
    client: PermanentClient, server: FakeServer, stela_record: Factory
) -> None:
    """A page of fewer than 100 items ends paging even when it carries a nextCursor."""
    page = stela_page(_records(stela_record, 1, 99), cursor="99")
    server.on("GET", "/api/v2/folder/189434/children", reply(body=page))
    assert len(client.get_folder(189434).archive_records) == 99
    assert len(server.sent("/api/v2/folder/189434/children")) == 1


@pytest.mark.parametrize(
    ("cursors", "reason"),
    [((None,), "is missing"), (("100", "100"), "repeats")],
    ids=["missing-cursor", "repeated-cursor"],
)
def test_get_folder_given_full_page_with_bad_cursor_raises_validation_error(
    client: PermanentClient,
    server: FakeServer,
    stela_record: Factory,
    cursors: tuple[str | None, ...],
    reason: str,
) -> None:
    """A full page without a usable cursor fails instead of paging forever."""
    pages = [reply(body=stela_page(_records(stela_record, 1, 100), cursor=c)) for c in cursors]
    server.on("GET", "/api/v2/folder/189434/children", *pages)
    with pytest.raises(ValidationError, match=reason) as caught:
        client.get_folder(189434)
    assert caught.value.path == "$.pagination.nextCursor"
    assert caught.value.response is not None


def test_get_folder_given_empty_items_raises_folder_not_found(client: PermanentClient, server: FakeServer) -> None:
    """Stela's `{"items": []}` raises FolderNotFound with the response and no children call."""
    server.on("GET", "/api/v2/folder", reply(body={"items": []}))
    with pytest.raises(FolderNotFound) as caught:
        client.get_folder(404404)
    assert caught.value.folder_id == 404404
    assert caught.value.response.status_code == 200
    assert server.sent("/api/v2/folder/404404/children") == []


def test_get_folder_given_stela_error_object_raises_not_found_with_message(
    client: PermanentClient, server: FakeServer
) -> None:
    """A Stela `{"error": {"message": ...}}` answer surfaces its message as the key."""
    error = {"error": {"message": "Folder not found"}}
    server.on("GET", "/api/v2/folder/189434/children", reply(404, body=error))
    with pytest.raises(NotFound) as caught:
        client.get_folder(189434)
    assert (caught.value.status, caught.value.message_key) == (404, "Folder not found")


def test_get_folder_with_children_given_unknown_folder_raises_not_found(
    client: PermanentClient, server: FakeServer
) -> None:
    """A PHP 404 raises NotFound with the message key and detail."""
    body = {"message": "error.folder.lookup", "detail": "No such folder."}
    server.on("GET", "/api/folder/getWithChildren", reply(404, body=body))
    with pytest.raises(NotFound) as caught:
        client.get_folder_with_children(7457, 1)
    assert (caught.value.status, caught.value.message_key) == (404, "error.folder.lookup")
    assert caught.value.detail == "No such folder."


@pytest.mark.parametrize("status", [302, 418], ids=["redirect", "teapot"])
def test_call_given_undocumented_status_raises_unexpected_status(
    client: PermanentClient, server: FakeServer, status: int
) -> None:
    """An undocumented status is never taken for success."""
    server.on("GET", "/api/archive/getAllArchives", reply(status, body={"message": "odd"}))
    with pytest.raises(UnexpectedStatus) as caught:
        client.get_archives()
    assert (caught.value.status, caught.value.message_key) == (status, "odd")


@pytest.mark.parametrize(
    "answer",
    [
        reply(body={"Results": [{"data": [{"RecordVO": {}}]}], "isSuccessful": True}),
        reply(content=b"<html>ok</html>"),
    ],
    ids=["v1-envelope", "not-json"],
)
def test_call_given_unexpected_success_body_raises_validation_error(
    client: PermanentClient, server: FakeServer, answer: Answer
) -> None:
    """A 200 that is a v1 envelope or not JSON raises ValidationError keeping the response."""
    server.on("GET", "/api/record/get", answer)
    with pytest.raises(ValidationError) as caught:
        client.get_archive_record(512, 1)
    assert caught.value.response is not None
    assert caught.value.response.status_code == 200


def test_get_archive_record_given_ids_sends_them_as_query(client: PermanentClient, server: FakeServer) -> None:
    """record/get carries recordId and archiveId."""
    assert client.get_archive_record(512, 1).id == 512
    assert dict(server.sent("/api/record/get")[0].url.params) == {"recordId": "512", "archiveId": "1"}


def test_create_folder_given_name_posts_observed_body(client: PermanentClient, server: FakeServer) -> None:
    """folder/post gets displayName, parentFolderId and failOnDuplicateName."""
    client.create_folder("testFolder", 3, fail_on_duplicate_name=True)
    [request] = server.sent("/api/folder/post")
    assert json.loads(request.content) == {
        "displayName": "testFolder",
        "parentFolderId": 3,
        "failOnDuplicateName": True,
    }


@pytest.mark.parametrize(
    ("call", "path", "query"),
    [
        (lambda sdk: sdk.delete_folder(9), "/api/folder/delete", {"folderId": "9"}),
        (lambda sdk: sdk.delete_archive_record(5), "/api/record/delete", {"recordId": "5"}),
    ],
    ids=["folder", "record"],
)
def test_delete_given_empty_answer_sends_query_without_body(
    client: PermanentClient,
    server: FakeServer,
    call: Callable[[PermanentClient], object],
    path: str,
    query: dict[str, str],
) -> None:
    """Deletes send only the id in the query and accept an empty 200."""
    assert call(client) is None
    [request] = server.sent(path)
    assert (request.method, dict(request.url.params), request.content) == ("DELETE", query, b"")


def test_create_archive_record_given_upload_posts_register_body(client: PermanentClient, server: FakeServer) -> None:
    """registerRecord gets s3url and the record fields, without fileType when unset."""
    record = client.create_archive_record(
        "https://b.s3/k",
        display_name="test",
        parent_folder_id=7,
        upload_file_name="test.txt",
        size=13,
    )
    assert record.id == 512
    assert json.loads(server.sent("/api/record/registerRecord")[0].content) == {
        "s3url": "https://b.s3/k",
        "displayName": "test",
        "parentFolderId": 7,
        "uploadFileName": "test.txt",
        "size": 13,
        "failOnDuplicateName": False,
    }


def _parts(request: httpx.Request) -> list[tuple[str, bytes]]:
    """Parse a multipart request body into (name, payload) pairs."""
    head = f"Content-Type: {request.headers['Content-Type']}\r\n\r\n".encode()
    message = BytesParser(policy=HTTP).parsebytes(head + request.content)
    parts: list[tuple[str, bytes]] = []
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True)
        assert isinstance(name, str)
        assert isinstance(payload, bytes)
        parts.append((name, payload))
    return parts


def test_upload_file_given_bytes_posts_fields_then_content_type_then_file(
    client: PermanentClient, server: FakeServer
) -> None:
    """The presigned POST has the fields in order, Content-Type, then the file last."""
    url = client.upload_file(b"hello world!", name="myFile.txt", parent_folder_id=7, content_type="text/plain")
    assert url == "https://bucket.s3.amazonaws.com/env/unprocessed/1"
    assert json.loads(server.sent("/api/record/getPresignedUrl")[0].content) == {
        "displayName": "myFile.txt",
        "parentFolderId": 7,
        "uploadFileName": "myFile.txt",
        "fileType": "text/plain",
        "size": 12,
    }
    [upload] = server.sent("/s3/bucket")
    assert _parts(upload) == [
        ("key", b"env/unprocessed/1"),
        ("bucket", b"bucket"),
        ("Policy", b"p"),
        ("X-Amz-Signature", b"s"),
        ("Content-Type", b"text/plain"),
        ("file", b"hello world!"),
    ]


def test_upload_file_given_presigned_post_sends_no_api_headers_and_a_length(
    client: PermanentClient, server: FakeServer
) -> None:
    """The upload carries no bearer token or Request-Version and is not chunked."""
    client.upload_file(b"", name="empty.bin", parent_folder_id=7)
    [upload] = server.sent("/s3/bucket")
    assert "Authorization" not in upload.headers
    assert "Request-Version" not in upload.headers
    assert "Transfer-Encoding" not in upload.headers
    assert int(upload.headers["Content-Length"]) == len(upload.content)


class PatternStream(io.RawIOBase):
    """A generated read-only stream of `size` bytes that counts what was read."""

    def __init__(self, size: int) -> None:
        self.remaining = size
        self.read_total = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        count = min(len(buffer), self.remaining)
        buffer[:count] = b"\x5a" * count
        self.remaining -= count
        self.read_total += count
        return count


class StreamingUploadTransport(httpx.BaseTransport):
    """Delegate API calls; consume upload bodies chunk by chunk without buffering them."""

    def __init__(self, delegate: httpx.BaseTransport, source: PatternStream) -> None:
        self.delegate = delegate
        self.source = source
        self.chunk_sizes: list[int] = []
        self.read_before_first_chunk = -1
        self.streamed = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path != "/s3/bucket":
            return self.delegate.handle_request(request)
        self.streamed = not isinstance(request.stream, httpx.ByteStream)
        for chunk in request.stream:  # type: ignore[union-attr]
            if not self.chunk_sizes:
                self.read_before_first_chunk = self.source.read_total
            self.chunk_sizes.append(len(chunk))
        return httpx.Response(204)


def test_upload_file_given_large_stream_sends_it_through_an_iterator(server: FakeServer) -> None:
    """A 32 MiB stream is read lazily in bounded chunks while the body is sent."""
    size = 32 * 1024 * 1024
    source = PatternStream(size)
    transport = StreamingUploadTransport(httpx.MockTransport(server), source)
    with PermanentClient(API, STELA, token="tok", transport=transport) as sdk:
        sdk.upload_file(source, name="big.bin", parent_folder_id=7, size=size)  # type: ignore[arg-type]
    assert transport.streamed
    assert transport.read_before_first_chunk == 0
    assert max(transport.chunk_sizes) <= CHUNK_SIZE
    assert sum(transport.chunk_sizes) > size
    assert source.read_total == size


def test_upload_file_given_refused_upload_raises_forbidden(client: PermanentClient, server: FakeServer) -> None:
    """Unlike the TS SDK, a refused upload raises with the blob host's message key."""
    server.on("POST", "/s3/bucket", reply(403, body={"message": "error.upload.policy"}))
    with pytest.raises(Forbidden) as caught:
        client.upload_file(b"data", name="a.txt", parent_folder_id=7)
    assert (caught.value.status, caught.value.message_key) == (403, "error.upload.policy")


def test_upload_file_given_hook_reports_both_steps(client: PermanentClient) -> None:
    """The exchange hook sees each request of the upload with its operation name."""
    seen: list[str] = []
    client.on_exchange = lambda request, response, operation: seen.append(operation)
    client.upload_file(b"data", name="a.txt", parent_folder_id=7)
    assert seen == ["upload_file.get_presigned_url", "upload_file.presigned_post"]


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [(None, None, None), (0, 9, "bytes=0-9"), (10, None, "bytes=10-"), (None, 5, "bytes=0-5")],
    ids=["whole", "slice", "open-end", "from-start"],
)
def test_download_given_range_sends_range_header(
    client: PermanentClient, server: FakeServer, start: int | None, end: int | None, expected: str | None
) -> None:
    """download sends `Range: bytes=start-end` only when asked, with no bearer token."""
    server.on("GET", "/cdn/files/1", reply(206, content=b"0123456789"))
    assert client.download("https://cdn.test/cdn/files/1?Signature=s", start, end) == b"0123456789"
    [request] = server.sent("/cdn/files/1")
    assert request.headers.get("Range") == expected
    assert "Authorization" not in request.headers
    assert request.url.params["Signature"] == "s"


@pytest.mark.parametrize(
    ("status", "error"),
    [(416, RangeNotSatisfiable), (403, Forbidden), (204, UnexpectedStatus)],
    ids=["unsatisfiable", "expired", "no-content"],
)
def test_download_given_refused_status_raises(
    client: PermanentClient, server: FakeServer, status: int, error: type[Exception]
) -> None:
    """Only 200 and 206 are accepted for downloads."""
    server.on("GET", "/cdn/files/1", reply(status, body={"message": "error.file.expired"}))
    with pytest.raises(error) as caught:
        client.download("https://cdn.test/cdn/files/1", 100, 200)
    assert caught.value.status == status  # type: ignore[attr-defined]


def test_download_given_inverted_range_raises_value_error(client: PermanentClient) -> None:
    """A range whose end precedes its start is refused before any request."""
    with pytest.raises(ValueError, match="invalid byte range"):
        client.download("https://cdn.test/cdn/files/1", 5, 2)


def test_download_to_given_file_url_streams_into_path(
    client: PermanentClient, server: FakeServer, tmp_path: Path
) -> None:
    """download_to writes the body to the path and returns the byte count."""
    server.on("GET", "/cdn/files/1", reply(200, content=b"x" * 100_000))
    target = tmp_path / "out.bin"
    assert client.download_to("https://cdn.test/cdn/files/1", target) == 100_000
    assert target.read_bytes() == b"x" * 100_000


def test_create_share_link_given_options_posts_them(client: PermanentClient, server: FakeServer) -> None:
    """generateShareLink gets folderLinkId and the set options only."""
    link = client.create_share_link(8306, show_preview=False, default_access_role=AccessRole.VIEWER)
    assert link.id == 173
    assert json.loads(server.sent("/api/share/generateShareLink")[0].content) == {
        "folderLinkId": 8306,
        "previewToggle": False,
        "defaultAccessRole": "access.role.viewer",
    }


def test_update_share_link_given_expiry_posts_iso_millis(client: PermanentClient, server: FakeServer) -> None:
    """updateShareLink sends shareByUrlId and expiresDT as toISOString()."""
    client.update_share_link(173, max_uses=10, expires_at=datetime(2022, 1, 1, tzinfo=UTC))
    assert json.loads(server.sent("/api/share/updateShareLink")[0].content) == {
        "shareByUrlId": 173,
        "maxUses": 10,
        "expiresDT": "2022-01-01T00:00:00.000Z",
    }


def test_for_base_url_given_origin_builds_api_and_stela_urls(server: FakeServer) -> None:
    """One origin serves PHP under /api and Stela under /api/v2."""
    with PermanentClient.for_base_url("https://mock.test/", transport=httpx.MockTransport(server)) as sdk:
        sdk.get_archives()
        sdk.get_folder(189434)
    assert [str(request.url).split("?")[0] for request in server.requests] == [
        "https://mock.test/api/archive/getAllArchives",
        "https://mock.test/api/v2/folder",
        "https://mock.test/api/v2/folder/189434/children",
    ]


def test_for_wsgi_given_app_calls_it_in_process() -> None:
    """for_wsgi sends requests to the WSGI app with the SDK headers."""
    environs: list[dict[str, Any]] = []

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        environs.append(environ)
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps([ARCHIVE_VO]).encode()]

    with PermanentClient.for_wsgi(app, token="tok") as sdk:
        assert [archive.id for archive in sdk.get_archives()] == [1]
    [environ] = environs
    assert (environ["PATH_INFO"], environ["HTTP_HOST"]) == ("/api/archive/getAllArchives", "mock.local")
    assert (environ["HTTP_REQUEST_VERSION"], environ["HTTP_AUTHORIZATION"]) == ("2", "Bearer tok")
