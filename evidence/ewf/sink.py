"""An ``ImageSink`` that writes an EnCase 6 style E01 segment set, compressing chunks on every core.

The acquisition pipeline hands media bytes in order, from a consumer thread of its own. ``write`` compresses them
right there, without copying them: the calling thread encodes one share of the block's chunks and helper threads
(one fewer than the workers) encode the others at the same time, and ``write`` returns once all shares are done,
since the block is only valid during the call. Deflate releases the GIL, so this runs beside the pipeline's reading
and hashing. A single writer thread lays the encoded runs out in order; at most ``max_pending`` of them wait for it,
so memory stays bounded whatever the media size. Bytes that do not fill a whole chunk wait in a small staging
buffer for the next ``write``.

EWF stores whole sectors (EWF.md §14): media that is not a multiple of the sector size is zero-padded, and the MD5
and SHA-1 stored in the image cover the padded media. The sink computes those two itself in that case (and when the
size is not known up front), since the pipeline's digests cover the unpadded source; ``stored_digests`` tells what
was stored.
"""

from __future__ import annotations

import hashlib
import os
import queue
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from evidence.common.errors import AcquisitionError, IntegrityError, UsageError
from evidence.common.sink import OutputFile
from evidence.ewf.chunks import ChunkCodec, EncodedRun, make_codec
from evidence.ewf.format import CompressionLevel, MediaType
from evidence.ewf.prefix import Continuation
from evidence.ewf.sections import EwfMetadata, VolumeInfo
from evidence.ewf.writer import (
    DEFAULT_GROUP_BYTES,
    DEFAULT_SEGMENT_SIZE,
    EwfSegmentWriter,
    WriterCheckpoint,
    segment_path,
    segment_paths_base,
)

SECTOR_SIZES = (512, 1024, 2048, 4096)
#: ewfacquire accepts 16..32768 sectors per chunk; EnCase and most readers expect 64 (32 KiB chunks).
DEFAULT_CHUNK_SECTORS = 64
#: Encoded runs waiting for the writer thread, at most (about 0.4 MiB each for 1 MiB pipeline blocks).
DEFAULT_MAX_PENDING = 32


class _Helper:
    """A thread that encodes the runs it is given and hands back each result (or the exception) in order."""

    def __init__(self, codec: ChunkCodec, name: str) -> None:
        self._codec = codec
        self._tasks: queue.SimpleQueue[memoryview | None] = queue.SimpleQueue()
        self._results: queue.SimpleQueue[EncodedRun | BaseException] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def submit(self, data: memoryview) -> None:
        self._tasks.put(data)

    def outcome(self) -> EncodedRun | BaseException:
        return self._results.get()

    def stop(self) -> None:
        self._tasks.put(None)
        self._thread.join()

    def _run(self) -> None:
        encode = self._codec.encode_run
        while (data := self._tasks.get()) is not None:
            try:
                self._results.put(encode(data))
            except BaseException as exc:  # noqa: BLE001 - handed back to the thread that waits for this result
                self._results.put(exc)


