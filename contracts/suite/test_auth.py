"""Layer 3: authentication failures: no token, a wrong token and an expired token; FusionAuth login."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from contracts.sdk import AuthError, Folder, FolderNotFound, PermanentClient
from contracts.sdk.transport import ExchangeHook
from contracts.suite.support import RawHttp, Wire, expect_error
from contracts.targets import Target, TargetUnavailable

WRONG_TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJub2JvZHkifQ.c2lnbmF0dXJlLW5vdC12YWxpZA"
Tokens = Callable[[Target], str | None]


def _no_token(target: Target) -> str | None:
    return None


def _wrong_token(target: Target) -> str | None:
    return WRONG_TOKEN


def _expired_token(target: Target) -> str | None:
    try:
        return target.expired_token()
    except TargetUnavailable as exc:
        pytest.skip(str(exc))


@pytest.mark.parametrize(
    ("make_token", "message_key"),
    [
        pytest.param(_no_token, "warning.generic.account_not_logged_in", id="no-token"),
        pytest.param(_wrong_token, "warning.auth.token_does_not_match", id="wrong-token"),
        pytest.param(_expired_token, "warning.auth.token_expired", id="expired-token"),
    ],
)
def test_php_call_without_valid_token_answers_401(
    target: Target, wire: Wire, make_token: Tokens, message_key: str
) -> None:
    """PHP answers 401 with the message key of the token problem (D2)."""
    token = make_token(target)
    with _client(target, token, wire.on_exchange) as sdk:
        expect_error(401, message_key, sdk.get_authenticated_account)


@pytest.mark.parametrize("make_token", [_no_token, _wrong_token], ids=["no-token", "wrong-token"])
def test_stela_without_valid_token_sees_nothing(
    target: Target, wire: Wire, raw: RawHttp, workdir: Folder, make_token: Tokens
) -> None:
    """Stela treats a missing or invalid token as anonymous: no folder, and no children (real Stela at 3ee7ab2)."""
    token = make_token(target)
    with _client(target, token, wire.on_exchange) as sdk, pytest.raises(FolderNotFound):
        sdk.get_folder(workdir.id)
    children = raw.stela("raw.stela.children", f"/folder/{workdir.id}/children", token=token, params={"pageSize": "5"})
    assert children.status_code == 200, f"an invisible folder's children answer 200, got {children.status_code}"
    assert children.json()["items"] == [], "an anonymous caller sees no children of a private folder"


def test_login_with_wrong_password_is_refused(target: Target, wire: Wire) -> None:
    """FusionAuth refuses a wrong password (404, as FusionAuth's Login API does)."""
    account = target.accounts["primary"]
    if not account.login_id:
        pytest.skip("the primary account is configured by token, without a login")
    with target.client(None, on_exchange=wire.on_exchange) as sdk, pytest.raises(AuthError) as refused:
        sdk.login(
            account.login_id,
            "certainly-not-the-password",
            application_id=target.fusionauth.application_id,
            api_key=target.fusionauth.api_key,
            client_secret=target.fusionauth.client_secret,
            client_id=target.fusionauth.client_id,
        )
    assert refused.value.status == 404, f"a wrong password answers 404, got {refused.value.status}"


def test_login_gives_a_token_the_php_api_accepts(target: Target, wire: Wire) -> None:
    """Password login plus the refresh grant give an access token that PHP accepts for the same account."""
    account = target.accounts["primary"]
    if not (account.login_id and account.password):
        pytest.skip("the primary account is configured by token, without a password")
    with target.client(None, on_exchange=wire.on_exchange) as sdk:
        sdk.login(
            account.login_id,
            account.password,
            application_id=target.fusionauth.application_id,
            api_key=target.fusionauth.api_key,
            client_secret=target.fusionauth.client_secret,
            client_id=target.fusionauth.client_id,
        )
        logged_in = sdk.get_authenticated_account()
    with target.client() as reference:
        assert logged_in.id == reference.get_authenticated_account().id, "the token belongs to the logged-in account"


def _client(target: Target, token: str | None, hook: ExchangeHook) -> PermanentClient:
    """A client with exactly this token (None: anonymous)."""
    return target.client(None, token=token, on_exchange=hook)
