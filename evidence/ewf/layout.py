"""What libewf does not tell: the section chain of each EWF segment file and where each chunk is stored.

Two checks rest on it (EWF v1: E01, S01; layout from the libyal "Expert Witness Compression Format" notes):

* **completeness**: every segment file starts with its segment number (1, 2, …) and its section chain ends with
  ``next`` (more segments follow) or ``done`` (last segment). A set whose last file ends with ``next`` lacks later
  segments; a number out of sequence means a segment is missing in the middle; a chain that runs past the end of a
  file means the file is truncated.
* **corrupt chunks**: libewf replaces a chunk whose checksum fails with zeros and reports nothing to a plain read.
  So whenever libewf hands back an all-zero chunk, ``ChunkVerifier.check`` re-reads the stored chunk and checks it
  (Adler-32 for a stored chunk, zlib's own check for a compressed one). Genuine zero chunks pass; a zero-filled
  corrupt chunk raises the ``ewf.chunk_check`` error naming the segment file and the offsets.

Pure reading of the segment files (opened read-only), no libewf. EWF2 (Ex01) files have their own layout
(``ewf.layout2``) and share the checks' rules (``ewf.chunk_check``, ``check_sequence``).
"""

from __future__ import annotations

import bisect
import os
import struct
import sys
import zlib
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from evidence.common.errors import DamagedImageError, ImageError
from evidence.common.files import open_readonly
from evidence.common.messages import LocalisedImageError, Notice
from evidence.common.reasons import os_reason
from evidence.ewf.chunk_check import StoredChunks, reason
from evidence.ewf.format import (
    COMPRESSED_FLAG,
    DESCRIPTOR,
    DESCRIPTOR_CHECKED,
    EWF1_SIGNATURES,
    FILE_HEADER,
    TABLE_HEADER,
)


@dataclass(frozen=True, slots=True)
class _Table:
    """One ``table`` section: the stored offsets of a run of consecutive chunks in one segment file."""

    segment: int
    first_chunk: int
    entries: array[int]
    base: int


@dataclass(frozen=True, slots=True)
class _Segment:
    path: Path
    number: int
    last_section: str
    boundaries: tuple[int, ...]
    tables: tuple[tuple[str, int], ...]  # (``table`` or ``table2``, offset of its table header), in file order


def read_exact(fd: int, path: Path, offset: int, length: int) -> bytes:
    """``length`` bytes at ``offset`` of a segment file; a short read is a truncated segment (exit 3)."""
    try:
        data = os.pread(fd, length, offset)
    except OSError as exc:
        raise LocalisedImageError("ewf.read_error", path=path, offset=offset, reason=os_reason(exc)) from exc
    if len(data) != length:
        raise LocalisedImageError("ewf.truncated_read", path=path, length=length, offset=offset)
    return data


def _walk_sections(fd: int, path: Path, size: int) -> _Segment:
    signature, _start, number, _end = FILE_HEADER.unpack(read_exact(fd, path, 0, FILE_HEADER.size))
    if signature not in EWF1_SIGNATURES:
        raise LocalisedImageError("ewf.bad_signature", path=path)
    offset, boundaries, tables, kind = FILE_HEADER.size, [], [], ""
    while True:
        if offset + DESCRIPTOR.size > size:
            raise LocalisedImageError("ewf.truncated_section", path=path, offset=offset)
        raw = read_exact(fd, path, offset, DESCRIPTOR.size)
        kind_raw, next_offset, _size, _padding, checksum = DESCRIPTOR.unpack(raw)
        if zlib.adler32(raw[:DESCRIPTOR_CHECKED]) != checksum:
            raise LocalisedImageError("ewf.corrupt_descriptor", path=path, offset=offset)
        kind = kind_raw.split(b"\0", 1)[0].decode("ascii", "replace")
        boundaries.append(offset)
        if kind in ("table", "table2"):
            tables.append((kind, offset + DESCRIPTOR.size))
        if kind in ("next", "done"):
            break
        if next_offset <= offset:
            raise DamagedImageError(f"{path}: corrupt EWF section chain at offset {offset} (section {kind!r})")
        offset = next_offset
    boundaries.append(size)
    return _Segment(path, number, kind, tuple(boundaries), tuple(tables))


def read_table(fd: int, path: Path, offset: int) -> tuple[int, int, array[int], str | None]:
    """(count, base offset, entries, damage) of the table whose header is at ``offset``.

    ``damage`` is None when the entries' Adler-32 (§9, after the entries) matches, else what is wrong. A damaged
    header is an error: libewf refuses to open such a set too (its count and base cannot be trusted).
    """
    raw = read_exact(fd, path, offset, TABLE_HEADER.size)
    count, _pad, base, _pad2, checksum = TABLE_HEADER.unpack(raw)
    if zlib.adler32(raw[: TABLE_HEADER.size - 4]) != checksum:
        raise DamagedImageError(f"{path}: corrupt EWF table header at offset {offset} (checksum mismatch)")
    stored = read_exact(fd, path, offset + TABLE_HEADER.size, 4 * count + 4)
    entries = array("I", stored[: 4 * count])  # 4 bytes a chunk: a 1 TB image's tables stay near 128 MB
    if sys.byteorder != "little":
        entries.byteswap()
    (footer,) = struct.unpack("<I", stored[4 * count :])
    damage = None if zlib.adler32(stored[: 4 * count]) == footer else "entries checksum mismatch"
    return count, base, entries, damage


