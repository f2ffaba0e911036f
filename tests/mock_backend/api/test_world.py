"""Tests of mock_backend.api.world: reset to a scenario, list and create accounts, list scenarios."""

from __future__ import annotations

import pytest
from flask import Flask

from mock_backend.domain import messages
from tests.conftest import Api, error_key, ok


def _emails(api: Api) -> list[str]:
    return [a["primaryEmail"] for a in ok(api.client.get("/_mock/accounts"))["items"]]


def test_scenarios_lists_the_built_ins_with_their_sizes(api: Api) -> None:
    """GET /_mock/scenarios names each built-in scenario with the records it builds."""
    items = ok(api.client.get("/_mock/scenarios"))["items"]
    assert {i["name"]: i["records"] for i in items} == {"demo": 160, "empty": 0, "large": 100_000, "shared": 30}


def test_accounts_lists_seeded_accounts_with_roles(api: Api) -> None:
    """GET /_mock/accounts lists demo and other, each with its archives and role."""
    items = ok(api.client.get("/_mock/accounts"))["items"]
    demo = items[0]
    assert [a["primaryEmail"] for a in items] == ["demo@example.com", "other@example.com"]
    assert {a["fullName"]: a["accessRole"] for a in demo["archives"]} == {
        "Demo Archive": "access.role.owner",
        "Family Archive": "access.role.viewer",
    }


def test_reset_to_shared_replaces_the_world_and_ids_restart(api: Api) -> None:
    """After a reset to `shared`, its eight accounts are the world, numbered from 1 again."""
    made = ok(api.client.post("/_mock/reset", json={"scenario": "shared"}))
    items = ok(api.client.get("/_mock/accounts"))["items"]
    assert (made["accounts"], made["records"], made["blobsRemoved"] > 0) == (8, 30, True)
    assert [a["accountId"] for a in items] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert "other@example.com" not in [a["primaryEmail"] for a in items]


def test_reset_twice_gives_the_same_world(api: Api) -> None:
    """Resetting to the demo scenario rebuilds the same listing as the first start (same ids and names)."""
    before = ok(api.get("/api/folder/getWithChildren", folderId=3, archiveId=1))
    ok(api.client.post("/_mock/reset", json={"scenario": "demo"}))
    after = ok(api.get("/api/folder/getWithChildren", folderId=3, archiveId=1))
    shape = [(c["folder_linkId"], c["displayName"], c["archiveNbr"]) for c in before["ChildItemVOs"]]
    assert shape == [(c["folder_linkId"], c["displayName"], c["archiveNbr"]) for c in after["ChildItemVOs"]]


def test_reset_without_scenario_uses_the_servers(api: Api) -> None:
    """An empty body rebuilds the scenario the server started with (demo here), undoing changes."""
    ok(api.post("/api/folder/post", {"displayName": "Scratch", "parentFolderId": 3}))
    ok(api.client.post("/_mock/reset", json={}))
    names = [
        c["displayName"] for c in ok(api.get("/api/folder/getWithChildren", folderId=3, archiveId=1))["ChildItemVOs"]
    ]
    assert ("Scratch" in names, "Documents" in names) == (False, True)


def test_reset_to_inline_declaration(api: Api) -> None:
    """A declaration sent as an object is built."""
    declaration = {
        "accounts": [{"email": "solo@example.com", "password": "pw"}],
        "archives": [{"name": "Solo", "owner": "solo@example.com", "my_files": [{"file": "a.txt", "text": "a"}]}],
    }
    made = ok(api.client.post("/_mock/reset", json={"scenario": declaration}))
    assert (made["scenario"], made["records"], _emails(api)) == ("scenario", 1, ["solo@example.com"])


@pytest.mark.parametrize(
    "scenario",
    [
        "nope",
        "/etc/passwd",
        {"accounts": [{"email": "a@x"}], "archives": [{"name": "A", "owner": "b@x"}]},
        42,
        {
            "accounts": [{"email": "a@x"}],
            "archives": [{"name": "A", "owner": "a@x", "my_files": [{"files": 3, "name": "{n}/{n}.txt"}]}],
        },
    ],
    ids=["unknown-name", "a-path", "bad-declaration", "a-number", "a-name-the-mock-refuses"],
)
def test_reset_to_bad_scenario_is_400_and_changes_nothing(api: Api, scenario: object) -> None:
    """A bad scenario answers 400 error.mock.scenario and the world (and planned faults) stay."""
    ok(api.client.post("/_mock/faults", json={"path": "/api/nothing/", "status": 503}))
    answer = api.client.post("/_mock/reset", json={"scenario": scenario})
    assert (answer.status_code, error_key(answer)) == (400, messages.SCENARIO)
    assert _emails(api) == ["demo@example.com", "other@example.com"]
    assert len(ok(api.client.get("/_mock/faults"))["items"]) == 1


