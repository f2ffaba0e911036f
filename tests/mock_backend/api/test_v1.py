"""Behaviour of the v1 envelope the web app speaks: envelope in, ResponseVO out, each checked against openapi/v1.yaml.

The client fixture checks every answer against the document of its dialect, failures included.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from mock_backend.api.support import EXTENSION, MockState
from mock_backend.api.v1 import COOKIE
from mock_backend.domain import messages
from mock_backend.domain.seed import DEMO_EMAIL, DEMO_PASSWORD
from mock_backend.domain.sessions import VERIFICATION_CODE
from tests.conftest import Api, World, multipart_body
from tests.openapi_check import ContractClient


class WebApp:
    """Sends v1 calls as the web app does: no Request-Version, the session cookie, the last answer's csrf."""

    def __init__(self, client: ContractClient) -> None:
        self.client = client
        self.csrf: str | None = None

    def call(self, path: str, data: Any = None, *, csrf: Any = ..., **headers: str) -> TestResponse:
        """POST `{"RequestVO": {csrf, data}}` and keep the answer's csrf, as web-app http.service.ts does."""
        body = {"RequestVO": {"csrf": self.csrf if csrf is ... else csrf, "data": [{}] if data is None else data}}
        response = self.client.post(f"/api/{path}", json=body, headers=headers)
        answer = response.get_json()
        if isinstance(answer, dict) and "csrf" in answer:
            self.csrf = answer["csrf"]
        return response

    def ok(self, path: str, data: Any = None, **headers: str) -> list[dict[str, Any]]:
        """Call and return `Results[0].data`, failing unless the call succeeded with HTTP 200."""
        response = self.call(path, data, **headers)
        body = response.get_json()
        assert (response.status_code, body["isSuccessful"]) == (200, True), body
        data_: list[dict[str, Any]] = body["Results"][0]["data"]
        return data_

    def login(self, email: str = DEMO_EMAIL, password: str = DEMO_PASSWORD) -> TestResponse:
        """Sign in as the web app's login form does ("Remember me" checked)."""
        return self.call(
            "auth/login",
            [
                {
                    "AccountVO": {"primaryEmail": email, "rememberMe": True, "keepLoggedIn": True},
                    "AccountPasswordVO": {"password": password},
                }
            ],
        )


def failure(response: TestResponse) -> tuple[int, bool, list[str]]:
    """Return (HTTP status, isSuccessful, the first result's message) of an answer."""
    body = response.get_json()
    return response.status_code, body["isSuccessful"], body["Results"][0]["message"]


@pytest.fixture
def web(client: ContractClient) -> WebApp:
    """A web app that has not signed in."""
    return WebApp(client)


@pytest.fixture
def signed_in(web: WebApp) -> WebApp:
    """A web app signed in as the demo account."""
    assert web.login().get_json()["isSuccessful"]
    return web


def _state(app: Flask) -> MockState:
    state: MockState = app.extensions[EXTENSION]
    return state


# ---------------------------------------------------------------------------------------------- sign-in
def test_login_answers_account_archive_and_a_bearer_that_works_on_v2(web: WebApp, api: Api, world: World) -> None:
    """auth/login sets the session cookie; its authToken SimpleVO is a bearer the v2 API accepts."""
    response = web.login()
    (item,) = response.get_json()["Results"][0]["data"]
    token = item["SimpleVO"]
    account = web.client.get(
        "/api/account/getAuthenticatedAccount",
        headers={"Request-Version": "2", "Authorization": f"Bearer {token['value']}"},
    )
    assert (
        item["AccountVO"]["primaryEmail"],
        item["ArchiveVO"]["archiveId"],
        token["key"],
        COOKIE in response.headers["Set-Cookie"],
        "HttpOnly" in response.headers["Set-Cookie"],
        account.get_json()["primaryEmail"],
    ) == (DEMO_EMAIL, world.demo_archive, "authToken", True, True, DEMO_EMAIL)


