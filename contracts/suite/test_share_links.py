"""Layer 3: share links are idempotent per item, and updates persist."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from contracts.sdk import AccessRole, Folder, PermanentClient
from contracts.suite.support import Names, expect_error, upload
from contracts.targets import Target


def test_generate_share_link_twice_returns_the_same_link(client: PermanentClient, workdir: Folder) -> None:
    """A second generateShareLink for the same item returns the existing link unchanged (docs/API.md)."""
    first = client.create_share_link(workdir.file_system_id, max_uses=0, show_preview=False)
    second = client.create_share_link(workdir.file_system_id, max_uses=7, show_preview=True)
    assert (second.id, second.url_token, second.url) == (first.id, first.url_token, first.url), "same link"
    assert (second.max_uses, second.show_preview) == (first.max_uses, first.show_preview), (
        "an existing link is returned without applying the new options"
    )
    assert second.shared_file_system_item_id == workdir.file_system_id


def test_update_share_link_persists(client: PermanentClient, workdir: Folder) -> None:
    """updateShareLink changes the link, and the change is what later calls return."""
    link = client.create_share_link(workdir.file_system_id)
    expires = datetime(2031, 1, 2, 3, 4, 5, tzinfo=UTC)
    updated = client.update_share_link(
        link.id,
        max_uses=10,
        show_preview=True,
        auto_approve=True,
        default_access_role=AccessRole.EDITOR,
        expires_at=expires,
    )
    wanted = (10, True, True, AccessRole.EDITOR, expires)
    got = (
        updated.max_uses,
        updated.show_preview,
        updated.auto_approve,
        updated.default_access_role,
        updated.expires_at,
    )
    assert got == wanted, "updateShareLink answers the updated link"
    again = client.create_share_link(workdir.file_system_id)
    assert (again.id, again.max_uses, again.show_preview, again.expires_at) == (link.id, 10, True, expires), (
        "the update persists: generateShareLink now returns the updated link"
    )


def test_share_link_for_a_record(client: PermanentClient, workdir: Folder, names: Names) -> None:
    """A record's folder_linkId can be shared too."""
    record = upload(client, b"shared", names.new("shared.txt"), workdir.id)
    link = client.create_share_link(record.file_system_id)
    assert link.shared_file_system_item_id == record.file_system_id
    assert link.url.endswith("/share/" + link.url_token), "shareUrl is https://<site>/share/<urlToken>"


def test_update_unknown_share_link_answers_404(client: PermanentClient, target: Target) -> None:
    """Updating a share link that does not exist answers 404 error.share.lookup."""
    if target.guard.enforce:
        pytest.skip("an unknown share link id may be someone's on a real server; checked only in-process")
    expect_error(404, "error.share.lookup", lambda: client.update_share_link(987_654_321, max_uses=1))
