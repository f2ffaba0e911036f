"""Fault injection: planned failures or delays for matching requests, to exercise clients' error paths.

sftp-service retries 429 and 5xx for 465 s (sftp-service.md §6), so these are opt-in and never default.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace

from mock_backend.domain import messages
from mock_backend.domain.errors import DomainError, InvalidInput, NotFound

MAX_DELAY_MS = 60_000


class InjectedFault(DomainError):
    """A planned failure; answered with the fault's own status."""

    default_key = messages.INJECTED_FAULT

    def __init__(self, status: int) -> None:
        self.status = status
        super().__init__(messages.INJECTED_FAULT, f"fault injected by the mock: status {status}")


@dataclass(frozen=True)
class Fault:
    """Answer `status` (or only wait `delay_ms` when status is None) to requests matching method and path."""

    id: int
    path_prefix: str
    method: str | None
    status: int | None
    delay_ms: int
    remaining: int | None  # None: until removed

    def matches(self, method: str, path: str) -> bool:
        """Tell whether a request is hit by this fault."""
        return path.startswith(self.path_prefix) and (self.method is None or self.method == method)


class FaultPlan:
    """The faults of one mock instance; thread-safe, kept in memory (see storage.faults for several processes)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._next_id = 1

    @contextmanager
    def _locked(self, write: bool = True) -> Iterator[None]:
        """Hold the plan while `_faults` and `_next_id` are read or changed (a subclass loads and saves them)."""
        with self._lock:
            yield

    def _nothing_planned(self) -> bool:
        """Tell cheaply, without locking, that no fault is planned (asked on every request)."""
        return not self._faults

    def add(
        self, *, path_prefix: str, method: str | None, status: int | None, delay_ms: int, times: int | None
    ) -> Fault:
        """Plan a fault.

        Raises:
            InvalidInput: a path outside the served prefixes, a status outside 400–599, a negative
                or too long delay, or neither a status nor a delay.
        """
        if not path_prefix.startswith("/") or path_prefix.startswith("/_mock"):
            raise InvalidInput(messages.INVALID_REQUEST, "path must start with / and not with /_mock")
        if status is not None and not 400 <= status <= 599:
            raise InvalidInput(messages.INVALID_REQUEST, "status must be between 400 and 599")
        if not 0 <= delay_ms <= MAX_DELAY_MS:
            raise InvalidInput(messages.INVALID_REQUEST, f"delayMs must be between 0 and {MAX_DELAY_MS}")
        if status is None and delay_ms == 0:
            raise InvalidInput(messages.VALIDATION_EMPTY, "a fault needs a status, a delayMs, or both")
        if times is not None and times < 1:
            raise InvalidInput(messages.INVALID_REQUEST, "times must be at least 1")
        with self._locked():
            fault = Fault(self._next_id, path_prefix, method.upper() if method else None, status, delay_ms, times)
            self._next_id += 1
            self._faults.append(fault)
            return fault

    def take(self, method: str, path: str) -> Fault | None:
        """Return the first fault that hits this request, using up one of its times."""
        if self._nothing_planned():
            return None
        with self._locked():
            for index, fault in enumerate(self._faults):
                if fault.matches(method, path):
                    if fault.remaining is not None:
                        left = fault.remaining - 1
                        if left:
                            self._faults[index] = replace(fault, remaining=left)
                        else:
                            del self._faults[index]
                    return fault
            return None

    def list(self) -> list[Fault]:
        """Return the planned faults."""
        with self._locked(write=False):
            return list(self._faults)

    def remove(self, fault_id: int) -> None:
        """Remove one fault.

        Raises:
            NotFound: no such fault.
        """
        with self._locked():
            kept = [f for f in self._faults if f.id != fault_id]
            if len(kept) == len(self._faults):
                raise NotFound(messages.FAULT_LOOKUP, f"no fault {fault_id}")
            self._faults = kept

    def clear(self) -> None:
        """Remove every fault."""
        with self._locked():
            self._faults.clear()