def test_wrong_password_is_200_signin_unknown_without_a_session(web: WebApp) -> None:
    """A wrong password is a business failure (200, isSuccessful false) and sets no cookie."""
    response = web.login(password="wrong")
    assert (failure(response), "Set-Cookie" in response.headers) == ((200, False, [messages.SIGNIN_UNKNOWN]), False)


def test_call_without_session_is_401(web: WebApp) -> None:
    """Only a call that needs a signed-in caller and has none answers 401 (the web app then signs out)."""
    assert failure(web.call("folder/getRoot", [])) == (401, False, [messages.NOT_LOGGED_IN])


def test_logged_in_says_false_then_true(web: WebApp) -> None:
    """auth/loggedIn answers SimpleVO{key: bool} with 200 either way (the AuthGuard reads value)."""
    before = web.ok("auth/loggedIn")[0]["SimpleVO"]
    web.login()
    after = web.ok("auth/loggedIn")[0]["SimpleVO"]
    assert (before, after) == ({"key": "bool", "value": False}, {"key": "bool", "value": True})


def test_logout_ends_the_session_for_good(signed_in: WebApp) -> None:
    """auth/logout clears the cookie; the old session value no longer signs anything in."""
    token = signed_in.client.get_cookie(COOKIE)
    assert token is not None
    signed_in.ok("auth/logout")
    cleared = signed_in.client.get_cookie(COOKIE) is None
    signed_in.client.set_cookie(COOKIE, token.value)
    assert (cleared, failure(signed_in.call("account/get", [{}]))[0]) == (True, 401)


# ---------------------------------------------------------------------------------------------- CSRF
@pytest.mark.parametrize("csrf", [None, "0" * 32, 42, "é" * 32], ids=["missing", "stale", "not-a-string", "non-ascii"])
def test_cookie_call_without_the_sessions_csrf_fails_and_changes_nothing(
    signed_in: WebApp, world: World, csrf: Any
) -> None:
    """folder/post with a missing or stale csrf fails with error.generic.invalid_csrf and creates nothing."""
    before = _names(signed_in, world.my_files_link)
    response = signed_in.call(
        "folder/post", [{"FolderVO": {"parentFolderId": world.my_files, "displayName": "csrf"}}], csrf=csrf
    )
    expected = (400, False, [messages.INVALID_REQUEST]) if csrf == 42 else (200, False, [messages.INVALID_CSRF])
    assert (failure(response), _names(signed_in, world.my_files_link)) == (expected, before)


def test_the_failed_answer_carries_the_token_to_use(signed_in: WebApp) -> None:
    """After an invalid_csrf the web app stores the answer's csrf, and its next call works (it self-heals)."""
    signed_in.call("account/get", [{}], csrf="0" * 32)
    assert signed_in.ok("account/get", [{}])[0]["AccountVO"]["primaryEmail"] == DEMO_EMAIL


def test_bearer_calls_need_no_csrf_and_no_cookie(web: WebApp, api: Api) -> None:
    """Move and copy send Authorization: Bearer; a bearer is not sent by a browser on its own, so no CSRF check."""
    data = web.ok("account/get", [{}], Authorization=f"Bearer {api.token()}")
    assert data[0]["AccountVO"]["primaryEmail"] == DEMO_EMAIL


# ---------------------------------------------------------------------------------------------- archives
def test_get_all_archives_lists_each_archive_with_the_callers_role(signed_in: WebApp, world: World) -> None:
    """archive/getAllArchives puts one {ArchiveVO} per archive in Results[0].data."""
    archives = {
        a["ArchiveVO"]["archiveId"]: a["ArchiveVO"]["accessRole"] for a in signed_in.ok("archive/getAllArchives")
    }
    assert archives == {world.demo_archive: "access.role.owner", world.family_archive: "access.role.viewer"}


