"""factory-boy factories for a mock's world, built through its own operations so every invariant holds.

`Factories(backend)` binds them to one mock (the pytest plugin's `permanent_mock.factories` is one). Each call
makes one thing with realistic, seedable values from Faker (`factory.random.reseed_random(n)` repeats them) and
returns the domain object. Anything not given is made too: a record without a parent goes into the My Files of a
new archive of a new account. `awkward=True` picks names that trip clients (unicode, spaces, quotes, a
255-character name, case-only differences).

    f = permanent_mock.factories
    ada = f.account(full_name="Ada Lovelace")
    family = f.archive(owner=ada, type="type.archive.family")
    f.member(archive=family, account=f.account(), role="editor")
    letters = f.folder(parent=f.my_files(family))
    f.record(parent=letters, name="letter.txt", content=b"Dear …")
    f.share_link(item=letters)
    f.deletion(parent=letters)   # a record made, then deleted: an entry of the audit log
"""

from __future__ import annotations

from typing import Any

from factory.base import Factory
from factory.declarations import Iterator, LazyAttribute, Sequence, Trait
from factory.faker import Faker

from mock_backend.domain.backend import Backend
from mock_backend.domain.models import Account, Archive, Deletion, Folder, Record, Role, ShareLink
from mock_backend.scenarios.content import AWKWARD_NAMES

_ROLES = {role.name.lower(): role for role in Role}


class _Made(Factory[Any]):
    """A factory whose `create` hands its values to `_build_with(factories, values)` instead of a class."""

    class Meta:
        model = dict
        abstract = True

    _factories: Factories | None = None

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        if cls._factories is None:
            raise RuntimeError(f"{cls.__name__} is not bound to a mock: use Factories(backend).{cls.__name__}")
        return cls._build_with(cls._factories, kwargs)

    @classmethod
    def _build_with(cls, factories: Factories, values: dict[str, Any]) -> Any:
        raise NotImplementedError


class AccountFactory(_Made):
    """An account that can log in: a unique e-mail, a full name, a password (default `password`)."""

    email = Sequence(lambda n: f"person{n + 1}@example.com")
    full_name = Faker("name")
    password = "password"
    allow_sftp_deletion = False

    @classmethod
    def _build_with(cls, factories: Factories, values: dict[str, Any]) -> Account:
        return factories.backend.create_account(**values)


class ArchiveFactory(_Made):
    """An archive with the real root layout (Apps, My Files, Public), owned by `owner` (a new account if none)."""

    owner = None
    full_name = LazyAttribute(lambda made: f"{made.family} Archive")
    type = "type.archive.person"

    class Params:
        family = Faker("last_name")

    @classmethod
    def _build_with(cls, factories: Factories, values: dict[str, Any]) -> Archive:
        owner = values["owner"] or factories.account()
        archive = factories.backend.create_archive(owner, values["full_name"], values["type"])
        factories.owners[archive.id] = owner
        return archive


class MemberFactory(_Made):
    """A role for `account` (a new one if none) in `archive`; returns the archive as that account sees it."""

    archive = None
    account = None
    role = "viewer"

    @classmethod
    def _build_with(cls, factories: Factories, values: dict[str, Any]) -> Archive:
        archive: Archive = values["archive"] or factories.archive()
        account: Account = values["account"] or factories.account()
        role = (
            values["role"]
            if isinstance(values["role"], Role)
            else _ROLES[str(values["role"]).removeprefix("access.role.")]
        )
        factories.backend.add_member(archive, account, role)
        return next(a for a in factories.backend.get_all_archives(account) if a.id == archive.id)


class FolderFactory(_Made):
    """A folder made by `folder/post` under `parent` (My Files of a new archive if none), by `by` (its owner)."""

    parent = None
    by = None
    name = Faker("word")

    class Params:
        awkward = Trait(name=Iterator(AWKWARD_NAMES))

    @classmethod
    def _build_with(cls, factories: Factories, values: dict[str, Any]) -> Folder:
        parent, by = factories.place(values["parent"], values["by"])
        return factories.backend.create_folder(
            by, display_name=values["name"], parent_folder_id=parent.id, fail_on_duplicate=False
        )


