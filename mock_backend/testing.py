"""Helpers for tests that use the mock in-process: tokens and the backend behind an app."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask

from mock_backend.api.support import EXTENSION, MockState
from mock_backend.domain.backend import Backend
from mock_backend.scenarios import Progress, Scenario


def backend_of(app: Flask) -> Backend:
    """Return the domain backend of an app built by `create_app`."""
    state: MockState = app.extensions[EXTENSION]
    return state.backend


def mint_token(app: Flask, email: str, ttl: int | None = None) -> str:
    """Return a bearer token for the account with that e-mail address."""
    return backend_of(app).mint_token(email, ttl)


def login_of(app: Flask) -> str | None:
    """Return the login a banner or fixture should offer: the demo e-mail if it has an account, else the oldest."""
    backend = backend_of(app)
    accounts = backend.accounts()
    wanted = backend.settings.demo_email.lower()
    for account in accounts:
        if account.email.lower() == wanted:
            return account.email
    return accounts[0].email if accounts else None


def control_token(app: Flask) -> str:
    """Return the secret of the app's `/_mock/*` control routes (header X-Mock-Control-Token)."""
    state: MockState = app.extensions[EXTENSION]
    return state.control_token


def rebuild_world(
    app: Flask, scenario: Scenario, progress: Callable[[Progress], None] | None = None
) -> tuple[Progress, int]:
    """Replace an app's world by a scenario as a first start builds it; return (what was built, blobs removed).

    Raises:
        scenarios.ScenarioError: the scenario cannot be planned; nothing was removed.
    """
    state: MockState = app.extensions[EXTENSION]
    return state.rebuild_world(scenario, progress)


def close(app: Flask) -> None:
    """Close an app's database connections and blob store now (an ephemeral app also removes its directory)."""
    from mock_backend.app import CLOSE

    app.extensions[CLOSE]()
