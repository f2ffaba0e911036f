"""The differential run: the same Stela read requests against two servers (e.g. real Stela and the mock), compared.

Both servers must hold the same world (real Stela loaded with `permanent-mock export --format stela-sql` of the
mock's data directory, its FUSIONAUTH_HOST at the mock so the mock's tokens sign in). Each request is sent to
both, signed in and anonymously; answers are normalised as recordings are and compared by the drift comparer
(statuses, fields, types, timestamp forms and values), with an allow-list for the known, explained differences.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx

from contracts import drift
from contracts.normalise import JsonValue, Normaliser, shape

#: Folder ids of the seeded demo world (README "The seeded world"): roots, a deep tree, 150 records, an empty folder.
SEEDED_FOLDERS = (1, 2, 3, 4, 13, 14, 15, 16, 17)
#: Another account's folder (Other Private Archive's My Files) and an id nobody has.
INVISIBLE_FOLDERS = (11, 999999)


@dataclass(frozen=True)
class Probe:
    """One Stela read: a name for the report, the path under the Stela base, the query and who asks."""

    name: str
    path: str
    query: tuple[tuple[str, str], ...] = ()
    signed_in: bool = True


def probes(folders: Sequence[int] = SEEDED_FOLDERS, invisible: Sequence[int] = INVISIBLE_FOLDERS) -> list[Probe]:
    """The requests of a differential run: folders and children pages (paging, edges, bad inputs), both routes."""
    found: list[Probe] = []
    for route in ("folder", "folders"):
        # The plural list is paged and wants a pageSize (real Stela at 3ee7ab2); the singular one takes none.
        paged: tuple[tuple[str, str], ...] = (("pageSize", "2"),) if route == "folders" else ()
        found.append(Probe(f"{route}:all", f"/{route}", (*(("folderIds[]", str(f)) for f in folders), *paged)))
        for folder in (*folders, *invisible):
            found.append(Probe(f"{route}:{folder}", f"/{route}", (("folderIds[]", str(folder)), *paged)))
            for size in ("2", "100"):
                found.append(
                    Probe(f"{route}:{folder}:children:{size}", f"/{route}/{folder}/children", (("pageSize", size),))
                )
        found.append(Probe(f"{route}:anonymous", f"/{route}", (("folderIds[]", str(folders[0])),), signed_in=False))
        found.append(
            Probe(f"{route}:anonymous:children", f"/{route}/{folders[-1]}/children", (("pageSize", "2"),), False)
        )
        found.append(Probe(f"{route}:no-brackets", f"/{route}", (("folderIds", str(folders[0])),)))
        found.append(Probe(f"{route}:no-ids", f"/{route}"))
        found.append(Probe(f"{route}:no-page-size", f"/{route}/{folders[0]}/children"))
        found.append(Probe(f"{route}:page-size-0", f"/{route}/{folders[0]}/children", (("pageSize", "0"),)))
    return found


def _snapshot(name: str, response: httpx.Response) -> dict[str, JsonValue]:
    """A one-exchange snapshot of an answer, normalised as recordings are."""
    try:
        body: object = response.json()
    except ValueError:
        body = response.text
    return {
        "outcome": "passed",
        "exchanges": [
            {
                "operation": name.split(":")[0],
                "response": {
                    "status": response.status_code,
                    "shape": dict(shape(body)),
                    "body": Normaliser().value(body),
                },
            }
        ],
    }


def _paged(client: httpx.Client, base: str, probe: Probe, headers: dict[str, str]) -> list[tuple[str, httpx.Response]]:
    """Send a probe; for a page with a cursor, also ask for the next page."""
    first = client.get(base + probe.path, params=probe.query, headers=headers)
    answers = [(probe.name, first)]
    body = first.json() if first.status_code == 200 else None
    if isinstance(body, dict) and isinstance(body.get("pagination"), dict):
        cursor = body["pagination"].get("nextCursor")
        if isinstance(cursor, str):
            query = (*probe.query, ("cursor", cursor))
            answers.append((f"{probe.name}:next", client.get(base + probe.path, params=query, headers=headers)))
    return answers


def run(
    reference: str,
    candidate: str,
    token: str,
    entries: Sequence[drift.AllowEntry] = (),
    selected: Sequence[Probe] | None = None,
    client: httpx.Client | None = None,
) -> drift.DriftReport:
    """Ask both Stela bases the same probes and return the drift of the candidate against the reference."""
    a: dict[str, dict[str, JsonValue]] = {}
    b: dict[str, dict[str, JsonValue]] = {}
    own = client is None
    http = httpx.Client(timeout=30) if client is None else client
    try:
        for probe in selected if selected is not None else probes():
            headers = {"Authorization": f"Bearer {token}"} if probe.signed_in else {}
            for name, answer in _paged(http, reference.rstrip("/"), probe, headers):
                a[name] = _snapshot(name, answer)
            for name, answer in _paged(http, candidate.rstrip("/"), probe, headers):
                b[name] = _snapshot(name, answer)
    finally:
        if own:
            http.close()
    return drift.build_report(a, b, entries, a_label=reference, b_label=candidate)


#: The allow-list of the differential run (known, explained differences between real Stela and the mock).
ALLOWLIST = Path(__file__).resolve().parent / "differential-allowlist.yaml"
