"""Targets of the contract suite: the in-process mock, its drifted variants, or any server reached by URL.

This is the only module of `contracts` that imports `mock_backend`. A target is selected by name:

    mock                the mock in-process (WSGI, no network), seeded; the default
    url                 a running server, configured by environment (below); skipped when unconfigured
    mutant:<name>       the in-process mock with a deliberate drift (`contracts.mutants`), for the self-check

URL targets read PERMANENT_API_URL, PERMANENT_STELA_URL, PERMANENT_FUSIONAUTH_URL, PERMANENT_LOGIN +
PERMANENT_PASSWORD (or PERMANENT_TOKEN) and PERMANENT_TEST_FOLDER_ID, the one folder a run may write
in. A server that answers `GET /_mock/health` is the mock started as a process: its test folder
defaults to the demo "My Files", and its seeded other account and viewer archive are used. Optional:
PERMANENT_OTHER_LOGIN + PERMANENT_OTHER_PASSWORD (or PERMANENT_OTHER_TOKEN) for cross-account checks,
PERMANENT_VIEWER_ARCHIVE_ID, PERMANENT_EXPIRED_TOKEN, PERMANENT_RATE_LIMIT (requests per second,
default 5 for servers that are not the mock), PERMANENT_FUSIONAUTH_APPLICATION_ID /
PERMANENT_FUSIONAUTH_CLIENT_ID / PERMANENT_FUSIONAUTH_CLIENT_SECRET / PERMANENT_FUSIONAUTH_API_KEY
(the mock's values by default) and PERMANENT_RUN_ID.
"""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import httpx

from contracts import mutants
from contracts.safety import GuardedTransport, WriteGuard, new_run_id
from contracts.sdk import PermanentClient, WebAppSession
from contracts.sdk.ratelimit import RateLimiter
from contracts.sdk.transport import ExchangeHook
from mock_backend import spec
from mock_backend.app import create_app
from mock_backend.config import Quirks, Settings
from mock_backend.domain.clock import FrozenClock
from mock_backend.domain.seed import DEMO_EMAIL, DEMO_PASSWORD, OTHER_EMAIL, OTHER_PASSWORD
from mock_backend.testing import backend_of, login_of, mint_token

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication
    from flask import Flask

    from mock_backend.factories import Factories

ENV_TARGET = "PERMANENT_TARGET"
DEFAULT_TARGET = "mock"
MOCK_BASE = "http://mock.local"
#: The contract, for servers that do not serve /openapi.json themselves.
SPEC_PATH = spec.SPEC_PATH
#: Requests per second against servers that are not the mock, unless PERMANENT_RATE_LIMIT says otherwise.
DEFAULT_RATE_LIMIT = 5.0
#: Records stay `status.record.uploaded` for the whole run, so two runs of a scenario record the same statuses.
IN_PROCESS_PROCESSING_SECONDS = 3600.0
URL_REQUIRED = ("PERMANENT_API_URL",)


class TargetUnavailable(Exception):
    """A target (or a feature of it) cannot be used; the message says what to configure."""


@dataclass(frozen=True)
class Account:
    """Who a client acts as: a login with a password, or a ready bearer token."""

    login_id: str | None = None
    password: str | None = None
    token: str | None = None

    @property
    def usable(self) -> bool:
        """True when there is a token or a complete login."""
        return bool(self.token) or bool(self.login_id and self.password)


@dataclass(frozen=True)
class FusionAuthApp:
    """The FusionAuth application the login goes through (the mock's values by default)."""

    application_id: str = "mock-sftp-client-id"
    client_id: str = "mock-sftp-client-id"
    client_secret: str = "mock-sftp-client-secret"
    api_key: str = "mock-fusionauth-key"

    def login(self, session: PermanentClient, login_id: str, password: str) -> None:
        """Log a client in through this application (password, then the refresh-token grant)."""
        session.login(
            login_id,
            password,
            application_id=self.application_id,
            api_key=self.api_key,
            client_secret=self.client_secret,
            client_id=self.client_id,
        )


