"""A soak run: 20 clients mix reads, writes, uploads and deletes against a served mock for ten minutes, and
the server's RSS is sampled every minute, to show that memory plateaus after warm-up (issue 8). Each client
keeps at most KEEP items (it deletes before creating past that), so the data stops growing too.

Run: .venv/bin/python benchmarks/soak.py [--minutes 10] [--clients 20] [--sample 60]   (or: nox -s soak)

It prints one line per sample (RSS, requests and errors so far) and, at the end, the RSS growth over the
second half of the run as a ratio of the RSS after warm-up; the run fails (exit 1) on any 5xx or
transport error. The memory verdict is printed, not asserted: these machines are shared and noisy.
"""

from __future__ import annotations

import argparse
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx

SERVING = re.compile(r"permanent-mock is serving on (http://\S+)")
BOUNDARY = "soak-boundary"
#: Items a client keeps at most: past it, it deletes before creating, so the data stops growing and what
#: the RSS curve shows is the server's own memory, not a folder that gets bigger every minute.
KEEP = 40


@dataclass
class Tally:
    """Requests by outcome, shared by the client threads."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    counts: Counter[str] = field(default_factory=Counter)

    def add(self, outcome: str) -> None:
        with self.lock:
            self.counts[outcome] += 1


def rss_mb(pid: int) -> float:
    """The resident set size of a process, in MiB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def start(data_dir: Path) -> tuple[subprocess.Popen[str], str]:
    """Start `permanent-mock serve` on a free port; return the process and its base URL."""
    executable = Path(sys.executable).parent / "permanent-mock"
    args = [str(executable), "serve", "--data-dir", str(data_dir), "--port", "0", "--processing-seconds", "0"]
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert process.stdout is not None
    for line in process.stdout:
        match = SERVING.search(line)
        if match:
            # Keep reading stdout so the server never blocks on a full pipe.
            threading.Thread(target=_drain, args=(process.stdout,), daemon=True).start()
            return process, match.group(1)
    raise RuntimeError("the mock printed no URL")


def _drain(stream: IO[str]) -> None:
    for _ in stream:
        pass


