"""WebAppSession (the web app's v1 envelope) against the in-process mock, and its reading of envelopes."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from flask import Flask

from contracts.sdk import (
    AccessRole,
    BadRequest,
    Folder,
    NotSignedIn,
    PermanentClient,
    V1Failure,
    ValidationError,
    WebAppSession,
)
from contracts.sdk.web import MFA as MFA_STEP
from contracts.sdk.wire import envelope
from mock_backend import Settings, create_app
from mock_backend.domain import messages
from mock_backend.domain.seed import DEMO_EMAIL, DEMO_PASSWORD
from mock_backend.testing import mint_token


@pytest.fixture(scope="module")
def app() -> Flask:
    """One seeded mock for the module; every write happens in a folder of its own test."""
    return create_app(Settings(processing_seconds=0))


@pytest.fixture
def web(app: Flask) -> Iterator[WebAppSession]:
    """A session that has not signed in."""
    with WebAppSession.for_wsgi(app) as session:
        yield session


@pytest.fixture
def signed_in(web: WebAppSession) -> WebAppSession:
    """A session signed in as the demo account."""
    web.login(DEMO_EMAIL, DEMO_PASSWORD)
    return web


@pytest.fixture
def my_files(signed_in: WebAppSession) -> Folder:
    """The demo archive's My Files, from the v1 root."""
    return next(f for f in signed_in.root().folders if f.name == "My Files")


@pytest.fixture
def workspace(request: pytest.FixtureRequest, signed_in: WebAppSession, my_files: Folder) -> Folder:
    """A new empty folder for one test below My Files."""
    (made,) = signed_in.create_folders(my_files.id, [f"sdk-web-{request.node.name}"[:120]])
    return made.unwrap()


def test_login_keeps_cookie_csrf_and_bearer_that_works_on_v2(web: WebAppSession, app: Flask) -> None:
    """login answers the account, its archive and a bearer the v2 API accepts; the session holds the cookie."""
    signed = web.login(DEMO_EMAIL, DEMO_PASSWORD)
    with PermanentClient.for_wsgi(app, token=signed.token) as v2:
        v2_account = v2.get_authenticated_account()
    assert (signed.archive is not None, web.cookie is not None, web.csrf is not None, v2_account.id) == (
        True,
        True,
        True,
        signed.account.id,
    )


def test_login_with_wrong_password_raises_v1_failure_with_the_key(web: WebAppSession) -> None:
    """A wrong password is a V1Failure (HTTP 200) carrying warning.signin.unknown, and no cookie is kept."""
    with pytest.raises(V1Failure) as caught:
        web.login(DEMO_EMAIL, "wrong")
    assert (caught.value.message_key, caught.value.response.status_code, web.cookie) == (
        messages.SIGNIN_UNKNOWN,
        200,
        None,
    )


def test_call_without_session_raises_not_signed_in(web: WebAppSession) -> None:
    """A call that needs a session and has none is NotSignedIn (401) with the envelope's key."""
    with pytest.raises(NotSignedIn) as caught:
        web.root()
    assert (caught.value.status, caught.value.message_key) == (401, messages.NOT_LOGGED_IN)


def test_logged_in_then_logout_then_logged_out(web: WebAppSession) -> None:
    """logged_in is False, True after login, False after logout (which forgets the cookie and bearer)."""
    before = web.logged_in()
    web.login(DEMO_EMAIL, DEMO_PASSWORD)
    during = web.logged_in()
    web.logout()
    assert (before, during, web.logged_in(), web.cookie, web.token) == (False, True, False, None, None)


def test_stale_csrf_fails_and_the_answer_heals_the_session(signed_in: WebAppSession) -> None:
    """A stale csrf gives error.generic.invalid_csrf; the session keeps the answer's token and the next call works."""
    signed_in.csrf = "0" * 32
    with pytest.raises(V1Failure) as caught:
        signed_in.account()
    assert (caught.value.message_key, signed_in.account().id > 0) == (messages.INVALID_CSRF, True)


def test_archives_change_archive_and_root_follow_the_session(signed_in: WebAppSession) -> None:
    """change_archive makes root() show that archive; archive() reads one by id."""
    family = next(a for a in signed_in.archives() if a.name == "Family Archive")
    changed = signed_in.change_archive(family.id)
    root = signed_in.root()
    assert (changed.id, signed_in.archive(family.id).name, root.name, {f.name for f in root.folders}) == (
        family.id,
        "Family Archive",
        "Archive Root",
        {"Apps", "My Files", "Public"},
    )


