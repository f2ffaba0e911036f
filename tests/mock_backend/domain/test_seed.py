"""Tests of mock_backend.domain.seed: the seeded demo world, seen through the API."""

from __future__ import annotations

import struct
import zlib

import pytest

from mock_backend import Settings, create_app
from mock_backend.domain import seed
from mock_backend.domain.models import Role
from mock_backend.scenarios import content
from mock_backend.testing import mint_token
from tests.conftest import DEMO_ARCHIVE, FAMILY_ARCHIVE, PRIVATE_ARCHIVE, Api, World, ok


@pytest.mark.parametrize(
    ("account", "email", "full_name", "allow_deletion"),
    [
        ("demo", seed.DEMO_EMAIL, "Demo User", True),
        ("other", seed.OTHER_EMAIL, "Other User", False),
    ],
    ids=["demo", "other"],
)
def test_seed_accounts_have_names_and_deletion_gates(
    api: Api, account: str, email: str, full_name: str, allow_deletion: bool
) -> None:
    """The two seeded accounts have their e-mail, full name and allowSftpDeletion."""
    vo = ok(api.get("/api/account/getAuthenticatedAccount", account))
    assert (vo["primaryEmail"], vo["fullName"], vo["allowSftpDeletion"]) == (email, full_name, allow_deletion)


@pytest.mark.parametrize(
    ("account", "expected"),
    [
        ("demo", {DEMO_ARCHIVE: Role.OWNER.value, FAMILY_ARCHIVE: Role.VIEWER.value}),
        ("other", {FAMILY_ARCHIVE: Role.OWNER.value, PRIVATE_ARCHIVE: Role.OWNER.value}),
    ],
    ids=["demo", "other"],
)
def test_seed_archives_carry_the_callers_role(api: Api, account: str, expected: dict[str, str]) -> None:
    """Demo owns Demo Archive and views Family Archive; other owns Family and Other Private Archive."""
    archives = ok(api.get("/api/archive/getAllArchives", account))
    assert {a["fullName"]: a["accessRole"] for a in archives} == expected


@pytest.mark.parametrize(
    ("account", "archive"),
    [("demo", DEMO_ARCHIVE), ("demo", FAMILY_ARCHIVE), ("other", PRIVATE_ARCHIVE)],
    ids=["demo-archive", "family-archive", "private-archive"],
)
def test_seed_archive_root_holds_apps_my_files_public(api: Api, account: str, archive: str) -> None:
    """Each archive's root is "Archive Root" with the root folders Apps, My Files and Public, in that order."""
    root = ok(api.get("/api/folder/getRoot", account, archiveId=api.archive_id(archive, account)))
    layout = [(c["displayName"], c["type"], c["ChildItemVOs"]) for c in root["ChildItemVOs"]]
    assert (root["displayName"], root["type"], layout) == (
        "Archive Root",
        "type.folder.root.root",
        [
            ("Apps", "type.folder.root.app", []),
            ("My Files", "type.folder.root.private", []),
            ("Public", "type.folder.root.public", []),
        ],
    )


def test_seed_my_files_holds_demo_folders_and_welcome(api: Api, world: World) -> None:
    """Demo's My Files holds Documents, Empty Folder, Many Files, Photos and welcome.txt."""
    names = [c["downloadName"] for c in api.children(world.my_files, world.demo_archive)]
    assert names == ["Documents", "Empty Folder", "Many Files", "Photos", "welcome.txt"]


def test_seed_documents_holds_deduplicated_notes(api: Api, world: World) -> None:
    """Documents holds two records named notes.txt, the second de-duplicated to "notes (1).txt"."""
    children = api.children(world.documents, world.demo_archive)
    notes = sorted((c["displayName"], c["downloadName"]) for c in children if c["displayName"] == "notes.txt")
    assert notes == [("notes.txt", "notes (1).txt"), ("notes.txt", "notes.txt")]


def test_seed_many_files_has_150_children(api: Api, world: World) -> None:
    """Many Files holds MANY_FILES_COUNT (150) records for paging."""
    assert len(api.children(world.many_files, world.demo_archive)) == seed.MANY_FILES_COUNT == 150


def test_seed_records_have_their_bytes(api: Api, world: World) -> None:
    """A seeded record's original file downloads with the seeded bytes."""
    welcome = api.child(world.my_files, world.demo_archive, "welcome.txt")
    record = ok(api.get("/api/record/get", recordId=welcome["recordId"], archiveId=world.demo_archive))
    assert api.download(record["FileVOs"][0]["fileURL"]).data == b"Welcome to the permanent-mock demo archive.\n"


def test_tiny_png_is_a_valid_png() -> None:
    """content.png builds a PNG signature, an IHDR of the asked size and a CRC-correct chunk stream."""
    png = content.png(3, 2)
    width, height = struct.unpack(">II", png[16:24])
    crc = struct.unpack(">I", png[29:33])[0]
    assert (png[:8], width, height, crc) == (b"\x89PNG\r\n\x1a\n", 3, 2, zlib.crc32(png[12:29]))


def test_seeded_meta_tokens_are_not_reproducible() -> None:
    """Two seedings give the same world but fresh tokens: a fixed-seed RNG would make them guessable."""
    tokens = []
    for _ in range(2):
        app = create_app(Settings(processing_seconds=0))
        headers = {"Request-Version": "2", "Authorization": f"Bearer {mint_token(app, seed.DEMO_EMAIL)}"}
        client = app.test_client()
        query = {"folderId": 3, "archiveId": 1}  # the demo's My Files
        my_files = client.get("/api/folder/getWithChildren", query_string=query, headers=headers).get_json()
        documents = next(c["folderId"] for c in my_files["ChildItemVOs"] if c["displayName"] == "Documents")
        query = {"folderId": documents, "archiveId": 1}
        listing = client.get("/api/folder/getWithChildren", query_string=query, headers=headers).get_json()
        tokens.append(sorted((child["displayName"], child.get("metaToken")) for child in listing["ChildItemVOs"]))
    names = [[name for name, _ in listing] for listing in tokens]
    assert (names[0] == names[1], tokens[0] == tokens[1], all(t for _, t in tokens[0])) == (True, False, True)