@dataclass
class Target:
    """One configured target and everything the suite needs to talk to it safely."""

    name: str
    kind: str
    api_url: str
    stela_url: str
    fusionauth_url: str
    run_id: str
    accounts: dict[str, Account]
    fusionauth: FusionAuthApp = field(default_factory=FusionAuthApp)
    test_folder_id: int | None = None
    test_archive_id: int | None = None
    viewer_archive_id: int | None = None
    expired_token_value: str | None = None
    rate_limit: float | None = None
    mock_routes: bool = False
    seeded: bool = False
    app: WSGIApplication | None = None
    app_factory: Callable[[], WSGIApplication] | None = None
    mint: Callable[[str, int], str] | None = None
    guard: WriteGuard = field(init=False)
    _limiter: RateLimiter | None = field(init=False, default=None)
    _sessions: dict[str, PermanentClient] = field(init=False, default_factory=dict)
    _v1_document: dict[str, Any] | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self.guard = WriteGuard(
            self.api_url,
            self.test_folder_id,
            enforce=self.kind == "url",
            stela_url=self.stela_url,
            allow_mock_routes=self.mock_routes,
        )
        self._limiter = RateLimiter(self.rate_limit) if self.rate_limit else None

    @property
    def in_process(self) -> bool:
        """True for the mock (and its mutants) called through WSGI."""
        return self.app is not None

    @property
    def origin(self) -> str:
        """The API URL without its `/api` suffix (the mock's one origin)."""
        return self.api_url.removesuffix("/").removesuffix("/api")

    def bases(self) -> dict[str, str]:
        """Base URL per service, for naming recorded exchanges."""
        return {"php": self.api_url, "stela": self.stela_url, "fusionauth": self.fusionauth_url}

    def transport(self) -> httpx.BaseTransport:
        """A new transport to the target, behind the write guard and the shared rate limiter."""
        inner: httpx.BaseTransport
        inner = httpx.WSGITransport(app=self.app) if self.app is not None else httpx.HTTPTransport(retries=1)
        return GuardedTransport(inner, self.guard, self._limiter)

    def http(self) -> httpx.Client:
        """A plain httpx client to the target (no base URL), for protocol checks the SDK cannot express."""
        return httpx.Client(transport=self.transport(), timeout=60.0, follow_redirects=False)

    def client(
        self,
        who: str | None = "primary",
        *,
        token: str | None = None,
        on_exchange: ExchangeHook | None = None,
    ) -> PermanentClient:
        """A PermanentClient acting as an account (`who`), with an explicit token, or anonymous (`who=None`)."""
        bearer = token if token is not None or who is None else self.token(who)
        return PermanentClient(
            self.api_url,
            self.stela_url,
            self.fusionauth_url,
            token=bearer,
            transport=self.transport(),
            timeout=60.0,
            on_exchange=on_exchange,
        )

    def web(self, *, on_exchange: ExchangeHook | None = None) -> WebAppSession:
        """A WebAppSession (the web app's v1 envelope) that has not signed in, behind the guard and rate limit."""
        return WebAppSession(self.api_url, transport=self.transport(), timeout=60.0, on_exchange=on_exchange)

    def v1_document(self) -> dict[str, Any]:
        """The v1 envelope's OpenAPI document: the target's `/openapi-v1.json`, else the bundled openapi/v1.yaml."""
        if self._v1_document is None:
            document: object = None
            with self.http() as raw:
                try:
                    served = raw.get(self.origin + "/openapi-v1.json")
                    document = served.json() if served.status_code == 200 else None
                except (httpx.HTTPError, ValueError):
                    document = None
            if not isinstance(document, dict) or "openapi" not in document:
                document = spec.load_v1()
            self._v1_document = cast("dict[str, Any]", document)
        return self._v1_document

    def has_account(self, who: str) -> bool:
        """Tell whether credentials for an account are configured."""
        account = self.accounts.get(who)
        return account is not None and account.usable

    def token(self, who: str = "primary") -> str:
        """Return a valid access token for an account, logging in (once) if it has a password.

        Raises:
            TargetUnavailable: no credentials for that account.
        """
        account = self.accounts.get(who)
        if account is None or not account.usable:
            raise TargetUnavailable(f"target {self.name!r} has no credentials for the {who} account")
        if account.token:
            return account.token
        session = self._sessions.get(who)
        if session is None:
            session = self.client(None)
            self.fusionauth.login(session, str(account.login_id), str(account.password))
            self._sessions[who] = session
        token = session.access_token()
        if token is None:
            raise TargetUnavailable(f"logging in as the {who} account gave no token")
        return token

    def expired_token(self) -> str:
        """Return an expired access token (minted in-process, or PERMANENT_EXPIRED_TOKEN).

        Raises:
            TargetUnavailable: the target cannot mint one and none is configured.
        """
        if self.mint is not None:
            login = self.accounts["primary"].login_id or DEMO_EMAIL
            return self.mint(login, -60)
        if self.expired_token_value:
            return self.expired_token_value
        raise TargetUnavailable("set PERMANENT_EXPIRED_TOKEN to check expired tokens on a server")

    def fuzz_app(self) -> WSGIApplication:
        """A fresh in-process app of the same variant, for fuzzing that must not disturb the scenarios.

        Raises:
            TargetUnavailable: the target is not in-process.
        """
        if self.app_factory is None:
            raise TargetUnavailable(f"target {self.name!r} is not in-process")
        return self.app_factory()

    def close(self) -> None:
        """Close the logged-in sessions."""
        for session in self._sessions.values():
            session.close()
        self._sessions.clear()

    def __enter__(self) -> Target:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