class E01Sink:
    """Write media bytes into ``output`` (``case.E01``, then ``case.E02``...) as an EnCase 6 style E01 set.

    ``media_size`` (bytes) is written into the ``volume`` section up front; pass ``None`` when unknown, and the
    sections are corrected at ``close``. ``compression`` is ``none``, ``fast`` or ``best``. ``workers`` threads
    (default: the CPU count; the caller of ``write`` is one of them) compress each block; up to ``max_pending``
    encoded blocks wait for the writer thread, and chunk groups of up to ``group_bytes`` are buffered before they
    are written, which bounds the memory used.
    """

    def __init__(
        self,
        output: Path,
        *,
        media_size: int | None,
        metadata: EwfMetadata,
        sector_size: int = 512,
        chunk_sectors: int = DEFAULT_CHUNK_SECTORS,
        compression: str = "fast",
        segment_size: int = DEFAULT_SEGMENT_SIZE,
        media_type: MediaType = MediaType.FIXED,
        physical: bool = True,
        workers: int | None = None,
        max_pending: int = DEFAULT_MAX_PENDING,
        group_bytes: int = DEFAULT_GROUP_BYTES,
        resume: Continuation | None = None,
        unreadable: Sequence[tuple[int, int]] = (),
    ) -> None:
        _check_geometry(sector_size, chunk_sectors, media_size)
        self._sector_size = sector_size
        self._chunk_sectors = chunk_sectors
        self._media_type = media_type
        self._physical = physical
        self._codec: ChunkCodec = make_codec(compression, sector_size * chunk_sectors)
        self._segment_size = segment_size
        base, upper = segment_paths_base(output)
        if resume is None and segment_path(base, 2, upper=upper).exists():
            raise AcquisitionError(f"{segment_path(base, 2, upper=upper)}: already exists; refusing to mix E01 sets")
        self._unreadable: list[tuple[int, int]] = list(unreadable)
        self._writer = EwfSegmentWriter(
            output,
            volume=self._volume(media_size or 0),
            metadata=metadata,
            segment_size=segment_size,
            group_bytes=group_bytes,
            kept=resume.kept if resume else (),
            chunks=resume.chunks if resume else 0,
        )
        self._writer.note_error_ranges(len(self._unreadable))
        for stored, compressed in resume.pending if resume else ():
            self._writer.add_chunk(stored, compressed)
        threads = max(1, workers or os.cpu_count() or 1)
        self._helpers = [_Helper(self._codec, f"e01-deflate-{i}") for i in range(1, threads)]
        self._runs: queue.SimpleQueue[list[EncodedRun] | None] = queue.SimpleQueue()
        self._room = threading.Semaphore(max(1, max_pending))
        self._write_error: BaseException | None = None
        self._out = threading.Thread(target=self._write_runs, name="e01-write", daemon=True)
        self._out.start()
        self._staging = bytearray()
        self._written = resume.media_bytes if resume else 0
        self._failed = False
        self._finished = False
        self._own_hashes: list[Any] | None = None
        if media_size is None or media_size % sector_size:
            self._own_hashes = [hashlib.md5(usedforsecurity=False), hashlib.sha1(usedforsecurity=False)]
            if resume is not None:  # the MD5 and SHA-1 of the media before the resume point, from its caller
                if len(resume.hashes) != 2:
                    raise UsageError("continuing this E01 needs the MD5 and SHA-1 of the media already written")
                self._own_hashes = list(resume.hashes)
        self._stored: dict[str, str] = {}

    @property
    def first_segment(self) -> Path:
        """The ``.E01`` file of the set."""
        return self._writer.first_segment

    @property
    def checkpoint(self) -> WriterCheckpoint | None:
        """The end of the last chunk group on disk (``acquire --resume`` continues from there)."""
        return self._writer.checkpoint

    @property
    def stored_digests(self) -> dict[str, str]:
        """After ``close``: the ``md5``/``sha1`` hex digests stored in the image's ``hash``/``digest`` sections."""
        return dict(self._stored)

    @property
    def details(self) -> dict[str, str | int]:
        """How the image is written (deflate implementation included) and, after ``close``, the stored digests.

        The acquisition record keeps this, so it says which deflate library produced the chunks.
        """
        details: dict[str, str | int] = {
            "compression": self._codec.level.name.lower(),
            "deflate": self._codec.implementation,
            "sector_size": self._sector_size,
            "chunk_size": self._codec.chunk_size,
            "segment_size": self._segment_size,
            "media_type": self._media_type.name.lower(),
            "media_flags": "physical" if self._physical else "logical",
        }
        details.update({f"stored_{name}": value for name, value in self._stored.items()})
        return details

    def write(self, data: memoryview) -> None:
        """Append the next media bytes; returns once they are encoded (blocks while the writer is behind)."""
        self._check_usable()
        if self._write_error is not None:
            raise self._write_error
        if self._own_hashes is not None:
            for hasher in self._own_hashes:
                hasher.update(data)
        self._written += len(data)
        size = self._codec.chunk_size
        runs: list[EncodedRun] = []
        view = data
        if self._staging:
            take = min(len(view), size - len(self._staging))
            self._staging += view[:take]
            view = view[take:]
            if len(self._staging) < size:
                return
            runs.append(self._codec.encode_run(bytes(self._staging)))
            self._staging.clear()
        whole = len(view) - len(view) % size
        if whole:
            runs += self._encode_shared(view[:whole])
        if whole < len(view):
            self._staging += view[whole:]
        if runs:
            self._queue_runs(runs)

    def add_unreadable(self, offset: int, length: int) -> None:
        """Record unreadable media bytes (written as zeros); they are listed by sector in the ``error2`` section."""
        if offset < 0 or length <= 0:
            raise UsageError(f"invalid unreadable range at offset {offset}, length {length}")
        self._unreadable.append((offset, length))
        self._writer.note_error_ranges(len(self._unreadable))

    def close(self, media_digests: Mapping[str, bytes]) -> list[OutputFile]:
        """Write the last chunks and the closing sections; return every segment file with its SHA-256 and BLAKE3.

        ``media_digests["md5"]`` goes into the ``hash`` section and, with ``media_digests["sha1"]``, into the
        ``digest`` section (unless the sink hashed padded media itself, see the module docstring).
        """
        self._check_usable()
        try:
            padded = -self._written % self._sector_size
            if self._staging or padded:
                self._staging += bytes(padded)
                self._queue_runs([self._codec.encode_run(bytes(self._staging))])
                self._staging.clear()
            self._stop_threads()
            if self._write_error is not None:
                raise self._write_error
            md5, sha1 = self._stored_hashes(media_digests, padded)
            volume = self._volume(self._written + padded)
            files = self._writer.finish(volume, md5=md5, sha1=sha1, error_ranges=self.error_ranges())
        except BaseException:
            self.abort()
            raise
        self._finished = True
        self._stored = {name: value.hex() for name, value in (("md5", md5), ("sha1", sha1)) if value is not None}
        return files

    def abort(self) -> None:
        """Stop: cancel queued work, close the open segment; the files written so far stay as they are."""
        self._failed = True
        self._stop_threads()
        self._writer.abort()

    def error_ranges(self) -> list[tuple[int, int]]:
        """The unreadable ranges as sorted, merged ``(first sector, sector count)`` pairs for ``error2``."""
        size = self._sector_size
        spans = sorted((off // size, -(-(off + length) // size)) for off, length in self._unreadable)
        merged: list[list[int]] = []
        for first, end in spans:
            if merged and first <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([first, end])
        return [(first, end - first) for first, end in merged]

    def _volume(self, media_bytes: int) -> VolumeInfo:
        return volume_info(
            media_bytes,
            sector_size=self._sector_size,
            chunk_sectors=self._chunk_sectors,
            media_type=self._media_type,
            physical=self._physical,
            compression=self._codec.level,
        )

    def _stored_hashes(self, media_digests: Mapping[str, bytes], padding: int) -> tuple[bytes | None, bytes | None]:
        given = (media_digests.get("md5"), media_digests.get("sha1"))
        if self._own_hashes is None:
            return given
        for hasher in self._own_hashes:
            hasher.update(bytes(padding))
        own = (self._own_hashes[0].digest(), self._own_hashes[1].digest())
        if padding == 0:
            for name, mine, theirs in zip(("md5", "sha1"), own, given, strict=True):
                if theirs is not None and theirs != mine:
                    raise IntegrityError(
                        f"{self.first_segment}: the bytes written hash to {name}:{mine.hex()}, "
                        f"the acquisition computed {name}:{theirs.hex()}"
                    )
        return own

    def _check_usable(self) -> None:
        if self._failed or self._finished:
            raise AcquisitionError(f"{self.first_segment}: the E01 sink is already closed")

    def _encode_shared(self, data: memoryview) -> list[EncodedRun]:
        # Whole chunks, shared out in contiguous runs: the helpers take the later shares, this thread the first.
        chunks = len(data) // self._codec.chunk_size
        shares = min(len(self._helpers) + 1, chunks)
        bounds = [self._codec.chunk_size * (chunks * k // shares) for k in range(shares + 1)]
        helpers = self._helpers[: shares - 1]
        for helper, start, end in zip(helpers, bounds[1:-1], bounds[2:], strict=True):
            helper.submit(data[start:end])
        try:
            runs = [self._codec.encode_run(data[: bounds[1]])]
        finally:  # every share must be finished before ``data`` goes back to the pipeline
            outcomes = [helper.outcome() for helper in helpers]
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome
            runs.append(outcome)
        return runs

    def _queue_runs(self, runs: list[EncodedRun]) -> None:
        self._room.acquire()
        self._runs.put(runs)

    def _write_runs(self) -> None:
        # The writer thread: lays runs out in order; after a failure it only frees the room the runs took.
        add = self._writer.add_run
        while (runs := self._runs.get()) is not None:
            try:
                if self._write_error is None and not self._failed:
                    for run in runs:
                        add(run)
            except BaseException as exc:  # noqa: BLE001 - raised by the next write or by close
                self._write_error = exc
            finally:
                self._room.release()

    def _stop_threads(self) -> None:
        for helper in self._helpers:
            helper.stop()
        self._helpers = []
        if self._out.is_alive():
            self._runs.put(None)
            self._out.join()


def volume_info(
    media_bytes: int,
    *,
    sector_size: int,
    chunk_sectors: int,
    media_type: MediaType,
    physical: bool,
    compression: CompressionLevel,
) -> VolumeInfo:
    """The ``volume`` section's values for ``media_bytes`` of media written with these settings."""
    sectors = -(-media_bytes // sector_size)
    return VolumeInfo(
        chunk_count=-(-sectors // chunk_sectors),
        sectors_per_chunk=chunk_sectors,
        bytes_per_sector=sector_size,
        sector_count=sectors,
        media_type=media_type,
        physical=physical,
        compression=compression,
    )


def _check_geometry(sector_size: int, chunk_sectors: int, media_size: int | None) -> None:
    if sector_size not in SECTOR_SIZES:
        raise UsageError(f"sector size {sector_size} is not one of {', '.join(map(str, SECTOR_SIZES))}")
    if chunk_sectors < 1 or chunk_sectors > 32768 or chunk_sectors & (chunk_sectors - 1):
        raise UsageError(f"sectors per chunk must be a power of two up to 32768, not {chunk_sectors}")
    if media_size is not None and media_size < 0:
        raise UsageError(f"media size cannot be negative ({media_size})")
