"""Tests of Backend.sweep through the API: expired unregistered uploads lose their rows and bytes."""

from __future__ import annotations

import pytest
from flask import Flask

from mock_backend.domain import messages
from mock_backend.domain.clock import FrozenClock
from mock_backend.testing import backend_of
from tests.conftest import Api, World, error_key, ok

TTL = 3600  # Settings().upload_url_ttl
#: Tokens outlive the clock jumps below.
pytestmark = pytest.mark.parametrize("settings_overrides", [{"access_token_ttl": 10 * TTL}], ids=["long-tokens"])


def test_sweep_removes_an_upload_never_registered_after_its_expiry_and_grace(
    app: Flask, api: Api, world: World, clock: FrozenClock
) -> None:
    """Bytes received but never registered go one upload lifetime after the policy expired."""
    presigned = api.presign(world.my_files, "forgotten.bin", 7)
    assert api.upload_bytes(presigned, b"forgot!").status_code == 204
    backend = backend_of(app)
    key = presigned["presignedPost"]["fields"]["key"]
    early = backend.sweep()
    clock.advance(2 * TTL + 1)
    late = backend.sweep()
    registered = api.register(presigned, world.my_files, "forgotten.bin", 7)
    assert (
        early.expired_uploads,
        (late.expired_uploads, late.expired_upload_bytes),
        backend.blobs.exists(key),
        (registered.status_code, error_key(registered)),
    ) == (0, (1, 7), False, (400, messages.DESTINATION_URL))


def test_sweep_keeps_the_bytes_of_a_registered_upload(app: Flask, api: Api, world: World, clock: FrozenClock) -> None:
    """A registered upload's row may go, but its bytes are the record's file and stay downloadable."""
    record = api.upload(world.my_files, "kept.txt", b"still here")
    clock.advance(2 * TTL + 1)
    report = backend_of(app).sweep()
    fetched = ok(api.get("/api/record/get", recordId=record["recordId"], archiveId=world.demo_archive))
    assert (
        report.expired_uploads,
        report.expired_upload_bytes,
        api.download(fetched["FileVOs"][0]["downloadURL"]).data,
    ) == (
        1,
        0,
        b"still here",
    )
