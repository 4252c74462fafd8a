"""Hashing whole streams at the speed of the slowest algorithm: files, image media, anything with ``readinto``.

``digest_stream`` runs the same read-once pipeline as acquisition, without a sink: the caller's thread reads into
large reused buffers and one thread per algorithm hashes them. Use it for ``scelle image hash`` and verification;
for many small in-memory objects use ``evidence.hashing.digest.digest_bytes`` (inline, no threads).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

from evidence.common.errors import ImageError, IntegrityError
from evidence.common.positional import PositionalReader
from evidence.common.progress import NULL_PROGRESS, ProgressObserver
from evidence.hashing.digest import (
    DEFAULT_ALGORITHMS,
    StreamHasher,
    combine,
    hashing_cost,
    parse_algorithms,
    thread_groups,
)
from evidence.hashing.pipeline import DEFAULT_BUFFER_SIZE, DEFAULT_DEPTH, Consumer, Fill, Pipeline, UnreadableRange
from evidence.hashing.result import DigestResult


class SupportsReadinto(Protocol):
    """A binary file object (``open(path, "rb")``, ``io.BytesIO``, ...)."""

    def readinto(self, buffer: memoryview, /) -> int | None: ...


ReadInto = Callable[[memoryview], int]
"""Fills the buffer with the next bytes of the stream; returns the count (0 at the end)."""


def hasher_consumers(hashers: Sequence[StreamHasher]) -> list[Consumer]:
    """Pipeline consumers that feed ``hashers``, several to a thread where that costs no speed (``thread_groups``).

    The first consumer holds the slowest algorithm: the one to pass as the pipeline's ``critical`` consumer.
    """
    groups = sorted(thread_groups(hashers), key=lambda group: -max(hashing_cost(h.name) for h in group))
    return [_group_consumer(group) for group in groups]


def _group_consumer(group: list[StreamHasher]) -> Consumer:
    updates = [hasher.update for hasher in group]

    def consume(offset: int, data: memoryview, unreadable: Sequence[UnreadableRange]) -> None:
        for each in updates:
            each(data)

    return consume


def digest_fill(
    fill: Fill, size: int, algorithms: Iterable[str], window: int | None, progress: ProgressObserver
) -> DigestResult:
    """Digests of exactly ``size`` bytes that ``fill`` yields in media order, read once (fewer bytes is an error)."""
    hashers = [StreamHasher(name, window) for name in parse_algorithms(algorithms, base=())]
    read = Pipeline(hasher_consumers(hashers), critical=0).run(fill, size, progress)
    if read != size:
        raise IntegrityError(f"media ended after {read} bytes, expected {size}")
    return combine(hashers, window, expected_size=size)


def _as_readinto(source: SupportsReadinto | ReadInto) -> ReadInto:
    if hasattr(source, "readinto"):
        method = source.readinto

        def readinto(buffer: memoryview) -> int:
            return method(buffer) or 0

        return readinto
    return source


def digest_stream(
    source: SupportsReadinto | ReadInto,
    size: int | None,
    algorithms: Iterable[str] = DEFAULT_ALGORITHMS,
    window: int | None = None,
    *,
    progress: ProgressObserver = NULL_PROGRESS,
    extra_consumers: Sequence[Consumer] = (),
    buffer_size: int = DEFAULT_BUFFER_SIZE,
    depth: int = DEFAULT_DEPTH,
) -> DigestResult:
    """Hash everything ``source`` yields; with ``size``, exactly that many bytes (fewer or more is an error).

    ``extra_consumers`` see the same blocks as the hashers (verification uses one to hash each segment file).
    """
    readinto = _as_readinto(source)
    hashers = [StreamHasher(name, window) for name in parse_algorithms(algorithms, base=())]

    def fill(offset: int, buffer: memoryview) -> tuple[int, list[UnreadableRange]]:
        done = 0
        while done < len(buffer):
            count = readinto(buffer[done:])
            if not count:
                break
            done += count
        return done, []

    pipeline = Pipeline(
        [*hasher_consumers(hashers), *extra_consumers], buffer_size=buffer_size, depth=depth, critical=0
    )
    read = pipeline.run(fill, size, progress)
    if size is not None:
        if read != size:
            raise IntegrityError(f"stream ended after {read} bytes, expected {size}")
        probe = bytearray(1)
        if readinto(memoryview(probe)):
            raise IntegrityError(f"stream is longer than the expected {size} bytes")
    return combine(hashers, window, expected_size=size)


def digest_file(
    path: str | os.PathLike[str],
    algorithms: Iterable[str] = DEFAULT_ALGORITHMS,
    window: int | None = None,
    *,
    progress: ProgressObserver = NULL_PROGRESS,
) -> DigestResult:
    """Digests of a whole file (or block device), read once, opened read-only."""
    try:
        with open(path, "rb", buffering=0) as handle:
            size = os.fstat(handle.fileno()).st_size or None
            return digest_stream(handle, size, algorithms, window, progress=progress)
    except OSError as exc:
        raise ImageError(f"{path}: cannot read: {exc.strerror or exc}") from exc


def digest_media(
    media: PositionalReader,
    algorithms: Iterable[str] = DEFAULT_ALGORITHMS,
    window: int | None = None,
    *,
    progress: ProgressObserver = NULL_PROGRESS,
) -> DigestResult:
    """Digests of all ``media.size`` bytes of an image (``evidence.open_image``), read once; errors propagate."""

    def fill(offset: int, buffer: memoryview) -> tuple[int, list[UnreadableRange]]:
        return media.readinto_at(offset, buffer), []

    return digest_fill(fill, media.size, algorithms, window, progress)
