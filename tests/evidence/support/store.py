"""An evidence store for the batch tests: images acquired by scelle's own acquisition from generated data."""

from __future__ import annotations

from pathlib import Path

from evidence.acquisition.acquire import acquire_image
from tests.evidence.support.acquisition import make_source

KiB = 1 << 10
BLOCK = 4 << 20
KINDS = ("raw", "split", "e01")


def acquire_into(store: Path, sources: Path, index: int, kind: str, size: int) -> Path:
    """Acquire a generated source of ``size`` bytes as image ``img{index}`` of ``kind``; its first segment."""
    source = sources / f"source-{index:02d}.bin"
    if size <= BLOCK:
        make_source(source, size, seed=index)
    else:  # a large source: one random block, each copy stamped with its number (no two equal blocks)
        block = bytearray(make_source(source, BLOCK, seed=index))
        with source.open("wb") as out:
            for number in range(size // BLOCK):
                block[:8] = number.to_bytes(8, "little")
                out.write(block)
    if kind == "raw":
        acquire_image(source, store / f"img{index:02d}.raw")
        return store / f"img{index:02d}.raw"
    if kind == "split":
        acquire_image(source, store / f"img{index:02d}", split_size=256 * KiB)
        return store / f"img{index:02d}.001"
    acquire_image(source, store / f"img{index:02d}.E01", output_format="e01")
    return store / f"img{index:02d}.E01"


def build_store(store: Path, sources: Path, count: int, size: int) -> list[Path]:
    """``count`` images (raw, split raw and E01 in turn), each a little larger than ``size``; their first segments."""
    store.mkdir(parents=True, exist_ok=True)
    sources.mkdir(parents=True, exist_ok=True)
    return [acquire_into(store, sources, i, KINDS[i % 3], size + 4099 * i) for i in range(count)]


def flip_byte(path: Path, offset: int) -> None:
    """Change one byte of ``path`` in place."""
    with path.open("r+b") as handle:
        handle.seek(offset)
        byte = handle.read(1)
        handle.seek(offset)
        handle.write(bytes([byte[0] ^ 0x5A]))
