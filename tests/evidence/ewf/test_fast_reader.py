"""scelle's own E01 chunk reader (issue 16) against libewf, the oracle: the same media bytes, or an error.

* every EWF fixture reads byte for byte as libewf reads it, in large (parallel) and small (cached) reads;
* e01-rs ``bad_chunk.E01``'s bad chunk is reported, never zero-filled;
* a few hundred mutants of real E01 files (seeded, made here) end in a clear ``ImageError`` or read exactly the
  original media: never a traceback, a hang (an alarm per case) or silently different bytes.
"""

from __future__ import annotations

import hashlib
import random
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from evidence.common.errors import ImageError
from evidence.ewf import reader as reader_module
from evidence.sources import open_image
from evidence.sources.ewf import EwfSource, find_segments
from tests.evidence.support.images import IMAGES, ROOT

FIXTURES = sorted(
    [p for p in IMAGES.rglob("*.E01") if p.is_file() and "_tsk_reference" not in p.parts and "bad_chunk" not in p.name]
    + [p for p in (ROOT / "fixtures/generated").glob("*.E01") if p.is_file()]
)


def _read_all(source: EwfSource, block: int) -> bytes:
    parts, offset = [], 0
    while offset < source.size:
        data = source.read_at(offset, block)
        assert data, offset
        parts.append(data)
        offset += len(data)
    return b"".join(parts)


@pytest.mark.parametrize("first", FIXTURES, ids=lambda p: str(p.relative_to(ROOT)))
def test_same_media_as_libewf(first: Path) -> None:
    segments = find_segments(first)
    with EwfSource(segments, fast=False) as oracle:
        expected = _read_all(oracle, 1 << 20)
    with EwfSource(segments, fast=True) as source:
        assert source._fast is not None  # the fast reader really is the one under test
        assert _read_all(source, 1 << 20) == expected  # parallel runs of chunks
        assert _read_all(source, 3000) == expected  # small reads, through the chunk cache
        metadata, offset = [], 0  # small reads of file-system metadata, kept in the cache's other set
        while offset < source.size:
            metadata.append(source.read_metadata_at(offset, 5000))
            offset += len(metadata[-1])
        assert b"".join(metadata) == expected
        rng = random.Random(first.name)
        for _ in range(50):
            offset = rng.randrange(source.size)
            length = rng.choice([1, 511, 4096, 40000, 300000, 2 << 20])
            assert source.read_at(offset, length) == expected[offset : offset + length]


def test_bad_chunk_is_reported_never_zero_filled() -> None:
    with open_image(IMAGES / "e01-rs/bad_chunk.E01") as source:
        with pytest.raises(ImageError, match=r"corrupt chunk 0 \(media offset 0, sectors 0-63"):
            source.read_at(0, source.size)
        with pytest.raises(ImageError, match=r"corrupt chunk 0"):
            source.read_at(100, 10)


@contextmanager
def _deadline(seconds: int) -> Iterator[None]:
    def expired(_signum: int, _frame: object) -> None:
        raise TimeoutError(f"no answer within {seconds} s: a hang")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _mutate(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    kind = rng.randrange(4)
    if kind == 0:  # a few flipped bits anywhere
        for _ in range(rng.randint(1, 4)):
            position = rng.randrange(len(out))
            out[position] ^= 1 << rng.randrange(8)
    elif kind == 1:  # a run of bytes overwritten
        position = rng.randrange(len(out))
        out[position : position + rng.randint(1, 64)] = rng.randbytes(rng.randint(1, 64))
    elif kind == 2:  # cut short
        del out[rng.randrange(13, len(out)) :]
    else:  # a 32-bit field set to an extreme value
        position = rng.randrange(len(out) - 4)
        out[position : position + 4] = rng.choice([b"\xff\xff\xff\xff", b"\0\0\0\0", b"\xff\xff\xff\x7f"])
    return bytes(out)


@pytest.mark.parametrize("name", ["plaso/image.E01", "sleuthkit/image.E01", "dfvfs/ext2.E01"])
def test_mutants_fail_clearly_or_read_the_original_media(tmp_path: Path, name: str) -> None:
    original = IMAGES / name
    with open_image(original) as source:
        media = hashlib.sha256(source.read_at(0, source.size)).hexdigest()
    data = original.read_bytes()
    rng = random.Random(f"fuzz-{name}")
    outcomes = {"error": 0, "same": 0}
    for case in range(200):
        mutant = tmp_path / f"m{case}.E01"
        mutant.write_bytes(_mutate(data, rng))
        try:
            with _deadline(10), open_image(mutant) as source:
                read = hashlib.sha256(source.read_at(0, source.size)).hexdigest()
                small = hashlib.sha256(b"".join(source.read_at(o, 4096) for o in range(0, source.size, 4096)))
        except ImageError as exc:
            assert "\n" not in str(exc) and str(exc), case
            outcomes["error"] += 1
            continue
        assert read == media, f"case {case}: silently different media"
        assert small.hexdigest() == media, f"case {case}: small reads differ"
        outcomes["same"] += 1
    assert outcomes["error"] and outcomes["same"], outcomes


def test_small_stored_chunks_are_inflated_once() -> None:
    """The zero chunks of a compressed E01 (ewfacquire's) are stored alike: inflated once, and the bytes are libewf's
    for every one of them."""
    segments = find_segments(ROOT / "fixtures/generated/fat32.E01")
    with EwfSource(segments, fast=False) as oracle:
        expected = _read_all(oracle, 1 << 20)
    with EwfSource(segments, fast=True) as source:
        reader = source._fast
        assert reader is not None
        inflate, inflated = reader._inflate, []
        reader._inflate = lambda stored, size: inflated.append(len(stored)) or inflate(stored, size)
        size = source.metadata.chunk_size or 0
        count = -(-source.size // size)
        chunks = [reader.chunk(index) for index in range(count)]
        assert b"".join(chunk or b"" for chunk in chunks) == expected
        zeros = sum(1 for chunk in chunks if chunk is not None and chunk.count(0) == len(chunk))
        assert zeros > 2
        assert len(inflated) <= count - zeros + 1, (len(inflated), count, zeros)
        assert len(reader._small) <= reader_module.SMALL_KEPT


def test_the_inflater_checks_the_adler32_and_the_size() -> None:
    """libdeflate (the ``deflate`` package, a dependency) inflates: a damaged Adler-32 or a stream longer than the
    chunk is an error, a shorter one comes back short (the reader then refuses it), trailing padding is ignored."""
    import zlib

    import deflate

    inflate, errors = reader_module.inflater()
    assert inflate is deflate.zlib_decompress
    media = random.Random(16).randbytes(20000) + bytes(12768)
    stored = zlib.compress(media, 1)
    assert bytes(inflate(stored + bytes(40), len(media))) == media
    assert len(inflate(stored, len(media) + 1)) == len(media)
    for damaged, size in ((stored[:-1] + bytes([stored[-1] ^ 1]), len(media)), (stored, len(media) - 1)):
        with pytest.raises(errors):
            inflate(damaged, size)
