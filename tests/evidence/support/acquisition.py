"""Helpers shared by the acquisition and verification tests: deterministic sources and a fixed clock."""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, datetime
from pathlib import Path

import blake3

from evidence.acquisition.acquire import IdentifiedMedia, acquire
from evidence.acquisition.raw_sink import RawSink
from evidence.acquisition.record import AcquisitionRecord, record_path_for

FIXED_HOST = {"hostname": "examiner-pc", "system": "Linux", "release": "6", "machine": "x86_64", "python": "3.11"}
MiB = 1 << 20


def fixed_clock() -> datetime:
    return datetime(2024, 5, 1, 9, 30, 0, tzinfo=UTC)


def make_source(path: Path, size: int, seed: int = 1) -> bytes:
    data = random.Random(seed).randbytes(size)
    path.write_bytes(data)
    return data


def reference_digests(data: bytes) -> dict[str, str]:
    """Digests computed with hashlib/blake3 directly, not through scelle."""
    return {"sha256": hashlib.sha256(data).hexdigest(), "blake3": blake3.blake3(data).hexdigest()}


def run_acquire(
    media: IdentifiedMedia,
    output: Path,
    *,
    split: int | None = None,
    window: int = MiB,
    retries: int = 2,
    algorithms: tuple[str, ...] = ("sha256", "blake3"),
) -> AcquisitionRecord:
    sink = RawSink(output, split_size=split, expected_size=media.size)
    return acquire(
        media,
        sink,
        record_path=record_path_for(output),
        algorithms=algorithms,
        window=window,
        retries=retries,
        buffer_size=MiB,
        depth=3,
        clock=fixed_clock,
        host=FIXED_HOST,
    )
