"""schemathesis against the v1 envelope's document (openapi/v1.yaml): no input makes a 5xx, every answer conforms.

Signed in with a bearer (no CSRF check applies to it), so generated envelopes reach the actions. Negative data is
sent too, but `negative_data_rejection` is not asked for: in this dialect a malformed VO inside a well-formed
envelope is a business failure, HTTP 200 with `isSuccessful: false`, as the web app needs (openapi/v1.yaml).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
import yaml
from flask import Flask
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import Case, GenerationMode
from schemathesis.checks import CheckFunction, not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from mock_backend import Settings, create_app, spec
from mock_backend.domain.seed import DEMO_EMAIL
from mock_backend.testing import close, mint_token

CHECKS: list[CheckFunction] = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
OPERATIONS = sorted(
    op["post"]["operationId"] for op in yaml.safe_load(spec.V1_PATH.read_text("utf-8"))["paths"].values()
)


@pytest.fixture(scope="module")
def fuzzed() -> Iterator[tuple[Any, str]]:
    """One demo world for the module (the checks are about shapes, not state), its loaded schema and a bearer."""
    app: Flask = create_app(Settings())
    try:
        schema = schemathesis.openapi.from_wsgi("/openapi-v1.json", app, config=schemathesis.Config(seed=20241204))
        yield schema, mint_token(app, DEMO_EMAIL)
    finally:
        close(app)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=lambda m: m.value)
@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_v1_operation_never_fails_the_server_and_conforms(
    fuzzed: tuple[Any, str], operation_id: str, mode: GenerationMode
) -> None:
    """Generated envelopes for every v1 action: never a 5xx, every status documented, every body conforming."""
    schema, token = fuzzed
    operation = schema.find_operation_by_id(operation_id)

    @settings(
        max_examples=8,
        deadline=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Case[Any]) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}
        case.headers.pop("Request-Version", None)
        response = case.call()
        case.validate_response(response, checks=CHECKS)

    run()
