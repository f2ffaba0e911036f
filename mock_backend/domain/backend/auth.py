"""Auth: bearer tokens, FusionAuth's password login, refresh grant and introspection, one password check."""

from __future__ import annotations

import functools
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from mock_backend.domain import messages
from mock_backend.domain.backend.core import BackendCore
from mock_backend.domain.clock import epoch
from mock_backend.domain.errors import NotFound, Unauthenticated
from mock_backend.domain.models import Account
from mock_backend.domain.ports import Repository
from mock_backend.domain.security import TokenClaims, check_password, hash_password

REFRESH_TOKEN_TTL = timedelta(days=30)


def same_secret(given: str | None, expected: str) -> bool:
    """Compare a presented credential with the expected one in constant time."""
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


@dataclass(frozen=True)
class LoginResult:
    """A successful FusionAuth password login."""

    account: Account
    access_token: str
    access_expires_at: datetime
    refresh_token: str


@dataclass(frozen=True)
class TokenGrant:
    """A successful OAuth refresh-token grant."""

    account: Account
    access_token: str
    expires_in: int
    refresh_token: str


@dataclass(frozen=True)
class Introspection:
    """What FusionAuth's introspect endpoint says of a token: inactive, or active with its account and claims."""

    active: bool
    account: Account | None = None
    claims: TokenClaims | None = None


class LoginFailed(Exception):
    """FusionAuth login or token failures, carrying FusionAuth's status and error code."""

    def __init__(self, status: int, code: str, description: str) -> None:
        self.status = status
        self.code = code
        self.description = description
        super().__init__(f"{status} {code}: {description}")


