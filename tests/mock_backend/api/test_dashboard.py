"""Tests of mock_backend.api.dashboard: the server-rendered pages under /_mock/ (a browser test drives them too)."""

from __future__ import annotations

import re

import pytest

from mock_backend.domain.clock import FrozenClock
from tests.conftest import Api, World, ok

PAGES = ["/_mock/", "/_mock/folders/3", "/_mock/journal", "/_mock/audit", "/_mock/docs/"]


def _text(api: Api, path: str) -> str:
    answer = api.client.get(path)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer.get_data(as_text=True)


@pytest.mark.parametrize("path", PAGES)
def test_page_is_html_and_cannot_be_framed(api: Api, path: str) -> None:
    """Every dashboard page is HTML that another site may not frame (no clickjacking of "reset")."""
    answer = api.client.get(path)
    assert (answer.status_code, answer.mimetype, answer.headers["X-Frame-Options"]) == (200, "text/html", "DENY")
    assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"]


def test_overview_lists_accounts_roles_scenarios_and_quirks(api: Api) -> None:
    """The overview shows each account with its archives and roles, the reset buttons and the quirks."""
    page = _text(api, "/_mock/")
    assert re.search(r"Family Archive</a>\s*<span class=\"role\">viewer", page)
    assert [
        name in page for name in ("demo@example.com", "other@example.com", 'data-reset="large"', "stela_string_ids")
    ] == [True] * 4


def test_archive_link_leads_to_its_root_and_folders_link_down(api: Api, world: World) -> None:
    """/_mock/archives/N redirects to the root folder page; My Files lists Documents with a link to its page."""
    answer = api.client.get(f"/_mock/archives/{world.demo_archive}")
    assert answer.status_code == 302
    root = _text(api, answer.headers["Location"])
    assert "My Files" in root
    my_files = _text(api, f"/_mock/folders/{world.my_files}")
    assert f'href="/_mock/folders/{world.documents}"' in my_files
    assert "welcome.txt" in my_files


@pytest.mark.parametrize(
    ("path", "status", "key"),
    [
        ("/_mock/folders/999999", 404, "error.folder.lookup"),
        ("/_mock/archives/999999", 404, "error.archive.lookup"),
        ("/_mock/journal?status=abc", 400, "error.api.invalid_request"),
        ("/_mock/audit?days=-1", 400, "error.api.invalid_request"),
    ],
)
def test_page_errors_are_html_pages_with_the_key(api: Api, path: str, status: int, key: str) -> None:
    """An unknown folder or archive, or a malformed filter: an HTML page with the status and the message key."""
    answer = api.client.get(path)
    assert (answer.status_code, answer.mimetype, f"<code>{key}</code>" in answer.get_data(as_text=True)) == (
        status,
        "text/html",
        True,
    )


def test_journal_page_shows_the_exchange_and_its_verdict(api: Api) -> None:
    """A request that breaks the contract shows on the journal page as not conforming, with the rule."""
    api.post("/api/folder/post", {"displayName": "x"})
    page = _text(api, "/_mock/journal")
    assert ("/api/folder/post" in page, "does not conform" in page, "request body schema/required" in page) == (
        True,
        True,
        True,
    )


def test_audit_counts_deletions_soon_after_creation(api: Api, world: World, clock: FrozenClock) -> None:
    """A folder deleted half an hour after its creation counts as "soon"; a seeded file deleted weeks later does not."""
    fresh = ok(api.post("/api/folder/post", {"displayName": "Fresh", "parentFolderId": world.my_files}))
    clock.advance(1800)
    api.delete("/api/folder/delete", folderId=fresh["folderId"])
    welcome = api.child(world.my_files, world.demo_archive, "welcome.txt")
    api.delete("/api/record/delete", recordId=welcome["recordId"])
    page = _text(api, "/_mock/audit")
    row = re.search(r"<td>demo@example.com</td><td class=\"number\">(\d+)</td>\s*<td class=\"number\">(\d+)", page)
    assert row is not None, page
    assert (row.group(1), row.group(2)) == ("2", "1")


def test_docs_page_offers_both_documents_from_local_files(api: Api) -> None:
    """The docs page points Swagger UI at both documents and loads its files from the mock itself."""
    page = _text(api, "/_mock/docs/")
    assert ('"/openapi.json"' in page, '"/_mock/openapi.json"' in page, "https://" in page) == (True, True, False)
    assert api.client.get("/_mock/docs/swagger-ui-bundle.js").status_code == 200


@pytest.mark.parametrize("settings_overrides", [{"control_token_required": True, "control_token": "s3cret"}])
def test_beyond_loopback_the_sign_in_page_sets_a_cookie_that_opens_the_dashboard(
    api: Api, settings_overrides: dict[str, object]
) -> None:
    """Beyond loopback: the dashboard is 401 without the token; a wrong token at /_mock/login is 401 and sets
    nothing; the right one answers 303 with an HttpOnly, SameSite=Strict cookie that opens pages and JSON writes."""
    client = api.client
    assert client.get("/_mock/").status_code == 401
    assert client.get("/_mock/login").status_code == 200
    assert client.get("/_mock/static/dashboard.css").status_code == 200  # the sign-in page's own style
    wrong = client.post("/_mock/login", data={"token": "guess"})
    assert (wrong.status_code, "Set-Cookie" in wrong.headers, client.get("/_mock/").status_code) == (401, False, 401)
    right = client.post("/_mock/login", data={"token": "s3cret"})
    cookie = right.headers["Set-Cookie"]
    assert (right.status_code, right.headers["Location"]) == (303, "/_mock/")
    assert ("HttpOnly" in cookie, "SameSite=Strict" in cookie, "Path=/_mock/" in cookie) == (True, True, True)
    assert client.get("/_mock/").status_code == 200
    assert client.post("/_mock/reset", json={"scenario": "empty"}).status_code == 200
