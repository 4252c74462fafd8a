"""Read errors: retried, then read sector by sector; what stays unreadable is zero-filled and recorded."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evidence.acquisition.blockread import TolerantReader
from evidence.acquisition.raw_sink import RawSink
from evidence.acquisition.record import load_record, record_path_for
from evidence.common.errors import UsageError
from evidence.hashing.pipeline import UnreadableRange
from tests.evidence.support.acquisition import MiB, make_source, reference_digests, run_acquire
from tests.evidence.support.faulty import FaultyMedia

SECTOR = 512


def expected_ranges(bad: list[tuple[int, int]], size: int) -> list[tuple[int, int]]:
    """Bad byte ranges widened to whole sectors and merged: computed here, independently of blockread."""
    sectors = sorted({s for start, length in bad for s in range(start // SECTOR, (start + length - 1) // SECTOR + 1)})
    ranges: list[tuple[int, int]] = []
    for sector in sectors:
        offset = sector * SECTOR
        length = min(SECTOR, size - offset)
        if ranges and ranges[-1][0] + ranges[-1][1] == offset:
            ranges[-1] = (ranges[-1][0], ranges[-1][1] + length)
        else:
            ranges.append((offset, length))
    return ranges


def zero_filled(data: bytes, ranges: list[tuple[int, int]]) -> bytes:
    image = bytearray(data)
    for offset, length in ranges:
        image[offset : offset + length] = bytes(length)
    return bytes(image)


def test_unreadable_sectors_are_zero_filled_recorded_and_hashed_as_written(tmp_path: Path) -> None:
    source = tmp_path / "failing.img"
    size = 3 * MiB + 700  # the last sector is partial
    data = make_source(source, size)
    bad = [(1000, 1), (MiB - 10, 20), (2 * MiB + 4096, 3 * SECTOR), (size - 5, 5)]
    media = FaultyMedia(source, bad=bad)
    record = run_acquire(media, tmp_path / "out.raw", retries=1)

    want = expected_ranges(bad, size)
    assert want == [(512, 512), (MiB - 512, 1024), (2 * MiB + 4096, 1536), (3 * MiB + 512, 188)]
    image = (tmp_path / "out.raw").read_bytes()
    assert image == zero_filled(data, want)
    assert [(r.offset, r.length) for r in record.unreadable] == want
    assert dict(record.media_digests) == reference_digests(image)  # digests cover the bytes written
    assert record.status == "complete" and record.read_errors > 0
    stored = load_record(record_path_for(tmp_path / "out.raw"))
    assert [(r.offset, r.length) for r in stored.unreadable] == want


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    size=st.integers(min_value=1, max_value=2 * MiB + 3000),
    bad=st.lists(st.tuples(st.integers(min_value=0, max_value=2 * MiB + 3000), st.integers(1, 3000)), max_size=5),
)
def test_any_set_of_bad_ranges(size: int, bad: list[tuple[int, int]]) -> None:
    bad = [(start, min(length, size - start)) for start, length in bad if start < size]
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        data = make_source(root / "src", size, seed=size)
        record = run_acquire(FaultyMedia(root / "src", bad=bad), root / "out", retries=0)
        want = expected_ranges(bad, size) if bad else []
        image = (root / "out").read_bytes()
        assert image == zero_filled(data, want)
        assert [(r.offset, r.length) for r in record.unreadable] == want
        assert dict(record.media_digests) == reference_digests(image)


def test_a_sector_that_reads_on_retry_is_not_lost(tmp_path: Path) -> None:
    source = tmp_path / "flaky.img"
    data = make_source(source, 2 * MiB)
    media = FaultyMedia(source, flaky=[(5000, 10, 2)])  # fails twice, then reads
    record = run_acquire(media, tmp_path / "out.raw", retries=2)
    assert (tmp_path / "out.raw").read_bytes() == data
    assert record.unreadable == () and record.read_errors == 2


def test_block_failures_fall_back_to_sectors_that_read(tmp_path: Path) -> None:
    source = tmp_path / "flaky.img"
    data = make_source(source, 2 * MiB)
    media = FaultyMedia(source, flaky=[(5000, 10, 3)])  # the block fails all 3 attempts; the sector then reads
    record = run_acquire(media, tmp_path / "out.raw", retries=2)
    assert (tmp_path / "out.raw").read_bytes() == data
    assert record.unreadable == () and record.read_errors == 3


def test_the_sink_is_told_about_every_unreadable_range(tmp_path: Path) -> None:
    source = tmp_path / "failing.img"
    make_source(source, 2 * MiB)
    media = FaultyMedia(source, bad=[(0, 1), (1536, 1)])
    sink = RawSink(tmp_path / "out.raw")
    from evidence.acquisition.acquire import acquire

    acquire(media, sink, record_path=tmp_path / "out.raw.acquisition.json", retries=0, buffer_size=MiB, depth=2)
    assert sink.unreadable == [(0, 512), (1536, 512)]


def test_tolerant_reader_validates_its_settings(tmp_path: Path) -> None:
    source = tmp_path / "s.img"
    make_source(source, 4096)
    with pytest.raises(UsageError):
        TolerantReader(FaultyMedia(source), retries=-1)
    reader = TolerantReader(FaultyMedia(source, bad=[(0, 4096)]), retries=0)
    buffer = memoryview(bytearray(8192))
    assert reader.fill(0, buffer) == (4096, [UnreadableRange(offset=0, length=4096)])
    assert reader.fill(4096, buffer) == (0, [])
