"""Tests of mock_backend.server: serving an app over real HTTP on a thread, and stopping `permanent-mock serve`."""

from __future__ import annotations

import contextlib
import os
import random
import resource
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from flask import Flask

from mock_backend.server import serve_in_thread
from tests import processes
from tests.openapi_check import check_httpx_response


def test_serve_in_thread_answers_on_loopback(app: Flask) -> None:
    """serve_in_thread yields a loopback base URL that answers /_mock/health."""
    with serve_in_thread(app) as base_url, httpx.Client(event_hooks={"response": [check_httpx_response]}) as client:
        assert (base_url.startswith("http://127.0.0.1:"), client.get(f"{base_url}/_mock/health").json()) == (
            True,
            {"status": "ok"},
        )


def test_serve_in_thread_stops_listening_on_exit(app: Flask) -> None:
    """Once the block ends, the port no longer accepts connections."""
    with serve_in_thread(app) as base_url:
        pass
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{base_url}/_mock/health", timeout=2)


@pytest.mark.slow
def test_500_slow_clients_do_not_lock_out_a_normal_one() -> None:
    """500 connections dripping one header line every 0.5 s; a normal client is still answered within 1 s."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 1200:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(1200, hard), hard))
    with processes.served("--ephemeral", "--port", "0") as server:
        address = urlsplit(server.url)
        sockets = [socket.create_connection((address.hostname, address.port)) for _ in range(500)]
        stop = threading.Event()

        def drip() -> None:
            for s in sockets:
                s.sendall(b"GET /_mock/health HTTP/1.1\r\nHost: mock\r\n")
            while not stop.wait(0.5):
                for s in sockets:
                    s.sendall(b"X-Drip: 1\r\n")

        dripper = threading.Thread(target=drip, daemon=True)
        dripper.start()
        try:
            time.sleep(1.5)  # every slow connection is open and mid-request
            with httpx.Client(timeout=1.0) as client:
                answers = [client.get(f"{server.url}/_mock/health").status_code for _ in range(5)]
        finally:
            stop.set()
            dripper.join(timeout=5)
            for s in sockets:
                s.close()
    assert answers == [200] * 5


def test_an_over_long_request_line_answers_431(app: Flask) -> None:
    """A 300 KB request line (over the 256 KiB header limit) gets 431, not a reset connection."""
    with serve_in_thread(app) as base_url:
        address = urlsplit(base_url)
        with socket.create_connection((address.hostname, address.port), timeout=10) as connection:
            connection.sendall(b"GET /_mock/health?x=" + b"a" * 300_000 + b" HTTP/1.1\r\nHost: mock\r\n\r\n")
            status_line = connection.recv(4096).split(b"\r\n", 1)[0]
    assert status_line.split(b" ", 2)[1] == b"431"


# ---------------------------------------------------------------- stopping `permanent-mock serve` (granian)
#: Seconds a stop may take before a test calls it a hang: far more than one takes (a stop waits at most
#: --stop-grace for requests in flight), far less than a forgotten server would hold a CI job.
HANG_GUARD = 30


@contextmanager
def _serving(data_dir: Path, *args: str) -> Iterator[tuple[processes.Served, list[int]]]:
    """Serve `data_dir` on granian with two workers; yield the server and the processes below it."""
    with processes.served("--data-dir", str(data_dir), "--port", "0", "--workers", "2", *args) as server:
        yield server, processes.descendants(server.process.pid)


def _after_stop(server: processes.Served, below: list[int], data_dir: Path) -> tuple[int | None, list[int], list[str]]:
    """Wait for a stopped server; return its exit status (None: still running), the processes below it still alive,
    and what it left in the data directory (its server note, stores' half-received bytes and locks)."""
    try:
        status: int | None = server.process.wait(timeout=HANG_GUARD)
    except subprocess.TimeoutExpired:
        status = None
    left = processes.still_alive(below, timeout=5)  # PR_SET_PDEATHSIG ends an orphan at once; this is slack
    kept = [*(data_dir / "servers").iterdir(), *(data_dir / "blobs" / "incoming").iterdir()]
    return status, left, sorted(str(path.relative_to(data_dir)) for path in kept)


def _keep_alive(url: str) -> socket.socket:
    """Open a connection, have one request answered on it, and leave it open (HTTP/1.1 keep-alive)."""
    address = urlsplit(url)
    connection = socket.create_connection((address.hostname, address.port), timeout=10)
    connection.sendall(b"GET /_mock/health HTTP/1.1\r\nHost: mock\r\n\r\n")
    assert connection.recv(4096).startswith(b"HTTP/1.1 200"), "the kept-alive connection was not answered"
    return connection


def _upload_in_flight(url: str, data_dir: Path) -> socket.socket:
    """Start an upload whose body never comes in full; return its connection once a worker is storing its bytes."""
    address = urlsplit(url)
    connection = socket.create_connection((address.hostname, address.port), timeout=10)
    part = (
        b'--cut\r\nContent-Disposition: form-data; name="file"; filename="a.bin"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n" + b"x" * 600_000  # more than a read (256 KiB)
    )
    connection.sendall(
        b"POST /s3/permanent-mock HTTP/1.1\r\nHost: mock\r\nContent-Type: multipart/form-data; boundary=cut\r\n"
        b"Content-Length: 10000000\r\n\r\n" + part
    )
    deadline = time.monotonic() + HANG_GUARD
    while not any(path.is_file() for path in (data_dir / "blobs" / "incoming").glob("*/*")):
        assert time.monotonic() < deadline, "no worker started storing the upload"
        time.sleep(0.02)
    return connection


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGHUP], ids=["sigterm", "sighup"])
def test_stop_signal_ends_an_idle_server_and_its_workers_with_status_0(tmp_path: Path, stop: signal.Signals) -> None:
    """SIGTERM (how CI, docker and process managers stop a program) or SIGHUP (the terminal closed) ends the server
    and every worker, with exit status 0, and leaves nothing in the data directory."""
    data_dir = tmp_path / "data"
    with _serving(data_dir) as (server, below):
        server.process.send_signal(stop)
        stopped = _after_stop(server, below, data_dir)
    assert (len(below) >= 2, stopped) == (True, (0, [], [])), below


