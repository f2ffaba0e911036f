"""Tests of FusionAuth login and token renewal in contracts.sdk.auth and the client."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import httpx
import pytest

from contracts.sdk import AuthError, PermanentClient, TokenManager

ACCOUNT_VO = {
    "accountId": 2,
    "allowSftpDeletion": True,
    "createdDT": "2023-03-09T17:33:09",
    "updatedDT": "2023-03-09T17:33:09",
}


class Clock:
    """A settable clock in seconds."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


class FusionAuthStub:
    """A MockTransport handler for /api/login, /oauth2/token and one PHP call."""

    def __init__(
        self,
        login: httpx.Response | None = None,
        token: httpx.Response | None = None,
        expires_in: int = 3600,
    ) -> None:
        self.login = login or httpx.Response(200, json={"token": "jwt", "refreshToken": "r1"})
        self.token = token
        self.expires_in = expires_in
        self.requests: list[httpx.Request] = []
        self.issued = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.path == "/fusionauth/api/login":
            return self.login
        if request.url.path == "/fusionauth/oauth2/token":
            if self.token is not None:
                return self.token
            self.issued += 1
            body = {"access_token": f"a{self.issued}", "expires_in": self.expires_in}
            return httpx.Response(200, json=body)
        return httpx.Response(200, json=ACCOUNT_VO)

    def client(self, clock: Clock) -> PermanentClient:
        """A client on this stub with the given clock."""
        return PermanentClient.for_base_url("https://mock.test", transport=httpx.MockTransport(self), clock=clock)

    def bearers(self) -> list[str | None]:
        """The Authorization headers of the PHP calls so far."""
        return [
            request.headers.get("Authorization") for request in self.requests if request.url.path.startswith("/api/")
        ]


def _login(client: PermanentClient) -> None:
    """Log in with the mock's default credentials."""
    client.login(
        "demo@example.com",
        "demo-password",
        application_id="mock-sftp-client-id",
        api_key="mock-fusionauth-key",
        client_secret="mock-sftp-client-secret",
    )


def test_token_given_fresh_manager_refreshes_once_and_reuses() -> None:
    """The first use refreshes; later uses within the lifetime reuse the token."""
    clock = Clock()
    calls: list[int] = []

    def refresh() -> tuple[str, float]:
        calls.append(1)
        return f"t{len(calls)}", 3600.0

    manager = TokenManager(refresh, clock=clock)
    assert [manager.token(), manager.token()] == ["t1", "t1"]
    assert manager.expires_at == 4600.0


@pytest.mark.parametrize(
    ("elapsed", "expected"),
    [(3299.0, "t1"), (3301.0, "t2")],
    ids=["301s-left-reuses", "299s-left-refreshes"],
)
def test_token_given_elapsed_time_refreshes_below_margin(elapsed: float, expected: str) -> None:
    """A token is renewed once fewer than 300 seconds of its life remain."""
    clock = Clock()
    issued = iter(["t1", "t2"])
    manager = TokenManager(lambda: (next(issued), 3600.0), clock=clock)
    manager.token()
    clock.now += elapsed
    assert manager.token() == expected


def test_token_given_custom_margin_uses_it() -> None:
    """The renewal margin is configurable."""
    clock = Clock()
    issued = iter(["t1", "t2"])
    manager = TokenManager(lambda: (next(issued), 100.0), clock=clock, margin=10.0)
    manager.token()
    clock.now += 85.0
    assert manager.token() == "t1"


def test_login_given_valid_credentials_sends_fusionauth_requests() -> None:
    """Login posts the raw API key and JSON body, then the refresh grant as a form."""
    stub = FusionAuthStub()
    _login(stub.client(Clock()))
    login, token = stub.requests
    assert login.headers["Authorization"] == "mock-fusionauth-key"
    assert json.loads(login.content) == {
        "applicationId": "mock-sftp-client-id",
        "loginId": "demo@example.com",
        "password": "demo-password",
    }
    assert token.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert "Authorization" not in token.headers
    assert parse_qs(token.content.decode()) == {
        "grant_type": ["refresh_token"],
        "refresh_token": ["r1"],
        "client_id": ["mock-sftp-client-id"],
        "client_secret": ["mock-sftp-client-secret"],
    }


def test_call_given_token_near_expiry_refreshes_before_sending() -> None:
    """A PHP call made with under 300 s of token life left first renews the token."""
    stub = FusionAuthStub()
    clock = Clock()
    client = stub.client(clock)
    _login(client)
    client.get_authenticated_account()
    clock.now += 3600 - 299
    client.get_authenticated_account()
    assert stub.bearers() == ["Bearer a1", "Bearer a2"]


def test_call_given_short_lived_tokens_refreshes_before_every_call() -> None:
    """With expires_in <= 300 every call renews the token, as in sftp-service."""
    stub = FusionAuthStub(expires_in=300)
    client = stub.client(Clock())
    _login(client)
    client.get_authenticated_account()
    client.get_authenticated_account()
    assert stub.bearers() == ["Bearer a2", "Bearer a3"]


@pytest.mark.parametrize(
    ("login", "token", "status", "error"),
    [
        (httpx.Response(404, json={}), None, 404, None),
        (httpx.Response(401, content=b""), None, 401, None),
        (httpx.Response(202, json={"user": {"id": "u"}}), None, 202, None),
        (
            None,
            httpx.Response(400, json={"error": "invalid_grant", "error_description": "bad"}),
            400,
            "invalid_grant",
        ),
        (None, httpx.Response(401, json={"error": "invalid_client"}), 401, "invalid_client"),
    ],
    ids=["wrong-password", "bad-api-key", "unregistered", "invalid-grant", "invalid-client"],
)
def test_login_given_refusal_raises_auth_error(
    login: httpx.Response | None, token: httpx.Response | None, status: int, error: str | None
) -> None:
    """A refused login or refresh raises AuthError with the status and OAuth error."""
    stub = FusionAuthStub(login=login, token=token)
    with pytest.raises(AuthError) as caught:
        _login(stub.client(Clock()))
    assert (caught.value.status, caught.value.error) == (status, error)


@pytest.mark.parametrize(
    ("login", "token"),
    [
        (httpx.Response(200, json={"token": "jwt"}), None),
        (None, httpx.Response(200, json={"access_token": "a"})),
    ],
    ids=["no-refresh-token", "no-expires-in"],
)
def test_login_given_incomplete_answer_raises_auth_error(
    login: httpx.Response | None, token: httpx.Response | None
) -> None:
    """A 200 without the needed token fields raises AuthError naming the answer incomplete."""
    stub = FusionAuthStub(login=login, token=token)
    with pytest.raises(AuthError, match="incomplete") as caught:
        _login(stub.client(Clock()))
    assert caught.value.status == 200


def test_login_given_no_fusionauth_url_raises_value_error() -> None:
    """A client built without a FusionAuth URL cannot log in."""
    client = PermanentClient("https://x/api", "https://x/api/v2")
    with pytest.raises(ValueError, match="fusionauth_url"):
        _login(client)
