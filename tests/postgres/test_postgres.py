"""The mock on PostgreSQL: a throwaway server is started, and the core flows run against it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from mock_backend import Settings, create_app
from mock_backend.domain import messages
from mock_backend.testing import mint_token

pytestmark = pytest.mark.slow


def _binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    return str(candidates[-1]) if candidates else None


def _as_postgres_user() -> list[str]:
    """Return a command prefix: PostgreSQL refuses to run as root, so root runs it as `postgres`."""
    if os.geteuid() != 0:
        return []
    runuser = shutil.which("runuser")
    if runuser is None:
        pytest.skip("running as root without runuser: cannot start PostgreSQL")
    return [runuser, "-u", "postgres", "--"]


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    """Start a PostgreSQL server on a Unix socket in a temporary directory; yield its SQLAlchemy URL."""
    initdb, postgres = _binary("initdb"), _binary("postgres")
    if initdb is None or postgres is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not installed; .ci/run installs it")
        pytest.skip("PostgreSQL server binaries (initdb, postgres) not found")
    prefix = _as_postgres_user()
    root = Path(tempfile.mkdtemp(prefix="permanent-mock-pg-"))
    if prefix:
        shutil.chown(root, user="postgres", group="postgres")
    data = root / "data"
    subprocess.run(
        [*prefix, initdb, "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync"],
        check=True,
        capture_output=True,
    )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [
            *prefix,
            postgres,
            "-D",
            str(data),
            "-k",
            str(root),
            "-p",
            str(port),
            "-c",
            "listen_addresses=",
            "-c",
            "fsync=off",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while not (root / f".s.PGSQL.{port}").exists():
            if time.monotonic() > deadline or server.poll() is not None:
                pytest.fail("PostgreSQL did not start")
            time.sleep(0.1)
        yield f"postgresql+psycopg://postgres@/postgres?host={root}&port={port}"
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def app(postgres_url: str) -> Flask:
    """A seeded mock whose state lives in PostgreSQL."""
    return create_app(Settings(database_url=postgres_url, processing_seconds=0))


@pytest.fixture
def headers(app: Flask) -> dict[str, str]:
    """PHP v2 headers for the demo account."""
    return {"Authorization": f"Bearer {mint_token(app, 'demo@example.com')}", "Request-Version": "2"}


def test_seed_on_postgres_lists_demo_archives(app: Flask, headers: dict[str, str]) -> None:
    """The seeded world is created in PostgreSQL and read back through the PHP API."""
    archives = app.test_client().get("/api/archive/getAllArchives", headers=headers).get_json()
    assert [(a["fullName"], a["accessRole"]) for a in archives] == [
        ("Demo Archive", "access.role.owner"),
        ("Family Archive", "access.role.viewer"),
    ]


def test_post_folder_on_postgres_deduplicates_and_refuses_duplicates(app: Flask, headers: dict[str, str]) -> None:
    """De-duplication and the unique index behave on PostgreSQL as on SQLite."""
    client = app.test_client()
    body = {"displayName": "pg-dup", "parentFolderId": "3"}
    names = [client.post("/api/folder/post", json=body, headers=headers).get_json()["downloadName"] for _ in range(3)]
    refused = client.post("/api/folder/post", json={**body, "failOnDuplicateName": True}, headers=headers)
    assert names == ["pg-dup", "pg-dup (1)", "pg-dup (2)"]
    assert (refused.status_code, refused.get_json()["message"]) == (409, messages.DUPLICATE_NAME)


def test_stela_paging_on_postgres_orders_case_insensitively_and_completely(app: Flask, headers: dict[str, str]) -> None:
    """Cursor paging over the 150-record folder returns every child once, in the same order as SQLite."""
    client = app.test_client()
    my_files = client.get("/api/folder/getWithChildren?folderId=3&archiveId=1", headers=headers).get_json()
    many = next(c["folderId"] for c in my_files["ChildItemVOs"] if c.get("displayName") == "Many Files")
    seen: list[str] = []
    cursor = ""
    while True:
        query = f"pageSize=40&cursor={cursor}" if cursor else "pageSize=40"
        page = client.get(f"/api/v2/folder/{many}/children?{query}", headers=headers).get_json()
        seen += [item["downloadName"] for item in page["items"]]
        if len(page["items"]) < 40:
            break
        cursor = page["pagination"]["nextCursor"]
    assert seen == [f"file-{n:03d}.txt" for n in range(1, 151)]


def test_delete_folder_on_postgres_removes_subtree(app: Flask, headers: dict[str, str]) -> None:
    """A folder delete removes its records on PostgreSQL too, and they answer 404 afterwards."""
    client = app.test_client()
    root = client.get("/api/folder/getWithChildren?folderId=3&archiveId=1", headers=headers).get_json()
    photos = next(c for c in root["ChildItemVOs"] if c.get("displayName") == "Photos")
    inside = client.get(f"/api/folder/getWithChildren?folderId={photos['folderId']}&archiveId=1", headers=headers)
    record_id = next(c["recordId"] for c in inside.get_json()["ChildItemVOs"] if "recordId" in c)
    deleted = client.delete(f"/api/folder/delete?folderId={photos['folderId']}", headers=headers)
    gone = client.get(f"/api/record/get?recordId={record_id}&archiveId=1", headers=headers)
    assert deleted.status_code == 200
    assert (gone.status_code, gone.get_json()["message"]) == (404, messages.RECORD_LOOKUP)
