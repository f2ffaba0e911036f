"""Closed vocabularies of the SDK models; the wire parsers map unknown values to a fallback."""

from __future__ import annotations

from enum import StrEnum


class RecordType(StrEnum):
    """Type of an archive record (`type.record.*`); anything else is `UNKNOWN`."""

    ARCHIVE = "type.record.archive"
    AUDIO = "type.record.audio"
    DOCUMENT = "type.record.document"
    EXPERIENCE = "type.record.experience"
    FOLDER = "type.record.folder"
    GEDCOM = "Genealogy"
    GEDZIP = "Genealogy Archive"
    IMAGE = "type.record.image"
    PDF = "type.record.pdf"
    PRESENTATION = "type.record.presentation"
    REFERENCE = "type.record.reference"
    SPREADSHEET = "type.record.spreadsheet"
    UNKNOWN = "type.record.unknown"
    VIDEO = "type.record.video"


class Status(StrEnum):
    """Generic status of a record or share link; anything else is `UNDEFINED`."""

    DECLINED = "status.generic.declined"
    DELETED = "status.generic.deleted"
    ERROR = "status.generic.error"
    INVITED = "status.generic.invited"
    MANUAL_REVIEW = "status.generic.manual_review"
    OK = "status.generic.ok"
    ORPHANED = "status.generic.orphaned"
    PENDING = "status.generic.pending"
    UNDEFINED = "status.generic.undefined"


class DerivativeType(StrEnum):
    """Format of a file (`file.format.*`); anything else is `UNKNOWN`."""

    CONVERTED = "file.format.converted"
    FULL_HD = "file.format.1920x1080"
    ORIGINAL = "file.format.original"
    UNKNOWN = "UNKNOWN"


class AccessRole(StrEnum):
    """Access role of an archive member or share-link recipient."""

    ADMINISTRATOR = "access.role.admin"
    CONTRIBUTOR = "access.role.contributor"
    CURATOR = "access.role.curator"
    EDITOR = "access.role.editor"
    MANAGER = "access.role.manager"
    OWNER = "access.role.owner"
    VIEWER = "access.role.viewer"
