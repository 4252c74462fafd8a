"""An ``ImageSink`` that writes an EnCase 6 style E01 segment set, compressing chunks in parallel threads.

The acquisition pipeline hands media bytes in order. The sink cuts them into batches of whole chunks, compresses
each batch in a thread pool (deflate releases the GIL, so this runs beside the pipeline's reading and hashing), and a
single writer thread lays the encoded batches out in submission order. At most ``max_pending`` batches are in
flight, so memory stays bounded whatever the media size.

EWF stores whole sectors (EWF.md §14): media that is not a multiple of the sector size is zero-padded, and the MD5
and SHA-1 stored in the image cover the padded media. The sink computes those two itself in that case (and when the
size is not known up front), since the pipeline's digests cover the unpadded source; ``stored_digests`` tells what
was stored.
"""

from __future__ import annotations

import hashlib
import os
import queue
from collections import deque
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from evidence.errors import AcquisitionError, IntegrityError, UsageError
from evidence.ewf_chunks import ChunkCodec, make_codec
from evidence.ewf_sections import EwfMetadata, MediaType, VolumeInfo
from evidence.ewf_writer import (
    DEFAULT_GROUP_BYTES,
    DEFAULT_SEGMENT_SIZE,
    EwfSegmentWriter,
    segment_path,
    segment_paths_base,
)
from evidence.sink import OutputFile

SECTOR_SIZES = (512, 1024, 2048, 4096)
#: ewfacquire accepts 16..32768 sectors per chunk; EnCase and most readers expect 64 (32 KiB chunks).
DEFAULT_CHUNK_SECTORS = 64
#: Chunks per compression task: large enough that thread hand-over costs little, small enough to bound memory.
DEFAULT_BATCH_CHUNKS = 32

EncodedBatch = list[tuple[bytes, bool]]


