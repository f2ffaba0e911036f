"""The import rules of ARCHITECTURE.md, checked on the source with `ast` (nothing is imported to check it)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FLASK = ("flask", "flask_cors", "werkzeug")
#: The modules of mock_backend allowed to import flask: the HTTP layer and what wires or serves an app.
FLASK_ALLOWED = ("mock_backend/api/", "mock_backend/app.py", "mock_backend/server.py", "mock_backend/testing.py")


def _modules(*folders: str) -> list[Path]:
    return sorted(path for folder in folders if (ROOT / folder).is_dir() for path in (ROOT / folder).rglob("*.py"))


def _package_of(path: Path) -> str:
    """Return the package a file belongs to (for __init__.py, the package it defines)."""
    return ".".join(path.relative_to(ROOT).parts[:-1])


def imported_modules(source: str, path: Path) -> set[str]:
    """Return every module `source` (the text of the file at `path`) imports, relative imports resolved."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source, filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = _package_of(path).split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.add(module)
            # `from mock_backend import wire` imports the submodule mock_backend.wire.
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def forbidden_imports(path: Path, forbidden: tuple[str, ...]) -> list[str]:
    """Return the imports of a file that fall under any forbidden module prefix."""
    return sorted(
        name
        for name in imported_modules(path.read_text(encoding="utf-8"), path)
        if any(name == f or name.startswith(f + ".") for f in forbidden)
    )


def _ids(paths: list[Path]) -> list[str]:
    return [str(path.relative_to(ROOT)) for path in paths]


DOMAIN = _modules("mock_backend/domain")
STORAGE = _modules("mock_backend/storage")
WIRE = _modules("mock_backend/wire")
MOCK = _modules("mock_backend")
NOT_FLASK = [p for p in MOCK if not str(p.relative_to(ROOT)).startswith(FLASK_ALLOWED)]
SDK = _modules("contracts/sdk")
#: Every contracts module but targets.py, the one module allowed to build the mock.
CONTRACTS = [p for p in _modules("contracts") if p.relative_to(ROOT) != Path("contracts/targets.py")]


def test_collect_modules_finds_the_layers() -> None:
    """The layers exist where the rules look for them (an empty glob would pass every rule)."""
    assert (bool(DOMAIN), bool(STORAGE), bool(WIRE)) == (True, True, True)


@pytest.mark.parametrize("path", DOMAIN, ids=_ids(DOMAIN))
def test_domain_module_imports_no_framework_or_outer_layer(path: Path) -> None:
    """mock_backend.domain imports neither flask/werkzeug nor mock_backend.wire, .api or .storage."""
    assert forbidden_imports(path, (*FLASK, "mock_backend.wire", "mock_backend.api", "mock_backend.storage")) == []


@pytest.mark.parametrize("path", STORAGE, ids=_ids(STORAGE))
def test_storage_module_imports_no_framework_or_outer_layer(path: Path) -> None:
    """mock_backend.storage imports neither flask nor mock_backend.wire or .api."""
    assert forbidden_imports(path, (*FLASK, "mock_backend.wire", "mock_backend.api")) == []


@pytest.mark.parametrize("path", WIRE, ids=_ids(WIRE))
def test_wire_module_imports_no_flask_api_or_storage(path: Path) -> None:
    """mock_backend.wire works on plain data: no flask/werkzeug, no mock_backend.api or .storage."""
    assert forbidden_imports(path, (*FLASK, "mock_backend.api", "mock_backend.storage")) == []


@pytest.mark.parametrize("path", NOT_FLASK, ids=_ids(NOT_FLASK))
def test_mock_module_outside_http_layer_imports_no_flask(path: Path) -> None:
    """Only mock_backend/api, app.py, server.py and testing.py import flask or werkzeug."""
    assert forbidden_imports(path, FLASK) == []


@pytest.mark.parametrize("path", SDK, ids=_ids(SDK))
def test_sdk_module_imports_neither_mock_nor_flask(path: Path) -> None:
    """contracts.sdk imports neither mock_backend nor flask (it only speaks HTTP)."""
    assert forbidden_imports(path, ("mock_backend", *FLASK)) == []


@pytest.mark.parametrize("path", CONTRACTS, ids=_ids(CONTRACTS))
def test_contracts_module_reaches_mock_only_through_targets(path: Path) -> None:
    """No contracts module imports mock_backend, except contracts/targets.py, which builds the mock."""
    assert forbidden_imports(path, ("mock_backend",)) == []


def test_imported_modules_resolves_relative_imports() -> None:
    """The checker sees through relative imports, so `from ..api import x` cannot dodge a rule."""
    source = "from ..api import support\nfrom . import naming\nimport flask.json\n"
    found = imported_modules(source, ROOT / "mock_backend" / "domain" / "example.py")
    assert {"mock_backend.api.support", "mock_backend.domain.naming", "flask.json"} <= found
