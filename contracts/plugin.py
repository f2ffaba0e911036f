"""The pytest plugin of permanent-mock (entry point `pytest11`): a fresh Permanent mock in any project's tests.

Fixtures (no import needed):
- `permanent_mock`: an in-process mock (`.client()` gives a logged-in SDK client, `.flask` the app, `.clock`
  the frozen clock if one was asked for, `.token` the demo account's bearer token);
- `permanent_mock_server`: the same mock served on a free loopback port (`.base_url`, `.api_url`,
  `.stela_url`, `.fusionauth_url`, `.sftp_env` for PermanentOrg/sftp-service, `.token`, `.mock`).

Each is new for every test and removed after it; `--permanent-mock-scope=session` shares one per session
instead. `@pytest.mark.permanent_mock(quirks={...}, clock=datetime(...), **settings)` sets a test's mock up
(function scope only).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from contracts.targets import FreshMock

_SCOPE_OPTION = "--permanent-mock-scope"


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add the scope option."""
    parser.getgroup("permanent-mock").addoption(
        _SCOPE_OPTION,
        choices=("function", "session"),
        default="function",
        help="a fresh mock per test (default), or one shared by the whole session",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Declare the marker (the suites of this project run with --strict-markers)."""
    config.addinivalue_line(
        "markers",
        "permanent_mock(quirks=None, clock=None, **settings): quirks, a frozen start time and Settings fields for "
        "the test's mock (function scope)",
    )


def _scope(fixture_name: str, config: pytest.Config) -> str:
    scope: str = config.getoption(_SCOPE_OPTION)
    return scope


@pytest.fixture(scope=_scope)  # type: ignore[arg-type]  # pytest accepts a callable scope
def permanent_mock(request: pytest.FixtureRequest) -> Iterator[FreshMock]:
    """A fresh in-process Permanent mock, seeded with the demo world; removed afterwards."""
    from contracts.targets import fresh_mock

    marker = request.node.get_closest_marker("permanent_mock") if request.scope == "function" else None
    options = dict(marker.kwargs) if marker else {}
    mock = fresh_mock(**options)
    try:
        yield mock
    finally:
        mock.close()


@dataclass(frozen=True)
class ServedMock:
    """A mock served over HTTP for the test: the URLs the SDK and the SFTP service take."""

    base_url: str
    token: str | None
    sftp_env: dict[str, str]
    mock: FreshMock

    @property
    def api_url(self) -> str:
        """The SDK's `baseUrl` (the PHP API)."""
        return f"{self.base_url}/api"

    @property
    def stela_url(self) -> str:
        """The SDK's `stelaBaseUrl`."""
        return f"{self.base_url}/api/v2"

    @property
    def fusionauth_url(self) -> str:
        """FusionAuth's host, as sftp-service's FUSION_AUTH_HOST."""
        return f"{self.base_url}/fusionauth"


@pytest.fixture(scope=_scope)  # type: ignore[arg-type]
def permanent_mock_server(permanent_mock: FreshMock) -> Iterator[ServedMock]:
    """The `permanent_mock` of the test served on a free loopback port, on a thread, until the test ends."""
    with permanent_mock.served() as base:
        yield ServedMock(base, permanent_mock.token, permanent_mock.sftp_environment(base), permanent_mock)
