"""Tests of mock_backend.domain.models: role ranking and simulated processing."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from mock_backend.domain.models import RECORD_UPLOADED, STATUS_OK, Record, Role

READY = datetime(2024, 3, 1, 12, 0, 0)


@pytest.mark.parametrize(
    ("role", "needed", "allowed"),
    [
        (Role.VIEWER, Role.VIEWER, True),
        (Role.VIEWER, Role.CONTRIBUTOR, False),
        (Role.CONTRIBUTOR, Role.CONTRIBUTOR, True),
        (Role.CONTRIBUTOR, Role.EDITOR, False),
        (Role.EDITOR, Role.EDITOR, True),
        (Role.EDITOR, Role.CURATOR, False),
        (Role.CURATOR, Role.CURATOR, True),
        (Role.OWNER, Role.CURATOR, True),
        (Role.ADMIN, Role.OWNER, True),
    ],
    ids=[
        "viewer-reads",
        "viewer-cannot-create",
        "contributor-creates",
        "contributor-cannot-delete",
        "editor-deletes",
        "editor-cannot-share",
        "curator-shares",
        "owner-shares",
        "admin-tops-owner",
    ],
)
def test_allows_role_against_needed_role(role: Role, needed: Role, allowed: bool) -> None:
    """A role allows what its rank reaches: viewer < contributor < editor < curator < … < admin."""
    assert role.allows(needed) is allowed


def _record(status: str) -> Record:
    return Record(
        id=1,
        link_id=1,
        archive_id=1,
        archive_nbr="0001-0001",
        parent_id=1,
        parent_link_id=1,
        display_name="a",
        download_name="a.txt",
        upload_file_name="a.txt",
        type="type.record.document",
        status=status,
        size=1,
        meta_token="ABCDEFGHIJ",
        uploaded_by=1,
        ready_at=READY,
        display_at=READY,
        created_at=READY,
        updated_at=READY,
    )


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (READY - timedelta(seconds=1), RECORD_UPLOADED),
        (READY, STATUS_OK),
    ],
    ids=["before-ready", "at-ready"],
)
def test_status_at_uploaded_record_turns_ok_when_ready(now: datetime, expected: str) -> None:
    """An uploaded record reads `status.record.uploaded` until `ready_at`, then `status.generic.ok`."""
    assert _record(RECORD_UPLOADED).status_at(now) == expected


def test_status_at_other_status_is_kept() -> None:
    """A status other than uploaded is not changed by time."""
    record = _record("status.generic.manual_review")
    assert record.status_at(READY + timedelta(days=1)) == "status.generic.manual_review"
