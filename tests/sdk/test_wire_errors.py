"""Tests of error-body extraction in contracts.sdk.wire.errors."""

from __future__ import annotations

import pytest

from contracts.sdk.wire.errors import error_message


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'{"message":"error.folder.lookup","detail":"No such folder."}', ("error.folder.lookup", "No such folder.")),
        (b'{"message":"warning.auth.token_expired"}', ("warning.auth.token_expired", None)),
        (b'{"error":"\\"pageSize\\" is required"}', ('"pageSize" is required', None)),
        (b'{"error":{"message":"Folder not found"}}', ("Folder not found", None)),
        (b'{"error":"invalid_grant","error_description":"bad"}', ("invalid_grant", "bad")),
        (
            b'{"fieldErrors":{"applicationId":[{"code":"[invalid]applicationId","message":"no"}]}}',
            ("[invalid]applicationId", "no"),
        ),
        (b"", (None, None)),
        (b"<html>oops</html>", (None, None)),
        (b"[1]", (None, None)),
        (b'{"other":1}', (None, None)),
    ],
    ids=[
        "php-key-detail",
        "php-key-only",
        "stela-string",
        "stela-object",
        "oauth",
        "fusionauth-field-errors",
        "empty",
        "html",
        "array",
        "unknown-object",
    ],
)
def test_error_message_given_body_returns_key_and_detail(body: bytes, expected: tuple[str | None, str | None]) -> None:
    """PHP, Stela, OAuth and FusionAuth error bodies yield their key and detail."""
    assert error_message(body) == expected
