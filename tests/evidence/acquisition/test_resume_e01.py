"""An E01 acquisition of a source with unreadable sectors, interrupted and resumed, keeps the ranges read before the
interruption: the resumed set holds the same media and the same ``error2`` list as one uninterrupted run."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from evidence.acquisition.acquire import acquire
from evidence.acquisition.e01 import make_e01_sink
from evidence.acquisition.record import CaseMetadata, load_record
from evidence.acquisition.resumed import resume_run
from evidence.common.progress import NullProgress
from evidence.common.sink import ImageSink
from evidence.ewf.sink import E01Sink
from tests.evidence.support.acquisition import FIXED_HOST, MiB, make_source
from tests.evidence.support.e01_util import read_back
from tests.evidence.support.ewf_layout import sections
from tests.evidence.support.faulty import FaultyMedia

BAD = [(MiB + 1000, 600), (10 * MiB + 4096, 512)]
SEGMENT = MiB


def _sink(output: Path, media: FaultyMedia) -> E01Sink:
    case = CaseMetadata(case_number="2026/117")
    return make_e01_sink(
        output, split_size=SEGMENT, media_size=media.size, source=media.identity, case=case, compress="fast"
    )


def _acquire(media: FaultyMedia, sink: ImageSink, record: Path, progress: NullProgress, **resumed: object) -> None:
    acquire(
        media,
        sink,
        record_path=record,
        output_format="e01",
        algorithms=("md5", "sha1", "sha256", "blake3"),
        window=MiB,
        retries=0,
        buffer_size=MiB,
        depth=2,
        progress=progress,
        host=FIXED_HOST,
        **resumed,  # type: ignore[arg-type]
    )


def _error2(first: Path) -> bytes:
    last = sorted(first.parent.glob(first.stem + ".E[0-9][0-9]"))[-1]
    return next(s.payload for s in sections(last)[1] if s.kind == "error2")


def test_unreadable_sectors_read_before_the_interruption_stay_listed(tmp_path: Path) -> None:
    source = tmp_path / "disk.img"
    make_source(source, 12 * MiB)
    reference = tmp_path / "ref"
    reference.mkdir()
    media = FaultyMedia(source, bad=BAD)
    _acquire(media, _sink(reference / "cle", media), reference / "cle.acquisition.json", NullProgress())

    output = tmp_path / "cle"
    sink = _sink(output, media)

    class InterruptPastTheFirstBadRange(NullProgress):
        def advanced(self, done: int) -> None:
            # the reader runs ahead of the E01 writer: wait until 4 MiB of chunk groups are on disk
            deadline = time.monotonic() + 60
            while done >= 8 * MiB and time.monotonic() < deadline:
                if sink.checkpoint is not None and sink.checkpoint.chunks * 32768 >= 4 * MiB:
                    raise KeyboardInterrupt
                time.sleep(0.005)

    with pytest.raises(KeyboardInterrupt):
        _acquire(media, sink, tmp_path / "cle.acquisition.json", InterruptPastTheFirstBadRange())
    stopped = load_record(tmp_path / "cle.acquisition.json")
    assert stopped.status == "incomplete" and stopped.unreadable[0].offset == MiB + 512
    start, _earlier, resumed = resume_run(
        tmp_path / "cle.acquisition.json", output, media, "e01", SEGMENT, "fast", None, None, 0
    )
    assert start.offset >= 2 * MiB and start.unreadable == stopped.unreadable[:1]
    _acquire(media, resumed, tmp_path / "cle.acquisition.json", NullProgress(), start=start)
    record, expected = load_record(tmp_path / "cle.acquisition.json"), load_record(reference / "cle.acquisition.json")
    assert record.status == "complete" and record.unreadable == expected.unreadable and len(record.unreadable) == 2
    assert record.media_digests == expected.media_digests and record.read_errors == expected.read_errors
    assert read_back(output.with_name("cle.E01"))[0] == read_back(reference / "cle.E01")[0]
    assert _error2(output.with_name("cle.E01")) == _error2(reference / "cle.E01")
