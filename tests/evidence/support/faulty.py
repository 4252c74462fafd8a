"""A source that fails like a damaged disk: a real file, read through ``FileMedia``, with EIO at chosen offsets.

Not a mock of the pipeline: every read goes to the real file unless it touches a bad byte range, in which case it
raises ``OSError(EIO)`` exactly as ``pread`` on a failing disk does. ``flaky`` ranges fail only their first N reads
(a sector that reads on retry).
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable
from pathlib import Path

from evidence.acquisition.media import FileMedia, SourceIdentity


class FaultyMedia:
    """``FileMedia`` over ``path`` whose reads touching ``bad`` ranges always fail, ``flaky`` ones N times."""

    def __init__(
        self,
        path: Path,
        bad: Iterable[tuple[int, int]] = (),
        flaky: Iterable[tuple[int, int, int]] = (),
        sector_size: int = 512,
    ) -> None:
        self._inner = FileMedia(path)
        self.identity: SourceIdentity = self._inner.identity
        self.size = self._inner.size
        self.sector_size = sector_size
        self.bad = list(bad)
        self.flaky = [[offset, length, count] for offset, length, count in flaky]
        self.reads = 0

    def readinto_at(self, offset: int, buffer: memoryview) -> int:
        self.reads += 1
        end = offset + len(buffer)
        for start, length in self.bad:
            if start < end and offset < start + length:
                raise OSError(errno.EIO, os.strerror(errno.EIO))
        for entry in self.flaky:
            start, length, remaining = entry
            if remaining and start < end and offset < start + length:
                entry[2] -= 1
                raise OSError(errno.EIO, os.strerror(errno.EIO))
        return self._inner.readinto_at(offset, buffer)

    def close(self) -> None:
        self._inner.close()
