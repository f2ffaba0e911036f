"""v1 `auth/*`, `account/get`, `archive/*` and `notification/*`: signing in and the session's current archive."""

from __future__ import annotations

from typing import Any

from flask import request

from mock_backend.api.support import backend
from mock_backend.api.v1.dispatch import COOKIE, Call, action
from mock_backend.domain import messages
from mock_backend.domain.errors import InvalidInput
from mock_backend.domain.models import Account, Archive
from mock_backend.domain.sessions import SignIn, step_due
from mock_backend.wire import envelope, inputs, php

#: The storage an account is shown (the web app's meter reads spaceTotal/spaceLeft); Permanent's free tier.
SPACE_TOTAL = 2 * 1024**3


def account_vo(account: Account) -> dict[str, Any]:
    """Return the v1 AccountVO: the v2 one plus what the web app reads of it (space, keepLoggedIn, checklist)."""
    vo = php.account_vo(account)
    used = 0
    if account.default_archive_id is not None:
        used = backend().archive_root(account.default_archive_id).size
    vo.update(
        spaceTotal=SPACE_TOTAL,
        spaceLeft=max(SPACE_TOTAL - used, 0),
        fileTotal=None,
        fileLeft=None,
        keepLoggedIn=True,
        rememberMe=True,
        # The onboarding checklist calls Stela routes the mock does not serve; a seeded account has done it.
        hideChecklist=True,
    )
    return vo


def _archive_ids(vo: dict[str, Any]) -> tuple[int | None, str | None]:
    archive_id = inputs.optional_int(vo, "archiveId")
    nbr = inputs.optional_text(vo, "archiveNbr")
    if archive_id is None and not nbr:
        raise InvalidInput(messages.VALIDATION_EMPTY, "ArchiveVO needs archiveId or archiveNbr")
    return archive_id, nbr or None


def _signed_in(result: SignIn) -> list[dict[str, Any]]:
    # The web app stores the value of whichever VO has key "authToken" as its bearer (web-app auth.repo.ts).
    item: dict[str, Any] = {"AccountVO": account_vo(result.account)}
    if result.archive is not None:
        item["ArchiveVO"] = php.archive_vo(result.archive)
    item["SimpleVO"] = {"key": "authToken", "value": result.token}
    return [item]


@action("auth/login", "Successful Login.", signed_in=False, csrf=False)
def login(call: Call) -> list[dict[str, Any]]:
    """Check the password and open a session (pending while the account's MFA or e-mail step is due)."""
    account = call.vo("AccountVO")
    password = call.vo("AccountPasswordVO")
    result = backend().web.sign_in(
        inputs.optional_text(account, "primaryEmail") or "", inputs.optional_text(password, "password") or ""
    )
    call.opened = result.session
    if result.session.pending is not None:
        raise step_due(result.session.pending)
    return _signed_in(result)


@action("auth/verify", "Successful Login.", signed_in=False, csrf=False)
def verify(call: Call) -> list[dict[str, Any]]:
    """Pass the session's MFA or e-mail step with its code (`AuthVO{token, type}`)."""
    account = call.vo("AccountVO")
    auth = call.vo("AuthVO")
    result = backend().web.verify(
        request.cookies.get(COOKIE),
        inputs.optional_text(account, "primaryEmail") or "",
        inputs.optional_text(auth, "token") or "",
        inputs.optional_text(auth, "type") or "",
    )
    call.opened = result.session
    return _signed_in(result)


@action("auth/loggedIn", "Logged in status checked", signed_in=False, csrf=False)
def logged_in(call: Call) -> list[dict[str, Any]]:
    """`SimpleVO{key: "bool", value}`: whether the session (or bearer) is signed in (web-app auth.guard.ts)."""
    return [{"SimpleVO": {"key": "bool", "value": call.account is not None}}]


@action("auth/logout", "Logout successful", signed_in=False, csrf=False)
def logout(call: Call) -> list[dict[str, Any]]:
    """End the session and clear its cookie."""
    if call.session is not None:
        backend().web.sign_out(call.session.token)
    call.ended = True
    return []


@action("account/get", "Account retrieved")
def get_account(call: Call) -> list[dict[str, Any]]:
    """The caller's AccountVO (an accountId in the request must be the caller's own)."""
    asked = inputs.optional_int(call.vo("AccountVO", required=False), "accountId")
    me = backend().get_authenticated_account(call.caller())
    if asked is not None and asked != me.id:
        raise InvalidInput(messages.NO_OBJECT_PERMISSION, f"account {asked} is not the signed-in account")
    return [{"AccountVO": account_vo(me)}]


@action("archive/get", "Archive retrieved")
def get_archive(call: Call) -> list[dict[str, Any]]:
    """One of the caller's archives by archiveId or archiveNbr."""
    archive_id, nbr = _archive_ids(call.vo("ArchiveVO"))
    return [{"ArchiveVO": php.archive_vo(backend().get_archive(call.caller(), archive_id=archive_id, nbr=nbr))}]


@action("archive/getAllArchives", "Get all archives successful")
def get_all_archives(call: Call) -> list[dict[str, Any]]:
    """Every archive of the caller, one `{ArchiveVO}` each in the one result (web-app archive.repo.ts)."""
    archives: list[Archive] = backend().get_all_archives(call.caller())
    return [{"ArchiveVO": php.archive_vo(archive)} for archive in archives]


@action("archive/change", "Archive changed")
def change_archive(call: Call) -> list[dict[str, Any]]:
    """Make one of the caller's archives the session's current one (parameter-less calls then use it)."""
    archive_id, nbr = _archive_ids(call.vo("ArchiveVO"))
    mock = backend()
    archive = mock.get_archive(call.caller(), archive_id=archive_id, nbr=nbr)
    if call.session is not None:
        call.session = mock.web.change_archive(call.session, archive)
    return [{"ArchiveVO": php.archive_vo(archive)}]


@action("notification/getMyNotifications", "Notifications retrieved")
def notifications(call: Call) -> list[dict[str, Any]]:
    """No notifications: the mock sends none, and an answer keeps the web app from showing an error toast."""
    call.caller()
    return []


@action("notification/getMyNotificationsSince", "Notifications retrieved")
def notifications_since(call: Call) -> list[dict[str, Any]]:
    """No new notifications (polled by the web app)."""
    envelope.vo(call.item, "NotificationVO", required=False)
    call.caller()
    return []


@action("tag/getTagsByArchive", "Tags retrieved")
def tags(call: Call) -> list[dict[str, Any]]:
    """The archive's tags: none, as the mock keeps no tags (the web app asks on every start)."""
    call.caller()
    return []


@action("relation/getAll", "Relations retrieved")
def relations(call: Call) -> list[dict[str, Any]]:
    """The archive's relations: none, as the mock keeps none (the web app asks when the share dialog opens)."""
    call.caller()
    return []
