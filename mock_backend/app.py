"""The app factory: builds one independent mock (its own database, blobs, secret) per call."""

from __future__ import annotations

import hashlib
import logging
import random
import re
import secrets
import shutil
import tempfile
import weakref
from datetime import datetime
from pathlib import Path

from flask import Flask
from flask_cors import CORS

from mock_backend import spec
from mock_backend.api import (
    access_log,
    account,
    archive,
    auth,
    blobs,
    control,
    errors,
    faults,
    folder,
    gate,
    jsonio,
    meta,
    record,
    share,
    stela,
)
from mock_backend.api.support import EXTENSION, IdConverter, MockState
from mock_backend.config import Settings
from mock_backend.domain.backend import Backend
from mock_backend.domain.clock import Clock, FrozenClock, SystemClock
from mock_backend.domain.security import Signer
from mock_backend.domain.seed import seed
from mock_backend.storage.blobs import FileBlobStore
from mock_backend.storage.database import Database
from mock_backend.storage.faults import SharedFaultPlan
from mock_backend.sweeper import log_sweep

log = logging.getLogger(__name__)

#: Where an app keeps the finalizer that closes its database and blob store (see mock_backend.testing.close).
CLOSE = "permanent_mock_close"
#: The seeded world is built at this instant with this random seed, so it is the same every time.
SEED_TIME = datetime(2024, 1, 2, 15, 4, 5)
SEED_RANDOM = 20240102
_BLUEPRINTS = (account, archive, folder, record, share, stela, auth, blobs, meta)


def create_app(settings: Settings | None = None, *, clock: Clock | None = None) -> Flask:
    """Build a mock app; `Settings()` gives an ephemeral, seeded instance.

    Raises:
        storage.database.SchemaMismatch: the data directory was written by an incompatible version.
    """
    settings = settings or Settings()
    scratch: Path | None = None
    if settings.data_dir is None:
        scratch = data_dir = Path(tempfile.mkdtemp(prefix="permanent-mock-"))
    else:
        data_dir = settings.data_dir
        data_dir.mkdir(parents=True, exist_ok=True)

    database = Database(settings.database_url or f"sqlite:///{data_dir / 'mock.sqlite3'}")
    empty = database.create_schema()
    # A configured secret of any length is stretched to the 32 bytes HS256 wants (PyJWT warns below that).
    secret = hashlib.sha256(settings.secret_key.encode()).digest() if settings.secret_key else database.secret()
    store = FileBlobStore(data_dir / "blobs", settings.max_upload_bytes)
    signer = Signer(secret)
    backend = Backend(uow=database, blobs=store, settings=settings, clock=clock or SystemClock(), signer=signer)
    if empty and settings.seed:
        seeder = Backend(
            uow=database,
            blobs=store,
            settings=settings,
            clock=FrozenClock(SEED_TIME),
            signer=signer,
            rng=random.Random(SEED_RANDOM),
        )
        seed(seeder)
        log.info("seeded the demo world into %s", data_dir)
    if settings.sweep_at_start:
        log_sweep(backend.sweep(), "at start")

    app = Flask("mock_backend")
    app.config["MAX_CONTENT_LENGTH"] = settings.max_json_bytes
    app.url_map.converters["id"] = IdConverter
    jsonio.install(app)  # orjson; keeps the wire field order (no sorting)
    app.extensions[EXTENSION] = MockState(
        backend=backend,
        settings=settings,
        spec_json=spec.as_json(),
        # In the data directory, so every worker process (and server) on it applies the same plan; the first
        # process of a start clears what an earlier run left planned.
        faults=SharedFaultPlan(data_dir / "faults.json", clear=settings.sweep_at_start),
        control_token=settings.control_token or secrets.token_urlsafe(24),
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
    faults.register(app)
    control.register(app)
    gate.register(app)  # last: a planned delay sleeps before it, not while holding it
    return app


def _discard(database: Database, store: FileBlobStore, scratch: Path | None) -> None:
    """Release an app's database connections and blob store; remove its temporary directory, if it has one."""
    database.dispose()
    store.close()
    if scratch is not None:
        shutil.rmtree(scratch, ignore_errors=True)
