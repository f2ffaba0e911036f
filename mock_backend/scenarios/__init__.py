"""Scenarios: worlds declared in YAML (accounts, archives, roles, folder trees, file bytes), built through the domain.

A scenario file has `accounts`, then `archives`; each archive names its owner, its members with their roles and
the trees of its root folders. Every entry goes through the mock's own operations (`Backend.create_account`,
`create_archive`, `add_member`, `create_folder`, `import_files`), so a scenario obeys every rule a client's
request would. See `mock_backend/scenarios/README.md` for the format; `demo.yaml` is the world a first start builds.
"""

from __future__ import annotations

import itertools
import string
from collections.abc import Callable, Iterator, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from mock_backend.config import Settings
from mock_backend.domain import naming
from mock_backend.domain.backend import Backend
from mock_backend.domain.models import Account, Archive, Role
from mock_backend.scenarios.content import AWKWARD_NAMES, Faked, pattern_bytes, png

#: The built-in scenarios, by name (files `<name>.yaml` in this package).
BUILT_IN = ("demo", "empty", "large", "shared")

_ARCHIVE_TYPES = {
    "person": "type.archive.person",
    "family": "type.archive.family",
    "organization": "type.archive.organization",
}
_ROOT_FOLDERS = {"my_files": "My Files", "public": "Public", "apps": "Apps"}
_CONTENT_KEYS = ("text", "size", "png")


class ScenarioError(ValueError):
    """A scenario file that cannot be read or does not describe a world; the message names the place."""


@dataclass
class Progress:
    """What a build has made so far, reported as it goes."""

    accounts: int = 0
    archives: int = 0
    folders: int = 0
    records: int = 0
    #: Records the scenario will make in all (known before the first is made).
    records_planned: int = 0


@dataclass(frozen=True)
class Scenario:
    """A parsed, checked scenario: its name, what it says of itself, and its declaration."""

    name: str
    description: str
    accounts: list[dict[str, Any]]
    archives: list[dict[str, Any]]
    random_seed: int = 0
    records_planned: int = field(default=0)


def names() -> tuple[str, ...]:
    """Return the names of the built-in scenarios."""
    return BUILT_IN


def load(name_or_path: str | Path) -> Scenario:
    """Read a built-in scenario by name, or a scenario file by path.

    Raises:
        ScenarioError: no such scenario, unreadable YAML, or a declaration that does not describe a world.
    """
    text, name = _read(name_or_path)
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{name}: not YAML: {exc}") from exc
    return parse(document if document is not None else {}, name)


def _read(name_or_path: str | Path) -> tuple[str, str]:
    if str(name_or_path) in BUILT_IN:
        return resources.files(__package__).joinpath(f"{name_or_path}.yaml").read_text("utf-8"), str(name_or_path)
    path = Path(name_or_path)
    if not path.is_file():
        raise ScenarioError(f"no scenario {str(name_or_path)!r}: not a file, nor one of {', '.join(BUILT_IN)}")
    try:
        return path.read_text("utf-8"), path.stem
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"{path}: cannot be read: {exc}") from exc