def test_navigate_gives_breadcrumbs_role_and_lean_records(signed_in: WebAppSession, my_files: Folder) -> None:
    """navigate and navigate_min show the path from My Files down, the caller's role and records without files."""
    documents = next(f for f in signed_in.navigate(my_files.file_system_id).folder.folders if f.name == "Documents")
    view = signed_in.navigate(documents.file_system_id)
    picker = signed_in.navigate_min(documents.file_system_id)
    assert (
        view.path_names,
        view.path_link_ids[-1],
        view.access_role,
        bool(view.folder.archive_records),
        {len(r.files) for r in view.folder.archive_records},
        picker.folder.id,
    ) == (["My Files", "Documents"], documents.file_system_id, AccessRole.OWNER, True, {0}, documents.id)


def test_create_folders_reports_each_item(signed_in: WebAppSession, workspace: Folder) -> None:
    """A batch with one bad name: that item alone is a V1Failure, the others are created."""
    results = signed_in.create_folders(workspace.id, ["one", "bad/name", "three"])
    failure = results[1].failure
    assert ([r.ok for r in results], failure and (failure.index, failure.message_key), results[2].unwrap().name) == (
        [True, False, True],
        (1, messages.INVALID_REQUEST),
        "three",
    )
    with pytest.raises(V1Failure):
        results[1].unwrap()


def test_rename_move_copy_and_delete(signed_in: WebAppSession, workspace: Folder, app: Flask) -> None:
    """rename_folder, move_folder, copy_record (with the bearer), record_by_nbr and the deletes, seen by navigate."""
    first, second = (r.unwrap() for r in signed_in.create_folders(workspace.id, ["first", "second"]))
    renamed = signed_in.rename_folder(first.id, first.file_system_id, "renamed")
    moved = signed_in.move_folder(second.file_system_id, renamed.file_system_id, folder_id=second.id)
    documents = next(f for f in signed_in.navigate(_my_files_link(signed_in)).folder.folders if f.name == "Documents")
    record = signed_in.navigate(documents.file_system_id).folder.archive_records[0]
    copied = signed_in.copy_record(record.file_system_id, moved.file_system_id, record_id=record.id)
    assert copied.archive_nbr is not None
    full = signed_in.record_by_nbr(copied.archive_nbr)
    inside = signed_in.navigate(moved.file_system_id).folder
    signed_in.delete_record(copied.id)
    signed_in.delete_folder(renamed.id)
    left = signed_in.navigate(workspace.file_system_id).folder
    assert (
        renamed.name,
        [r.display_name for r in inside.archive_records],
        full.id,
        bool(full.files),
        left.folders,
    ) == ("renamed", [record.display_name], copied.id, True, [])


def test_move_record_and_copy_folder(signed_in: WebAppSession, workspace: Folder) -> None:
    """copy_folder copies a subtree; move_record of a folder's link is a V1Failure and moves nothing."""
    source, target = (r.unwrap() for r in signed_in.create_folders(workspace.id, ["source", "target"]))
    copy = signed_in.copy_folder(source.file_system_id, target.file_system_id)
    with pytest.raises(V1Failure):
        signed_in.move_record(source.file_system_id, target.file_system_id)
    names = sorted(f.name for f in signed_in.navigate(target.file_system_id).folder.folders)
    assert (copy.name, names) == ("source", ["source"])


def test_presigned_url_answers_a_post_form(signed_in: WebAppSession, workspace: Folder) -> None:
    """presigned_url reads `SimpleVO{key: Result}` into the S3 form."""
    post = signed_in.presigned_url(workspace.id, "up.txt", 5, "text/plain")
    assert (post.url.startswith("http"), "Policy" in post.fields, bool(post.destination_url)) == (True, True, True)


def test_notifications_are_none_and_account_is_the_demo(signed_in: WebAppSession) -> None:
    """notifications() lists none on the mock; account() is the signed-in account."""
    assert (signed_in.notifications(), signed_in.account().id) == ([], signed_in.account().id)


def test_bearer_only_session_moves_without_cookie(app: Flask, workspace: Folder, signed_in: WebAppSession) -> None:
    """A session built with a token only can move (the bearer skips CSRF), as move and copy send it."""
    a, b = (r.unwrap() for r in signed_in.create_folders(workspace.id, ["a", "b"]))
    with WebAppSession.for_wsgi(app, token=mint_token(app, DEMO_EMAIL)) as bearer_only:
        moved = bearer_only.move_folder(a.file_system_id, b.file_system_id)
    assert moved.id == a.id


