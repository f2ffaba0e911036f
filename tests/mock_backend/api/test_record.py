"""Tests of mock_backend.api.record: record/get, the upload flow (getPresignedUrl, POST, registerRecord), delete."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from flask import Flask
from flask.testing import FlaskClient

from mock_backend.domain import messages
from mock_backend.domain.clock import FrozenClock
from tests.conftest import BOUNDARY, Api, World, error_key, multipart_body, ok

#: Seeded payloads: empty, small, and ~6 MB (several multipart reads and blob-writer chunks).
PAYLOADS = {
    "zero-bytes": b"",
    "small": b"hello, permanent\n",
    "six-megabytes": random.Random(20240301).randbytes(6 * 1024 * 1024 + 123),
}
STELA_FILE_FIELDS = {"fileId", "size", "format", "type", "fileUrl", "downloadUrl", "createdAt", "updatedAt"}


def _names(api: Api, world: World, folder_id: int) -> list[str]:
    return [c["downloadName"] for c in api.children(folder_id, world.demo_archive)]


def _stela_items(api: Api, folder_id: int) -> list[dict[str, Any]]:
    return list(ok(api.stela_children(folder_id, page_size=1000))["items"])


# ---------------------------------------------------------------- record/get
def test_get_record_answers_original_file_first(api: Api, world: World) -> None:
    """record/get answers the RecordVO with FileVOs, the original first."""
    notes = api.child(world.documents, world.demo_archive, "notes.txt")
    record = ok(api.get("/api/record/get", recordId=notes["recordId"], archiveId=world.demo_archive))
    assert (record["FileVOs"][0]["format"], record["FileVOs"][0]["size"]) == ("file.format.original", 13)


def test_get_record_other_accounts_record_is_record_lookup(api: Api, world: World) -> None:
    """Another account's record answers 404 error.record.lookup."""
    secret = api.child(world.private_my_files, world.private_archive, "secret.txt", "other")
    response = api.get("/api/record/get", recordId=secret["recordId"], archiveId=world.private_archive)
    assert (response.status_code, error_key(response)) == (404, messages.RECORD_LOOKUP)


def test_get_record_outside_archive_is_record_lookup(api: Api, world: World) -> None:
    """A record asked for under another archiveId answers 404 error.record.lookup."""
    notes = api.child(world.documents, world.demo_archive, "notes.txt")
    response = api.get("/api/record/get", recordId=notes["recordId"], archiveId=world.family_archive)
    assert (response.status_code, error_key(response)) == (404, messages.RECORD_LOOKUP)


def test_get_record_viewer_reads_shared_record(api: Api, world: World) -> None:
    """A viewer can read a record of the shared archive, bytes included."""
    tree = api.child(world.family_my_files, world.family_archive, "family-tree.txt")
    record = ok(api.get("/api/record/get", recordId=tree["recordId"], archiveId=world.family_archive))
    assert api.download(record["FileVOs"][0]["downloadURL"]).data == b"Grandparents, parents, us.\n"


# ---------------------------------------------------------------- getPresignedUrl
def test_get_presigned_url_points_at_mock_s3(api: Api, world: World) -> None:
    """The S3UploadVO posts to {base}/s3/{bucket}; destinationUrl is that URL plus the key."""
    presigned = api.presign(world.my_files, "a.txt", 3)
    post = presigned["presignedPost"]
    assert (post["url"], presigned["destinationUrl"]) == (
        "http://localhost/s3/permanent-mock",
        f"{post['url']}/{post['fields']['key']}",
    )


def test_get_presigned_url_twice_gives_distinct_destinations(api: Api, world: World) -> None:
    """Every getPresignedUrl reserves a new destination, even for the same name."""
    first, second = (api.presign(world.my_files, "a.txt", 3)["destinationUrl"] for _ in range(2))
    assert first != second


