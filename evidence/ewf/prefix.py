"""The written part of an unfinished E01 set, up to a writer checkpoint: read back, checked, and cut back to.

An interrupted E01 acquisition leaves segment files whose last one has no closing sections. Its record keeps the
``WriterCheckpoint`` of the last chunk group on disk (segment, file offset, chunk count). ``read_prefix`` walks the
section chains up to that point and accepts only what ``EwfSegmentWriter`` writes there: each descriptor's Adler-32,
the ``volume``/``data`` payload the resumed settings give, ``sectors`` + ``table`` + ``table2`` groups whose tables
are intact and identical, ``next`` at the end of every earlier segment, and exactly the checkpoint's chunk count.
``chunk_data`` then decodes every chunk (zlib's check or the stored Adler-32) for the caller to hash, and
``cut_back`` removes what lies past the point the resume continues from. Files are opened read-only until the cut.
"""

from __future__ import annotations

import os
import zlib
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evidence.common.errors import DamagedImageError
from evidence.common.files import open_readonly
from evidence.ewf.format import (
    COMPRESSED_FLAG,
    DESCRIPTOR,
    DESCRIPTOR_CHECKED,
    DESCRIPTOR_SIZE,
    FILE_HEADER,
    VOLUME_PAYLOAD_SIZE,
)
from evidence.ewf.layout import decode_chunk, read_table
from evidence.ewf.sections import adler32, file_header
from evidence.ewf.writer import WriterCheckpoint, segment_path, segment_paths_base


class PrefixError(DamagedImageError):
    """The written part does not hold what the checkpoint says: ``path`` and the file ``offset`` where it differs."""

    def __init__(self, path: Path, offset: int, what: str) -> None:
        super().__init__(f"{path}: {what} at offset {offset}")
        self.path, self.offset = path, offset


@dataclass(frozen=True, slots=True)
class _Group:
    """One ``sectors`` + ``table`` + ``table2`` group: the ``sectors`` descriptor is at ``start`` (the tables' base)."""

    segment: int
    start: int
    sectors_end: int
    first_chunk: int
    entries: array[int]


@dataclass(frozen=True, slots=True, kw_only=True)
class WrittenPrefix:
    """The segment files up to a checkpoint: their paths, where each ``volume``/``data`` payload is, the groups."""

    paths: tuple[Path, ...]
    volume_payload_at: tuple[int, ...]
    groups: tuple[_Group, ...]
    checkpoint: WriterCheckpoint


@dataclass(frozen=True, slots=True, kw_only=True)
class Continuation:
    """How an E01 sink goes on after ``cut_back``: the segments kept (offsets of their volume payloads), the chunks
    their groups hold, the stored chunks of the group that was cut open (laid out again first), the media bytes
    before the resume point and, when the sink hashes the padded media itself, the MD5 and SHA-1 of those bytes."""

    kept: tuple[int, ...]
    chunks: int
    pending: tuple[tuple[bytes, bool], ...]
    media_bytes: int
    hashes: tuple[Any, ...] = ()


def read_prefix(first: Path, checkpoint: WriterCheckpoint, volume_payload: bytes) -> WrittenPrefix:
    """Walk segments 1 to ``checkpoint.segment`` of the set whose first file is ``first`` (raises ``PrefixError``)."""
    base, upper = segment_paths_base(first)
    paths, volumes, groups = [], [], []
    chunks = 0
    for number in range(1, checkpoint.segment + 1):
        path = segment_path(base, number, upper=upper)
        stop = checkpoint.offset if number == checkpoint.segment else None
        try:
            fd, size = open_readonly(path)
        except OSError as exc:
            raise PrefixError(path, 0, f"cannot open ({exc.strerror or exc})") from exc
        try:
            volume_at, found = _walk(fd, path, size, number, stop, volume_payload, chunks)
        finally:
            os.close(fd)
        paths.append(path)
        volumes.append(volume_at)
        groups += found
        chunks += sum(len(group.entries) for group in found)
    if chunks != checkpoint.chunks:
        raise PrefixError(paths[-1], checkpoint.offset, f"{chunks} chunks instead of {checkpoint.chunks}")
    return WrittenPrefix(
        paths=tuple(paths), volume_payload_at=tuple(volumes), groups=tuple(groups), checkpoint=checkpoint
    )


