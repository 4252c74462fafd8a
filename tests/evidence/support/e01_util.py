"""Helpers shared by the E01 writer tests: deterministic mixed media, writing through the sink, reading with pyewf."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from evidence.common.sink import OutputFile
from evidence.ewf.sections import EwfMetadata
from evidence.ewf.sink import E01Sink

pyewf = pytest.importorskip("pyewf", reason="libewf-python (pyewf) is not installed")

ACQUIRED_AT = datetime(2026, 11, 23, 20, 46, 15, tzinfo=UTC)


def metadata(**values: str) -> EwfMetadata:
    """Case metadata with a fixed acquisition time."""
    return EwfMetadata(acquired_at=ACQUIRED_AT, software_version="0.1.0", operating_system="Linux", **values)


def mixed_media(size: int, seed: int = 7) -> bytes:
    """``size`` bytes alternating zeros, random bytes and text, so chunks are stored both compressed and raw."""
    rng = random.Random(seed)
    words = [bytes(rng.choices(b"abcdefghijklmnopqrstuvwxyz", k=rng.randint(2, 9))) for _ in range(300)]
    parts: list[bytes] = []
    total = 0
    while total < size:
        kind = rng.randrange(3)
        length = rng.randint(1, 90_000)
        if kind == 0:
            part = bytes(length)
        elif kind == 1:
            part = rng.randbytes(length)
        else:
            part = b" ".join(rng.choices(words, k=length // 5))[:length]
        parts.append(part)
        total += len(part)
    return b"".join(parts)[:size]


def digests(data: bytes) -> dict[str, bytes]:
    """The media digests the acquisition pipeline would hand to ``close``."""
    return {
        "md5": hashlib.md5(data, usedforsecurity=False).digest(),
        "sha1": hashlib.sha1(data, usedforsecurity=False).digest(),
    }


def md5_hex(data: bytes) -> str:
    """MD5 as E01 stores it (a checksum here, not a security control)."""
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def sha1_hex(data: bytes) -> str:
    """SHA-1 as E01 stores it."""
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


def write_e01(
    path: Path,
    data: bytes,
    *,
    pieces: Iterable[int] = (65_536 + 17,),
    unreadable: Iterable[tuple[int, int]] = (),
    known_size: bool = True,
    meta: EwfMetadata | None = None,
    **options: Any,
) -> tuple[E01Sink, list[OutputFile]]:
    """Write ``data`` through an ``E01Sink`` in pieces of the given sizes (cycled) and close it."""
    sink = E01Sink(path, media_size=len(data) if known_size else None, metadata=meta or metadata(), **options)
    sizes = list(pieces)
    view = memoryview(data)
    offset = index = 0
    while offset < len(data):
        step = sizes[index % len(sizes)]
        sink.write(view[offset : offset + step])
        offset += step
        index += 1
    for start, length in unreadable:
        sink.add_unreadable(start, length)
    return sink, sink.close(digests(data))


def read_back(first: Path) -> tuple[bytes, object]:
    """The whole media as pyewf reads it, and the open handle (for metadata and hashes)."""
    handle = pyewf.handle()
    handle.open(pyewf.glob(str(first)))
    size = handle.get_media_size()
    return handle.read(size), handle


def padded(data: bytes, sector: int = 512) -> bytes:
    """``data`` zero-padded to whole sectors, as EWF stores it."""
    return data + bytes(-len(data) % sector)