def parse(document: object, name: str = "scenario") -> Scenario:
    """Check a scenario's declaration (already loaded from YAML) and return it as a Scenario.

    Raises:
        ScenarioError: the declaration does not describe a world; the message says where and why.
    """
    top = _mapping(document, name, {"description", "random_seed", "accounts", "archives"})
    accounts = [
        _mapping(a, f"{name}: accounts[{i}]", {"email", "password", "name", "allow_sftp_deletion"}, {"email"})
        for i, a in enumerate(_list(top.get("accounts", []), f"{name}: accounts"))
    ]
    emails = [str(a["email"]) for a in accounts]
    for email in emails:
        if emails.count(email) > 1:
            raise ScenarioError(f"{name}: accounts: {email!r} is declared twice")
    archives = []
    planned = 0
    for i, raw in enumerate(_list(top.get("archives", []), f"{name}: archives")):
        where = f"{name}: archives[{i}]"
        archive = _mapping(raw, where, {"name", "owner", "type", "members", *_ROOT_FOLDERS}, {"name", "owner"})
        _known_email(archive["owner"], emails, f"{where}.owner")
        if archive.get("type", "person") not in _ARCHIVE_TYPES:
            raise ScenarioError(f"{where}.type: one of {', '.join(_ARCHIVE_TYPES)}, not {archive.get('type')!r}")
        for j, member in enumerate(_list(archive.get("members", []), f"{where}.members")):
            m = _mapping(member, f"{where}.members[{j}]", {"email", "role"}, {"email", "role"})
            _known_email(m["email"], emails, f"{where}.members[{j}].email")
            _role(m["role"], f"{where}.members[{j}].role")
        for key in _ROOT_FOLDERS:
            planned += _check_tree(archive.get(key, []), f"{where}.{key}")
        archives.append(archive)
    seed = top.get("random_seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise ScenarioError(f"{name}: random_seed: an integer, not {seed!r}")
    description = top.get("description", "")
    return Scenario(name, str(description), accounts, archives, seed, planned)


def _check_tree(entries: object, where: str) -> int:
    """Check a folder's entries; return how many records they make."""
    records = 0
    for i, raw in enumerate(_list(entries, where)):
        here = f"{where}[{i}]"
        entry = _mapping(raw, here, {"folder", "file", "folders", "files", "children", "name", *_CONTENT_KEYS})
        kinds = [k for k in ("folder", "file", "folders", "files") if k in entry]
        if len(kinds) != 1:
            raise ScenarioError(f"{here}: exactly one of folder, file, folders, files; found {kinds or 'none'}")
        kind = kinds[0]
        if kind in ("folders", "files"):
            count = entry[kind]
            if not isinstance(count, int) or isinstance(count, bool) or not 0 <= count <= 1_000_000:
                raise ScenarioError(f"{here}.{kind}: a count from 0 to 1000000, not {count!r}")
            if not isinstance(entry.get("name"), str):
                raise ScenarioError(f"{here}.name: a name template is required, e.g. 'file-{{n:03d}}.txt'")
            _check_template(entry["name"], f"{here}.name")
        elif not isinstance(entry[kind], str) or not entry[kind].strip():
            raise ScenarioError(f"{here}.{kind}: a non-empty name, not {entry[kind]!r}")
        if kind in ("folder", "folders"):
            extra = [k for k in _CONTENT_KEYS if k in entry]
            if extra:
                raise ScenarioError(f"{here}: a folder has no {extra[0]}")
            inner = _check_tree(entry.get("children", []), f"{here}.children")
            records += inner * (entry["folders"] if kind == "folders" else 1)
        else:
            if "children" in entry:
                raise ScenarioError(f"{here}: a file has no children")
            _check_content(entry, here)
            records += entry["files"] if kind == "files" else 1
    return records


def _check_content(entry: Mapping[str, Any], where: str) -> None:
    given = [k for k in _CONTENT_KEYS if k in entry]
    if len(given) > 1:
        raise ScenarioError(f"{where}: at most one of {', '.join(_CONTENT_KEYS)}; found {', '.join(given)}")
    if "text" in entry:
        if not isinstance(entry["text"], str):
            raise ScenarioError(f"{where}.text: a string, not {entry['text']!r}")
        _check_template(entry["text"], f"{where}.text")
    size = entry.get("size", 0)
    if not isinstance(size, int) or isinstance(size, bool) or not 0 <= size <= 1 << 30:
        raise ScenarioError(f"{where}.size: bytes from 0 to 1073741824, not {size!r}")
    colour = entry.get("png", [0, 0, 0])
    if not (
        isinstance(colour, list) and len(colour) == 3 and all(isinstance(c, int) and 0 <= c <= 255 for c in colour)
    ):
        raise ScenarioError(f"{where}.png: a colour [red, green, blue] of 0–255 each, not {colour!r}")


def _check_template(template: str, where: str) -> None:
    """Refuse a template with fields other than n, fake.<provider> and awkward (str.format would raise later)."""
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(template) if f is not None]
    except ValueError as exc:
        raise ScenarioError(f"{where}: {exc} in {template!r}") from exc
    for f in fields:
        if f not in ("n", "awkward") and not (f.startswith("fake.") and f[5:].isidentifier()):
            raise ScenarioError(f"{where}: unknown field {{{f}}}; use {{n}}, {{awkward}} or {{fake.<provider>}}")


