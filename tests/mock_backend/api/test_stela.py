"""Tests of mock_backend.api.stela: Stela v2 `GET /folder` and `GET /folder/{id}/children` paging (§8)."""

from __future__ import annotations

from typing import Any

import pytest

from mock_backend.config import Quirks
from mock_backend.domain import seed
from mock_backend.scenarios import content
from tests.conftest import Api, World, ok

STELA_FOLDER_KEYS = {
    "folderId",
    "folderLinkId",
    "archiveNumber",
    "displayName",
    "downloadName",
    "size",
    "type",
    "status",
    "sort",
    "view",
    "createdAt",
    "updatedAt",
    "displayTimestamp",
    "parentFolder",
}


def _all_children(api: Api, folder_id: int, page_size: int) -> list[dict[str, Any]]:
    """Follow nextCursor from the first page until a page holds fewer than page_size items."""
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    for _ in range(1000):
        page = ok(api.stela_children(folder_id, page_size=page_size, cursor=cursor))
        items += page["items"]
        if len(page["items"]) < page_size:
            return items
        cursor = page["pagination"]["nextCursor"]
    raise AssertionError("paging did not end")


# ---------------------------------------------------------------- GET /folder
def test_get_folders_answers_exactly_items(api: Api, world: World) -> None:
    """GET /folder answers exactly `{"items": [...]}` with the asked folder."""
    body = ok(api.stela_folders(world.my_files))
    assert (list(body), [i["displayName"] for i in body["items"]]) == (["items"], ["My Files"])


def test_get_folders_folder_has_stela_fields(api: Api, world: World) -> None:
    """A StelaFolder carries every field the SDK reads, and no record keys."""
    [folder] = ok(api.stela_folders(world.documents))["items"]
    assert (STELA_FOLDER_KEYS - set(folder), {"recordId", "files"} & set(folder)) == (set(), set())


def test_get_folders_size_is_deep_bytes(api: Api, world: World) -> None:
    """A folder's size is the bytes of every file below it (Photos: both PNGs, one a level down)."""
    [photos] = ok(api.stela_folders(world.photos))["items"]
    assert photos["size"] == len(content.png()) + len(content.png(rgb=(230, 126, 34)))


def test_get_folders_several_ids_answer_each_visible_folder(api: Api, world: World) -> None:
    """Repeated folderIds[] answer every visible folder among them."""
    items = ok(api.stela_folders(world.documents, world.photos, 987654))["items"]
    assert sorted(i["displayName"] for i in items) == ["Documents", "Photos"]


def test_get_folders_anonymous_sees_nothing(api: Api, world: World) -> None:
    """Without a token, GET /folder answers `{"items": []}` (anonymous callers see nothing), not 401."""
    assert ok(api.stela_folders(world.my_files, account=None)) == {"items": []}


def test_get_folders_bad_token_is_anonymous(api: Api, world: World) -> None:
    """An invalid token is treated as anonymous: `{"items": []}`, not 401."""
    response = api.client.get(
        "/api/v2/folder",
        query_string={"folderIds[]": world.my_files},
        headers={"Authorization": "Bearer nonsense"},
    )
    assert ok(response) == {"items": []}


def test_get_folders_other_accounts_folder_is_invisible(api: Api, world: World) -> None:
    """Another account's folder is left out: `{"items": []}`."""
    assert ok(api.stela_folders(world.private_my_files)) == {"items": []}


def test_get_folders_unknown_id_is_empty(api: Api) -> None:
    """An unknown folder id answers `{"items": []}` (the SDK turns that into "Folder not found")."""
    assert ok(api.stela_folders(987654)) == {"items": []}


def test_get_folders_viewer_sees_shared_folder(api: Api, world: World) -> None:
    """A viewer sees the folders of the shared archive."""
    assert [i["displayName"] for i in ok(api.stela_folders(world.recipes))["items"]] == ["Recipes"]


def test_get_folders_url_encoded_key_is_understood(api: Api, world: World) -> None:
    """The SDK's wire form `folderIds%5B%5D=N` is the same parameter."""
    response = api.client.get(f"/api/v2/folder?folderIds%5B%5D={world.photos}", headers=api.headers())
    assert [i["displayName"] for i in ok(response)["items"]] == ["Photos"]


