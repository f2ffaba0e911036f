"""Tests of mock_backend.api.auth: the FusionAuth subset (password login, refresh-token grant)."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from werkzeug.test import TestResponse

from mock_backend.config import Settings
from mock_backend.domain.backend import auth as backend_module
from mock_backend.domain.backend import same_secret
from mock_backend.domain.clock import FrozenClock, epoch
from mock_backend.domain.seed import DEMO_EMAIL, DEMO_PASSWORD, OTHER_EMAIL, OTHER_PASSWORD
from tests.conftest import ok
from tests.openapi_check import ContractClient

DEFAULTS = Settings()
LOGIN = "/fusionauth/api/login"
TOKEN = "/fusionauth/oauth2/token"


def _login(
    client: ContractClient,
    login_id: str = DEMO_EMAIL,
    password: str = DEMO_PASSWORD,
    application_id: str = DEFAULTS.fusionauth_client_id,
    api_key: str | None = DEFAULTS.fusionauth_api_key,
) -> TestResponse:
    headers = {"Authorization": api_key} if api_key is not None else {}
    body = {"applicationId": application_id, "loginId": login_id, "password": password}
    return client.post(LOGIN, json=body, headers=headers)


def test_login_for_an_unknown_email_costs_a_password_check_too(
    client: ContractClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unknown login id runs one password check, like a known one, so timing does not reveal accounts."""
    checks: list[str] = []
    real = backend_module.check_password

    def counting(password: str, stored: str) -> bool:
        checks.append(password)
        return real(password, stored)

    monkeypatch.setattr(backend_module, "check_password", counting)
    unknown = _login(client, login_id="nobody@example.com", password="guess")
    known = _login(client, password="guess")
    assert (unknown.status_code, known.status_code, checks) == (404, 404, ["guess", "guess"])


def test_same_secret_compares_whole_values_and_refuses_none() -> None:
    """The constant-time credential compare: equal strings only, never a missing value."""
    assert [
        same_secret("mock-key", "mock-key"),
        same_secret("mock-ke", "mock-key"),
        same_secret("", "mock-key"),
        same_secret(None, "mock-key"),
    ] == [True, False, False, False]


def _refresh(client: ContractClient, **form: str) -> TestResponse:
    data = {
        "grant_type": "refresh_token",
        "client_id": DEFAULTS.fusionauth_client_id,
        "client_secret": DEFAULTS.fusionauth_client_secret,
        **form,
    }
    return client.post(TOKEN, data=data)


def _account(client: ContractClient, token: str) -> TestResponse:
    return client.get(
        "/api/account/getAuthenticatedAccount", headers={"Request-Version": "2", "Authorization": f"Bearer {token}"}
    )


# ---------------------------------------------------------------- POST /api/login
def test_login_right_password_answers_tokens_and_user(client: ContractClient) -> None:
    """A good login answers 200 JSON with token, refreshToken and the user (e-mail, full name, active)."""
    response = _login(client)
    body = ok(response)
    assert (response.mimetype, bool(body["token"]), bool(body["refreshToken"]), body["user"]["email"]) == (
        "application/json",
        True,
        True,
        DEMO_EMAIL,
    )


def test_login_token_works_on_php_routes(client: ContractClient) -> None:
    """The login's access token is a bearer token for the PHP API."""
    token = ok(_login(client, OTHER_EMAIL, OTHER_PASSWORD))["token"]
    assert ok(_account(client, token))["primaryEmail"] == OTHER_EMAIL


def test_login_expiry_instant_is_ttl_after_now_in_ms(client: ContractClient, clock: FrozenClock) -> None:
    """tokenExpirationInstant is now + access_token_ttl, in milliseconds."""
    body = ok(_login(client))
    assert body["tokenExpirationInstant"] == (epoch(clock.now()) + DEFAULTS.access_token_ttl) * 1000


def test_login_login_id_is_case_insensitive(client: ContractClient) -> None:
    """FusionAuth matches e-mail login ids without regard to case."""
    assert _login(client, DEMO_EMAIL.upper()).status_code == 200


