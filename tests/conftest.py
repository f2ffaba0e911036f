"""Fixtures for the mock's tests: a fresh seeded app per test, its frozen clock, a contract-checked client.

Every response a test receives, through `client`, `api` or `http` (the live server), is checked
against openapi/openapi.yaml by `tests.openapi_check`.
"""

from __future__ import annotations

import gc
import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from mock_backend.app import create_app
from mock_backend.config import Settings
from mock_backend.domain.clock import FrozenClock
from mock_backend.domain.seed import DEMO_EMAIL, OTHER_EMAIL
from mock_backend.server import serve_in_thread
from mock_backend.testing import mint_token
from tests.openapi_check import ContractClient, check_httpx_response

#: Where the frozen clock of every test starts (after the seed time, 2024-01-02T15:04:05).
START = datetime(2024, 3, 1, 12, 0, 0)
ACCOUNTS = {"demo": DEMO_EMAIL, "other": OTHER_EMAIL}
DEMO_ARCHIVE = "Demo Archive"
FAMILY_ARCHIVE = "Family Archive"
PRIVATE_ARCHIVE = "Other Private Archive"
BOUNDARY = "----permanent-mock-test-boundary-7f3a9c"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """On xdist workers, put the modules that hold a `slow` test first, each whole and in its order.

    `--dist loadfile` hands the modules out in this order (the noxfile turns off xdist's own, which puts the
    modules with the fewest tests last, and those are the slow ones: one self-check, one wheel install, one
    benchmark run). Started first, the long modules run beside the many short ones, not after them on one
    worker while the other has nothing left to do.
    """
    if not hasattr(config, "workerinput"):
        return
    slow = {item.path for item in items if item.get_closest_marker("slow") is not None}
    items.sort(key=lambda item: item.path not in slow)  # stable: each module stays whole and in order


def _seed(data_dir: Path) -> None:
    """Seed a data directory; the app is dropped on return, which releases its database."""
    create_app(Settings(data_dir=data_dir))


def copy_data_dir(source: Path, target: Path) -> None:
    """Copy a data directory: the database for real, the blobs as hard links.

    Links are safe because the blob store never writes a stored file in place: it renames new files
    over old names (os.replace) and unlinks deleted ones, which leaves the other link untouched.
    """

    def copy(src: str, dst: str) -> None:
        if Path(src).relative_to(source).parts[0] == "blobs":
            os.link(src, dst)
        else:
            shutil.copy2(src, dst)

    shutil.copytree(source, target, copy_function=copy)


def build_app(settings: Settings, clock: FrozenClock | None = None) -> Flask:
    """Build an app whose test clients check every response against the contract."""
    app = create_app(settings, clock=clock)
    app.test_client_class = ContractClient
    return app


@pytest.fixture(scope="session")
def seeded_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a data directory holding the freshly seeded world, built once per session."""
    path = tmp_path_factory.mktemp("seeded") / "data"
    _seed(path)
    gc.collect()  # runs the app's finalizer, which disposes its engine
    # Fold SQLite's write-ahead log into the database file, so that a copy of the directory is whole.
    with closing(sqlite3.connect(path / "mock.sqlite3")) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def clock() -> FrozenClock:
    """Return the frozen clock of the test's app; `clock.advance(s)` moves it."""
    return FrozenClock(START)


@pytest.fixture
def settings_overrides() -> dict[str, Any]:
    """Return Settings fields to change for one test; override with `@pytest.mark.parametrize`."""
    return {}


@pytest.fixture
def app(seeded_data_dir: Path, tmp_path: Path, clock: FrozenClock, settings_overrides: dict[str, Any]) -> Flask:
    """Return a fresh seeded mock with `processing_seconds=0` on the frozen clock.

    It is what `create_app(Settings(processing_seconds=0))` builds, started from a copy of a seeded
    data directory so that each test does not pay for seeding again.
    """
    data_dir = tmp_path / "data"
    copy_data_dir(seeded_data_dir, data_dir)
    settings = Settings(**{"data_dir": data_dir, "processing_seconds": 0, **settings_overrides})
    return build_app(settings, clock)


@pytest.fixture
def client(app: Flask) -> ContractClient:
    """Return a test client of the app (contract-checked)."""
    client = app.test_client()
    assert isinstance(client, ContractClient)
    return client


