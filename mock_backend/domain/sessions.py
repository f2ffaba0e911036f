"""The web app's PHP sessions (v1): sign-in with its MFA and e-mail steps, the current archive, CSRF, sign-out."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta

from mock_backend.domain import messages
from mock_backend.domain.clock import Clock
from mock_backend.domain.errors import InvalidInput, NotFound, SignInRefused
from mock_backend.domain.models import SIGN_IN_STEPS, Account, Archive, WebSession
from mock_backend.domain.ports import Repository, UnitOfWork

#: How long a PHP session lives without signing in again (the real one is not documented; a working week).
SESSION_TTL = timedelta(days=7)
#: The one code the mock's MFA and e-mail steps accept (the real ones are mailed or texted; a mock cannot).
VERIFICATION_CODE = "123456"
#: `AuthVO.type` of each step, as the web app sends it to `auth/verify` (web-app auth.repo.ts, account.service.ts).
VERIFY_TYPES = {"mfa": "type.auth.mfaValidation", "verify_email": "type.auth.email"}


@dataclass(frozen=True)
class SignIn:
    """What `auth/login` or `auth/verify` gives: the session, account, archive and, once signed in, a bearer."""

    session: WebSession
    account: Account
    archive: Archive | None
    #: The bearer for v2 and Stela calls; None while a step is due (`step_due` tells the message).
    token: str | None


class WebSessions:
    """Sessions kept in the database, so every worker process of one data directory sees the same ones."""

    def __init__(
        self,
        uow: UnitOfWork,
        clock: Clock,
        issue: Callable[[Account], str],
        holder: Callable[[Repository, str, str], Account | None],
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._issue = issue
        #: The account an e-mail and password belong to, checked as FusionAuth's login checks it (Backend).
        self._holder = holder

    def sign_in(self, email: str, password: str) -> SignIn:
        """`auth/login`: open a session for a correct password; an account with a step opens a pending one.

        Raises:
            InvalidInput: no e-mail or password.
            SignInRefused: a wrong e-mail or password (`warning.signin.unknown`).
        """
        if not email or not password:
            raise InvalidInput(messages.VALIDATION_EMPTY, "AccountVO.primaryEmail and AccountPasswordVO.password")
        now = self._clock.now()
        with self._uow(write=True) as repo:
            account = self._holder(repo, email, password)
            if account is None:
                raise SignInRefused(messages.SIGNIN_UNKNOWN, "the e-mail or password is wrong")
            archive = self._default_archive(repo.archives_of(account.id), account)
            session = WebSession(
                token=secrets.token_urlsafe(32),
                account_id=account.id,
                archive_id=archive.id if archive else None,
                csrf=secrets.token_hex(16),
                pending=account.sign_in_step,
                expires_at=now + SESSION_TTL,
            )
            repo.delete_web_sessions_before(now)
            repo.add_web_session(session)
            repo.commit()
        token = self._issue(account) if session.pending is None else None
        return SignIn(session=session, account=account, archive=archive, token=token)

    def verify(self, token: str | None, email: str, code: str, kind: str) -> SignIn:
        """`auth/verify`: pass the pending step of the session with the code, signing it in.

        Raises:
            SignInRefused: no pending session for that e-mail, another step's type, or a wrong code
                (`warning.auth.token_does_not_match`).
        """
        session = self.find(token)
        with self._uow(write=True) as repo:
            account = repo.account(session.account_id) if session else None
            if session is None or account is None or account.email.lower() != email.strip().lower():
                raise SignInRefused(messages.SIGNIN_UNKNOWN, "sign in with auth/login first")
            if session.pending is not None and kind != VERIFY_TYPES[session.pending]:
                raise SignInRefused(
                    messages.AUTH_TOKEN_MISMATCH, f"this step wants AuthVO.type {VERIFY_TYPES[session.pending]}"
                )
            if not secrets.compare_digest(code.encode("utf-8", "surrogatepass"), VERIFICATION_CODE.encode()):
                raise SignInRefused(messages.AUTH_TOKEN_MISMATCH, f"the mock's code is {VERIFICATION_CODE}")
            session = replace(session, pending=None)
            repo.save_web_session(session)
            archive = next((a for a in repo.archives_of(account.id) if a.id == session.archive_id), None)
            repo.commit()
        return SignIn(session=session, account=account, archive=archive, token=self._issue(account))

    def find(self, token: str | None) -> WebSession | None:
        """Return the live session of a cookie value, signed in or pending; None for none or an expired one."""
        if not token:
            return None
        with self._uow() as repo:
            session = repo.web_session(token)
        if session is None or session.expires_at <= self._clock.now():
            return None
        return session

    def account_of(self, session: WebSession) -> Account | None:
        """Return the account of a session (None once the account is gone, e.g. after a reset)."""
        with self._uow() as repo:
            return repo.account(session.account_id)

    def change_archive(self, session: WebSession, archive: Archive) -> WebSession:
        """`archive/change`: make an archive the session's current one (the caller's membership is checked first)."""
        changed = replace(session, archive_id=archive.id)
        with self._uow(write=True) as repo:
            if repo.web_session(session.token) is None:
                raise NotFound(messages.NOT_LOGGED_IN, "the session has ended")
            repo.save_web_session(changed)
            repo.commit()
        return changed

    def sign_out(self, token: str | None) -> None:
        """`auth/logout`: end the session (nothing to do without one)."""
        if not token:
            return
        with self._uow(write=True) as repo:
            repo.delete_web_session(token)
            repo.commit()

    def set_step(self, account_id: int, step: str | None) -> None:
        """Choose what the account's v1 sign-in asks after the password (scenarios, the control plane).

        Raises:
            InvalidInput: an unknown step.
        """
        if step is not None and step not in SIGN_IN_STEPS:
            raise InvalidInput(messages.INVALID_REQUEST, f"signIn: one of {', '.join(SIGN_IN_STEPS)} or null")
        with self._uow(write=True) as repo:
            repo.set_sign_in_step(account_id, step)
            repo.commit()

    @staticmethod
    def _default_archive(archives: list[Archive], account: Account) -> Archive | None:
        # The default archive, else the first one: the web app falls back the same way (account.service.ts).
        return next((a for a in archives if a.id == account.default_archive_id), archives[0] if archives else None)


def step_due(step: str) -> SignInRefused:
    """Return the refusal a session answers while `step` is due (what the web app routes on)."""
    if step == "mfa":
        # web-app src/test/responses/auth.login.verifyMfa.json: the key, then how the code was sent.
        return SignInRefused(messages.MFA_REQUIRED, f"send the code {VERIFICATION_CODE} to auth/verify", ("email",))
    return SignInRefused(messages.EMAIL_UNVERIFIED, f"verify the e-mail with auth/verify, code {VERIFICATION_CODE}")
