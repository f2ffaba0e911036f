"""Every message key the mock answers with, in one place so tests import rather than retype them.

Keys come from the real catalogue (`web-app` constants/master_en.json, reference §9.4) where one exists;
the few the mock had to invent are marked and listed in the README.
"""

from __future__ import annotations

from typing import Final

# 400
INVALID_REQUEST: Final = "error.api.invalid_request"
VALIDATION_EMPTY: Final = "warning.validation.empty"
DESTINATION_URL: Final = "error.validate.destination_url"
SHARE_ROOT_FOLDER: Final = "warning.share.root_folder"
#: A move or copy into the item itself or its own subtree (the catalogue's "invalid destination" key).
DEST_INVALID: Final = "error.record.dest_invalid"
# 401
NOT_LOGGED_IN: Final = "warning.generic.account_not_logged_in"
TOKEN_MISMATCH: Final = "warning.auth.token_does_not_match"
TOKEN_EXPIRED: Final = "warning.auth.token_expired"
# The web app's sign-in (v1; web-app login.component.ts, auth.repo.ts, reference §9.4)
SIGNIN_UNKNOWN: Final = "warning.signin.unknown"
MFA_REQUIRED: Final = "warning.auth.mfaToken"
EMAIL_UNVERIFIED: Final = "status.auth.need_email"
AUTH_TOKEN_MISMATCH: Final = "warning.auth.token_does_not_match"
INVALID_CSRF: Final = "error.generic.invalid_csrf"
NO_OBJECT_PERMISSION: Final = "warning.generic.no_object_permission"
# 403
NO_ACTION_PERMISSION: Final = "error.generic.no_action_permission"
NO_UNLINK_ROOT: Final = "error.folder.no_unlink_root"
NO_UPDATE_ROOT: Final = "error.folder.no_update_root"
# 404
FOLDER_LOOKUP: Final = "error.folder.lookup"
RECORD_LOOKUP: Final = "error.record.lookup"
ARCHIVE_LOOKUP: Final = "error.archive.lookup"
SHARE_LOOKUP: Final = "error.share.lookup"
FILE_LOOKUP: Final = "error.file.lookup"
FOLDER_LINK_LOOKUP: Final = "error.folder_link.lookup"
# Invented by the mock (no catalogue key exists; reference §15.2 for the duplicate-name one).
DUPLICATE_NAME: Final = "error.item.duplicate_name"
UNKNOWN_ROUTE: Final = "error.api.not_found"
METHOD_NOT_ALLOWED: Final = "error.api.method_not_allowed"
REQUEST_TOO_LARGE: Final = "error.api.request_too_large"
UPLOAD_MALFORMED: Final = "error.upload.malformed"
UPLOAD_SIGNATURE: Final = "error.upload.signature"
UPLOAD_EXPIRED: Final = "error.upload.expired"
UPLOAD_POLICY: Final = "error.upload.policy"
UPLOAD_TOO_LARGE: Final = "error.upload.too_large"
FILE_SIGNATURE: Final = "error.file.signature"
FILE_EXPIRED: Final = "error.file.expired"
RANGE_NOT_SATISFIABLE: Final = "error.file.range_not_satisfiable"
INTERNAL: Final = "error.generic.internal"
# Invented: a write lost a race with another process on every retry (never seen in practice; see Backend).
WRITE_CONFLICT: Final = "error.mock.write_conflict"
# Invented: the mock's own control routes (/_mock/*) need the control token, or a JSON body.
CONTROL_TOKEN: Final = "error.mock.control_token"
JSON_REQUIRED: Final = "error.mock.json_required"
INJECTED_FAULT: Final = "error.mock.injected_fault"
FAULT_LOOKUP: Final = "error.mock.fault_lookup"
# The real sign-up's key for a taken e-mail (web-app src/test/responses/auth.signup.duplicate.json).
EMAIL_TAKEN: Final = "warning.registration.duplicate_email"
# Invented: an e-mail without an "@", and a scenario the mock cannot find or build (POST /_mock/reset).
VALIDATION_EMAIL: Final = "error.mock.invalid_email"
SCENARIO: Final = "error.mock.scenario"