# --------------------------------------------------------------------------- reading envelopes


def _answer(status: int, body: object) -> httpx.MockTransport:
    content = json.dumps(body).encode()
    return httpx.MockTransport(
        lambda request: httpx.Response(status, content=content, headers={"Content-Type": "application/json"})
    )


def _envelope(**changes: object) -> dict[str, object]:
    body: dict[str, object] = {
        "Results": [{"data": [{"SimpleVO": {"key": "bool", "value": True}}], "message": ["ok"], "status": True}],
        "isSuccessful": True,
        "actionFailKeys": [],
        "isSystemUp": True,
        "csrf": "a" * 32,
    }
    body.update(changes)
    return body


def test_an_answer_without_csrf_is_a_validation_error() -> None:
    """Every v1 answer must carry csrf: without it the session raises ValidationError at $.csrf."""
    body = _envelope()
    del body["csrf"]
    with (
        WebAppSession("http://x/api", transport=_answer(200, body)) as session,
        pytest.raises(ValidationError) as caught,
    ):
        session.logged_in()
    assert caught.value.path == "$.csrf"


def test_a_bare_vo_without_its_name_is_a_validation_error() -> None:
    """Results data must key each VO by class name: a bare SimpleVO is refused at the missing key."""
    body = _envelope(Results=[{"data": [{"key": "bool", "value": True}], "message": ["ok"], "status": True}])
    with (
        WebAppSession("http://x/api", transport=_answer(200, body)) as session,
        pytest.raises(ValidationError) as caught,
    ):
        session.logged_in()
    assert caught.value.path == "$.Results[0].data[0].SimpleVO"


def test_a_failure_answered_as_400_is_a_bad_request_not_a_v1_failure() -> None:
    """A non-2xx status raises the HttpError of the status, with the key from Results[0].message."""
    body = _envelope(
        Results=[{"data": None, "message": [messages.SIGNIN_UNKNOWN], "status": False}], isSuccessful=False
    )
    with WebAppSession("http://x/api", transport=_answer(400, body)) as session, pytest.raises(BadRequest) as caught:
        session.login("a@b", "c")
    assert caught.value.message_key == messages.SIGNIN_UNKNOWN


def test_requests_are_v1_envelopes_without_request_version() -> None:
    """The session POSTs `{"RequestVO": {csrf, data}}` with no Request-Version; move sends the bearer."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=_envelope(Results=[{"data": [], "message": ["ok"], "status": True}]))

    with WebAppSession("http://x/api", token="tok", transport=httpx.MockTransport(handler)) as session:
        session.csrf = "c" * 32
        session.delete_record(5)
        with pytest.raises(ValidationError):
            session.move_record(7, 8)
    delete, move = seen
    assert (
        json.loads(delete.content),
        "Request-Version" in delete.headers,
        "Authorization" in delete.headers,
        move.headers["Authorization"],
        envelope.is_v1("POST", "/api/record/move", None),
    ) == (
        {"RequestVO": {"csrf": "c" * 32, "data": [{"RecordVO": {"recordId": 5}}]}},
        False,
        False,
        "Bearer tok",
        True,
    )


def _my_files_link(session: WebAppSession) -> int:
    return next(f for f in session.root().folders if f.name == "My Files").file_system_id


def test_a_sign_in_step_is_a_v1_failure_with_params_then_verify_signs_in() -> None:
    """With MFA due, login raises warning.auth.mfaToken with its parameter; verify with the code signs in."""
    from mock_backend.domain.sessions import VERIFICATION_CODE
    from mock_backend.testing import backend_of

    app = create_app(Settings())
    backend = backend_of(app)
    backend.web.set_step(backend.authenticate(mint_token(app, DEMO_EMAIL)).id, "mfa")
    with WebAppSession.for_wsgi(app) as web:
        with pytest.raises(V1Failure) as caught:
            web.login(DEMO_EMAIL, DEMO_PASSWORD)
        pending = web.logged_in()
        signed = web.verify(VERIFICATION_CODE, MFA_STEP)
        assert (caught.value.message_key, caught.value.params, pending, bool(signed.token), web.logged_in()) == (
            messages.MFA_REQUIRED,
            ("email",),
            False,
            True,
            True,
        )
