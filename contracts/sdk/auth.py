"""FusionAuth password login, the refresh-token grant, and a manager that renews access tokens."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

import httpx

from contracts.sdk.errors import AuthError, ValidationError
from contracts.sdk.transport import Transport, json_content, parse
from contracts.sdk.wire import fusionauth
from contracts.sdk.wire.errors import error_message

T = TypeVar("T")

DEFAULT_REFRESH_MARGIN = 300.0
"""Renew when fewer seconds than this remain, like sftp-service's AuthTokenManager."""


class TokenManager:
    """Hold an access token and renew it before each use once it is close to expiry."""

    def __init__(
        self,
        refresh: Callable[[], tuple[str, float]],
        *,
        clock: Callable[[], float] = time.time,
        margin: float = DEFAULT_REFRESH_MARGIN,
    ) -> None:
        """`refresh` returns (access token, lifetime in seconds); `clock` returns seconds."""
        self._refresh = refresh
        self._clock = clock
        self._margin = margin
        self._token: str | None = None
        self._expires_at = float("-inf")

    @property
    def expires_at(self) -> float | None:
        """Clock time at which the current token expires, or None before the first refresh."""
        return None if self._token is None else self._expires_at

    def token(self) -> str:
        """Return a token with more than `margin` seconds left, renewing it if needed.

        Raises:
            AuthError: the refresh failed.
        """
        # At most `margin` seconds left means renew: expires_in <= 300 renews before every call.
        if self._token is None or self._expires_at - self._clock() <= self._margin:
            started = self._clock()
            token, lifetime = self._refresh()
            self._token, self._expires_at = token, started + lifetime
        return self._token


class FusionAuth:
    """The two FusionAuth calls the SDK needs: password login and the refresh-token grant."""

    def __init__(self, transport: Transport, base_url: str) -> None:
        self._transport = transport
        self._base_url = base_url.rstrip("/")

    def login(self, login_id: str, password: str, *, application_id: str, api_key: str) -> str:
        """Log in with a password and return the refresh token.

        Raises:
            AuthError: any answer but 200 (202 registration and 242 two-factor are unsupported),
                or a 200 without `refreshToken`.
        """
        response = self._transport.request(
            "login.password",
            "POST",
            self._base_url + fusionauth.LOGIN,
            headers={"Authorization": api_key, "Content-Type": "application/json"},
            content=json_content(fusionauth.login_body(application_id, login_id, password)),
            accept=lambda status: True,
        )
        if response.status_code != 200:
            raise _refused("login", response)
        return _parsed("login", response, fusionauth.parse_login)

    def refresh(self, refresh_token: str, *, client_id: str, client_secret: str) -> tuple[str, float]:
        """Exchange the refresh token for (access token, lifetime in seconds).

        Raises:
            AuthError: a non-2xx answer, or one without `access_token`/`expires_in`.
        """
        response = self._transport.request(
            "login.refresh_token",
            "POST",
            self._base_url + fusionauth.TOKEN,
            data=fusionauth.refresh_form(refresh_token, client_id, client_secret),
            accept=lambda status: True,
        )
        if not 200 <= response.status_code <= 299:
            raise _refused("token refresh", response)
        return _parsed("token refresh", response, fusionauth.parse_token)


def _refused(step: str, response: httpx.Response) -> AuthError:
    """Build the error for a refused FusionAuth call."""
    key, detail = error_message(response.content)
    text = f"FusionAuth {step} answered HTTP {response.status_code}"
    if key:
        text += f" {key}"
    if detail:
        text += f": {detail}"
    return AuthError(text, response, error=key)


def _parsed(step: str, response: httpx.Response, parser: Callable[[object], T]) -> T:
    """Parse a FusionAuth answer, reporting an incomplete one as `AuthError`."""
    try:
        return parse(response, parser)
    except ValidationError as exc:
        raise AuthError(f"FusionAuth {step} answer is incomplete: {exc}", response) from exc