# --------------------------------------------------------------------------- selection


def selected_names(option: str | None = None, env: Mapping[str, str] | None = None) -> list[str]:
    """Return the target names chosen by `--target` (comma-separated), else PERMANENT_TARGET, else `mock`.

    Raises:
        ValueError: a name is not `mock`, `url` or `mutant:<known mutant>`.
    """
    environ = os.environ if env is None else env
    raw = option or environ.get(ENV_TARGET) or DEFAULT_TARGET
    names = [name.strip() for name in raw.split(",") if name.strip()]
    for name in names:
        if name in ("mock", "url"):
            continue
        if name.startswith("mutant:"):
            mutants.get(name.removeprefix("mutant:"))
            continue
        raise ValueError(f"unknown target {name!r}: use mock, url or mutant:<name>")
    return list(dict.fromkeys(names))


def url_settings_problem(env: Mapping[str, str] | None = None) -> str | None:
    """Return why the url target cannot run (one sentence naming what is missing), or None if it can."""
    environ = os.environ if env is None else env
    missing = [name for name in URL_REQUIRED if not environ.get(name)]
    if not environ.get("PERMANENT_TOKEN") and not (
        environ.get("PERMANENT_LOGIN") and environ.get("PERMANENT_PASSWORD")
    ):
        missing.append("PERMANENT_LOGIN + PERMANENT_PASSWORD (or PERMANENT_TOKEN)")
    if not missing:
        return None
    return (
        "url target not configured: set "
        + ", ".join(missing)
        + " (and PERMANENT_STELA_URL, PERMANENT_FUSIONAUTH_URL, PERMANENT_TEST_FOLDER_ID for a real server)"
    )


def build(name: str, run_id: str | None = None, env: Mapping[str, str] | None = None) -> Target:
    """Build (and discover) the target of that name.

    Raises:
        TargetUnavailable: a url target is not configured, or its test folder cannot be found.
        ValueError: the name is unknown.
    """
    environ = os.environ if env is None else env
    run = run_id or environ.get("PERMANENT_RUN_ID") or new_run_id()
    if name == "mock":
        return _in_process("mock", run)
    if name.startswith("mutant:"):
        mutant = mutants.get(name.removeprefix("mutant:"))
        return _in_process(name, run, mutant)
    if name == "url":
        return _url_target(run, environ)
    raise ValueError(f"unknown target {name!r}")


