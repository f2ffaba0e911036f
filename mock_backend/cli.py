"""The `permanent-mock` command: start the mock and print everything a client needs to reach it."""

from __future__ import annotations

import atexit
import ipaddress
import logging
import os
import re
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

import click
from click.decorators import FC
from sqlalchemy.orm import Session

from mock_backend import neighbours, scenarios, testing
from mock_backend.app import MockApp, create_app
from mock_backend.config import Quirks, Settings
from mock_backend.domain.errors import DomainError
from mock_backend.domain.seed import DEMO_EMAIL, DEMO_PASSWORD
from mock_backend.logs import configure_logging
from mock_backend.server import (
    STOP_GRACE_SECONDS,
    STOP_SIGNALS,
    bound_url,
    bound_url_of,
    free_port,
    freeze_start_up_objects,
    ignored_at_start,
    make_server,
    serve_with_granian,
)
from mock_backend.storage.database import Database, SchemaMismatch
from mock_backend.storage.export import STELA_SQL, stela_sql
from mock_backend.sweeper import Sweeper
from mock_backend.testing import mint_token

DEFAULT_DATA_DIR = ".permanent-mock"
#: Worker processes by default: every core serves (measured: 2 workers ≈ 1.5× one on 2 cores), each costing
#: ~60 MB, so at most 4.
DEFAULT_WORKERS = max(1, min(4, os.cpu_count() or 1))
#: The token printed at start-up lives a day, so it survives a working session.
PRINTED_TOKEN_TTL = 24 * 3600


def _origin(value: str) -> str:
    """Read a browser origin (`scheme://host[:port]`, nothing after it), as browsers send it in `Origin`."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/") or parts.query:
        raise click.BadParameter(
            f"{value!r} is not an origin like https://ng.permanent.org:4200", param_hint="--web-app-origin"
        )
    return f"{parts.scheme}://{parts.netloc.lower()}"


def _parse_quirks(values: tuple[str, ...]) -> dict[str, bool]:
    switches: dict[str, bool] = {}
    for value in values:
        name, _, state = value.partition("=")
        if state.lower() not in ("on", "off", "true", "false", "1", "0"):
            raise click.BadParameter(f"{value!r}: use NAME=on or NAME=off", param_hint="--quirk")
        switches[name.strip()] = state.lower() in ("on", "true", "1")
    return switches


def is_loopback(host: str) -> bool:
    """Tell whether a listen address is reachable only from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to any interface


def sftp_environment(base: str, settings: Settings) -> dict[str, str]:
    """Return the environment that points PermanentOrg/sftp-service at a mock served at `base`."""
    return {
        "FUSION_AUTH_HOST": f"{base}/fusionauth",
        "FUSION_AUTH_KEY": settings.fusionauth_api_key,
        "FUSION_AUTH_SFTP_CLIENT_ID": settings.fusionauth_client_id,
        "FUSION_AUTH_SFTP_CLIENT_SECRET": settings.fusionauth_client_secret,
        "PERMANENT_API_BASE_PATH": f"{base}/api",
        "STELA_API_BASE_PATH": f"{base}/api/v2",
    }


def banner(
    base: str,
    settings: Settings,
    token: str,
    control_token: str = "",
    login: str | None = None,
    others: list[dict[str, object]] | None = None,
) -> str:
    """Return the start-up text: URLs, the login, a token, the SFTP environment block, the quirks."""
    quirks = ", ".join(f"{name}={'on' if getattr(settings.quirks, name) else 'off'}" for name in Quirks.names())
    storage = f"data directory {settings.data_dir}" if settings.data_dir else "ephemeral (nothing is kept)"
    control_scope = "every /_mock/ route" if settings.control_token_required else "other accounts' deletions"
    exports = "\n".join(f"export {name}={value}" for name, value in sftp_environment(base, settings).items())
    if login is None:
        who = "No accounts yet: POST /_mock/accounts adds one, POST /_mock/reset builds a scenario."
    elif login.lower() == settings.demo_email.lower():
        who = f"Demo login: {settings.demo_email} / {settings.demo_password}"
    else:
        who = f"Login: {login} (its password is in the scenario file)"
    shared = "".join(
        f"Note: another server (pid {o['pid']}, {o.get('url', '?')}) already serves this data directory; both see and "
        "change the same world.\n"
        for o in others or []
    )
    return f"""\
permanent-mock is serving on {base}  ({storage})
{shared}
  PHP API (SDK baseUrl)        {base}/api
  Stela API (SDK stelaBaseUrl) {base}/api/v2
  FusionAuth                   {base}/fusionauth
  Dashboard                    {base}/_mock/
  OpenAPI contract             {base}/openapi.json
  Web app v1 envelope          {base}/openapi-v1.json  (its dev proxy sends /api here)
  Control plane (its contract) {base}/_mock/openapi.json
  Deletion audit log           {base}/_mock/deletions  (with the bearer token below)
  Control token                X-Mock-Control-Token: {control_token}  (needed for {control_scope})

{who}
Bearer token for {login or "nobody"} (valid {PRINTED_TOKEN_TTL // 3600} h):
  {token}

Environment for PermanentOrg/sftp-service (add SSH_HOST_KEY_PATH and SSH_PORT):
{exports}

Quirks: {quirks}
Press Ctrl+C to stop.
"""