class Api:
    """Sends PHP (and Stela) calls as a seeded account: `Request-Version: 2` and its bearer token.

    `account` is "demo", "other" or None (no Authorization header).
    """

    def __init__(self, app: Flask, client: FlaskClient) -> None:
        self.app = app
        self.client = client
        self._tokens: dict[str, str] = {}

    def token(self, account: str = "demo") -> str:
        """Return a bearer token of a seeded account (minted at the clock's current time)."""
        if account not in self._tokens:
            self._tokens[account] = mint_token(self.app, ACCOUNTS[account])
        return self._tokens[account]

    def headers(self, account: str | None = "demo") -> dict[str, str]:
        """Return the headers the SDK sends for an account."""
        headers = {"Request-Version": "2"}
        if account is not None:
            headers["Authorization"] = f"Bearer {self.token(account)}"
        return headers

    def get(self, path: str, account: str | None = "demo", **query: Any) -> TestResponse:
        """GET with query parameters."""
        return self.client.get(path, query_string=query, headers=self.headers(account))

    def post(self, path: str, body: Any, account: str | None = "demo") -> TestResponse:
        """POST a JSON body."""
        return self.client.post(path, json=body, headers=self.headers(account))

    def post_raw(self, path: str, data: bytes, account: str | None = "demo") -> TestResponse:
        """POST raw bytes declared as JSON."""
        return self.client.post(path, data=data, content_type="application/json", headers=self.headers(account))

    def delete(self, path: str, account: str | None = "demo", **query: Any) -> TestResponse:
        """DELETE with query parameters."""
        return self.client.delete(path, query_string=query, headers=self.headers(account))

    # ---------------------------------------------------------------- lookups through the API
    def archive_id(self, name: str, account: str = "demo") -> int:
        """Return the id of an archive of the account, by name."""
        archives = ok(self.get("/api/archive/getAllArchives", account))
        return int(next(a["archiveId"] for a in archives if a["fullName"] == name))

    def root_child(self, archive_id: int, name: str, account: str = "demo") -> dict[str, Any]:
        """Return a root folder (Apps, My Files, Public) of an archive."""
        root = ok(self.get("/api/folder/getRoot", account, archiveId=archive_id))
        return dict(next(c for c in root["ChildItemVOs"] if c["displayName"] == name))

    def children(self, folder_id: int, archive_id: int, account: str = "demo") -> list[dict[str, Any]]:
        """Return the ChildItemVOs of a folder (getWithChildren)."""
        folder = ok(self.get("/api/folder/getWithChildren", account, folderId=folder_id, archiveId=archive_id))
        return list(folder["ChildItemVOs"])

    def child(self, folder_id: int, archive_id: int, download_name: str, account: str = "demo") -> dict[str, Any]:
        """Return the child of a folder with that downloadName."""
        return next(c for c in self.children(folder_id, archive_id, account) if c["downloadName"] == download_name)

    def create_folder(self, parent_id: object, name: object, account: str = "demo", **extra: Any) -> TestResponse:
        """Call folder/post."""
        return self.post("/api/folder/post", {"displayName": name, "parentFolderId": parent_id, **extra}, account)

    def stela_children(
        self, folder_id: int | str, account: str | None = "demo", page_size: int = 100, cursor: str | None = None
    ) -> TestResponse:
        """Call Stela's children route."""
        query: dict[str, Any] = {"pageSize": page_size}
        if cursor is not None:
            query["cursor"] = cursor
        return self.get(f"/api/v2/folder/{folder_id}/children", account, **query)

    def stela_folders(self, *folder_ids: int | str, account: str | None = "demo") -> TestResponse:
        """Call Stela's folder route with `folderIds[]`."""
        return self.client.get(
            "/api/v2/folder",
            query_string=[("folderIds[]", str(folder_id)) for folder_id in folder_ids],
            headers=self.headers(account),
        )

    # ---------------------------------------------------------------- the upload flow
    def presign(
        self,
        parent_id: int,
        name: str,
        size: int,
        account: str = "demo",
        file_type: str = "application/octet-stream",
    ) -> dict[str, Any]:
        """Call getPresignedUrl and return the S3UploadVO."""
        body = {
            "displayName": name,
            "parentFolderId": parent_id,
            "uploadFileName": name,
            "fileType": file_type,
            "size": size,
        }
        return dict(ok(self.post("/api/record/getPresignedUrl", body, account)))

    def upload_bytes(
        self,
        presigned: dict[str, Any],
        data: bytes,
        content_type: str = "application/octet-stream",
        filename: str | None = None,
        fields: dict[str, str] | None = None,
    ) -> TestResponse:
        """POST the multipart form a presigned POST asks for (fields, Content-Type, then file)."""
        form = {**presigned["presignedPost"]["fields"], **(fields or {}), "Content-Type": content_type}
        body, header = multipart_body(form, data, filename)
        return self.client.post(presigned["presignedPost"]["url"], data=body, content_type=header)

    def register(
        self,
        presigned: dict[str, Any],
        parent_id: int | str,
        name: str,
        size: int,
        account: str = "demo",
        **extra: Any,
    ) -> TestResponse:
        """Call registerRecord for an upload."""
        body = {
            "s3url": presigned["destinationUrl"],
            "displayName": name,
            "parentFolderId": parent_id,
            "uploadFileName": name,
            "fileType": "application/octet-stream",
            "size": size,
            **extra,
        }
        return self.post("/api/record/registerRecord", body, account)

    def upload(self, parent_id: int, name: str, data: bytes, account: str = "demo", **extra: Any) -> dict[str, Any]:
        """Run the whole upload flow (getPresignedUrl, POST, registerRecord) and return the RecordVO."""
        presigned = self.presign(parent_id, name, len(data), account)
        posted = self.upload_bytes(presigned, data)
        assert posted.status_code == 204, posted.get_data(as_text=True)
        return dict(ok(self.register(presigned, parent_id, name, len(data), account, **extra)))

    def download(self, url: str, **headers: str) -> TestResponse:
        """GET a signed download URL (no Authorization, as sftp-service sends it)."""
        return self.client.get(url, headers=headers)


