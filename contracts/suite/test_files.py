"""Layer 3: downloads: whole files, exact byte ranges (206), unsatisfiable ranges (416) and tampered URLs (403)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest

from contracts.sdk import DerivativeType, Folder, PermanentClient
from contracts.suite.support import Names, Wire, expect_error, upload
from contracts.targets import Target

PAYLOAD = bytes(range(256)) * 4 + b"tail"
"""1028 patterned bytes: every offset holds a distinct, predictable value."""


@pytest.fixture(scope="session")
def stored(target: Target, run_folder: Folder, run_id: str) -> str:
    """The download URL of one uploaded file, shared by the range scenarios of a target."""
    with target.client() as sdk:
        record = upload(sdk, PAYLOAD, Names(run_id).new("ranges.bin"), run_folder.id)
    original = next(f for f in record.files if f.derivative_type is DerivativeType.ORIGINAL)
    return original.download_url


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        pytest.param(0, 0, PAYLOAD[0:1], id="first-byte"),
        pytest.param(0, 99, PAYLOAD[0:100], id="first-100"),
        pytest.param(256, 511, PAYLOAD[256:512], id="middle"),
        pytest.param(1020, 1027, PAYLOAD[1020:], id="last-8"),
        pytest.param(1000, 50_000, PAYLOAD[1000:], id="end-clamped"),
        pytest.param(5, None, PAYLOAD[5:], id="open-ended"),
    ],
)
def test_ranged_read_returns_exact_slice(
    client: PermanentClient, wire: Wire, stored: str, start: int, end: int | None, expected: bytes
) -> None:
    """`Range: bytes=a-b` answers 206 with exactly bytes a..b, the end clamped to the last byte (D7)."""
    assert client.download(stored, start, end) == expected, "the slice must equal the uploaded bytes"
    answer = wire.last("download")
    assert answer.status_code == 206, f"a range answers 206, got {answer.status_code}"
    last = min(len(PAYLOAD) - 1, end if end is not None else len(PAYLOAD) - 1)
    assert answer.headers.get("content-range") == f"bytes {start}-{last}/{len(PAYLOAD)}"


def test_whole_download_returns_every_byte(client: PermanentClient, wire: Wire, stored: str) -> None:
    """Without a range the download answers 200 with the whole file."""
    assert client.download(stored) == PAYLOAD
    assert wire.last("download").status_code == 200


def test_range_beyond_the_end_answers_416(client: PermanentClient, stored: str) -> None:
    """A range starting after the last byte is unsatisfiable (416)."""
    expect_error(416, None, lambda: client.download(stored, len(PAYLOAD) + 10, len(PAYLOAD) + 20))


def test_tampered_signature_answers_403(client: PermanentClient, stored: str) -> None:
    """A download URL with a changed signature is refused with 403."""
    parts = urlsplit(stored)
    query = [
        (k, ("X" + v[1:] if v[:1] != "X" else "Y" + v[1:]) if k == "Signature" else v)
        for k, v in parse_qsl(parts.query)
    ]
    tampered = urlunsplit(parts._replace(query=urlencode(query)))
    expect_error(403, None, lambda: client.download(tampered))


def test_stela_download_url_serves_the_same_bytes(client: PermanentClient, workdir: Folder, names: Names) -> None:
    """The original listed by Stela children downloads (and slices) to the uploaded bytes."""
    upload(client, PAYLOAD, names.new("stela.bin"), workdir.id)
    [record] = client.get_folder(workdir.id).archive_records
    original = next(f for f in record.files if f.derivative_type is DerivativeType.ORIGINAL)
    assert original.size == len(PAYLOAD), "StelaFile.size is the byte count"
    assert client.download(original.download_url, 10, 19) == PAYLOAD[10:20]
