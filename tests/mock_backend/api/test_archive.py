"""Tests of mock_backend.api.archive: getAllArchives."""

from __future__ import annotations

from tests.conftest import DEMO_ARCHIVE, FAMILY_ARCHIVE, PRIVATE_ARCHIVE, Api, ok


def test_get_all_archives_answers_bare_array(api: Api) -> None:
    """getAllArchives answers a bare JSON array, not an envelope."""
    assert isinstance(ok(api.get("/api/archive/getAllArchives")), list)


def test_get_all_archives_lists_only_memberships(api: Api) -> None:
    """Demo sees its own and the shared archive, never other's private archive."""
    names = [a["fullName"] for a in ok(api.get("/api/archive/getAllArchives"))]
    assert (sorted(names), PRIVATE_ARCHIVE in names) == (sorted([DEMO_ARCHIVE, FAMILY_ARCHIVE]), False)


def test_get_all_archives_shared_archive_has_same_id_for_both_accounts(api: Api) -> None:
    """The shared Family Archive is one archive: both members see the same archiveId."""
    assert api.archive_id(FAMILY_ARCHIVE, "demo") == api.archive_id(FAMILY_ARCHIVE, "other")