def _mapping(
    value: object, where: str, allowed: AbstractSet[str], required: AbstractSet[str] = frozenset()
) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ScenarioError(f"{where}: a mapping, not {type(value).__name__}")
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise ScenarioError(f"{where}: unknown key {unknown[0]!r}; known: {', '.join(sorted(allowed))}")
    missing = sorted(required - set(value))
    if missing:
        raise ScenarioError(f"{where}: {missing[0]!r} is required")
    return value


def _list(value: object, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ScenarioError(f"{where}: a list, not {type(value).__name__}")
    return value


def _known_email(email: object, emails: list[str], where: str) -> None:
    if email not in emails:
        raise ScenarioError(f"{where}: {email!r} is not one of the scenario's accounts")


def _role(value: object, where: str) -> Role:
    for role in Role:
        if value in (role.name.lower(), role.value):
            return role
    raise ScenarioError(f"{where}: one of {', '.join(r.name.lower() for r in Role)}, not {value!r}")


# ---------------------------------------------------------------------------------------------------- planning
@dataclass(frozen=True)
class PlannedFile:
    """A file to import: its name and what makes its bytes (("text", str), ("size", n) or ("png", rgb))."""

    name: str
    content: tuple[str, Any]


@dataclass(frozen=True)
class PlannedFolder:
    """A folder to create, with what goes inside it."""

    name: str
    children: tuple[PlannedFolder | PlannedFile, ...]


@dataclass(frozen=True)
class PlannedArchive:
    """An archive to create: its owner's e-mail, name, type, members and the trees of its root folders."""

    owner: str
    name: str
    type: str
    members: tuple[tuple[str, Role], ...]
    trees: tuple[tuple[str, tuple[PlannedFolder | PlannedFile, ...]], ...]


@dataclass(frozen=True)
class Plan:
    """A scenario with every placeholder filled and every name rendered and checked: building it cannot fail on
    the scenario's account (so a reset can check everything before it throws the old world away)."""

    scenario: Scenario
    accounts: tuple[tuple[str, str, str, bool], ...]  # e-mail, password, full name, allowSftpDeletion
    archives: tuple[PlannedArchive, ...]


def substitutions(settings: Settings) -> dict[str, str]:
    """The placeholders scenarios may use in e-mails and passwords, from the settings."""
    return {"demo_email": settings.demo_email, "demo_password": settings.demo_password}


def plan(scenario: Scenario, subs: Mapping[str, str]) -> Plan:
    """Fill placeholders, render every templated name and text, and check every name as the mock would.

    Raises:
        ScenarioError: an unknown placeholder or fake provider, a malformed template, an e-mail declared twice
            (once filled), or a name the mock refuses (empty, "/", NUL, over 255 characters).
    """
    accounts = []
    by_declared: dict[str, str] = {}
    seen: set[str] = set()
    for i, declared in enumerate(scenario.accounts):
        where = f"{scenario.name}: accounts[{i}]"
        email = _fill(str(declared["email"]), subs, f"{where}.email")
        if email.lower() in seen:
            raise ScenarioError(f"{where}.email: {email!r} is declared twice")
        seen.add(email.lower())
        by_declared[str(declared["email"])] = email
        password = _fill(str(declared.get("password", "password")), subs, f"{where}.password")
        accounts.append(
            (
                email,
                password,
                str(declared.get("name") or email.split("@")[0]),
                bool(declared.get("allow_sftp_deletion", False)),
            )
        )
    fake = Faked(scenario.random_seed)
    counter = itertools.count(1)
    archives = []
    for i, declared in enumerate(scenario.archives):
        where = f"{scenario.name}: archives[{i}]"
        _checked_name(str(declared["name"]), f"{where}.name")
        members = tuple((by_declared[str(m["email"])], _role(m["role"], "role")) for m in declared.get("members") or [])
        trees = tuple(
            (root, _plan_entries(declared[key], f"{where}.{key}", fake, counter))
            for key, root in _ROOT_FOLDERS.items()
            if declared.get(key)
        )
        archives.append(
            PlannedArchive(
                by_declared[str(declared["owner"])],
                str(declared["name"]),
                _ARCHIVE_TYPES[declared.get("type", "person")],
                members,
                trees,
            )
        )
    return Plan(scenario, tuple(accounts), tuple(archives))


def _plan_entries(
    entries: list[dict[str, Any]], where: str, fake: Faked, counter: Iterator[int]
) -> tuple[PlannedFolder | PlannedFile, ...]:
    planned: list[PlannedFolder | PlannedFile] = []
    for i, entry in enumerate(entries):
        here = f"{where}[{i}]"
        if "folder" in entry or "folders" in entry:
            repeat = entry.get("folders")
            for n in range(1, (repeat if repeat is not None else 1) + 1):
                name = (
                    _render(entry["name"], n, fake, next(counter), f"{here}.name")
                    if repeat is not None
                    else entry["folder"]
                )
                children = _plan_entries(entry.get("children") or [], f"{here}.children", fake, counter)
                planned.append(PlannedFolder(_checked_name(name, here), children))
        else:
            repeat = entry.get("files")
            for n in range(1, (repeat if repeat is not None else 1) + 1):
                name = (
                    _render(entry["name"], n, fake, next(counter), f"{here}.name")
                    if repeat is not None
                    else entry["file"]
                )
                planned.append(PlannedFile(_checked_name(name, here), _planned_content(entry, n, fake, here)))
    return tuple(planned)


def _checked_name(name: str, where: str) -> str:
    problem = naming.check_name(name)
    if problem is not None:
        raise ScenarioError(f"{where}: the name {name[:60]!r} {problem}")
    return name


def _render(template: str, n: int, fake: Faked, serial: int, where: str) -> str:
    try:
        name = template.format(n=n, fake=fake, awkward=AWKWARD_NAMES[(serial - 1) % len(AWKWARD_NAMES)])
    except (AttributeError, KeyError, ValueError, IndexError, TypeError) as exc:
        raise ScenarioError(f"{where}: {template!r} cannot be filled: {exc}") from exc
    # Not stripped: leading and trailing spaces are one of the awkward cases real archives hold.
    return name if name.strip() else f"item {n}"


def _planned_content(entry: Mapping[str, Any], n: int, fake: Faked, where: str) -> tuple[str, Any]:
    if "png" in entry:
        return ("png", tuple(entry["png"]))
    if "size" in entry:
        return ("size", int(entry["size"]))
    text = str(entry.get("text", ""))
    if "{" not in text:
        return ("text", text)
    try:
        return ("text", text.format(n=n, fake=fake, awkward=""))
    except (AttributeError, KeyError, ValueError, IndexError, TypeError) as exc:
        raise ScenarioError(f"{where}.text: {text[:60]!r} cannot be filled: {exc}") from exc


def _bytes(content: tuple[str, Any]) -> bytes:
    kind, value = content
    if kind == "png":
        return png(rgb=value)
    if kind == "size":
        return pattern_bytes(value)
    return str(value).encode()


# ---------------------------------------------------------------------------------------------------- building
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
    for email, password, full_name, allow in planned.accounts:
        accounts[email] = backend.create_account(
            email=email, password=password, full_name=full_name, allow_sftp_deletion=allow
        )
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
        batch = [(f.name, _bytes(f.content)) for f in files[start : start + _BATCH]]
        backend.import_files(owner, parent_folder_id=parent, files=batch)
        made.records += len(batch)
        if progress:
            progress(made)
    for folder_id, children in subfolders:
        _build_tree(backend, owner, folder_id, children, made, progress)


#: Files imported per unit of work: large enough to amortise a transaction, small enough to show progress.
_BATCH = 1000


def _fill(template: str, subs: Mapping[str, str], where: str) -> str:
    """Fill `{demo_email}`-style placeholders; text without braces is returned as it is."""
    if "{" not in template:
        return template
    try:
        return template.format_map(subs)
    except (KeyError, ValueError, IndexError, AttributeError) as exc:
        raise ScenarioError(
            f"{where}: {template!r}: unknown placeholder {exc}; known: {', '.join(sorted(subs))}"
        ) from exc
