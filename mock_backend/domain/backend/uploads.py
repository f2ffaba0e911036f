"""Uploads: the presigned POST, the S3 form target that checks it, registerRecord, and direct imports."""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from urllib.parse import unquote, urlsplit

from mock_backend.domain import filetypes, messages, naming
from mock_backend.domain.backend.core import CAN_CREATE, BackendCore, retried_on_contention
from mock_backend.domain.errors import InvalidInput, NotFound, PermissionDenied
from mock_backend.domain.models import FORMAT_ORIGINAL, Account, Record, Upload
from mock_backend.domain.ports import BlobWriter, NewRecord


@dataclass(frozen=True)
class PresignedPost:
    """A presigned S3 POST: where the bytes go and the form fields that authorise them."""

    key: str
    fields: dict[str, str]


class Uploads(BackendCore):
    """Bytes in: a presigned POST issued, its form checked and kept, the upload registered as a record."""

    def get_presigned_url(
        self,
        caller: Account,
        *,
        display_name: str,
        parent_folder_id: int,
        upload_file_name: str,
        file_type: str,
        size: int,
    ) -> PresignedPost:
        """`record/getPresignedUrl`: issue a presigned POST like upload-service does (§7.3).

        Raises:
            InvalidInput: empty names or type. A large `size` is not refused here: like S3, the mock refuses
                the body at upload time (a presigned POST is only a signature; Settings.max_upload_bytes caps bodies).
            NotFound: the parent is unknown or invisible.
            PermissionDenied: role below contributor.
        """
        self._check_name("displayName", display_name)
        self._check_name("uploadFileName", upload_file_name)
        if not file_type.strip():
            raise InvalidInput(messages.VALIDATION_EMPTY, "fileType must not be empty")
        now = self.clock.now()
        key = f"mock/unprocessed/{uuid.UUID(int=self._rng.getrandbits(128), version=4)}"
        expires = now + timedelta(seconds=self.settings.upload_url_ttl)
        with self._uow(write=True) as repo:
            self._folder(repo, caller, parent_folder_id, CAN_CREATE)
            repo.add_upload(
                Upload(
                    key=key,
                    account_id=caller.id,
                    parent_folder_id=parent_folder_id,
                    display_name=display_name,
                    upload_file_name=upload_file_name,
                    file_type=file_type,
                    size=size,
                    expires_at=expires,
                )
            )
            repo.commit()
        return PresignedPost(key=key, fields=self._post_fields(key, file_type, size, now, expires))

    def _post_fields(self, key: str, file_type: str, size: int, now: datetime, expires: datetime) -> dict[str, str]:
        bucket = self.settings.bucket
        date = now.strftime("%Y%m%dT%H%M%SZ")
        credential = f"MOCKACCESSKEY/{now:%Y%m%d}/us-west-2/s3/aws4_request"
        policy = {
            "expiration": expires.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "conditions": [
                ["eq", "$Content-Type", file_type],
                ["content-length-range", 0, size],
                {"bucket": bucket},
                {"X-Amz-Algorithm": "AWS4-HMAC-SHA256"},
                {"X-Amz-Credential": credential},
                {"X-Amz-Date": date},
                {"key": key},
            ],
        }
        encoded = base64.b64encode(json.dumps(policy, separators=(",", ":")).encode()).decode()
        # Field order follows @aws-sdk/s3-presigned-post v3 (reference §7.3); the SDK posts them in order.
        return {
            "bucket": bucket,
            "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
            "X-Amz-Credential": credential,
            "X-Amz-Date": date,
            "key": key,
            "Policy": encoded,
            "X-Amz-Signature": self.signer.sign_hex(encoded),
        }

    def receive_upload(self, bucket: str, fields: dict[str, str], blob: BlobWriter | None) -> None:
        """The presigned-POST target: check the form against the signed policy, then keep the bytes.

        S3 refuses a POST whose policy is unsigned, expired or unmet; the mock does the same (§7.4).
        The caller has streamed the `file` part into `blob` (None: the form had none); it is kept only
        if everything holds.

        Raises:
            InvalidInput: missing fields or no file part (`error.upload.malformed`), or a body over the
                declared size (`error.upload.too_large`).
            PermissionDenied: bad signature, expired policy, or an unmet condition.
            NotFound: the bucket or key was never issued.
        """
        if blob is None:
            raise InvalidInput(messages.UPLOAD_MALFORMED, "the form has no file part")
        try:
            self._check_post(bucket, fields, blob)
        except BaseException:
            blob.discard()
            raise

    def _check_post(self, bucket: str, fields: dict[str, str], blob: BlobWriter) -> None:
        lowered = {name.lower(): value for name, value in fields.items()}
        if bucket != self.settings.bucket:
            raise NotFound(messages.UPLOAD_MALFORMED, f"no bucket {bucket!r}")
        missing = [name for name in ("key", "policy", "x-amz-signature") if name not in lowered]
        if missing:
            raise InvalidInput(messages.UPLOAD_MALFORMED, f"missing form field(s): {', '.join(missing)}")
        policy_text = lowered["policy"]
        if not self.signer.verify_hex(lowered["x-amz-signature"], policy_text):
            raise PermissionDenied(messages.UPLOAD_SIGNATURE, "the policy signature does not match")
        try:
            policy = json.loads(base64.b64decode(policy_text, validate=True))
            expiration = datetime.strptime(policy["expiration"], "%Y-%m-%dT%H:%M:%S.000Z")
            conditions = list(policy["conditions"])
        except (ValueError, KeyError, TypeError, binascii.Error) as exc:
            raise InvalidInput(messages.UPLOAD_MALFORMED, "the policy is not a valid policy document") from exc
        if self.clock.now() >= expiration:
            raise PermissionDenied(messages.UPLOAD_EXPIRED, "the presigned POST has expired")
        for condition in conditions:
            self._check_condition(condition, lowered, blob.size)
        with self._uow(write=True) as repo:
            upload = repo.upload(lowered["key"])
            if upload is None or upload.registered:
                raise NotFound(messages.UPLOAD_MALFORMED, "no upload is pending under that key")
            blob.keep(upload.key)
            repo.save_upload(replace(upload, received_size=blob.size, md5=blob.md5()))
            repo.commit()

    @staticmethod
    def _check_condition(condition: object, fields: dict[str, str], size: int) -> None:
        if isinstance(condition, dict):
            for name, value in condition.items():
                if name.lower() != "bucket" and fields.get(name.lower()) != value:
                    raise PermissionDenied(messages.UPLOAD_POLICY, f"policy condition failed: {name}")
        elif isinstance(condition, list) and condition and condition[0] == "eq":
            name = str(condition[1]).lstrip("$").lower()
            if fields.get(name) != condition[2]:
                raise PermissionDenied(
                    messages.UPLOAD_POLICY,
                    f"policy condition failed: {condition[1]} must be {condition[2]!r}",
                )
        elif (
            isinstance(condition, list)
            and condition
            and condition[0] == "content-length-range"
            and not condition[1] <= size <= condition[2]
        ):
            raise InvalidInput(
                messages.UPLOAD_TOO_LARGE,
                f"the file has {size} bytes; the policy allows {condition[2]}",
            )

    @retried_on_contention
    def register_record(
        self,
        caller: Account,
        *,
        s3_url: str,
        display_name: str,
        parent_folder_id: int,
        upload_file_name: str,
        size: int,
        file_type: str | None,
        fail_on_duplicate: bool,
    ) -> Record:
        """`record/registerRecord`: turn a received upload into a record with its original file (D6).

        Raises:
            InvalidInput: an `s3url` the mock did not issue to the caller, or that received nothing
                (`error.validate.destination_url`); empty names.
            NotFound: the parent is unknown or invisible.
            PermissionDenied: role below contributor.
            Conflict: `failOnDuplicateName` is true and a sibling already has the name.
        """
        del size  # the record takes the size S3 received, not the declared one
        self._check_name("displayName", display_name)
        self._check_name("uploadFileName", upload_file_name)
        key = self._key_of(s3_url)
        now = self.clock.now()
        with self._uow(write=True) as repo:
            upload = repo.upload(key) if key else None
            if upload is None or upload.account_id != caller.id or upload.registered:
                raise InvalidInput(messages.DESTINATION_URL, "s3url is not an upload this account was issued")
            if upload.received_size is None or upload.md5 is None:
                raise InvalidInput(messages.DESTINATION_URL, "nothing was uploaded to s3url")
            parent = self._folder(repo, caller, parent_folder_id, CAN_CREATE)
            wanted = naming.record_download_name(display_name, upload_file_name)
            name = self._unique_name(repo, parent, wanted, fail_on_duplicate)
            record = repo.add_record(
                archive_id=parent.archive_id,
                archive_nbr=repo.next_item_nbr(parent.archive_id),
                parent=parent,
                display_name=display_name,
                download_name=name,
                upload_file_name=upload_file_name,
                type=filetypes.record_type(upload_file_name),
                size=upload.received_size,
                meta_token=self._meta_token(),
                uploaded_by=caller.id,
                ready_at=now + timedelta(seconds=self.settings.processing_seconds),
                now=now,
            )
            original = repo.add_file(
                record_id=record.id,
                format=FORMAT_ORIGINAL,
                size=upload.received_size,
                content_type=filetypes.content_type(name, file_type or upload.file_type),
                md5=upload.md5,
                blob_key=upload.key,
                now=now,
            )
            repo.add_to_folder_sizes(parent.id, upload.received_size, now)
            repo.save_upload(replace(upload, registered=True))
            repo.commit()
        return replace(record, files=(original,))

    def _key_of(self, s3_url: str) -> str | None:
        prefix = f"/s3/{self.settings.bucket}/"
        path = urlsplit(s3_url).path
        return unquote(path[len(prefix) :]) if path.startswith(prefix) else None

    def import_files(self, caller: Account, *, parent_folder_id: int, files: list[tuple[str, bytes]]) -> list[Record]:
        """Store named bytes as records in one folder directly, skipping the presigned-POST round trip.

        Names are de-duplicated like registerRecord does; everything happens in one unit of work.
        """
        for name, _ in files:
            self._check_name("name", name)
        stored = []
        for name, data in files:
            key = f"mock/imported/{uuid.UUID(int=self._rng.getrandbits(128), version=4)}"
            size, md5 = self.blobs.put(key, iter([data]))
            stored.append((name, key, size, md5))
        return self._import_stored(caller, parent_folder_id, stored)

    @retried_on_contention
    def _import_stored(
        self, caller: Account, parent_folder_id: int, stored: list[tuple[str, str, int, str]]
    ) -> list[Record]:
        """Record already-stored blobs in one folder, in one unit of work (import_files' write)."""
        now = self.clock.now()
        with self._uow(write=True) as repo:
            parent = self._folder(repo, caller, parent_folder_id, CAN_CREATE)
            wanted = [naming.record_download_name(name, name) for name, _, _, _ in stored]
            # One query for the whole batch finds the names already taken; only those (and names repeated
            # within the batch) go through the per-name de-duplication, which reads the " (n)" siblings.
            existing = repo.existing_names(parent.id, wanted)
            used: set[str] = set()
            new_records = []
            for want, (name, key, size, md5) in zip(wanted, stored, strict=True):
                if want in existing or want in used:
                    download_name = self._unique_name(repo, parent, want, fail_on_duplicate=False, pending=used)
                else:
                    download_name = want
                used.add(download_name)
                new_records.append(
                    NewRecord(
                        display_name=name,
                        download_name=download_name,
                        upload_file_name=name,
                        type=filetypes.record_type(name),
                        size=size,
                        meta_token=self._meta_token(),
                        content_type=filetypes.content_type(download_name, None),
                        md5=md5,
                        blob_key=key,
                    )
                )
            records = repo.add_records(
                parent=parent, records=new_records, uploaded_by=caller.id, file_format=FORMAT_ORIGINAL, now=now
            )
            repo.add_to_folder_sizes(parent.id, sum(r.size for r in records), now)
            repo.commit()
        return records
