"""Serving the app: granian (worker processes) for the CLI, waitress on a thread for tests and embedding."""

from __future__ import annotations

import contextlib
import functools
import gc
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from flask import Flask
from waitress.server import create_server

from mock_backend.config import Settings

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
#: Seconds a stop (SIGTERM, SIGINT, SIGHUP) gives the requests in flight to finish before their worker is killed.
STOP_GRACE_SECONDS = 5

log = logging.getLogger(__name__)


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


def make_server(
    app: Flask, host: str = "127.0.0.1", port: int = 8000, threads: int = 8, max_body: int | None = None
) -> Any:
    """Return a bound (not yet running) waitress server for the app, with its limits set deliberately.

    `max_body` defaults to the mock's upload limit; another Flask app (the benchmarks' baseline) must give it.
    """
    from mock_backend.api.support import EXTENSION

    limit = max_body if max_body is not None else app.extensions[EXTENSION].settings.max_upload_bytes
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
    return bound_url_of(host, server.effective_port)


def bound_url_of(host: str, port: int) -> str:
    """Return the base URL a client should use for a server listening on host:port."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


@contextmanager
def serve_in_thread(app: Flask, host: str = "127.0.0.1", port: int = 0, max_body: int | None = None) -> Iterator[str]:
    """Serve the app on a background thread (port 0 picks a free port); yield its base URL (`max_body`: make_server)."""
    server = make_server(app, host, port, threads=4, max_body=max_body)
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


# --- granian: the CLI's server ----------------------------------------------------------------------------------
#
# Chosen by measurement (benchmarks/load.py; a Flask hello-world on this 2-core machine): waitress with 16
# threads ≈ 2,600 requests/s, granian with one worker ≈ 7,600 and with two ≈ 9,500–12,600. Granian parses HTTP
# and holds connections in Rust, so slow or idle clients cost no Python thread, and it streams request bodies
# into the app (flat memory during uploads). It runs the app in worker processes, which serve_in_thread cannot
# do; tests and embedding keep waitress there.


def free_port(host: str) -> int:
    """Return a port that is free on `host` now (for `--port 0`; granian wants a number before it binds)."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def _worker_app(settings: Settings, log_level: str, server_pid: int, _target: str | None = None) -> Flask:
    """Build one worker's app over the shared data directory (runs in the worker process)."""
    from mock_backend.app import create_app
    from mock_backend.logs import configure_logging

    _die_with(server_pid)
    configure_logging(log_level)
    app = create_app(settings)
    freeze_start_up_objects()
    return app


def freeze_start_up_objects() -> None:
    """Take what start-up made (modules and the app: tens of thousands of objects) out of the garbage collector's walks.

    They live as long as the process, yet every full collection walked them again (40 ms each), and an answer
    that makes many objects triggers several: getWithChildren of 100,000 children went from 1.42 to 1.21 s in
    process. This is what `gc.freeze` is for (see its documentation); what start-up left as garbage goes first.
    """
    gc.collect()
    gc.freeze()


def _die_with(server_pid: int) -> None:
    """End this worker when the server process dies, even by SIGKILL: no orphan keeps the port or its locks.

    Linux sends the worker SIGKILL when its parent dies (PR_SET_PDEATHSIG); a watchdog thread also checks once a
    second that the parent is still the server, for other systems and for a server that died before the request
    was made (an orphan left by a SIGKILL in CI was seen once).
    """
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        pr_set_pdeathsig = 1
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)

    def watch() -> None:
        while os.getppid() == server_pid:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, name="permanent-mock-parent-watch", daemon=True).start()


#: The signals that stop a server: SIGTERM, SIGINT and SIGHUP with a grace, SIGQUIT at once (Windows has only the
#: first two).
STOP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT") if hasattr(signal, name)
)
#: Those a server leaves ignored when they were ignored at its start: nohup ignores SIGHUP, a shell ignores SIGINT
#: and SIGQUIT in what it starts in the background. (SIGINT stops it even so, as it did under granian's own
#: handler, which a script may rely on.)
KEPT_IGNORED = frozenset(getattr(signal, name) for name in ("SIGHUP", "SIGQUIT") if hasattr(signal, name))


def ignored_at_start(handlers: dict[int, Any]) -> frozenset[int]:
    """Return which of the stop signals whose `handlers` are given stay ignored (see KEPT_IGNORED)."""
    return frozenset(
        number for number, handler in handlers.items() if number in KEPT_IGNORED and handler == signal.SIG_IGN
    )


