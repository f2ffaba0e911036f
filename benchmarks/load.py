"""Side-by-side load benchmark: the mock against Prism (serving the same contract from its examples) and a Flask
hello-world on the mock's own server settings, driven by wrk in alternating rounds; plus the large-folder,
start-up and memory targets. Every result is a ratio against a baseline measured in the same run.

Run: .venv/bin/python benchmarks/load.py [--seconds 10 --rounds 3]   (or: nox -s bench)
Needs wrk (apt-get install wrk) and npm (Prism 5.14.2 is installed into .cache/prism on first use).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from math import nan
from pathlib import Path

import httpx

from mock_backend.cli import DEFAULT_WORKERS

ROOT = Path(__file__).resolve().parents[1]
CONTRACT = ROOT / "openapi" / "openapi.yaml"
PRISM_VERSION = "5.14.2"
PRISM_HOME = ROOT / ".cache" / f"prism-{PRISM_VERSION}"
LUA = Path(__file__).with_name("load.lua")
DEMO = "demo@example.com"
BIN = Path(sys.executable).parent
#: Extra `permanent-mock serve` arguments (`--mock-arg`), e.g. to measure with the request journal off.
MOCK_ARGS: list[str] = []
#: The mock's default threads per worker (`permanent-mock serve --threads`); the hello-world gets the same.
THREADS = 4


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_until_up(url: str, process: subprocess.Popen[str], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode}")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


@contextmanager
def _process(args: list[str], probe: str, env: dict[str, str] | None = None) -> Iterator[subprocess.Popen[str]]:
    """Run a server process until the block ends; `probe` is a URL it answers once it is up."""
    process = subprocess.Popen(
        args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True, env={**os.environ, **(env or {})}
    )
    try:
        _wait_until_up(probe, process)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def prism_binary() -> Path:
    """Return Prism's executable, installing Prism into the cache from npm on first use."""
    binary = PRISM_HOME / "node_modules" / ".bin" / "prism"
    if not binary.exists():
        npm = shutil.which("npm")
        if npm is None:
            raise SystemExit("npm is needed to install Prism (the benchmark's baseline)")
        package = f"@stoplight/prism-cli@{PRISM_VERSION}"
        print(f"installing {package} into {PRISM_HOME.relative_to(ROOT)} …", flush=True)
        PRISM_HOME.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [npm, "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(PRISM_HOME), package],
            check=True,
        )
    return binary


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass  # the process ended meanwhile
    return 0


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid == pid:
                found.append(int(entry.name))
    return found


def rss_of(pid: int) -> int:
    """Return the resident set size in bytes of a process and all its descendants (granian's workers) (Linux)."""
    return sum(_rss(process) for process in tree_of(pid))


def tree_of(pid: int) -> list[int]:
    """Return a process and all its descendants."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        pending.extend(_children(current))
    return found


# --- the world the load runs on -------------------------------------------------------------------------------


@dataclass
class World:
    """A data directory seeded through the mock's own operations, and what the routes need of it."""

    data_dir: Path
    token: str
    archive_id: int
    parent_id: int  # folderId of a folder the writes go into
    folder_100: int  # folderId of a folder with 100 children
    record_id: int  # a record with a file
    folder_big: int = 0  # folderId of a folder with `big` children (0: not built)
    folder_empty: int = 0  # folderId of a folder with no children, the big one's counterpart for creates
    big: int = 0
    seed_seconds: float = 0.0


