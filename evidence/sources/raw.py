"""Raw images: one file or block device, or a split raw set read as one media.

Files are opened with ``O_RDONLY`` and read with ``os.pread``, which keeps no file position: reads from several
threads need no lock. Sizes are taken once at open; a segment that shrinks afterwards makes reads fail loudly.
"""

from __future__ import annotations

import bisect
import os
import threading
from pathlib import Path

from evidence.common.errors import ImageError
from evidence.common.files import open_readonly
from evidence.sources.base import ImageMetadata, ImageSource


class RawSource(ImageSource):
    """The concatenation of one or more raw segment files, in the order given."""

    def __init__(self, paths: list[Path], *, sector_size: int = 512) -> None:
        if not paths:
            raise ImageError("no image file given")
        self.format = "raw" if len(paths) == 1 else "split-raw"
        self.segments = tuple(paths)
        self._fds: list[int] = []
        self._starts: list[int] = []
        self._sizes: list[int] = []
        self._lock = threading.Lock()
        self._closed = False
        total = 0
        try:
            for path in paths:
                fd, size = open_readonly(path)
                self._fds.append(fd)
                self._starts.append(total)
                self._sizes.append(size)
                total += size
        except ImageError:
            self.close()
            raise
        if total == 0:
            self.close()
            raise ImageError(f"{paths[0]}: empty image (0 bytes)")
        self.size = total
        self.metadata = ImageMetadata(sector_size=sector_size)

    def _read_segment(self, index: int, offset: int, length: int) -> bytes:
        fd, path = self._fds[index], self.segments[index]
        parts: list[bytes] = []
        done = 0
        while done < length:
            try:
                chunk = os.pread(fd, length - done, offset + done)
            except OSError as exc:
                raise ImageError(f"{path}: read error at offset {offset + done}: {exc.strerror or exc}") from exc
            if not chunk:
                raise ImageError(
                    f"{path}: truncated: expected {self._sizes[index]} bytes, ends at offset {offset + done}"
                )
            parts.append(chunk)
            done += len(chunk)
        return b"".join(parts)

    def read_at(self, offset: int, length: int) -> bytes:
        """Return up to ``length`` media bytes from ``offset``; fewer only at the end of the media."""
        if offset < 0 or length < 0:
            raise ImageError(f"{self.segments[0]}: invalid read at offset {offset}, length {length}")
        if self._closed:
            raise ImageError(f"{self.segments[0]}: image is closed")
        end = min(offset + length, self.size)
        if len(self._starts) == 1:  # one file: no segment to look up (TSK reads through here block by block)
            return self._read_segment(0, offset, end - offset) if end > offset else b""
        parts: list[bytes] = []
        position = offset
        while position < end:
            index = bisect.bisect_right(self._starts, position) - 1
            inside = position - self._starts[index]
            count = min(end - position, self._sizes[index] - inside)
            if count <= 0:  # cannot happen: bisect picks the last segment starting here, which is not empty
                raise ImageError(f"{self.segments[index]}: no data at media offset {position}")
            parts.append(self._read_segment(index, inside, count))
            position += count
        return b"".join(parts)

    def close(self) -> None:
        """Close every segment file. Idempotent."""
        with self._lock:
            self._closed = True
            fds, self._fds = self._fds, []
        for fd in fds:
            os.close(fd)
