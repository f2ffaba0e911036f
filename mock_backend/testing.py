"""Helpers for tests that use the mock in-process: tokens and the backend behind an app."""

from __future__ import annotations

from flask import Flask

from mock_backend.api.support import EXTENSION, MockState
from mock_backend.domain.backend import Backend


def backend_of(app: Flask) -> Backend:
    """Return the domain backend of an app built by `create_app`."""
    state: MockState = app.extensions[EXTENSION]
    return state.backend


def mint_token(app: Flask, email: str, ttl: int | None = None) -> str:
    """Return a bearer token for the account with that e-mail address."""
    return backend_of(app).mint_token(email, ttl)


def control_token(app: Flask) -> str:
    """Return the secret of the app's `/_mock/*` control routes (header X-Mock-Control-Token)."""
    state: MockState = app.extensions[EXTENSION]
    return state.control_token


def close(app: Flask) -> None:
    """Close an app's database connections and blob store now (an ephemeral app also removes its directory)."""
    from mock_backend.app import CLOSE

    app.extensions[CLOSE]()