def test_reset_clears_planned_faults(api: Api) -> None:
    """A reset removes planned faults with the rest of the world."""
    ok(api.client.post("/_mock/faults", json={"path": "/api/nothing/", "status": 503}))
    ok(api.client.post("/_mock/reset", json={"scenario": "empty"}))
    assert ok(api.client.get("/_mock/faults"))["items"] == []


def test_reset_needs_a_json_body(api: Api) -> None:
    """A reset with a text/plain body (what a foreign page could send without preflight) is refused: 415."""
    answer = api.client.post("/_mock/reset", data="{}", content_type="text/plain")
    assert answer.status_code == 415


def test_created_account_logs_in_and_owns_its_archive(api: Api, app: Flask) -> None:
    """POST /_mock/accounts makes an account whose token works and whose first archive it owns."""
    answer = api.client.post(
        "/_mock/accounts", json={"email": "ada@example.com", "password": "pw", "fullName": "Ada Lovelace"}
    )
    assert answer.status_code == 201
    body = answer.get_json()
    headers = {"Request-Version": "2", "Authorization": f"Bearer {body['token']}"}
    archives = ok(api.client.get("/api/archive/getAllArchives", headers=headers))
    assert [(a["fullName"], a["accessRole"]) for a in archives] == [("ada's Archive", "access.role.owner")]
    login = api.client.post(
        "/fusionauth/api/login",
        json={
            "loginId": "ada@example.com",
            "password": "pw",
            "applicationId": app.extensions["permanent_mock"].settings.fusionauth_client_id,
        },
        headers={"Authorization": app.extensions["permanent_mock"].settings.fusionauth_api_key},
    )
    assert login.status_code == 200


def test_created_account_without_archive(api: Api) -> None:
    """An empty archiveName creates the account alone."""
    body = api.client.post("/_mock/accounts", json={"email": "b@example.com", "password": "pw", "archiveName": ""})
    assert (body.status_code, body.get_json()["archive"]) == (201, None)


@pytest.mark.parametrize(
    ("body", "status", "key"),
    [
        ({"email": "DEMO@example.com", "password": "pw"}, 409, messages.EMAIL_TAKEN),
        ({"password": "pw"}, 400, messages.VALIDATION_EMPTY),
        ({"email": "x@example.com"}, 400, messages.VALIDATION_EMPTY),
        ({"email": "no-at-sign", "password": "pw"}, 400, messages.VALIDATION_EMAIL),
        ({"email": " ", "password": "pw"}, 400, messages.VALIDATION_EMPTY),
        ({"email": 5, "password": "pw"}, 400, messages.INVALID_REQUEST),
    ],
    ids=["taken", "no-email", "no-password", "not-an-email", "blank", "not-a-string"],
)
def test_create_account_refuses_bad_input_and_changes_nothing(api: Api, body: object, status: int, key: str) -> None:
    """A taken or malformed account answers 4xx with its key, and no account is added."""
    answer = api.client.post("/_mock/accounts", json=body)
    assert (answer.status_code, error_key(answer)) == (status, key)
    assert _emails(api) == ["demo@example.com", "other@example.com"]


def test_control_openapi_is_served_and_open(api: Api) -> None:
    """GET /_mock/openapi.json answers the control document without any token."""
    document = ok(api.client.get("/_mock/openapi.json"))
    assert ("/_mock/reset" in document["paths"], "/api/folder/post" in document["paths"]) == (True, False)


def test_new_account_with_a_sign_in_step_is_asked_for_it(api: Api) -> None:
    """POST /_mock/accounts with signIn "mfa": the web app's login of that account answers warning.auth.mfaToken."""
    ok_made = api.client.post("/_mock/accounts", json={"email": "m@example.com", "password": "pw", "signIn": "mfa"})
    login = api.client.post(
        "/api/auth/login",
        json={
            "RequestVO": {
                "data": [{"AccountVO": {"primaryEmail": "m@example.com"}, "AccountPasswordVO": {"password": "pw"}}]
            }
        },
    )
    listed = {a["primaryEmail"]: a["signIn"] for a in ok(api.client.get("/_mock/accounts"))["items"]}
    assert (ok_made.status_code, login.get_json()["Results"][0]["message"], listed["m@example.com"]) == (
        201,
        ["warning.auth.mfaToken", "email"],
        "mfa",
    )


def test_new_account_with_an_unknown_sign_in_step_is_refused_and_not_made(api: Api) -> None:
    """An unknown signIn is 400 before anything is made."""
    refused = api.client.post("/_mock/accounts", json={"email": "s@example.com", "password": "pw", "signIn": "sms"})
    emails = [a["primaryEmail"] for a in ok(api.client.get("/_mock/accounts"))["items"]]
    assert (refused.status_code, "s@example.com" in emails) == (400, False)
