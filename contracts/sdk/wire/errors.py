"""Extraction of a message key and detail from PHP, Stela and FusionAuth error bodies."""

from __future__ import annotations

import json


def error_message(content: bytes) -> tuple[str | None, str | None]:
    """Return (message key or text, detail) from an error body; (None, None) if unrecognised.

    Recognised shapes: PHP `{"message": key, "detail": text}`, Stela `{"error": text}` and
    `{"error": {"message": text}}`, OAuth `{"error": code, "error_description": text}` and
    FusionAuth `{"fieldErrors"|"generalErrors": ...}` with `{code, message}` entries.
    """
    try:
        body = json.loads(content)
    except ValueError:
        return None, None
    if not isinstance(body, dict):
        return None, None
    message, error = body.get("message"), body.get("error")
    if isinstance(message, str):
        return message, _text(body.get("detail"))
    if isinstance(error, str):
        return error, _text(body.get("error_description"))
    if isinstance(error, dict) and isinstance(error.get("message"), str):
        return error["message"], None
    return _fusionauth_error(body)


def _text(value: object) -> str | None:
    """Return a string value, or None for anything else."""
    return value if isinstance(value, str) else None


def _fusionauth_error(body: dict[str, object]) -> tuple[str | None, str | None]:
    """Return the first `{code, message}` of FusionAuth's generalErrors or fieldErrors."""
    general = body.get("generalErrors")
    entries: list[object] = list(general) if isinstance(general, list) else []
    fields = body.get("fieldErrors")
    if isinstance(fields, dict):
        for field_errors in fields.values():
            if isinstance(field_errors, list):
                entries.extend(field_errors)
    for entry in entries:
        if isinstance(entry, dict) and isinstance(entry.get("code"), str):
            return entry["code"], _text(entry.get("message"))
    return None, None