def build_world(data_dir: Path, big: int) -> World:
    """Seed the demo world, a 100-child folder and (when `big`) a `big`-child folder, in-process."""
    from mock_backend import Settings, create_app
    from mock_backend.testing import backend_of, mint_token

    app = create_app(Settings(data_dir=data_dir, processing_seconds=0))
    backend = backend_of(app)
    token = mint_token(app, DEMO, ttl=7 * 86400)
    demo = backend.authenticate(token)
    archive_id = demo.default_archive_id or 1
    my_files = backend.root_child(archive_id, "My Files").id

    def folder_with(name: str, count: int) -> tuple[int, int]:
        folder = backend.create_folder(demo, display_name=name, parent_folder_id=my_files, fail_on_duplicate=True)
        record_id = 0
        for start in range(0, count, 5000):
            chunk = [(f"r{n:06d}.txt", b"x") for n in range(start, min(count, start + 5000))]
            records = backend.import_files(demo, parent_folder_id=folder.id, files=chunk)
            record_id = record_id or records[0].id
        return folder.id, record_id

    writes = backend.create_folder(demo, display_name="bench-writes", parent_folder_id=my_files, fail_on_duplicate=True)
    folder_100, record_id = folder_with("bench-100", 100)
    world = World(data_dir, token, archive_id, writes.id, folder_100, record_id)
    if big:
        began = time.perf_counter()
        world.folder_big, _ = folder_with("bench-big", big)
        world.seed_seconds = time.perf_counter() - began
        world.folder_empty, _ = folder_with("bench-empty", 0)
        world.big = big
    return world


# --- servers --------------------------------------------------------------------------------------------------


@contextmanager
def serve_mock(data_dir: Path, threads: int = THREADS) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """Serve a data directory with `permanent-mock serve` in a subprocess."""
    port = _free_port()
    args = [str(BIN / "permanent-mock"), "serve", "--data-dir", str(data_dir), "--port", str(port)]
    args += ["--processing-seconds", "0", "--log-level", "warning", "--threads", str(threads), *MOCK_ARGS]
    base = f"http://127.0.0.1:{port}"
    with _process(args, f"{base}/_mock/health") as process:
        yield base, process


@contextmanager
def serve_prism() -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """Serve the contract's examples with Prism (static mode, warnings only: its fastest settings)."""
    port = _free_port()
    args = [str(prism_binary()), "mock", "-h", "127.0.0.1", "-p", str(port), "-v", "warn", str(CONTRACT)]
    base = f"http://127.0.0.1:{port}"
    with _process(args, f"{base}/_mock/health") as process:
        yield base, process


