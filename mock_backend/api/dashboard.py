"""The dashboard at /_mock/: server-rendered pages of the world, the request journal, the deletion audit and docs.

No build step and nothing fetched from elsewhere: Jinja templates beside this module, one stylesheet and one
script of our own, and Swagger UI from the flask-swagger-ui package for both OpenAPI documents. Like every
`/_mock/` route it is open on loopback and needs the control token beyond; its pages may not be framed, so
another site cannot trick a click on "reset".
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from datetime import timedelta
from typing import Any

from flask import Blueprint, Flask, Response, redirect, render_template, request, url_for
from flask_swagger_ui import get_swaggerui_blueprint
from werkzeug.wrappers import Response as WerkzeugResponse

from mock_backend import scenarios
from mock_backend.api.control import COOKIE, LOGIN
from mock_backend.api.errors import status_of
from mock_backend.api.journal import entries_with_verdicts
from mock_backend.api.support import backend, state
from mock_backend.config import Quirks
from mock_backend.domain.backend import same_secret
from mock_backend.domain.errors import DomainError
from mock_backend.domain.models import Deletion, Folder
from mock_backend.wire import inputs

bp = Blueprint(
    "dashboard", __name__, template_folder="templates", static_folder="static", static_url_path="/_mock/static"
)

#: Days after its creation within which a deletion counts as "soon" in the audit view (member-success staff
#: asked how much people delete within days of uploading, before deletes became hard deletes).
SOON_DAYS = 3
_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-inline'; frame-ancestors 'none'"
)


@bp.errorhandler(DomainError)
def _error_page(error: DomainError) -> tuple[str, int]:
    """An unknown folder or a malformed filter on a page a person reads: an HTML page, with the key and status."""
    status = status_of(error)
    return render_template("dashboard/error.html", status=status, key=error.key, detail=error.detail), status


@bp.after_request
def _no_framing(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = _CSP
    response.headers["X-Frame-Options"] = "DENY"
    return response


@bp.get(LOGIN)
def login_form() -> str:
    """The sign-in page for a mock that listens beyond loopback: it asks for the control token once."""
    return render_template("dashboard/login.html", failed=False)


@bp.post(LOGIN)
def login() -> WerkzeugResponse | tuple[str, int]:
    """Check the control token typed in; keep it in a cookie only this mock's pages send back."""
    if not same_secret(request.form.get("token", ""), state().control_token):
        return render_template("dashboard/login.html", failed=True), 401
    answer = redirect(url_for("dashboard.overview"), code=303)
    answer.set_cookie(
        COOKIE, state().control_token, httponly=True, samesite="Strict", path="/_mock/", secure=request.is_secure
    )
    return answer


@bp.get("/_mock/")
def overview() -> str:
    """Accounts with their archives and roles, scenarios and reset, planned faults, quirks and settings."""
    accounts = [(a, backend().get_all_archives(a)) for a in backend().accounts()]
    settings = state().settings
    quirks = [(name, getattr(settings.quirks, name)) for name in Quirks.names()]
    shown = {
        f.name: getattr(settings, f.name)
        for f in dataclasses.fields(settings)
        if f.name not in ("quirks", "secret_key", "control_token", "fusionauth_client_secret", "demo_password")
    }
    return render_template(
        "dashboard/overview.html",
        accounts=accounts,
        scenarios=[scenarios.load(name) for name in scenarios.names()],
        faults=state().faults.list(),
        quirks=quirks,
        settings=shown,
    )


@bp.get("/_mock/archives/<id:archive_id>")
def archive_view(archive_id: int) -> WerkzeugResponse:
    """An archive: its root folder's page."""
    return redirect(url_for("dashboard.folder_view", folder_id=backend().archive_root(archive_id).id))


@bp.get("/_mock/folders/<id:folder_id>")
def folder_view(folder_id: int) -> str:
    """A folder: where it is, and its children with types, sizes and dates."""
    folder, chain, children = backend().browse(folder_id)
    rows = sorted(((c, isinstance(c, Folder)) for c in children), key=lambda r: (not r[1], r[0].display_name.lower()))
    return render_template("dashboard/folder.html", folder=folder, chain=chain, children=rows)


@bp.get("/_mock/journal")
def journal_view() -> str:
    """The request journal with the contract's verdicts (the same filters as GET /_mock/requests)."""
    items, size = entries_with_verdicts(request.args)
    return render_template("dashboard/journal.html", items=items, size=size, args=request.args)


@bp.get("/_mock/audit")
def audit_view() -> str:
    """The deletion audit: per account and week, how much was deleted, and how much of it soon after upload."""
    days = inputs.integer(request.args.get("days", str(SOON_DAYS)), "days", minimum=0)
    entries = backend().deletions(None, 10_000)
    emails = {a.id: a.email for a in backend().accounts()}
    return render_template(
        "dashboard/audit.html",
        weeks=_weeks(entries, days),
        entries=entries[:200],
        emails=emails,
        days=days,
    )


def _weeks(entries: list[Deletion], days: int) -> list[dict[str, Any]]:
    """Group deletions by account and ISO week of deletion; count those deleted within `days` of creation."""
    groups: dict[tuple[int, str], dict[str, Any]] = defaultdict(
        lambda: {"deleted": 0, "soon": 0, "unknown": 0, "bytes": 0}
    )
    for entry in entries:
        year, week, _ = entry.deleted_at.isocalendar()
        group = groups[(entry.account_id, f"{year}-W{week:02d}")]
        group["deleted"] += 1
        group["bytes"] += entry.size
        if entry.item_created_at is None:
            group["unknown"] += 1
        elif entry.deleted_at - entry.item_created_at <= timedelta(days=days):
            group["soon"] += 1
    return [
        {"account_id": account_id, "week": week, **counts}
        for (account_id, week), counts in sorted(groups.items(), key=lambda kv: (kv[0][1], kv[0][0]), reverse=True)
    ]


def register(app: Flask) -> None:
    """Add the dashboard and the docs page (Swagger UI for Permanent's contract and the control plane)."""
    app.register_blueprint(bp)
    docs = get_swaggerui_blueprint(
        "/_mock/docs",
        "/openapi.json",
        config={
            "app_name": "permanent-mock API docs",
            "urls": [
                {"url": "/openapi.json", "name": "Permanent (the contract)"},
                {"url": "/openapi-v1.json", "name": "Permanent v1 envelope (the web app)"},
                {"url": "/_mock/openapi.json", "name": "permanent-mock control plane"},
            ],
        },
        blueprint_name="docs",
    )
    docs.after_request(_no_framing)
    app.register_blueprint(docs)
