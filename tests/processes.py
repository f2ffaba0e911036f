"""Running `permanent-mock serve` as a real process for tests: start it, read its URL, stop or kill it."""

from __future__ import annotations

import queue
import re
import subprocess
import sysconfig
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SERVING = re.compile(r"permanent-mock is serving on (http://\S+)")
EXECUTABLE = Path(sysconfig.get_path("scripts")) / "permanent-mock"


@dataclass
class Served:
    """A running mock process and the base URL it printed."""

    process: subprocess.Popen[str]
    url: str
    output: queue.Queue[str]


@contextmanager
def served(*args: str, stderr_to: Path | None = None, timeout: float = 60) -> Iterator[Served]:
    """Run `permanent-mock serve ARGS…`; yield it once it prints its URL; terminate it (if alive) at the end."""
    log = stderr_to.open("w") if stderr_to else None
    process = subprocess.Popen(
        [str(EXECUTABLE), "serve", *args],
        stdout=subprocess.PIPE,
        stderr=log or subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    stdout = process.stdout
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        for line in stdout:
            lines.put(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        while True:
            try:
                line = lines.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"permanent-mock serve {' '.join(args)} printed no URL in {timeout} s") from None
            match = SERVING.search(line)
            if match:
                break
        yield Served(process, match.group(1), lines)
    finally:
        if process.poll() is None:
            process.terminate()
        process.wait(timeout=15)
        reader.join(timeout=5)
        stdout.close()
        if log:
            log.close()
