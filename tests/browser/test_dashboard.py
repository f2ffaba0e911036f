"""The dashboard in a real browser: Playwright driving the system's Chromium against a served mock.

`python -m playwright install` cannot download here, so the test uses Chromium from the system packages
(`apt install chromium`; `.ci/run` installs it). Without it the test is skipped locally and fails in CI.
"""

from __future__ import annotations

import httpx
import pytest

from contracts.sdk import PermanentClient
from tests.conftest import Api

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_dashboard_tree_journal_reset_and_docs_in_a_browser(page: object, live_server: str, api: Api) -> None:
    """Browse to a file, see the SDK's calls in the journal with their verdicts, reset to `shared`, open the docs."""
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    page.goto(f"{live_server}/_mock/")
    expect(page.locator("#accounts")).to_contain_text("demo@example.com")

    # Browse: Demo Archive → My Files → Documents → notes.txt
    page.get_by_role("link", name="Demo Archive").first.click()
    page.get_by_role("link", name="My Files").click()
    page.get_by_role("link", name="Documents").click()
    expect(page.locator("#children")).to_contain_text("notes.txt")
    expect(page.locator(".crumbs")).to_contain_text("My Files")

    # The SDK over HTTP, and a call that breaks the contract
    with PermanentClient.for_base_url(live_server, token=api.token()) as client:
        assert [a.name for a in client.get_archives()][:1] == ["Demo Archive"]
    bad = httpx.post(
        f"{live_server}/api/folder/post",
        json={"displayName": "no parent"},
        headers={"Request-Version": "2", "Authorization": f"Bearer {api.token()}"},
    )
    assert bad.status_code == 400
    page.get_by_role("link", name="Requests").click()
    good_row = page.locator("#journal tr", has_text="/api/archive/getAllArchives")
    expect(good_row).to_contain_text("conforms")
    bad_row = page.locator("#journal tr", has_text="/api/folder/post")
    expect(bad_row).to_contain_text("does not conform")
    expect(bad_row).to_contain_text("parentFolderId")

    # Reset the world to `shared` from the overview
    page.get_by_role("link", name="World").click()
    page.get_by_role("button", name="Reset to shared").click()
    expect(page.locator("#accounts")).to_contain_text("viewer@example.com", timeout=20_000)
    expect(page.locator("#accounts")).not_to_contain_text("other@example.com")

    # The docs page renders Swagger UI for Permanent's contract, from the mock's own files
    page.get_by_role("link", name="API docs").click()
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("permanent-mock", timeout=20_000)
    expect(page.locator("div.swagger-ui")).to_contain_text("/api/account/getAuthenticatedAccount")


@pytest.mark.parametrize("settings_overrides", [{"control_token_required": True, "control_token": "s3cret"}])
def test_sign_in_beyond_loopback_opens_the_dashboard_and_its_reset(
    page: object, live_server: str, settings_overrides: dict[str, object]
) -> None:
    """With the control token required, the browser signs in once at /_mock/login; its cookie then opens the
    pages and the reset button's JSON write (a wrong token first is refused)."""
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    assert page.goto(f"{live_server}/_mock/").status == 401  # type: ignore[union-attr]
    page.goto(f"{live_server}/_mock/login")
    page.fill("input[name=token]", "guess")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#login-failed")).to_be_visible()
    page.fill("input[name=token]", "s3cret")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#accounts")).to_contain_text("demo@example.com")
    page.get_by_role("button", name="Reset to empty").click()
    expect(page.locator("main")).to_contain_text("No accounts", timeout=20_000)
