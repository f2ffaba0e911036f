"""The contract and the router agree: every operation is routed, and every route is in the contract."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from tests.openapi_check import checker

_RULE_ARGUMENT = re.compile(r"<(?:[^:<>]+:)?[^<>]+>")
_TEMPLATE_ARGUMENT = re.compile(r"\{[^{}]+\}")
#: Methods werkzeug adds to routes by itself (OPTIONS everywhere, HEAD to every GET).
AUTOMATIC = {"OPTIONS", "HEAD"}
OPERATIONS = sorted((op.method, op.template) for op in checker().operations)


def _shape(path: str) -> str:
    """Return a path with its parameters blanked, so `/x/<int:folder_id>` and `/x/{folderId}` compare equal."""
    return _TEMPLATE_ARGUMENT.sub("{}", _RULE_ARGUMENT.sub("{}", path))


def routed(app: Flask) -> set[tuple[str, str]]:
    """Return (method, shape) for every rule of the app, automatic methods included, static files excluded."""
    return {
        (method, _shape(rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static"
        for method in rule.methods or ()
    }


@pytest.mark.parametrize(("method", "template"), OPERATIONS, ids=[f"{m} {t}" for m, t in OPERATIONS])
def test_spec_operation_is_routed_by_app(app: Flask, method: str, template: str) -> None:
    """Every operation of the contract has a route with that method in the app."""
    assert (method, _shape(template)) in routed(app)


def test_app_route_is_in_spec(app: Flask) -> None:
    """Every route of the app (but static files and werkzeug's automatic OPTIONS/HEAD) is in the contract."""
    documented = {(method, _shape(template)) for method, template in OPERATIONS}
    undocumented = sorted(
        (method, shape)
        for method, shape in routed(app)
        if method not in AUTOMATIC and (method, shape) not in documented
    )
    assert undocumented == []


def test_spec_lists_operations() -> None:
    """The contract is not empty (an empty one would pass the coverage checks)."""
    assert len(OPERATIONS) >= 20
