"""The app factory: builds one independent mock (its own database, blobs, secret) per call."""

from __future__ import annotations

import functools
import hashlib
import logging
import random
import re
import secrets
import shutil
import tempfile
import weakref
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from flask import Flask
from flask_cors import CORS

from mock_backend.api import (
    access_log,
    account,
    archive,
    auth,
    blobs,
    control,
    dashboard,
    errors,
    faults,
    folder,
    gate,
    journal,
    jsonio,
    meta,
    record,
    share,
    stela,
    v1,
    world,
)
from mock_backend.api.support import EXTENSION, IdConverter, MockState
from mock_backend.config import Settings
from mock_backend.domain.backend import Backend
from mock_backend.domain.clock import Clock, FrozenClock, SystemClock
from mock_backend.domain.security import Signer
from mock_backend.scenarios import Plan, Progress, Scenario, build, load, plan, substitutions
from mock_backend.storage.blobs import FileBlobStore
from mock_backend.storage.database import Database
from mock_backend.storage.faults import SharedFaultPlan
from mock_backend.storage.journal import Journal
from mock_backend.sweeper import log_sweep

log = logging.getLogger(__name__)

#: Where an app keeps the finalizer that closes its database and blob store (see mock_backend.testing.close).
CLOSE = "permanent_mock_close"
#: The seeded world is built at this instant with this random seed, so it is the same every time.
SEED_TIME = datetime(2024, 1, 2, 15, 4, 5)
SEED_RANDOM = 20240102
#: What create_app returns, named for modules that use an app without importing Flask (the CLI).
MockApp = Flask
_BLUEPRINTS = (account, archive, folder, record, share, stela, auth, blobs, meta, world, journal)


def create_app(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    progress: Callable[[Progress], None] | None = None,
) -> Flask:
    """Build a mock app; `Settings()` gives an ephemeral instance of the demo world.

    `progress` hears how far building the world has come (on a first start only).

    Raises:
        storage.database.SchemaMismatch: the data directory was written by an incompatible version.
        scenarios.ScenarioError: the settings' scenario cannot be read or built.
    """
    settings = settings or Settings()
    scratch: Path | None = None
    if settings.data_dir is None:
        scratch = data_dir = Path(tempfile.mkdtemp(prefix="permanent-mock-"))
    else:
        data_dir = settings.data_dir
        data_dir.mkdir(parents=True, exist_ok=True)

    database = Database(settings.database_url or f"sqlite:///{data_dir / 'mock.sqlite3'}")
    needs_world = database.create_schema()
    # A configured secret of any length is stretched to the 32 bytes HS256 wants (PyJWT warns below that).
    secret = hashlib.sha256(settings.secret_key.encode()).digest() if settings.secret_key else database.secret()
    store = FileBlobStore(data_dir / "blobs", settings.max_upload_bytes)
    signer = Signer(secret)
    backend = Backend(uow=database, blobs=store, settings=settings, clock=clock or SystemClock(), signer=signer)
    if needs_world:
        # Built as a rebuild builds (planned first; only a whole world is marked built), so when planning fails, or
        # the build fails, is stopped (SIGTERM, Ctrl+C) or killed half way, the next start builds the world instead
        # of serving an empty one or the part that was built (which it removes first). Nothing is written on the
        # way out: a stop can land anywhere, even inside the database driver with its lock held.
        try:
            made, _ = rebuild_world(backend, database, load(settings.scenario), progress)
        except BaseException:
            _discard(database, store, scratch)
            raise
        log.info("built the %s world into %s (%d records)", settings.scenario, data_dir, made.records)
    if settings.sweep_at_start:
        log_sweep(backend.sweep(), "at start")

    app = Flask("mock_backend")
    app.config["MAX_CONTENT_LENGTH"] = settings.max_json_bytes
    app.url_map.converters["id"] = IdConverter
    jsonio.install(app)  # orjson; keeps the wire field order (no sorting)
    app.extensions[EXTENSION] = MockState(
        backend=backend,
        settings=settings,
        # In the data directory, so every worker process (and server) on it applies the same plan; the first
        # process of a start clears what an earlier run left planned.
        faults=SharedFaultPlan(data_dir / "faults.json", clear=settings.sweep_at_start),
        control_token=settings.control_token or secrets.token_urlsafe(24),
        rebuild_world=functools.partial(rebuild_world, backend, database),
        journal=_journal(data_dir, settings),
    )
    # An ephemeral instance's files go when the app is garbage-collected or the process exits, or when
    # `mock_backend.testing.close(app)` runs this finalizer earlier.
    app.extensions[CLOSE] = weakref.finalize(app, _discard, database, store, scratch)
    CORS(
        app,
        # The mock's own control routes get no CORS headers: a page of another origin cannot read them, and
        # its JSON writes need a preflight that fails (see api.control).
        resources=[re.compile(r"^/(?!_mock/)")],
        origins=[re.compile(pattern) for pattern in settings.cors_origins],
        allow_headers=[
            "Authorization",
            "Content-Type",
            "Request-Version",
            "Range",
            "X-Permanent-Share-Token",
        ],
        expose_headers=["Content-Range", "Content-Length", "Content-Disposition", "ETag"],
        max_age=600,
    )
    for module in _BLUEPRINTS:
        app.register_blueprint(module.bp)
    errors.register(app)
    access_log.register(app)
    journal.register(app)  # after the access log's before_request has started the clock
    faults.register(app)
    control.register(app)
    dashboard.register(app)
    gate.register(app)  # a planned delay sleeps before it, not while holding it
    v1.register(app)  # last: v1 calls are answered before routing, after every hook above has run
    app.wsgi_app = _sharing_reads(app.wsgi_app, database)  # type: ignore[method-assign,assignment]
    return app


