"""Developer sessions: lint, typing, tests, contract runs (in-process or by URL), record/compare, sweep, serve."""

from __future__ import annotations

import sys
from pathlib import Path

import nox

nox.options.sessions = ["lint", "typing", "tests", "contracts"]
nox.options.error_on_missing_interpreters = True

#: Every session runs in the environment nox itself runs in: the project's .venv, which `make` builds with the
#: package (editable, with its extras) and every dependency group. One environment instead of one per session
#: saved a fresh clone's `make test` the creation of four more and their installs.
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    """Return the path of a command of the project's environment, or stop with how to get one."""
    path = BIN / name
    if not path.exists():
        raise SystemExit(
            f"{name} is not installed beside {sys.executable}: run nox from the project's environment "
            "(`make test`, or `.venv/bin/nox -s …` after `make .venv/.installed`)"
        )
    return str(path)


@nox.session(venv_backend="none")
def lint(session: nox.Session) -> None:
    """Lint and check formatting with ruff."""
    session.run(_tool("ruff"), "check", ".", *session.posargs)
    session.run(_tool("ruff"), "format", "--check", ".")


@nox.session(venv_backend="none")
def typing(session: nox.Session) -> None:
    """Type-check mock_backend and contracts with mypy --strict."""
    session.run(_tool("mypy"), *session.posargs)


#: One worker per core; a module's tests stay on one worker, so module fixtures (PostgreSQL) start once. The
#: modules go out in collection order, which tests/conftest.py starts with the slow ones (xdist's own order
#: puts the modules with the fewest tests last: the slowest, which then ran on one worker while the other idled).
_PARALLEL = ("-n", "auto", "--dist", "loadfile", "--no-loadscope-reorder")


@nox.session(venv_backend="none")
def tests(session: nox.Session) -> None:
    """Run the tests of the mock and the SDK (tests/), including the published npm SDK and the browser test."""
    session.run(_tool("pytest"), "tests", *_PARALLEL, *session.posargs)


@nox.session(venv_backend="none")
def coverage(session: nox.Session) -> None:
    """The tests with line and branch coverage (a table of what is not covered, and reports/coverage.xml)."""
    session.run(
        _tool("pytest"),
        "tests",
        *_PARALLEL,
        "--cov",
        "--cov-report=term:skip-covered",
        "--cov-report=xml:reports/coverage.xml",
        *session.posargs,
    )


@nox.session(venv_backend="none")
def contracts(session: nox.Session) -> None:
    """Run the contract suite against the in-process mock (no network)."""
    session.run(
        _tool("pytest"),
        "contracts/suite",
        "--target",
        "mock",
        "--junitxml=reports/junit-contracts.xml",
        *session.posargs,
    )


@nox.session(name="contracts-url", venv_backend="none")
def contracts_url(session: nox.Session) -> None:
    """Run the contract suite against a server by URL (PERMANENT_API_URL, … must be set; see README).

    Without them the run is one skip, unless PERMANENT_REQUIRE_TARGET=1 (or `-- --require-target`) makes it fail.
    """
    session.run(
        _tool("pytest"),
        "contracts/suite",
        "--target",
        "url",
        "--junitxml=reports/junit-contracts-url.xml",
        *session.posargs,
    )


@nox.session(venv_backend="none")
def record(session: nox.Session) -> None:
    """Record normalised snapshots of the scenarios (default: the in-process mock into snapshots/mock)."""
    options = session.posargs or ["--target", "mock", "--record-snapshots", "snapshots/mock"]
    session.run(_tool("pytest"), "contracts/suite", "--junitxml=reports/junit-record.xml", *options)


@nox.session(venv_backend="none")
def compare(session: nox.Session) -> None:
    """Write the drift report between two snapshot directories: nox -s compare -- A B [--out DIR]."""
    session.run(_tool("permanent-contracts"), "compare", *session.posargs)


@nox.session(venv_backend="none")
def selfcheck(session: nox.Session) -> None:
    """Run the suite against deliberately drifted mocks and report the kill rate (every drift must be caught)."""
    session.run(_tool("permanent-contracts"), "selfcheck", *session.posargs)


@nox.session(venv_backend="none")
def sweep(session: nox.Session) -> None:
    """List run folders that killed runs left in the url target's test folder; `-- --yes` deletes them (see README)."""
    session.run(_tool("permanent-contracts"), "sweep", *session.posargs)


@nox.session(venv_backend="none")
def bench(session: nox.Session) -> None:
    """Measure the speed and memory targets, as ratios against baselines taken in the same run."""
    # Exit 1 means a target was missed: still run the second benchmark, and let the tables say which.
    session.run(sys.executable, "benchmarks/bench.py", success_codes=[0, 1])
    session.run(sys.executable, "benchmarks/load.py", *session.posargs, success_codes=[0, 1])


@nox.session(venv_backend="none")
def soak(session: nox.Session) -> None:
    """Ten minutes of mixed load from 20 clients; prints the server's RSS each minute (`-- --minutes 2` shortens it)."""
    session.run(sys.executable, "benchmarks/soak.py", *session.posargs)


@nox.session(venv_backend="none")
def serve(session: nox.Session) -> None:
    """Start the mock with the seeded world (arguments go to `permanent-mock serve`)."""
    session.run(_tool("permanent-mock"), "serve", *session.posargs)
