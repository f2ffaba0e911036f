"""Tests of Stela's share-link routes (stela share_link/* at 3ee7ab2) over the one link PHP also answers."""

from __future__ import annotations

from typing import Any

import pytest
from werkzeug.test import TestResponse

from mock_backend.config import Quirks
from tests.conftest import Api, World, ok

SHARE_LINK_KEYS = {
    "id",
    "itemId",
    "itemType",
    "token",
    "permissionsLevel",
    "accessRestrictions",
    "maxUses",
    "usesExpended",
    "expirationTimestamp",
    "creatorAccount",
    "createdAt",
    "updatedAt",
}


def _send(api: Api, method: str, path: str, body: Any = None, account: str | None = "demo") -> TestResponse:
    return api.client.open(path, method=method, json=body, headers=api.headers(account))


def _create(
    api: Api, item_id: int, item_type: str = "record", account: str | None = "demo", **extra: Any
) -> TestResponse:
    return _send(api, "POST", "/api/v2/share-links", {"itemId": str(item_id), "itemType": item_type, **extra}, account)


def _notes(api: Api, world: World) -> dict[str, Any]:
    return api.child(world.documents, world.demo_archive, "notes.txt")


def _link(api: Api, world: World) -> dict[str, Any]:
    """Create the share link of notes.txt through Stela and return it."""
    response = _create(api, _notes(api, world)["recordId"])
    assert response.status_code == 201
    link: dict[str, Any] = response.get_json()["data"]
    return link


def _stela_error(response: TestResponse) -> tuple[int, Any]:
    return response.status_code, response.get_json()


# ---------------------------------------------------------------- POST /share-links
def test_create_share_link_answers_201_data_with_stela_defaults(api: Api, world: World) -> None:
    """POST answers 201 `{"data": ShareLink}`: unrestricted, viewer-level, unlimited, by the caller."""
    notes = _notes(api, world)
    response = _create(api, notes["recordId"])
    link = response.get_json()["data"]
    got = (response.status_code, set(link), link["itemId"], link["itemType"], link["creatorAccount"]["name"])
    assert got == (201, SHARE_LINK_KEYS, str(notes["recordId"]), "record", "Demo User")
    restrictions = (link["permissionsLevel"], link["accessRestrictions"], link["maxUses"], link["expirationTimestamp"])
    assert restrictions == ("viewer", "none", None, None)


def test_create_share_link_with_restrictions_keeps_them(api: Api, world: World) -> None:
    """accessRestrictions, permissionsLevel, maxUses and expirationTimestamp are stored as asked."""
    link = _create(
        api,
        world.photos,
        "folder",
        accessRestrictions="approval",
        permissionsLevel="editor",
        maxUses=5,
        expirationTimestamp="2031-01-02T03:04:05.000Z",
    ).get_json()["data"]
    got = (link["itemType"], link["accessRestrictions"], link["permissionsLevel"], link["maxUses"])
    assert (got, link["expirationTimestamp"]) == (("folder", "approval", "editor", 5), "2031-01-02T03:04:05.000Z")


def test_create_share_link_twice_returns_the_items_one_link(api: Api, world: World) -> None:
    """The mock keeps one link per item: a second POST returns the first link unchanged."""
    first = _link(api, world)
    again = _create(api, int(first["itemId"]), accessRestrictions="account").get_json()["data"]
    assert (again["id"], again["accessRestrictions"]) == (first["id"], "none")


@pytest.mark.parametrize(
    ("item", "status", "message"),
    [
        ("unknown", 404, "Not Found"),
        ("secret", 404, "Not Found"),
        ("non-numeric", 404, "Not Found"),
        ("bread", 403, "User does not have permission to share item."),
    ],
    ids=["unknown", "another-archive", "non-numeric", "viewer"],
)
def test_create_share_link_refused(api: Api, world: World, item: str, status: int, message: str) -> None:
    """Unknown and foreign items are 404 `Not Found`; a viewer of the archive gets 403 (Stela's messages)."""
    ids = {
        "unknown": "987654",
        "non-numeric": "abc",
        "secret": str(api.children(world.private_my_files, world.private_archive, "other")[0]["recordId"]),
        "bread": str(api.child(world.recipes, world.family_archive, "bread.txt")["recordId"]),
    }
    response = _send(api, "POST", "/api/v2/share-links", {"itemId": ids[item], "itemType": "record"})
    assert _stela_error(response) == (status, {"error": {"message": message}})


