"""Tests of mock_backend.factories: factory-boy factories that build through the mock's own operations."""

from __future__ import annotations

from collections.abc import Iterator

import factory.random
import pytest

from mock_backend import Settings, create_app
from mock_backend.domain.errors import PermissionDenied
from mock_backend.domain.models import Role
from mock_backend.factories import Factories, RecordFactory
from mock_backend.scenarios.content import AWKWARD_NAMES
from mock_backend.testing import backend_of, close


@pytest.fixture
def made() -> Iterator[Factories]:
    """Factories bound to a fresh mock of the empty world."""
    app = create_app(Settings(scenario="empty", processing_seconds=0))
    yield Factories(backend_of(app))
    close(app)


def test_record_without_anything_makes_its_account_archive_and_bytes(made: Factories) -> None:
    """A bare record() makes an account, an archive with the root layout, and a record holding its bytes."""
    record = made.record(content=b"hello")
    backend = made.backend
    owner = made.owners[record.archive_id]
    stored = backend.get_record(owner, record.id, record.archive_id)
    blob = backend.blobs.path(stored.files[0].blob_key).read_bytes()
    assert (len(backend.accounts()), blob, stored.size) == (1, b"hello", 5)


def test_member_gets_the_role_and_its_rules(made: Factories) -> None:
    """A viewer made by member() sees the archive as a viewer and may not create folders in it."""
    archive = made.archive()
    viewer = made.account()
    seen = made.member(archive=archive, account=viewer, role="viewer")
    assert seen.role is Role.VIEWER
    with pytest.raises(PermissionDenied):
        made.folder(parent=made.my_files(archive), by=viewer)


def test_awkward_records_take_the_awkward_names_in_turn(made: Factories) -> None:
    """awkward=True names records from the awkward list, stored as given."""
    folder = made.folder()
    names = [made.record(parent=folder, awkward=True).display_name for _ in range(3)]
    assert names == list(AWKWARD_NAMES[:3])


def test_same_names_twice_are_deduplicated_by_the_mock(made: Factories) -> None:
    """Two records of one name in one folder get the real " (1)" downloadName."""
    folder = made.folder()
    first, second = (made.record(parent=folder, name="a.txt") for _ in range(2))
    assert (first.download_name, second.download_name) == ("a.txt", "a (1).txt")


def test_deletion_returns_its_audit_entry(made: Factories) -> None:
    """deletion() makes and deletes a record; the entry names it and its path."""
    folder = made.folder(name="Letters")
    entry = made.deletion(parent=folder, name="gone.txt")
    assert (entry.item_type, entry.path.endswith("/My Files/Letters/gone.txt")) == ("record", True)


def test_share_link_to_a_folder(made: Factories) -> None:
    """share_link() makes a link to the item, by its archive's owner."""
    folder = made.folder()
    link = made.share_link(item=folder)
    assert (link.link_id, link.account_id) == (folder.link_id, made.owners[folder.archive_id].id)


def test_parent_of_a_foreign_archive_needs_by() -> None:
    """A parent in an archive the factories did not make needs `by`; the message says so."""
    app = create_app(Settings(processing_seconds=0))
    try:
        made = Factories(backend_of(app))
        demo = backend_of(app).accounts()[0]
        my_files = backend_of(app).root_child(1, "My Files")
        with pytest.raises(ValueError, match="by="):
            made.folder(parent=my_files)
        assert made.folder(parent=my_files, by=demo, name="Mine").display_name == "Mine"
    finally:
        close(app)


def test_unbound_factory_says_how_to_bind() -> None:
    """The module's factory classes need a mock: calling one unbound says to use Factories(backend)."""
    with pytest.raises(RuntimeError, match=r"Factories\(backend\)"):
        RecordFactory()


def test_reseeding_repeats_the_fake_values() -> None:
    """factory.random.reseed_random gives the same names again (tests can pin their data)."""
    runs = []
    for _ in range(2):
        app = create_app(Settings(scenario="empty"))
        factory.random.reseed_random(42)
        made = Factories(backend_of(app))
        runs.append([made.account().full_name, made.folder().display_name, made.record().display_name])
        close(app)
    assert runs[0] == runs[1]