def test_get_folders_without_ids_is_joi_error(api: Api) -> None:
    """GET /folder without folderIds answers 400 with a joi-style `{"error": "<message>"}`."""
    response = api.get("/api/v2/folder")
    assert (response.status_code, response.get_json()) == (400, {"error": '"folderIds" is required'})


# ---------------------------------------------------------------- GET /folder/{id}/children
def test_get_children_first_page_of_many_files_has_100(api: Api, world: World) -> None:
    """pageSize 100 over Many Files (150) answers 100 items and totalPages 1 (Stela's integer division rounds down)."""
    page = ok(api.stela_children(world.many_files, page_size=100))
    assert (len(page["items"]), page["pagination"]["totalPages"]) == (100, 1)


@pytest.mark.parametrize(
    "settings_overrides", [{"quirks": Quirks(stela_total_pages_round_down=False)}], ids=["quirk-off"]
)
def test_get_children_total_pages_without_quirk_rounds_up(api: Api, world: World) -> None:
    """With stela_total_pages_round_down off, totalPages is ceil(150 / 100) = 2."""
    assert ok(api.stela_children(world.many_files, page_size=100))["pagination"]["totalPages"] == 2


def test_get_children_next_cursor_is_last_link_id_as_string(api: Api, world: World) -> None:
    """nextCursor is the last item's folderLinkId, as a string."""
    page = ok(api.stela_children(world.many_files, page_size=100))
    assert page["pagination"]["nextCursor"] == str(page["items"][-1]["folderLinkId"])


def test_get_children_next_page_is_url_of_following_page(api: Api, world: World) -> None:
    """nextPage is the mock's own `{base}/api/v2/folders/{id}/children?…` (the plural route, as real Stela)."""
    pagination = ok(api.stela_children(world.many_files, page_size=100))["pagination"]
    assert pagination["nextPage"] == (
        f"http://localhost/api/v2/folders/{world.many_files}/children?pageSize=100&cursor={pagination['nextCursor']}"
    )


def test_get_children_plural_route_answers_same_page(api: Api, world: World) -> None:
    """The plural `/api/v2/folders/{id}/children` serves the same page as the deprecated singular route."""
    plural = api.get(f"/api/v2/folders/{world.many_files}/children", pageSize=7)
    assert ok(plural) == ok(api.stela_children(world.many_files, page_size=7))


def test_get_folders_plural_route_answers_a_page(api: Api, world: World) -> None:
    """The plural `/api/v2/folders` is paged as on real Stela: link-id order, a cursor, a true-ceiling count."""
    query = {"folderIds[]": [str(world.photos), str(world.documents), str(world.many_files)], "pageSize": "2"}
    first = ok(api.get("/api/v2/folders", **query))
    second = ok(api.get("/api/v2/folders", **query, cursor=first["pagination"]["nextCursor"]))
    assert (
        [f["displayName"] for f in first["items"]],
        first["pagination"]["totalPages"],
        [f["displayName"] for f in second["items"]],
    ) == (["Documents", "Photos"], 2, ["Many Files"])


def test_get_folders_plural_route_without_page_size_is_joi_error(api: Api, world: World) -> None:
    """The plural route wants a pageSize: 400 `"pageSize" is required`, as real Stela answers."""
    response = api.get("/api/v2/folders", **{"folderIds[]": str(world.documents)})
    assert (response.status_code, response.get_json()) == (400, {"error": '"pageSize" is required'})


def test_get_folders_ids_without_brackets_is_joi_error(api: Api, world: World) -> None:
    """`folderIds=N` (no `[]`) answers 400 `"folderIds" must be an array`, as Stela's Joi schema does."""
    response = api.get("/api/v2/folder", folderIds=str(world.documents))
    assert (response.status_code, response.get_json()) == (400, {"error": '"folderIds" must be an array'})


@pytest.mark.parametrize(
    "settings_overrides", [{"quirks": Quirks(stela_folder_ids_need_brackets=False)}], ids=["quirk-off"]
)
def test_get_folders_ids_without_brackets_without_quirk_is_accepted(api: Api, world: World) -> None:
    """With stela_folder_ids_need_brackets off, `folderIds=N` is read like `folderIds[]=N`."""
    [folder] = ok(api.get("/api/v2/folder", folderIds=str(world.documents)))["items"]
    assert folder["displayName"] == "Documents"