def decode_chunk(stored: bytes, compressed: bool, expected: int) -> tuple[bytes | None, Notice | None]:
    """The ``expected`` media bytes of a stored chunk, checked (zlib's own Adler-32 for a compressed chunk, the
    trailing Adler-32 of a stored one, when present), or None and why it fails (``chunk_check.reason``)."""
    if compressed:
        try:
            data = zlib.decompress(stored)
        except zlib.error as exc:
            return None, reason("inflate", detail=exc)
    else:
        if len(stored) < expected:
            return None, reason("short")
        data = stored[:expected]
        if len(stored) >= expected + 4:
            (checksum,) = struct.unpack("<I", stored[expected : expected + 4])
            if zlib.adler32(data) != checksum:
                return None, reason("checksum")
    if len(data) != expected:
        return None, reason("size", size=len(data), expected=expected)
    return data, None


class SegmentEnd(Protocol):
    """What the completeness check needs of a segment file: its path, number and last section (``next``/``done``)."""

    @property
    def path(self) -> Path: ...
    @property
    def number(self) -> int: ...
    @property
    def last_section(self) -> str: ...


def check_sequence(segments: Sequence[SegmentEnd]) -> None:
    """Refuse a set whose segment numbers are not 1, 2, ... or whose last file does not end it (EWF v1 and EWF2)."""
    for position, segment in enumerate(segments, start=1):
        if segment.number != position:
            raise ImageError(
                f"{segment.path}: is EWF segment {segment.number}, expected segment {position}: "
                f"segment {position} of the set is missing or the files are out of order"
            )
        if position < len(segments) and segment.last_section != "next":
            raise ImageError(
                f"{segment.path}: EWF segment {position} ends the set ({segment.last_section!r} section) "
                f"but {len(segments) - position} more segment files were given"
            )
    last = segments[-1]
    if last.last_section != "done":
        raise ImageError(
            f"{last.path}: EWF set incomplete: segment {last.number} is not the last one "
            f"(it ends with a {last.last_section!r} section); segment {last.number + 1} is missing"
        )


class ChunkVerifier(StoredChunks):
    """Checks stored chunks of an EWF v1 set against their checksums, on demand. Thread-safe."""

    def __init__(self, paths: list[Path], chunk_size: int, media_size: int) -> None:
        super().__init__(paths, chunk_size, media_size)
        self._segments: list[_Segment] = []
        try:
            for path in paths:
                fd, size = open_readonly(path)
                self._fds.append(fd)
                self._segments.append(_walk_sections(fd, path, size))
            check_sequence(self._segments)
            self._tables = self._load_tables()
        except ImageError:
            self.close()
            raise
        self._table_starts = [table.first_chunk for table in self._tables]

    def _load_tables(self) -> list[_Table]:
        tables: list[_Table] = []
        first = 0
        for index, segment in enumerate(self._segments):
            for position, (kind, header_offset) in enumerate(segment.tables):
                if kind != "table":
                    continue
                backup = segment.tables[position + 1] if position + 1 < len(segment.tables) else None
                table2 = backup[1] if backup is not None and backup[0] == "table2" else None
                count, base, entries = self._choose_table(index, header_offset, table2, first)
                tables.append(_Table(index, first, entries, base))
                first += count
        if first < self.chunk_count:
            raise ImageError(
                f"{self._paths[-1]}: EWF set incomplete: its tables list {first} chunks, "
                f"the media needs {self.chunk_count}"
            )
        return tables

    def _choose_table(self, index: int, offset: int, table2: int | None, first: int) -> tuple[int, int, array[int]]:
        """(count, base, entries) of the ``table`` at ``offset``, or of its ``table2`` copy when only the copy is
        intact (its entries' Adler-32 matches), as libewf reads it; the switch is recorded in ``notices``."""
        path = self._segments[index].path
        count, base, entries, damage = read_table(self._fds[index], path, offset)
        if damage is None or table2 is None:
            return count, base, entries  # intact, or nothing better: stored chunks are still checked one by one
        count2, base2, entries2, damage2 = read_table(self._fds[index], path, table2)
        if damage2 is not None:
            return count, base, entries
        self.notices.append(
            Notice(
                "ewf.backup_table",
                path=path,
                offset=offset - DESCRIPTOR.size,
                first=first,
                last=first + count2 - 1,
            )
        )
        return count2, base2, entries2

    def _locate(self, chunk: int) -> tuple[int, int, int, bool]:
        """(segment index, stored start, stored end, compressed) of a chunk."""
        table = self._tables[bisect.bisect_right(self._table_starts, chunk) - 1]
        position = chunk - table.first_chunk
        entry = table.entries[position]
        start = table.base + (entry & ~COMPRESSED_FLAG)
        boundaries = self._segments[table.segment].boundaries
        end = boundaries[min(bisect.bisect_right(boundaries, start), len(boundaries) - 1)]
        if position + 1 < len(table.entries):
            following = table.base + (table.entries[position + 1] & ~COMPRESSED_FLAG)
            if start < following < end:
                end = following
        return table.segment, start, end, bool(entry & COMPRESSED_FLAG)

    def stored(self, chunk: int) -> tuple[int, Path, int, int, bool]:
        """(open file descriptor, segment path, stored start, stored end, compressed) of ``chunk``.

        The end is the next chunk's start, or the next section's for the last chunk of a table (it may then run
        past the chunk by padding, which zlib ignores and the uncompressed check cuts off).
        """
        segment, start, end, compressed = self._locate(chunk)
        return self._fds[segment], self._segments[segment].path, start, end, compressed

    def _stored_chunk_ok(self, chunk: int) -> tuple[Notice | None, Path, int]:
        segment, start, end, compressed = self._locate(chunk)
        path = self._segments[segment].path
        expected = self.expected_size(chunk)
        if end <= start:
            return reason("missing"), path, start
        _data, why = decode_chunk(read_exact(self._fds[segment], path, start, end - start), compressed, expected)
        return why, path, start
