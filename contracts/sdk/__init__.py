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
    PayloadTooLarge,
    PermanentError,
    RangeNotSatisfiable,
    ServerError,
    Unauthorized,
    UnexpectedStatus,
    ValidationError,
)
from contracts.sdk.models import (
    Account,
    Archive,
    ArchiveRecord,
    File,
    Folder,
    FolderChildrenPage,
    PresignedPost,
    ShareLink,
    StelaShareLink,
    StelaShareLinkPage,
)
from contracts.sdk.transport import ExchangeHook

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
    "Forbidden",
    "FusionAuth",
    "HttpError",
    "MethodNotAllowed",
    "NotFound",
    "PayloadTooLarge",
    "PermanentClient",
    "PermanentError",
    "PresignedPost",
    "RangeNotSatisfiable",
    "RecordType",
    "ServerError",
    "ShareLink",
    "Status",
    "StelaShareLink",
    "StelaShareLinkPage",
    "TokenManager",
    "Unauthorized",
    "UnexpectedStatus",
    "ValidationError",
]
