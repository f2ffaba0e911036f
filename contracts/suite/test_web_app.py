"""Layer 3: the web app's core flow in the PHP v1 envelope, as the SDK's WebAppSession sends it.

Sign in, the session check, archives, the session's current archive, the root, navigating into the scenario's
sandbox folder, a batch of folders, rename, move, copy of a record, deletes, sign out; CSRF, a wrong password
and a call without session. Every v1 answer is checked against the v1 document the target serves at
`/openapi-v1.json` (the bundled `openapi/v1.yaml` when it serves none). On a real server every v1 write names
only ids of the run's sandbox (the write guard refuses anything else).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from contracts.sdk import Folder, NotSignedIn, V1Failure, WebAppSession
from contracts.suite.support import Names, Wire, upload, v1_answer_problems
from contracts.targets import Target

SIGNIN_UNKNOWN = "warning.signin.unknown"
INVALID_CSRF = "error.generic.invalid_csrf"
NOT_LOGGED_IN = "warning.generic.account_not_logged_in"


@pytest.fixture(scope="session")
def v1_document(target: Target) -> dict[str, Any]:
    """The v1 envelope's document for this target."""
    return target.v1_document()


@pytest.fixture
def web(target: Target, wire: Wire, v1_document: dict[str, Any]) -> Iterator[WebAppSession]:
    """A WebAppSession that has not signed in, recorded; its v1 answers are checked against the v1 document."""
    with target.web(on_exchange=wire.on_exchange) as session:
        yield session


@pytest.fixture
def credentials(target: Target) -> tuple[str, str]:
    """The primary login and password (the v1 sign-in needs a password, not a token)."""
    account = target.accounts.get("primary")
    if account is None or not account.login_id or not account.password:
        pytest.skip("the v1 scenarios sign in with a password: set PERMANENT_LOGIN + PERMANENT_PASSWORD")
    return account.login_id, account.password


@pytest.fixture
def signed_in(web: WebAppSession, credentials: tuple[str, str]) -> WebAppSession:
    """The session signed in as the primary account."""
    web.login(*credentials)
    return web


def conforms(target: Target, wire: Wire, document: dict[str, Any]) -> None:
    """Fail naming every v1 answer of the scenario that the v1 document does not allow."""
    problems = v1_answer_problems(document, target.api_url, wire)
    assert not problems, "v1 answers break openapi/v1.yaml:\n" + "\n".join(problems)


def test_core_flow_signs_in_browses_edits_and_signs_out(
    target: Target,
    wire: Wire,
    v1_document: dict[str, Any],
    web: WebAppSession,
    credentials: tuple[str, str],
    workdir: Folder,
    names: Names,
) -> None:
    """Sign in, loggedIn, archives, change, root, navigate, batch, rename, move, copy, delete, logout, loggedIn."""
    signed = web.login(*credentials)
    assert signed.token, "login answers the bearer as SimpleVO{key: authToken}"
    assert web.logged_in() is True
    assert target.test_archive_id in {archive.id for archive in web.archives()}
    assert web.change_archive(target.test_archive_id or 0).id == target.test_archive_id
    assert web.root().folders, "the root lists My Files, Public and Apps"

    view = web.navigate(workdir.file_system_id)
    assert (view.folder.id, view.path_names[-1], view.path_link_ids[-1], view.folder.folders) == (
        workdir.id,
        workdir.name,
        workdir.file_system_id,
        [],
    )
    kept, moving, doomed = (r.unwrap() for r in web.create_folders(workdir.id, [names.new(n) for n in "abc"]))
    renamed = web.rename_folder(kept.id, kept.file_system_id, names.new("renamed"))
    moved = web.move_folder(moving.file_system_id, renamed.file_system_id, folder_id=moving.id)
    with target.client() as unrecorded:  # the record is the scenario's material, not part of the flow
        record = upload(unrecorded, b"web app", names.new("note.txt"), workdir.id, content_type="text/plain")
    copied = web.copy_record(record.file_system_id, moved.file_system_id, record_id=record.id)
    assert copied.archive_nbr is not None
    assert web.record_by_nbr(copied.archive_nbr).files, "the copy is readable with its files"
    web.delete_folder(doomed.id, doomed.file_system_id)
    web.delete_record(copied.id, copied.file_system_id)

    after = web.navigate(workdir.file_system_id).folder
    inside = web.navigate_min(moved.file_system_id).folder
    assert (
        sorted(f.name for f in after.folders),
        [r.id for r in after.archive_records],
        (renamed.name, moved.name),
        inside.archive_records,
    ) == ([renamed.name], [record.id], (names.new("renamed"), names.new("b")), [])
    assert [f.id for f in web.navigate(renamed.file_system_id).folder.folders] == [moved.id]

    web.logout()
    assert web.logged_in() is False
    conforms(target, wire, v1_document)


