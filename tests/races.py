"""The same-name race across two mock processes on one database (issue 8, finding 1)."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import httpx

from contracts.sdk.client import PermanentClient
from mock_backend import Settings, create_app
from mock_backend.domain.seed import DEMO_EMAIL
from mock_backend.testing import mint_token
from tests import processes


@dataclass
class RaceResult:
    """What the racers got back: status counts and the downloadNames of the successes."""

    statuses: Counter[int]
    names: list[str]
    listed: list[str]


def _my_files(base: str, headers: dict[str, str]) -> int:
    archives = httpx.get(f"{base}/api/archive/getAllArchives", headers=headers).json()
    owned = next(a["archiveId"] for a in archives if a["accessRole"] == "access.role.owner")
    root = httpx.get(f"{base}/api/folder/getRoot", params={"archiveId": owned}, headers=headers).json()
    return int(next(c["folderId"] for c in root["ChildItemVOs"] if c["type"] == "type.folder.root.private"))


def race_two_processes(
    data_dir: Path, database_url: str | None, *, folders: int = 200, records: int = 100
) -> tuple[RaceResult, RaceResult]:
    """Run `folders` folder/post and `records` registerRecord of one name each, spread over two servers.

    Both servers share `data_dir` (and `database_url` when given). Returns (folder race, record race).
    """
    storage = ["--data-dir", str(data_dir)] + (["--database-url", database_url] if database_url else [])
    token = mint_token(create_app(Settings(data_dir=data_dir, database_url=database_url)), DEMO_EMAIL)
    headers = {"Authorization": f"Bearer {token}", "Request-Version": "2"}
    with ExitStack() as stack:
        urls = [
            stack.enter_context(processes.served(*storage, "--port", "0", "--log-level", "warning")).url
            for _ in range(2)
        ]
        parent = _my_files(urls[0], headers)
        folder_parent, record_parent = (
            int(
                httpx.post(
                    f"{urls[0]}/api/folder/post", headers=headers, json={"displayName": name, "parentFolderId": parent}
                ).json()["folderId"]
            )
            for name in ("folder race", "record race")
        )
        uploads = []
        for n in range(records):
            with PermanentClient.for_base_url(urls[n % 2], token=token) as client:
                uploads.append(client.upload_file(b"race %d" % n, name="same.txt", parent_folder_id=record_parent))

        def post_folder(n: int) -> httpx.Response:
            body = {"displayName": "same", "parentFolderId": folder_parent}
            return httpx.post(f"{urls[n % 2]}/api/folder/post", headers=headers, json=body, timeout=60)

        def register(n: int) -> httpx.Response:
            body = {
                "s3url": uploads[n],
                "displayName": "same.txt",
                "parentFolderId": record_parent,
                "uploadFileName": "same.txt",
                "size": 7,
            }
            return httpx.post(f"{urls[n % 2]}/api/record/registerRecord", headers=headers, json=body, timeout=60)

        results = []
        for call, count, folder_id in ((post_folder, folders, folder_parent), (register, records, record_parent)):
            with ThreadPoolExecutor(max_workers=32) as pool:
                answers = list(pool.map(call, range(count)))
            listing = httpx.get(
                f"{urls[1]}/api/folder/getWithChildren",
                params={"folderId": folder_id, "archiveId": answers[0].json().get("archiveId", 0)},
                headers=headers,
            ).json()
            results.append(
                RaceResult(
                    statuses=Counter(a.status_code for a in answers),
                    names=[a.json()["downloadName"] for a in answers if a.status_code == 200],
                    listed=sorted(c["downloadName"] for c in listing.get("ChildItemVOs", [])),
                )
            )
    return results[0], results[1]


def assert_no_lost_race(folders: RaceResult, records: RaceResult) -> None:
    """Every racer got 200, every name is distinct, and the folder lists exactly those names."""
    assert (folders.statuses, len(set(folders.names)), sorted(folders.names) == folders.listed) == (
        Counter({200: len(folders.names)}),
        sum(folders.statuses.values()),
        True,
    )
    assert (records.statuses, len(set(records.names)), sorted(records.names) == records.listed) == (
        Counter({200: len(records.names)}),
        sum(records.statuses.values()),
        True,
    )