def ok(response: TestResponse) -> Any:
    """Return the JSON body of a 200 response, failing with the body otherwise."""
    assert response.status_code == 200, f"{response.status_code}: {response.get_data(as_text=True)}"
    return response.get_json()


def error_key(response: TestResponse) -> str:
    """Return the message key of an error body: PHP v2's `message`, or a v1 ResponseVO's first result's first."""
    body = response.get_json()
    assert isinstance(body, dict), response.get_data(as_text=True)
    if "Results" in body:
        return str(body["Results"][0]["message"][0])
    return str(body["message"])


def multipart_body(fields: dict[str, str], data: bytes, filename: str | None) -> tuple[bytes, str]:
    """Return a multipart/form-data body (fields in order, then `file`) and its Content-Type."""
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value.encode() + b"\r\n"
        )
    disposition = 'form-data; name="file"' + (f'; filename="{filename}"' if filename is not None else "")
    parts.append(
        f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\nContent-Type: application/octet-stream\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    parts.append(f"--{BOUNDARY}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={BOUNDARY}"


@pytest.fixture
def api(app: Flask, client: ContractClient) -> Api:
    """Return the PHP/Stela call helper on the test's app."""
    return Api(app, client)


@dataclass(frozen=True)
class World:
    """Ids of the seeded things the tests use, found through the API."""

    demo_archive: int
    family_archive: int
    private_archive: int
    my_files: int
    public: int
    documents: int
    photos: int
    photos_2024: int
    many_files: int
    empty_folder: int
    family_my_files: int
    recipes: int
    private_my_files: int
    #: folder_linkIds, by which the web app's v1 calls name folders.
    my_files_link: int
    public_link: int
    documents_link: int


@pytest.fixture(scope="session")
def world(seeded_data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> World:
    """Return the ids of the seeded world, looked up once through the API of a copy of the seed.

    Every test's app starts from the same seeded data directory, so the ids are the same in all of them.
    """
    data_dir = tmp_path_factory.mktemp("world") / "data"
    copy_data_dir(seeded_data_dir, data_dir)
    app = build_app(Settings(data_dir=data_dir), FrozenClock(START))
    api = Api(app, app.test_client())
    demo_archive = api.archive_id(DEMO_ARCHIVE)
    family = api.archive_id(FAMILY_ARCHIVE)
    private = api.archive_id(PRIVATE_ARCHIVE, "other")
    my_files_vo = api.root_child(demo_archive, "My Files")
    my_files = my_files_vo["folderId"]
    public = api.root_child(demo_archive, "Public")
    documents = api.child(my_files, demo_archive, "Documents")
    photos = api.child(my_files, demo_archive, "Photos")["folderId"]
    family_my_files = api.root_child(family, "My Files")["folderId"]
    return World(
        demo_archive=demo_archive,
        family_archive=family,
        private_archive=private,
        my_files=my_files,
        public=public["folderId"],
        documents=documents["folderId"],
        photos=photos,
        photos_2024=api.child(photos, demo_archive, "2024")["folderId"],
        many_files=api.child(my_files, demo_archive, "Many Files")["folderId"],
        empty_folder=api.child(my_files, demo_archive, "Empty Folder")["folderId"],
        family_my_files=family_my_files,
        recipes=api.child(family_my_files, family, "Recipes")["folderId"],
        private_my_files=api.root_child(private, "My Files", "other")["folderId"],
        my_files_link=my_files_vo["folder_linkId"],
        public_link=public["folder_linkId"],
        documents_link=documents["folder_linkId"],
    )


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """Serve the test's app over real HTTP (waitress on a free loopback port); yield its base URL."""
    with serve_in_thread(app) as base_url:
        yield base_url


@pytest.fixture
def http(live_server: str) -> Iterator[httpx.Client]:
    """Return an httpx client of the live server whose responses are checked against the contract."""
    with httpx.Client(base_url=live_server, timeout=30, event_hooks={"response": [check_httpx_response]}) as client:
        yield client
