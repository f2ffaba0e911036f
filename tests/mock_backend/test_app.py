"""Tests of mock_backend.app: CORS, independent instances, restarts on one data directory, ephemeral mode."""

from __future__ import annotations

import gc
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask

from mock_backend.api import errors
from mock_backend.app import create_app
from mock_backend.config import Settings
from mock_backend.domain import messages
from mock_backend.scenarios import Progress, load
from mock_backend.testing import backend_of, close, rebuild_world
from tests.conftest import DEMO_ARCHIVE, Api, World, build_app, copy_data_dir, ok
from tests.openapi_check import ContractClient

BROWSER_ORIGIN = "http://localhost:4200"
PREFLIGHT_HEADERS = "authorization,content-type,request-version"


# ---------------------------------------------------------------- CORS
def _preflight(client: ContractClient, path: str, origin: str, method: str = "POST") -> dict[str, str]:
    response = client.options(
        path,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": PREFLIGHT_HEADERS,
        },
    )
    assert response.status_code in (200, 204), f"preflight answered {response.status_code}"
    return dict(response.headers)


@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("/api/folder/post", "POST"),
        ("/api/folder/delete?folderId=1", "DELETE"),
        ("/api/account/getAuthenticatedAccount", "GET"),
        ("/api/v2/folder/1/children?pageSize=100", "GET"),
        ("/s3/permanent-mock", "POST"),
    ],
    ids=["php-post", "php-delete", "php-get", "stela", "upload"],
)
def test_preflight_from_local_web_app_is_allowed(client: ContractClient, path: str, method: str) -> None:
    """A preflight from http://localhost:4200 is answered 2xx with the origin and the SDK's headers allowed."""
    headers = _preflight(client, path, BROWSER_ORIGIN, method)
    allowed = {h.strip().lower() for h in headers.get("Access-Control-Allow-Headers", "").split(",")}
    assert (headers.get("Access-Control-Allow-Origin"), set(PREFLIGHT_HEADERS.split(",")) <= allowed) == (
        BROWSER_ORIGIN,
        True,
    )


def test_preflight_from_foreign_origin_is_not_allowed(client: ContractClient) -> None:
    """A preflight from a foreign origin gets no Access-Control-Allow-Origin."""
    response = client.options(
        "/api/v2/folder/1/children?pageSize=100",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
    )
    assert "Access-Control-Allow-Origin" not in response.headers


def test_cors_response_from_local_origin_exposes_range_headers(api: Api, world: World) -> None:
    """A real request from the local web app gets its origin back and sees Content-Range/Content-Disposition."""
    response = api.client.get("/api/archive/getAllArchives", headers={**api.headers(), "Origin": BROWSER_ORIGIN})
    exposed = {h.strip().lower() for h in response.headers.get("Access-Control-Expose-Headers", "").split(",")}
    assert (
        response.headers.get("Access-Control-Allow-Origin"),
        {"content-range", "content-disposition"} <= exposed,
    ) == (
        BROWSER_ORIGIN,
        True,
    )


# ---------------------------------------------------------------- instances
def test_create_app_instances_share_no_state(
    seeded_data_dir: Path, tmp_path: Path, app: Flask, api: Api, world: World
) -> None:
    """A folder created in one app does not exist in another app (no module-global state)."""
    ok(api.create_folder(world.my_files, "Only Here"))
    other_dir = tmp_path / "other"
    copy_data_dir(seeded_data_dir, other_dir)
    other = build_app(Settings(data_dir=other_dir, processing_seconds=0))
    other_api = Api(other, other.test_client())
    assert "Only Here" not in [c["downloadName"] for c in other_api.children(world.my_files, world.demo_archive)]


def test_handle_unexpected_error_answers_500_internal_json(app: Flask) -> None:
    """A crash inside a view is answered 500 JSON error.generic.internal, never an HTML page."""
    with app.test_request_context("/api/folder/post", method="POST"):
        response = errors.handle_unexpected(RuntimeError("boom"))
    assert (response.status_code, response.get_json()["message"]) == (500, messages.INTERNAL)


# ---------------------------------------------------------------- restart on one data directory
@dataclass(frozen=True)
class Restart:
    """What was done before a restart, and an API on the restarted app."""

    api: Api
    demo_archive: int
    my_files: int
    old_token: str
    folder_name: str
    record_id: int
    payload: bytes

    def names(self) -> list[str]:
        """Return the downloadNames in demo's My Files, as the restarted app lists them."""
        return [c["downloadName"] for c in self.api.children(self.my_files, self.demo_archive)]


def _first_run(data_dir: Path, folder_name: str, payload: bytes) -> tuple[str, int]:
    """Start a fresh (seeding) app on data_dir, create a folder and upload a file; return a token and the record id."""
    app = build_app(Settings(data_dir=data_dir, processing_seconds=0))
    api = Api(app, app.test_client())
    my_files = api.root_child(api.archive_id(DEMO_ARCHIVE), "My Files")["folderId"]
    ok(api.create_folder(my_files, folder_name))
    record = api.upload(my_files, "kept.bin", payload)
    return api.token(), int(record["recordId"])