@pytest.mark.parametrize("missing", ["displayName", "parentFolderId", "uploadFileName", "fileType", "size"])
def test_get_presigned_url_missing_field_is_validation_empty(api: Api, world: World, missing: str) -> None:
    """Each of the five fields is required: without it, 400 warning.validation.empty."""
    body = {
        "displayName": "a.txt",
        "parentFolderId": world.my_files,
        "uploadFileName": "a.txt",
        "fileType": "text/plain",
        "size": 3,
    }
    del body[missing]
    response = api.post("/api/record/getPresignedUrl", body)
    assert (response.status_code, error_key(response)) == (400, messages.VALIDATION_EMPTY)


@pytest.mark.parametrize("size", [-1, 1.5, "ten", True], ids=["negative", "fraction", "word", "boolean"])
def test_get_presigned_url_bad_size_is_invalid_request(api: Api, world: World, size: object) -> None:
    """A size that is not a non-negative integer answers 400 error.api.invalid_request."""
    body = {
        "displayName": "a.txt",
        "parentFolderId": world.my_files,
        "uploadFileName": "a.txt",
        "fileType": "text/plain",
        "size": size,
    }
    response = api.post("/api/record/getPresignedUrl", body)
    assert (response.status_code, error_key(response)) == (400, messages.INVALID_REQUEST)


def test_get_presigned_url_beyond_5_gib_is_issued_and_the_body_limit_applies_at_upload(api: Api, world: World) -> None:
    """The contract sets no maximum size: a 6 GiB declaration gets a presigned POST (S3 refuses bodies later)."""
    presigned = api.presign(world.my_files, "huge.bin", 6 * 1024**3)
    assert presigned["presignedPost"]["url"] == "http://localhost/s3/permanent-mock"


def test_get_presigned_url_viewer_is_no_action_permission(api: Api, world: World) -> None:
    """A viewer may not upload: getPresignedUrl in Family Archive answers 403."""
    body = {
        "displayName": "a.txt",
        "parentFolderId": world.family_my_files,
        "uploadFileName": "a.txt",
        "fileType": "text/plain",
        "size": 3,
    }
    response = api.post("/api/record/getPresignedUrl", body)
    assert (response.status_code, error_key(response)) == (403, messages.NO_ACTION_PERMISSION)


def test_get_presigned_url_unknown_parent_is_folder_lookup(api: Api) -> None:
    """An unknown parent answers 404 error.folder.lookup."""
    body = {"displayName": "a", "parentFolderId": 987654, "uploadFileName": "a", "fileType": "text/plain", "size": 1}
    response = api.post("/api/record/getPresignedUrl", body)
    assert (response.status_code, error_key(response)) == (404, messages.FOLDER_LOOKUP)


# ---------------------------------------------------------------- the presigned POST
@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_upload_any_size_answers_204(api: Api, world: World, payload: bytes) -> None:
    """The presigned POST of 0 bytes, a few bytes or ~6 MB answers 204."""
    presigned = api.presign(world.my_files, "blob.bin", len(payload))
    response = api.upload_bytes(presigned, payload)
    assert (response.status_code, response.data) == (204, b"")


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_upload_then_register_records_exact_size_and_md5(api: Api, world: World, payload: bytes) -> None:
    """registerRecord reports the received size and MD5 of the bytes exactly."""
    record = api.upload(world.my_files, "blob.bin", payload)
    original = record["FileVOs"][0]
    expected_md5 = hashlib.md5(payload, usedforsecurity=False).hexdigest()
    assert (record["size"], original["size"], original["md5Checksum"]) == (len(payload), len(payload), expected_md5)


@pytest.mark.parametrize("payload", PAYLOADS.values(), ids=PAYLOADS.keys())
def test_upload_then_download_returns_same_bytes(api: Api, world: World, payload: bytes) -> None:
    """The original's downloadURL serves exactly the uploaded bytes."""
    record = api.upload(world.my_files, "blob.bin", payload)
    assert api.download(record["FileVOs"][0]["downloadURL"]).data == payload


