"""Tests of the exception tree in contracts.sdk.errors."""

from __future__ import annotations

import httpx
import pytest

from contracts.sdk import errors


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (400, errors.BadRequest),
        (401, errors.Unauthorized),
        (403, errors.Forbidden),
        (404, errors.NotFound),
        (405, errors.MethodNotAllowed),
        (409, errors.Conflict),
        (413, errors.PayloadTooLarge),
        (416, errors.RangeNotSatisfiable),
        (500, errors.ServerError),
        (503, errors.ServerError),
        (204, errors.UnexpectedStatus),
        (302, errors.UnexpectedStatus),
        (418, errors.UnexpectedStatus),
        (429, errors.UnexpectedStatus),
    ],
    ids=lambda value: str(value) if isinstance(value, int) else value.__name__,
)
def test_error_for_status_given_status_returns_matching_class(status: int, expected: type[errors.HttpError]) -> None:
    """Each status maps to its HttpError subclass, keeping status, key, detail and response."""
    response = httpx.Response(status)
    error = errors.error_for_status(response, "error.x", "detail")
    assert type(error) is expected
    assert (error.status, error.message_key, error.detail) == (status, "error.x", "detail")
    assert error.response is response


def test_http_error_str_given_key_and_detail_names_both() -> None:
    """The message reads status, key and detail."""
    error = errors.NotFound(404, "error.folder.lookup", "No such folder.", httpx.Response(404))
    assert str(error) == "HTTP 404 error.folder.lookup: No such folder."


@pytest.mark.parametrize(
    "cls",
    [
        errors.HttpError,
        errors.UnexpectedStatus,
        errors.ValidationError,
        errors.FolderNotFound,
        errors.AuthError,
    ],
    ids=lambda cls: cls.__name__,
)
def test_error_classes_given_any_inherit_permanent_error(cls: type[Exception]) -> None:
    """Every SDK error can be caught as PermanentError."""
    assert issubclass(cls, errors.PermanentError)


def test_validation_error_str_given_path_prefixes_it() -> None:
    """A ValidationError names the path of the bad value."""
    error = errors.ValidationError("required key is missing", path="$.recordId")
    assert str(error) == "$.recordId: required key is missing"
    assert error.response is None