def multipart(fields: dict[str, str], data: bytes) -> bytes:
    """The presigned-POST form: fields, then the file."""
    parts = [f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n' for k, v in fields.items()]
    head = "".join(parts) + (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="f.bin"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    )
    return head.encode() + data + f"\r\n--{BOUNDARY}--\r\n".encode()


def client_loop(base: str, token: str, parent: int, archive: int, until: float, tally: Tally, seed: int) -> None:
    """One client: a weighted mix of reads, writes, uploads and deletes until `until`."""
    rng = random.Random(seed)
    headers = {"Authorization": f"Bearer {token}", "Request-Version": "2"}
    mine: list[tuple[str, int]] = []  # ("folder" | "record", id) this client created
    with httpx.Client(base_url=base, headers=headers, timeout=60) as http:

        def call(method: str, path: str, **kwargs: object) -> httpx.Response | None:
            try:
                response = http.request(method, path, **kwargs)  # type: ignore[arg-type]
            except httpx.HTTPError:
                tally.add("transport-error")
                return None
            tally.add("5xx" if response.status_code >= 500 else "ok")
            return response

        n = 0
        while time.monotonic() < until:
            n += 1
            roll = rng.random()
            if len(mine) >= KEEP and roll >= 0.45:
                roll = 1.0  # a write turns into a delete
            if roll < 0.45:
                call("GET", "/api/folder/getWithChildren", params={"folderId": parent, "archiveId": archive})
                call("GET", f"/api/v2/folders/{parent}/children", params={"pageSize": 50})
                call("GET", "/api/account/getAuthenticatedAccount")
            elif roll < 0.65:
                body = {"displayName": f"soak-{seed}-{n}", "parentFolderId": parent}
                created = call("POST", "/api/folder/post", json=body)
                if created is not None and created.status_code == 200:
                    mine.append(("folder", int(created.json()["folderId"])))
            elif roll < 0.85:
                data = rng.randbytes(rng.randint(1024, 64 * 1024))
                name = f"soak-{seed}-{n}.bin"
                body = {
                    "displayName": name,
                    "parentFolderId": parent,
                    "uploadFileName": name,
                    "fileType": "application/octet-stream",
                    "size": len(data),
                }
                presigned = call("POST", "/api/record/getPresignedUrl", json=body)
                if presigned is None or presigned.status_code != 200:
                    continue
                post = presigned.json()["presignedPost"]
                form = multipart({**post["fields"], "Content-Type": "application/octet-stream"}, data)
                content_type = f"multipart/form-data; boundary={BOUNDARY}"
                posted = call("POST", post["url"], content=form, headers={"Content-Type": content_type})
                if posted is None or posted.status_code != 204 or rng.random() < 0.1:
                    continue  # one in ten uploads is never registered: the sweep's business
                register = {**body, "s3url": presigned.json()["destinationUrl"]}
                record = call("POST", "/api/record/registerRecord", json=register)
                if record is not None and record.status_code == 200:
                    mine.append(("record", int(record.json()["recordId"])))
            elif mine:
                kind, item = mine.pop(rng.randrange(len(mine)))
                if kind == "folder":
                    call("DELETE", "/api/folder/delete", params={"folderId": item})
                else:
                    call("DELETE", "/api/record/delete", params={"recordId": item})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--sample", type=float, default=60, help="seconds between RSS samples")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="permanent-mock-soak-") as scratch:
        data_dir = Path(scratch) / "data"
        process, base = start(data_dir)
        try:
            token = subprocess.run(
                [str(Path(sys.executable).parent / "permanent-mock"), "token", "--data-dir", str(data_dir)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
            headers = {"Authorization": f"Bearer {token}", "Request-Version": "2"}
            archives = httpx.get(f"{base}/api/archive/getAllArchives", headers=headers).json()
            archive = next(a["archiveId"] for a in archives if a["accessRole"] == "access.role.owner")
            root = httpx.get(f"{base}/api/folder/getRoot", params={"archiveId": archive}, headers=headers).json()
            my_files = next(c for c in root["ChildItemVOs"] if c["type"] == "type.folder.root.private")["folderId"]
            parent = httpx.post(
                f"{base}/api/folder/post", json={"displayName": "soak", "parentFolderId": my_files}, headers=headers
            ).json()["folderId"]

            tally = Tally()
            began = time.monotonic()
            until = began + options.minutes * 60
            threads = [
                threading.Thread(
                    target=client_loop, args=(base, token, parent, archive, until, tally, seed), daemon=True
                )
                for seed in range(options.clients)
            ]
            for thread in threads:
                thread.start()
            samples: list[tuple[float, float]] = [(0.0, rss_mb(process.pid))]
            print(f"{'minute':>7} {'RSS MiB':>8} {'requests':>9} {'5xx':>5} {'transport':>9}", flush=True)
            print(f"{0:7.1f} {samples[0][1]:8.1f} {0:9d} {0:5d} {0:9d}", flush=True)
            while any(t.is_alive() for t in threads):
                time.sleep(min(options.sample, max(0.0, until - time.monotonic()) + 0.5))
                elapsed = (time.monotonic() - began) / 60
                samples.append((elapsed, rss_mb(process.pid)))
                counts = tally.counts
                print(
                    f"{elapsed:7.1f} {samples[-1][1]:8.1f} {sum(counts.values()):9d} "
                    f"{counts['5xx']:5d} {counts['transport-error']:9d}",
                    flush=True,
                )
            for thread in threads:
                thread.join()
        finally:
            process.terminate()
            process.wait(timeout=30)

    warm = next((rss for minute, rss in samples if minute >= min(2.0, options.minutes / 2)), samples[-1][1])
    half = next((rss for minute, rss in samples if minute >= options.minutes / 2), samples[-1][1])
    end = samples[-1][1]
    print(
        f"\nRSS after warm-up {warm:.1f} MiB, at half time {half:.1f} MiB, at the end {end:.1f} MiB; "
        f"growth over the second half: {(end - half) / warm:+.1%} of the warm RSS"
    )
    failures = tally.counts["5xx"] + tally.counts["transport-error"]
    print(f"{sum(tally.counts.values())} requests, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
