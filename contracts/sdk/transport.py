"""The HTTP layer under the client: one httpx.Client, rate limit, exchange hook, status checks."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from types import TracebackType
from typing import Self, TypeVar

import httpx

from contracts.sdk.errors import ValidationError, error_for_status
from contracts.sdk.ratelimit import RateLimiter
from contracts.sdk.wire.errors import error_message
from contracts.sdk.wire.values import decode_json

T = TypeVar("T")

ExchangeHook = Callable[[httpx.Request, httpx.Response, str], None]
"""Called with (request, response, operation) after every exchange, errors included."""

Params = Mapping[str, str] | tuple[tuple[str, str], ...]


def is_success(status: int) -> bool:
    """Any 2xx is success, as in the TS SDK."""
    return 200 <= status <= 299


def json_content(body: object) -> bytes:
    """Encode a request body as compact UTF-8 JSON, like JSON.stringify."""
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def parse(response: httpx.Response, parser: Callable[[object], T]) -> T:
    """Decode a JSON body and parse it, attaching the response to any `ValidationError`."""
    try:
        return parser(decode_json(response.content))
    except ValidationError as exc:
        exc.response = response
        raise


class Transport:
    """Send requests through one httpx.Client and turn refused statuses into `HttpError`s."""

    def __init__(
        self,
        *,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30.0,
        rate_limit: float | None = None,
        on_exchange: ExchangeHook | None = None,
    ) -> None:
        # Redirects are not followed: a 3xx is an undocumented answer and must surface.
        self._client = httpx.Client(transport=transport, timeout=timeout, follow_redirects=False)
        self._limiter = None if rate_limit is None else RateLimiter(rate_limit)
        self.on_exchange = on_exchange

    def close(self) -> None:
        """Close the underlying connection pool."""
        self._client.close()

    def request(
        self,
        operation: str,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        params: Params | None = None,
        content: bytes | Iterable[bytes] | None = None,
        data: Mapping[str, str] | None = None,
        accept: Callable[[int], bool] = is_success,
    ) -> httpx.Response:
        """Send one request and return its read response.

        Raises:
            HttpError: the status is not accepted (the subclass follows the status).
        """
        request = self._client.build_request(method, url, headers=headers, params=params, content=content, data=data)
        response = self._send(request, stream=False)
        self._notify(request, response, operation)
        self._check(response, accept)
        return response

    @contextmanager
    def stream(
        self,
        operation: str,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        accept: Callable[[int], bool] = is_success,
    ) -> Iterator[httpx.Response]:
        """Send one request and yield the response with its body unread.

        The exchange hook runs when the block ends, with a response whose body was streamed.

        Raises:
            HttpError: the status is not accepted (the error body is read first).
        """
        request = self._client.build_request(method, url, headers=headers)
        response = self._send(request, stream=True)
        try:
            if not accept(response.status_code):
                response.read()
                self._notify(request, response, operation)
                self._check(response, accept)
            yield response
        finally:
            response.close()
        self._notify(request, response, operation)

    def _send(self, request: httpx.Request, *, stream: bool) -> httpx.Response:
        """Wait for the rate limiter, then send."""
        if self._limiter is not None:
            self._limiter.wait()
        return self._client.send(request, stream=stream)

    def _notify(self, request: httpx.Request, response: httpx.Response, operation: str) -> None:
        """Hand the exchange to the observer, if any."""
        if self.on_exchange is not None:
            self.on_exchange(request, response, operation)

    @staticmethod
    def _check(response: httpx.Response, accept: Callable[[int], bool]) -> None:
        """Raise the matching `HttpError` unless the status is accepted."""
        if not accept(response.status_code):
            message_key, detail = error_message(response.content)
            raise error_for_status(response, message_key, detail)


class OwnsTransport:
    """What a client owning a `Transport` offers: closing it, `with` blocks, and its exchange observer."""

    _http: Transport

    def close(self) -> None:
        """Close the underlying HTTP client."""
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def on_exchange(self) -> ExchangeHook | None:
        """The observer called with (request, response, operation) after every exchange."""
        return self._http.on_exchange

    @on_exchange.setter
    def on_exchange(self, hook: ExchangeHook | None) -> None:
        self._http.on_exchange = hook
