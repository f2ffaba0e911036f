"""Tests of the HTTP layer in contracts.sdk.transport."""

from __future__ import annotations

import httpx
import pytest

from contracts.sdk.errors import NotFound, UnexpectedStatus, ValidationError
from contracts.sdk.transport import Transport, parse

Exchange = tuple[httpx.Request, httpx.Response, str]


def _transport(response: httpx.Response, seen: list[Exchange]) -> Transport:
    """A Transport answering every request with `response` and recording exchanges."""
    return Transport(
        transport=httpx.MockTransport(lambda request: response),
        on_exchange=lambda request, answer, operation: seen.append((request, answer, operation)),
    )


def test_request_given_error_status_notifies_then_raises_with_message_key() -> None:
    """A refused answer still reaches the hook, then raises with the body's message key."""
    seen: list[Exchange] = []
    answer = httpx.Response(404, json={"message": "error.record.lookup", "detail": "gone"})
    with pytest.raises(NotFound) as caught:
        _transport(answer, seen).request("get_archive_record", "GET", "https://x/api/record/get")
    assert (caught.value.status, caught.value.message_key) == (404, "error.record.lookup")
    assert [operation for _, _, operation in seen] == ["get_archive_record"]


def test_request_given_redirect_raises_unexpected_status_without_following() -> None:
    """A 302 is never followed nor treated as success."""
    answer = httpx.Response(302, headers={"Location": "https://elsewhere/"})
    with pytest.raises(UnexpectedStatus) as caught:
        _transport(answer, []).request("op", "GET", "https://x/")
    assert (caught.value.status, caught.value.message_key) == (302, None)


def test_stream_given_success_notifies_after_the_body_is_consumed() -> None:
    """A streamed exchange reaches the hook once, after the block ends."""
    seen: list[Exchange] = []
    transport = _transport(httpx.Response(200, content=b"abc"), seen)
    with transport.stream("download_to", "GET", "https://x/f") as response:
        assert seen == []
        assert b"".join(response.iter_bytes()) == b"abc"
    assert [operation for _, _, operation in seen] == ["download_to"]


def test_parse_given_invalid_body_attaches_response_to_validation_error() -> None:
    """A ValidationError raised while parsing keeps the raw response."""
    response = httpx.Response(200, content=b"not json")
    with pytest.raises(ValidationError) as caught:
        parse(response, lambda value: value)
    assert caught.value.response is response