def test_upload_file_part_without_filename_is_stored(api: Api, world: World) -> None:
    """A `file` part without a filename (sftp-service's form) is stored verbatim."""
    payload = b"\x00\x01 binary \xff\xfe"
    presigned = api.presign(world.my_files, "raw.bin", len(payload))
    api.upload_bytes(presigned, payload, filename=None)
    record = ok(api.register(presigned, world.my_files, "raw.bin", len(payload)))
    assert api.download(record["FileVOs"][0]["fileURL"]).data == payload


def test_upload_file_part_with_filename_is_stored(api: Api, world: World) -> None:
    """A `file` part with a filename (browser/SDK form) is stored verbatim too."""
    payload = b"named part"
    presigned = api.presign(world.my_files, "named.txt", len(payload))
    api.upload_bytes(presigned, payload, filename="named.txt")
    record = ok(api.register(presigned, world.my_files, "named.txt", len(payload)))
    assert api.download(record["FileVOs"][0]["fileURL"]).data == payload


def _chunked(body: bytes, size: int) -> Iterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


@pytest.mark.parametrize("size", [0, 300_000], ids=["zero-bytes", "300-kB"])
def test_upload_chunked_body_is_stored(api: Api, world: World, http: httpx.Client, size: int) -> None:
    """A chunked (Content-Length-less) body through waitress is stored verbatim, 0 bytes included."""
    payload = random.Random(size).randbytes(size)
    body = {
        "displayName": "chunked.bin",
        "parentFolderId": world.my_files,
        "uploadFileName": "chunked.bin",
        "fileType": "application/octet-stream",
        "size": size,
    }
    presigned = http.post("/api/record/getPresignedUrl", json=body, headers=api.headers()).json()
    form = {**presigned["presignedPost"]["fields"], "Content-Type": "application/octet-stream"}
    multipart, content_type = multipart_body(form, payload, None)
    posted = http.post(
        presigned["presignedPost"]["url"], content=_chunked(multipart, 8192), headers={"Content-Type": content_type}
    )
    registered = http.post(
        "/api/record/registerRecord",
        json={**body, "s3url": presigned["destinationUrl"]},
        headers=api.headers(),
    ).json()
    downloaded = http.get(registered["FileVOs"][0]["downloadURL"]).content
    assert (posted.request.headers.get("Transfer-Encoding"), posted.status_code, downloaded) == (
        "chunked",
        204,
        payload,
    )


def test_upload_wrong_signature_is_upload_signature(api: Api, world: World) -> None:
    """A tampered X-Amz-Signature answers 403 error.upload.signature."""
    presigned = api.presign(world.my_files, "a.txt", 3)
    response = api.upload_bytes(presigned, b"abc", fields={"X-Amz-Signature": "0" * 64})
    assert (response.status_code, error_key(response)) == (403, messages.UPLOAD_SIGNATURE)


def test_upload_tampered_policy_is_upload_signature(api: Api, world: World) -> None:
    """A Policy changed after signing no longer matches its signature: 403 error.upload.signature."""
    presigned = api.presign(world.my_files, "a.txt", 3)
    policy = presigned["presignedPost"]["fields"]["Policy"]
    response = api.upload_bytes(presigned, b"abc", fields={"Policy": policy[:-4] + "AAA="})
    assert (response.status_code, error_key(response)) == (403, messages.UPLOAD_SIGNATURE)


def test_upload_other_key_is_upload_policy(api: Api, world: World) -> None:
    """Posting under another key than the signed one breaks the policy: 403 error.upload.policy."""
    presigned = api.presign(world.my_files, "a.txt", 3)
    response = api.upload_bytes(presigned, b"abc", fields={"key": "mock/unprocessed/elsewhere"})
    assert (response.status_code, error_key(response)) == (403, messages.UPLOAD_POLICY)


def test_upload_expired_policy_is_upload_expired(api: Api, world: World, clock: FrozenClock) -> None:
    """A presigned POST used after upload_url_ttl (1 h) answers 403 error.upload.expired."""
    presigned = api.presign(world.my_files, "a.txt", 3)
    clock.advance(3600)
    response = api.upload_bytes(presigned, b"abc")
    assert (response.status_code, error_key(response)) == (403, messages.UPLOAD_EXPIRED)


