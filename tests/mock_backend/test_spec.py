"""Tests of mock_backend.spec: loading the contract the mock serves."""

from __future__ import annotations

import json

from mock_backend import spec


def test_load_contract_is_openapi_31() -> None:
    """The contract parses to an OpenAPI 3.1 document with paths."""
    document = spec.load()
    assert (document["openapi"].startswith("3.1."), bool(document["paths"])) == (True, True)


def test_as_json_is_the_loaded_document() -> None:
    """as_json serialises exactly the loaded document."""
    assert json.loads(spec.as_json()) == spec.load()
