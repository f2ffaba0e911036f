"""Layer 1: the contract a target serves at /openapi.json is valid, and its examples match their schemas."""

from __future__ import annotations

from typing import Any

import pytest

from contracts import specs
from contracts.suite.support import RawHttp


@pytest.fixture
def served_spec(raw: RawHttp) -> dict[str, Any]:
    """The OpenAPI document the target serves (skipped when it serves none, as real staging does not)."""
    response = raw.send("openapi", "GET", raw.target.origin + "/openapi.json")
    if response.status_code != 200:
        pytest.skip(f"the target serves no /openapi.json (HTTP {response.status_code})")
    try:
        document = response.json()
    except ValueError:
        pytest.skip("the target's /openapi.json is not JSON")
    if not isinstance(document, dict) or "openapi" not in document:
        pytest.skip("the target's /openapi.json is not an OpenAPI document")
    return document


def test_served_spec_passes_openapi_spec_validator(served_spec: dict[str, Any]) -> None:
    """openapi-spec-validator accepts the served contract."""
    specs.validate_document(served_spec)


def test_served_spec_examples_match_their_schemas(served_spec: dict[str, Any]) -> None:
    """Every example in the served contract validates against the schema it illustrates."""
    examples = list(specs.iter_examples(served_spec))
    assert examples, "the served contract has no examples to check"
    errors = specs.example_errors(served_spec)
    assert errors == [], f"{len(errors)} example(s) do not match their schema:\n" + "\n".join(errors)


def test_served_spec_declares_every_sdk_operation(served_spec: dict[str, Any]) -> None:
    """The served contract describes every route the SDK calls."""
    missing = specs.SDK_OPERATION_IDS - set(specs.operation_ids(served_spec))
    assert not missing, f"the served contract lacks operations the SDK uses: {sorted(missing)}"