def test_get_folders_folder_carries_archive_and_paths(api: Api, world: World) -> None:
    """A Stela folder carries `archive {id, name}` and `paths` from below the archive root (real Stela)."""
    [folder] = ok(api.stela_folders(world.documents))["items"]
    assert (folder["archive"]["name"], folder["paths"]["names"], len(folder["paths"]["folderLinkIds"])) == (
        "Demo Archive",
        ["My Files", "Documents"],
        2,
    )


def test_get_children_second_page_of_many_files_has_50(api: Api, world: World) -> None:
    """Following the first nextCursor answers the remaining 50 items, still totalPages 1."""
    first = ok(api.stela_children(world.many_files, page_size=100))
    second = ok(api.stela_children(world.many_files, page_size=100, cursor=first["pagination"]["nextCursor"]))
    assert (len(second["items"]), second["pagination"]["totalPages"]) == (50, 1)


@pytest.mark.parametrize("page_size", [1, 7, 50, 100, 149, 150, 1000], ids=lambda n: f"page-{n}")
def test_get_children_following_cursors_yields_each_child_once_in_order(api: Api, world: World, page_size: int) -> None:
    """Following nextCursor lists every child of Many Files exactly once, alphabetically."""
    names = [i["displayName"] for i in _all_children(api, world.many_files, page_size)]
    expected = [f"file-{n:03d}.txt" for n in range(1, seed.MANY_FILES_COUNT + 1)]
    assert names == expected


def test_get_children_mixed_folder_orders_folders_and_records_by_name(api: Api, world: World) -> None:
    """Children are ranked by displayName whatever their type (folders and records mixed)."""
    items = ok(api.stela_children(world.my_files))["items"]
    assert [(i["displayName"], i["itemType"]) for i in items] == [
        ("Documents", "folder"),
        ("Empty Folder", "folder"),
        ("Many Files", "folder"),
        ("Photos", "folder"),
        ("welcome.txt", "record"),
    ]


def test_get_children_folder_items_never_carry_record_keys(api: Api, world: World) -> None:
    """Folder children have no recordId or files keys."""
    folders = [i for i in ok(api.stela_children(world.my_files))["items"] if i["itemType"] == "folder"]
    assert [{"recordId", "files"} & set(f) for f in folders] == [set()] * 4


def test_get_children_record_items_never_carry_folder_id(api: Api, world: World) -> None:
    """Record children have no folderId key, and always a files array of complete StelaFiles."""
    records = [i for i in ok(api.stela_children(world.documents))["items"] if i["itemType"] == "record"]
    assert [("folderId" in r, len(r["files"])) for r in records] == [(False, 1)] * 4


def test_get_children_without_page_size_is_joi_required(api: Api, world: World) -> None:
    """A children request without pageSize answers 400 `{"error": "\\"pageSize\\" is required"}`."""
    response = api.get(f"/api/v2/folder/{world.many_files}/children")
    assert (response.status_code, response.get_json()) == (400, {"error": '"pageSize" is required'})


@pytest.mark.parametrize("page_size", ["0", "abc", "-5", "1.5"], ids=["zero", "letters", "negative", "fraction"])
def test_get_children_bad_page_size_is_joi_error(api: Api, world: World, page_size: str) -> None:
    """A pageSize that is not a positive integer answers 400 with a joi-style string error."""
    response = api.get(f"/api/v2/folder/{world.many_files}/children", pageSize=page_size)
    assert (response.status_code, isinstance(response.get_json()["error"], str)) == (400, True)


def test_get_children_cursor_from_other_folder_restarts_at_page_one(api: Api, world: World) -> None:
    """A cursor that is not a child of the folder answers page 1 again, as real Stela does."""
    other = ok(api.stela_children(world.documents))["items"][0]["folderLinkId"]
    restarted = ok(api.stela_children(world.many_files, page_size=10, cursor=str(other)))
    assert restarted == ok(api.stela_children(world.many_files, page_size=10))