class RecordFactory(_Made):
    """A record with real bytes (`content`, default a paragraph of text) under `parent`, by `by`."""

    parent = None
    by = None
    name = Faker("file_name", category="text")
    content = LazyAttribute(lambda made: made.text.encode())

    class Params:
        text = Faker("paragraph")
        awkward = Trait(name=Iterator(AWKWARD_NAMES))

    @classmethod
    def _build_with(cls, factories: Factories, values: dict[str, Any]) -> Record:
        parent, by = factories.place(values["parent"], values["by"])
        content = values["content"]
        data = content.encode() if isinstance(content, str) else bytes(content)
        return factories.backend.import_files(by, parent_folder_id=parent.id, files=[(values["name"], data)])[0]


class ShareLinkFactory(_Made):
    """A share link to `item` (a folder or record; a new record if none), made by `by` (the item's owner)."""

    item = None
    by = None
    max_uses = None
    preview = False
    default_access_role = "access.role.viewer"

    @classmethod
    def _build_with(cls, factories: Factories, values: dict[str, Any]) -> ShareLink:
        item: Folder | Record = values["item"] or factories.record()
        by = values["by"] or factories.owners[item.archive_id]
        return factories.backend.generate_share_link(
            by,
            link_id=item.link_id,
            max_uses=values["max_uses"],
            preview=values["preview"],
            default_access_role=values["default_access_role"],
        )


class DeletionFactory(_Made):
    """A record made under `parent` and deleted by `by`: returns its entry of the deletion audit log."""

    parent = None
    by = None
    name = Faker("file_name", category="text")

    @classmethod
    def _build_with(cls, factories: Factories, values: dict[str, Any]) -> Deletion:
        parent, by = factories.place(values["parent"], values["by"])
        record = factories.record(parent=parent, by=by, name=values["name"])
        factories.backend.delete_record(by, record.id)
        return next(
            d for d in factories.backend.deletions(by.id, 50) if d.item_type == "record" and d.item_id == record.id
        )


class Factories:
    """The factories bound to one mock's backend: `account()`, `archive()`, `member()`, `folder()`, …"""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        #: Who made each archive these factories made (the default `by` of what is made inside it).
        self.owners: dict[int, Account] = {}
        bound = {"_factories": self}
        self.Account = type("AccountFactory", (AccountFactory,), bound)
        self.Archive = type("ArchiveFactory", (ArchiveFactory,), bound)
        self.Member = type("MemberFactory", (MemberFactory,), bound)
        self.Folder = type("FolderFactory", (FolderFactory,), bound)
        self.Record = type("RecordFactory", (RecordFactory,), bound)
        self.ShareLink = type("ShareLinkFactory", (ShareLinkFactory,), bound)
        self.Deletion = type("DeletionFactory", (DeletionFactory,), bound)

    def account(self, **values: Any) -> Account:
        """Make an account (see AccountFactory)."""
        made: Account = self.Account(**values)
        return made

    def archive(self, **values: Any) -> Archive:
        """Make an archive (see ArchiveFactory)."""
        made: Archive = self.Archive(**values)
        return made

    def member(self, **values: Any) -> Archive:
        """Give an account a role in an archive (see MemberFactory)."""
        made: Archive = self.Member(**values)
        return made

    def folder(self, **values: Any) -> Folder:
        """Make a folder (see FolderFactory)."""
        made: Folder = self.Folder(**values)
        return made

    def record(self, **values: Any) -> Record:
        """Make a record with bytes (see RecordFactory)."""
        made: Record = self.Record(**values)
        return made

    def share_link(self, **values: Any) -> ShareLink:
        """Make a share link (see ShareLinkFactory)."""
        made: ShareLink = self.ShareLink(**values)
        return made

    def deletion(self, **values: Any) -> Deletion:
        """Make and delete a record; return its audit entry (see DeletionFactory)."""
        made: Deletion = self.Deletion(**values)
        return made

    def my_files(self, archive: Archive) -> Folder:
        """Return an archive's My Files folder."""
        return self.backend.root_child(archive.id, "My Files")

    def place(self, parent: Folder | None, by: Account | None) -> tuple[Folder, Account]:
        """Return where to make something and who makes it: defaults to My Files of a new archive, by its owner.

        Raises:
            ValueError: `parent` is in an archive these factories did not make, and no `by` was given.
        """
        if parent is None:
            archive = self.archive(owner=by) if by else self.archive()
            return self.my_files(archive), by or self.owners[archive.id]
        if by is None:
            if parent.archive_id not in self.owners:
                raise ValueError(
                    f"say who makes it (by=…): archive {parent.archive_id} was not made by these factories"
                )
            by = self.owners[parent.archive_id]
        return parent, by
