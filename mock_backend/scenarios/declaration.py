"""A scenario's declaration: read from YAML (a built-in by name, or a file) and checked, with each mistake's place."""

from __future__ import annotations

import string
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from mock_backend.domain.models import SIGN_IN_STEPS, Role

BUILT_IN = ("demo", "empty", "large", "shared")

ARCHIVE_TYPES = {
    "person": "type.archive.person",
    "family": "type.archive.family",
    "organization": "type.archive.organization",
}
ROOT_FOLDERS = {"my_files": "My Files", "public": "Public", "apps": "Apps"}
_CONTENT_KEYS = ("text", "size", "png")


class ScenarioError(ValueError):
    """A scenario file that cannot be read or does not describe a world; the message names the place."""


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
        return resources.files("mock_backend.scenarios").joinpath(f"{name_or_path}.yaml").read_text("utf-8"), str(
            name_or_path
        )
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
        _mapping(
            a, f"{name}: accounts[{i}]", {"email", "password", "name", "allow_sftp_deletion", "sign_in"}, {"email"}
        )
        for i, a in enumerate(_list(top.get("accounts", []), f"{name}: accounts"))
    ]
    for i, account in enumerate(accounts):
        if account.get("sign_in") is not None and account["sign_in"] not in SIGN_IN_STEPS:
            raise ScenarioError(
                f"{name}: accounts[{i}].sign_in: one of {', '.join(SIGN_IN_STEPS)}, not {account['sign_in']!r}"
            )
    emails = [str(a["email"]) for a in accounts]
    for email in emails:
        if emails.count(email) > 1:
            raise ScenarioError(f"{name}: accounts: {email!r} is declared twice")
    archives = []
    planned = 0
    for i, raw in enumerate(_list(top.get("archives", []), f"{name}: archives")):
        where = f"{name}: archives[{i}]"
        archive = _mapping(raw, where, {"name", "owner", "type", "members", *ROOT_FOLDERS}, {"name", "owner"})
        _known_email(archive["owner"], emails, f"{where}.owner")
        if archive.get("type", "person") not in ARCHIVE_TYPES:
            raise ScenarioError(f"{where}.type: one of {', '.join(ARCHIVE_TYPES)}, not {archive.get('type')!r}")
        for j, member in enumerate(_list(archive.get("members", []), f"{where}.members")):
            m = _mapping(member, f"{where}.members[{j}]", {"email", "role"}, {"email", "role"})
            _known_email(m["email"], emails, f"{where}.members[{j}].email")
            role_named(m["role"], f"{where}.members[{j}].role")
        for key in ROOT_FOLDERS:
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


def role_named(value: object, where: str) -> Role:
    for role in Role:
        if value in (role.name.lower(), role.value):
            return role
    raise ScenarioError(f"{where}: one of {', '.join(r.name.lower() for r in Role)}, not {value!r}")
