"""Tests of mock_backend.api.control: the /_mock/* control routes are closed to other web pages and hosts."""

from __future__ import annotations

import pytest

from mock_backend.cli import is_loopback
from mock_backend.domain import messages
from mock_backend.testing import control_token
from tests.conftest import Api, error_key, ok
from tests.openapi_check import ContractClient

FAULT = b'{"path": "/api/folder/post", "status": 503}'
REQUIRED = [{"control_token_required": True}]


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"])
def test_control_write_with_a_simple_content_type_is_415_and_plans_nothing(
    client: ContractClient, content_type: str
) -> None:
    """A body a browser may send cross-origin without a preflight is refused, and no fault is planned."""
    response = client.post("/_mock/faults", data=FAULT, content_type=content_type)
    assert (response.status_code, error_key(response), ok(client.get("/_mock/faults"))) == (
        415,
        messages.JSON_REQUIRED,
        {"items": []},
    )


def test_control_routes_answer_no_cors_headers_to_another_origin(client: ContractClient) -> None:
    """A preflight from an allowed dev origin gets CORS headers on the API, none on /_mock/faults."""
    preflight = {"Origin": "http://localhost:4200", "Access-Control-Request-Method": "POST"}
    api = client.options("/api/folder/post", headers=preflight)
    control = client.options("/_mock/faults", headers=preflight)
    assert (
        api.headers.get("Access-Control-Allow-Origin"),
        control.headers.get("Access-Control-Allow-Origin"),
    ) == ("http://localhost:4200", None)


@pytest.mark.parametrize("settings_overrides", REQUIRED, ids=["beyond-loopback"])
def test_control_token_is_required_on_every_control_route_but_health(client: ContractClient, api: Api) -> None:
    """Beyond loopback, faults, deletions and the account switch answer 401 without the token; health answers."""
    answers = [
        client.get("/_mock/faults"),
        client.post("/_mock/faults", data=FAULT, content_type="application/json"),
        client.get("/_mock/deletions", headers=api.headers()),
        client.patch("/_mock/account", json={"allowSftpDeletion": True}, headers=api.headers()),
    ]
    assert (
        [(a.status_code, error_key(a)) for a in answers],
        client.get("/_mock/health").status_code,
        ok(client.get("/_mock/faults", headers={"X-Mock-Control-Token": control_token(api.app)})),
    ) == ([(401, messages.CONTROL_TOKEN)] * 4, 200, {"items": []})


@pytest.mark.parametrize("settings_overrides", REQUIRED, ids=["beyond-loopback"])
def test_a_wrong_control_token_is_refused(client: ContractClient) -> None:
    """A token that is not the app's answers 401 like a missing one."""
    response = client.get("/_mock/faults", headers={"X-Mock-Control-Token": "guess"})
    assert (response.status_code, error_key(response)) == (401, messages.CONTROL_TOKEN)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.5", False),
        ("mock.example", False),
    ],
)
def test_is_loopback_tells_local_listen_addresses(host: str, loopback: bool) -> None:
    """Only loopback addresses keep the control routes open without the token."""
    assert is_loopback(host) is loopback
