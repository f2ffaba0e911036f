"""Checks that the SDK stays independent of the mock (no mock_backend or flask imports)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import contracts.sdk

SDK_DIR = Path(contracts.sdk.__file__).parent
FORBIDDEN = ("mock_backend", "flask", "werkzeug")


def _imported_modules(path: Path) -> set[str]:
    """The top-level names of every module a source file imports."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", sorted(SDK_DIR.rglob("*.py")), ids=lambda path: str(path.relative_to(SDK_DIR)))
def test_sdk_module_given_source_imports_neither_mock_nor_flask(path: Path) -> None:
    """No SDK module imports mock_backend, flask or werkzeug."""
    assert _imported_modules(path).isdisjoint(FORBIDDEN)
