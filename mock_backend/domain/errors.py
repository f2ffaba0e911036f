"""Domain errors; each carries a message key, and `api.errors` maps its class to an HTTP status.

Tree::

    DomainError
    ├── InvalidInput        bad or missing input
    ├── Unauthenticated     no, bad or expired token
    ├── PermissionDenied    authenticated but not allowed
    ├── NotFound            unknown, deleted or invisible item
    ├── Conflict            duplicate name with failOnDuplicateName
    │   └── Contention      a write lost a race with another writer (retried by Backend)
    └── RangeNotSatisfiable a download range outside the file
"""

from __future__ import annotations

from mock_backend.domain import messages


class DomainError(Exception):
    """Base of every error the domain raises on purpose."""

    default_key: str = messages.INTERNAL

    def __init__(self, key: str | None = None, detail: str = "") -> None:
        self.key = key or self.default_key
        self.detail = detail
        super().__init__(f"{self.key}: {detail}" if detail else self.key)


class InvalidInput(DomainError):
    """The request is malformed, has a wrong type, or misses a required value.

    `refused` marks a well-formed request that a rule turns down: Stela answers those with an http-error
    body (`{"error": {"message": …}}`), and only failed validation with Joi's `{"error": "…"}`.
    """

    default_key = messages.INVALID_REQUEST

    def __init__(self, key: str | None = None, detail: str = "", *, refused: bool = False) -> None:
        super().__init__(key, detail)
        self.refused = refused


class Unauthenticated(DomainError):
    """No valid credentials were presented."""

    default_key = messages.NOT_LOGGED_IN


class SignInRefused(Unauthenticated):
    """A v1 sign-in that did not complete: a wrong password, a wrong code, or a step still due.

    `params` follow the key in the v1 answer's `message` array (`["warning.auth.mfaToken", "email"]`).
    """

    def __init__(self, key: str, detail: str = "", params: tuple[str, ...] = ()) -> None:
        super().__init__(key, detail)
        self.params = params


class PermissionDenied(DomainError):
    """The caller is known but may not do this."""

    default_key = messages.NO_ACTION_PERMISSION


class NotFound(DomainError):
    """The thing does not exist or the caller cannot see it."""

    default_key = messages.UNKNOWN_ROUTE


class Conflict(DomainError):
    """The request clashes with existing state (a duplicate name)."""

    default_key = messages.DUPLICATE_NAME


class Contention(Conflict):
    """Storage refused a write because a concurrent writer got there first (a unique index, a lock).

    Storage raises it; `Backend` retries the whole operation, so a caller sees it only if every retry lost.
    """

    default_key = messages.WRITE_CONFLICT


class RangeNotSatisfiable(DomainError):
    """A byte range lies outside the file."""

    default_key = messages.RANGE_NOT_SATISFIABLE
