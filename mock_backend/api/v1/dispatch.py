"""Reading a v1 call, resolving who makes it (session cookie or bearer), CSRF, and answering a ResponseVO."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, g, jsonify, request

from mock_backend.api.support import backend, bearer
from mock_backend.domain import messages
from mock_backend.domain.errors import DomainError, InvalidInput, NotFound, SignInRefused, Unauthenticated
from mock_backend.domain.models import Account, WebSession
from mock_backend.domain.sessions import SESSION_TTL
from mock_backend.wire import envelope
from mock_backend.wire.envelope import Result

#: The PHP session cookie (node-sdk src/lib/api/api.service.ts names `permSession`).
COOKIE = "permSession"


@dataclass
class Call:
    """One item of a v1 call, with who makes it; an action reads its VOs and may open or end the session."""

    item: dict[str, Any]
    account: Account | None
    session: WebSession | None
    #: A session the action opened (auth/login, auth/verify): its cookie and CSRF token go out with the answer.
    opened: WebSession | None = None
    #: The action ended the session (auth/logout): the cookie is cleared.
    ended: bool = False

    def vo(self, name: str, *, required: bool = True) -> dict[str, Any]:
        """Return one VO of the item (see `envelope.vo`)."""
        return envelope.vo(self.item, name, required=required)

    def caller(self) -> Account:
        """Return the signed-in account (the dispatcher has checked there is one for actions that need it)."""
        if self.account is None:
            raise Unauthenticated(messages.NOT_LOGGED_IN, "sign in with auth/login first")
        return self.account

    def archive_id(self) -> int:
        """Return the current archive: the session's (archive/change), else the account's default one.

        Raises:
            NotFound: the account has no archive yet.
        """
        if self.session is not None and self.session.archive_id is not None:
            return self.session.archive_id
        archive_id = self.caller().default_archive_id
        if archive_id is None:
            raise NotFound(messages.ARCHIVE_LOOKUP, "the account has no archive; create one first")
        return archive_id


ActionFn = Callable[[Call], list[dict[str, Any]]]


@dataclass(frozen=True)
class Action:
    """A v1 action: its function, whether it needs a signed-in caller and a CSRF token, its success message."""

    run: ActionFn
    signed_in: bool
    csrf: bool
    done: str


ACTIONS: dict[str, Action] = {}


def action(path: str, done: str, *, signed_in: bool = True, csrf: bool = True) -> Callable[[ActionFn], ActionFn]:
    """Register `controller/action`; `done` is the human message of a success, as real answers carry one."""

    def register_action(fn: ActionFn) -> ActionFn:
        ACTIONS[path] = Action(run=fn, signed_in=signed_in, csrf=csrf, done=done)
        return fn

    return register_action


def dispatch() -> Response | None:
    """Answer a v1 call (a before_request hook); None lets any other request through to its route."""
    if not envelope.is_v1(request.method, request.path, request.headers.get("Request-Version")):
        return None
    mock = backend()
    raw = request.get_data(cache=False)
    g.request_body = raw  # what the request journal keeps
    session = mock.web.find(request.cookies.get(COOKIE))
    csrf = session.csrf if session is not None else secrets.token_hex(16)
    try:
        call = envelope.parse(raw)
    except InvalidInput as error:
        return _answer(400, [Result.failed(error.key, error.detail)], csrf)
    name = request.path.removeprefix("/api/")
    found = ACTIONS.get(name)
    if found is None:
        detail = (
            f"the mock does not serve the v1 call {name}; /openapi-v1.json lists what it serves "
            "(for the v2 API send the header Request-Version: 2)"
        )
        # 200 like any failure of the dialect: the web app crashes on other statuses (a TypeError in its catch
        # blocks) instead of showing the message, and it calls many things the mock does not serve.
        return _answer(200, [Result.failed(messages.UNKNOWN_ROUTE, detail) for _ in call.items], csrf)

    account: Account | None = None
    by_cookie = False
    token = bearer()
    try:
        if token is not None:
            # Move and copy send the web app's bearer too (web-app http.service.ts useAuthorizationHeader).
            account = mock.authenticate(token)
            if session is not None and session.account_id != account.id:
                session = None  # another account's session: the bearer decides, and its archive is not this one's
        elif session is not None and session.signed_in:
            account = mock.web.account_of(session)
            by_cookie = account is not None
    except Unauthenticated as error:
        return _answer(401, [Result.failed(error.key, error.detail)], csrf)
    if found.signed_in and account is None:
        # Only here is the answer 401: the web app then signs out and reloads (web-app http.service.ts).
        return _answer(401, [Result.failed(messages.NOT_LOGGED_IN, "sign in with auth/login first")], csrf)
    sent = (call.csrf or "").encode("utf-8", "surrogatepass")  # bytes: compare_digest refuses non-ASCII str
    if found.csrf and by_cookie and session is not None and not secrets.compare_digest(sent, session.csrf.encode()):
        # The token does not rotate per answer: the web app sends calls in parallel, each with the last token
        # it stored, so a rotating one would fail them (decision in README, "The web app's v1 calls").
        detail = "RequestVO.csrf must be the csrf of this session's last answer"
        return _answer(200, [Result.failed(messages.INVALID_CSRF, detail) for _ in call.items], csrf)

    results: list[Result] = []
    opened: WebSession | None = None
    ended = False
    for item in call.items:
        work = Call(item=item, account=account, session=session)
        try:
            data = found.run(work)
            results.append(Result.ok(data, found.done))
        except SignInRefused as error:
            results.append(Result.failed(error.key, error.detail, error.params))
        except Unauthenticated as error:
            return _answer(401, [Result.failed(error.key, error.detail)], csrf)
        except DomainError as error:
            # Business errors are 200 with isSuccessful false: the web app crashes on any other non-2xx.
            results.append(Result.failed(error.key, error.detail))
        opened = work.opened or opened
        ended = ended or work.ended
    if opened is not None:
        csrf = opened.csrf
    answer = _answer(200, results, csrf)
    if opened is not None:
        answer.set_cookie(
            COOKIE,
            opened.token,
            max_age=int(SESSION_TTL.total_seconds()),
            path="/",
            httponly=True,
            samesite="Lax",
        )
    elif ended:
        answer.delete_cookie(COOKIE, path="/", httponly=True, samesite="Lax")
    return answer


def _answer(status: int, results: list[Result], csrf: str) -> Response:
    answer = jsonify(envelope.response(results, csrf, backend().clock.now()))
    answer.status_code = status
    return answer


def register(app: Flask) -> None:
    """Install the dispatcher; register it after the hooks every request passes (log, journal, faults, gate)."""
    app.before_request(dispatch)
