"""The SDK against the real mock over both transports: in-process WSGI and HTTP to a live server."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from flask import Flask

from contracts.sdk import (
    AccessRole,
    Conflict,
    DerivativeType,
    Folder,
    FolderNotFound,
    Forbidden,
    NotFound,
    PermanentClient,
    RangeNotSatisfiable,
)
from mock_backend import Settings, create_app
from mock_backend.server import serve_in_thread

FUSIONAUTH = {
    "application_id": "mock-sftp-client-id",
    "api_key": "mock-fusionauth-key",
    "client_secret": "mock-sftp-client-secret",
}


@pytest.fixture(scope="module")
def app() -> Flask:
    """One seeded mock for the module; every test works in a folder of its own."""
    return create_app(Settings(processing_seconds=0))


@pytest.fixture(scope="module", params=["wsgi", "http"])
def client(request: pytest.FixtureRequest, app: Flask) -> Iterator[PermanentClient]:
    """An SDK client logged in as the demo account through FusionAuth, over each transport."""
    if request.param == "wsgi":
        sdk = PermanentClient.for_wsgi(app)
        sdk.login("demo@example.com", "demo-password", **FUSIONAUTH)
        yield sdk
        sdk.close()
        return
    with serve_in_thread(app) as base:
        sdk = PermanentClient.for_base_url(base)
        sdk.login("demo@example.com", "demo-password", **FUSIONAUTH)
        yield sdk
        sdk.close()


def _my_files(client: PermanentClient) -> Folder:
    demo = next(a for a in client.get_archives() if a.name == "Demo Archive")
    return next(f for f in client.get_archive_folders(demo.id) if f.name == "My Files")


def _workspace(client: PermanentClient, name: str) -> Folder:
    return client.create_folder(name, _my_files(client).id)


def test_get_folder_over_transport_pages_many_files(client: PermanentClient) -> None:
    """Stela paging through the SDK returns all 150 seeded records of Many Files."""
    many = next(f for f in client.get_folder(_my_files(client).id).folders if f.name == "Many Files")
    listed = client.get_folder(many.id)
    assert [r.file_system_compatible_name for r in listed.archive_records] == [
        f"file-{n:03d}.txt" for n in range(1, 151)
    ]


def test_upload_register_download_over_transport_round_trips_bytes(client: PermanentClient) -> None:
    """An uploaded file comes back byte for byte, whole and as a clamped range, with its md5."""
    folder = _workspace(client, "sdk-roundtrip")
    payload = bytes(range(256)) * 8192 + b"tail"
    url = client.upload_file(payload, name="data.bin", parent_folder_id=folder.id)
    record = client.create_archive_record(
        url, display_name="data.bin", parent_folder_id=folder.id, upload_file_name="data.bin", size=len(payload)
    )
    original = next(f for f in record.files if f.derivative_type is DerivativeType.ORIGINAL)
    assert (original.size, original.checksum) == (len(payload), hashlib.md5(payload).hexdigest())
    assert client.download(original.download_url) == payload
    assert client.download(original.download_url, 100, 10**9) == payload[100:]
    with pytest.raises(RangeNotSatisfiable):
        client.download(original.download_url, len(payload) + 10)


def test_create_folder_over_transport_deduplicates_then_refuses(client: PermanentClient) -> None:
    """A repeated name is suffixed " (1)", and refused with 409 when failOnDuplicateName is set."""
    folder = _workspace(client, "sdk-names")
    first = client.create_folder("Same", folder.id)
    second = client.create_folder("Same", folder.id)
    with pytest.raises(Conflict) as refused:
        client.create_folder("Same", folder.id, fail_on_duplicate_name=True)
    assert (first.file_system_compatible_name, second.file_system_compatible_name) == ("Same", "Same (1)")
    assert refused.value.message_key == "error.item.duplicate_name"


def test_share_link_over_transport_is_idempotent_and_updates(client: PermanentClient) -> None:
    """A second create returns the same link; an update persists every field sent."""
    folder = _workspace(client, "sdk-share")
    link = client.create_share_link(folder.file_system_id, default_access_role=AccessRole.VIEWER)
    again = client.create_share_link(folder.file_system_id, max_uses=99)
    expires = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    updated = client.update_share_link(
        link.id,
        max_uses=5,
        show_preview=True,
        auto_approve=True,
        default_access_role=AccessRole.CONTRIBUTOR,
        expires_at=expires,
    )
    assert (again.id, again.max_uses) == (link.id, link.max_uses)
    assert (updated.max_uses, updated.show_preview, updated.auto_approve) == (5, True, True)
    assert (updated.default_access_role, updated.expires_at) == (AccessRole.CONTRIBUTOR, expires)


def test_delete_over_transport_makes_items_not_found(client: PermanentClient) -> None:
    """After deleting a folder, its record answers 404 and the folder is not found on Stela."""
    folder = _workspace(client, "sdk-delete")
    url = client.upload_file(b"bye", name="bye.txt", parent_folder_id=folder.id)
    record = client.create_archive_record(
        url, display_name="bye.txt", parent_folder_id=folder.id, upload_file_name="bye.txt", size=3
    )
    archive_id = next(a.id for a in client.get_archives() if a.name == "Demo Archive")
    client.delete_folder(folder.id)
    with pytest.raises(NotFound):
        client.get_archive_record(record.id, archive_id)
    with pytest.raises(FolderNotFound):
        client.get_folder(folder.id)


def test_viewer_archive_over_transport_refuses_writes(client: PermanentClient) -> None:
    """The demo account only views Family Archive: creating a folder there is forbidden."""
    family = next(a for a in client.get_archives() if a.name == "Family Archive")
    my_files = next(f for f in client.get_archive_folders(family.id) if f.name == "My Files")
    with pytest.raises(Forbidden) as refused:
        client.create_folder("not allowed", my_files.id)
    assert refused.value.message_key == "error.generic.no_action_permission"


def test_get_authenticated_account_over_transport_reads_deletion_gate(client: PermanentClient) -> None:
    """The demo account has SFTP deletion enabled in the seeded world."""
    assert client.get_authenticated_account().is_sftp_deletion_enabled is True
