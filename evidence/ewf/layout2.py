"""Where each chunk of an EWF2 (Ex01) set is stored, and the check libewf does not report for it.

libewf reads Ex01 for scelle, and does to a corrupt Ex01 chunk what it does to an E01 one: it returns zeros and
carries on (``ewfverify`` counts a "sector validation error"; the Python binding says nothing). So, as for E01
(``ewf.layout``), whenever libewf hands back an all-zero chunk, ``Ewf2Chunks.check`` reads the stored chunk and
checks it (``ewf.chunk_check``): a compressed chunk must inflate (zlib's own Adler-32, or bzip2's CRC) to the chunk's
size, an uncompressed one must match the Adler-32 stored after it; a pattern-fill chunk has no stored data (its
8-byte pattern is the table entry, covered by the table's checksum).

The EWF2 layout (libyal's "Expert Witness Compression Format 2" notes): a 32-byte file header, then sections whose
64-byte descriptor *follows* their data and points to the previous descriptor, so a segment file is read from its
end, where its last descriptor says ``next`` (more segments follow) or ``done``. A sector table lists, for a run of
chunks, each chunk's offset in the file, stored size and flags. Opening reads only the descriptors and the table
headers; a table's entries are read (and their checksum checked) when one of its chunks is checked.
"""

from __future__ import annotations

import bisect
import bz2
import os
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

from evidence.common.errors import ImageError
from evidence.common.files import open_readonly
from evidence.common.messages import LocalisedImageError, Notice
from evidence.ewf.chunk_check import StoredChunks, corrupt_chunk, reason
from evidence.ewf.format import (
    CHUNK_V2_CHECKSUM,
    CHUNK_V2_COMPRESSED,
    CHUNK_V2_PATTERN_FILL,
    COMPRESSION_V2_BZIP2,
    DESCRIPTOR_V2,
    DESCRIPTOR_V2_CHECKED,
    EVF2_SIGNATURE,
    FILE_HEADER_V2,
    SECTION_V2_DONE,
    SECTION_V2_NEXT,
    SECTION_V2_SECTOR_TABLE,
    TABLE_ENTRY_V2,
    TABLE_HEADER_V2,
    TABLE_HEADER_V2_CHECKED,
)
from evidence.ewf.layout import check_sequence, read_exact

_LAST_SECTIONS = {SECTION_V2_NEXT: "next", SECTION_V2_DONE: "done"}


@dataclass(frozen=True, slots=True)
class _Table:
    """One sector table: chunks ``first_chunk`` .. ``first_chunk + count - 1``, entries at ``entries`` in a file."""

    segment: int
    first_chunk: int
    count: int
    entries: int


@dataclass(frozen=True, slots=True)
class _Segment:
    path: Path
    number: int
    last_section: str
    size: int
    compression: int
    tables: tuple[tuple[int, int], ...]  # (offset, size) of each sector table's data, in file order


def _damaged_section(path: Path, offset: int, what: str) -> LocalisedImageError:
    return LocalisedImageError("ewf2.damaged_section", path=path, offset=offset, what=Notice(f"ewf2.section.{what}"))


def _walk_sections(fd: int, path: Path, size: int) -> _Segment:
    """The segment's number, last section and sector tables, from its descriptors read back to front."""
    header = read_exact(fd, path, 0, FILE_HEADER_V2.size)
    signature, _major, _minor, compression, number, _guid = FILE_HEADER_V2.unpack(header)
    if signature != EVF2_SIGNATURE:
        raise LocalisedImageError("ewf2.not_ex01", path=path, found=signature.hex())
    offset, last, tables = size - DESCRIPTOR_V2.size, "", []
    while True:
        if offset < FILE_HEADER_V2.size:
            raise _damaged_section(path, max(offset, 0), "bounds")
        raw = read_exact(fd, path, offset, DESCRIPTOR_V2.size)
        kind, _flags, previous, data_size, _size, _padding, _md5, _pad, checksum = DESCRIPTOR_V2.unpack(raw)
        if zlib.adler32(raw[:DESCRIPTOR_V2_CHECKED]) != checksum:
            raise _damaged_section(path, offset, "checksum")
        start = FILE_HEADER_V2.size if previous == 0 else previous + DESCRIPTOR_V2.size
        if previous >= offset or start > offset or data_size > offset - start:
            raise _damaged_section(path, offset, "bounds")
        last = last or _LAST_SECTIONS.get(kind, f"0x{kind:02x}")
        if kind == SECTION_V2_SECTOR_TABLE:
            tables.append((start, data_size))
        if previous == 0:
            break
        offset = previous
    return _Segment(path, number, last, size, compression, tuple(reversed(tables)))


def _damaged_table(path: Path, offset: int, what: Notice) -> LocalisedImageError:
    return LocalisedImageError("ewf2.damaged_table", path=path, offset=offset, what=what)


def _read_tables(fds: list[int], segments: list[_Segment]) -> list[_Table]:
    """Every sector table's header, checked: its Adler-32, its first chunk following the previous table's last."""
    tables: list[_Table] = []
    following = 0
    for index, segment in enumerate(segments):
        for start, size in segment.tables:
            raw = read_exact(fds[index], segment.path, start, TABLE_HEADER_V2.size)
            first, count, checksum = TABLE_HEADER_V2.unpack(raw)
            if zlib.adler32(raw[:TABLE_HEADER_V2_CHECKED]) != checksum:
                raise _damaged_table(segment.path, start, Notice("ewf2.table.checksum"))
            if first != following:
                sequence = Notice("ewf2.table.sequence", found=first, expected=following)
                raise _damaged_table(segment.path, start, sequence)
            if TABLE_HEADER_V2.size + TABLE_ENTRY_V2.size * count + 4 > size:
                raise _damaged_table(segment.path, start, Notice("ewf2.section.bounds"))
            tables.append(_Table(index, first, count, start + TABLE_HEADER_V2.size))
            following += count
    return tables


