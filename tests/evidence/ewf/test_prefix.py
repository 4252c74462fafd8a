"""The written part of an interrupted E01 set (``evidence.ewf.prefix``): read back up to the writer's checkpoint,
every byte of it checked, and continued into the set one uninterrupted run writes, byte for byte."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evidence.ewf import sections as sec
from evidence.ewf.chunks import COMPRESSION_NAMES
from evidence.ewf.format import MediaType
from evidence.ewf.prefix import PrefixError, chunk_data, continuation, cut_back, read_prefix
from evidence.ewf.sink import E01Sink, volume_info
from evidence.ewf.writer import WriterCheckpoint
from tests.evidence.support.e01_util import digests, metadata, mixed_media, read_back, write_e01

CHUNK = 32 * 1024
MEDIA = mixed_media(8 * 1024 * 1024 + 5 * CHUNK, 23)
OPTIONS = {"segment_size": 1024 * 1024, "group_bytes": 160 * 1024, "workers": 2}


def _volume(compression: str) -> bytes:
    info = volume_info(
        len(MEDIA),
        sector_size=512,
        chunk_sectors=64,
        media_type=MediaType.FIXED,
        physical=True,
        compression=COMPRESSION_NAMES[compression],
    )
    return sec.volume_payload(info)


def _interrupted(directory: Path, compression: str, segment: int) -> tuple[Path, WriterCheckpoint]:
    """Write until the set's checkpoint is in segment ``segment``, then abort (queued chunks are dropped), as an
    interrupted acquisition leaves the set."""
    output = directory / "cut.E01"
    sink = E01Sink(output, media_size=len(MEDIA), metadata=metadata(), compression=compression, **OPTIONS)
    view = memoryview(MEDIA)
    for start in range(0, len(MEDIA), 100_000):
        if sink.checkpoint is not None and sink.checkpoint.segment >= segment:
            break
        sink.write(view[start : start + 100_000])
    sink.abort()
    assert sink.checkpoint is not None and sink.checkpoint.segment >= segment
    return sink.first_segment, sink.checkpoint


@pytest.mark.parametrize("compression", ["none", "fast", "best"])
@pytest.mark.parametrize("where", ["first chunk", "mid-group", "checkpoint"])
def test_a_set_continued_from_its_checkpoint_is_the_set_one_run_writes(
    tmp_path: Path, compression: str, where: str
) -> None:
    reference = tmp_path / "ref"
    reference.mkdir()
    _sink, files = write_e01(reference / "cut.E01", MEDIA, compression=compression, **OPTIONS)
    first, checkpoint = _interrupted(tmp_path, compression, 2)  # the written part spans a segment boundary
    chunk = {"first chunk": 1, "mid-group": checkpoint.chunks - 3, "checkpoint": checkpoint.chunks}[where]
    prefix = read_prefix(first, checkpoint, _volume(compression))
    assert b"".join(chunk_data(prefix, chunk, CHUNK)) == MEDIA[: chunk * CHUNK]
    found, segment, offset = continuation(prefix, chunk, CHUNK)
    cut_back(first, segment, offset)
    sink = E01Sink(first, media_size=len(MEDIA), metadata=metadata(), compression=compression, resume=found, **OPTIONS)
    view = memoryview(MEDIA)
    for start in range(chunk * CHUNK, len(MEDIA), 77_777):
        sink.write(view[start : start + 77_777])
    continued = sink.close(digests(MEDIA))
    assert [(f.path.name, f.size, f.digests) for f in continued] == [(f.path.name, f.size, f.digests) for f in files]
    for done in continued:
        assert hashlib.sha256(done.path.read_bytes()).hexdigest() == done.digests["sha256"]
    media, _handle = read_back(first)
    assert media == MEDIA


def test_a_checkpoint_past_the_written_part_is_refused(tmp_path: Path) -> None:
    first, checkpoint = _interrupted(tmp_path, "fast", 1)
    later = WriterCheckpoint(checkpoint.segment, checkpoint.offset + 76, checkpoint.chunks)
    with pytest.raises(PrefixError, match=r"does not reach the checkpoint|unexpected"):
        read_prefix(first, later, _volume("fast"))
    more = WriterCheckpoint(checkpoint.segment, checkpoint.offset, checkpoint.chunks + 1)
    with pytest.raises(PrefixError, match="chunks instead of"):
        read_prefix(first, more, _volume("fast"))
    with pytest.raises(PrefixError, match="volume section differs"):
        read_prefix(first, checkpoint, _volume("best"))


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, WriterCheckpoint]:
    return _interrupted(tmp_path_factory.mktemp("prefix"), "fast", 2)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(position=st.floats(min_value=0, max_value=1, exclude_max=True), bit=st.integers(0, 7))
def test_any_bit_flipped_in_the_written_part_is_refused(
    written: tuple[Path, WriterCheckpoint], position: float, bit: int
) -> None:
    first, checkpoint = written
    paths = [first.with_suffix(f".E{n:02d}") for n in range(1, checkpoint.segment + 1)]
    sizes = [p.stat().st_size for p in paths[:-1]] + [checkpoint.offset]
    at = int(position * sum(sizes))
    index = 0
    while at >= sizes[index]:
        at -= sizes[index]
        index += 1
    with paths[index].open("r+b") as handle:
        handle.seek(at)
        byte = handle.read(1)[0]
        handle.seek(at)
        handle.write(bytes([byte ^ (1 << bit)]))
    try:
        with pytest.raises(PrefixError):
            prefix = read_prefix(first, checkpoint, _volume("fast"))
            content = b"".join(chunk_data(prefix, checkpoint.chunks, CHUNK))
            # a flip that every check passes must at least change the media read back (the record's digests)
            if content != MEDIA[: checkpoint.chunks * CHUNK]:
                raise PrefixError(paths[index], at, "content differs")
    finally:
        with paths[index].open("r+b") as handle:
            handle.seek(at)
            handle.write(bytes([byte]))
