"""Lay out encoded chunks into an E01 segment set: chunk groups, segment files, naming and the closing sections.

``EwfSegmentWriter`` receives chunks already in their stored form (zlib stream, or raw data plus its Adler-32), in
media order, and writes them as ``sectors`` + ``table`` + ``table2`` groups into ``.E01``, ``.E02``, ... files no
larger than the segment size. It never seeks back while streaming, so it hashes every segment file (SHA-256 and
BLAKE3) as it writes it; only when the media size was not known up front does ``finish`` rewrite the ``volume`` and
``data`` sections and hash those files again. The section order is ewfacquire's (EWF.md §2).
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import blake3

from evidence.common.errors import AcquisitionError, UsageError
from evidence.common.sink import OutputFile
from evidence.ewf import format as ewf_format
from evidence.ewf import sections as sec
from evidence.ewf.chunks import EncodedRun

#: Groups are buffered in memory until their ``sectors`` size is known; this bounds that buffer.
DEFAULT_GROUP_BYTES = 32 * 1024 * 1024
#: ewfacquire's smallest segment size.
MIN_SEGMENT_SIZE = 1024 * 1024
#: ewfacquire's default segment size ("1.4 GiB").
DEFAULT_SEGMENT_SIZE = 1500 * 1024 * 1024
#: Per-group overhead: the ``sectors`` descriptor, and two tables' descriptors, headers and footers (§13).
_GROUP_OVERHEAD = ewf_format.DESCRIPTOR_SIZE + 2 * sec.table_section_size(0)
#: Error ranges that may still arrive after a segment was judged big enough to be the last one.
_ERROR_RANGE_SLACK = 64
_READ_BLOCK = 4 * 1024 * 1024
_WRITE_BUFFER = 4 * 1024 * 1024
#: Larger pieces (runs of encoded chunks) are written and hashed as they are, without a copy into the buffer.
_DIRECT_WRITE = 256 * 1024


def segment_paths_base(output: Path) -> tuple[Path, bool]:
    """Split ``case.E01`` into the base path ``case`` and whether extensions are upper case (``case.e01`` lower)."""
    if output.suffix.lower() == ".e01":
        return output.with_suffix(""), output.suffix == ".E01"
    return output, True


def segment_path(base: Path, number: int, *, upper: bool = True) -> Path:
    """The path of segment ``number`` of the set whose first segment is ``base`` + ``.E01``."""
    ext = sec.segment_extension(number)
    return base.with_name(f"{base.name}.{ext if upper else ext.lower()}")


class _Segment:
    """One segment file being written: buffered writes, and the running SHA-256/BLAKE3 of everything written.

    The buffer is reused, so writing many small chunks costs neither a system call nor a fresh allocation each, and
    the digests are updated in large, GIL-free steps.
    """

    def __init__(self, number: int, path: Path, handle: BinaryIO) -> None:
        self.number = number
        self.path = path
        self.handle = handle
        self.offset = 0
        self.volume_payload_at = 0
        self.hashers: list[Any] = [hashlib.sha256(), blake3.blake3()]
        self._buffer = bytearray(_WRITE_BUFFER)
        self._view = memoryview(self._buffer)
        self._fill = 0

    def write(self, data: bytes | memoryview) -> None:
        """Append ``data`` to the file."""
        size = len(data)
        if size >= _DIRECT_WRITE or self._fill + size > _WRITE_BUFFER:
            self.flush()
        if size >= _DIRECT_WRITE:
            self._emit(memoryview(data))
        else:
            self._view[self._fill : self._fill + size] = data
            self._fill += size
        self.offset += size

    def flush(self) -> None:
        """Write out what the buffer holds."""
        if self._fill:
            self._emit(self._view[: self._fill])
            self._fill = 0

    def close(self) -> None:
        """Flush and close the file."""
        try:
            self.flush()
        finally:
            self._view.release()
            self.handle.close()

    def _emit(self, data: memoryview) -> None:
        try:
            done = 0
            while done < len(data):  # an unbuffered write may be short
                done += self.handle.write(data[done:])
        except OSError as exc:
            raise AcquisitionError(f"{self.path}: cannot write: {exc.strerror or exc}") from exc
        for hasher in self.hashers:
            hasher.update(data)


@dataclass(frozen=True, slots=True)
class WriterCheckpoint:
    """Where the part of the set already on disk ends: after the ``table2`` of a chunk group (no section follows it
    yet), at ``offset`` of segment ``segment``, holding the first ``chunks`` chunks of the media."""

    segment: int
    offset: int
    chunks: int


@dataclass(slots=True)
class _Group:
    """The chunks of the chunk group being filled, kept until the group's size is known."""

    chunks: list[bytes | memoryview] = field(default_factory=list)
    entries: list[int] = field(default_factory=list)
    size: int = 0


