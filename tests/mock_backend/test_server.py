"""Tests of mock_backend.server: serving an app over real HTTP on a thread."""

from __future__ import annotations

import httpx
import pytest
from flask import Flask

from mock_backend.server import serve_in_thread
from tests.openapi_check import check_httpx_response


def test_serve_in_thread_answers_on_loopback(app: Flask) -> None:
    """serve_in_thread yields a loopback base URL that answers /_mock/health."""
    with serve_in_thread(app) as base_url, httpx.Client(event_hooks={"response": [check_httpx_response]}) as client:
        assert (base_url.startswith("http://127.0.0.1:"), client.get(f"{base_url}/_mock/health").json()) == (
            True,
            {"status": "ok"},
        )


def test_serve_in_thread_stops_listening_on_exit(app: Flask) -> None:
    """Once the block ends, the port no longer accepts connections."""
    with serve_in_thread(app) as base_url:
        pass
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{base_url}/_mock/health", timeout=2)