@pytest.mark.parametrize(
    "api_key", ["wrong-key", None, f"Bearer {DEFAULTS.fusionauth_api_key}"], ids=["wrong", "missing", "with-scheme"]
)
def test_login_bad_api_key_is_401(client: ContractClient, api_key: str | None) -> None:
    """A wrong or missing API key (raw, no scheme) answers 401."""
    assert _login(client, api_key=api_key).status_code == 401


def test_login_unknown_application_is_400_field_error(client: ContractClient) -> None:
    """An unknown applicationId answers 400 with a FusionAuth field error on applicationId."""
    response = _login(client, application_id="some-other-app")
    assert (response.status_code, list(response.get_json()["fieldErrors"])) == (400, ["applicationId"])


@pytest.mark.parametrize(
    ("login_id", "password"),
    [(DEMO_EMAIL, "wrong-password"), ("nobody@example.com", DEMO_PASSWORD), (DEMO_EMAIL, OTHER_PASSWORD)],
    ids=["wrong-password", "unknown-user", "other-users-password"],
)
def test_login_bad_credentials_is_404(client: ContractClient, login_id: str, password: str) -> None:
    """A wrong password or an unknown login id answers 404 (FusionAuth's Login API)."""
    assert _login(client, login_id, password).status_code == 404


@pytest.mark.parametrize("missing", ["applicationId", "loginId", "password"])
def test_login_missing_field_is_400(client: ContractClient, missing: str) -> None:
    """A login body without one of its three fields answers 400."""
    body = {"applicationId": DEFAULTS.fusionauth_client_id, "loginId": DEMO_EMAIL, "password": DEMO_PASSWORD}
    del body[missing]
    response = client.post(LOGIN, json=body, headers={"Authorization": DEFAULTS.fusionauth_api_key})
    assert response.status_code == 400


# ---------------------------------------------------------------- POST /oauth2/token
def _refresh_token(client: ContractClient) -> str:
    return str(ok(_login(client))["refreshToken"])


def test_token_refresh_grant_answers_bearer_access_token(client: ContractClient) -> None:
    """A refresh grant answers 200 with access_token, expires_in 3600, token_type Bearer and the refresh token."""
    refresh = _refresh_token(client)
    body = ok(_refresh(client, refresh_token=refresh))
    assert (body["expires_in"], body["token_type"], body["refresh_token"]) == (3600, "Bearer", refresh)


def test_token_refresh_grant_access_token_works_on_php_routes(client: ContractClient) -> None:
    """The refreshed access token is accepted by the PHP API."""
    access = ok(_refresh(client, refresh_token=_refresh_token(client)))["access_token"]
    assert ok(_account(client, access))["primaryEmail"] == DEMO_EMAIL


def test_token_refresh_grant_user_id_is_login_user_id(client: ContractClient) -> None:
    """userId is the FusionAuth user id of the login."""
    login = ok(_login(client))
    assert ok(_refresh(client, refresh_token=login["refreshToken"]))["userId"] == login["user"]["id"]