def mock_settings(mutant: mutants.Mutant | None = None) -> Settings:
    """The settings of an in-process mock target (with the mutant's quirk switches, if any)."""
    quirks = Quirks().with_switches(dict(mutant.quirks)) if mutant is not None else Quirks()
    return Settings(quirks=quirks, processing_seconds=IN_PROCESS_PROCESSING_SECONDS)


def mock_app(mutant: mutants.Mutant | None = None) -> WSGIApplication:
    """Build a fresh seeded mock app, wrapped in the mutant's middleware if one is given."""
    app: WSGIApplication = create_app(mock_settings(mutant))
    return mutant.wrap(app) if mutant is not None else app


def _in_process(name: str, run_id: str, mutant: mutants.Mutant | None = None) -> Target:
    """An in-process mock target with the seeded demo world."""
    flask_app = create_app(mock_settings(mutant))
    app: WSGIApplication = mutant.wrap(flask_app) if mutant is not None else flask_app
    target = Target(
        name=name,
        kind="mock",
        api_url=f"{MOCK_BASE}/api",
        stela_url=f"{MOCK_BASE}/api/v2",
        fusionauth_url=f"{MOCK_BASE}/fusionauth",
        run_id=run_id,
        accounts={
            "primary": Account(DEMO_EMAIL, DEMO_PASSWORD),
            "other": Account(OTHER_EMAIL, OTHER_PASSWORD),
        },
        mock_routes=True,
        seeded=True,
        app=app,
        app_factory=lambda: mock_app(mutant),
        mint=lambda email, ttl: mint_token(flask_app, email, ttl),
    )
    return discover(target, {})


def _env_int(env: Mapping[str, str], name: str) -> int | None:
    """Read an optional integer variable.

    Raises:
        TargetUnavailable: the variable is set but is not an integer.
    """
    raw = env.get(name)
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise TargetUnavailable(f"{name} must be an integer, got {raw!r}") from None


def _url_target(run_id: str, env: Mapping[str, str]) -> Target:
    """A target reached over HTTP, configured by environment variables."""
    problem = url_settings_problem(env)
    if problem:
        raise TargetUnavailable(problem)
    api_url = env["PERMANENT_API_URL"].rstrip("/")
    origin = api_url.removesuffix("/api")
    rate = env.get("PERMANENT_RATE_LIMIT")
    target = Target(
        name="url",
        kind="url",
        api_url=api_url,
        stela_url=(env.get("PERMANENT_STELA_URL") or f"{origin}/api/v2").rstrip("/"),
        fusionauth_url=(env.get("PERMANENT_FUSIONAUTH_URL") or f"{origin}/fusionauth").rstrip("/"),
        run_id=run_id,
        accounts={
            "primary": Account(env.get("PERMANENT_LOGIN"), env.get("PERMANENT_PASSWORD"), env.get("PERMANENT_TOKEN")),
            "other": Account(
                env.get("PERMANENT_OTHER_LOGIN"), env.get("PERMANENT_OTHER_PASSWORD"), env.get("PERMANENT_OTHER_TOKEN")
            ),
        },
        fusionauth=FusionAuthApp(
            application_id=env.get("PERMANENT_FUSIONAUTH_APPLICATION_ID")
            or env.get("PERMANENT_FUSIONAUTH_CLIENT_ID")
            or FusionAuthApp.application_id,
            client_id=env.get("PERMANENT_FUSIONAUTH_CLIENT_ID") or FusionAuthApp.client_id,
            client_secret=env.get("PERMANENT_FUSIONAUTH_CLIENT_SECRET") or FusionAuthApp.client_secret,
            api_key=env.get("PERMANENT_FUSIONAUTH_API_KEY") or FusionAuthApp.api_key,
        ),
        test_folder_id=_env_int(env, "PERMANENT_TEST_FOLDER_ID"),
        viewer_archive_id=_env_int(env, "PERMANENT_VIEWER_ARCHIVE_ID"),
        expired_token_value=env.get("PERMANENT_EXPIRED_TOKEN") or None,
        rate_limit=float(rate) if rate else None,
        mock_routes=_serves_mock_routes(origin),
    )
    if target.rate_limit is None and not target.mock_routes:
        target = _rebuilt(target, rate_limit=DEFAULT_RATE_LIMIT)
    return discover(target, env)


