"""Fault injection over HTTP: plan failures or delays (`/_mock/faults`) and apply them to requests."""

from __future__ import annotations

import time

from flask import Blueprint, Flask, Response, request

from mock_backend.api.support import body, ok, ok_empty, state
from mock_backend.domain.faults import InjectedFault
from mock_backend.wire import inputs, mock

bp = Blueprint("faults", __name__, url_prefix="/_mock/faults")


@bp.get("")
def list_faults() -> Response:
    """The planned faults."""
    return ok(mock.faults(state().faults.list()))


@bp.post("")
def add_fault() -> Response:
    """Plan a fault: `{"path": "/api/folder/post", "method": "POST", "status": 503, "times": 1, "delayMs": 0}`."""
    data = body()
    fault = state().faults.add(
        path_prefix=inputs.required_text(data, "path"),
        method=inputs.optional_text(data, "method"),
        status=inputs.optional_int(data, "status", minimum=0),
        delay_ms=inputs.optional_int(data, "delayMs", minimum=0) or 0,
        times=inputs.optional_int(data, "times", minimum=0),
    )
    return ok(mock.fault(fault))


@bp.delete("")
def clear_faults() -> Response:
    """Remove every fault."""
    state().faults.clear()
    return ok_empty()


@bp.delete("/<id:fault_id>")
def remove_fault(fault_id: int) -> Response:
    """Remove one fault."""
    state().faults.remove(fault_id)
    return ok_empty()


def _apply() -> None:
    """Delay or fail a request a planned fault matches; mock-only routes and preflights are exempt."""
    path = request.path
    if request.method == "OPTIONS" or path.startswith("/_mock") or path == "/openapi.json":
        return
    fault = state().faults.take(request.method, path)
    if fault is None:
        return
    if fault.delay_ms:
        time.sleep(fault.delay_ms / 1000)
    if fault.status is not None:
        raise InjectedFault(fault.status)


def register(app: Flask) -> None:
    """Install the fault routes and the hook that applies faults."""
    app.register_blueprint(bp)
    app.before_request(_apply)