@pytest.mark.parametrize("settings_overrides", [{"quirks": Quirks(stela_stale_cursor_restarts=False)}], ids=["off"])
def test_get_children_cursor_from_other_folder_without_quirk_is_joi_error(api: Api, world: World) -> None:
    """With stela_stale_cursor_restarts off, a foreign cursor answers 400 with a joi-style string error."""
    other = ok(api.stela_children(world.documents))["items"][0]["folderLinkId"]
    response = api.stela_children(world.many_files, cursor=str(other))
    assert (response.status_code, isinstance(response.get_json()["error"], str)) == (400, True)


def test_get_children_anonymous_is_empty_page_with_count(api: Api, world: World) -> None:
    """Without a token, a private folder's page is empty, but its page count leaks, as on real Stela."""
    body = ok(api.stela_children(world.many_files, account=None, page_size=100))
    assert body == {"items": [], "pagination": {"totalPages": 1}}


def test_get_children_other_accounts_folder_is_empty_page(api: Api, world: World) -> None:
    """Another account's folder answers 200 with no items on the children route."""
    assert ok(api.stela_children(world.private_my_files))["items"] == []


def test_get_children_unknown_folder_is_empty_page(api: Api) -> None:
    """An unknown folder answers 200 `{"items": [], "pagination": {"totalPages": 0}}`."""
    assert ok(api.stela_children(987654)) == {"items": [], "pagination": {"totalPages": 0}}


@pytest.mark.parametrize(
    "settings_overrides", [{"quirks": Quirks(stela_invisible_children_empty_page=False)}], ids=["quirk-off"]
)
@pytest.mark.parametrize("who", ["anonymous", "other-archive", "unknown"])
def test_get_children_invisible_folder_without_quirk_is_404(api: Api, world: World, who: str) -> None:
    """With stela_invisible_children_empty_page off, invisible and unknown folders answer 404 `{"error": {…}}`."""
    folder_id, account = {
        "anonymous": (world.my_files, None),
        "other-archive": (world.private_my_files, "demo"),
        "unknown": (987654, "demo"),
    }[who]
    response = api.stela_children(folder_id) if account else api.stela_children(folder_id, account=None)
    assert (response.status_code, set(response.get_json()["error"])) == (404, {"message"})


def test_get_children_empty_folder_omits_cursor(api: Api, world: World) -> None:
    """With the quirk on (default), an empty folder's page is `{"items": [], "pagination": {"totalPages": 0}}`."""
    assert ok(api.stela_children(world.empty_folder)) == {"items": [], "pagination": {"totalPages": 0}}


def test_get_children_page_after_exact_final_page_omits_cursor(api: Api, world: World) -> None:
    """The page after a final page of exactly pageSize items is empty and has no nextCursor (quirk on)."""
    first = ok(api.stela_children(world.many_files, page_size=75))
    second = ok(api.stela_children(world.many_files, page_size=75, cursor=first["pagination"]["nextCursor"]))
    third = ok(api.stela_children(world.many_files, page_size=75, cursor=second["pagination"]["nextCursor"]))
    assert third == {"items": [], "pagination": {"totalPages": 0}}


@pytest.mark.parametrize(
    "settings_overrides", [{"quirks": Quirks(stela_empty_page_omits_cursor=False)}], ids=["quirk-off"]
)
def test_get_children_empty_folder_without_quirk_has_null_cursor(api: Api, world: World) -> None:
    """With stela_empty_page_omits_cursor off, an empty page carries nextCursor and nextPage (null)."""
    assert ok(api.stela_children(world.empty_folder))["pagination"] == {
        "nextCursor": None,
        "nextPage": None,
        "totalPages": 0,
    }


@pytest.mark.parametrize(
    ("settings_overrides", "id_type"),
    [({}, str), ({"quirks": Quirks(stela_string_ids=False)}, int)],
    ids=["quirk-on-strings", "quirk-off-integers"],
)
def test_get_children_ids_follow_string_ids_quirk(api: Api, world: World, id_type: type) -> None:
    """folderId, folderLinkId, recordId, fileId and parentFolder.id are strings with the quirk, integers without."""
    items = ok(api.stela_children(world.photos))["items"]
    folder = next(i for i in items if i["itemType"] == "folder")
    record = next(i for i in items if i["itemType"] == "record")
    ids = [
        folder["folderId"],
        folder["folderLinkId"],
        folder["parentFolder"]["id"],
        record["recordId"],
        record["folderLinkId"],
        record["files"][0]["fileId"],
    ]
    assert [type(value) for value in ids] == [id_type] * 6


