"""The chunk cache of EWF small reads (``evidence.ewf.chunk_cache``): two bounded sets, and a listing that inflates
each chunk it needs once."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from evidence.ewf import chunk_cache
from evidence.ewf.chunk_cache import ChunkCache
from evidence.ewf.reader import FastChunkReader
from evidence.reading.listing import list_entries
from evidence.sources import open_image
from tests.evidence.support.images import ROOT


def test_content_set_is_bounded_in_chunks() -> None:
    cache = ChunkCache(4, content_chunks=2, metadata_bytes=8)
    for index in range(3):
        cache.put(index, bytes([index]) * 4, metadata=False)
    assert cache.get(0, metadata=False) is None  # the least recently used went first
    assert cache.get(2, metadata=False) == b"\x02" * 4
    assert len(cache) == 2


def test_metadata_set_is_bounded_in_bytes_and_not_pushed_out_by_content() -> None:
    cache = ChunkCache(4, content_chunks=1, metadata_bytes=8)  # two chunks of 4 bytes
    cache.put(10, b"meta", metadata=True)
    cache.put(11, b"data", metadata=True)
    for index in range(5):
        cache.put(index, b"file", metadata=False)
    assert cache.get(10, metadata=True) == b"meta"
    assert cache.get(11, metadata=False) == b"data"
    cache.put(12, b"more", metadata=True)  # a third metadata chunk: the least recently used one goes
    assert cache.get(10, metadata=True) is None
    assert len(cache) == 3


def test_content_chunk_read_as_metadata_moves_to_the_metadata_set() -> None:
    cache = ChunkCache(4, content_chunks=1, metadata_bytes=8)
    cache.put(1, b"both", metadata=False)
    assert cache.get(1, metadata=True) == b"both"
    cache.put(2, b"next", metadata=False)  # would have pushed chunk 1 out of the content set
    assert cache.get(1, metadata=False) == b"both"
    cache.clear()
    assert len(cache) == 0


def test_listing_an_e01_inflates_each_chunk_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """TSK reads directories twice (the second time to find orphan files); the listing asks for the orphans first and
    the metadata chunks are kept apart from content, so no chunk is fetched twice, even with room for only two
    content chunks (this small image would otherwise fit in the cache whole). The listing is the raw image's."""
    monkeypatch.setattr(chunk_cache, "CONTENT_CHUNKS", 2)
    fetched: Counter[int] = Counter()
    real_chunk = FastChunkReader.chunk

    def counting(reader: FastChunkReader, index: int) -> bytes | None:
        fetched[index] += 1
        return real_chunk(reader, index)

    monkeypatch.setattr(FastChunkReader, "chunk", counting)
    generated = ROOT / "fixtures/generated"

    def listing(image: Path) -> list[str]:
        with open_image(image) as source:
            listed = list_entries(source, hashes=True)
            return [json.dumps([item.entry.to_json(), item.digests], sort_keys=True) for item in listed]

    e01 = listing(generated / "mbr_extended.E01")
    assert fetched, "the E01 was not read through scelle's chunk reader"
    assert max(fetched.values()) == 1, sorted(index for index, count in fetched.items() if count > 1)
    assert e01 == listing(generated / "mbr_extended.raw")