def test_upload_content_type_mismatch_is_upload_policy(api: Api, world: World) -> None:
    """A Content-Type other than the declared fileType answers 403 error.upload.policy."""
    presigned = api.presign(world.my_files, "a.txt", 3)
    response = api.upload_bytes(presigned, b"abc", content_type="text/plain")
    assert (response.status_code, error_key(response)) == (403, messages.UPLOAD_POLICY)


def test_upload_body_larger_than_declared_is_upload_too_large(api: Api, world: World) -> None:
    """More bytes than the declared size answer 400 error.upload.too_large (S3's EntityTooLarge)."""
    presigned = api.presign(world.my_files, "a.txt", 3)
    response = api.upload_bytes(presigned, b"abcd")
    assert (response.status_code, error_key(response)) == (400, messages.UPLOAD_TOO_LARGE)


def test_upload_smaller_than_declared_is_accepted(api: Api, world: World) -> None:
    """The declared size is a maximum (content-length-range 0..size): fewer bytes are fine."""
    presigned = api.presign(world.my_files, "a.txt", 10)
    assert api.upload_bytes(presigned, b"abc").status_code == 204


def test_upload_without_file_part_is_upload_malformed(api: Api, world: World) -> None:
    """A form without a `file` part answers 400 error.upload.malformed."""
    presigned = api.presign(world.my_files, "a.txt", 3)
    fields = {**presigned["presignedPost"]["fields"], "Content-Type": "application/octet-stream"}
    parts = "".join(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n' for k, v in fields.items()
    )
    response = api.client.post(
        presigned["presignedPost"]["url"],
        data=f"{parts}--{BOUNDARY}--\r\n".encode(),
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    )
    assert (response.status_code, error_key(response)) == (400, messages.UPLOAD_MALFORMED)


def test_upload_not_multipart_is_upload_malformed(api: Api, world: World) -> None:
    """A body that is not multipart/form-data answers 400 error.upload.malformed."""
    presigned = api.presign(world.my_files, "a.txt", 3)
    response = api.client.post(presigned["presignedPost"]["url"], json=presigned["presignedPost"]["fields"])
    assert (response.status_code, error_key(response)) == (400, messages.UPLOAD_MALFORMED)


def test_upload_unknown_bucket_is_not_found(api: Api, world: World) -> None:
    """A POST to a bucket the mock never issued answers 404."""
    presigned = api.presign(world.my_files, "a.txt", 3)
    presigned["presignedPost"]["url"] = "http://localhost/s3/some-other-bucket"
    response = api.upload_bytes(presigned, b"abc")
    assert (response.status_code, error_key(response)) == (404, messages.UPLOAD_MALFORMED)


# ---------------------------------------------------------------- registerRecord
def test_register_record_never_issued_s3url_is_destination_url(api: Api, world: World) -> None:
    """An s3url the mock never issued answers 400 error.validate.destination_url and creates nothing."""
    before = _names(api, world, world.my_files)
    fake = {"destinationUrl": "http://localhost/s3/permanent-mock/mock/unprocessed/never-issued"}
    response = api.register(fake, world.my_files, "ghost.txt", 3)
    assert (response.status_code, error_key(response), _names(api, world, world.my_files)) == (
        400,
        messages.DESTINATION_URL,
        before,
    )


def test_register_record_issued_but_not_uploaded_is_destination_url(api: Api, world: World) -> None:
    """An s3url that received no bytes answers 400 error.validate.destination_url."""
    presigned = api.presign(world.my_files, "a.txt", 3)
    response = api.register(presigned, world.my_files, "a.txt", 3)
    assert (response.status_code, error_key(response)) == (400, messages.DESTINATION_URL)


def test_register_record_after_refused_upload_is_destination_url(api: Api, world: World) -> None:
    """Bytes refused by the policy are not kept: registering them answers 400 error.validate.destination_url."""
    presigned = api.presign(world.my_files, "a.txt", 3)
    api.upload_bytes(presigned, b"abc", content_type="text/plain")
    response = api.register(presigned, world.my_files, "a.txt", 3)
    assert (response.status_code, error_key(response)) == (400, messages.DESTINATION_URL)


