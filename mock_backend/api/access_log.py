"""One log line per request (method, path, status, milliseconds), so users see what their client calls."""

from __future__ import annotations

import logging
import time

from flask import Flask, Response, g, request

log = logging.getLogger("mock_backend.access")


def _start() -> None:
    g.started = time.perf_counter()


def _finish(response: Response) -> Response:
    elapsed = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
    # The path only: query strings carry signatures and tokens.
    log.info("%s %s %s %.1f ms", request.method, request.path, response.status_code, elapsed)
    return response


def register(app: Flask) -> None:
    """Log every request of an app at INFO on `mock_backend.access`."""
    app.before_request(_start)
    app.after_request(_finish)
