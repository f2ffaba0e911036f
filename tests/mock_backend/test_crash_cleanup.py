"""A mock killed with SIGKILL in the middle of receiving an upload leaves no stray bytes once restarted."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mock_backend import Settings, create_app
from mock_backend.domain.seed import DEMO_EMAIL
from mock_backend.testing import mint_token
from tests import processes

pytestmark = pytest.mark.slow

CHUNK = 1024 * 1024
#: The app copies the body into the blob store as it arrives (granian streams it; waitress buffered it first).
#: That copy is what a kill can cut short, so the body is large enough for the copy to be caught in progress.
DECLARED = 256 * CHUNK
BOUNDARY = "crash-test-boundary"


def _incoming_bytes(data_dir: Path) -> int:
    """Bytes under incoming/, tolerating entries that vanish while counted (another store closing)."""
    total = 0
    for folder, _, files in os.walk(data_dir / "blobs" / "incoming"):  # os.walk skips vanished folders
        for name in files:
            with contextlib.suppress(FileNotFoundError):
                total += (Path(folder) / name).stat().st_size
    return total


def _form_head(fields: dict[str, str]) -> bytes:
    parts = [f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n' for k, v in fields.items()]
    parts.append(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    )
    return "".join(parts).encode()


def test_sigkill_during_an_upload_leaves_no_stray_bytes_after_restart(tmp_path: Path) -> None:
    """Kill -9 while the body is being written to the data directory; the restart removes the partial file."""
    data_dir = tmp_path / "data"
    token = mint_token(create_app(Settings(data_dir=data_dir)), DEMO_EMAIL)
    headers = {"Authorization": f"Bearer {token}", "Request-Version": "2"}
    log = tmp_path / "restart.log"
    with processes.served("--data-dir", str(data_dir), "--port", "0") as server:
        body = {
            "displayName": "big.bin",
            "parentFolderId": 3,
            "uploadFileName": "big.bin",
            "fileType": "application/octet-stream",
            "size": DECLARED,
        }
        presigned = httpx.post(f"{server.url}/api/record/getPresignedUrl", json=body, headers=headers).json()
        post = presigned["presignedPost"]
        head = _form_head({**post["fields"], "Content-Type": "application/octet-stream"})
        tail = f"\r\n--{BOUNDARY}--\r\n".encode()

        def stream() -> Iterator[bytes]:
            yield head
            for _ in range(DECLARED // CHUNK):
                yield b"x" * CHUNK
            yield tail

        def upload() -> None:
            size = len(head) + DECLARED + len(tail)
            content_type = f"multipart/form-data; boundary={BOUNDARY}"
            with contextlib.suppress(httpx.HTTPError):  # the server dies under it, as intended
                httpx.post(
                    post["url"],
                    content=stream(),
                    headers={"Content-Type": content_type, "Content-Length": str(size)},
                    timeout=90,
                )

        threading.Thread(target=upload, daemon=True).start()
        deadline = time.monotonic() + 60
        while _incoming_bytes(data_dir) == 0 and time.monotonic() < deadline:
            time.sleep(0.002)
        server.process.send_signal(signal.SIGKILL)
        server.process.wait(timeout=10)
        partial = _incoming_bytes(data_dir)
    with processes.served("--data-dir", str(data_dir), "--port", "0", stderr_to=log):
        left = _incoming_bytes(data_dir)
    assert (0 < partial < DECLARED, left, "half-received file(s)" in log.read_text()) == (True, 0, True)