def test_batch_reports_each_item(
    target: Target, wire: Wire, v1_document: dict[str, Any], signed_in: WebAppSession, workdir: Folder, names: Names
) -> None:
    """folder/post with an unusable name in the middle: that item alone fails (HTTP 200), the others are made."""
    results = signed_in.create_folders(workdir.id, [names.new("one"), "bad/name", names.new("three")])
    made = sorted(f.name for f in signed_in.navigate(workdir.file_system_id).folder.folders)
    assert ([r.ok for r in results], made) == ([True, False, True], [names.new("one"), names.new("three")])
    failure = results[1].failure
    assert failure is not None
    assert (failure.index, failure.message_key.split(".")[0] in ("error", "warning")) == (1, True)
    conforms(target, wire, v1_document)


def test_presigned_url_answers_an_upload_form(
    target: Target, wire: Wire, v1_document: dict[str, Any], signed_in: WebAppSession, workdir: Folder
) -> None:
    """record/getPresignedUrl in the sandbox answers `SimpleVO{key: Result}` with an S3 POST form."""
    post = signed_in.presigned_url(workdir.id, "upload.txt", 7, "text/plain")
    assert (bool(post.url), bool(post.destination_url), "Policy" in post.fields) == (True, True, True)
    conforms(target, wire, v1_document)


@pytest.mark.parametrize("csrf", [None, "0" * 32], ids=["missing", "stale"])
def test_csrf_missing_or_stale_fails_and_changes_nothing(
    target: Target,
    wire: Wire,
    v1_document: dict[str, Any],
    signed_in: WebAppSession,
    workdir: Folder,
    names: Names,
    csrf: str | None,
) -> None:
    """A cookie call without the session's csrf fails with error.generic.invalid_csrf (HTTP 200) and creates nothing."""
    good = signed_in.csrf
    signed_in.csrf = csrf
    results = signed_in.create_folders(workdir.id, [names.new("csrf")])
    keys = [r.failure.message_key if r.failure else None for r in results]
    statuses = {response.status_code for response in wire.responses("v1.create_folders")}
    assert (keys, statuses, signed_in.csrf) == ([INVALID_CSRF], {200}, good), "the answer carries the token to use"
    assert signed_in.navigate(workdir.file_system_id).folder.folders == []
    conforms(target, wire, v1_document)


def test_wrong_password_is_signin_unknown(
    target: Target, wire: Wire, v1_document: dict[str, Any], web: WebAppSession, credentials: tuple[str, str]
) -> None:
    """A wrong password is a business failure: HTTP 200, warning.signin.unknown, and no session."""
    with pytest.raises(V1Failure) as caught:
        web.login(credentials[0], credentials[1] + "-wrong")
    assert (caught.value.message_key, caught.value.response.status_code, web.cookie) == (SIGNIN_UNKNOWN, 200, None)
    assert web.logged_in() is False
    conforms(target, wire, v1_document)


def test_call_without_session_is_401(
    target: Target, wire: Wire, v1_document: dict[str, Any], web: WebAppSession
) -> None:
    """folder/getRoot without a session (or bearer) answers 401 with the not-signed-in key."""
    with pytest.raises(NotSignedIn) as caught:
        web.root()
    assert (caught.value.status, caught.value.message_key) == (401, NOT_LOGGED_IN)
    conforms(target, wire, v1_document)
