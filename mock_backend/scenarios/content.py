"""What scenario and factory files hold: patterned bytes, tiny PNGs, awkward names and seeded fake values."""

from __future__ import annotations

import struct
import zlib
from functools import cached_property
from typing import Any

#: Names real archives hold and clients trip over: unicode (composed and not), spaces, quotes, a name at the
#: 255-byte limit of most file systems, names that differ only in case, dots, and characters SFTP clients escape.
AWKWARD_NAMES: tuple[str, ...] = (
    "Résumé.txt",
    "Re\u0301sume\u0301 (decomposed).txt",
    "  leading and trailing spaces  .txt",
    'it\'s "quoted".txt',
    "家族の写真.txt",
    "emoji 📷 photo.txt",
    "UPPER.TXT",
    "upper.txt",
    "Upper.txt",
    "no extension",
    ".hidden",
    "semi;colon & ampersand #hash %percent.txt",
    "x" * 251 + ".txt",
    "tab\tinside.txt",
    "back\\slash.txt",
)


def pattern_bytes(size: int) -> bytes:
    """Return `size` bytes counting 0–255 over and over: any range of them says where it came from."""
    block = bytes(range(256))
    return (block * (size // 256 + 1))[:size]


def png(width: int = 4, height: int = 4, rgb: tuple[int, int, int] = (46, 134, 193)) -> bytes:
    """Return a valid PNG of one colour, built without an imaging library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


class Faked:
    """Seeded fake values for templates: `{fake.file_name}` calls faker's `file_name()` provider.

    Faker is imported on first use: it takes a noticeable part of a second, and most worlds never ask.
    """

    def __init__(self, seed: int) -> None:
        self._seed = seed

    @cached_property
    def faker(self) -> Any:
        """The seeded Faker instance."""
        from faker import Faker

        faker = Faker()
        faker.seed_instance(self._seed)
        return faker

    def __getattr__(self, provider: str) -> object:
        if provider.startswith("_"):
            raise AttributeError(provider)
        made = getattr(self.faker, provider)
        return made() if callable(made) else made
