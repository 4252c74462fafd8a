"""An Ex01 (EWF2) segment file's sections and chunk entries, read here independently of ``evidence.ewf.layout2``, so
the tests can aim their mutations at a chunk's data, its checksum or its table entry."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

SECTOR_TABLE = 0x04
COMPRESSED, CHECKSUM, PATTERN_FILL = 0x1, 0x2, 0x4


@dataclass(frozen=True)
class Entry:
    """One chunk's table entry: where its stored data is (``offset``, ``size``), its flags, where the entry is."""

    chunk: int
    offset: int
    size: int
    flags: int
    entry_at: int


def sections(path: Path) -> list[tuple[int, int, int]]:
    """(type, data start, descriptor offset) of every section, in file order (walked from the end)."""
    data = path.read_bytes()
    found, offset = [], len(data) - 64
    while True:
        kind, _flags, previous = struct.unpack_from("<IIQ", data, offset)
        found.append((kind, 32 if previous == 0 else previous + 64, offset))
        if previous == 0:
            return found[::-1]
        offset = previous


def entries(path: Path) -> list[Entry]:
    """Every chunk entry of the segment file's sector tables."""
    data = path.read_bytes()
    found = []
    for kind, start, _descriptor in sections(path):
        if kind != SECTOR_TABLE:
            continue
        first, count = struct.unpack_from("<QI", data, start)
        for index in range(count):
            at = start + 32 + 16 * index
            offset, size, flags = struct.unpack_from("<QII", data, at)
            found.append(Entry(first + index, offset, size, flags, at))
    return found
