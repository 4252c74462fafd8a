"""Reading a source that may have bad sectors: retry, then sector by sector, zero-fill what stays unreadable.

This is the policy of dc3dd and Guymager: the image keeps the source's geometry (every byte at its offset), the
unreadable sectors are zeros in the image, and each unreadable range is recorded so nobody mistakes those zeros for
evidence. The digests then cover exactly the bytes written.
"""

from __future__ import annotations

from collections.abc import Iterable

from evidence.acquisition.media import IdentifiedMedia
from evidence.common.errors import AcquisitionError, UsageError
from evidence.common.progress import NULL_PROGRESS, ProgressObserver
from evidence.hashing.digest import DEFAULT_ALGORITHMS
from evidence.hashing.pipeline import UnreadableRange
from evidence.hashing.result import DigestResult
from evidence.hashing.streams import digest_fill


def merge_ranges(ranges: list[UnreadableRange], new: UnreadableRange) -> None:
    """Append ``new`` to ``ranges`` (in media order), joining it to the last range when they touch."""
    if ranges and ranges[-1].end == new.offset:
        ranges[-1] = UnreadableRange(offset=ranges[-1].offset, length=ranges[-1].length + new.length)
    else:
        ranges.append(new)


class TolerantReader:
    """Fills buffers from a ``IdentifiedMedia``, surviving read errors.

    A failing block is retried ``retries`` times, then read one sector at a time (each sector also retried); the
    sectors that never read are zero-filled and reported. A source that ends before its announced size is an
    ``AcquisitionError``: a shorter image must never pass for a complete one.
    """

    def __init__(self, media: IdentifiedMedia, *, retries: int = 2, sector_size: int | None = None) -> None:
        if retries < 0:
            raise UsageError(f"retries must be >= 0, got {retries}")
        self.media = media
        self.retries = retries
        self.sector_size = sector_size or media.sector_size
        if self.sector_size <= 0:
            raise UsageError(f"sector size must be positive, got {self.sector_size}")
        self.read_errors = 0
        self._zeros = bytes(self.sector_size)

    def fill(self, offset: int, buffer: memoryview) -> tuple[int, list[UnreadableRange]]:
        """Read up to ``len(buffer)`` media bytes at ``offset``; return the count and the unreadable ranges in it."""
        want = min(len(buffer), self.media.size - offset)
        if want <= 0:
            return 0, []
        view = buffer[:want]
        for _attempt in range(self.retries + 1):
            try:
                got = self.media.readinto_at(offset, view)
            except OSError:
                self.read_errors += 1
                continue
            if got != want:
                raise AcquisitionError(
                    f"source ended at offset {offset + got}, expected {self.media.size} bytes (was it changed?)"
                )
            return want, []
        return want, self._fill_sectors(offset, view)

    def _fill_sectors(self, offset: int, view: memoryview) -> list[UnreadableRange]:
        bad: list[UnreadableRange] = []
        # Sectors are counted from the start of the media, so an unaligned block still retries whole sectors.
        position = offset
        end = offset + len(view)
        while position < end:
            stop = min(end, (position // self.sector_size + 1) * self.sector_size)
            piece = view[position - offset : stop - offset]
            if not self._read_sector(position, piece):
                piece[:] = self._zeros[: len(piece)]
                merge_ranges(bad, UnreadableRange(offset=position, length=len(piece)))
            position = stop
        return bad

    def _read_sector(self, offset: int, piece: memoryview) -> bool:
        for _attempt in range(self.retries + 1):
            try:
                got = self.media.readinto_at(offset, piece)
            except OSError:
                self.read_errors += 1
                continue
            if got != len(piece):
                raise AcquisitionError(
                    f"source ended at offset {offset + got}, expected {self.media.size} bytes (was it changed?)"
                )
            return True
        return False


def digest_source(
    media: IdentifiedMedia,
    algorithms: Iterable[str] = DEFAULT_ALGORITHMS,
    window: int | None = None,
    *,
    retries: int = 2,
    progress: ProgressObserver = NULL_PROGRESS,
) -> DigestResult:
    """Digests of a source device re-read as at acquisition (retries, sector fallback, zeros for bad sectors).

    Re-reading a source with the same unreadable sectors therefore gives the same digests as its acquisition.
    """
    return digest_fill(TolerantReader(media, retries=retries).fill, media.size, algorithms, window, progress)
