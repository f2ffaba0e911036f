"""Python SDK for the Permanent.org APIs: the operations of @permanentorg/sdk, in Python."""

from __future__ import annotations

from contracts.sdk.auth import FusionAuth, TokenManager
from contracts.sdk.client import STELA_PAGE_SIZE, ClientOptions, PermanentClient
from contracts.sdk.enums import AccessRole, DerivativeType, RecordType, Status
from contracts.sdk.errors import (
    AuthError,
    BadRequest,
    Conflict,
    FolderNotFound,
    Forbidden,
    HttpError,
    MethodNotAllowed,
    NotFound,
    NotSignedIn,
    PayloadTooLarge,
    PermanentError,
    RangeNotSatisfiable,
    ServerError,
    Unauthorized,
    UnexpectedStatus,
    V1Failure,
    ValidationError,
)
from contracts.sdk.models import (
    Account,
    Archive,
    ArchiveRecord,
    File,
    Folder,
    FolderChildrenPage,
    FolderView,
    ItemResult,
    PresignedPost,
    ShareLink,
    WebSignIn,
)
from contracts.sdk.transport import ExchangeHook
from contracts.sdk.web import WebAppSession

__all__ = [
    "STELA_PAGE_SIZE",
    "AccessRole",
    "Account",
    "Archive",
    "ArchiveRecord",
    "AuthError",
    "BadRequest",
    "ClientOptions",
    "Conflict",
    "DerivativeType",
    "ExchangeHook",
    "File",
    "Folder",
    "FolderChildrenPage",
    "FolderNotFound",
    "FolderView",
    "Forbidden",
    "FusionAuth",
    "HttpError",
    "ItemResult",
    "MethodNotAllowed",
    "NotFound",
    "NotSignedIn",
    "PayloadTooLarge",
    "PermanentClient",
    "PermanentError",
    "PresignedPost",
    "RangeNotSatisfiable",
    "RecordType",
    "ServerError",
    "ShareLink",
    "Status",
    "TokenManager",
    "Unauthorized",
    "UnexpectedStatus",
    "V1Failure",
    "ValidationError",
    "WebAppSession",
    "WebSignIn",
]
