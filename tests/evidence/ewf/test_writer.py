"""The batched paths of the EWF writer against the plain one: runs of chunks must give the same bytes as single ones."""

from __future__ import annotations

import tempfile
import zlib
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evidence.ewf import writer as ewf_writer
from evidence.ewf.chunks import make_codec
from evidence.ewf.sections import VolumeInfo
from evidence.ewf.writer import EwfSegmentWriter
from tests.evidence.support.e01_util import metadata, mixed_media
from tests.evidence.support.ewf_layout import sections, table_entries

MIB = 1024 * 1024
CHUNK = 32 * 1024


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    size=st.integers(min_value=1, max_value=90 * CHUNK),
    compression=st.sampled_from(["none", "fast", "best"]),
    run_chunks=st.integers(min_value=1, max_value=40),
    group_bytes=st.sampled_from([40_000, 150_000, 32 * MIB]),
    segment_size=st.sampled_from([MIB, 2 * MIB, 1500 * MIB]),
    seed=st.integers(min_value=0, max_value=1000),
)
def test_runs_are_laid_out_byte_for_byte_like_single_chunks(
    tmp_path: Path, size: int, compression: str, run_chunks: int, group_bytes: int, segment_size: int, seed: int
) -> None:
    data = mixed_media(size, seed) if seed % 5 else bytes(size)  # some media all zeros
    codec = make_codec(compression, CHUNK)
    volume = VolumeInfo(
        chunk_count=-(-size // CHUNK), sectors_per_chunk=64, bytes_per_sector=512, sector_count=-(-size // 512)
    )
    workdir = Path(tempfile.mkdtemp(dir=tmp_path))

    def writer(name: str) -> EwfSegmentWriter:
        return EwfSegmentWriter(
            workdir / f"{name}.E01",
            volume=volume,
            metadata=metadata(),
            segment_size=segment_size,
            group_bytes=group_bytes,
        )

    single = writer("single")
    for start in range(0, size, CHUNK):
        single.add_chunk(*codec.encode(data[start : start + CHUNK]))
    batched = writer("batched")
    step = run_chunks * CHUNK
    for start in range(0, size, step):
        run = codec.encode_run(memoryview(data)[start : start + step])
        pieces = [codec.encode(data[at : at + CHUNK]) for at in range(start, min(start + step, size), CHUNK)]
        assert run.blob == b"".join(stored for stored, _ in pieces)
        assert run.lengths == [len(stored) for stored, _ in pieces]
        assert run.compressed == [compressed for _, compressed in pieces]
        batched.add_run(run)
    expected = single.finish(volume, md5=bytes(16), sha1=bytes(20))
    got = batched.finish(volume, md5=bytes(16), sha1=bytes(20))
    assert [f.path.suffix for f in got] == [f.path.suffix for f in expected]
    for ours, theirs in zip(got, expected, strict=True):
        assert ours.path.read_bytes() == theirs.path.read_bytes()
        assert (ours.size, ours.digests) == (theirs.size, theirs.digests)


def test_stored_chunks_carry_the_rfc1950_adler32() -> None:
    codec = make_codec("none", CHUNK)
    chunk = mixed_media(CHUNK, 3)
    stored, compressed = codec.encode(chunk)
    assert not compressed
    assert stored == chunk + (zlib.adler32(chunk) & 0xFFFFFFFF).to_bytes(4, "little")
    assert codec.encode_run(chunk).blob == stored


def test_a_run_that_just_overflows_the_segment_is_split_like_single_chunks(tmp_path: Path) -> None:
    # Segment sizes around the exact size of 40 stored chunks: a run of 8 crossing that edge must be split there,
    # table entries included in the count.
    codec = make_codec("none", CHUNK)
    data = mixed_media(96 * CHUNK, 11)
    volume = VolumeInfo(chunk_count=96, sectors_per_chunk=64, bytes_per_sector=512, sector_count=96 * 64)
    probe = EwfSegmentWriter(tmp_path / "probe.E01", volume=volume, metadata=metadata())
    assert probe._segment is not None  # just opened: its offset is where the first chunk group starts
    exact = probe._segment.offset + 40 * (CHUNK + 4 + 8) + ewf_writer._GROUP_OVERHEAD + probe._tail_reserve(1)
    probe.abort()
    for delta in range(-80, 9, 4):
        workdir = Path(tempfile.mkdtemp(dir=tmp_path))
        single = EwfSegmentWriter(workdir / "s.E01", volume=volume, metadata=metadata(), segment_size=exact + delta)
        batched = EwfSegmentWriter(workdir / "b.E01", volume=volume, metadata=metadata(), segment_size=exact + delta)
        for start in range(0, len(data), CHUNK):
            single.add_chunk(*codec.encode(data[start : start + CHUNK]))
        for start in range(0, len(data), 8 * CHUNK):
            batched.add_run(codec.encode_run(data[start : start + 8 * CHUNK]))
        expected = single.finish(volume, md5=bytes(16), sha1=bytes(20))
        got = batched.finish(volume, md5=bytes(16), sha1=bytes(20))
        assert [f.path.read_bytes() for f in got] == [f.path.read_bytes() for f in expected], delta
        _, parts = sections(expected[0].path)
        first = sum(len(table_entries(s.payload)[1]) for s in parts if s.kind == "table")
        assert first == (40 if delta >= 0 else 39), delta  # the edge is where the 40th chunk stops fitting