def test_change_archive_moves_get_root_and_the_role_follows(signed_in: WebApp, world: World) -> None:
    """archive/change makes the session's parameter-less calls use that archive; a viewer cannot create there."""
    signed_in.ok("archive/change", [{"ArchiveVO": {"archiveId": world.family_archive}}])
    root = signed_in.ok("folder/getRoot", [])[0]["FolderVO"]
    my_files = next(c for c in root["ChildItemVOs"] if c["type"] == "type.folder.root.private")
    created = signed_in.call(
        "folder/post", [{"FolderVO": {"parentFolderId": my_files["folderId"], "displayName": "x"}}]
    )
    assert (root["archiveId"], root["accessRole"], failure(created)) == (
        world.family_archive,
        "access.role.viewer",
        (200, False, [messages.NO_ACTION_PERMISSION]),
    )


def test_change_to_an_archive_of_someone_else_fails(signed_in: WebApp, world: World) -> None:
    """Another account's archive is not found (200, error.archive.lookup), and the session keeps its archive."""
    response = signed_in.call("archive/change", [{"ArchiveVO": {"archiveId": world.private_archive}}])
    root = signed_in.ok("folder/getRoot", [])[0]["FolderVO"]
    assert (failure(response), root["archiveId"]) == ((200, False, [messages.ARCHIVE_LOOKUP]), world.demo_archive)


# ---------------------------------------------------------------------------------------------- browsing
def test_navigate_lean_gives_breadcrumbs_and_children_without_files(signed_in: WebApp, world: World) -> None:
    """folder/navigateLean by folder_linkId: the paths from My Files down, records told apart by recordId."""
    folder = signed_in.ok("folder/navigateLean", [{"FolderVO": {"folder_linkId": world.documents_link}}])[0]["FolderVO"]
    records = [c for c in folder["ChildItemVOs"] if "recordId" in c]
    assert (
        folder["pathAsText"],
        folder["pathAsFolder_linkId"][-1],
        bool(records),
        {("folderId" in r, r["FileVOs"], r["accessRole"]) for r in records},
    ) == (["My Files", "Documents"], world.documents_link, True, {(False, None, "access.role.owner")})


def test_navigate_to_a_record_link_is_a_folder_lookup_failure(signed_in: WebApp, world: World) -> None:
    """A folder_linkId of a record is no folder: 200 with error.folder.lookup."""
    record = _child_record(signed_in, world.documents_link)
    response = signed_in.call("folder/navigateLean", [{"FolderVO": {"folder_linkId": record["folder_linkId"]}}])
    assert failure(response) == (200, False, [messages.FOLDER_LOOKUP])


def test_record_get_by_archive_nbr_has_its_files(signed_in: WebApp, world: World) -> None:
    """record/get by archiveNbr (the web app's deep link) answers the RecordVO with downloadable FileVOs."""
    record = _child_record(signed_in, world.documents_link)
    got = signed_in.ok("record/get", [{"RecordVO": {"archiveNbr": record["archiveNbr"]}}])[0]["RecordVO"]
    download = signed_in.client.get(got["FileVOs"][0]["downloadURL"])
    assert (got["recordId"], download.status_code) == (record["recordId"], 200)


# ---------------------------------------------------------------------------------------------- writes
def test_folder_post_batch_works_item_by_item(signed_in: WebApp, world: World) -> None:
    """Three folders in one call, the middle one refused: it alone fails, the others are made."""
    items = [
        {"FolderVO": {"parentFolderId": world.my_files, "displayName": "batch one"}},
        {"FolderVO": {"parentFolderId": world.my_files, "displayName": "bad/name"}},
        {"FolderVO": {"parentFolder_linkId": world.my_files_link, "displayName": "batch three"}},
    ]
    body = signed_in.call("folder/post", items).get_json()
    made = {"batch one", "batch three"} <= _names(signed_in, world.my_files_link)
    assert (body["isSuccessful"], body["actionFailKeys"], [r["status"] for r in body["Results"]], made) == (
        False,
        [1],
        [True, False, True],
        True,
    )


