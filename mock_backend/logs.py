"""Logging for a served mock: records are queued by request threads and written by one listener thread."""

from __future__ import annotations

import atexit
import logging
import logging.handlers
import queue

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure_logging(level: str) -> logging.handlers.QueueListener:
    """Send the root logger's records through a queue to stderr; return the started listener.

    Every request logs a line; with the stream handler on the request thread, its lock was where threads waited
    (a fifth of a small answer's time under load). The listener is stopped, and the queue drained, at exit.
    """
    records: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
    stream = logging.StreamHandler()
    stream.setFormatter(logging.Formatter(FORMAT))
    listener = logging.handlers.QueueListener(records, stream, respect_handler_level=True)
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.addHandler(logging.handlers.QueueHandler(records))
    root.setLevel(level.upper())
    listener.start()
    atexit.register(listener.stop)
    return listener