def test_sigterm_with_a_kept_alive_connection_and_an_upload_in_flight_ends_everything_within_the_grace(
    tmp_path: Path,
) -> None:
    """An idle kept-alive connection does not hold the stop; an upload that never ends is cut after --stop-grace,
    and the bytes it had sent are removed."""
    data_dir = tmp_path / "data"
    with (
        _serving(data_dir, "--stop-grace", "1") as (server, below),
        _keep_alive(server.url),
        _upload_in_flight(server.url, data_dir),
    ):
        server.process.send_signal(signal.SIGTERM)
        stopped = _after_stop(server, below, data_dir)
    assert stopped == (0, [], [])


def test_second_stop_signal_ends_the_server_at_once_without_waiting_for_the_grace(tmp_path: Path) -> None:
    """SIGTERM, then Ctrl+C while an upload holds the stop: the server does not wait out its (long) grace."""
    data_dir = tmp_path / "data"
    grace = str(HANG_GUARD * 2)  # only the second signal can end the stop before the hang guard
    with _serving(data_dir, "--stop-grace", grace) as (server, below), _upload_in_flight(server.url, data_dir):
        server.process.send_signal(signal.SIGTERM)
        time.sleep(0.5)  # the first signal is taken (two of one kind at once could arrive as one)
        server.process.send_signal(signal.SIGINT)
        stopped = _after_stop(server, below, data_dir)
    assert stopped == (0, [], [])


def test_a_storm_of_stop_signals_ends_the_server_and_never_hangs_it(tmp_path: Path) -> None:
    """Stop signals arriving while an earlier one is being handled (a second Ctrl+C, `make` passing on the SIGTERM
    its child had already got, a supervisor that repeats itself) stop the server: a handler interrupted by the
    next one used to wait on a lock the interrupted handler held, for ever (3 hangs in 6 such storms)."""
    data_dir = tmp_path / "data"
    with _serving(data_dir) as (server, below):
        storm_ends = time.monotonic() + 0.5
        while time.monotonic() < storm_ends and server.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(server.process.pid, random.choice([signal.SIGTERM, signal.SIGINT, signal.SIGHUP]))
            time.sleep(0.0002)  # a few thousand signals: some land inside a handler, or in the exit
        status, left, kept = _after_stop(server, below, data_dir)
    # Nothing is left: not even the lock of a worker killed (by a later signal) between removing its store's
    # directory and its lock, which the sweep the server runs as it stops now removes at once (FileBlobStore).
    assert (status, left, kept) == (0, [], [])


def test_sigterm_while_building_the_world_stops_with_status_0_and_leaves_no_store_behind(tmp_path: Path) -> None:
    """A first start stopped half way through building a big world exits 0 and leaves no half-received bytes or
    locks (that the next start rebuilds the world is tested in test_app)."""
    data_dir = tmp_path / "data"
    log = tmp_path / "serve.log"
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [str(processes.EXECUTABLE), "serve", "--data-dir", str(data_dir), "--port", "0", "--scenario", "large"],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    try:
        deadline = time.monotonic() + HANG_GUARD
        while "building the world" not in log.read_text():  # the progress bar: records are being made
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "no progress bar: the world is not being built"
            time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        status = process.wait(timeout=HANG_GUARD)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert (status, sorted(path.name for path in (data_dir / "blobs" / "incoming").iterdir())) == (0, [])
