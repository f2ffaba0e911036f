"""Tests of Stela `GET /api/v2/record?recordIds[]=`: a bare array of records, as the web app's viewer reads it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api, World, ok

#: What the web app reads of a StelaRecord (web-app record.repo.ts, reference web-app.md §2 row 5b/6).
WEB_APP_RECORD_KEYS = {
    "recordId",
    "archiveNumber",
    "folderLinkId",
    "parentFolderLinkId",
    "displayDate",
    "files",
    "thumbnailUrls",
    "tags",
    "shares",
    "location",
    "type",
    "status",
    "displayName",
}


def _record_id(api: Api, world: World, folder_id: int, name: str) -> int:
    return int(api.child(folder_id, world.demo_archive, name)["recordId"])


def _records(api: Api, *ids: int | str, account: str | None = "demo") -> Any:
    return api.client.get(
        "/api/v2/record", query_string=[("recordIds[]", str(i)) for i in ids], headers=api.headers(account)
    )


def test_get_records_answers_a_bare_array_with_what_the_web_app_reads(api: Api, world: World) -> None:
    """GET /record answers a JSON array (not `{items}`) whose record has every key the web app reads."""
    notes = _record_id(api, world, world.documents, "notes.txt")
    body = ok(_records(api, notes))
    assert (type(body), len(body), WEB_APP_RECORD_KEYS - set(body[0])) == (list, 1, set())


def test_get_records_record_carries_ids_files_and_parent(api: Api, world: World) -> None:
    """The record says its ids as strings, its parent folder's link id, and its file with signed URLs."""
    documents = api.child(world.my_files, world.demo_archive, "Documents")
    notes = api.child(world.documents, world.demo_archive, "notes.txt")
    [record] = ok(_records(api, notes["recordId"]))
    [file] = record["files"]
    got = (record["recordId"], record["folderLinkId"], record["parentFolderLinkId"], file["format"])
    wanted = (
        str(notes["recordId"]),
        str(notes["folder_linkId"]),
        str(documents["folder_linkId"]),
        "file.format.original",
    )
    assert got == wanted
    assert (set(file) >= {"fileId", "fileUrl", "downloadUrl", "type", "size"}, "itemType" in record) == (True, False)


def test_get_records_keeps_the_asked_order_and_repeats(api: Api, world: World) -> None:
    """Records come in the order of `recordIds[]`, an id asked twice twice (stela record/service.ts getRecords)."""
    notes = _record_id(api, world, world.documents, "notes.txt")
    report = _record_id(api, world, world.documents, "report.csv")
    body = ok(_records(api, report, notes, report))
    assert [r["recordId"] for r in body] == [str(report), str(notes), str(report)]


def test_get_records_leaves_out_unknown_and_invisible_ids(api: Api, world: World) -> None:
    """Unknown ids and another account's private records are left out; a shared archive's record is there."""
    notes = _record_id(api, world, world.documents, "notes.txt")
    secret = api.children(world.private_my_files, world.private_archive, "other")[0]["recordId"]
    bread = api.child(world.recipes, world.family_archive, "bread.txt")["recordId"]
    body = ok(_records(api, notes, 987654, secret, bread))
    assert [r["recordId"] for r in body] == [str(notes), str(bread)]


def test_get_records_anonymous_gets_an_empty_array(api: Api, world: World) -> None:
    """Without a token the answer is `[]` (the mock has no public items), not 401."""
    notes = _record_id(api, world, world.documents, "notes.txt")
    assert ok(_records(api, notes, account=None)) == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ([], '"value" must contain at least one of [recordIds, archiveId]'),
        ([("recordIds", "3")], '"recordIds" must be an array'),
        ([("recordIds[]", "")], '"recordIds[0]" is not allowed to be empty'),
        ([("recordIds[]", "3"), ("color", "red")], '"color" is not allowed'),
        ([("recordIds[]", "3"), ("recordIds[]", "abc")], '"recordIds[1]" must be a number'),
        ([("recordIds[]", "0")], '"recordIds[0]" must be greater than or equal to 1'),
    ],
    ids=["missing", "without-brackets", "empty-id", "unknown-key", "non-numeric", "zero"],
)
def test_get_records_bad_query_is_joi_400(api: Api, query: list[tuple[str, str]], message: str) -> None:
    """A query Stela's Joi schema refuses answers 400 `{"error": "<joi message>"}`; so does an id that is no
    number, where real Stela's SQL fails with a 500."""
    response = api.client.get("/api/v2/record", query_string=query, headers=api.headers())
    assert (response.status_code, response.get_json()) == (400, {"error": message})