@contextmanager
def serve_hello(threads: int = THREADS) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """Serve the Flask hello-world with granian on the mock's default workers and threads."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    args = [str(BIN / "granian"), "--interface", "wsgi", "--factory", "--host", "127.0.0.1", "--port", str(port)]
    args += ["--workers", str(DEFAULT_WORKERS), "--blocking-threads", str(threads), "--no-log"]
    args += ["--working-dir", str(Path(__file__).parent), "hello:build"]
    with _process(args, f"{base}/") as process:
        yield base, process


# --- wrk ------------------------------------------------------------------------------------------------------


@dataclass
class Run:
    """One wrk run."""

    requests_per_second: float
    p99_ms: float
    failed: int  # non-2xx/3xx answers plus socket errors
    #: Bytes of one answer, headers included (wrk's transfer rate ÷ its request rate): Prism answers a route with
    #: the contract's example, the mock with the world's data, so the ratio is read beside the sizes.
    answer_bytes: float = 0.0


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
_BYTES = {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}


def wrk(base: str, mode: str, path: str, connections: int, seconds: float, world: World) -> Run:
    """Drive one route of one server with wrk; parse requests/s, the 99th percentile and the failures."""
    binary = shutil.which("wrk")
    if binary is None:
        raise SystemExit("wrk is needed (apt-get install wrk)")
    # The upload chain needs strict request/answer order, so one connection per wrk thread there.
    threads = connections if mode == "upload" else 1
    env = {
        "BENCH_MODE": mode,
        "BENCH_PATH": path,
        "BENCH_TOKEN": world.token,
        "BENCH_PARENT": str(world.parent_id),
        "BENCH_TAG": f"{os.getpid()}-{time.monotonic_ns()}",
    }
    duration = f"-d{max(1, round(seconds))}s"
    args = [binary, f"-t{threads}", f"-c{connections}", duration, "--latency", "-s", str(LUA), base + path]
    out = subprocess.run(args, capture_output=True, text=True, check=True, env={**os.environ, **env}).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s|m)\b", out)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    transfer = re.search(r"Transfer/sec:\s+([\d.]+)(B|KB|MB|GB)\b", out)
    if rate is None or p99 is None:
        raise RuntimeError(f"cannot read wrk's output:\n{out}")
    failed = int(bad.group(1)) if bad else 0
    failed += sum(int(n) for n in errors.groups()) if errors else 0
    per_second = float(rate.group(1))
    answer = float(transfer.group(1)) * _BYTES[transfer.group(2)] / per_second if transfer and per_second else 0.0
    return Run(per_second, float(p99.group(1)) * _UNITS[p99.group(2)], failed, answer)


# --- the side-by-side table -----------------------------------------------------------------------------------


@dataclass
class Route:
    """One row of the table: a route, how wrk drives it, the target ratio against Prism, the concurrencies."""

    name: str
    mode: str
    path: Callable[[World], str]
    target: float
    connections: tuple[int, ...] = (10, 50)
    requests_per_operation: int = 1


ROUTES = [
    Route("Stela children page (50)", "get", lambda w: f"/api/v2/folder/{w.folder_100}/children?pageSize=50", 1.5),
    # Prism answers every page with the contract's one-item example (~1.5 KiB) whatever the page size; a page of
    # one child is an answer of about that size, so this row compares the two on equal work.
    Route(
        "Stela children page (1, Prism's size)",
        "get",
        lambda w: f"/api/v2/folder/{w.folder_100}/children?pageSize=1",
        1.5,
    ),
    Route(
        "folder/getWithChildren (100 children)",
        "get",
        lambda w: f"/api/folder/getWithChildren?folderId={w.folder_100}&archiveId={w.archive_id}",
        1.5,
    ),
    Route("account/getAuthenticatedAccount", "get", lambda w: "/api/account/getAuthenticatedAccount", 1.5),
    Route("record/get", "get", lambda w: f"/api/record/get?recordId={w.record_id}&archiveId={w.archive_id}", 1.5),
    Route("folder/post (unique names)", "post_folder", lambda w: "/api/folder/post", 0.5, (10,)),
    Route("upload 1 KB (presign + S3 POST + register)", "upload", lambda w: "/", 0.5, (10,), 3),
]


@dataclass
class Row:
    """The measurements of one route at one concurrency across rounds."""

    route: str
    connections: int
    target: float
    mock: list[Run] = field(default_factory=list)
    prism: list[Run] = field(default_factory=list)
    hello: list[Run] = field(default_factory=list)

    def ratios(self) -> list[float]:
        # A run that got no answer at all has no rate to divide by: its ratio is unknown (nan), not a crash.
        pairs = zip(self.mock, self.prism, strict=True)
        return [m.requests_per_second / p.requests_per_second if p.requests_per_second else nan for m, p in pairs]

    def of_hello(self) -> float:
        if not self.hello:
            return float("nan")
        pairs = zip(self.mock, self.hello, strict=True)
        return statistics.median(
            m.requests_per_second / h.requests_per_second if h.requests_per_second else nan for m, h in pairs
        )

    def answer_kib(self, runs: list[Run]) -> float:
        return statistics.median(r.answer_bytes for r in runs) / 1024

    def p99_ratio(self) -> float:
        pairs = zip(self.mock, self.prism, strict=True)
        return statistics.median(m.p99_ms / p.p99_ms if p.p99_ms else nan for m, p in pairs)


def warm_up(base: str, path: str, world: World) -> None:
    """Ask a server for a route once, with the benchmark's headers, and wait for the answer."""
    headers = {"Authorization": f"Bearer {world.token}", "Request-Version": "2"}
    httpx.get(base + path, headers=headers, timeout=60)