def test_register_record_other_accounts_s3url_is_destination_url(api: Api, world: World) -> None:
    """An upload issued to another account cannot be registered: 400 error.validate.destination_url."""
    presigned = api.presign(world.private_my_files, "theirs.txt", 3, account="other")
    api.upload_bytes(presigned, b"abc")
    response = api.register(presigned, world.my_files, "theirs.txt", 3, account="demo")
    assert (response.status_code, error_key(response)) == (400, messages.DESTINATION_URL)


def test_register_record_twice_is_destination_url(api: Api, world: World) -> None:
    """An upload is registered once; a second registerRecord answers 400 and adds no second record."""
    presigned = api.presign(world.my_files, "once.txt", 3)
    api.upload_bytes(presigned, b"abc")
    ok(api.register(presigned, world.my_files, "once.txt", 3))
    response = api.register(presigned, world.my_files, "once.txt", 3)
    assert (response.status_code, error_key(response), _names(api, world, world.my_files).count("once (1).txt")) == (
        400,
        messages.DESTINATION_URL,
        0,
    )


def test_register_record_answers_original_file_vo(api: Api, world: World) -> None:
    """registerRecord answers FileVOs = [the original], with format, size, MD5 and a download URL."""
    payload = b"fresh bytes"
    record = api.upload(world.my_files, "fresh.txt", payload)
    [original] = record["FileVOs"]
    assert (
        original["format"],
        original["size"],
        original["md5Checksum"],
        original["downloadURL"].startswith("http://localhost/cdn/files/"),
    ) == ("file.format.original", len(payload), hashlib.md5(payload, usedforsecurity=False).hexdigest(), True)


def test_register_record_keeps_names_as_sent(api: Api, world: World) -> None:
    """A free name is kept: displayName, uploadFileName and downloadName are the basename sent."""
    record = api.upload(world.my_files, "kept name.txt", b"x")
    assert (record["displayName"], record["uploadFileName"], record["downloadName"]) == ("kept name.txt",) * 3


def test_register_record_size_is_received_not_declared(api: Api, world: World) -> None:
    """The record's size is what S3 received, whatever registerRecord declares."""
    presigned = api.presign(world.my_files, "short.txt", 10)
    api.upload_bytes(presigned, b"abc")
    record = ok(api.register(presigned, world.my_files, "short.txt", 10))
    assert (record["size"], record["FileVOs"][0]["size"]) == (3, 3)


def test_register_record_appears_in_stela_children_with_complete_files(api: Api, world: World) -> None:
    """The new record is in the next Stela listing of its parent, with all eight StelaFile fields."""
    record = api.upload(world.my_files, "listed.txt", b"listed")
    item = next(i for i in _stela_items(api, world.my_files) if i.get("recordId") == str(record["recordId"]))
    [stela_file] = item["files"]
    assert (item["downloadName"], set(stela_file), stela_file["format"], stela_file["size"]) == (
        "listed.txt",
        STELA_FILE_FIELDS,
        "file.format.original",
        6,
    )


def test_register_record_stela_download_url_serves_bytes(api: Api, world: World) -> None:
    """The StelaFile downloadUrl of a new record serves its bytes (the URL sftp-service reads)."""
    record = api.upload(world.my_files, "via-stela.txt", b"stela bytes")
    item = next(i for i in _stela_items(api, world.my_files) if i.get("recordId") == str(record["recordId"]))
    assert api.download(item["files"][0]["downloadUrl"]).data == b"stela bytes"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("photo.png", "type.record.image"),
        ("SCAN.PDF", "type.record.pdf"),
        ("notes.txt", "type.record.document"),
        ("data.csv", "type.record.spreadsheet"),
        ("movie.mp4", "type.record.video"),
        ("song.mp3", "type.record.audio"),
        ("blob.xyz", "type.record.unknown"),
        ("README", "type.record.unknown"),
    ],
    ids=["png", "upper-case-pdf", "txt", "csv", "mp4", "mp3", "unknown-extension", "no-extension"],
)
def test_register_record_type_follows_extension(api: Api, world: World, name: str, expected: str) -> None:
    """The record type is derived from the uploaded file's extension."""
    assert api.upload(world.my_files, name, b"x")["type"] == expected