def test_create_share_link_without_token_is_401(api: Api, world: World) -> None:
    """Creating needs a token: 401 `Invalid Authorization header format` (stela verifyUserAuthentication)."""
    response = _create(api, _notes(api, world)["recordId"], account=None)
    assert _stela_error(response) == (401, {"error": {"message": "Invalid Authorization header format"}})


def test_create_share_link_with_bad_token_is_401_invalid_token(api: Api, world: World) -> None:
    """A token that does not authenticate answers 401 `Invalid token`."""
    response = api.client.post(
        "/api/v2/share-links", json={"itemId": "1", "itemType": "record"}, headers={"Authorization": "Bearer nope"}
    )
    assert _stela_error(response) == (401, {"error": {"message": "Invalid token"}})


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, '"itemId" is required'),
        ({"itemId": 7, "itemType": "record"}, '"itemId" must be a string'),
        ({"itemId": "", "itemType": "record"}, '"itemId" is not allowed to be empty'),
        ({"itemId": "7"}, '"itemType" is required'),
        ({"itemId": "7", "itemType": "archive"}, '"itemType" must be one of [record, folder]'),
        ({"itemId": "7", "itemType": "record", "permissionsLevel": "editor"}, '"permissionsLevel" must be [viewer]'),
        ({"itemId": "7", "itemType": "record", "maxUses": 3}, '"maxUses" is not allowed'),
        (
            {"itemId": "7", "itemType": "record", "accessRestrictions": "account", "maxUses": 0},
            '"maxUses" must be greater than or equal to 1',
        ),
        (
            {"itemId": "7", "itemType": "record", "accessRestrictions": "account", "maxUses": 1.5},
            '"maxUses" must be an integer',
        ),
        (
            {"itemId": "7", "itemType": "record", "expirationTimestamp": "tomorrow"},
            '"expirationTimestamp" must be in ISO 8601 date format',
        ),
        ({"itemId": "7", "itemType": "record", "colour": "red"}, '"colour" is not allowed'),
        ([1, 2], '"value" must be of type object'),
    ],
    ids=[
        "empty",
        "number-id",
        "empty-id",
        "no-type",
        "bad-type",
        "editor-unrestricted",
        "max-uses-unrestricted",
        "max-uses-zero",
        "max-uses-fraction",
        "bad-timestamp",
        "unknown-key",
        "array",
    ],
)
def test_create_share_link_bad_body_is_joi_400(api: Api, body: Any, message: str) -> None:
    """A body Stela's Joi schema refuses answers 400 `{"error": "<joi message>"}`."""
    response = _send(api, "POST", "/api/v2/share-links", body)
    assert _stela_error(response) == (400, {"error": message})


# ---------------------------------------------------------------- item share links
def test_get_record_share_links_lists_the_link(api: Api, world: World) -> None:
    """GET /record/{id}/share-links answers `{"items": [link]}`, counts as strings (quirk on)."""
    link = _link(api, world)
    _send(api, "PATCH", f"/api/v2/share-links/{link['id']}", {"accessRestrictions": "account", "maxUses": 4})
    body = ok(_send(api, "GET", f"/api/v2/record/{link['itemId']}/share-links"))
    assert (list(body), [i["id"] for i in body["items"]], body["items"][0]["maxUses"]) == (["items"], [link["id"]], "4")


@pytest.mark.parametrize("settings_overrides", [{"quirks": Quirks(stela_share_link_list_counts_as_strings=False)}])
def test_get_record_share_links_counts_are_numbers_with_the_quirk_off(api: Api, world: World) -> None:
    """With stela_share_link_list_counts_as_strings off, list counts are numbers."""
    link = _link(api, world)
    _send(api, "PATCH", f"/api/v2/share-links/{link['id']}", {"accessRestrictions": "account", "maxUses": 4})
    [item] = ok(_send(api, "GET", f"/api/v2/record/{link['itemId']}/share-links"))["items"]
    assert (item["maxUses"], item["usesExpended"]) == (4, 0)


