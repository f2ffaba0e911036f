"""The differential run: the same Stela reads against two servers, compared by the drift machinery."""

from __future__ import annotations

import httpx

from contracts import differential, drift
from mock_backend import Settings, create_app
from mock_backend.config import Quirks
from mock_backend.domain.seed import DEMO_EMAIL
from mock_backend.testing import mint_token

SECRET = "differential-test-secret"


def _run(candidate: Settings) -> drift.DriftReport:
    """Run the probes against a seeded mock (reference) and a seeded mock with `candidate` settings."""
    reference_app = create_app(Settings(secret_key=SECRET, processing_seconds=0))
    candidate_app = create_app(candidate)
    token = mint_token(reference_app, DEMO_EMAIL)
    mounts = {
        "http://reference": httpx.WSGITransport(app=reference_app),
        "http://candidate": httpx.WSGITransport(app=candidate_app),
    }
    with httpx.Client(mounts=mounts) as client:
        return differential.run("http://reference/api/v2", "http://candidate/api/v2", token, client=client)


def test_probes_cover_both_routes_signed_in_anonymous_and_bad_input() -> None:
    """The probes ask the singular and plural routes, anonymously too, and with inputs Joi refuses."""
    names = {probe.name for probe in differential.probes()}
    assert {
        "folder:13",
        "folders:13:children:2",
        "folders:anonymous",
        "folder:no-brackets",
        "folders:page-size-0",
    } <= names


def test_same_world_answers_without_drift() -> None:
    """Two mocks holding the same world answer every probe alike."""
    report = _run(Settings(secret_key=SECRET, processing_seconds=0))
    assert (report.items, len(differential.probes()) > 50) == ([], True)


def test_changed_behaviour_shows_as_drift() -> None:
    """A candidate that rounds totalPages up is caught on the children pages."""
    report = _run(Settings(secret_key=SECRET, processing_seconds=0, quirks=Quirks(stela_total_pages_round_down=False)))
    assert {(i.kind, i.path) for i in report.unexplained} == {("value_change", "$.pagination.totalPages")}
