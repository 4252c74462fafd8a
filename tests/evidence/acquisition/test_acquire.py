"""Raw acquisition: byte-identical copies, digests, split output, refusal to overwrite, the record."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from evidence.acquisition.acquire import acquire, acquire_image
from evidence.acquisition.media import FileMedia
from evidence.acquisition.raw_sink import RawSink
from evidence.acquisition.record import load_record, record_path_for
from evidence.common import canonical
from evidence.common.errors import AcquisitionError, UsageError
from evidence.common.progress import NullProgress
from tests.evidence.support.acquisition import FIXED_HOST, MiB, make_source, reference_digests, run_acquire


def test_raw_acquisition_is_a_byte_identical_copy_with_its_record(tmp_path: Path) -> None:
    source = tmp_path / "disk.img"
    data = make_source(source, 3 * MiB + 123)
    before = (hashlib.sha256(source.read_bytes()).hexdigest(), source.stat().st_mtime_ns)
    media = FileMedia(source)
    record = run_acquire(media, tmp_path / "out.raw")
    media.close()

    assert (tmp_path / "out.raw").read_bytes() == data
    assert (hashlib.sha256(source.read_bytes()).hexdigest(), source.stat().st_mtime_ns) == before
    assert record.status == "complete"
    assert dict(record.media_digests) == reference_digests(data)
    assert record.media_size == record.bytes_acquired == len(data)
    assert [w.end for w in record.windows] == [MiB, 2 * MiB, 3 * MiB, len(data)]
    assert record.windows[1].digests["sha256"] == hashlib.sha256(data[: 2 * MiB]).digest()
    assert record.started_at == record.ended_at == "2024-05-01T09:30:00Z"
    assert record.source.kind == "file" and record.source.path == str(source) and record.source.size == len(data)
    assert [(o.path.name, o.size) for o in record.outputs] == [("out.raw", len(data))]
    assert dict(record.outputs[0].digests) == reference_digests(data)

    stored = record_path_for(tmp_path / "out.raw").read_bytes()
    assert canonical.is_canonical(stored)
    as_json = canonical.decode(stored)
    assert as_json["status"] == "complete" and as_json["host"] == FIXED_HOST
    assert as_json["outputs"][0]["path"] == "out.raw"  # relative: the image folder can move
    assert as_json["piecewise"]["kind"] == "prefix"
    assert load_record(record_path_for(tmp_path / "out.raw")) == record


def test_split_output_reassembles_byte_identically(tmp_path: Path) -> None:
    source = tmp_path / "disk.img"
    data = make_source(source, 5 * MiB + 1000)
    split = 2 * MiB + 512  # not a multiple of the buffer size: segments change inside a buffer
    record = run_acquire(FileMedia(source), tmp_path / "ev", split=split)

    names = [o.path.name for o in record.outputs]
    assert names == ["ev.001", "ev.002", "ev.003"]
    assert sorted(p.name for p in tmp_path.glob("ev.0*")) == names
    parts = [(tmp_path / name).read_bytes() for name in names]
    assert b"".join(parts) == data
    assert [len(p) for p in parts] == [split, split, len(data) - 2 * split]
    for output, part in zip(record.outputs, parts, strict=True):
        assert output.size == len(part)
        assert dict(output.digests) == {"sha256": hashlib.sha256(part).hexdigest()}
    assert dict(record.media_digests) == reference_digests(data)


def test_split_of_an_exact_multiple_makes_no_empty_segment(tmp_path: Path) -> None:
    source = tmp_path / "disk.img"
    data = make_source(source, 4 * MiB)
    record = run_acquire(FileMedia(source), tmp_path / "ev", split=2 * MiB)
    assert [o.path.name for o in record.outputs] == ["ev.001", "ev.002"]
    assert b"".join(o.path.read_bytes() for o in record.outputs) == data


def test_empty_source_gives_an_empty_image_and_empty_digests(tmp_path: Path) -> None:
    source = tmp_path / "empty.img"
    source.write_bytes(b"")
    record = run_acquire(FileMedia(source), tmp_path / "out.raw")
    assert (tmp_path / "out.raw").read_bytes() == b""
    assert dict(record.media_digests) == reference_digests(b"")
    assert record.windows == ()


def test_existing_output_is_never_overwritten(tmp_path: Path) -> None:
    source = tmp_path / "disk.img"
    make_source(source, MiB)
    existing = tmp_path / "out.raw"
    existing.write_bytes(b"precious")
    with pytest.raises(AcquisitionError, match="already exists"):
        acquire_image(source, existing)
    assert existing.read_bytes() == b"precious"
    assert not record_path_for(existing).exists()


def test_existing_record_or_later_segment_is_refused_before_writing(tmp_path: Path) -> None:
    source = tmp_path / "disk.img"
    make_source(source, 3 * MiB)
    record_path_for(tmp_path / "a.raw").write_text("{}")
    with pytest.raises(AcquisitionError, match="is not a readable acquisition record; nothing was overwritten"):
        acquire_image(source, tmp_path / "a.raw")
    assert not (tmp_path / "a.raw").exists()
    (tmp_path / "b.002").write_bytes(b"other case")
    with pytest.raises(AcquisitionError, match=r"b\.002: output already exists"):
        acquire_image(source, tmp_path / "b", split_size=MiB)
    assert not (tmp_path / "b.001").exists()
    assert (tmp_path / "b.002").read_bytes() == b"other case"


def test_symlinked_output_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "disk.img"
    make_source(source, MiB)
    (tmp_path / "link.raw").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(AcquisitionError, match="already exists"):
        acquire_image(source, tmp_path / "link.raw")
    assert not (tmp_path / "elsewhere").exists()


def test_acquire_image_writes_the_record_next_to_the_output(tmp_path: Path) -> None:
    source = tmp_path / "disk.img"
    data = make_source(source, 2 * MiB + 3)
    record = acquire_image(source, tmp_path / "x.raw", extra_algorithms=["md5", "sha1"], progress=NullProgress())
    assert record.algorithms == ("md5", "sha1", "sha256", "blake3")
    assert record.media_digests["md5"] == hashlib.md5(data).hexdigest()  # noqa: S324 - evidence identification
    assert record.media_digests["sha1"] == hashlib.sha1(data).hexdigest()  # noqa: S324
    assert load_record(tmp_path / "x.raw.acquisition.json").media_digests == record.media_digests


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"output_format": "aff4"}, "output format 'aff4' is not available"),
        ({"compress": "best"}, "--compress best needs --format e01"),
        ({"split_size": 1}, "4096 segments for 4096 bytes; at most 999"),
        ({"extra_algorithms": ["crc32"]}, "unknown hash algorithm"),
    ],
)
def test_bad_options_are_usage_errors_before_any_file_is_created(
    tmp_path: Path, kwargs: dict[str, object], message: str
) -> None:
    source = tmp_path / "disk.img"
    make_source(source, 4096)
    with pytest.raises(UsageError, match=message):
        acquire_image(source, tmp_path / "out", **kwargs)  # type: ignore[arg-type]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["disk.img"]


def test_missing_source_or_output_directory(tmp_path: Path) -> None:
    with pytest.raises(AcquisitionError, match="cannot open source"):
        acquire_image(tmp_path / "nope", tmp_path / "out")
    source = tmp_path / "disk.img"
    make_source(source, 4096)
    with pytest.raises(AcquisitionError, match="output directory does not exist"):
        acquire_image(source, tmp_path / "missing" / "out")
    with pytest.raises(AcquisitionError, match="not a regular file or a block device"):
        acquire_image(tmp_path, tmp_path / "out")


def test_a_source_that_shrinks_is_a_failure_not_a_shorter_image(tmp_path: Path) -> None:
    source = tmp_path / "disk.img"
    make_source(source, 3 * MiB)
    media = FileMedia(source)
    os.truncate(source, 2 * MiB + 100)  # the disk shrank (or the file was truncated) after it was opened
    with pytest.raises(AcquisitionError, match=r"source ended at offset 2097252, expected 3145728"):
        run_acquire(media, tmp_path / "out.raw")
    record = load_record(record_path_for(tmp_path / "out.raw"))
    assert record.status == "failed"
    assert record.reason is not None and "source ended" in record.reason
    assert record.media_digests == {} and record.outputs == ()


def test_an_interrupt_leaves_an_incomplete_record(tmp_path: Path) -> None:
    source = tmp_path / "disk.img"
    make_source(source, 6 * MiB)

    class InterruptAt(NullProgress):
        def advanced(self, done: int) -> None:
            if done >= 5 * MiB:
                raise KeyboardInterrupt

    media = FileMedia(source)
    with pytest.raises(KeyboardInterrupt):
        acquire(
            media,
            RawSink(tmp_path / "o.raw"),
            record_path=tmp_path / "o.raw.acquisition.json",
            buffer_size=MiB,
            depth=2,
            progress=InterruptAt(),
        )
    record = load_record(tmp_path / "o.raw.acquisition.json")
    assert record.status == "incomplete"
    assert record.reason == "interrupted (SIGINT)"
    assert record.media_digests == {} and record.outputs == ()
    # With a pool of two 1 MiB buffers the reader cannot be more than 2 MiB ahead of the writer.
    assert 3 * MiB <= record.bytes_acquired < 6 * MiB
    assert record.bytes_acquired == (tmp_path / "o.raw").stat().st_size


def test_a_record_that_cannot_be_written_aborts_the_sink(tmp_path: Path) -> None:
    source = tmp_path / "disk.img"
    make_source(source, MiB)
    record_path_for(tmp_path / "o.raw").write_text("someone else's")

    class Watched(RawSink):
        aborted = False

        def abort(self) -> None:
            Watched.aborted = True
            super().abort()

    with pytest.raises(AcquisitionError, match="a record already exists"):
        acquire(FileMedia(source), Watched(tmp_path / "o.raw"), record_path=record_path_for(tmp_path / "o.raw"))
    assert Watched.aborted
    assert record_path_for(tmp_path / "o.raw").read_text() == "someone else's"
