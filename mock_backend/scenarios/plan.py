"""A scenario's plan: placeholders filled, every name and text rendered and checked before anything is built."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from mock_backend.config import Settings
from mock_backend.domain import naming
from mock_backend.domain.models import Role
from mock_backend.scenarios.content import AWKWARD_NAMES, Faked, pattern_bytes, png
from mock_backend.scenarios.declaration import ARCHIVE_TYPES, ROOT_FOLDERS, Scenario, ScenarioError, role_named


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
    # e-mail, password, full name, allowSftpDeletion, the web app's sign-in step (None, mfa, verify_email)
    accounts: tuple[tuple[str, str, str, bool, str | None], ...]
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
                str(declared["sign_in"]) if declared.get("sign_in") is not None else None,
            )
        )
    fake = Faked(scenario.random_seed)
    counter = itertools.count(1)
    archives = []
    for i, declared in enumerate(scenario.archives):
        where = f"{scenario.name}: archives[{i}]"
        _checked_name(str(declared["name"]), f"{where}.name")
        members = tuple(
            (by_declared[str(m["email"])], role_named(m["role"], "role")) for m in declared.get("members") or []
        )
        trees = tuple(
            (root, _plan_entries(declared[key], f"{where}.{key}", fake, counter))
            for key, root in ROOT_FOLDERS.items()
            if declared.get(key)
        )
        archives.append(
            PlannedArchive(
                by_declared[str(declared["owner"])],
                str(declared["name"]),
                ARCHIVE_TYPES[declared.get("type", "person")],
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
        is_folder = "folder" in entry or "folders" in entry
        repeat = entry.get("folders" if is_folder else "files")
        for n in range(1, (1 if repeat is None else repeat) + 1):
            if repeat is None:
                name = entry["folder" if is_folder else "file"]
            else:
                name = _render(entry["name"], n, fake, next(counter), f"{here}.name")
            name = _checked_name(name, here)
            if is_folder:
                # Planned again for each repetition: templated names below differ from one to the next.
                children = _plan_entries(entry.get("children") or [], f"{here}.children", fake, counter)
                planned.append(PlannedFolder(name, children))
            else:
                planned.append(PlannedFile(name, _planned_content(entry, n, fake, here)))
    return tuple(planned)


def _checked_name(name: str, where: str) -> str:
    problem = naming.check_name(name)
    if problem is not None:
        raise ScenarioError(f"{where}: the name {name[:60]!r} {problem}")
    return name


def _format(template: str, where: str, **fields: object) -> str:
    """Fill a template's fields; a field it cannot fill (an unknown Faker provider, a bad spec) names the place."""
    try:
        return template.format(**fields)
    except (AttributeError, KeyError, ValueError, IndexError, TypeError) as exc:
        raise ScenarioError(f"{where}: {template[:60]!r} cannot be filled: {exc}") from exc


def _render(template: str, n: int, fake: Faked, serial: int, where: str) -> str:
    name = _format(template, where, n=n, fake=fake, awkward=AWKWARD_NAMES[(serial - 1) % len(AWKWARD_NAMES)])
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
    return ("text", _format(text, f"{where}.text", n=n, fake=fake, awkward=""))


def content_bytes(content: tuple[str, Any]) -> bytes:
    kind, value = content
    if kind == "png":
        return png(rgb=value)
    if kind == "size":
        return pattern_bytes(value)
    return str(value).encode()


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
