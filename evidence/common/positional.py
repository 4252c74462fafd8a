"""The one interface for reading media by offset: image sources, acquisition sources, the hashing pipeline.

``ImageSource`` (raw, split raw, EWF), ``FileMedia`` (a file or block device being acquired) and any wrapper around
them (a prefix of an image, a faulty disk in the tests) are read the same way: a size, and ``readinto_at``, which
fills a caller's buffer (no copy per block, no file position shared between threads).
"""

from __future__ import annotations

from typing import Protocol


class PositionalReader(Protocol):
    """Random read access to ``size`` bytes of media.

    ``readinto_at(offset, buffer)`` fills ``buffer`` from ``offset`` and returns the byte count, fewer than asked
    only at the end of the media. A byte that cannot be read is an exception (``OSError`` from a device, which an
    acquisition retries; ``ImageError`` from a container), never zeros or a short count.
    """

    @property
    def size(self) -> int: ...

    def readinto_at(self, offset: int, buffer: memoryview, /) -> int: ...