def _pread(fd: int, path: Path, offset: int, length: int) -> bytes:
    try:
        data = os.pread(fd, length, offset)
    except OSError as exc:
        raise PrefixError(path, offset, f"read error ({exc.strerror or exc})") from exc
    if len(data) != length:
        raise PrefixError(path, offset, "file too short")
    return data


def _walk(
    fd: int, path: Path, size: int, number: int, stop: int | None, volume: bytes, first_chunk: int
) -> tuple[int, list[_Group]]:
    """(offset of the volume/data payload, groups) of one segment, up to ``stop`` or its ``next`` section."""
    if _pread(fd, path, 0, FILE_HEADER.size) != file_header(number):
        raise PrefixError(path, 0, f"not segment {number} of an E01 set")
    expected = ["header2", "header2", "header", "volume"] if number == 1 else ["data"]
    offset, volume_at, sectors = FILE_HEADER.size, 0, 0
    groups: list[_Group] = []
    while offset != stop:
        if (stop is not None and offset > stop) or offset + DESCRIPTOR_SIZE > size:
            raise PrefixError(path, offset, "section chain does not reach the checkpoint")
        raw = _pread(fd, path, offset, DESCRIPTOR_SIZE)
        kind_raw, following, length, _padding, checksum = DESCRIPTOR.unpack(raw)
        if adler32(raw[:DESCRIPTOR_CHECKED]) != checksum:
            raise PrefixError(path, offset, "section descriptor checksum mismatch")
        kind = kind_raw.rstrip(b"\0").decode("ascii", "replace")
        if kind == "next" and stop is None and expected == ["sectors"] and groups:
            return volume_at, groups
        if kind not in expected[:1]:
            raise PrefixError(path, offset, f"unexpected {kind!r} section")
        if kind in ("header", "header2"):
            # the case metadata: zlib's Adler-32 of the text stands for its checksum
            if _inflate(_pread(fd, path, offset + DESCRIPTOR_SIZE, length - DESCRIPTOR_SIZE)) is None:
                raise PrefixError(path, offset, "damaged header section")
        elif kind in ("volume", "data"):
            if _pread(fd, path, offset + DESCRIPTOR_SIZE, VOLUME_PAYLOAD_SIZE) != volume:
                raise PrefixError(path, offset, "volume section differs from the settings")
            volume_at = offset + DESCRIPTOR_SIZE
        elif kind == "sectors":
            sectors = offset
        elif kind in ("table", "table2"):
            count, table_base, entries, damage = read_table(fd, path, offset + DESCRIPTOR_SIZE)
            if (
                damage is not None
                or table_base != sectors
                or count == 0
                or entries[0] & ~COMPRESSED_FLAG != DESCRIPTOR_SIZE
            ):
                raise PrefixError(path, offset, "damaged chunk table")
            if kind == "table":
                groups.append(_Group(number, sectors, offset, first_chunk, entries))
                first_chunk += count
            elif groups[-1].entries != entries:
                raise PrefixError(path, offset, "table2 differs from table")
        expected = expected[1:] or {"sectors": ["table", "table2"]}.get(kind, ["sectors"])
        if following != offset + length or length < DESCRIPTOR_SIZE:
            raise PrefixError(path, offset, "damaged section chain")
        offset = following
    if expected != ["sectors"]:
        raise PrefixError(path, offset, "the checkpoint is not after a chunk group")
    return volume_at, groups


