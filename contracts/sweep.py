"""Find, and on request delete, the run folders that killed runs of the contract suite left behind.

A run works in `contract-<run id>` inside the test folder and deletes it at the end of the session; a
run that is killed (SIGKILL, a CI timeout) leaves it there. `sweep` lists the test folder's children
through the SDK and selects the folders whose name is exactly a run folder's name,
`contract-<yymmddHHMMSS>-<4 lowercase hex digits>` (see `contracts.safety.new_run_id`), whose run
started (UTC, read from the name) longer ago than a threshold, and whose run is not one to keep (the
current run). Records, folders with any other name (`contract-notatime`, `Contract-…`, a duplicate's
`… (1)`, `contract-<run id>-…`) and recent runs are never selected. Nothing is deleted unless asked.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx

from contracts.safety import NAME_PREFIX
from contracts.sdk import Folder, NotFound, PermanentClient, PermanentError

#: A run folder's name: the prefix, then a run id as `new_run_id` makes it (ASCII digits, lowercase hex).
RUN_FOLDER_NAME = re.compile(re.escape(NAME_PREFIX) + r"(?P<run_id>(?P<stamp>[0-9]{12})-[0-9a-f]{4})")
STAMP_FORMAT = "%y%m%d%H%M%S"


@dataclass(frozen=True)
class RunFolder:
    """A folder of the test folder named like a run folder, with the run id and start time its name gives."""

    folder_id: int
    name: str
    run_id: str
    started: datetime


@dataclass
class SweepReport:
    """What a sweep found and did: `stale` is the selection; nothing is deleted in a dry run."""

    test_folder_id: int
    older_than: timedelta
    dry_run: bool
    stale: list[RunFolder]
    kept: list[RunFolder]
    deleted: list[RunFolder] = field(default_factory=list)
    gone: list[RunFolder] = field(default_factory=list)
    failed: list[tuple[RunFolder, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every deletion that was attempted succeeded (or found the folder already gone)."""
        return not self.failed


def parse_run_folder_name(name: str) -> tuple[str, datetime] | None:
    """Return the run id and UTC start time a run folder's name carries, or None if it is not exactly one."""
    match = RUN_FOLDER_NAME.fullmatch(name)
    if match is None:
        return None
    stamp = match["stamp"]
    try:
        started = datetime.strptime(stamp, STAMP_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None
    if started.strftime(STAMP_FORMAT) != stamp:  # strptime accepts one-digit fields: "251312…" is not a time
        return None
    return match["run_id"], started


def classify(
    folders: Iterable[Folder], *, now: datetime, older_than: timedelta, keep: Collection[str] = ()
) -> tuple[list[RunFolder], list[RunFolder]]:
    """Split the run folders among `folders` into (stale, kept), each oldest first; other folders are in neither.

    A run folder is stale when its run started before `now - older_than` and its run id is not in `keep`.

    Raises:
        ValueError: `now` is naive or `older_than` is negative.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    if older_than < timedelta(0):
        raise ValueError("older_than must not be negative")
    cutoff = now - older_than
    stale: list[RunFolder] = []
    kept: list[RunFolder] = []
    for folder in folders:
        parsed = parse_run_folder_name(folder.name)
        if parsed is None:
            continue
        run_id, started = parsed
        run_folder = RunFolder(folder.id, folder.name, run_id, started)
        (stale if started < cutoff and run_id not in keep else kept).append(run_folder)
    return sorted(stale, key=_oldest_first), sorted(kept, key=_oldest_first)


def _oldest_first(run_folder: RunFolder) -> tuple[datetime, str, int]:
    """Sort key: start time, then name and id."""
    return run_folder.started, run_folder.name, run_folder.folder_id


def sweep(
    client: PermanentClient,
    test_folder_id: int,
    *,
    older_than: timedelta,
    now: datetime | None = None,
    keep: Collection[str] = (),
    delete: bool = False,
    before_delete: Callable[[int], None] | None = None,
) -> SweepReport:
    """List the test folder's children and select the stale run folders; delete them only when `delete` is set.

    `before_delete` is called with each folder id just before its deletion (the CLI uses it to let the
    write guard allow exactly the selected folders). A folder that is already gone (404) counts as
    `gone`; any other error answer is recorded in `failed` and the sweep goes on.

    Raises:
        PermanentError: the test folder could not be listed.
        httpx.HTTPError: the server could not be reached.
    """
    listing = client.get_folder(test_folder_id)
    stale, kept = classify(listing.folders, now=now or datetime.now(UTC), older_than=older_than, keep=keep)
    report = SweepReport(test_folder_id, older_than, dry_run=not delete, stale=stale, kept=kept)
    if not delete:
        return report
    for run_folder in stale:
        if before_delete is not None:
            before_delete(run_folder.folder_id)
        try:
            client.delete_folder(run_folder.folder_id)
        except NotFound:
            report.gone.append(run_folder)
        except (PermanentError, httpx.HTTPError) as exc:
            report.failed.append((run_folder, str(exc) or type(exc).__name__))
        else:
            report.deleted.append(run_folder)
    return report


def describe(run_folder: RunFolder, now: datetime) -> str:
    """One line about a run folder: name, id, start time and age."""
    hours = (now - run_folder.started) / timedelta(hours=1)
    started = f"{run_folder.started:%Y-%m-%d %H:%M:%S} UTC"
    return f"{run_folder.name} (folder {run_folder.folder_id}, started {started}, {hours:.1f} h ago)"