def test_upload_through_the_v1_presigned_post_then_v2_register(signed_in: WebApp, world: World) -> None:
    """record/getPresignedUrl, the S3 form, then v2 registerRecord with the login's bearer: the web app's upload."""
    login = signed_in.login().get_json()["Results"][0]["data"][0]
    simple = signed_in.ok(
        "record/getPresignedUrl",
        [
            {
                "RecordVO": {
                    "parentFolderId": world.empty_folder,
                    "displayName": "up",
                    "uploadFileName": "up.txt",
                    "size": 5,
                },
                "SimpleVO": {"key": "type", "value": "text/plain"},
            }
        ],
    )[0]["SimpleVO"]
    post = simple["value"]["presignedPost"]
    form, content_type = multipart_body({**post["fields"], "Content-Type": "text/plain"}, b"hello", "up.txt")
    stored = signed_in.client.post(post["url"], data=form, content_type=content_type)
    registered = signed_in.client.post(
        "/api/record/registerRecord",
        json={
            "displayName": "up",
            "parentFolderId": world.empty_folder,
            "uploadFileName": "up.txt",
            "size": 5,
            "s3url": simple["value"]["destinationUrl"],
        },
        headers={"Request-Version": "2", "Authorization": f"Bearer {login['SimpleVO']['value']}"},
    )
    assert (simple["key"], stored.status_code, registered.status_code, registered.get_json()["downloadName"]) == (
        "Result",
        204,
        200,
        "up.txt",
    )


def test_rename_move_copy_and_delete_as_the_web_app_sends_them(signed_in: WebApp, world: World, api: Api) -> None:
    """folder/update, folder/move, record/copy (with the bearer) and folder/delete, seen in navigateLean."""
    folder = signed_in.ok("folder/post", [{"FolderVO": {"parentFolderId": world.my_files, "displayName": "draft"}}])[0][
        "FolderVO"
    ]
    renamed = signed_in.ok("folder/update", [{"FolderVO": {"folderId": folder["folderId"], "displayName": "final"}}])
    signed_in.ok(
        "folder/move",
        [{"FolderVO": folder, "FolderDestVO": {"folder_linkId": world.documents_link}}],
        Authorization=f"Bearer {api.token()}",
    )
    record = _child_record(signed_in, world.documents_link)
    copied = signed_in.ok(
        "record/copy",
        [{"RecordVO": record, "FolderDestVO": {"folder_linkId": folder["folder_linkId"]}}],
        Authorization=f"Bearer {api.token()}",
    )[0]["RecordVO"]
    inside = _names(signed_in, folder["folder_linkId"])
    in_documents = "final" in _names(signed_in, world.documents_link)
    signed_in.ok("folder/delete", [{"FolderVO": {**folder, "displayName": "final"}}])
    assert (renamed[0]["FolderVO"]["displayName"], in_documents, inside, copied["recordId"] != record["recordId"]) == (
        "final",
        True,
        {record["downloadName"]},
        True,
    )
    assert "final" not in _names(signed_in, world.documents_link)


def test_record_move_of_a_folder_link_is_refused(signed_in: WebApp, world: World, api: Api) -> None:
    """record/move names a record: a folder's folder_linkId is not found (and nothing moves)."""
    response = signed_in.call(
        "record/move",
        [{"RecordVO": {"folder_linkId": world.documents_link}, "FolderDestVO": {"folder_linkId": world.public_link}}],
        Authorization=f"Bearer {api.token()}",
    )
    assert (failure(response), "Documents" in _names(signed_in, world.my_files_link)) == (
        (200, False, [messages.FOLDER_LINK_LOOKUP]),
        True,
    )


def test_record_delete_removes_it(signed_in: WebApp, world: World) -> None:
    """record/delete with the whole RecordVO (its recordId decides)."""
    record = _child_record(signed_in, world.documents_link)
    signed_in.ok("record/delete", [{"RecordVO": record}])
    assert record["downloadName"] not in _names(signed_in, world.documents_link)


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("notification/getMyNotifications", [{}]),
        ("tag/getTagsByArchive", [{"ArchiveVO": {"archiveId": 1}}]),
        ("relation/getAll", [{"RelationVO": {"archiveId": 1}}]),
    ],
)
def test_what_the_mock_keeps_none_of_is_an_empty_success(signed_in: WebApp, path: str, data: Any) -> None:
    """Notifications, tags and relations: empty lists, so the web app shows no error toast on every start."""
    assert signed_in.ok(path, data) == []


