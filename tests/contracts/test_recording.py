"""Tests of contracts.recording: exchanges become normalised snapshot files."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from contracts.drift import load_snapshot
from contracts.recording import ScenarioRecorder, decode_body, snapshot_file_name, split_service

BASES = {"php": "http://h/api", "stela": "http://h/api/v2", "fusionauth": "http://auth.h"}


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        pytest.param("http://h/api/folder/post", ("php", "/folder/post"), id="php"),
        pytest.param("http://h/api/v2/folder/5/children?pageSize=1", ("stela", "/folder/5/children"), id="stela"),
        pytest.param("http://auth.h/api/login", ("fusionauth", "/api/login"), id="fusionauth"),
        pytest.param("http://cdn.h/cdn/files/7?Signature=x", ("blob", "/cdn/files/7"), id="download"),
    ],
)
def test_split_service_picks_the_longest_base(url: str, expected: tuple[str, str]) -> None:
    """Stela's base is inside PHP's; the longest matching base wins."""
    service, path, _ = split_service(url, BASES)
    assert (service, path) == expected


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        pytest.param(b'{"a": 1}', "application/json", ({"a": 1}, True), id="json"),
        pytest.param(b"", None, ("", False), id="empty"),
        pytest.param(None, None, ("<streamed>", False), id="streamed"),
        pytest.param(b"a=1&b=2", "application/x-www-form-urlencoded", ({"a": "1", "b": "2"}, True), id="form"),
    ],
)
def test_decode_body(body: bytes | None, content_type: str | None, expected: tuple[object, bool]) -> None:
    """JSON and forms are decoded; empty and streamed bodies are named."""
    assert decode_body(body, content_type) == expected


def test_recorded_exchange_is_normalised_consistently(tmp_path: Path) -> None:
    """The id sent in a query and answered in the body get one placeholder; the file is a valid snapshot."""
    recorder = ScenarioRecorder("test_x::test_y[a]", "mock", BASES, "250101000000-abcd")
    request = httpx.Request("GET", "http://h/api/folder/getWithChildren", params={"folderId": "42", "archiveId": "1"})
    response = httpx.Response(
        200,
        json={
            "folderId": 42,
            "archiveId": 1,
            "displayName": "contract-250101000000-abcd-x",
            "createdDT": "2024-01-02T15:04:05",
        },
        headers={"Content-Range": "bytes 0-1/2"},
    )
    recorder.on_exchange(request, response, "get_folder_with_children")
    path = recorder.write(tmp_path, "passed")
    assert path.name == "test_x__test_y[a].json"
    document = load_snapshot(path)
    [exchange] = document["exchanges"]  # type: ignore[misc]
    assert exchange["request"] == {
        "method": "GET",
        "service": "php",
        "path": "/folder/getWithChildren",
        "query": {"folderId": "<id:folder:1>", "archiveId": "<id:archive:1>"},
        "body": "",
    }
    assert exchange["response"]["body"] == {
        "folderId": "<id:folder:1>",
        "archiveId": "<id:archive:1>",
        "displayName": "contract-<run>-x",
        "createdDT": "<ts:php>",
    }
    assert exchange["response"]["shape"]["$.createdDT"] == "string<ts:php>"
    assert exchange["response"]["headers"] == {"content-range": "bytes 0-1/2"}
    assert json.loads(path.read_text())["outcome"] == "passed"


def test_binary_answer_is_recorded_by_digest() -> None:
    """Downloads are recorded as length and digest, never as bytes."""
    recorder = ScenarioRecorder("s", "mock", BASES)
    recorder.on_exchange(
        httpx.Request("GET", "http://cdn.h/cdn/files/7?Signature=x"),
        httpx.Response(206, content=b"\x00\x01", headers={"Content-Type": "application/octet-stream"}),
        "download",
    )
    [exchange] = recorder.snapshot("passed")["exchanges"]  # type: ignore[misc]
    assert exchange["response"]["body"].startswith("<bytes:2:")
    assert exchange["response"]["shape"] == {"$": "bytes"}
    assert exchange["request"]["query"] == {"Signature": "<Signature>"}


def test_snapshot_file_name_is_safe() -> None:
    """Scenario names become file names without separators."""
    assert snapshot_file_name("test_a::test_b[x/y: z]") == "test_a__test_b[x_y_z]"
