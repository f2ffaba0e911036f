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

import psycopg
import pytest
from flask import Flask
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from mock_backend import Settings, create_app
from mock_backend.domain import messages
from mock_backend.storage.export import _SIZE_COUNTERS, stela_sql
from mock_backend.testing import mint_token
from tests.races import assert_no_lost_race, race_two_processes

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


# ---------------------------------------------------------------- the stela-sql export
#: The tables and columns of real Stela's schema that the export fills, written by this project from the
#: export's own column lists (Stela's base.sql is not copied here); enough to prove the SQL loads.
STELA_SUBSET = """
CREATE SEQUENCE folder_folderid_seq; CREATE SEQUENCE folder_link_folder_linkid_seq;
CREATE SEQUENCE record_recordid_seq; CREATE SEQUENCE file_fileid_seq;
CREATE TABLE account (accountid bigint PRIMARY KEY, subject text, primaryemail text UNIQUE, fullname text,
  status text, notificationpreferences text, type text, createddt timestamptz, updateddt timestamptz);
CREATE TABLE archive (archiveid bigint PRIMARY KEY, archivenbr text, status text, type text,
  createddt timestamptz, updateddt timestamptz);
CREATE TABLE profile_item (archiveid bigint REFERENCES archive, fieldnameui text, string1 text, status text,
  type text, createddt timestamptz, updateddt timestamptz);
CREATE TABLE account_archive (accountid bigint REFERENCES account, archiveid bigint REFERENCES archive,
  accessrole text, position int, type text, status text, createddt timestamptz, updateddt timestamptz);
CREATE TABLE folder (folderid bigint PRIMARY KEY, archivenbr text, archiveid bigint REFERENCES archive,
  displayname text, downloadname text, displaydt timestamptz, sort text, view text, status text, type text,
  createddt timestamptz, updateddt timestamptz);
CREATE TABLE record (recordid bigint PRIMARY KEY, archiveid bigint REFERENCES archive, archivenbr text,
  displayname text, uploadfilename text, downloadname text, uploadaccountid bigint, uploadpayeraccountid bigint,
  size bigint, displaydt timestamptz, status text, type text, createddt timestamptz, updateddt timestamptz);
CREATE TABLE folder_link (folder_linkid bigint PRIMARY KEY, folderid bigint REFERENCES folder,
  recordid bigint REFERENCES record, parentfolder_linkid bigint, parentfolderid bigint, archiveid bigint,
  position int, accessrole text, status text, type text, createddt timestamptz, updateddt timestamptz);
CREATE TABLE file (fileid bigint PRIMARY KEY, size bigint, format text, contenttype text, archiveid bigint,
  fileurl text, downloadurl text, status text, type text, createddt timestamptz, updateddt timestamptz);
CREATE TABLE record_file (recordid bigint REFERENCES record, fileid bigint REFERENCES file, status text,
  type text, createddt timestamptz, updateddt timestamptz);
"""


def test_export_stela_sql_loads_into_postgresql(postgres_url: str, tmp_path: Path) -> None:
    """The export of a seeded world, names with quotes and unicode included, loads into PostgreSQL in one go."""
    app = create_app(Settings(data_dir=tmp_path / "world", processing_seconds=0))
    client = app.test_client()
    token = mint_token(app, "demo@example.com")
    headers = {"Request-Version": "2", "Authorization": f"Bearer {token}"}
    created = client.post(
        "/api/folder/post", json={"displayName": "O'Brien – Ünïcødé", "parentFolderId": 3}, headers=headers
    )
    assert created.status_code == 200
    engine = create_engine(f"sqlite:///{tmp_path / 'world' / 'mock.sqlite3'}")
    with Session(engine) as session:
        sql = stela_sql(session)
    counters = ", ".join(f"{name} bigint" for name in _SIZE_COUNTERS)
    size_table = (
        "CREATE TABLE folder_size (folder_linkid bigint, archiveid bigint, folderid bigint, myfilesizeshallow bigint, "
        f"myfilesizedeep bigint, allfilesizeshallow bigint, allfilesizedeep bigint, {counters}, "
        "lastexecutedt timestamptz, lastexecutereason text, nextexecutedt timestamptz, status text, type text);"
    )
    conninfo = postgres_url.removeprefix("postgresql+psycopg://").replace("postgres@/postgres?", "")
    params = dict(part.split("=", 1) for part in conninfo.split("&"))
    with psycopg.connect(dbname="postgres", user="postgres", autocommit=True, **params) as admin:
        admin.execute("DROP DATABASE IF EXISTS stela_export")
        admin.execute("CREATE DATABASE stela_export")
    with psycopg.connect(dbname="stela_export", user="postgres", autocommit=True, **params) as conn:
        conn.execute(STELA_SUBSET + size_table)  # type: ignore[arg-type]
        conn.execute(sql)  # type: ignore[arg-type]
        names = {row[0] for row in conn.execute("SELECT displayname FROM folder")}
        counts = conn.execute("SELECT (SELECT count(*) FROM record), (SELECT count(*) FROM folder_link)").fetchone()
    assert ("O'Brien – Ünïcødé" in names, "Many Files" in names, counts is not None and counts[0] > 150) == (
        True,
        True,
        True,
    )


def test_same_name_race_across_two_processes_on_postgres(postgres_url: str, tmp_path: Path) -> None:
    """200 folder/post and 100 registerRecord of one name over two servers on PostgreSQL: no 500, names distinct."""
    # A database of its own, so the module's seeded one is not disturbed.
    database = postgres_url.replace("/postgres?", "/race?")
    engine = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql("CREATE DATABASE race")
    engine.dispose()
    folders, records = race_two_processes(tmp_path / "data", database)
    assert_no_lost_race(folders, records)


def test_reset_on_postgres_truncates_and_restarts_ids(app: Flask) -> None:
    """POST /_mock/reset empties every table with TRUNCATE … RESTART IDENTITY: the new world's ids start at 1,
    and a reset back to demo gives the demo world its first-start ids again (so later tests see the same world)."""
    client = app.test_client()
    shared = client.post("/_mock/reset", json={"scenario": "shared"})
    accounts = client.get("/_mock/accounts").get_json()["items"]
    demo = client.post("/_mock/reset", json={"scenario": "demo"})
    archives = client.get(
        "/api/archive/getAllArchives",
        headers={"Authorization": f"Bearer {mint_token(app, 'demo@example.com')}", "Request-Version": "2"},
    ).get_json()
    assert (shared.status_code, [a["accountId"] for a in accounts], demo.status_code) == (
        200,
        [1, 2, 3, 4, 5, 6, 7, 8],
        200,
    )
    assert [(a["archiveId"], a["fullName"]) for a in archives] == [(1, "Demo Archive"), (2, "Family Archive")]