def test_get_folder_share_links_lists_a_php_created_link(api: Api, world: World) -> None:
    """A link made by PHP generateShareLink is the folder's Stela link: same id and token, itemType folder."""
    photos = api.child(world.my_files, world.demo_archive, "Photos")
    php = ok(api.post("/api/share/generateShareLink", {"folderLinkId": photos["folder_linkId"]}))
    [link] = ok(_send(api, "GET", f"/api/v2/folder/{world.photos}/share_links"))["items"]
    got = (link["id"], link["token"], link["itemId"], link["itemType"], link["accessRestrictions"])
    assert got == (str(php["shareby_urlId"]), php["urlToken"], str(world.photos), "folder", "approval")


def test_get_item_share_links_of_an_item_without_link_or_unknown_is_empty(api: Api, world: World) -> None:
    """An item without a link, or no such item, answers `{"items": []}`."""
    unknown = ok(_send(api, "GET", "/api/v2/record/987654/share-links"))
    bare = ok(_send(api, "GET", f"/api/v2/folder/{world.documents}/share_links"))
    assert (unknown, bare) == ({"items": []}, {"items": []})


def test_get_item_share_links_of_another_accounts_link_is_empty(api: Api, world: World) -> None:
    """A link the caller may not manage (the other account's) is not listed."""
    bread = api.child(world.recipes, world.family_archive, "bread.txt")
    assert _create(api, bread["recordId"], account="other").status_code == 201
    body = ok(_send(api, "GET", f"/api/v2/record/{bread['recordId']}/share-links"))
    assert body == {"items": []}


def test_get_item_share_links_without_token_is_401(api: Api, world: World) -> None:
    """The item share-link routes need a token."""
    response = _send(api, "GET", f"/api/v2/folder/{world.photos}/share_links", account=None)
    assert _stela_error(response) == (401, {"error": {"message": "Invalid Authorization header format"}})


# ---------------------------------------------------------------- GET /share-links
def test_get_share_links_by_id_answers_a_page(api: Api, world: World) -> None:
    """Links by id come as one page: nextCursor is the last link's id, totalPages the ceiling."""
    link = _link(api, world)
    response = api.client.get(
        "/api/v2/share-links", query_string=[("shareLinkIds[]", link["id"])], headers=api.headers()
    )
    body = ok(response)
    pagination = body["pagination"]
    got = ([i["id"] for i in body["items"]], pagination["nextCursor"], pagination["totalPages"])
    assert (got, "pageSize=10" in pagination["nextPage"]) == (([link["id"]], link["id"], 1), True)


def test_get_share_links_pages_by_cursor(api: Api, world: World) -> None:
    """pageSize 1 over two links: the second page starts after the first link's id; a third is empty."""
    first = _link(api, world)
    second = _create(api, world.photos, "folder").get_json()["data"]
    ids = [("shareLinkIds[]", first["id"]), ("shareLinkIds[]", second["id"])]
    pages = []
    cursor: list[tuple[str, str]] = []
    for _ in range(3):
        query = [*ids, ("pageSize", "1"), *cursor]
        body = ok(api.client.get("/api/v2/share-links", query_string=query, headers=api.headers()))
        pages.append(([i["id"] for i in body["items"]], body["pagination"]["totalPages"]))
        cursor = [("cursor", body["pagination"].get("nextCursor", ""))]
    assert pages == [([first["id"]], 2), ([second["id"]], 2), ([], 0)]


def test_get_share_links_non_numeric_id_matches_nothing(api: Api, world: World) -> None:
    """Stela compares link ids as text: `abc` or `0012` names no link, and is no error."""
    link = _link(api, world)
    query = [("shareLinkIds[]", "abc"), ("shareLinkIds[]", f"00{link['id']}")]
    body = ok(api.client.get("/api/v2/share-links", query_string=query, headers=api.headers()))
    assert body["items"] == []


def test_get_share_links_by_token_works_anonymously(api: Api, world: World) -> None:
    """Anyone may look a link up by its token (the share preview page does so without a token)."""
    link = _link(api, world)
    query = [("shareTokens[]", link["token"])]
    body = ok(api.client.get("/api/v2/share-links", query_string=query, headers=api.headers(None)))
    assert [i["id"] for i in body["items"]] == [link["id"]]


