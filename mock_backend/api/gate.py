"""One API request at a time per process; byte transfers (`/s3/…`, `/cdn/…`) and planned delays run beside it.

Measured with wrk on a 2-core machine (benchmarks/load.py): a worker whose 16 threads all ran Python at once
answered the Stela children page at ~95 requests/s and getAuthenticatedAccount at ~1,100; one thread at a time
answered ~210 and ~2,400. The GIL runs one thread's Python anyway, and a request releases it for every SQLite
step and HMAC, so with many runnable threads each release turned into a wait for the others (a convoy). Threads
that wait on this lock are parked and do not compete. Uploads and downloads spend their time in socket and disk
I/O, so they stay concurrent; so does a streamed answer's body, which is produced after the view returns.
"""

from __future__ import annotations

import threading

from flask import Flask, g, request

_UNGATED = ("/s3/", "/cdn/")


def register(app: Flask) -> None:
    """Serialise the app's API requests; register after any before_request hook that may sleep (faults)."""
    lock = threading.Lock()

    def enter() -> None:
        if not request.path.startswith(_UNGATED):
            lock.acquire()
            g.gated = True

    def leave(_error: BaseException | None) -> None:
        if g.pop("gated", False):
            lock.release()

    app.before_request(enter)
    app.teardown_request(leave)