@pytest.mark.parametrize("settings_overrides", [{"processing_seconds": 5}], ids=["processing-5s"])
def test_register_record_while_processing_is_status_uploaded(api: Api, world: World) -> None:
    """Right after registerRecord the record reads status.record.uploaded while processing runs."""
    record = api.upload(world.my_files, "slow.txt", b"slow")
    fetched = ok(api.get("/api/record/get", recordId=record["recordId"], archiveId=world.demo_archive))
    assert (record["status"], fetched["status"]) == ("status.record.uploaded", "status.record.uploaded")


@pytest.mark.parametrize("settings_overrides", [{"processing_seconds": 5}], ids=["processing-5s"])
def test_register_record_after_processing_is_status_ok(api: Api, world: World, clock: FrozenClock) -> None:
    """Once processing_seconds have passed, the record reads status.generic.ok."""
    record = api.upload(world.my_files, "slow.txt", b"slow")
    clock.advance(5)
    fetched = ok(api.get("/api/record/get", recordId=record["recordId"], archiveId=world.demo_archive))
    assert fetched["status"] == "status.generic.ok"


HIDDEN_WHILE_PROCESSING = {"processing_seconds": 5, "hide_unprocessed_files": True}


@pytest.mark.parametrize("settings_overrides", [HIDDEN_WHILE_PROCESSING], ids=["hidden-5s"])
def test_register_record_hiding_unprocessed_files_answers_null_file_vos(app: Flask, api: Api, world: World) -> None:
    """With hide_unprocessed_files, registerRecord answers FileVOs null, as before PER-9417.

    The switch reproduces an older backend on purpose, outside today's contract (D6), so this test
    reads the answer without the contract check.
    """
    api.client = FlaskClient(app, use_cookies=False)
    assert api.upload(world.my_files, "hidden.txt", b"h")["FileVOs"] is None


@pytest.mark.parametrize("settings_overrides", [HIDDEN_WHILE_PROCESSING], ids=["hidden-5s"])
def test_stela_listing_hiding_unprocessed_files_shows_files_after_processing(
    app: Flask, api: Api, world: World, clock: FrozenClock
) -> None:
    """Stela lists a processing record with no files, and with its original once processing ends."""
    api.client = FlaskClient(app, use_cookies=False)
    api.upload(world.my_files, "hidden.txt", b"h")

    def files() -> list[dict[str, Any]]:
        item = next(i for i in _stela_items(api, world.my_files) if i.get("downloadName") == "hidden.txt")
        return list(item["files"])

    before = files()
    clock.advance(5)
    assert (before, [f["format"] for f in files()]) == ([], ["file.format.original"])


def test_register_record_without_processing_is_status_ok(api: Api, world: World) -> None:
    """With processing_seconds=0 a new record is status.generic.ok at once."""
    assert api.upload(world.my_files, "quick.txt", b"q")["status"] == "status.generic.ok"


def test_register_record_duplicate_name_keeps_extension(api: Api, world: World) -> None:
    """A third notes.txt in Documents gets downloadName "notes (2).txt"; displayName is unchanged."""
    record = api.upload(world.documents, "notes.txt", b"third")
    assert (record["displayName"], record["downloadName"]) == ("notes.txt", "notes (2).txt")


def test_register_record_name_of_folder_is_suffixed(api: Api, world: World) -> None:
    """A record named like a sibling folder ("Photos") is suffixed: names clash across types."""
    assert api.upload(world.my_files, "Photos", b"x")["downloadName"] == "Photos (1)"


