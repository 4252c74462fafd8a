"""Reading a source that may have bad sectors: retry, then sector by sector, zero-fill what stays unreadable.

This is the policy of dc3dd and Guymager: the image keeps the source's geometry (every byte at its offset), the
unreadable sectors are zeros in the image, and each unreadable range is recorded so nobody mistakes those zeros for
evidence. The digests then cover exactly the bytes written.
"""

from __future__ import annotations

from dataclasses import dataclass

from evidence.errors import AcquisitionError, UsageError
from evidence.media import MediaReader


@dataclass(frozen=True, slots=True, kw_only=True)
class UnreadableRange:
    """Media bytes ``[offset, offset + length)`` could not be read and were written as zeros."""

    offset: int
    length: int

    @property
    def end(self) -> int:
        """First offset after the range."""
        return self.offset + self.length


def merge_ranges(ranges: list[UnreadableRange], new: UnreadableRange) -> None:
    """Append ``new`` to ``ranges`` (in media order), joining it to the last range when they touch."""
    if ranges and ranges[-1].end == new.offset:
        ranges[-1] = UnreadableRange(offset=ranges[-1].offset, length=ranges[-1].length + new.length)
    else:
        ranges.append(new)


class TolerantReader:
    """Fills buffers from a ``MediaReader``, surviving read errors.

    A failing block is retried ``retries`` times, then read one sector at a time (each sector also retried); the
    sectors that never read are zero-filled and reported. A source that ends before its announced size is an
    ``AcquisitionError``: a shorter image must never pass for a complete one.
    """

    def __init__(self, media: MediaReader, *, retries: int = 2, sector_size: int | None = None) -> None:
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
