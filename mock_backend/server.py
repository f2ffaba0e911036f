"""Serving the app with waitress: in the foreground for the CLI, or on a thread for tests."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from waitress.server import create_server

#: Open connections the server keeps (waitress's default is 100). A waiting connection costs a socket and a
#: small buffer, not a worker thread: waitress reads requests on its I/O thread and hands a worker only a
#: complete one. So idle or slowly-dripping clients cannot lock others out until this many are open.
CONNECTION_LIMIT = 4096
#: Descriptors kept free for the database, blobs and logs when the connection limit is sized to RLIMIT_NOFILE.
_SPARE_DESCRIPTORS = 64
#: Seconds of silence after which a connection is closed (a dripping client is not silent; see above).
CHANNEL_TIMEOUT = 60
#: Request line plus headers, in bytes (waitress's default); larger answers 431.
MAX_HEADER_BYTES = 256 * 1024


def connection_limit(wanted: int = CONNECTION_LIMIT) -> int:
    """Raise the soft descriptor limit towards its hard limit; return how many connections fit under it."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows: no RLIMIT_NOFILE to consult
        return wanted
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted + _SPARE_DESCRIPTORS
    if soft != resource.RLIM_INFINITY and soft < target:
        raised = target if hard == resource.RLIM_INFINITY else min(target, hard)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (raised, hard))
            soft = raised
        except (ValueError, OSError):
            pass  # keep the soft limit; fewer connections fit
    if soft == resource.RLIM_INFINITY:
        return wanted
    return max(1, min(wanted, soft - _SPARE_DESCRIPTORS))


def make_server(app: Flask, host: str = "127.0.0.1", port: int = 8000, threads: int = 8) -> Any:
    """Return a bound (not yet running) waitress server for the app, with its limits set deliberately."""
    from mock_backend.api.support import EXTENSION

    limit = app.extensions[EXTENSION].settings.max_upload_bytes
    return create_server(
        app,
        host=host,
        port=port,
        threads=threads,
        ident="permanent-mock",
        max_request_body_size=limit,
        max_request_header_size=MAX_HEADER_BYTES,
        connection_limit=connection_limit(),
        # poll() has no FD_SETSIZE (1024) ceiling, which select() would hit long before the connection limit.
        asyncore_use_poll=True,
        channel_timeout=CHANNEL_TIMEOUT,
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