class Auth(BackendCore):
    """Who a caller is: tokens issued and read, passwords checked (FusionAuth and the v1 sign-in alike)."""

    @functools.cached_property
    def _decoy_hash(self) -> str:
        """A password hash no password matches, checked for unknown logins so they cost a real check too."""
        return hash_password(secrets.token_hex(16))

    def _password_holder(self, repo: Repository, login_id: str, password: str) -> Account | None:
        """Return the account a login id and password belong to, or None (FusionAuth and v1 sign-in alike)."""
        found = repo.account_by_email(login_id)
        # An unknown login id costs one password hash too, so timing does not tell which e-mails exist.
        if not check_password(password, found[1] if found else self._decoy_hash) or found is None:
            return None
        return found[0]

    def authenticate(self, token: str | None) -> Account:
        """Return the account a bearer token belongs to.

        Raises:
            Unauthenticated: no token, a token the mock did not issue, or an expired one (D2: 401).
        """
        if not token:
            raise Unauthenticated(messages.NOT_LOGGED_IN, "an Authorization: Bearer token is required")
        claims = self.signer.read_token(token)
        if claims is None:
            raise Unauthenticated(messages.TOKEN_MISMATCH, "the bearer token is not valid")
        if epoch(self.clock.now()) >= claims.expires_at:
            raise Unauthenticated(messages.TOKEN_EXPIRED, "the bearer token has expired")
        with self._uow() as repo:
            account = repo.account(claims.account_id)
        if account is None:
            raise Unauthenticated(messages.TOKEN_MISMATCH, "the token's account no longer exists")
        return account

    def authenticate_optional(self, token: str | None) -> Account | None:
        """Return the token's account, or None: Stela treats a missing or bad token as anonymous (§8.1)."""
        try:
            return self.authenticate(token)
        except Unauthenticated:
            return None

    def introspect(self, *, client_id: str, token: str) -> Introspection:
        """FusionAuth `POST /oauth2/introspect`, as real Stela calls it to sign a bearer token in.

        An expired, foreign or garbled token is inactive (200 `{"active": false}`). A client id that is not the
        mock's application fails: Stela asks for its backend application too, and only a non-2xx answer
        there lets the SFTP application's answer count (stela middleware/authentication.ts).

        Raises:
            LoginFailed: 400 invalid_request for a missing client_id or token, 401 invalid_client for an
                unknown client id.
        """
        if not client_id or not token:
            raise LoginFailed(400, "invalid_request", "client_id and token are required")
        if not same_secret(client_id, self.settings.fusionauth_client_id):
            raise LoginFailed(401, "invalid_client", "the client_id is not an application of this FusionAuth")
        claims = self.signer.read_token(token)
        if claims is None or claims.audience != client_id or epoch(self.clock.now()) >= claims.expires_at:
            return Introspection(active=False)
        with self._uow() as repo:
            account = repo.account(claims.account_id)
        if account is None:
            return Introspection(active=False)
        return Introspection(active=True, account=account, claims=claims)

    def login(self, *, api_key: str | None, application_id: str, login_id: str, password: str) -> LoginResult:
        """FusionAuth `POST /api/login`: check the API key, application and password.

        Raises:
            LoginFailed: 401 wrong API key, 400 unknown application, 404 unknown user or wrong password
                (FusionAuth's Login API answers 404 for both, sftp-service.md §4.2).
        """
        if not same_secret(api_key, self.settings.fusionauth_api_key):
            raise LoginFailed(401, "[invalid]apiKey", "the Authorization header must be the API key")
        if not same_secret(application_id, self.settings.fusionauth_client_id):
            raise LoginFailed(400, "[invalid]applicationId", "the applicationId is not a known application")
        now = self.clock.now()
        with self._uow(write=True) as repo:
            account = self._password_holder(repo, login_id, password)
            if account is None:
                raise LoginFailed(404, "[LoginFailed]", "the login id or password is wrong")
            refresh = self._random_token(48)
            repo.add_refresh_token(refresh, account.id, application_id, now + REFRESH_TOKEN_TTL)
            repo.commit()
        access = self._issue(account, application_id)
        return LoginResult(
            account=account,
            access_token=access,
            access_expires_at=now + timedelta(seconds=self.settings.access_token_ttl),
            refresh_token=refresh,
        )

    def refresh_grant(self, *, refresh_token: str, client_id: str, client_secret: str) -> TokenGrant:
        """FusionAuth `POST /oauth2/token` with `grant_type=refresh_token`.

        Raises:
            LoginFailed: 401 invalid_client for a wrong client id or secret, 400 invalid_grant for an
                unknown, expired or other-client refresh token.
        """
        settings = self.settings
        known_id = same_secret(client_id, settings.fusionauth_client_id)
        if not (same_secret(client_secret, settings.fusionauth_client_secret) and known_id):
            raise LoginFailed(401, "invalid_client", "client authentication failed")
        with self._uow() as repo:
            found = repo.refresh_token(refresh_token)
            account = repo.account(found[0]) if found else None
        if found is None or account is None or found[1] != client_id or found[2] <= self.clock.now():
            raise LoginFailed(400, "invalid_grant", "the refresh token is invalid or expired")
        return TokenGrant(
            account=account,
            access_token=self._issue(account, client_id),
            expires_in=settings.access_token_ttl,
            refresh_token=refresh_token,
        )

    def mint_token(self, email: str, ttl: int | None = None) -> str:
        """Return an access token for an account, without a password (CLI and tests).

        Raises:
            NotFound: no account has that e-mail address.
        """
        with self._uow() as repo:
            found = repo.account_by_email(email)
        if found is None:
            raise NotFound(messages.UNKNOWN_ROUTE, f"no account {email!r}")
        return self._issue(found[0], self.settings.fusionauth_client_id, ttl)

    def _issue(self, account: Account, audience: str, ttl: int | None = None) -> str:
        return self.signer.issue_token(
            account_id=account.id,
            subject=account.subject,
            email=account.email,
            audience=audience,
            now=self.clock.now(),
            ttl=self.settings.access_token_ttl if ttl is None else ttl,
        )
