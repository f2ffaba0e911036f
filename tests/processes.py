"""Running `permanent-mock serve` as a real process for tests: start it, read its URL, stop or kill it."""

from __future__ import annotations

import os
import queue
import re
import subprocess
import sysconfig
import threading
import time
from collections.abc import Iterable, Iterator
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
        lines.put("")  # end of output (a line read is never empty): the process has ended

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        while True:
            try:
                line = lines.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"permanent-mock serve {' '.join(args)} printed no URL in {timeout} s") from None
            if not line:
                status = process.wait(timeout=15)
                raise AssertionError(f"permanent-mock serve {' '.join(args)} ended (status {status}) before its URL")
            match = SERVING.search(line)
            if match:
                break
        yield Served(process, match.group(1), lines)
    finally:
        if process.poll() is None:
            process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()  # a server that hangs on its stop (the test says so) must not outlive the test run
            process.wait()
            raise
        finally:
            reader.join(timeout=5)
            stdout.close()
            if log:
                log.close()


def descendants(pid: int) -> list[int]:
    """Return the processes below `pid` (its children, theirs, …), read from /proc (Linux)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue  # gone meanwhile
            parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])  # the name may hold spaces or ")"
    found: list[int] = []
    below = [pid]
    while below:
        parent = below.pop()
        children = [child for child, its_parent in parents.items() if its_parent == parent]
        found += children
        below += children
    return found


def alive(pid: int) -> bool:
    """Tell whether a process exists and has not ended (a zombie waiting to be reaped has ended)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def still_alive(pids: Iterable[int], timeout: float) -> list[int]:
    """Wait up to `timeout` seconds for every process of `pids` to end; return those that have not."""
    deadline = time.monotonic() + timeout
    left = [pid for pid in pids if alive(pid)]
    while left and time.monotonic() < deadline:
        time.sleep(0.05)
        left = [pid for pid in left if alive(pid)]
    return left