class E01Sink:
    """Write media bytes into ``output`` (``case.E01``, then ``case.E02``...) as an EnCase 6 style E01 set.

    ``media_size`` (bytes) is written into the ``volume`` section up front; pass ``None`` when unknown, and the
    sections are corrected at ``close``. ``compression`` is ``none``, ``fast`` or ``best``. ``workers`` compression
    threads (default: the CPU count) process batches of ``batch_chunks`` chunks; chunk groups of up to
    ``group_bytes`` are buffered before they are written, which with the batches bounds the memory used.
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
        batch_chunks: int = DEFAULT_BATCH_CHUNKS,
        group_bytes: int = DEFAULT_GROUP_BYTES,
    ) -> None:
        _check_geometry(sector_size, chunk_sectors, media_size)
        self._sector_size = sector_size
        self._chunk_sectors = chunk_sectors
        self._media_type = media_type
        self._physical = physical
        self._codec: ChunkCodec = make_codec(compression, sector_size * chunk_sectors)
        self._segment_size = segment_size
        self._batch_size = self._codec.chunk_size * max(1, batch_chunks)
        base, upper = segment_paths_base(output)
        if segment_path(base, 2, upper=upper).exists():
            raise AcquisitionError(f"{segment_path(base, 2, upper=upper)}: already exists; refusing to mix E01 sets")
        self._writer = EwfSegmentWriter(
            output,
            volume=self._volume(media_size or 0),
            metadata=metadata,
            segment_size=segment_size,
            group_bytes=group_bytes,
        )
        threads = max(1, workers or os.cpu_count() or 1)
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="e01-deflate")
        self._out = ThreadPoolExecutor(1, thread_name_prefix="e01-write")
        self._pending: deque[Future[None]] = deque()
        self._max_pending = 4 * threads + 4
        self._free: queue.SimpleQueue[bytearray] = queue.SimpleQueue()
        self._staging = bytearray()
        self._written = 0
        self._unreadable: list[tuple[int, int]] = []
        self._failed = False
        self._finished = False
        self._own_hashes: list[Any] | None = None
        if media_size is None or media_size % sector_size:
            self._own_hashes = [hashlib.md5(usedforsecurity=False), hashlib.sha1(usedforsecurity=False)]
        self._stored: dict[str, str] = {}

    @property
    def first_segment(self) -> Path:
        """The ``.E01`` file of the set."""
        return self._writer.first_segment

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
        }
        details.update({f"stored_{name}": value for name, value in self._stored.items()})
        return details

    def write(self, data: memoryview) -> None:
        """Append the next media bytes; blocks while ``max_pending`` batches are still being compressed/written."""
        self._check_usable()
        if self._own_hashes is not None:
            for hasher in self._own_hashes:
                hasher.update(data)
        self._written += len(data)
        view = data
        if self._staging:
            take = min(len(view), self._batch_size - len(self._staging))
            self._staging += view[:take]
            view = view[take:]
            if len(self._staging) == self._batch_size:
                self._submit(self._staging, self._batch_size)
                self._staging.clear()
        while len(view) >= self._batch_size:
            self._submit(view[: self._batch_size], self._batch_size)
            view = view[self._batch_size :]
        if view:
            self._staging += view

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
                self._submit(self._staging, len(self._staging))
                self._staging.clear()
            self._drain(0)
            md5, sha1 = self._stored_hashes(media_digests, padded)
            volume = self._volume(self._written + padded)
            files = self._writer.finish(volume, md5=md5, sha1=sha1, error_ranges=self.error_ranges())
        except BaseException:
            self.abort()
            raise
        self._shutdown()
        self._finished = True
        self._stored = {name: value.hex() for name, value in (("md5", md5), ("sha1", sha1)) if value is not None}
        return files

    def abort(self) -> None:
        """Stop: cancel queued work, close the open segment; the files written so far stay as they are."""
        self._failed = True
        self._shutdown()
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
        sectors = -(-media_bytes // self._sector_size)
        return VolumeInfo(
            chunk_count=-(-sectors // self._chunk_sectors),
            sectors_per_chunk=self._chunk_sectors,
            bytes_per_sector=self._sector_size,
            sector_count=sectors,
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

    def _submit(self, data: bytes | bytearray | memoryview, length: int) -> None:
        # Batches are copied into recycled buffers: fresh ones would cost page faults on every batch.
        try:
            batch = self._free.get_nowait()
        except queue.Empty:
            batch = bytearray(self._batch_size)
        batch[:length] = data
        encoded = self._pool.submit(self._encode, batch, length)
        self._pending.append(self._out.submit(self._store, encoded))
        self._drain(self._max_pending)

    def _encode(self, batch: bytearray, length: int) -> EncodedBatch:
        try:
            return self._codec.encode_batch(batch, length)
        finally:
            self._free.put(batch)

    def _store(self, encoded: Future[EncodedBatch]) -> None:
        if self._failed:
            return
        try:
            for stored, compressed in encoded.result():
                self._writer.add_chunk(stored, compressed)
        except BaseException:
            self._failed = True
            raise

    def _drain(self, keep: int) -> None:
        # Waiting on the oldest write first keeps media order and surfaces the first failure.
        while len(self._pending) > keep:
            self._pending.popleft().result()

    def _shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._out.shutdown(wait=True, cancel_futures=True)
        self._pending.clear()


def _check_geometry(sector_size: int, chunk_sectors: int, media_size: int | None) -> None:
    if sector_size not in SECTOR_SIZES:
        raise UsageError(f"sector size {sector_size} is not one of {', '.join(map(str, SECTOR_SIZES))}")
    if chunk_sectors < 1 or chunk_sectors > 32768 or chunk_sectors & (chunk_sectors - 1):
        raise UsageError(f"sectors per chunk must be a power of two up to 32768, not {chunk_sectors}")
    if media_size is not None and media_size < 0:
        raise UsageError(f"media size cannot be negative ({media_size})")