def _open_segments(paths: list[Path], fds: list[int]) -> list[_Segment]:
    """Open each segment file (its descriptor appended to ``fds``, for the caller to close) and walk it."""
    segments: list[_Segment] = []
    for path in paths:
        fd, size = open_readonly(path)
        fds.append(fd)
        segments.append(_walk_sections(fd, path, size))
    check_sequence(segments)
    return segments


def diagnose(paths: list[Path]) -> None:
    """Raise the error that says what is damaged in an Ex01 set (a cut file, a corrupt section descriptor or table
    header, a missing segment); return if its layout is sound. Run before libewf opens the set: on some damaged
    section chains libewf takes a minute to give up (found by the fuzz suite)."""
    fds: list[int] = []
    try:
        _read_tables(fds, _open_segments(paths, fds))
    finally:
        for fd in fds:
            os.close(fd)


class Ewf2Chunks(StoredChunks):
    """Checks stored chunks of an Ex01 set on demand (see the module doc). Thread-safe."""

    def __init__(self, paths: list[Path], chunk_size: int, media_size: int) -> None:
        super().__init__(paths, chunk_size, media_size)
        try:
            self._segments = _open_segments(paths, self._fds)
            self._tables = _read_tables(self._fds, self._segments)
        except ImageError:
            self.close()
            raise
        listed = sum(table.count for table in self._tables)
        if listed < self.chunk_count:
            self.close()
            raise LocalisedImageError("ewf2.incomplete", path=paths[-1], found=listed, needed=self.chunk_count)
        self._table_starts = [table.first_chunk for table in self._tables]
        self._tables_checked: dict[int, bool] = {}

    def check_read(self, chunk: int, zero: bool) -> None:
        """As ``StoredChunks.check_read``, and refuse any chunk of a table whose entries fail their Adler-32: a
        pattern-fill chunk's data is in its entry, so libewf would return a changed pattern as if it were data."""
        if 0 <= chunk < self.chunk_count:
            with self._lock:
                position = bisect.bisect_right(self._table_starts, chunk) - 1
                table = self._tables[position]
                intact = self._entries_intact(position, table)
            if not intact:
                entry_at = table.entries + TABLE_ENTRY_V2.size * (chunk - table.first_chunk)
                path = self._segments[table.segment].path
                raise corrupt_chunk(path, chunk, self._chunk_size, self._media_size, entry_at, reason("table"))
        super().check_read(chunk, zero)

    def _entries_intact(self, position: int, table: _Table) -> bool:
        """Whether the Adler-32 after ``table``'s entries matches them (read once per table)."""
        intact = self._tables_checked.get(position)
        if intact is None:
            length = TABLE_ENTRY_V2.size * table.count
            segment = self._segments[table.segment]
            stored = read_exact(self._fds[table.segment], segment.path, table.entries, length + 4)
            intact = zlib.adler32(stored[:length]) == struct.unpack_from("<I", stored, length)[0]
            self._tables_checked[position] = intact
        return intact

    def _stored_chunk_ok(self, chunk: int) -> tuple[Notice | None, Path, int]:
        position = bisect.bisect_right(self._table_starts, chunk) - 1
        table = self._tables[position]
        fd, segment = self._fds[table.segment], self._segments[table.segment]
        entry_at = table.entries + TABLE_ENTRY_V2.size * (chunk - table.first_chunk)
        if not self._entries_intact(position, table):
            return reason("table"), segment.path, entry_at
        offset, size, flags = TABLE_ENTRY_V2.unpack(read_exact(fd, segment.path, entry_at, TABLE_ENTRY_V2.size))
        if flags & CHUNK_V2_COMPRESSED and flags & CHUNK_V2_PATTERN_FILL:
            return None, segment.path, entry_at  # the chunk is the pattern in the (checked) entry
        if size == 0:
            return reason("missing"), segment.path, offset
        if offset + size > segment.size:
            return reason("past_end"), segment.path, offset
        stored = read_exact(fd, segment.path, offset, size)
        expected = self.expected_size(chunk)
        if flags & CHUNK_V2_COMPRESSED:
            data, failure = _inflate(stored, expected, segment.compression)
            if failure is not None:
                return reason("inflate", detail=failure), segment.path, offset
        elif flags & CHUNK_V2_CHECKSUM:
            if size < 4:
                return reason("short"), segment.path, offset
            data = stored[:-4]
            if zlib.adler32(data) != struct.unpack_from("<I", stored, size - 4)[0]:
                return reason("checksum"), segment.path, offset
        else:
            data = stored
        if len(data) != expected:
            return reason("size", size=len(data), expected=expected), segment.path, offset
        return None, segment.path, offset


def _inflate(stored: bytes, expected: int, method: int) -> tuple[bytes, str | None]:
    """(data, None) or (b"", why not): at most ``expected + 1`` bytes are produced, so a bomb stays small."""
    try:
        if method == COMPRESSION_V2_BZIP2:
            bzip = bz2.BZ2Decompressor()
            data, ended = bzip.decompress(stored, expected + 1), bzip.eof
        else:
            deflate = zlib.decompressobj()
            data, ended = deflate.decompress(stored, expected + 1), deflate.eof
    except (OSError, ValueError, zlib.error) as exc:
        return b"", str(exc)
    if not ended and len(data) <= expected:
        return b"", "incomplete or truncated stream"
    return data, None
