"""Building a planned scenario through the mock's own operations, with progress reports."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from mock_backend.domain.backend import Backend
from mock_backend.domain.models import Account, Archive
from mock_backend.scenarios.declaration import Scenario
from mock_backend.scenarios.plan import Plan, PlannedArchive, PlannedFile, PlannedFolder, content_bytes, plan


@dataclass
class Progress:
    """What a build has made so far, reported as it goes."""

    accounts: int = 0
    archives: int = 0
    folders: int = 0
    records: int = 0
    #: Records the scenario will make in all (known before the first is made).
    records_planned: int = 0


def build(
    backend: Backend,
    scenario: Scenario | Plan,
    *,
    substitutions: Mapping[str, str] | None = None,
    progress: Callable[[Progress], None] | None = None,
) -> Progress:
    """Build a scenario (planned first, unless a Plan is given) into the backend's empty world; return what was made.

    `substitutions` fill `{demo_email}`-style placeholders in accounts' e-mails and passwords (the CLI passes
    `--demo-email`/`--demo-password`). Folders are made before the files beside them, and each folder's files
    are imported as one batch, so ids follow the order of the file.

    Raises:
        ScenarioError: the scenario cannot be planned (nothing is built then).
    """
    planned = scenario if isinstance(scenario, Plan) else plan(scenario, substitutions or {})
    made = Progress(records_planned=planned.scenario.records_planned)
    accounts: dict[str, Account] = {}
    for email, password, full_name, allow, sign_in in planned.accounts:
        accounts[email] = backend.create_account(
            email=email, password=password, full_name=full_name, allow_sftp_deletion=allow
        )
        if sign_in is not None:
            backend.web.set_step(accounts[email].id, sign_in)
        made.accounts += 1
    built: list[tuple[PlannedArchive, Archive]] = []
    for declared in planned.archives:
        archive = backend.create_archive(accounts[declared.owner], declared.name, declared.type)
        for email, role in declared.members:
            backend.add_member(archive, accounts[email], role)
        built.append((declared, archive))
        made.archives += 1
    if progress:
        progress(made)
    for declared, archive in built:
        for root_name, entries in declared.trees:
            parent = backend.root_child(archive.id, root_name).id
            _build_tree(backend, accounts[declared.owner], parent, entries, made, progress)
    return made


def _build_tree(
    backend: Backend,
    owner: Account,
    parent: int,
    entries: tuple[PlannedFolder | PlannedFile, ...],
    made: Progress,
    progress: Callable[[Progress], None] | None,
) -> None:
    """Make one folder's entries: its subfolders, then its files in batches, then each subfolder's entries."""
    subfolders: list[tuple[int, tuple[PlannedFolder | PlannedFile, ...]]] = []
    files = [entry for entry in entries if isinstance(entry, PlannedFile)]
    for entry in entries:
        if isinstance(entry, PlannedFolder):
            folder = backend.create_folder(
                owner, display_name=entry.name, parent_folder_id=parent, fail_on_duplicate=False
            )
            made.folders += 1
            subfolders.append((folder.id, entry.children))
    for start in range(0, len(files), _BATCH):
        batch = [(f.name, content_bytes(f.content)) for f in files[start : start + _BATCH]]
        backend.import_files(owner, parent_folder_id=parent, files=batch)
        made.records += len(batch)
        if progress:
            progress(made)
    for folder_id, children in subfolders:
        _build_tree(backend, owner, folder_id, children, made, progress)


#: Files imported per unit of work: large enough to amortise a transaction, small enough to show progress.
_BATCH = 1000