def test_register_record_fail_on_duplicate_is_conflict_and_creates_nothing(api: Api, world: World) -> None:
    """With failOnDuplicateName a taken name answers 409 error.item.duplicate_name and adds no record."""
    before = _names(api, world, world.documents)
    presigned = api.presign(world.documents, "notes.txt", 3)
    api.upload_bytes(presigned, b"dup")
    response = api.register(presigned, world.documents, "notes.txt", 3, failOnDuplicateName=True)
    assert (response.status_code, error_key(response), _names(api, world, world.documents)) == (
        409,
        messages.DUPLICATE_NAME,
        before,
    )


def test_register_record_string_parent_id_is_accepted(api: Api, world: World) -> None:
    """parentFolderId may be a digit string (SDK 0.10 posts Stela's string ids back)."""
    presigned = api.presign(world.my_files, "s.txt", 1)
    api.upload_bytes(presigned, b"s")
    record = ok(api.register(presigned, str(world.my_files), "s.txt", 1))
    assert record["parentFolderId"] == world.my_files


def test_register_record_into_viewer_folder_is_no_action_permission(api: Api, world: World) -> None:
    """Registering an own upload into a folder where the caller is a viewer answers 403 and adds nothing."""
    presigned = api.presign(world.my_files, "sneak.txt", 3)
    api.upload_bytes(presigned, b"abc")
    response = api.register(presigned, world.family_my_files, "sneak.txt", 3)
    names = [c["downloadName"] for c in api.children(world.family_my_files, world.family_archive)]
    assert (response.status_code, error_key(response), "sneak.txt" in names) == (
        403,
        messages.NO_ACTION_PERMISSION,
        False,
    )


# ---------------------------------------------------------------- record/delete
def test_delete_record_answers_empty_200(api: Api, world: World) -> None:
    """record/delete answers 200 with an empty body."""
    report = api.child(world.documents, world.demo_archive, "report.csv")
    response = api.delete("/api/record/delete", recordId=report["recordId"])
    assert (response.status_code, response.data) == (200, b"")


def test_delete_record_then_get_is_record_lookup(api: Api, world: World) -> None:
    """A deleted record answers record/get with 404 error.record.lookup."""
    report = api.child(world.documents, world.demo_archive, "report.csv")
    api.delete("/api/record/delete", recordId=report["recordId"])
    response = api.get("/api/record/get", recordId=report["recordId"], archiveId=world.demo_archive)
    assert (response.status_code, error_key(response)) == (404, messages.RECORD_LOOKUP)


def test_delete_record_leaves_stela_listing(api: Api, world: World) -> None:
    """A deleted record is gone from the Stela children of its parent."""
    report = api.child(world.documents, world.demo_archive, "report.csv")
    api.delete("/api/record/delete", recordId=report["recordId"])
    assert "report.csv" not in [i["downloadName"] for i in _stela_items(api, world.documents)]


def test_delete_record_download_url_is_file_lookup(api: Api, world: World) -> None:
    """A deleted record's download URL answers 404 error.file.lookup."""
    report = api.child(world.documents, world.demo_archive, "report.csv")
    record = ok(api.get("/api/record/get", recordId=report["recordId"], archiveId=world.demo_archive))
    api.delete("/api/record/delete", recordId=report["recordId"])
    response = api.download(record["FileVOs"][0]["downloadURL"])
    assert (response.status_code, error_key(response)) == (404, messages.FILE_LOOKUP)


def test_delete_record_name_is_reusable_without_suffix(api: Api, world: World) -> None:
    """After deleting report.csv, a new report.csv keeps its name even with failOnDuplicateName."""
    report = api.child(world.documents, world.demo_archive, "report.csv")
    api.delete("/api/record/delete", recordId=report["recordId"])
    record = api.upload(world.documents, "report.csv", b"new", failOnDuplicateName=True)
    assert record["downloadName"] == "report.csv"


def test_delete_record_viewer_is_no_action_permission_and_deletes_nothing(api: Api, world: World) -> None:
    """A viewer may not delete records: 403, and the record stays."""
    tree = api.child(world.family_my_files, world.family_archive, "family-tree.txt")
    response = api.delete("/api/record/delete", recordId=tree["recordId"])
    still = api.get("/api/record/get", recordId=tree["recordId"], archiveId=world.family_archive)
    assert (response.status_code, error_key(response), still.status_code) == (403, messages.NO_ACTION_PERMISSION, 200)


