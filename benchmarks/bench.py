"""Benchmarks of the mock's speed and memory targets, each reported as a ratio against a baseline measured
in the same run (these machines are shared and noisy; absolute times mean little).

Run: .venv/bin/python benchmarks/bench.py   (or: nox -s bench)
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
from flask import Flask

from mock_backend import Settings, create_app
from mock_backend.domain.backend import Backend
from mock_backend.domain.models import Account, Folder
from mock_backend.server import serve_in_thread
from mock_backend.testing import backend_of, mint_token

DEMO = "demo@example.com"


def _median_seconds(action: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def _two_folders(small: int, large: int) -> tuple[Flask, Backend, Account, Folder, Folder]:
    """A fresh seeded mock with two new folders in My Files holding `small` and `large` one-byte records."""
    app = create_app(Settings(processing_seconds=0))
    backend = backend_of(app)
    demo = backend.authenticate(mint_token(app, DEMO))
    my_files = backend.root_child(1, "My Files").id
    folders = []
    for name, count in (("bench-small", small), ("bench-large", large)):
        folder = backend.create_folder(demo, display_name=name, parent_folder_id=my_files, fail_on_duplicate=True)
        for start in range(0, count, 2000):
            chunk = [(f"{name[6]}{n:06d}.txt", b"x") for n in range(start, min(count, start + 2000))]
            backend.import_files(demo, parent_folder_id=folder.id, files=chunk)
        folders.append(folder)
    return app, backend, demo, folders[0], folders[1]


def stela_page_cost(big: int = 20_000) -> tuple[float, float]:
    """Return (seconds per 100-item page of a 100-child folder, of a `big`-child folder, from its middle)."""
    app, _, _, small, large = _two_folders(100, big)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {mint_token(app, DEMO)}"}

    def page(folder_id: int, cursor: int | None) -> Callable[[], object]:
        query = f"pageSize=100&cursor={cursor}" if cursor else "pageSize=100"
        return lambda: client.get(f"/api/v2/folder/{folder_id}/children?{query}", headers=headers).get_json()

    middle = client.get(f"/api/v2/folder/{large.id}/children?pageSize={big // 2}", headers=headers).get_json()
    cursor = int(middle["pagination"]["nextCursor"])
    page(small.id, None)()  # warm up
    return _median_seconds(page(small.id, None), 30), _median_seconds(page(large.id, cursor), 30)


def create_beside_siblings(siblings: int = 20_000, creates: int = 200, rounds: int = 3) -> tuple[float, float]:
    """Return (folder/post per second beside an empty parent, beside `siblings` siblings), median of rounds.

    Both parents get the same stream of same-name creates, alternating, so the suffix series grows alike.
    """
    _, backend, demo, empty, full = _two_folders(0, siblings)

    def rate(parent: int) -> float:
        began = time.perf_counter()
        for _ in range(creates):
            backend.create_folder(demo, display_name="l000100.txt", parent_folder_id=parent, fail_on_duplicate=False)
        return creates / (time.perf_counter() - began)

    beside_empty, beside_full = [], []
    for _ in range(rounds):
        beside_empty.append(rate(empty.id))
        beside_full.append(rate(full.id))
    return statistics.median(beside_empty), statistics.median(beside_full)


def cold_start() -> tuple[float, float]:
    """Return (seconds to start Python and import Flask, seconds from `serve --ephemeral` to its first answer)."""
    baseline = _median_seconds(lambda: subprocess.run([sys.executable, "-c", "import flask"], check=True), 5)

    def serve_once() -> None:
        process = subprocess.Popen(
            [str(Path(sys.executable).with_name("permanent-mock")), "serve", "--ephemeral", "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        try:
            assert process.stdout is not None
            for line in process.stdout:
                found = re.search(r"serving on (http://\S+)", line)
                if found:
                    httpx.get(found.group(1) + "/_mock/health", timeout=10).raise_for_status()
                    return
            raise RuntimeError("the mock exited without serving")
        finally:
            process.terminate()
            process.wait(timeout=10)

    return baseline, _median_seconds(serve_once, 5)


def _rss_bytes() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def upload_memory(size: int = 256 * 1024 * 1024) -> tuple[int, int]:
    """Return (file size, peak RSS growth of the serving process while that file is uploaded)."""
    app = create_app(Settings(processing_seconds=0))
    token = mint_token(app, DEMO)
    headers = {"Authorization": f"Bearer {token}", "Request-Version": "2"}
    with serve_in_thread(app) as base:
        api = httpx.Client(base_url=base, headers=headers, timeout=120)
        presigned = api.post(
            "/api/record/getPresignedUrl",
            json={
                "displayName": "big.bin",
                "parentFolderId": 3,
                "uploadFileName": "big.bin",
                "fileType": "application/octet-stream",
                "size": size,
            },
        ).json()
        fields = {**presigned["presignedPost"]["fields"], "Content-Type": "application/octet-stream"}
        boundary = "benchboundary0123456789"
        head = (
            "".join(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n' for k, v in fields.items()
            )
            + f'--{boundary}\r\nContent-Disposition: form-data; name="file"\r\n\r\n'
        )
        tail = f"\r\n--{boundary}--\r\n".encode()

        def body() -> Iterator[bytes]:
            yield head.encode()
            block = os.urandom(1024 * 1024)
            for _ in range(size // len(block)):
                yield block
            yield tail

        baseline = _rss_bytes()
        peak = baseline
        done = threading.Event()

        def watch() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, _rss_bytes())
                time.sleep(0.01)

        watcher = threading.Thread(target=watch)
        watcher.start()
        try:
            response = httpx.post(
                presigned["presignedPost"]["url"],
                content=body(),
                timeout=300,
                headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
            )
        finally:
            done.set()
            watcher.join()
        response.raise_for_status()
    return size, peak - baseline


def main() -> int:
    """Run every benchmark and print one line per target, with its ratio and verdict."""
    small, large = stela_page_cost()
    empty_rate, full_rate = create_beside_siblings()
    start_base, start = cold_start()
    size, growth = upload_memory()
    rows = [
        (
            "Stela page, 20,000-child folder vs 100-child folder",
            large / small,
            "O(page size): ratio near 1 (< 3)",
            large / small < 3,
        ),
        (
            "folder/post rate beside 20,000 siblings vs beside none",
            full_rate / empty_rate,
            f"{full_rate:.0f} vs {empty_rate:.0f} creates/s (>= 0.9)",
            full_rate / empty_rate >= 0.9,
        ),
        (
            "cold start to first answer vs `python -c 'import flask'`",
            start / start_base,
            f"{start:.2f} s (< 1 s)",
            start < 1.0,
        ),
        (
            "RSS growth while uploading vs file size",
            growth / size,
            f"{growth / 2**20:.1f} MiB for {size / 2**20:.0f} MiB (< 10%)",
            growth / size < 0.1,
        ),
    ]
    width = max(len(r[0]) for r in rows)
    for name, ratio, note, ok in rows:
        print(f"{name:<{width}}  ratio {ratio:6.3f}  {note:<40} {'ok' if ok else 'MISSED'}")
    return 0 if all(r[3] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
