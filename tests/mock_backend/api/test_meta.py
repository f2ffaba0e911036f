"""Tests of mock_backend.api.meta: health, the served contract, the deletion audit log, the deletion gate."""

from __future__ import annotations

import json

import pytest

from mock_backend import spec
from mock_backend.domain import messages
from mock_backend.scenarios import content
from mock_backend.testing import control_token
from tests.conftest import START, Api, World, error_key, ok
from tests.openapi_check import ContractClient


def test_health_answers_ok(client: ContractClient) -> None:
    """GET /_mock/health answers {"status": "ok"}."""
    assert ok(client.get("/_mock/health")) == {"status": "ok"}


def test_openapi_json_is_the_contract(client: ContractClient) -> None:
    """GET /openapi.json serves openapi/openapi.yaml as JSON."""
    assert json.loads(client.get("/openapi.json").data) == spec.load()


@pytest.mark.parametrize(
    ("allowed", "sent"), [(False, False), (True, True), (False, 0), (True, 1)], ids=["off", "on", "zero", "one"]
)
def test_patch_account_sets_allow_sftp_deletion(api: Api, allowed: bool, sent: object) -> None:
    """PATCH /_mock/account answers the AccountVO with allowSftpDeletion as asked (a ToggleInput: 0/1 too)."""
    response = api.client.patch("/_mock/account", json={"allowSftpDeletion": sent}, headers=api.headers())
    assert ok(response)["allowSftpDeletion"] is allowed


def test_patch_account_change_shows_in_get_authenticated_account(api: Api) -> None:
    """After PATCH /_mock/account, getAuthenticatedAccount reports the new allowSftpDeletion."""
    api.client.patch("/_mock/account", json={"allowSftpDeletion": False}, headers=api.headers())
    assert ok(api.get("/api/account/getAuthenticatedAccount"))["allowSftpDeletion"] is False


def test_patch_account_changes_only_the_caller(api: Api) -> None:
    """Demo switching its gate leaves other's allowSftpDeletion as it was."""
    api.client.patch("/_mock/account", json={"allowSftpDeletion": True}, headers=api.headers("other"))
    api.client.patch("/_mock/account", json={"allowSftpDeletion": False}, headers=api.headers("demo"))
    assert ok(api.get("/api/account/getAuthenticatedAccount", "other"))["allowSftpDeletion"] is True


@pytest.mark.parametrize(
    ("body", "key"),
    [({}, messages.VALIDATION_EMPTY), ({"allowSftpDeletion": "yes"}, messages.INVALID_REQUEST)],
    ids=["missing", "not-boolean"],
)
def test_patch_account_bad_body_is_refused_and_changes_nothing(api: Api, body: dict[str, str], key: str) -> None:
    """A missing or non-boolean allowSftpDeletion answers 400 and leaves the gate as it was."""
    response = api.client.patch("/_mock/account", json=body, headers=api.headers())
    gate = ok(api.get("/api/account/getAuthenticatedAccount"))["allowSftpDeletion"]
    assert (response.status_code, error_key(response), gate) == (400, key, True)


def test_patch_account_without_token_is_not_logged_in(client: ContractClient) -> None:
    """PATCH /_mock/account needs a bearer token (401 otherwise)."""
    response = client.patch("/_mock/account", json={"allowSftpDeletion": False})
    assert (response.status_code, error_key(response)) == (401, messages.NOT_LOGGED_IN)


def test_deletions_fresh_world_is_empty(api: Api) -> None:
    """The seeded world has deleted nothing."""
    assert ok(api.get("/_mock/deletions")) == {"items": []}


def test_deletions_folder_delete_logs_every_item_of_the_subtree(api: Api, world: World) -> None:
    """Deleting Photos logs who, what, which type, where, how big and when for Photos, 2024 and both images."""
    api.delete("/api/folder/delete", folderId=world.photos)
    items = ok(api.get("/_mock/deletions"))["items"]
    demo_id = ok(api.get("/api/account/getAuthenticatedAccount"))["accountId"]
    logged = sorted((i["itemType"], i["path"], i["size"], i["accountId"], i["deletedAt"]) for i in items)
    when = START.strftime("%Y-%m-%dT%H:%M:%S")
    blue, orange = len(content.png()), len(content.png(rgb=(230, 126, 34)))
    assert logged == [
        ("folder", "/Demo Archive/My Files/Photos", blue + orange, demo_id, when),
        ("folder", "/Demo Archive/My Files/Photos/2024", orange, demo_id, when),
        ("record", "/Demo Archive/My Files/Photos/2024/orange.png", orange, demo_id, when),
        ("record", "/Demo Archive/My Files/Photos/blue.png", blue, demo_id, when),
    ]