def side_by_side(world: World, seconds: float, rounds: int, routes: list[Route]) -> list[Row]:
    """Run every route against the mock, Prism and hello-world, alternating the order each round."""
    rows = {(r.name, c): Row(r.name, c, r.target) for r in routes for c in r.connections}
    with serve_mock(world.data_dir) as (mock, _), serve_prism() as (prism, _), serve_hello() as (hello, _):
        # Not measured: each server's first answer of a route (Prism builds an operation's validators on its first
        # call; on a busy machine a one-second run of Prism could end before that answer, at 0 requests/s).
        for route in routes:
            if route.mode == "get":
                for base in (mock, prism, hello):
                    warm_up(base, route.path(world), world)
        for number in range(rounds):
            for route in routes:
                for connections in route.connections:
                    row = rows[(route.name, connections)]
                    order = [("mock", mock), ("prism", prism)]
                    if route.mode == "get":
                        order.append(("hello", hello))
                    if number % 2:
                        order.reverse()
                    for name, base in order:
                        run = wrk(base, route.mode, route.path(world), connections, seconds, world)
                        run.requests_per_second /= route.requests_per_operation
                        getattr(row, name).append(run)
                    print(f"  round {number + 1}/{rounds} {route.name} c{connections}: done", flush=True)
    return list(rows.values())


# --- the large-folder, start-up and memory targets ------------------------------------------------------------


def _interleaved_medians(actions: list[Callable[[], object]], repeat: int) -> list[float]:
    """Seconds of each action (median of `repeat`), taking turns after one unmeasured call each.

    One after the other, the first action's samples took the server's warm-up and the machine's drift, and the
    ratio of the big folder's page to the small one's read 0.6.
    """
    samples: list[list[float]] = [[] for _ in actions]
    for action in actions:
        action()
    for _ in range(repeat):
        for action, taken in zip(actions, samples, strict=True):
            began = time.perf_counter()
            action()
            taken.append(time.perf_counter() - began)
    return [statistics.median(taken) for taken in samples]


def _median_seconds(action: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        began = time.perf_counter()
        action()
        samples.append(time.perf_counter() - began)
    return statistics.median(samples)


def large_folder(world: World) -> dict[str, float]:
    """getWithChildren of the big folder (time, RSS growth) and Stela pages of the big vs the 100-child one."""
    with serve_mock(world.data_dir) as (base, process):
        api = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {world.token}", "Request-Version": "2"})
        api.get("/api/account/getAuthenticatedAccount").raise_for_status()
        time.sleep(0.5)
        before = peak = rss_of(process.pid)
        done = threading.Event()

        def watch() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, rss_of(process.pid))
                time.sleep(0.005)

        watcher = threading.Thread(target=watch)
        watcher.start()
        began = time.perf_counter()
        try:
            response = api.get(
                "/api/folder/getWithChildren",
                params={"folderId": world.folder_big, "archiveId": world.archive_id},
                timeout=300,
            )
            elapsed = time.perf_counter() - began  # the last byte is in; parsing it is the client's time
            response.raise_for_status()
        finally:
            done.set()
            watcher.join()
        children = len(response.json()["ChildItemVOs"])
        if children != world.big:
            raise RuntimeError(f"getWithChildren answered {children} children, not {world.big}")

        def page(folder: int, cursor: str | None) -> Callable[[], object]:
            query = {"pageSize": "50", **({"cursor": cursor} if cursor else {})}
            return lambda: api.get(f"/api/v2/folder/{folder}/children", params=query).raise_for_status()

        # Set-up, not measured: one page of all but the last 50 children gives the last page's cursor.
        last_cursor = api.get(
            f"/api/v2/folder/{world.folder_big}/children", params={"pageSize": str(world.big - 50)}, timeout=600
        ).json()["pagination"]["nextCursor"]
        small, first, last = _interleaved_medians(
            [page(world.folder_100, None), page(world.folder_big, None), page(world.folder_big, last_cursor)], 30
        )
        beside_none, beside_big = _create_times(api, world)
    return {
        "getWithChildren_seconds": elapsed,
        "getWithChildren_rss_growth_mib": (peak - before) / 2**20,
        "stela_first_page_ratio": first / small,
        "stela_last_page_ratio": last / small,
        "seed_seconds": world.seed_seconds,
        "create_beside_big_rate_ratio": beside_none / beside_big,
    }


