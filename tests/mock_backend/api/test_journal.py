"""Tests of the request journal (mock_backend.api.journal, storage/journal.py): recording, verdicts, filters."""

from __future__ import annotations

import time
from typing import Any

import pytest
from flask import Flask

from mock_backend import Settings
from tests.conftest import Api, build_app, error_key, ok


def _journal(api: Api, **query: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = ok(api.client.get("/_mock/requests", query_string=query))["items"]
    return items


def test_exchange_is_recorded_with_status_timing_and_conforming_verdicts(api: Api) -> None:
    """A good SDK call appears with its method, path, status, a duration and two conforming verdicts."""
    ok(api.get("/api/account/getAuthenticatedAccount"))
    (item,) = _journal(api)
    assert (item["method"], item["path"], item["status"], item["durationMs"] >= 0) == (
        "GET",
        "/api/account/getAuthenticatedAccount",
        200,
        True,
    )
    assert (item["request"]["conforms"], item["response"]["conforms"], item["request"]["checked"]) == (
        True,
        True,
        "all",
    )


def test_v1_calls_are_judged_against_the_v1_document(api: Api) -> None:
    """A web app's v1 login conforms to openapi/v1.yaml; then (signed in) a v1 folder/post without FolderVO does not."""
    login = {"AccountVO": {"primaryEmail": "demo@example.com"}, "AccountPasswordVO": {"password": "demo-password"}}
    api.client.post("/api/auth/login", json={"RequestVO": {"csrf": None, "data": [login]}})
    api.client.post("/api/folder/post", json={"RequestVO": {"csrf": None, "data": [{"RecordVO": {}}]}})
    bad, good = _journal(api)
    assert (good["path"], good["request"]["conforms"], good["response"]["conforms"]) == ("/api/auth/login", True, True)
    assert (bad["path"], bad["request"]["conforms"], bad["request"]["schemaPath"].endswith("data/oneOf")) == (
        "/api/folder/post",
        False,
        True,
    )


def test_bad_request_is_judged_non_conforming_with_the_rule(api: Api) -> None:
    """A folder/post body without parentFolderId: the request does not conform, and the verdict names the rule."""
    api.post("/api/folder/post", {"displayName": "x"})
    (item,) = _journal(api)
    verdict = item["request"]
    assert (item["status"], verdict["conforms"], item["response"]["conforms"]) == (400, False, True)
    assert "parentFolderId" in verdict["error"]
    assert verdict["schemaPath"] == "request body schema/required"


def test_unknown_route_does_not_conform(api: Api) -> None:
    """A call of a route no document lists is recorded as not conforming (a client calling what does not exist)."""
    api.get("/api/folder/nothingHere")
    (item,) = _journal(api)
    assert (item["status"], item["request"]["conforms"], "PathNotFound" in item["request"]["error"]) == (
        404,
        False,
        True,
    )


def test_filters_by_status_class_method_path_and_verdict(api: Api) -> None:
    """status=4xx, method, path prefix and conforms=false narrow the list; after= gives only newer exchanges."""
    ok(api.get("/api/account/getAuthenticatedAccount"))
    api.post("/api/folder/post", {"displayName": "x"})
    ok(api.get("/api/archive/getAllArchives"))
    newest = _journal(api)[0]["requestId"]
    ok(api.get("/api/account/getAuthenticatedAccount"))
    assert [i["status"] for i in _journal(api, status="4xx")] == [400]
    assert [i["path"] for i in _journal(api, method="post")] == ["/api/folder/post"]
    assert [i["path"] for i in _journal(api, path="/api/archive/")] == ["/api/archive/getAllArchives"]
    assert [i["path"] for i in _journal(api, conforms="false")] == ["/api/folder/post"]
    assert [i["requestId"] > newest for i in _journal(api, after=newest)] == [True]


def test_control_reads_are_left_out_and_control_writes_kept(api: Api) -> None:
    """GET /_mock/* (the dashboard polling) is not journaled; a reset is."""
    ok(api.client.get("/_mock/accounts"))
    ok(api.client.post("/_mock/reset", json={"scenario": "demo"}))
    assert [i["path"] for i in _journal(api)] == ["/_mock/reset"]


def test_clear_forgets_every_exchange(api: Api) -> None:
    """DELETE /_mock/requests empties the journal."""
    ok(api.get("/api/account/getAuthenticatedAccount"))
    assert api.client.delete("/_mock/requests").status_code == 200
    assert _journal(api) == []


@pytest.mark.parametrize("query", [{"status": "abc"}, {"conforms": "maybe"}, {"limit": "0"}])
def test_bad_filter_is_400(api: Api, query: dict[str, str]) -> None:
    """A malformed filter answers 400 error.api.invalid_request."""
    answer = api.client.get("/_mock/requests", query_string=query)
    assert (answer.status_code, error_key(answer)) == (400, "error.api.invalid_request")


def test_another_process_on_the_data_directory_sees_the_exchange(api: Api, app: Flask) -> None:
    """Two apps on one data directory (as two worker processes) share the journal."""
    ok(api.get("/api/account/getAuthenticatedAccount"))
    settings = app.extensions["permanent_mock"].settings
    second = build_app(Settings(data_dir=settings.data_dir, sweep_at_start=False))
    # The first app's flusher writes within 0.1 s; wait for it (bounded), as a second worker's reader would.
    deadline = time.monotonic() + 10
    while not (items := ok(second.test_client().get("/_mock/requests"))["items"]) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [i["path"] for i in items] == ["/api/account/getAuthenticatedAccount"]


@pytest.mark.parametrize("settings_overrides", [{"journal_size": 3}], indirect=False)
def test_journal_keeps_only_its_size(api: Api, settings_overrides: dict[str, Any]) -> None:
    """With journal_size 3, five calls leave the newest three."""
    for _ in range(5):
        ok(api.get("/api/account/getAuthenticatedAccount"))
    body = ok(api.client.get("/_mock/requests"))
    assert (body["size"], len(body["items"])) == (3, 3)


@pytest.mark.parametrize("settings_overrides", [{"journal_size": 0}], indirect=False)
def test_journal_switched_off_records_nothing(api: Api, settings_overrides: dict[str, Any]) -> None:
    """journal_size 0 switches recording off; the route answers an empty list."""
    ok(api.get("/api/account/getAuthenticatedAccount"))
    assert ok(api.client.get("/_mock/requests")) == {"items": [], "size": 0}


def test_request_headers_kept_are_the_contracts_with_every_secret_redacted(api: Api, app: Flask) -> None:
    """The journal keeps the headers the contract reads; a bearer token, the control token and the v1 session
    cookie only as present, and nothing else (another cookie, an unlisted header)."""
    api.client.set_cookie("permSession", "secret-session", domain="localhost")
    api.client.set_cookie("other", "kept-out", domain="localhost")
    api.client.post(
        "/api/folder/post",
        json={"displayName": "x", "parentFolderId": 0},
        headers={**api.headers("demo"), "X-Mock-Control-Token": "secret-control", "X-Unlisted": "left out"},
    )
    api.client.post("/api/folder/post", json={}, headers={"Authorization": "Basic c2VjcmV0", "Request-Version": "2"})
    journal = app.extensions["permanent_mock"].journal
    basic, bearer = journal.entries(path="/api/folder/post")
    assert bearer.request_headers == {
        "Request-Version": "2",
        "Content-Type": "application/json",
        "Authorization": "Bearer redacted",
        "X-Mock-Control-Token": "(present)",
        "Cookie": "permSession=redacted",
    }
    assert basic.request_headers["Authorization"] == "(present)"
