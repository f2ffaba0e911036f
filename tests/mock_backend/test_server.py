"""Tests of mock_backend.server: serving an app over real HTTP on a thread."""

from __future__ import annotations

import resource
import socket
import threading
import time
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
