"""The `permanent-contracts` command: compare two snapshot directories, run the self-check, or sweep leftovers."""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from contracts import differential, drift, mutants, selfcheck, sweep, targets
from contracts.sdk import AuthError, PermanentError

EXIT_CLEAN = 0
EXIT_DRIFT = 1
EXIT_FAILED = 1
EXIT_USAGE = 2
#: `sweep` leaves run folders younger than this (hours) alone unless `--older-than` says otherwise.
DEFAULT_SWEEP_HOURS = 6.0


def _parser() -> argparse.ArgumentParser:
    """Build the argument parser."""
    parser = argparse.ArgumentParser(prog="permanent-contracts", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    compare = commands.add_parser(
        "compare",
        help="write the drift report of B (candidate) against A (reference)",
        description="Compare two snapshot directories (one JSON file per scenario) and write a drift report "
        "as Markdown and JSON. Exits 1 when some drift is not explained by the allow-list, or when an "
        "allow-list entry explains nothing (a stale entry: remove it).",
    )
    compare.add_argument("a_dir", type=Path, metavar="A_DIR", help="reference snapshots, e.g. staging")
    compare.add_argument("b_dir", type=Path, metavar="B_DIR", help="candidate snapshots, e.g. the mock")
    compare.add_argument(
        "--allow",
        type=Path,
        default=drift.DEFAULT_ALLOWLIST,
        help="allow-list YAML of known differences (default: contracts/allowlist.yaml)",
    )
    compare.add_argument("--no-allow", action="store_true", help="apply no allow-list: report every difference")
    compare.add_argument(
        "--out",
        type=Path,
        default=Path("reports/drift"),
        help="report.md / report.json, or a directory for drift-report.{md,json} (default: reports/drift/)",
    )

    diff = commands.add_parser(
        "differential",
        help="ask two Stela bases (real Stela, the mock) the same reads and report the drift",
        description="The differential run (contracts/README.md, 'Real Stela as the arbiter'): the same Stela read "
        "requests, signed in and anonymous, against a reference and a candidate serving the same world. Exits 1 "
        "on unexplained drift or a stale allow-list entry.",
    )
    diff.add_argument("reference", metavar="REFERENCE_STELA_URL", help="e.g. http://127.0.0.1:3001/api/v2 (real Stela)")
    diff.add_argument("candidate", metavar="CANDIDATE_STELA_URL", help="e.g. http://127.0.0.1:8000/api/v2 (the mock)")
    diff.add_argument("--token", default=None, help="bearer token both accept (default: $PERMANENT_TOKEN)")
    diff.add_argument("--allow", type=Path, default=differential.ALLOWLIST, help="allow-list of explained differences")
    diff.add_argument("--out", type=Path, default=Path("reports/differential"), help="report directory or file")

    check = commands.add_parser(
        "selfcheck",
        help="run the suite against drifted mocks and report the kill rate",
        description=selfcheck.__doc__,
    )
    check.add_argument("--mutant", action="append", default=[], choices=sorted(mutants.BY_NAME), help="repeatable")
    check.add_argument("--jobs", type=int, default=2, help="suite processes at a time (default 2)")
    check.add_argument("--examples", type=int, default=selfcheck.DEFAULT_EXAMPLES, help="schemathesis examples")
    check.add_argument(
        "--all-modules",
        action="store_true",
        help="run every suite module against each mutant, not only those it is visible in, and fail when one shows "
        "in a module its visible_in leaves out",
    )
    check.add_argument("--out", type=Path, default=Path("reports/selfcheck.json"), help="JSON report")
    check.add_argument("--workdir", type=Path, default=None, help="keep runs and snapshots here (default: temporary)")

    leftovers = commands.add_parser(
        "sweep",
        help="list (with --yes: delete) run folders that killed runs left in the test folder",
        description=sweep.__doc__,
    )
    leftovers.add_argument(
        "--older-than",
        type=_hours,
        default=DEFAULT_SWEEP_HOURS,
        metavar="HOURS",
        help=f"only runs that started more than HOURS ago (default {DEFAULT_SWEEP_HOURS:g})",
    )
    leftovers.add_argument("--yes", action="store_true", help="delete them (default: a dry run that only lists them)")
    return parser


def _hours(raw: str) -> float:
    """Parse `--older-than`: a finite, non-negative number of hours."""
    try:
        hours = float(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of hours: {raw!r}") from None
    if not math.isfinite(hours) or hours < 0:
        raise argparse.ArgumentTypeError(f"must be a non-negative number of hours, got {raw!r}")
    return hours


def compare(a_dir: Path, b_dir: Path, allow: Path | None, out: Path) -> int:
    """Run `compare`; return the exit code (drift and stale allow-list entries both fail)."""
    try:
        entries = drift.load_allowlist(allow) if allow is not None else []
        report = drift.compare_dirs(a_dir, b_dir, entries)
    except (drift.SnapshotError, drift.AllowListError) as exc:
        print(f"permanent-contracts: {exc}", file=sys.stderr)
        return EXIT_USAGE
    markdown, data = drift.write_report(report, out)
    unexplained, explained = len(report.unexplained), len(report.explained)
    stale = report.stale_entries
    print(
        f"drift of {b_dir} against {a_dir}: {unexplained} unexplained, {explained} explained by the allow-list, "
        f"{len(stale)} stale allow-list entr{'y' if len(stale) == 1 else 'ies'}"
    )
    for entry in stale:
        print(f"  stale: {entry.operation} {entry.kind} {entry.path}: {entry.reason}")
    print(f"report: {markdown} and {data}")
    return EXIT_CLEAN if report.clean and not stale else EXIT_DRIFT


def run_differential(reference: str, candidate: str, token: str | None, allow: Path, out: Path) -> int:
    """Run `differential`; return the exit code (drift and stale allow-list entries both fail)."""
    token = token or os.environ.get("PERMANENT_TOKEN")
    if not token:
        print("permanent-contracts: a bearer token is needed (--token or PERMANENT_TOKEN)", file=sys.stderr)
        return EXIT_USAGE
    try:
        report = differential.run(reference, candidate, token, drift.load_allowlist(allow))
    except drift.AllowListError as exc:
        print(f"permanent-contracts: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except httpx.HTTPError as exc:
        print(f"permanent-contracts: cannot reach a Stela base: {exc}", file=sys.stderr)
        return EXIT_USAGE
    markdown, data = drift.write_report(report, out)
    print(
        f"{len(differential.probes())} probes: {len(report.unexplained)} unexplained, "
        f"{len(report.explained)} explained by {allow.name}, {len(report.stale_entries)} stale entries"
    )
    print(f"report: {markdown} and {data}")
    return EXIT_CLEAN if report.clean and not report.stale_entries else EXIT_DRIFT


def run_selfcheck(
    names: Sequence[str], jobs: int, examples: int, out: Path, workdir: Path | None, *, all_modules: bool = False
) -> int:
    """Run `selfcheck`; return the exit code."""
    with tempfile.TemporaryDirectory(prefix="permanent-selfcheck-") as scratch:
        report = selfcheck.run_selfcheck(
            workdir or Path(scratch), names, jobs=jobs, examples=examples, all_modules=all_modules
        )
        selfcheck.write(report, out)
    print(report.summary())
    print(f"report: {out}")
    return EXIT_CLEAN if report.passed else EXIT_DRIFT


def run_sweep(older_than_hours: float, yes: bool) -> int:
    """Run `sweep` on the url target the environment configures, built as the suite builds it; return the exit code.

    The target's guarded transport applies the suite's rate limit and write guard: the guard is told to
    allow each selected folder just before its deletion, so nothing else can be deleted.
    """
    try:
        target = targets.build("url")
    except targets.TargetUnavailable as exc:
        print(f"permanent-contracts: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except AuthError as exc:
        print(f"permanent-contracts: the url target's login was refused: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if target.test_folder_id is None:  # discovery always finds one, or raises
        print("permanent-contracts: the url target has no test folder", file=sys.stderr)
        return EXIT_USAGE
    now = datetime.now(UTC)
    older_than = timedelta(hours=older_than_hours)
    with target, target.client() as client:
        try:
            report = sweep.sweep(
                client,
                target.test_folder_id,
                older_than=older_than,
                now=now,
                keep={target.run_id},
                delete=yes,
                before_delete=target.guard.allow_folder,
            )
        except (PermanentError, httpx.HTTPError) as exc:
            print(f"permanent-contracts: cannot list test folder {target.test_folder_id}: {exc}", file=sys.stderr)
            return EXIT_FAILED
    _print_sweep(report, now, older_than_hours)
    return EXIT_CLEAN if report.ok else EXIT_FAILED


def _print_sweep(report: sweep.SweepReport, now: datetime, older_than_hours: float) -> None:
    """Print what a sweep selected and, unless it was a dry run, what happened to each folder."""
    print(
        f"test folder {report.test_folder_id}: {len(report.stale)} run folder(s) older than {older_than_hours:g} h, "
        f"{len(report.kept)} recent or current kept"
    )
    if report.dry_run:
        for run_folder in report.stale:
            print(f"would delete {sweep.describe(run_folder, now)}")
        if report.stale:
            print("dry run: nothing deleted; add --yes to delete them")
        return
    for run_folder in report.deleted:
        print(f"deleted {sweep.describe(run_folder, now)}")
    for run_folder in report.gone:
        print(f"already gone {sweep.describe(run_folder, now)}")
    for run_folder, reason in report.failed:
        print(f"could not delete {sweep.describe(run_folder, now)}: {reason}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `permanent-contracts`."""
    args = _parser().parse_args(argv)
    if args.command == "compare":
        return compare(args.a_dir, args.b_dir, None if args.no_allow else args.allow, args.out)
    if args.command == "differential":
        return run_differential(args.reference, args.candidate, args.token, args.allow, args.out)
    if args.command == "sweep":
        return run_sweep(args.older_than, args.yes)
    return run_selfcheck(args.mutant, args.jobs, args.examples, args.out, args.workdir, all_modules=args.all_modules)


if __name__ == "__main__":
    sys.exit(main())