class EwfSegmentWriter:
    """Write stored chunks in media order into a segment set, then close it with the hash and error sections.

    The first segment is created at once (an existing file is never overwritten). ``volume`` is written at the
    start of every segment; give the final geometry when the media size is known, otherwise a placeholder that
    ``finish`` corrects.

    To continue a set cut back at a ``WriterCheckpoint`` (``acquire --resume``), ``kept`` gives, for each segment
    file kept, the offset of its ``volume``/``data`` payload, and ``chunks`` the chunks they hold: the last one is
    reopened and written on from its end, the others are hashed again for the record.
    """

    def __init__(
        self,
        output: Path,
        *,
        volume: sec.VolumeInfo,
        metadata: sec.EwfMetadata,
        segment_size: int = DEFAULT_SEGMENT_SIZE,
        group_bytes: int = DEFAULT_GROUP_BYTES,
        kept: Sequence[int] = (),
        chunks: int = 0,
    ) -> None:
        chunk_size = volume.sectors_per_chunk * volume.bytes_per_sector
        if segment_size < max(MIN_SEGMENT_SIZE, 4 * chunk_size):
            raise UsageError(f"E01 segment size {segment_size} is too small (minimum {MIN_SEGMENT_SIZE} bytes)")
        self._base, self._upper = segment_paths_base(output)
        self._volume = volume
        self._chunk_size = chunk_size
        self._segment_size = segment_size
        # Chunk offsets in a table are relative to the group and must stay below 2**31 (§9).
        self._group_bytes = min(max(group_bytes, chunk_size + 4), ewf_format.MAX_RELATIVE_OFFSET - chunk_size)
        header2 = sec.header2_payload(metadata)
        self._leading = [("header2", header2), ("header2", header2), ("header", sec.header_payload(metadata))]
        self._done: list[_Segment] = []
        self._segment: _Segment | None = None
        self._group = _Group()
        self._error_count = 0
        self._chunks = 0
        #: the end of the last chunk group on disk (the acquisition record keeps it, for ``acquire --resume``)
        self.checkpoint: WriterCheckpoint | None = None
        if kept:
            self._reopen(kept, chunks)
        else:
            self._open_segment()

    @property
    def first_segment(self) -> Path:
        """The path of ``.E01``."""
        return segment_path(self._base, 1, upper=self._upper)

    @property
    def chunk_count(self) -> int:
        """Chunks written so far."""
        return self._chunks

    def note_error_ranges(self, count: int) -> None:
        """Tell how many ``error2`` entries are known so far, so segments keep room for the section."""
        self._error_count = count

    def add_chunk(self, stored: bytes | memoryview, compressed: bool) -> None:
        """Append the next chunk in its stored form; opens a new segment when this one would grow too big."""
        segment = self._segment
        if segment is None:
            raise AcquisitionError(f"{self.first_segment}: the E01 set is already closed")
        group = self._group
        if group.chunks and (
            len(group.entries) >= ewf_format.MAX_TABLE_ENTRIES or group.size + len(stored) > self._group_bytes
        ):
            self._flush_group(segment)
        if not self._fits(segment, len(stored)):
            if not self._group.chunks and segment.offset == segment.volume_payload_at + ewf_format.VOLUME_PAYLOAD_SIZE:
                raise UsageError(f"E01 segment size {self._segment_size} cannot hold one chunk")
            self._flush_group(segment)
            segment.write(sec.descriptor("next", segment.offset, 0))
            self._close_segment(segment)
            segment = self._open_segment()
        group = self._group
        relative = ewf_format.DESCRIPTOR_SIZE + group.size
        group.entries.append(relative | (ewf_format.COMPRESSED_FLAG if compressed else 0))
        group.chunks.append(stored)
        group.size += len(stored)
        self._chunks += 1

    def add_run(self, run: EncodedRun) -> None:
        """Append consecutive stored chunks; the same layout as ``add_chunk`` for each, in far fewer steps.

        When the whole run fits in the open chunk group and segment (the usual case), it is appended as one piece;
        otherwise it is added chunk by chunk, which may close the group or the segment between two chunks.
        """
        segment = self._segment
        if segment is None:
            raise AcquisitionError(f"{self.first_segment}: the E01 set is already closed")
        group = self._group
        count = len(run.lengths)
        size = len(run.blob)
        if (
            len(group.entries) + count <= ewf_format.MAX_TABLE_ENTRIES
            and group.size + size <= self._group_bytes
            and self._fits(segment, size + 8 * (count - 1))
        ):
            relative = ewf_format.DESCRIPTOR_SIZE + group.size
            flag = ewf_format.COMPRESSED_FLAG
            for length, compressed in zip(run.lengths, run.compressed, strict=True):
                group.entries.append(relative | flag if compressed else relative)
                relative += length
            group.chunks.append(run.blob)
            group.size += size
            self._chunks += count
            return
        view = memoryview(run.blob)
        start = 0
        for length, compressed in zip(run.lengths, run.compressed, strict=True):
            self.add_chunk(view[start : start + length], compressed)
            start += length

    def finish(
        self,
        volume: sec.VolumeInfo,
        *,
        md5: bytes | None,
        sha1: bytes | None,
        error_ranges: Sequence[tuple[int, int]] = (),
    ) -> list[OutputFile]:
        """Write the last group and the closing sections; return every segment file with its digests."""
        if self._chunks == 0 or self._segment is None:
            raise AcquisitionError(f"{self.first_segment}: no media bytes were written; an E01 cannot be empty")
        if volume.chunk_count != self._chunks:
            raise AcquisitionError(
                f"{self.first_segment}: {self._chunks} chunks written, the volume says {volume.chunk_count}"
            )
        segment = self._segment
        self._flush_group(segment)
        if segment.number == 1:
            segment.write(sec.section("data", segment.offset, sec.volume_payload(volume)))
        if error_ranges:
            segment.write(sec.section("error2", segment.offset, sec.error2_payload(error_ranges)))
        if md5 is not None and sha1 is not None:
            segment.write(sec.section("digest", segment.offset, sec.digest_payload(md5, sha1)))
        if md5 is not None:
            segment.write(sec.section("hash", segment.offset, sec.hash_payload(md5)))
        segment.write(sec.descriptor("done", segment.offset, 0))
        self._close_segment(segment)
        if volume != self._volume:
            self._rewrite_volumes(volume)
        return [self._output_file(done) for done in self._done]

    def abort(self) -> None:
        """Close the open file without finishing it; what was written stays on disk."""
        if self._segment is not None:
            segment, self._segment = self._segment, None
            with contextlib.suppress(OSError, AcquisitionError):  # the failure being aborted may be the disk
                segment.close()
            segment.handle.close()

    def _reopen(self, kept: Sequence[int], chunks: int) -> None:
        for number, volume_payload_at in enumerate(kept, start=1):
            path = segment_path(self._base, number, upper=self._upper)
            try:
                hashers = _hash_file(path)
                handle = path.open("r+b", buffering=0)
                handle.seek(0, 2)
            except OSError as exc:
                raise AcquisitionError(f"{path}: cannot reopen: {exc.strerror or exc}") from exc
            segment = _Segment(number=number, path=path, handle=handle)
            segment.offset, segment.hashers, segment.volume_payload_at = handle.tell(), hashers, volume_payload_at
            self._segment = segment
            if number < len(kept):
                self._close_segment(segment)
        self._chunks = chunks
        if self._segment is not None:
            self.checkpoint = WriterCheckpoint(self._segment.number, self._segment.offset, chunks)

    def _tail_reserve(self, number: int) -> int:
        # The segment may turn out to be the last: keep room for [data], error2, digest, hash and done (§2).
        tail = ewf_format.DIGEST_SECTION_SIZE + ewf_format.HASH_SECTION_SIZE + ewf_format.DESCRIPTOR_SIZE
        tail += sec.error2_section_size(self._error_count + _ERROR_RANGE_SLACK)
        return tail + (ewf_format.VOLUME_SECTION_SIZE if number == 1 else 0)

    def _fits(self, segment: _Segment, stored_length: int) -> bool:
        group = self._group
        used = segment.offset + (group.size + 8 * len(group.entries) + _GROUP_OVERHEAD if group.chunks else 0)
        cost = stored_length + 8 + (0 if group.chunks else _GROUP_OVERHEAD)
        return used + cost + self._tail_reserve(segment.number) <= self._segment_size

    def _open_segment(self) -> _Segment:
        number = len(self._done) + 1
        path = segment_path(self._base, number, upper=self._upper)
        try:
            handle = path.open("xb", buffering=0)
        except FileExistsError as exc:
            raise AcquisitionError(f"{path}: already exists; refusing to overwrite it") from exc
        except OSError as exc:
            raise AcquisitionError(f"{path}: cannot create: {exc.strerror or exc}") from exc
        segment = _Segment(number=number, path=path, handle=handle)
        self._segment = segment
        segment.write(sec.file_header(number))
        if number == 1:
            for kind, payload in self._leading:
                segment.write(sec.section(kind, segment.offset, payload))
        segment.volume_payload_at = segment.offset + ewf_format.DESCRIPTOR_SIZE
        kind = "volume" if number == 1 else "data"
        segment.write(sec.section(kind, segment.offset, sec.volume_payload(self._volume)))
        return segment

    def _flush_group(self, segment: _Segment) -> None:
        group = self._group
        if not group.chunks:
            return
        base = segment.offset
        sectors_size = ewf_format.DESCRIPTOR_SIZE + group.size
        segment.write(sec.descriptor("sectors", base, sectors_size))
        for chunk in group.chunks:
            segment.write(chunk)
        table = sec.table_payload(base, group.entries)
        segment.write(sec.section("table", segment.offset, table))
        segment.write(sec.section("table2", segment.offset, table))
        self._group = _Group()
        segment.flush()  # the checkpoint names bytes that are in the file, not in this buffer
        self.checkpoint = WriterCheckpoint(segment.number, segment.offset, self._chunks)

    def _close_segment(self, segment: _Segment) -> None:
        try:
            segment.close()
        except OSError as exc:
            raise AcquisitionError(f"{segment.path}: cannot write: {exc.strerror or exc}") from exc
        self._done.append(segment)
        self._segment = None

    def _rewrite_volumes(self, volume: sec.VolumeInfo) -> None:
        # The media size was not known up front: correct every volume/data payload (their descriptors stay valid),
        # then hash the files again since they changed behind the running digests.
        payload = sec.volume_payload(volume)
        for segment in self._done:
            try:
                with segment.path.open("r+b") as handle:
                    handle.seek(segment.volume_payload_at)
                    handle.write(payload)
                segment.hashers = _hash_file(segment.path)
            except OSError as exc:
                raise AcquisitionError(f"{segment.path}: cannot update: {exc.strerror or exc}") from exc

    @staticmethod
    def _output_file(segment: _Segment) -> OutputFile:
        sha256, b3 = segment.hashers
        return OutputFile(
            path=segment.path,
            size=segment.offset,
            digests={"sha256": sha256.hexdigest(), "blake3": b3.hexdigest()},
        )


def _hash_file(path: Path) -> list[Any]:
    hashers: list[Any] = [hashlib.sha256(), blake3.blake3()]
    buffer = bytearray(_READ_BLOCK)
    view = memoryview(buffer)
    with path.open("rb") as handle:
        while count := handle.readinto(view):
            for hasher in hashers:
                hasher.update(view[:count])
    return hashers