def _sharing_reads(wsgi_app: WSGIApplication, database: Database) -> WSGIApplication:
    """Wrap a WSGI app so that the reads of each request share one database connection (Database.sharing_reads)."""

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Any:
        with database.sharing_reads():
            return wsgi_app(environ, start_response)

    return app


def build_world(
    backend: Backend, scenario: Scenario | Plan, progress: Callable[[Progress], None] | None = None
) -> Progress:
    """Build a scenario at the seed instant with the seed randomness, so a world is the same every time.

    Raises:
        scenarios.ScenarioError: a scenario (not yet planned) that cannot be planned; nothing is built then.
    """
    seeder = backend.for_seeding(FrozenClock(SEED_TIME), random.Random(SEED_RANDOM))
    return build(seeder, scenario, substitutions=substitutions(backend.settings), progress=progress)


def rebuild_world(
    backend: Backend, database: Database, scenario: Scenario, progress: Callable[[Progress], None] | None = None
) -> tuple[Progress, int]:
    """Replace the whole world by a scenario; return what was built and how many stored blobs went.

    The scenario is planned first, so one that cannot be built (a name the mock refuses, an unknown placeholder)
    raises before anything is removed. While the new world is being built the database is not marked as holding
    one, so a start after a rebuild that was cut short builds the configured world instead of serving the part.

    Raises:
        scenarios.ScenarioError: the scenario cannot be planned; the world is as it was.
    """
    planned = plan(scenario, substitutions(backend.settings))
    database.forget_world()
    removed = backend.wipe()
    made = build_world(backend, planned, progress)
    database.mark_world_built()
    return made, removed


def _journal(data_dir: Path, settings: Settings) -> Journal | None:
    """Open the data directory's request journal; the first process of a start forgets an earlier run's."""
    if settings.journal_size <= 0:
        return None
    journal = Journal(data_dir / "journal.sqlite3", settings.journal_size)
    if settings.sweep_at_start:
        journal.clear()
    return journal


def _discard(database: Database, store: FileBlobStore, scratch: Path | None) -> None:
    """Release an app's database connections and blob store; remove its temporary directory, if it has one."""
    database.dispose()
    store.close()
    if scratch is not None:
        shutil.rmtree(scratch, ignore_errors=True)
