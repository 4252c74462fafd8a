"""Reading the files a raw acquisition wrote as one stream, and hashing each of them on the way.

Verification reads the media once through ``SegmentReader`` (the record's segment files, in order, opened
read-only) while a ``SegmentDigester`` consumer computes every segment file's own digests from the same buffers, so
a damaged segment is named without a second pass.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from evidence.common.errors import ImageError
from evidence.common.sink import OutputFile
from evidence.hashing.digest import MultiDigest
from evidence.hashing.pipeline import UnreadableRange


class SegmentReader:
    """Sequential ``readinto`` over the concatenation of ``paths`` (no copies, ``os.readv`` into the buffer)."""

    def __init__(self, paths: Sequence[Path]) -> None:
        self.paths = list(paths)
        self._fds: list[int] = []
        try:
            for path in self.paths:
                self._fds.append(os.open(path, os.O_RDONLY | os.O_CLOEXEC))
        except OSError as exc:
            self.close()
            raise ImageError(f"{exc.filename}: cannot open: {exc.strerror or exc}") from exc
        self._index = 0

    def readinto(self, buffer: memoryview) -> int:
        """Fill ``buffer`` from the current position, moving to the next file at each end; 0 at the very end."""
        done = 0
        while done < len(buffer) and self._index < len(self._fds):
            try:
                count = os.readv(self._fds[self._index], [buffer[done:]])
            except OSError as exc:
                raise ImageError(f"{self.paths[self._index]}: read error: {exc.strerror or exc}") from exc
            if count == 0:
                self._index += 1
            done += count
        return done

    def close(self) -> None:
        """Close every file. Idempotent."""
        fds, self._fds = self._fds, []
        for fd in fds:
            os.close(fd)

    def __enter__(self) -> SegmentReader:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class SegmentDigester:
    """A pipeline consumer splitting the media stream at the recorded segment sizes and hashing each piece."""

    def __init__(self, outputs: Sequence[OutputFile]) -> None:
        self._sizes = [o.size for o in outputs]
        self._digests = [MultiDigest(o.digests.keys() or ("sha256",)) for o in outputs]
        self._index = 0
        self._filled = 0

    def __call__(self, offset: int, data: memoryview, unreadable: Sequence[UnreadableRange]) -> None:
        start = 0
        while start < len(data):
            if self._index >= len(self._sizes):
                raise ImageError(f"media continues past the recorded segments (offset {offset + start})")
            take = min(len(data) - start, self._sizes[self._index] - self._filled)
            self._digests[self._index].update(data[start : start + take])
            self._filled += take
            start += take
            if self._filled == self._sizes[self._index]:
                self._index += 1
                self._filled = 0

    def results(self) -> list[dict[str, str]]:
        """Hex digests of each segment, in order."""
        return [digest.hexdigests() for digest in self._digests]
