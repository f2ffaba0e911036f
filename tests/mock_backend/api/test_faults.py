"""Tests of mock_backend.api.faults: planning, applying and removing injected faults."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mock_backend.domain import messages
from tests.conftest import Api, error_key, ok


@pytest.fixture
def raw(app: Flask) -> FlaskClient:
    """A client without the contract check: injected statuses are deliberately outside the contract."""
    return FlaskClient(app, use_cookies=False)


def test_add_fault_fails_matching_requests_then_expires(api: Api, raw: FlaskClient) -> None:
    """A fault with times=2 fails the next two matching calls with its status, then calls succeed."""
    ok(api.client.post("/_mock/faults", json={"path": "/api/archive/", "status": 503, "times": 2}))
    statuses = [raw.get("/api/archive/getAllArchives", headers=api.headers()).status_code for _ in range(3)]
    assert statuses == [503, 503, 200]


def test_injected_fault_body_has_the_route_dialect_and_key(api: Api, raw: FlaskClient) -> None:
    """A PHP route fails with {"message": error.mock.injected_fault}; Stela with {"error": {"message"}}."""
    ok(api.client.post("/_mock/faults", json={"path": "/api/", "status": 500}))
    php = raw.get("/api/archive/getAllArchives", headers=api.headers()).get_json()
    stela = raw.get("/api/v2/folder?folderIds[]=3", headers=api.headers()).get_json()
    assert php["message"] == messages.INJECTED_FAULT
    assert set(stela) == {"error"}
    assert "injected" in stela["error"]["message"]


def test_fault_with_method_spares_other_methods(api: Api, raw: FlaskClient) -> None:
    """A fault limited to POST leaves GETs of the same path alone."""
    ok(api.client.post("/_mock/faults", json={"path": "/api/", "method": "POST", "status": 409}))
    assert raw.get("/api/archive/getAllArchives", headers=api.headers()).status_code == 200


def test_mock_routes_are_never_faulted(api: Api) -> None:
    """A fault on "/" still lets /_mock routes and the contract answer."""
    ok(api.client.post("/_mock/faults", json={"path": "/", "status": 503}))
    assert ok(api.client.get("/_mock/health")) == {"status": "ok"}
    assert api.client.get("/openapi.json").status_code == 200


def test_clear_faults_removes_every_fault(api: Api, raw: FlaskClient) -> None:
    """DELETE /_mock/faults empties the plan, and requests pass again."""
    ok(api.client.post("/_mock/faults", json={"path": "/api/", "status": 503}))
    assert api.client.delete("/_mock/faults").status_code == 200
    assert ok(api.client.get("/_mock/faults")) == {"items": []}
    assert raw.get("/api/archive/getAllArchives", headers=api.headers()).status_code == 200


def test_remove_fault_by_id_and_unknown_id_is_404(api: Api) -> None:
    """DELETE /_mock/faults/{id} removes that fault; an unknown id answers 404 error.mock.fault_lookup."""
    fault = ok(api.client.post("/_mock/faults", json={"path": "/api/", "status": 503}))
    assert api.client.delete(f"/_mock/faults/{fault['faultId']}").status_code == 200
    missing = api.client.delete(f"/_mock/faults/{fault['faultId']}")
    assert (missing.status_code, error_key(missing)) == (404, messages.FAULT_LOOKUP)


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ({"path": "/api/", "status": 200}, messages.INVALID_REQUEST),
        ({"path": "/_mock/health", "status": 500}, messages.INVALID_REQUEST),
        ({"path": "api", "status": 500}, messages.INVALID_REQUEST),
        ({"path": "/api/"}, messages.VALIDATION_EMPTY),
        ({"path": "/api/", "delayMs": 600_000}, messages.INVALID_REQUEST),
        ({"status": 500}, messages.VALIDATION_EMPTY),
        ({"path": "/api/", "status": 500, "times": 0}, messages.INVALID_REQUEST),
    ],
    ids=["success-status", "mock-route", "relative-path", "nothing-to-do", "delay-too-long", "no-path", "zero-times"],
)
def test_add_fault_bad_input_answers_400_and_plans_nothing(api: Api, body: dict[str, object], key: str) -> None:
    """A fault that could not work is refused with 400 and a message key, and nothing is planned."""
    response = api.client.post("/_mock/faults", json=body)
    assert (response.status_code, error_key(response)) == (400, key)
    assert ok(api.client.get("/_mock/faults")) == {"items": []}
