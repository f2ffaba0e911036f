"""Developer sessions: lint, typing, tests, contract runs (in-process or by URL), record/compare, sweep, serve."""

from __future__ import annotations

import nox

nox.options.sessions = ["lint", "typing", "tests", "contracts"]
nox.options.reuse_venv = "yes"
nox.options.error_on_missing_interpreters = True

PYPROJECT = nox.project.load_toml("pyproject.toml")


def _groups(*names: str) -> list[str]:
    """Return the requirements of the named dependency groups, read from pyproject.toml."""
    return [req for name in names for req in nox.project.dependency_groups(PYPROJECT, name)]


@nox.session
def lint(session: nox.Session) -> None:
    """Lint and check formatting with ruff."""
    session.install(*_groups("lint"))
    session.run("ruff", "check", ".", *session.posargs)
    session.run("ruff", "format", "--check", ".")


@nox.session
def typing(session: nox.Session) -> None:
    """Type-check mock_backend and contracts with mypy --strict."""
    session.install("-e", ".", *_groups("typing"))
    session.run("mypy", *session.posargs)


@nox.session
def tests(session: nox.Session) -> None:
    """Run the tests of the mock and the SDK (tests/), including the published npm SDK against a live mock."""
    session.install("-e", ".[contracts]", *_groups("test"))
    # One worker per core; a module's tests stay on one worker, so module fixtures (PostgreSQL) start once.
    session.run(
        "pytest",
        "tests",
        "-n",
        "auto",
        "--dist",
        "loadfile",
        "--cov",
        "--cov-report=term:skip-covered",
        *session.posargs,
    )


@nox.session
def contracts(session: nox.Session) -> None:
    """Run the contract suite against the in-process mock (no network)."""
    session.install("-e", ".[contracts]", *_groups("test"))
    session.run(
        "pytest", "contracts/suite", "--target", "mock", "--junitxml=reports/junit-contracts.xml", *session.posargs
    )


@nox.session(name="contracts-url")
def contracts_url(session: nox.Session) -> None:
    """Run the contract suite against a server by URL (PERMANENT_API_URL, … must be set; see README).

    Without them the run is one skip, unless PERMANENT_REQUIRE_TARGET=1 (or `-- --require-target`) makes it fail.
    """
    session.install("-e", ".[contracts]", *_groups("test"))
    session.run(
        "pytest", "contracts/suite", "--target", "url", "--junitxml=reports/junit-contracts-url.xml", *session.posargs
    )


@nox.session
def record(session: nox.Session) -> None:
    """Record normalised snapshots of the scenarios (default: the in-process mock into snapshots/mock)."""
    session.install("-e", ".[contracts]", *_groups("test"))
    options = session.posargs or ["--target", "mock", "--record-snapshots", "snapshots/mock"]
    session.run("pytest", "contracts/suite", "--junitxml=reports/junit-record.xml", *options)


@nox.session
def compare(session: nox.Session) -> None:
    """Write the drift report between two snapshot directories: nox -s compare -- A B [--out DIR]."""
    session.install("-e", ".[contracts]")
    session.run("permanent-contracts", "compare", *session.posargs)


@nox.session
def selfcheck(session: nox.Session) -> None:
    """Run the suite against deliberately drifted mocks and report the kill rate (every drift must be caught)."""
    session.install("-e", ".[contracts]", *_groups("test"))
    session.run("permanent-contracts", "selfcheck", *session.posargs)


@nox.session
def sweep(session: nox.Session) -> None:
    """List run folders that killed runs left in the url target's test folder; `-- --yes` deletes them (see README)."""
    session.install("-e", ".[contracts]")
    session.run("permanent-contracts", "sweep", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Measure the speed and memory targets, as ratios against baselines taken in the same run."""
    session.install("-e", ".")
    # Exit 1 means a target was missed: still run the second benchmark, and let the tables say which.
    session.run("python", "benchmarks/bench.py", success_codes=[0, 1])
    session.run("python", "benchmarks/load.py", *session.posargs, success_codes=[0, 1])


@nox.session
def soak(session: nox.Session) -> None:
    """Ten minutes of mixed load from 20 clients; prints the server's RSS each minute (`-- --minutes 2` shortens it)."""
    session.install("-e", ".")
    session.run("python", "benchmarks/soak.py", *session.posargs)


@nox.session
def serve(session: nox.Session) -> None:
    """Start the mock with the seeded world (arguments go to `permanent-mock serve`)."""
    session.install("-e", ".")
    session.run("permanent-mock", "serve", *session.posargs)