def chunk_data(prefix: WrittenPrefix, count: int, chunk_size: int) -> Iterator[bytes]:
    """The media bytes of the first ``count`` chunks, each checked, in order, one group's worth at a time."""
    done = 0
    for group in prefix.groups:
        if done >= count:
            return
        path, data = _group_data(prefix, group)
        parts = []
        for index, (start, end, compressed) in enumerate(_stored_ranges(group)):
            if done + index >= count:
                break
            stored = data[start:end]
            if compressed:
                chunk = _inflate(stored)
            else:
                chunk = decode_chunk(stored, compressed, chunk_size)[0] if len(stored) == chunk_size + 4 else None
            if chunk is None or len(chunk) != chunk_size:
                raise PrefixError(path, group.start + start, f"chunk {group.first_chunk + index} fails its check")
            parts.append(chunk)
        done += len(parts)
        yield b"".join(parts)


def _group_data(prefix: WrittenPrefix, group: _Group) -> tuple[Path, bytes]:
    """The segment file of ``group`` and its ``sectors`` section (descriptor and stored chunks)."""
    path = prefix.paths[group.segment - 1]
    try:
        fd, _size = open_readonly(path)
    except OSError as exc:
        raise PrefixError(path, group.start, f"cannot open ({exc.strerror or exc})") from exc
    try:
        return path, _pread(fd, path, group.start, group.sectors_end - group.start)
    finally:
        os.close(fd)


def _inflate(stored: bytes) -> bytes | None:
    """The data of a zlib stream that fills ``stored`` exactly (checked by its Adler-32), or None."""
    inflater = zlib.decompressobj()
    try:
        data = inflater.decompress(stored)
    except zlib.error:
        return None
    return data if inflater.eof and not inflater.unused_data else None


def _stored_ranges(group: _Group) -> Iterator[tuple[int, int, bool]]:
    """(start, end, compressed) of each stored chunk of ``group``, relative to its ``sectors`` descriptor."""
    ends = [entry & ~COMPRESSED_FLAG for entry in group.entries[1:]] + [group.sectors_end - group.start]
    for entry, end in zip(group.entries, ends, strict=True):
        yield entry & ~COMPRESSED_FLAG, end, bool(entry & COMPRESSED_FLAG)


def continuation(prefix: WrittenPrefix, chunk: int, chunk_size: int) -> tuple[Continuation, int, int]:
    """Where to continue with media chunk ``chunk`` first: (continuation, segment to cut, file offset to cut at).

    The group holding that chunk is cut away whole (its tables come after its chunks) and its earlier chunks are
    laid out again, so the set reads as one run wrote it; at the checkpoint itself nothing is cut.
    """
    checkpoint = prefix.checkpoint
    for group in prefix.groups:
        if group.first_chunk <= chunk < group.first_chunk + len(group.entries):
            _path, data = _group_data(prefix, group)
            ranges = list(_stored_ranges(group))[: chunk - group.first_chunk]
            pending = tuple((data[start:end], compressed) for start, end, compressed in ranges)
            kept = prefix.volume_payload_at[: group.segment]
            found = Continuation(kept=kept, chunks=group.first_chunk, pending=pending, media_bytes=chunk * chunk_size)
            return found, group.segment, group.start
    if chunk != checkpoint.chunks:
        raise PrefixError(prefix.paths[-1], checkpoint.offset, f"chunk {chunk} is not in the written part")
    return (
        Continuation(kept=prefix.volume_payload_at, chunks=chunk, pending=(), media_bytes=chunk * chunk_size),
        checkpoint.segment,
        checkpoint.offset,
    )


def cut_back(first: Path, segment: int, offset: int) -> None:
    """Cut segment ``segment`` of the set to ``offset`` bytes and remove the segment files after it."""
    base, upper = segment_paths_base(first)
    os.truncate(segment_path(base, segment, upper=upper), offset)
    number = segment + 1
    while (path := segment_path(base, number, upper=upper)).exists():
        path.unlink()
        number += 1