def _serves_mock_routes(origin: str) -> bool:
    """Tell whether the server is the mock (it answers `GET /_mock/health` with `{"status": "ok"}`)."""
    try:
        response = httpx.get(f"{origin}/_mock/health", timeout=10.0)
        return response.status_code == 200 and response.json() == {"status": "ok"}
    except (httpx.HTTPError, ValueError):
        return False


def _rebuilt(target: Target, **changes: object) -> Target:
    """Return a copy of a target with some fields changed (its guard and limiter are rebuilt)."""
    return replace(target, **changes)  # type: ignore[arg-type]  # the keys are Target fields


def discover(target: Target, env: Mapping[str, str]) -> Target:
    """Find what the environment does not say: the test folder and its archive, the viewer archive, seeded accounts.

    Raises:
        TargetUnavailable: no test folder is configured and the server is not the mock, or it is not visible.
    """
    del env  # everything configurable was read before; discovery only reads the server
    try:
        changes = _discovered(target)
    except BaseException:
        target.close()
        raise
    rebuilt = _rebuilt(target, **changes)
    rebuilt._sessions.update(target._sessions)  # keep the logins made during discovery
    return rebuilt


def _discovered(target: Target) -> dict[str, object]:
    """Read the server for what `discover` fills in; return the changed fields."""
    headers = {"Authorization": f"Bearer {target.token()}", "Request-Version": "2"}
    changes: dict[str, object] = {}
    with target.http() as raw:
        archives = raw.get(f"{target.api_url}/archive/getAllArchives", headers=headers).json()
        roles = {int(a["archiveId"]): (str(a.get("accessRole")), str(a.get("fullName"))) for a in archives}
        seeded = target.mock_routes and {"Demo Archive", "Family Archive"} <= {name for _, name in roles.values()}
        changes["seeded"] = seeded
        if target.test_folder_id is None:
            if not target.mock_routes:
                raise TargetUnavailable("PERMANENT_TEST_FOLDER_ID is required for a server that is not the mock")
            owned = next(archive_id for archive_id, (role, _) in roles.items() if role == "access.role.owner")
            root = raw.get(f"{target.api_url}/folder/getRoot", params={"archiveId": owned}, headers=headers).json()
            my_files = next(c for c in root["ChildItemVOs"] if c.get("type") == "type.folder.root.private")
            changes.update(test_folder_id=int(my_files["folderId"]), test_archive_id=owned)
        else:
            query = {"folderIds[]": target.test_folder_id}
            items = raw.get(f"{target.stela_url}/folder", params=query, headers=headers).json().get("items") or []
            if not items:
                raise TargetUnavailable(f"PERMANENT_TEST_FOLDER_ID {target.test_folder_id} is not visible to the login")
            # Real Stela folders carry `archive: {id, name}` and no `archiveId` (stela commit 3ee7ab2, seen here).
            folder = items[0]
            archive_id = folder.get("archiveId") or (folder.get("archive") or {}).get("id")
            if archive_id is None:
                raise TargetUnavailable(f"the Stela answer for folder {target.test_folder_id} names no archive")
            changes["test_archive_id"] = int(archive_id)
        if target.viewer_archive_id is None and seeded:
            viewers = [archive_id for archive_id, (role, _) in roles.items() if role == "access.role.viewer"]
            changes["viewer_archive_id"] = viewers[0] if viewers else None
        if not target.has_account("other") and seeded:
            changes["accounts"] = {**target.accounts, "other": Account(OTHER_EMAIL, OTHER_PASSWORD)}
    return changes