def _create_times(api: httpx.Client, world: World, creates: int = 150) -> tuple[float, float]:
    """Seconds of one folder/post into the world's empty folder and into its big one (medians, taking turns).

    Every create has the name of one of the big folder's children, so each is de-duplicated there; beside the
    empty parent the same stream collides with its own earlier creates: the suffix series grows alike.
    """

    def create(parent: int) -> Callable[[], object]:
        body = {"displayName": "r000050.txt", "parentFolderId": parent}
        return lambda: api.post("/api/folder/post", json=body).raise_for_status()

    beside_none, beside_big = _interleaved_medians([create(world.folder_empty), create(world.folder_big)], creates)
    return beside_none, beside_big


def start_up(times: int = 5) -> dict[str, float]:
    """Seconds from `serve --ephemeral` to its first answer (median of `times`), its idle RSS, and `import flask`."""
    flask_import = _median_seconds(lambda: subprocess.run([sys.executable, "-c", "import flask"], check=True), times)
    starts, idle, processes = [], [], 0
    for _ in range(times):
        port = _free_port()
        began = time.perf_counter()
        args = [str(BIN / "permanent-mock"), "serve", "--ephemeral", "--port", str(port), "--log-level", "warning"]
        with _process(args, f"http://127.0.0.1:{port}/_mock/health") as process:
            starts.append(time.perf_counter() - began)
            time.sleep(1)
            idle.append(rss_of(process.pid))
            processes = len(tree_of(process.pid))
    return {
        "cold_start_seconds": statistics.median(starts),
        "import_flask_seconds": flask_import,
        "idle_rss_mib": statistics.median(idle) / 2**20,
        "processes": processes,
    }


# --- report ---------------------------------------------------------------------------------------------------


def report(rows: list[Row], large: dict[str, float], start: dict[str, float], big: int) -> bool:
    """Print the table of ratios and verdicts; return True when every target is met."""
    verdicts: list[bool] = []
    print()
    header = f"{'route':<44} {'c':>3} {'mock r/s':>9} {'prism r/s':>9} {'mock/prism min|med|max':>24} {'p99 m/p':>7}"
    print(header + f" {'of hello':>8} {'KiB m|p':>11}  verdict")
    for row in rows:
        ratios = row.ratios()
        med = statistics.median(ratios)
        p99 = row.p99_ratio()
        reads = row.target > 1
        met = min(ratios) >= 1.0 and med >= row.target and p99 <= 1.0 if reads else med >= row.target
        failed = sum(r.failed for r in row.mock)
        baseline_failed = sum(r.failed for r in row.prism)
        met = met and failed == 0
        verdicts.append(met)
        mock_rps = statistics.median(r.requests_per_second for r in row.mock)
        prism_rps = statistics.median(r.requests_per_second for r in row.prism)
        spread = f"{min(ratios):.2f}|{med:.2f}|{max(ratios):.2f}"
        sizes = f"{row.answer_kib(row.mock):.1f}|{row.answer_kib(row.prism):.1f}"
        note = f" (mock: {failed} failed)" if failed else ""
        note += f" (Prism: {baseline_failed} failed)" if baseline_failed else ""
        print(
            f"{row.route:<44} {row.connections:>3} {mock_rps:>9.0f} {prism_rps:>9.0f} {spread:>24} {p99:>7.2f}"
            f" {row.of_hello():>8.2f} {sizes:>11}  {'ok' if met else 'MISSED'} (target {row.target}x){note}"
        )
    print()
    checks = [
        (
            f"getWithChildren of {big:,} children",
            f"{large['getWithChildren_seconds']:.2f} s, RSS +{large['getWithChildren_rss_growth_mib']:.0f} MiB",
            large["getWithChildren_seconds"] <= 1.5 and large["getWithChildren_rss_growth_mib"] <= 50,
            "<= 1.5 s, <= 50 MiB",
        ),
        (
            f"seeding {big:,} records through the mock's operations",
            f"{large['seed_seconds']:.1f} s",
            large["seed_seconds"] <= 60,
            "<= 60 s",
        ),
        (
            f"Stela page, {big:,}- vs 100-child folder (first | last)",
            f"{large['stela_first_page_ratio']:.2f} | {large['stela_last_page_ratio']:.2f}",
            max(large["stela_first_page_ratio"], large["stela_last_page_ratio"]) <= 1.3,
            "<= 1.3x",
        ),
        (
            f"folder/post beside {big:,} siblings vs beside none (rate)",
            f"{large['create_beside_big_rate_ratio']:.2f}",
            large["create_beside_big_rate_ratio"] >= 0.9,
            ">= 0.9x",
        ),
        (
            "cold start to first answer",
            f"{start['cold_start_seconds']:.2f} s ({start['cold_start_seconds'] / start['import_flask_seconds']:.1f}x"
            " `import flask`)",
            start["cold_start_seconds"] <= 0.5,
            "<= 0.5 s",
        ),
        (
            "idle RSS",
            f"{start['idle_rss_mib']:.1f} MiB ({start['processes']:.0f} processes)",
            start["idle_rss_mib"] <= 60,
            "<= 60 MiB",
        ),
    ]
    for name, value, met, target in checks:
        verdicts.append(met)
        print(f"{name:<56} {value:<36} {'ok' if met else 'MISSED'} ({target})")
    return all(verdicts)