def test_get_share_links_by_id_anonymously_is_401(api: Api, world: World) -> None:
    """Asking by id without a token answers 401 with Stela's message."""
    response = api.client.get("/api/v2/share-links", query_string=[("shareLinkIds[]", "1")], headers=api.headers(None))
    assert _stela_error(response) == (
        401,
        {"error": {"message": "Accessing share links by ID requires authentication"}},
    )


def test_get_share_links_of_another_account_are_not_shown(api: Api, world: World) -> None:
    """A signed-in caller does not see links they may not manage, asked by id or by token."""
    link = _link(api, world)
    query = [("shareLinkIds[]", link["id"]), ("shareTokens[]", link["token"])]
    body = ok(api.client.get("/api/v2/share-links", query_string=query, headers=api.headers("other")))
    assert body == {"items": [], "pagination": {"totalPages": 0}}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ([("shareLinkIds", "1")], '"shareLinkIds" must be an array'),
        ([("shareLinkIds[]", "1"), ("pageSize", "0")], '"pageSize" must be greater than or equal to 1'),
        ([("shareLinkIds[]", "1"), ("pageSize", "x")], '"pageSize" must be a number'),
        ([("shareTokens[]", "")], '"shareTokens[0]" is not allowed to be empty'),
        ([("colour", "red")], '"colour" is not allowed'),
        ([("shareTokens[]", "t"), ("cursor", "abc")], '"cursor" must be a number'),
    ],
    ids=["no-brackets", "page-size-zero", "page-size-text", "empty-token", "unknown-key", "cursor-text"],
)
def test_get_share_links_bad_query_is_joi_400(api: Api, query: list[tuple[str, str]], message: str) -> None:
    """A query Stela's Joi schema refuses answers 400 `{"error": "<joi message>"}`."""
    response = api.client.get("/api/v2/share-links", query_string=query, headers=api.headers())
    assert _stela_error(response) == (400, {"error": message})


# ---------------------------------------------------------------- PATCH /share-links/{id}
def test_update_share_link_changes_what_php_shows(api: Api, world: World) -> None:
    """A Stela PATCH is the PHP link's change too: role, max uses, approval and expiry agree."""
    link = _link(api, world)
    changes = {
        "accessRestrictions": "account",
        "permissionsLevel": "editor",
        "maxUses": 7,
        "expirationTimestamp": "2031-01-02T03:04:05.000Z",
    }
    updated = ok(_send(api, "PATCH", f"/api/v2/share-links/{link['id']}", changes))["data"]
    notes = _notes(api, world)
    php = ok(api.post("/api/share/generateShareLink", {"folderLinkId": notes["folder_linkId"]}))
    stela_view = (updated["permissionsLevel"], updated["maxUses"], updated["accessRestrictions"])
    php_view = (php["defaultAccessRole"], php["maxUses"], php["autoApproveToggle"], php["expiresDT"])
    assert (stela_view, php_view) == (("editor", 7, "account"), ("access.role.editor", 7, 1, "2031-01-02T03:04:05"))


def test_update_share_link_by_php_shows_in_stela(api: Api, world: World) -> None:
    """A PHP updateShareLink shows in Stela's view: approval off reads `approval`, the role without its prefix."""
    link = _send(api, "POST", "/api/v2/share-links", {"itemId": str(world.photos), "itemType": "folder"})
    share_id = link.get_json()["data"]["id"]
    api.post("/api/share/updateShareLink", {"shareByUrlId": share_id, "defaultAccessRole": "access.role.viewer"})
    [item] = ok(_send(api, "GET", f"/api/v2/folder/{world.photos}/share_links"))["items"]
    assert (item["permissionsLevel"], item["accessRestrictions"]) == ("viewer", "none")


def test_update_share_link_null_clears_max_uses_and_expiry(api: Api, world: World) -> None:
    """null clears maxUses and expirationTimestamp."""
    link = _link(api, world)
    path = f"/api/v2/share-links/{link['id']}"
    _send(
        api,
        "PATCH",
        path,
        {"accessRestrictions": "account", "maxUses": 3, "expirationTimestamp": "2031-01-01T00:00:00Z"},
    )
    cleared = ok(_send(api, "PATCH", path, {"maxUses": None, "expirationTimestamp": None}))["data"]
    assert (cleared["maxUses"], cleared["expirationTimestamp"]) == (None, None)