def test_delete_record_other_accounts_record_is_record_lookup(api: Api, world: World) -> None:
    """Another account's record answers record/delete with 404 error.record.lookup."""
    secret = api.child(world.private_my_files, world.private_archive, "secret.txt", "other")
    response = api.delete("/api/record/delete", recordId=secret["recordId"])
    assert (response.status_code, error_key(response)) == (404, messages.RECORD_LOOKUP)


def test_delete_record_unknown_is_record_lookup(api: Api) -> None:
    """An unknown recordId answers 404 error.record.lookup."""
    response = api.delete("/api/record/delete", recordId=987654)
    assert (response.status_code, error_key(response)) == (404, messages.RECORD_LOOKUP)


@pytest.mark.parametrize("settings_overrides", [{"enforce_deletion_gate": True}], ids=["gate-enforced"])
def test_delete_record_closed_gate_is_no_action_permission(api: Api, world: World) -> None:
    """With enforce_deletion_gate, an account whose allowSftpDeletion is false cannot delete (403)."""
    api.client.patch("/_mock/account", json={"allowSftpDeletion": False}, headers=api.headers())
    report = api.child(world.documents, world.demo_archive, "report.csv")
    response = api.delete("/api/record/delete", recordId=report["recordId"])
    assert (response.status_code, error_key(response)) == (403, messages.NO_ACTION_PERMISSION)


# ---------------------------------------------------------------- record/update
def test_update_record_renames_and_answers_record_vo(api: Api, world: World) -> None:
    """record/update with the whole RecordVO renames, keeps the extension, stores description and displayDT."""
    record = api.upload(world.my_files, "letter.txt", b"dear")
    sent = {
        **record,
        "displayName": "Holiday letter",
        "description": "From Brittany",
        "displayDT": "1999-05-01T10:00:00",
    }
    updated = ok(api.post("/api/record/update", sent))
    assert (updated["displayName"], updated["downloadName"], updated["description"], updated["displayDT"]) == (
        "Holiday letter",
        "Holiday letter.txt",
        "From Brittany",
        "1999-05-01T10:00:00",
    )


def test_update_record_shows_in_record_get(api: Api, world: World) -> None:
    """The change is stored: record/get answers the new names afterwards."""
    record = api.upload(world.my_files, "letter.txt", b"dear")
    ok(api.post("/api/record/update", {"recordId": record["recordId"], "displayName": "letter"}))
    stored = ok(api.get("/api/record/get", recordId=record["recordId"], archiveId=world.demo_archive))
    assert (stored["displayName"], stored["downloadName"]) == ("letter", "letter.txt")


def test_update_record_viewer_is_no_action_permission(api: Api, world: World) -> None:
    """demo views the Family Archive and may not edit its records: 403 error.generic.no_action_permission."""
    recipes = api.children(world.recipes, world.family_archive)
    record = next(c for c in recipes if "recordId" in c)
    response = api.post("/api/record/update", {"recordId": record["recordId"], "displayName": "x"})
    assert (response.status_code, error_key(response)) == (403, messages.NO_ACTION_PERMISSION)


def test_update_record_invisible_is_record_lookup(api: Api, world: World) -> None:
    """A record of another account's archive is not found: 404 error.record.lookup."""
    record = api.upload(world.my_files, "mine.txt", b"x")
    response = api.post("/api/record/update", {"recordId": record["recordId"], "displayName": "x"}, "other")
    assert (response.status_code, error_key(response)) == (404, messages.RECORD_LOOKUP)


def test_update_record_without_record_id_is_validation_empty(api: Api) -> None:
    """recordId is required: 400 warning.validation.empty."""
    response = api.post("/api/record/update", {"displayName": "x"})
    assert (response.status_code, error_key(response)) == (400, messages.VALIDATION_EMPTY)
