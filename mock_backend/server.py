"""Serving the app with waitress: in the foreground for the CLI, or on a thread for tests."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from waitress.server import create_server


def make_server(app: Flask, host: str = "127.0.0.1", port: int = 8000, threads: int = 8) -> Any:
    """Return a bound (not yet running) waitress server for the app."""
    from mock_backend.api.support import EXTENSION

    limit = app.extensions[EXTENSION].settings.max_upload_bytes
    return create_server(
        app,
        host=host,
        port=port,
        threads=threads,
        ident="permanent-mock",
        max_request_body_size=limit,
        channel_timeout=120,
        clear_untrusted_proxy_headers=True,
    )


def bound_url(server: Any, host: str) -> str:
    """Return the base URL a client should use for a bound server."""
    port = server.effective_port
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


@contextmanager
def serve_in_thread(app: Flask, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve the app on a background thread (port 0 picks a free port); yield its base URL."""
    server = make_server(app, host, port, threads=4)
    stopping = threading.Event()

    def loop() -> None:
        try:
            server.run()
        except (OSError, ValueError):
            # Closing sockets under a running select() raises EBADF; expected only while stopping.
            if not stopping.is_set():
                raise

    thread = threading.Thread(target=loop, name="permanent-mock", daemon=True)
    thread.start()
    try:
        yield bound_url(server, host)
    finally:
        stopping.set()
        # Close every channel (the listener and open connections) so the asyncore loop runs dry and ends.
        for channel in list(server._map.values()):
            channel.close()
        server.task_dispatcher.shutdown()
        thread.join(timeout=5)
