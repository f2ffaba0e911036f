"""Fixtures of the browser tests: headless Chromium from the system packages, driven by Playwright.

`python -m playwright install` cannot download here, so the tests use Chromium from the system packages
(`apt install chromium`; `.ci/run` installs it). Without it they are skipped locally and fail in CI.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

#: Flags that keep Chromium off the network this machine does not have (it otherwise retries for seconds).
_CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium() -> str:
    found = os.environ.get("PERMANENT_MOCK_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        message = "needs Chromium from the system packages (apt install chromium) or PERMANENT_MOCK_CHROMIUM"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


@pytest.fixture
def page(live_server: str) -> Iterator[object]:
    """A fresh browser page (headless Chromium), closed after the test."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=_chromium(), headless=True, args=_CHROMIUM_FLAGS)
        try:
            yield browser.new_page()
        finally:
            browser.close()
