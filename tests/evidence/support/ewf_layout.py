"""A small, independent EWF segment parser for tests: walks the section chain and checks every checksum.

It is written from the format description, not from scelle's writer, so that the tests compare two readings of the
format (and libewf as the third).
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

SIGNATURE = b"EVF\x09\x0d\x0a\xff\x00"


@dataclass(frozen=True)
class Section:
    kind: str
    offset: int
    size: int
    next_offset: int
    payload: bytes


def _adler(data: bytes) -> int:
    return zlib.adler32(data) & 0xFFFFFFFF


def sections(path: Path) -> tuple[int, list[Section]]:
    """Return the segment number and the sections of one segment file; assert the chain and checksums hold."""
    data = path.read_bytes()
    assert data[:8] == SIGNATURE, f"{path}: bad signature"
    number = struct.unpack_from("<H", data, 9)[0]
    offset = 13
    found: list[Section] = []
    while True:
        head = data[offset : offset + 76]
        assert len(head) == 76, f"{path}: truncated descriptor at {offset}"
        assert struct.unpack_from("<I", head, 72)[0] == _adler(head[:72]), f"{path}: descriptor checksum at {offset}"
        kind = head[:16].rstrip(b"\x00").decode("ascii")
        next_offset, size = struct.unpack_from("<QQ", head, 16)
        if kind in ("next", "done"):
            assert next_offset == offset and size == 0, f"{path}: {kind} descriptor"
            found.append(Section(kind, offset, 76, offset, b""))
            assert offset + 76 == len(data), f"{path}: bytes after {kind}"
            return number, found
        assert next_offset == offset + size, f"{path}: {kind} at {offset} next={next_offset} size={size}"
        found.append(Section(kind, offset, size, next_offset, data[offset + 76 : offset + size]))
        offset = next_offset


def table_entries(payload: bytes) -> tuple[int, list[int]]:
    """Base offset and raw entries of a table payload, checking its two checksums."""
    count, base = struct.unpack_from("<I4xQ", payload, 0)
    assert struct.unpack_from("<I", payload, 20)[0] == _adler(payload[:20]), "table header checksum"
    body = payload[24 : 24 + 4 * count]
    assert struct.unpack_from("<I", payload, 24 + 4 * count)[0] == _adler(body), "table entries checksum"
    assert len(payload) == 24 + 4 * count + 4
    return base, list(struct.unpack(f"<{count}I", body))


def header2_values(payload: bytes) -> dict[str, str]:
    """The ``main`` category of a header2 section as identifier -> value."""
    text = zlib.decompress(payload)
    assert text[:2] == b"\xff\xfe"
    lines = text[2:].decode("utf-16-le").split("\n")
    return dict(zip(lines[2].split("\t"), lines[3].split("\t"), strict=True))
