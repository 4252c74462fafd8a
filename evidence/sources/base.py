"""The interface every image source implements, whatever its container format.

An image source is the *media* (the bytes of the seized disk), independent of how they are stored: a raw file, a
split raw set or an EWF set. Sources are opened read-only and never modify the files behind them.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from evidence.common.messages import Notice


@dataclass(frozen=True, slots=True, kw_only=True)
class ImageMetadata:
    """What the container says about the media. Raw images carry none of it; EWF stores most of it.

    ``stored_hashes`` maps an algorithm name (``md5``, ``sha1``) to the lower-case hex digest the container holds
    for the whole media, as written at acquisition time. The dates are never in the reading host's zone (see
    ``dates_basis``).
    """

    case_number: str | None = None
    evidence_number: str | None = None
    examiner: str | None = None
    description: str | None = None
    notes: str | None = None
    acquisition_date: str | None = None
    system_date: str | None = None
    acquisition_software: str | None = None
    acquisition_os: str | None = None
    model: str | None = None
    serial_number: str | None = None
    media_type: str | None = None
    sector_size: int = 512
    chunk_size: int | None = None
    compression: str | None = None
    stored_hashes: dict[str, str] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)
    #: how ``acquisition_date``/``system_date`` read: ``UTC`` (RFC 3339 with ``Z``), ``local`` (the acquiring host's
    #: wall-clock time, RFC 3339 without offset: the container does not record its zone), None (as the container
    #: stores it, not understood)
    dates_basis: str | None = None


class ImageSource(abc.ABC):
    """Random read access to the media of an image. Thread-safe: ``read_at`` may be called from several threads.

    Every source is a ``PositionalReader`` (``evidence.common.positional``): hashing and verification read it through
    ``size`` and ``readinto_at``.
    """

    #: ``raw``, ``split-raw`` or ``ewf``
    format: str
    #: the files that make up the image, in order
    segments: tuple[Path, ...]
    #: media size in bytes
    size: int
    metadata: ImageMetadata
    #: what the reader did that its user must be told (a damaged EWF table read through its backup copy)
    notices: tuple[Notice, ...] = ()
    #: the ``--unlock`` secret kept for the LUKS volumes of partitions when the media itself is not one
    unlock_secret: bytes | None = None

    @abc.abstractmethod
    def read_at(self, offset: int, length: int) -> bytes:
        """Return up to ``length`` bytes at ``offset``; fewer only at the end of the media.

        Raises ``ImageError`` (naming the file) when the container cannot deliver the bytes (corrupt chunk,
        truncated segment) instead of returning something shorter or zero-filled.
        """

    def read_metadata_at(self, offset: int, length: int) -> bytes:
        """``read_at`` for file-system metadata (directories, inode tables), which TSK reads again and again, far
        apart: a source that inflates what it reads (EWF) keeps these bytes longer. Same bytes as ``read_at``."""
        return self.read_at(offset, length)

    def readinto_at(self, offset: int, buffer: memoryview) -> int:
        """Fill ``buffer`` from ``offset``; return the number of bytes read (short only at the end of the media)."""
        data = self.read_at(offset, len(buffer))
        buffer[: len(data)] = data
        return len(data)

    @abc.abstractmethod
    def close(self) -> None:
        """Release the underlying files. Idempotent."""

    def __enter__(self) -> ImageSource:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