# --------------------------------------------------------------------------- for other projects' tests


def in_process_client(
    settings: Settings | None = None, email: str = DEMO_EMAIL, *, on_exchange: ExchangeHook | None = None
) -> PermanentClient:
    """Return a client of a fresh in-process mock (the demo world unless the settings say otherwise), as `email`.

    The client is anonymous when the world has no account with that e-mail (an `empty` scenario, say).
    """
    app = create_app(settings or Settings())
    known = {a.email.lower() for a in backend_of(app).accounts()}
    token = mint_token(app, email) if email.lower() in known else None
    return PermanentClient.for_wsgi(app, token=token, on_exchange=on_exchange)


# --- fresh mocks for the pytest plugin ----------------------------------------------------------------------------


@dataclass
class FreshMock:
    """A new mock in its own temporary data directory, for one test (or one session) of another project."""

    app: WSGIApplication
    data_dir: Path
    settings: Settings
    #: The mock's clock when the test froze it (`advance(seconds)` moves it), else None: the real time.
    clock: FrozenClock | None
    token: str | None

    def client(self, email: str = DEMO_EMAIL) -> PermanentClient:
        """Return an SDK client of this mock calling it in-process, logged in as `email`."""
        return PermanentClient.for_wsgi(self.app, token=mint_token(self.flask, email))

    @functools.cached_property
    def factories(self) -> Factories:
        """factory-boy factories bound to this mock (`.account()`, `.archive()`, `.folder()`, `.record()`, …)."""
        from mock_backend.factories import Factories

        return Factories(backend_of(self.flask))

    def reset(self, scenario: str | Path | Mapping[str, Any] = "demo") -> None:
        """Replace the whole world by a scenario: a built-in's name, a YAML file, or a declaration as a dict."""
        from mock_backend import scenarios
        from mock_backend.testing import rebuild_world

        chosen = scenarios.parse(dict(scenario)) if isinstance(scenario, Mapping) else scenarios.load(scenario)
        rebuild_world(self.flask, chosen)

    @property
    def flask(self) -> Flask:
        """The Flask app (for `app.test_client()` or `mock_backend.testing` helpers)."""
        return cast("Flask", self.app)

    @contextmanager
    def served(self) -> Iterator[str]:
        """Serve this mock over HTTP on a free loopback port, on a thread; yield its base URL."""
        from mock_backend.server import serve_in_thread

        with serve_in_thread(self.flask) as base:
            yield base

    def sftp_environment(self, base: str) -> dict[str, str]:
        """Return the environment that points PermanentOrg/sftp-service at this mock served at `base`."""
        from mock_backend.cli import sftp_environment

        return sftp_environment(base, self.settings)

    def close(self) -> None:
        """Close the mock's database and blob store and remove its data directory."""
        from mock_backend.testing import close

        close(self.flask)
        shutil.rmtree(self.data_dir, ignore_errors=True)


def fresh_mock(
    *, quirks: Mapping[str, bool] | None = None, clock: datetime | None = None, **settings: Any
) -> FreshMock:
    """Build a mock of a scenario's world (`scenario="demo"` unless given) in a new temporary directory.

    Raises:
        ValueError: an unknown quirk; TypeError: an unknown setting.
    """
    data_dir = Path(tempfile.mkdtemp(prefix="permanent-mock-test-"))
    try:
        chosen = Settings(data_dir=data_dir, **settings)
        if quirks:
            chosen = replace(chosen, quirks=chosen.quirks.with_switches(dict(quirks)))
        frozen = FrozenClock(clock) if clock is not None else None
        app = create_app(chosen, clock=frozen)
    except BaseException:
        shutil.rmtree(data_dir, ignore_errors=True)
        raise
    login = login_of(app)
    token = mint_token(app, login) if login else None
    return FreshMock(app, data_dir, chosen, frozen, token)