def test_deletions_record_delete_logs_ids(api: Api, world: World) -> None:
    """Deleting a record logs its archiveId, recordId and folder_linkId."""
    record = api.child(world.documents, world.demo_archive, "report.csv")
    api.delete("/api/record/delete", recordId=record["recordId"])
    item = ok(api.get("/_mock/deletions"))["items"][0]
    assert (item["archiveId"], item["itemId"], item["folderLinkId"], item["itemType"]) == (
        world.demo_archive,
        record["recordId"],
        record["folder_linkId"],
        "record",
    )


def _delete_two_records(api: Api, world: World) -> tuple[int, int]:
    """Delete report.csv as demo, then large.bin as demo; return their record ids in that order."""
    first = api.child(world.documents, world.demo_archive, "report.csv")["recordId"]
    second = api.child(world.documents, world.demo_archive, "large.bin")["recordId"]
    api.delete("/api/record/delete", recordId=first)
    api.delete("/api/record/delete", recordId=second)
    return first, second


def test_deletions_lists_newest_first(api: Api, world: World) -> None:
    """The log is newest first: a later deletion comes before an earlier one."""
    first, second = _delete_two_records(api, world)
    items = ok(api.get("/_mock/deletions"))["items"]
    assert [i["itemId"] for i in items] == [second, first]


def test_deletions_limit_keeps_newest(api: Api, world: World) -> None:
    """`?limit=1` answers only the newest entry."""
    _, second = _delete_two_records(api, world)
    items = ok(api.get("/_mock/deletions", limit=1))["items"]
    assert [i["itemId"] for i in items] == [second]


def test_deletions_account_filter_keeps_that_accounts_entries(api: Api, world: World) -> None:
    """`?accountId=` answers only the deletions that account made."""
    _delete_two_records(api, world)
    secret = api.child(world.private_my_files, world.private_archive, "secret.txt", "other")
    api.delete("/api/record/delete", "other", recordId=secret["recordId"])
    other_id = ok(api.get("/api/account/getAuthenticatedAccount", "other"))["accountId"]
    control = {"X-Mock-Control-Token": control_token(api.app)}
    items = ok(api.client.get("/_mock/deletions", query_string={"accountId": other_id}, headers=control))["items"]
    assert [(i["accountId"], i["itemId"]) for i in items] == [(other_id, secret["recordId"])]


def test_deletions_with_a_bearer_token_show_only_the_callers_own(api: Api, world: World) -> None:
    """Without the control token the log is the caller's: other's deletions stay hidden from demo."""
    _delete_two_records(api, world)
    secret = api.child(world.private_my_files, world.private_archive, "secret.txt", "other")
    api.delete("/api/record/delete", "other", recordId=secret["recordId"])
    other_id = ok(api.get("/api/account/getAuthenticatedAccount", "other"))["accountId"]
    demo_sees = {i["accountId"] for i in ok(api.get("/_mock/deletions"))["items"]}
    other_sees = [i["itemId"] for i in ok(api.get("/_mock/deletions", "other"))["items"]]
    asked = api.get("/_mock/deletions", accountId=other_id)
    assert (demo_sees, other_sees, asked.status_code, error_key(asked)) == (
        {ok(api.get("/api/account/getAuthenticatedAccount"))["accountId"]},
        [secret["recordId"]],
        403,
        messages.CONTROL_TOKEN,
    )


def test_deletions_without_any_token_is_401(client: ContractClient) -> None:
    """An anonymous caller reads no deletion log at all (it shows the paths of deleted items)."""
    response = client.get("/_mock/deletions")
    assert (response.status_code, error_key(response)) == (401, messages.NOT_LOGGED_IN)


@pytest.mark.parametrize(
    "query", [{"limit": "many"}, {"accountId": "x"}, {"limit": "0"}], ids=["limit", "account", "zero"]
)
def test_deletions_bad_query_is_invalid_request(client: ContractClient, query: dict[str, str]) -> None:
    """A non-integer limit or accountId answers 400 error.api.invalid_request."""
    response = client.get("/_mock/deletions", query_string=query)
    assert (response.status_code, error_key(response)) == (400, messages.INVALID_REQUEST)


def test_deletions_subtree_entries_name_the_deleted_folder(api: Api, world: World) -> None:
    """Every entry of a folder delete carries the folder_linkId of the folder the caller deleted."""
    photos_link = api.child(world.my_files, world.demo_archive, "Photos")["folder_linkId"]
    api.delete("/api/folder/delete", folderId=world.photos)
    items = ok(api.get("/_mock/deletions"))["items"]
    assert {i["deletedWithFolderLinkId"] for i in items} == {photos_link}


def test_deletions_failed_delete_logs_nothing(api: Api, world: World) -> None:
    """A refused delete (a root folder) adds nothing to the log."""
    api.delete("/api/folder/delete", folderId=world.my_files)
    assert ok(api.get("/_mock/deletions")) == {"items": []}
