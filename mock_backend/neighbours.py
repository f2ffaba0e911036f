"""Which other servers use a data directory: each serving process leaves a note `servers/<pid>.json` in it.

Several servers on one data directory are allowed (they share the world through the database and its locks);
the banner says so when another one already serves it, since a developer who started two by mistake would
otherwise wonder why the world changes under them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True


def others(data_dir: Path) -> list[dict[str, object]]:
    """Return the notes of other live servers on `data_dir` (and remove those of dead ones)."""
    found = []
    for note in sorted((data_dir / "servers").glob("*.json")):
        try:
            pid = int(note.stem)
            content = json.loads(note.read_text(encoding="utf-8"))
        except (ValueError, OSError):
            continue
        if pid == os.getpid():
            continue
        if _alive(pid):
            found.append({"pid": pid, **content})
        else:
            note.unlink(missing_ok=True)
    return found


def announce(data_dir: Path, url: str) -> Path:
    """Leave this process's note (its URL) in `data_dir`; return its path, for `withdraw`."""
    folder = data_dir / "servers"
    folder.mkdir(parents=True, exist_ok=True)
    note = folder / f"{os.getpid()}.json"
    note.write_text(json.dumps({"url": url}), encoding="utf-8")
    return note


def withdraw(note: Path) -> None:
    """Remove this process's note."""
    note.unlink(missing_ok=True)