@pytest.fixture
def restart(tmp_path: Path) -> Restart:
    """Run an app on a data directory, drop it, and start a new app on the same directory."""
    data_dir = tmp_path / "state"
    payload = bytes(range(256)) * 40
    token, record_id = _first_run(data_dir, "Survivor", payload)
    gc.collect()  # the first app's finalizer releases its database, as a stopped process would
    app = build_app(Settings(data_dir=data_dir, processing_seconds=0))
    api = Api(app, app.test_client())
    demo_archive = api.archive_id(DEMO_ARCHIVE)
    my_files = api.root_child(demo_archive, "My Files")["folderId"]
    return Restart(api, demo_archive, my_files, token, "Survivor", record_id, payload)


def test_restart_keeps_created_folder(restart: Restart) -> None:
    """A folder created before the restart is still there."""
    assert restart.folder_name in restart.names()


def test_restart_keeps_uploaded_bytes(restart: Restart) -> None:
    """An uploaded file's bytes download unchanged after the restart."""
    record = ok(restart.api.get("/api/record/get", recordId=restart.record_id, archiveId=restart.demo_archive))
    assert restart.api.download(record["FileVOs"][0]["downloadURL"]).data == restart.payload


def test_restart_does_not_seed_again(restart: Restart) -> None:
    """The seed is not re-applied: still two archives for demo, and one "Documents" without a "Documents (1)"."""
    archives = ok(restart.api.get("/api/archive/getAllArchives"))
    names = restart.names()
    assert (len(archives), names.count("Documents"), "Documents (1)" in names) == (2, 1, False)


def test_restart_keeps_tokens_valid(restart: Restart) -> None:
    """A token minted before the restart is still accepted (the signing secret is kept)."""
    response = restart.api.client.get(
        "/api/account/getAuthenticatedAccount",
        headers={"Request-Version": "2", "Authorization": f"Bearer {restart.old_token}"},
    )
    assert response.status_code == 200


def _counts(data_dir: Path) -> list[int]:
    """Return how many accounts, folders and records a data directory's database holds."""
    with closing(sqlite3.connect(data_dir / "mock.sqlite3")) as db:
        return [
            db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in ("accounts", "folders", "records")
        ]


def test_restart_after_a_first_start_stopped_while_building_builds_the_whole_world(tmp_path: Path) -> None:
    """A build cut short (SIGTERM unwinds like Ctrl+C) is not served as it was left: the next start builds it anew."""
    whole, cut = tmp_path / "whole", tmp_path / "cut"
    create_app(Settings(data_dir=whole))

    def stop_after_the_first_files(made: Progress) -> None:
        if made.records:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        create_app(Settings(data_dir=cut), progress=stop_after_the_first_files)
    left = _counts(cut)
    create_app(Settings(data_dir=cut))
    gc.collect()  # the apps' finalizers close their databases
    assert 0 < left[2] < _counts(whole)[2], left
    assert _counts(cut) == _counts(whole)


def test_restart_after_a_rebuild_cut_short_builds_the_configured_world(tmp_path: Path) -> None:
    """A world replacement (`seed --reset`, POST /_mock/world) cut short is not served half built next start."""
    whole, cut = tmp_path / "whole", tmp_path / "cut"
    create_app(Settings(data_dir=whole))
    app = create_app(Settings(data_dir=cut))

    def stop_after_the_first_files(made: Progress) -> None:
        if made.records:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        rebuild_world(app, load("shared"), stop_after_the_first_files)
    close(app)
    left = _counts(cut)
    create_app(Settings(data_dir=cut))
    gc.collect()  # the apps' finalizers close their databases
    assert 0 < left[2] < _counts(whole)[2], left
    assert _counts(cut) == _counts(whole)


# ---------------------------------------------------------------- ephemeral
def _ephemeral_data_dir() -> Path:
    """Build an ephemeral app (data_dir None, as --ephemeral does), use it, drop it; return where it kept data."""
    app = build_app(Settings(processing_seconds=0))
    api = Api(app, app.test_client())
    my_files = api.root_child(api.archive_id(DEMO_ARCHIVE), "My Files")["folderId"]
    api.upload(my_files, "temp.txt", b"temporary")
    data_dir = backend_of(app).blobs.path("probe").parent.parent.parent  # <data>/blobs/objects/<hash>
    assert data_dir.is_dir()
    return data_dir


def test_ephemeral_app_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An ephemeral app writes nothing into the working directory, and its scratch directory goes with it."""
    monkeypatch.chdir(tmp_path)
    data_dir = _ephemeral_data_dir()
    gc.collect()
    assert (data_dir.exists(), list(tmp_path.iterdir())) == (False, [])