@pytest.mark.parametrize(
    ("settings_overrides", "expected"),
    [
        ({}, ("private", "ok", "alphabetical-ascending", "grid")),
        (
            {"quirks": Quirks(stela_pretty_folder_enums=False)},
            ("type.folder.private", "status.generic.ok", "sort.alphabetical_asc", "folder.view.grid"),
        ),
    ],
    ids=["quirk-on-pretty", "quirk-off-raw"],
)
def test_get_folders_enums_follow_pretty_enums_quirk(api: Api, world: World, expected: tuple[str, ...]) -> None:
    """Folder type/status/sort/view are "pretty" with the quirk, raw PHP strings without."""
    [folder] = ok(api.stela_folders(world.documents))["items"]
    assert (folder["type"], folder["status"], folder["sort"], folder["view"]) == expected


@pytest.mark.parametrize(
    ("root", "pretty"),
    [("Apps", "app-root"), ("My Files", "private-root"), ("Public", "public-root")],
)
def test_get_folders_root_folders_have_pretty_root_types(api: Api, world: World, root: str, pretty: str) -> None:
    """Root folders have the pretty types app-root, private-root and public-root."""
    folder_id = api.root_child(world.demo_archive, root)["folderId"]
    assert ok(api.stela_folders(folder_id))["items"][0]["type"] == pretty


def test_get_children_records_keep_raw_enums_with_pretty_quirk(api: Api, world: World) -> None:
    """With the pretty-enum quirk on, records still use raw type and status strings."""
    record = next(i for i in ok(api.stela_children(world.photos))["items"] if i["itemType"] == "record")
    assert (record["type"], record["status"]) == ("type.record.image", "status.generic.ok")


def test_get_children_timestamps_have_milliseconds_and_z(api: Api, world: World) -> None:
    """Item timestamps are `….000Z`; file timestamps `…+00:00`, as Stela's JSONB builds them."""
    record = next(i for i in ok(api.stela_children(world.photos))["items"] if i["itemType"] == "record")
    assert (record["createdAt"], record["files"][0]["updatedAt"]) == (
        "2024-01-02T15:04:05.000Z",
        "2024-01-02T15:04:05+00:00",
    )


@pytest.mark.parametrize(
    "settings_overrides", [{"quirks": Quirks(stela_jsonb_file_timestamps=False)}], ids=["quirk-off"]
)
def test_get_children_file_timestamps_without_quirk_have_z(api: Api, world: World) -> None:
    """With stela_jsonb_file_timestamps off, file timestamps are `….000Z` like the items'."""
    record = next(i for i in ok(api.stela_children(world.photos))["items"] if i["itemType"] == "record")
    assert record["files"][0]["updatedAt"] == "2024-01-02T15:04:05.000Z"


def test_get_children_record_carries_parent_and_link_type(api: Api, world: World) -> None:
    """A Stela record names its parent folder link, its archive and its link type, as real Stela does."""
    record = next(i for i in ok(api.stela_children(world.documents))["items"] if i["itemType"] == "record")
    assert (record["parentFolderId"], record["folderLinkType"], record["archive"]["name"]) == (
        str(world.documents),
        "type.folder_link.private",
        "Demo Archive",
    )


@pytest.mark.parametrize(
    "route", ["/api/v2/folders/{f}/children?pageSize=5&cursor=", "/api/v2/folders?folderIds[]={f}&pageSize=5&cursor="]
)
def test_an_empty_cursor_is_not_an_absent_one(api: Api, world: World, route: str) -> None:
    """`cursor=` is present and not a number: Joi's number() refuses it (400), unlike a missing cursor."""
    response = api.client.get(route.format(f=world.my_files), headers=api.headers())
    assert (response.status_code, response.get_json()) == (400, {"error": '"cursor" must be a number'})