def _seconds_option(name: str, default: float, help_text: str) -> Callable[[FC], FC]:
    """A non-negative number of seconds, shown with its default."""
    return click.option(name, default=default, show_default=True, type=click.FloatRange(0), help=help_text)


def _data_dir_option(help_text: str) -> Callable[[FC], FC]:
    """The --data-dir option of serve and seed ($PERMANENT_MOCK_DATA_DIR, else .permanent-mock)."""
    return click.option(
        "--data-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=lambda: os.environ.get("PERMANENT_MOCK_DATA_DIR", DEFAULT_DATA_DIR),
        show_default=f"$PERMANENT_MOCK_DATA_DIR or {DEFAULT_DATA_DIR}",
        help=help_text,
    )


def _scenario_option(what: str) -> Callable[[FC], FC]:
    """The --scenario option of serve and seed."""
    return click.option(
        "--scenario",
        default="demo",
        show_default=True,
        metavar="NAME|FILE",
        help=f"{what}: {', '.join(scenarios.names())}, or a scenario YAML file.",
    )


@click.group()
@click.version_option(package_name="permanent-mock")
def main() -> None:
    """A stateful local stand-in for Permanent.org's backend."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="0 picks a free port.",
)
@_data_dir_option("Where state and file bytes are kept between restarts.")
@click.option("--ephemeral", is_flag=True, help="Keep everything in a temporary directory, removed on exit.")
@click.option(
    "--database-url",
    envvar="PERMANENT_MOCK_DATABASE_URL",
    show_envvar=True,
    help="SQLAlchemy URL, e.g. postgresql+psycopg://…",
)
@_scenario_option("The world built on first start")
@click.option("--no-seed", is_flag=True, help="Start with no accounts (the same as --scenario empty).")
@click.option("--quirk", "quirks", multiple=True, metavar="NAME=on|off", help="Switch a quirk (repeatable).")
@click.option("--access-token-ttl", default=3600, show_default=True, type=click.IntRange(1), help="Seconds.")
@click.option(
    "--download-url-ttl",
    default=7 * 24 * 3600,
    show_default=True,
    type=click.IntRange(1),
    help="Seconds.",
)
@_seconds_option("--processing-seconds", 2.0, "Simulated processing time.")
@click.option(
    "--cors-origin",
    "cors_origins",
    multiple=True,
    metavar="REGEX",
    help="Allowed browser origin (repeatable); replaces the loopback defaults.",
)
@click.option(
    "--web-app-origin",
    "web_app_origins",
    multiple=True,
    metavar="URL",
    callback=lambda _ctx, _param, values: tuple(_origin(v) for v in values),
    help="The origin a web front end is served from (e.g. https://ng.permanent.org:4200), allowed beside the "
    "loopback ones for its direct S3 uploads and CDN downloads (repeatable).",
)
@click.option(
    "--hide-unprocessed-files",
    is_flag=True,
    help="Show no files for a record until processing ends (the backend before PER-9417).",
)
@click.option("--enforce-deletion-gate", is_flag=True, help="Refuse deletes unless allowSftpDeletion is on.")
@click.option(
    "--demo-email",
    envvar="PERMANENT_MOCK_DEMO_EMAIL",
    show_envvar=True,
    default=DEMO_EMAIL,
    show_default=True,
    help="Login of the seeded demo account (applies when the world is first seeded).",
)
@click.option(
    "--demo-password", envvar="PERMANENT_MOCK_DEMO_PASSWORD", show_envvar=True, default=DEMO_PASSWORD, show_default=True
)
@click.option(
    "--fusionauth-api-key",
    envvar="PERMANENT_MOCK_FUSIONAUTH_API_KEY",
    show_envvar=True,
    default=Settings.fusionauth_api_key,
    show_default=True,
    help="What FUSION_AUTH_KEY must be.",
)
@click.option(
    "--fusionauth-client-id",
    envvar="PERMANENT_MOCK_FUSIONAUTH_CLIENT_ID",
    show_envvar=True,
    default=Settings.fusionauth_client_id,
    show_default=True,
    help="What FUSION_AUTH_SFTP_CLIENT_ID must be.",
)
@click.option(
    "--fusionauth-client-secret",
    envvar="PERMANENT_MOCK_FUSIONAUTH_CLIENT_SECRET",
    show_envvar=True,
    default=Settings.fusionauth_client_secret,
    show_default=True,
    help="What FUSION_AUTH_SFTP_CLIENT_SECRET must be.",
)
@click.option(
    "--control-token",
    envvar="PERMANENT_MOCK_CONTROL_TOKEN",
    show_envvar=True,
    default=None,
    help="Secret of the /_mock/* control routes (default: drawn at start and printed). Required on every "
    "control route when --host is not a loopback address.",
)
@_seconds_option(
    "--sweep-interval", 600.0, "Seconds between sweeps of expired uploads and crash leftovers (0: only at start)."
)
@click.option(
    "--server",
    "server_name",
    type=click.Choice(["granian", "waitress"]),
    default="granian",
    show_default=True,
    help="granian: HTTP in Rust, app in worker processes (the fast one); waitress: one pure-Python process.",
)
@click.option(
    "--journal-size",
    default=1000,
    show_default=True,
    type=click.IntRange(0),
    help="Exchanges the request journal keeps (GET /_mock/requests, the dashboard); 0 switches it off.",
)
@click.option(
    "--workers",
    default=DEFAULT_WORKERS,
    show_default=True,
    type=click.IntRange(1, 32),
    help="granian worker processes, all on the one data directory (default: one per core, at most 4).",
)
@click.option(
    "--threads",
    default=4,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Threads per worker: uploads and downloads run side by side; API calls take turns (see api/gate.py).",
)
@click.option(
    "--stop-grace",
    default=STOP_GRACE_SECONDS,
    show_default=True,
    type=click.IntRange(0, 3600),
    help="Seconds a stop leaves requests in flight to finish before granian's workers are killed (0: none).",
)
@click.option(
    "--log-level",
    default="info",
    show_default=True,
    type=click.Choice(["debug", "info", "warning", "error"]),
)
def serve(
    host: str,
    port: int,
    data_dir: Path,
    ephemeral: bool,
    database_url: str | None,
    scenario: str,
    no_seed: bool,
    quirks: tuple[str, ...],
    access_token_ttl: int,
    download_url_ttl: int,
    processing_seconds: float,
    cors_origins: tuple[str, ...],
    web_app_origins: tuple[str, ...],
    hide_unprocessed_files: bool,
    enforce_deletion_gate: bool,
    demo_email: str,
    demo_password: str,
    fusionauth_api_key: str,
    fusionauth_client_id: str,
    fusionauth_client_secret: str,
    control_token: str | None,
    sweep_interval: float,
    journal_size: int,
    server_name: str,
    workers: int,
    threads: int,
    stop_grace: int,
    log_level: str,
) -> None:
    """Start the mock (building a scenario's world on first start) on a production WSGI server.

    SIGTERM, SIGINT (Ctrl+C) or SIGHUP stop it: the requests in flight get --stop-grace seconds to finish, a
    second signal or SIGQUIT stops it at once. Either way the workers are gone, the data directory is left
    clean, and the exit status is 0.
    """
    configure_logging(log_level)
    # OpenSSH keeps many reads in flight; waitress' queue-depth warnings are noise, not trouble.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR if log_level != "debug" else logging.DEBUG)
    try:
        quirk_set = Quirks().with_switches(_parse_quirks(quirks))
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--quirk") from exc
    try:
        scenarios.load("empty" if no_seed else scenario)  # a typo fails here, in one line, before anything starts
    except scenarios.ScenarioError as exc:
        _fail(str(exc))
    settings = Settings(
        data_dir=None if ephemeral else data_dir,
        database_url=database_url,
        scenario="empty" if no_seed else scenario,
        quirks=quirk_set,
        access_token_ttl=access_token_ttl,
        download_url_ttl=download_url_ttl,
        processing_seconds=processing_seconds,
        enforce_deletion_gate=enforce_deletion_gate,
        hide_unprocessed_files=hide_unprocessed_files,
        demo_email=demo_email,
        demo_password=demo_password,
        fusionauth_api_key=fusionauth_api_key,
        fusionauth_client_id=fusionauth_client_id,
        fusionauth_client_secret=fusionauth_client_secret,
        control_token=control_token,
        control_token_required=not is_loopback(host),
        sweep_interval_seconds=sweep_interval,
        journal_size=journal_size,
    )
    if cors_origins or web_app_origins:
        allowed = cors_origins or settings.cors_origins
        exact = tuple(f"^{re.escape(origin)}$" for origin in web_app_origins)
        settings = replace(settings, cors_origins=allowed + exact)
    if port and not _port_is_free(host, port):
        _fail(
            f"{host}:{port} is in use (another server listens there): pick another --port, or --port 0 for a free one"
        )
    try:
        with _stopped_by_signals() as stops:
            if server_name == "waitress":
                _serve_waitress(settings, stops, host, port, threads)
            else:
                _serve_granian(settings, stops, host, port, threads, workers, log_level, stop_grace)
    except KeyboardInterrupt:
        pass  # a stop signal while building the world, or on waitress: everything on the way out has been undone
    click.echo("stopped")


class _Stops:
    """Turns a stop signal into a KeyboardInterrupt: at once, or, while the world is being built, between batches;
    and once the server is on its way out, ignores the ones that follow.

    A KeyboardInterrupt raised at an arbitrary instant of a build may land inside the database driver or a unit
    of work's cleanup and leave a connection with SQLite's write lock or a blob store open behind it (a CI run
    saw the unwinding fail on "database is locked" and leave files in `incoming/`). So while a build is `held`,
    the first stop waits for the end of the batch of records being made (a fraction of a second); a second one
    unwinds at once. A stop signal during the unwinding (or after granian has stopped) would cut the cleanup
    short, or, once the handlers before were put back, kill the process by the signal's default action: a storm
    of signals ended it with status -1 and its blob store left behind.
    """

    def __init__(self) -> None:
        self._holding = False
        self._held = False
        self.stopping = False

    def handle(self, _signum: int, _frame: object) -> None:
        """The signal handler: nothing once stopping; note the stop while holding (once); else unwind."""
        if self.stopping:
            return
        if self._holding and not self._held:
            self._held = True
            return
        self.stopping = True
        raise KeyboardInterrupt

    def checkpoint(self) -> None:
        """Unwind here if a stop is being held."""
        if self._held:
            self.stopping = True
            raise KeyboardInterrupt

    @contextmanager
    def held(self) -> Iterator[None]:
        """Within the block, hold a first stop until `checkpoint` runs or the block ends."""
        self._holding = True
        try:
            yield
        finally:
            self._holding = False
        self.checkpoint()


@contextmanager
def _stopped_by_signals() -> Iterator[_Stops]:
    """Within the block, the stop signals unwind like Ctrl+C (KeyboardInterrupt), unless granian has taken them over
    (server.serve_with_granian); the handlers before are put back after it, unless the block was stopped.

    SIGTERM is how CI, `timeout`, docker and process managers stop a program, and SIGHUP what a closing terminal
    sends: unwinding undoes what was started (a world half built, an --ephemeral instance's temporary directory).
    SIGINT too, although a shell that starts a job in the background has it ignored (that job ignored it while
    building its world, and took it once granian set its handler). SIGHUP and SIGQUIT stay ignored if they were
    (nohup, such a background job).
    """
    stops = _Stops()
    before = {number: signal.getsignal(number) for number in STOP_SIGNALS}
    for number in set(STOP_SIGNALS) - ignored_at_start(before):
        signal.signal(number, stops.handle)
    try:
        yield stops
    finally:
        for number, handler in before.items():
            if stops.stopping:
                # On the way out: ignored from now on. (Python puts back the default action of every signal it
                # handles as it exits, and a signal in that window ended the process by it: status -1.)
                signal.signal(number, signal.SIG_IGN)
            elif handler is not None:  # None: a handler not set from Python, which cannot be put back
                signal.signal(number, handler)


def _serve_waitress(settings: Settings, stops: _Stops, host: str, port: int, threads: int) -> None:
    """Serve in this process on waitress until a stop signal (which closes every connection at once)."""
    app, token, login = _start(settings, stops)
    freeze_start_up_objects()
    server = make_server(app, host, port, threads)
    _announce(bound_url(server, host), settings, token, testing.control_token(app), login)
    sweeper = Sweeper(testing.backend_of(app), settings.sweep_interval_seconds).start()
    try:
        server.run()
    finally:
        sweeper.stop()
        server.close()


def _serve_granian(
    settings: Settings,
    stops: _Stops,
    host: str,
    port: int,
    threads: int,
    workers: int,
    log_level: str,
    stop_grace: int,
) -> None:
    """Serve on granian: this process builds the world, prints the banner and sweeps; workers answer requests."""
    scratch = Path(tempfile.mkdtemp(prefix="permanent-mock-")) if settings.data_dir is None else None
    try:
        shared = replace(settings, data_dir=scratch) if scratch else settings
        app, token, login = _start(shared, stops)
        control = testing.control_token(app)
        # Every worker must check the same control token as the banner shows; only this process sweeps.
        shared = replace(shared, control_token=control, sweep_at_start=False)
        port = port or free_port(host)
        base = bound_url_of(host, port)
        backend = testing.backend_of(app)
        sweeper = Sweeper(backend, settings.sweep_interval_seconds).start()
        # granian handles the stop signals while it serves, and returns only when stopped: the handlers it puts
        # back then must not cut the cleanup below short.
        stops.stopping = True
        try:
            serve_with_granian(
                shared,
                host,
                port,
                threads=threads,
                workers=workers,
                log_level=log_level,
                stop_grace=stop_grace,
                on_listening=lambda: _announce_when_answering(base, settings, token, control, login),
            )
        finally:
            sweeper.stop()
            # A worker killed at the end of the grace (or at once) could not remove the bytes its uploads in
            # flight had received; the workers are gone now, so they go here rather than at the next start.
            files, size = backend.blobs.sweep_incoming()
            if files:
                logging.getLogger(__name__).info(
                    "removed %d half-received file(s) (%d bytes) of cut-off uploads", files, size
                )
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


def _start(settings: Settings, stops: _Stops) -> tuple[MockApp, str, str | None]:
    """Build the app (and, on first start, its world, with a progress bar); return it, a token and its login."""

    def progress(made: scenarios.Progress) -> None:
        stops.checkpoint()  # a batch of records is done: a stop that came during it unwinds now
        bar.update(made)

    with _ProgressBar("building the world") as bar, stops.held():
        try:
            app = create_app(settings, progress=progress)
        except SchemaMismatch as exc:
            raise click.ClickException(str(exc)) from exc
        except scenarios.ScenarioError as exc:
            _fail(str(exc))
    login = testing.login_of(app)
    token = mint_token(app, login, PRINTED_TOKEN_TTL) if login else "(no accounts: add one with POST /_mock/accounts)"
    return app, token, login


class _ProgressBar:
    """A progress bar of records built, shown only once a build is big enough to make someone wait."""

    #: Worlds smaller than this build in well under a second: no bar.
    THRESHOLD = 5000

    def __init__(self, label: str) -> None:
        self._label = label
        self._bar: Any = None
        self._shown = 0

    def __enter__(self) -> _ProgressBar:
        return self

    def update(self, made: scenarios.Progress) -> None:
        """Move the bar to `made.records` (opening it when the world is big enough)."""
        if self._bar is None:
            if made.records_planned < self.THRESHOLD:
                return
            self._bar = click.progressbar(length=made.records_planned, label=self._label, file=sys.stderr)
            self._bar.__enter__()
        self._bar.update(made.records - self._shown)
        self._shown = made.records

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)


def _fail(message: str) -> NoReturn:
    """End with one line on stderr and exit status 2 (a usage problem, not a crash)."""
    click.echo(f"permanent-mock: {message}", err=True)
    sys.exit(2)


def _port_is_free(host: str, port: int) -> bool:
    """Tell whether host:port can be bound now (the servers would fail later, with a traceback)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def _announce(base: str, settings: Settings, token: str, control: str, login: str | None) -> None:
    """Print the banner (URLs, login, a fresh token, the SFTP environment block) and note who else serves."""
    others: list[dict[str, object]] = []
    if settings.data_dir is not None and settings.database_url is None:
        others = neighbours.others(settings.data_dir)
        note = neighbours.announce(settings.data_dir, base)
        atexit.register(neighbours.withdraw, note)
    click.echo(banner(base, settings, token, control, login, others))
    sys.stdout.flush()


def _announce_when_answering(base: str, settings: Settings, token: str, control: str, login: str | None) -> None:
    """Print the banner from a thread once a worker answers: the URL it shows is usable when it appears."""

    def wait_then_announce() -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{base}/_mock/health", timeout=2):
                    break
            except OSError:
                time.sleep(0.02)
        _announce(base, settings, token, control, login)

    threading.Thread(target=wait_then_announce, name="permanent-mock-banner", daemon=True).start()


@main.command()
@click.argument("email", default=DEMO_EMAIL)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=lambda: os.environ.get("PERMANENT_MOCK_DATA_DIR", DEFAULT_DATA_DIR),
)
@click.option("--ttl", default=PRINTED_TOKEN_TTL, show_default=True, type=click.IntRange(1))
def token(email: str, data_dir: Path, ttl: int) -> None:
    """Print a bearer token for an account of a data directory."""
    if not (data_dir / "mock.sqlite3").is_file():
        _fail(f"no mock data in {data_dir}: start `permanent-mock serve --data-dir {data_dir}` first")
    try:
        app = create_app(Settings(data_dir=data_dir))
        click.echo(mint_token(app, email, ttl))
    except SchemaMismatch as exc:
        raise click.ClickException(str(exc)) from exc
    except DomainError as exc:
        raise click.ClickException(exc.detail) from exc


@main.command()
@_scenario_option("The world to build")
@_data_dir_option("The data directory to build it in (a server on it sees the new world at once).")
@click.option("--database-url", envvar="PERMANENT_MOCK_DATABASE_URL", help="Build into this database instead.")
@click.option("--reset", is_flag=True, help="Replace the world the data directory already holds.")
@click.option("--demo-email", default=DEMO_EMAIL, show_default=True, help="Fills {demo_email} in the scenario.")
@click.option("--demo-password", default=DEMO_PASSWORD, show_default=True, help="Fills {demo_password}.")
def seed(
    scenario: str, data_dir: Path, database_url: str | None, reset: bool, demo_email: str, demo_password: str
) -> None:
    """Build a scenario's world into a data directory (with a progress bar for big ones)."""
    try:
        chosen = scenarios.load(scenario)
    except scenarios.ScenarioError as exc:
        _fail(str(exc))
    settings = Settings(
        data_dir=data_dir,
        database_url=database_url,
        scenario="empty",
        demo_email=demo_email,
        demo_password=demo_password,
        sweep_at_start=False,
    )
    try:
        app = create_app(settings)
    except SchemaMismatch as exc:
        raise click.ClickException(str(exc)) from exc
    try:
        if testing.backend_of(app).accounts() and not reset:
            _fail(f"{data_dir} already holds a world: add --reset to replace it with {chosen.name!r}")
        started = time.monotonic()
        with _ProgressBar(f"building {chosen.name}") as bar:
            try:
                made, _ = testing.rebuild_world(app, chosen, bar.update)
            except scenarios.ScenarioError as exc:
                _fail(str(exc))
        click.echo(
            f"built {chosen.name!r} in {time.monotonic() - started:.1f} s: {made.accounts} accounts, "
            f"{made.archives} archives, {made.folders} folders, {made.records} records"
        )
    finally:
        testing.close(app)


@main.command(name="export")
@click.option(
    "--format",
    "output_format",
    type=click.Choice([STELA_SQL]),
    default=STELA_SQL,
    show_default=True,
    help="stela-sql: SQL for real Stela's schema (its base.sql plus the back end's added columns).",
)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=lambda: os.environ.get("PERMANENT_MOCK_DATA_DIR", DEFAULT_DATA_DIR),
    help="The data directory to export (env PERMANENT_MOCK_DATA_DIR).",
)
@click.option("--database-url", default=None, help="Export this SQLAlchemy database instead of the data directory's.")
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None, help="File (default: stdout)."
)
@click.option("--account-offset", default=10, show_default=True, type=click.IntRange(0), help="Added to account ids.")
def export(
    output_format: str, data_dir: Path, database_url: str | None, output: Path | None, account_offset: int
) -> None:
    """Write the world of a data directory as SQL that loads into real Stela's database (the differential run)."""
    url = database_url
    if url is None:
        path = data_dir / "mock.sqlite3"
        if not path.is_file():
            raise click.UsageError(
                f"no mock database in {data_dir} (start `permanent-mock serve --data-dir {data_dir}`)"
            )
        url = f"sqlite:///{path}"
    database = Database(url)
    try:
        with Session(database.engine) as session:
            text = stela_sql(session, account_offset=account_offset)
    finally:
        database.dispose()
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output} ({output_format}, {text.count(chr(10))} lines)", err=True)