def test_update_share_link_unrestricted_editor_is_refused_as_http_error(api: Api, world: World) -> None:
    """An unrestricted link may not become editor-level: 400 in http-errors' shape (stela updateShareLink)."""
    link = _link(api, world)
    response = _send(api, "PATCH", f"/api/v2/share-links/{link['id']}", {"permissionsLevel": "editor"})
    message = "Unlisted links cannot have restricted uses or permissions greater than 'viewer'"
    assert _stela_error(response) == (400, {"error": {"message": message}})


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {},
            '"value" must contain at least one of [permissionsLevel, accessRestrictions, expirationTimestamp, maxUses]',
        ),
        ({"accessRestrictions": "none", "maxUses": 2}, '"maxUses" must be [null]'),
        ({"accessRestrictions": "none", "permissionsLevel": "owner"}, '"permissionsLevel" must be [viewer]'),
        ({"maxUses": -1}, '"maxUses" must be greater than or equal to 1'),
        ({"accessRestrictions": "public"}, '"accessRestrictions" must be one of [none, account, approval]'),
        ({"maxUses": 2, "colour": "red"}, '"colour" is not allowed'),
    ],
    ids=["empty", "unrestricted-max-uses", "unrestricted-owner", "negative", "bad-restriction", "unknown-key"],
)
def test_update_share_link_bad_body_is_joi_400(api: Api, world: World, body: Any, message: str) -> None:
    """A body Stela's Joi schema refuses answers 400 `{"error": "<joi message>"}`, before the link is looked up."""
    response = _send(api, "PATCH", "/api/v2/share-links/987654", body)
    assert _stela_error(response) == (400, {"error": message})


@pytest.mark.parametrize("share_id", ["987654", "abc"], ids=["unknown", "non-numeric"])
def test_update_unknown_share_link_is_404(api: Api, share_id: str) -> None:
    """An unknown link, or an id that is no number, answers 404 `Share link not found`."""
    response = _send(api, "PATCH", f"/api/v2/share-links/{share_id}", {"accessRestrictions": "account"})
    assert _stela_error(response) == (404, {"error": {"message": "Share link not found"}})


def test_update_another_accounts_share_link_is_404(api: Api, world: World) -> None:
    """A link the caller may not manage answers 404, and stays as it was."""
    link = _link(api, world)
    response = _send(api, "PATCH", f"/api/v2/share-links/{link['id']}", {"accessRestrictions": "account"}, "other")
    [item] = ok(_send(api, "GET", f"/api/v2/record/{link['itemId']}/share-links"))["items"]
    assert (response.status_code, item["accessRestrictions"]) == (404, "none")


# ---------------------------------------------------------------- DELETE /share-links/{id}
def test_delete_share_link_answers_204_and_php_makes_a_new_one(api: Api, world: World) -> None:
    """DELETE answers 204 with no body; the item has no link any more, so PHP then makes a new one."""
    link = _link(api, world)
    response = _send(api, "DELETE", f"/api/v2/share-links/{link['id']}")
    listed = ok(_send(api, "GET", f"/api/v2/record/{link['itemId']}/share-links"))
    php = ok(api.post("/api/share/generateShareLink", {"folderLinkId": _notes(api, world)["folder_linkId"]}))
    got = (response.status_code, response.data, listed, php["urlToken"] != link["token"])
    assert got == (204, b"", {"items": []}, True)


def test_delete_share_link_twice_is_404(api: Api, world: World) -> None:
    """The second DELETE of a link answers 404 `Share link not found` (stela controller.test.ts)."""
    link = _link(api, world)
    _send(api, "DELETE", f"/api/v2/share-links/{link['id']}")
    response = _send(api, "DELETE", f"/api/v2/share-links/{link['id']}")
    assert _stela_error(response) == (404, {"error": {"message": "Share link not found"}})


def test_delete_another_accounts_share_link_is_404(api: Api, world: World) -> None:
    """Another account cannot delete the link: 404."""
    link = _link(api, world)
    response = _send(api, "DELETE", f"/api/v2/share-links/{link['id']}", account="other")
    assert response.status_code == 404


def test_delete_share_link_without_token_is_401(api: Api, world: World) -> None:
    """Deleting needs a token."""
    response = _send(api, "DELETE", "/api/v2/share-links/1", account=None)
    assert response.status_code == 401