class _Stopper:
    """Stops a granian server on SIGTERM, SIGINT or SIGHUP with a grace; a second signal, or SIGQUIT, at once.

    granian (2.8.9, granian.server.common) sets handlers of its own as it starts: SIGINT and SIGTERM flag a stop,
    which then waits for the workers (up to `workers_kill_timeout`), and a second one changes nothing; SIGHUP
    respawns every worker (even under nohup, whose SIG_IGN it replaces). `install` replaces them from granian's
    start-up hook, which runs after they are set: the first stop signal asks granian to stop, as before; a further
    one (or SIGQUIT, or any with a grace of 0) kills the workers, which ends granian's wait for them.
    """

    def __init__(self, server: Any, grace: int, ignored: frozenset[int]) -> None:
        self._server = server
        self._grace = grace
        self._ignored = ignored
        self._asked = False

    def install(self) -> None:
        """Take over the stop signals (run in the main thread, after granian set its handlers)."""
        if not all(hasattr(self._server, name) for name in ("interrupt_signal", "signal_handler_interrupt", "wrks")):
            # Another granian than the one this was written against: its own handlers stay (a stop still ends
            # within workers_kill_timeout), rather than a start-up that fails.
            log.warning("granian %s: its own stop handling is kept (no second-signal stop)", _granian_version())
            return
        self._asked = bool(self._server.interrupt_signal)  # a signal that came before: granian's handler took it
        for number in STOP_SIGNALS:
            if number in self._ignored:
                signal.signal(number, signal.SIG_IGN)  # granian's SIGHUP handler replaced nohup's SIG_IGN
            elif number == getattr(signal, "SIGQUIT", None):
                signal.signal(number, self._stop_at_once)
            else:
                # A hang-up (the terminal closed) stops a server in the foreground, as it stops any program.
                signal.signal(number, self._stop)

    def _stop(self, _signum: int, _frame: FrameType | None) -> None:
        if self._asked or self._grace == 0:
            self._stop_at_once(_signum, _frame)
            return
        self._asked = True
        self._server.signal_handler_interrupt()

    def _stop_at_once(self, _signum: int, _frame: FrameType | None) -> None:
        self._asked = True
        # granian's own kill (SIGKILL), which marks the worker as stopped by the server, not as crashed.
        for worker in list(self._server.wrks):
            with contextlib.suppress(AttributeError, ValueError, OSError):  # not started, or already reaped
                worker.kill()
        # Wake granian's loop only if no stop did yet. A handler runs inside whatever the main thread was doing,
        # even inside another handler: a signal that came while the first stop was setting granian's Event found
        # its lock taken by the very frame it interrupted, and the server hung for ever (a second Ctrl+C, or
        # `make` passing on the SIGTERM its child had already got, hung it 3 times in 6). granian sets
        # `interrupt_signal` before it takes that lock, so a stop under way is seen here.
        if not self._server.interrupt_signal:
            self._server.signal_handler_interrupt()


def _granian_version() -> str:
    from importlib.metadata import version

    return version("granian")


def serve_with_granian(
    settings: Settings,
    host: str,
    port: int,
    *,
    threads: int,
    workers: int,
    log_level: str,
    stop_grace: int = STOP_GRACE_SECONDS,
    on_listening: Callable[[], None] = lambda: None,
) -> None:
    """Serve the mock on granian until SIGTERM, SIGINT or SIGHUP; each worker builds its app from `settings`.

    A stop lets the requests in flight finish for up to `stop_grace` seconds, then kills the workers still busy;
    a second stop signal, or SIGQUIT, kills them at once. The signal handlers in place before are put back on
    return. `on_listening` runs once the port is bound, before the workers start (connections wait in the
    backlog).
    """
    from granian.constants import Interfaces
    from granian.http import HTTP1Settings
    from granian.server import Server

    server = Server(
        "permanent-mock",
        address=host,
        port=port,
        interface=Interfaces.WSGI,
        workers=workers,
        blocking_threads=threads,
        # Connections are held in Rust: a client that drips its headers waits there, not on a thread, and one
        # that stops sending is dropped after this long (waitress' channel timeout did the same).
        http1_settings=HTTP1Settings(header_read_timeout=CHANNEL_TIMEOUT * 1000, max_buffer_size=MAX_HEADER_BYTES),
        backlog=CONNECTION_LIMIT,
        log_enabled=False,
        respawn_failed_workers=True,
        # granian (2.8) stops a worker by letting each open connection finish the request it is in, with no time
        # limit of its own: an upload that trickles in, or a client dripping its headers (up to the header timeout
        # above), holds the worker as long as it lasts. This is the limit: a worker still busy this long after the
        # stop is killed (SIGKILL), and the server removes the bytes its cut-off uploads had received. (0 is
        # granian's "wait for ever"; a grace of 0 kills at once in _Stopper instead.)
        workers_kill_timeout=max(1, stop_grace),
    )
    # Workers start as fresh interpreters, not forks: a fork copies this process's threads' locks (the banner
    # thread's first request held an import lock at fork time, and the worker hung on its first answer) and its
    # open database connections. (Python 3.14 stopped forking by default for the same reason.)
    multiprocessing.set_start_method("spawn", force=True)
    before = {number: signal.getsignal(number) for number in STOP_SIGNALS}
    stopper = _Stopper(server, stop_grace, ignored_at_start(before))
    server.on_startup(stopper.install)
    server.on_startup(on_listening)
    loader = functools.partial(_worker_app, settings, log_level, os.getpid())
    try:
        server.serve(target_loader=loader, wrap_loader=False)
    finally:
        for number, handler in before.items():
            if handler is not None:  # None: a handler not set from Python, which cannot be put back
                signal.signal(number, handler)