# ---------------------------------------------------------------------------------------------- MFA and e-mail steps
@pytest.mark.parametrize(
    ("step", "key", "kind"),
    [
        ("mfa", [messages.MFA_REQUIRED, "email"], "type.auth.mfaValidation"),
        ("verify_email", [messages.EMAIL_UNVERIFIED], "type.auth.email"),
    ],
)
def test_a_step_holds_the_session_until_verify(web: WebApp, app: Flask, step: str, key: list[str], kind: str) -> None:
    """An account with a sign-in step: login answers the step's key, other calls 401, verify with the code signs in."""
    backend = _state(app).backend
    demo = backend.authenticate(backend.mint_token(DEMO_EMAIL))
    backend.web.set_step(demo.id, step)
    login = web.login()
    blocked = failure(web.call("account/get", [{}]))[0]
    account = {"primaryEmail": DEMO_EMAIL, "accountId": demo.id}
    wrong = web.call("auth/verify", [{"AccountVO": account, "AuthVO": {"token": "000000", "type": kind}}])
    right = web.ok("auth/verify", [{"AccountVO": account, "AuthVO": {"token": VERIFICATION_CODE, "type": kind}}])
    assert (
        failure(login),
        blocked,
        failure(wrong),
        right[0]["SimpleVO"]["key"],
        web.ok("account/get", [{}])[0]["AccountVO"]["primaryEmail"],
    ) == (
        (200, False, key),
        401,
        (200, False, [messages.AUTH_TOKEN_MISMATCH]),
        "authToken",
        DEMO_EMAIL,
    )


# ---------------------------------------------------------------------------------------------- the envelope
@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[]",
        b'{"displayName": "x"}',
        b'{"RequestVO": {"data": "x"}}',
        b'{"RequestVO": {"data": [1]}}',
        b'{"RequestVO": {"data": [' + b",".join([b"{}"] * 101) + b"]}}",
    ],
    ids=["not-json", "array", "no-envelope", "data-string", "data-not-objects", "too-many-items"],
)
def test_a_body_that_is_no_request_vo_is_400(signed_in: WebApp, body: bytes) -> None:
    """Only a body that is not a RequestVO at all answers 400 (error.api.invalid_request)."""
    response = signed_in.client.post("/api/folder/getRoot", data=body, content_type="application/json")
    assert failure(response) == (400, False, [messages.INVALID_REQUEST])


def test_an_action_the_mock_does_not_serve_is_a_200_failure(signed_in: WebApp) -> None:
    """An unknown v1 action answers 200 error.api.not_found (the web app shows it), naming where served ones are."""
    response = signed_in.call("folder/sort", [{}])
    assert (failure(response), "/openapi-v1.json" in response.get_json()["Results"][0]["detail"]) == (
        (200, False, [messages.UNKNOWN_ROUTE]),
        True,
    )


def test_v2_routes_on_the_same_paths_keep_working(signed_in: WebApp, api: Api, world: World) -> None:
    """With Request-Version: 2, POST /api/folder/post is the v2 call and answers a bare FolderVO."""
    response = api.create_folder(world.my_files, "still v2")
    assert (response.status_code, response.get_json()["displayName"]) == (200, "still v2")


# ---------------------------------------------------------------------------------------------- helpers
def _names(web: WebApp, link_id: int) -> set[str]:
    folder = web.ok("folder/navigateLean", [{"FolderVO": {"folder_linkId": link_id}}])[0]["FolderVO"]
    return {child["downloadName"] for child in folder["ChildItemVOs"]}


def _child_record(web: WebApp, link_id: int) -> dict[str, Any]:
    folder = web.ok("folder/navigateLean", [{"FolderVO": {"folder_linkId": link_id}}])[0]["FolderVO"]
    record: dict[str, Any] = next(c for c in folder["ChildItemVOs"] if "recordId" in c)
    return record
