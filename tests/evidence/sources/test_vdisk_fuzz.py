"""Fuzz the virtual disk readers: a few hundred random mutations of each fixture give the media or a scelle error,
never a traceback of another kind and never a hang (each open-and-read is bounded by a small media and caches)."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from evidence.common.errors import ImageError
from evidence.sources import open_image

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "vdisk"
MUTATIONS = 200


def mutate(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    choice = rng.random()
    if choice < 0.15:
        return bytes(out[: rng.randrange(len(out))])  # truncated
    hot = min(len(out), 4096)  # headers and the first tables live here: most mutations land there
    for _ in range(rng.randint(1, 8)):
        where = rng.randrange(hot) if rng.random() < 0.7 else rng.randrange(len(out))
        out[where] = rng.randrange(256)
    return bytes(out)


@pytest.mark.parametrize("name", ["ext4-compressed.qcow2", "ext4.vmdk", "ext4-stream.vmdk", "ext4.vhd"])
def test_mutated_containers_give_data_or_an_image_error(name: str, tmp_path: Path) -> None:
    rng = random.Random(name)
    original = (FIXTURES / name).read_bytes()
    path = tmp_path / name
    started = time.monotonic()
    for _ in range(MUTATIONS):
        path.write_bytes(mutate(original, rng))
        try:
            with open_image(path) as source:
                for offset in range(0, min(source.size, 1 << 20), 256 * 1024):
                    assert len(source.read_at(offset, 65536)) == min(65536, source.size - offset)
                source.read_at(max(0, source.size - 512), 512)
        except ImageError as exc:
            assert "\n" not in str(exc)
    assert time.monotonic() - started < 30
