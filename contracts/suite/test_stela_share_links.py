"""Layer 3: the Stela calls of the web app's viewer and sharing dialog; one share link, seen by PHP and Stela alike."""

from __future__ import annotations

from datetime import UTC, datetime

from contracts.sdk import AccessRole, Folder, PermanentClient
from contracts.suite.support import Names, expect_error, upload

#: Stela's refusal of an unrestricted link above viewer (stela share_link/service.ts updateShareLink).
UNLISTED_LIMITS = "Unlisted links cannot have restricted uses or permissions greater than 'viewer'"


def test_stela_records_answer_the_asked_records_only(client: PermanentClient, workdir: Folder, names: Names) -> None:
    """GET /record answers the uploaded record with its file, and leaves a deleted one out."""
    kept = upload(client, b"kept bytes", names.new("kept.txt"), workdir.id)
    gone = upload(client, b"gone bytes", names.new("gone.txt"), workdir.id)
    client.delete_archive_record(gone.id)
    records = client.get_stela_records([kept.id, gone.id])
    assert [(r.id, r.file_system_id, r.display_name) for r in records] == [
        (kept.id, kept.file_system_id, kept.display_name)
    ], "the deleted record is left out"
    assert [f.size for f in records[0].files if f.derivative_type.value == "file.format.original"] == [10]


def test_stela_share_link_of_a_record_lives_and_dies(client: PermanentClient, workdir: Folder, names: Names) -> None:
    """Create, list, change and delete a record's link through Stela; PHP shows the same link meanwhile."""
    record = upload(client, b"shared", names.new("shared.txt"), workdir.id)
    assert client.get_record_share_links(record.id) == [], "a new record has no share link"
    link = client.create_stela_share_link(record.id, "record")
    defaults = (link.item_id, link.item_type, link.access_restrictions, link.permissions_level, link.max_uses)
    assert defaults == (record.id, "record", "none", "viewer", None), "Stela's defaults: unrestricted, viewer"
    assert [found.id for found in client.get_record_share_links(record.id)] == [link.id]

    expires = datetime(2031, 1, 2, 3, 4, 5, tzinfo=UTC)
    updated = client.update_stela_share_link(
        link.id, access_restrictions="account", permissions_level="editor", max_uses=5, expires_at=expires
    )
    changed = (updated.access_restrictions, updated.permissions_level, updated.max_uses, updated.expires_at)
    assert changed == ("account", "editor", 5, expires), "PATCH answers the changed link"
    [listed] = client.get_share_links([link.id]).share_links
    assert (listed.max_uses, listed.permissions_level) == (5, "editor"), "the change persists"

    php = client.create_share_link(record.file_system_id)
    php_view = (php.id, php.url_token, php.default_access_role, php.max_uses, php.auto_approve, php.expires_at)
    assert php_view == (link.id, link.token, AccessRole.EDITOR, 5, True, expires), "PHP answers the same link"

    client.delete_share_link(link.id)
    assert client.get_share_links([link.id]).share_links == [], "a deleted link is gone"
    assert client.get_record_share_links(record.id) == []


def test_stela_folder_share_links_show_the_php_link(client: PermanentClient, workdir: Folder, names: Names) -> None:
    """A link made by PHP generateShareLink is the folder's link in Stela's `share_links` route."""
    folder = client.create_folder(names.new("shared-folder"), workdir.id)
    php = client.create_share_link(folder.file_system_id)
    [link] = client.get_folder_share_links(folder.id)
    assert (link.id, link.token, link.item_id, link.item_type) == (php.id, php.url_token, folder.id, "folder")
    by_token = client.get_share_links(share_tokens=[php.url_token]).share_links
    assert [found.id for found in by_token] == [php.id], "a link is found by its token too"


def test_stela_unrestricted_link_stays_viewer_only(client: PermanentClient, workdir: Folder, names: Names) -> None:
    """An unrestricted link cannot become editor-level: 400 with Stela's message, and it stays as it was."""
    record = upload(client, b"open", names.new("open.txt"), workdir.id)
    link = client.create_stela_share_link(record.id, "record")
    expect_error(400, UNLISTED_LIMITS, lambda: client.update_stela_share_link(link.id, permissions_level="editor"))
    [again] = client.get_record_share_links(record.id)
    assert (again.permissions_level, again.access_restrictions) == ("viewer", "none")


def test_stela_share_link_is_not_anothers(
    client: PermanentClient, other_client: PermanentClient, workdir: Folder, names: Names
) -> None:
    """Another account neither sees our link nor may change or delete it (404 `Share link not found`)."""
    record = upload(client, b"ours", names.new("ours.txt"), workdir.id)
    link = client.create_stela_share_link(record.id, "record")
    assert other_client.get_record_share_links(record.id) == []
    assert other_client.get_share_links([link.id]).share_links == []
    expect_error(
        404,
        "Share link not found",
        lambda: other_client.update_stela_share_link(link.id, access_restrictions="account"),
    )
    expect_error(404, "Share link not found", lambda: other_client.delete_share_link(link.id))
    assert [found.id for found in client.get_record_share_links(record.id)] == [link.id], "the link is still there"
