"""A background thread that sweeps a served mock on a timer (expired uploads, crash leftovers)."""

from __future__ import annotations

import logging
import threading

from mock_backend.domain.backend import Backend
from mock_backend.domain.models import SweepReport

log = logging.getLogger(__name__)


def log_sweep(report: SweepReport, when: str) -> None:
    """Log what a sweep removed (nothing is logged when it removed nothing)."""
    if report.removed_anything:
        log.info(
            "swept %s: %d expired upload(s) (%d bytes), %d half-received file(s) of dead processes (%d bytes), "
            "%d unreferenced blob(s) (%d bytes)",
            when,
            report.expired_uploads,
            report.expired_upload_bytes,
            report.incoming_files,
            report.incoming_bytes,
            report.orphan_blobs,
            report.orphan_bytes,
        )


class Sweeper:
    """Runs `Backend.sweep` every `interval` seconds until stopped; a failed sweep is logged, not fatal."""

    def __init__(self, backend: Backend, interval: float) -> None:
        self._backend = backend
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="permanent-mock-sweeper", daemon=True)

    def start(self) -> Sweeper:
        """Start sweeping (no-op for a non-positive interval); return self."""
        if self._interval > 0:
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop after the sweep in progress, if any."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=30)

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                log_sweep(self._backend.sweep(), "on the timer")
            except Exception:
                # The sweep is housekeeping: a database hiccup must not kill the thread or the server.
                log.exception("the periodic sweep failed; it will run again in %s s", self._interval)
