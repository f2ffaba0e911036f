"""Errors raised by the SDK; every one keeps the raw `httpx.Response` it came from.

    PermanentError
     ├── HttpError                  non-2xx answer: .status, .message_key, .detail, .response
     │    ├── BadRequest            400
     │    ├── Unauthorized          401
     │    │    └── NotSignedIn      401 from a v1 call: no signed-in session or bearer (.message_key from Results)
     │    ├── Forbidden             403
     │    ├── NotFound              404
     │    ├── MethodNotAllowed      405
     │    ├── Conflict              409
     │    ├── PayloadTooLarge       413
     │    ├── RangeNotSatisfiable   416
     │    ├── ServerError           5xx
     │    └── UnexpectedStatus      any other status (302, 418, 429, ...) or a success code the
     │                              call does not accept (e.g. 204 for a download)
     ├── ValidationError            2xx whose body is not the expected shape: .path, .response
     ├── V1Failure                  a v1 item refused with HTTP 200 and isSuccessful false: .message_key,
     │                              .params, .detail, .index, .response
     ├── FolderNotFound             Stela answered {"items": []} for a folder id: .folder_id
     └── AuthError                  FusionAuth refused a login or a token refresh: .status, .error

Network failures are not wrapped: they surface as `httpx.TransportError`. Misuse of the SDK
(a negative range, a naive datetime) raises `ValueError`.
"""

from __future__ import annotations

import httpx


class PermanentError(Exception):
    """Base of every error the SDK raises about an answer it received."""

    response: httpx.Response | None

    def __init__(self, message: str, response: httpx.Response | None = None) -> None:
        super().__init__(message)
        self.response = response


class HttpError(PermanentError):
    """A PHP, Stela, blob-host or download answer with a non-success status."""

    response: httpx.Response

    def __init__(
        self,
        status: int,
        message_key: str | None,
        detail: str | None,
        response: httpx.Response,
    ) -> None:
        text = f"HTTP {status}"
        if message_key:
            text += f" {message_key}"
        if detail:
            text += f": {detail}"
        super().__init__(text, response)
        self.status = status
        self.message_key = message_key
        self.detail = detail


class BadRequest(HttpError):
    """400: invalid input (`error.api.invalid_request`, `warning.validation.empty`, ...)."""


class Unauthorized(HttpError):
    """401: missing, invalid or expired bearer token."""


class NotSignedIn(Unauthorized):
    """401 from a v1 call: it needs a signed-in session (or a bearer) and has none (the web app then signs out)."""


class Forbidden(HttpError):
    """403: authenticated but not allowed, or a tampered/expired signed URL."""


class NotFound(HttpError):
    """404: unknown id or an item the caller cannot see."""


class MethodNotAllowed(HttpError):
    """405: the route exists but not for this method."""


class Conflict(HttpError):
    """409: duplicate name with `fail_on_duplicate_name=True`."""


class PayloadTooLarge(HttpError):
    """413: the request body is too large."""


class RangeNotSatisfiable(HttpError):
    """416: the requested byte range lies outside the file."""


class ServerError(HttpError):
    """5xx: the server failed."""


class UnexpectedStatus(HttpError):
    """A status the contract does not document for this call; never treated as success."""


class ValidationError(PermanentError):
    """A success answer whose body is not the shape the call expects."""

    def __init__(self, message: str, *, path: str = "", response: httpx.Response | None = None) -> None:
        super().__init__(f"{path}: {message}" if path else message, response)
        self.path = path
        self.reason = message


class V1Failure(PermanentError):
    """A v1 item the server refused as a business failure: HTTP 200, `isSuccessful: false`, the key first.

    `index` is the item's place in the batch; `params` are the message's elements after the key
    (`["warning.auth.mfaToken", "email"]` gives `("email",)`); `detail` is the mock's sentence, if any.
    """

    response: httpx.Response

    def __init__(
        self,
        message_key: str,
        params: tuple[str, ...],
        detail: str | None,
        response: httpx.Response,
        index: int = 0,
    ) -> None:
        text = f"v1 item {index} failed: {message_key}"
        if params:
            text += f" {list(params)}"
        if detail:
            text += f": {detail}"
        super().__init__(text, response)
        self.message_key = message_key
        self.params = params
        self.detail = detail
        self.index = index


class FolderNotFound(PermanentError):
    """Stela returned no folder for the id (the TS SDK's "Folder not found")."""

    response: httpx.Response

    def __init__(self, folder_id: int, response: httpx.Response) -> None:
        super().__init__(f"Folder not found: {folder_id}", response)
        self.folder_id = folder_id


class AuthError(PermanentError):
    """FusionAuth refused a login or a token refresh, or answered without a token."""

    response: httpx.Response

    def __init__(self, message: str, response: httpx.Response, error: str | None = None) -> None:
        super().__init__(message, response)
        self.status = response.status_code
        self.error = error


_BY_STATUS: dict[int, type[HttpError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    405: MethodNotAllowed,
    409: Conflict,
    413: PayloadTooLarge,
    416: RangeNotSatisfiable,
}


def error_for_status(response: httpx.Response, message_key: str | None, detail: str | None) -> HttpError:
    """Build the `HttpError` subclass that matches the response status."""
    status = response.status_code
    cls = _BY_STATUS.get(status)
    if cls is None:
        cls = ServerError if 500 <= status <= 599 else UnexpectedStatus
    return cls(status, message_key, detail, response)