def test_token_basic_client_credentials_are_accepted(client: ContractClient) -> None:
    """Client credentials may come as HTTP Basic instead of form fields."""
    basic = base64.b64encode(f"{DEFAULTS.fusionauth_client_id}:{DEFAULTS.fusionauth_client_secret}".encode()).decode()
    response = client.post(
        TOKEN,
        data={"grant_type": "refresh_token", "refresh_token": _refresh_token(client)},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert ok(response)["token_type"] == "Bearer"


@pytest.mark.parametrize(
    "credentials",
    [{"client_secret": "wrong"}, {"client_id": "other-client"}, {"client_id": "", "client_secret": ""}],
    ids=["wrong-secret", "wrong-client", "none"],
)
def test_token_bad_client_is_invalid_client(client: ContractClient, credentials: dict[str, str]) -> None:
    """Wrong client credentials answer 401 `{"error": "invalid_client"}`."""
    response = _refresh(client, refresh_token=_refresh_token(client), **credentials)
    assert (response.status_code, response.get_json()["error"]) == (401, "invalid_client")


def test_token_unknown_refresh_token_is_invalid_grant(client: ContractClient) -> None:
    """An unknown refresh token answers 400 `{"error": "invalid_grant"}`."""
    response = _refresh(client, refresh_token="not-a-refresh-token")
    assert (response.status_code, response.get_json()["error"]) == (400, "invalid_grant")


def test_token_expired_refresh_token_is_invalid_grant(client: ContractClient, clock: FrozenClock) -> None:
    """A refresh token older than its lifetime (30 days) answers 400 invalid_grant."""
    refresh = _refresh_token(client)
    clock.advance(30 * 24 * 3600)
    response = _refresh(client, refresh_token=refresh)
    assert (response.status_code, response.get_json()["error"]) == (400, "invalid_grant")


@pytest.mark.parametrize("grant_type", ["password", "client_credentials", "authorization_code"])
def test_token_other_grant_type_is_unsupported_grant_type(client: ContractClient, grant_type: str) -> None:
    """A grant other than refresh_token answers 400 `{"error": "unsupported_grant_type"}`."""
    response = _refresh(client, refresh_token="x", grant_type=grant_type)
    assert (response.status_code, response.get_json()["error"]) == (400, "unsupported_grant_type")


@pytest.mark.parametrize(
    "form",
    [{"grant_type": ""}, {"refresh_token": ""}],
    ids=["no-grant-type", "no-refresh-token"],
)
def test_token_missing_field_is_invalid_request(client: ContractClient, form: dict[str, Any]) -> None:
    """A token request without grant_type or refresh_token answers 400 `{"error": "invalid_request"}`."""
    response = _refresh(client, **{"refresh_token": "x", **form})
    assert (response.status_code, response.get_json()["error"]) == (400, "invalid_request")


# ---------------------------------------------------------------- POST /oauth2/introspect
INTROSPECT = "/fusionauth/oauth2/introspect"


def _introspect(client: ContractClient, **form: str) -> TestResponse:
    return client.post(INTROSPECT, data=form)


def test_introspect_fresh_token_is_active_with_email_and_subject(client: ContractClient) -> None:
    """A token of the mock's application introspects active, with the e-mail and subject real Stela reads."""
    token = ok(_login(client))["token"]
    answer = ok(_introspect(client, client_id=DEFAULTS.fusionauth_client_id, token=token))
    user = ok(_login(client))["user"]
    assert (answer["active"], answer["email"], answer["sub"]) == (True, DEMO_EMAIL, user["id"])


def test_introspect_expired_token_is_inactive(client: ContractClient, clock: FrozenClock) -> None:
    """An expired token answers 200 `{"active": false}`."""
    token = ok(_login(client))["token"]
    clock.advance(DEFAULTS.access_token_ttl + 1)
    assert ok(_introspect(client, client_id=DEFAULTS.fusionauth_client_id, token=token)) == {"active": False}


def test_introspect_garbage_token_is_inactive(client: ContractClient) -> None:
    """A token the mock did not issue answers 200 `{"active": false}`."""
    assert ok(_introspect(client, client_id=DEFAULTS.fusionauth_client_id, token="x.y.z")) == {"active": False}


def test_introspect_other_application_is_invalid_client(client: ContractClient) -> None:
    """Another application's id answers 401 invalid_client, so Stela's backend-application call never wins."""
    token = ok(_login(client))["token"]
    response = _introspect(client, client_id="stela-backend-application", token=token)
    assert (response.status_code, response.get_json()["error"]) == (401, "invalid_client")


@pytest.mark.parametrize("missing", ["client_id", "token"])
def test_introspect_missing_field_is_invalid_request(client: ContractClient, missing: str) -> None:
    """A form without client_id or token answers 400 invalid_request."""
    form = {"client_id": DEFAULTS.fusionauth_client_id, "token": "x.y.z"}
    del form[missing]
    response = _introspect(client, **form)
    assert (response.status_code, response.get_json()["error"]) == (400, "invalid_request")