def main(argv: list[str] | None = None) -> int:
    """Build the worlds, run the table and the other targets, print and save the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10, help="length of one wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds")
    parser.add_argument("--big", type=int, default=100_000, help="children of the large folder (0: skip)")
    parser.add_argument("--only", default="", help="run only routes whose name contains one of these (comma-separated)")
    parser.add_argument("--report", type=Path, default=ROOT / "reports" / "bench-load.json")
    parser.add_argument("--starts", type=int, default=5, help="cold starts measured (median)")
    parser.add_argument(
        "--mock-arg",
        action="append",
        default=[],
        metavar="ARG",
        help="pass ARG to `permanent-mock serve` (repeatable), e.g. --mock-arg=--journal-size --mock-arg=0",
    )
    args = parser.parse_args(argv)
    MOCK_ARGS.extend(args.mock_arg)
    wanted = [part.strip().lower() for part in args.only.split(",")]
    routes = [r for r in ROUTES if any(part in r.name.lower() for part in wanted)]
    prism_binary()
    with tempfile.TemporaryDirectory(prefix="permanent-mock-bench-") as scratch:
        print(f"building the world ({args.big:,} records in the large folder) …", flush=True)
        world = build_world(Path(scratch) / "data", args.big)
        print(f"running {len(routes)} routes × {args.rounds} rounds of {args.seconds:g} s …", flush=True)
        rows = side_by_side(world, args.seconds, args.rounds, routes)
        large = large_folder(world) if args.big else {}
        start = start_up(args.starts)
    met = report(rows, large, start, args.big) if args.big else report_rows_only(rows, start)
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(
        json.dumps({"rows": [asdict(r) for r in rows], "large": large, "start": start, "met": met}, indent=2)
    )
    print(f"\nreport written to {args.report.relative_to(ROOT) if args.report.is_relative_to(ROOT) else args.report}")
    return 0 if met else 1


def report_rows_only(rows: list[Row], start: dict[str, float]) -> bool:
    """The report without the large-folder checks (a smoke run)."""
    return report(
        rows,
        {
            "getWithChildren_seconds": 0,
            "getWithChildren_rss_growth_mib": 0,
            "seed_seconds": 0,
            "stela_first_page_ratio": 0,
            "stela_last_page_ratio": 0,
            "create_beside_big_rate_ratio": 0,
        },
        start,
        0,
    )


if __name__ == "__main__":
    sys.exit(main())
