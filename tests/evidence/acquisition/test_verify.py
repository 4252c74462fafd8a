"""Verification: a matching image passes; any flipped byte fails with its window named; E01 stored hashes."""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from evidence.acquisition.media import FileMedia
from evidence.acquisition.record import RecordError, find_record, load_record, record_path_for, write_record
from evidence.acquisition.verify import verify_image
from evidence.common.errors import ImageError, IntegrityError
from evidence.common.report import VerificationError
from evidence.sources import open_image
from tests.evidence.support.acquisition import MiB, make_source, run_acquire
from tests.evidence.support.images import IMAGES


def flip(path: Path, offset: int) -> None:
    with path.open("r+b") as handle:
        handle.seek(offset)
        byte = handle.read(1)
        handle.seek(offset)
        handle.write(bytes([byte[0] ^ 0x01]))


def test_a_fresh_acquisition_verifies(tmp_path: Path) -> None:
    source = tmp_path / "disk.img"
    make_source(source, 3 * MiB + 5)
    run_acquire(FileMedia(source), tmp_path / "out.raw")
    report = verify_image([tmp_path / "out.raw"])
    assert report.ok
    assert {(c.subject, c.algorithm) for c in report.checks} == {("media", "sha256"), ("media", "blake3")}


@pytest.mark.parametrize("offset", [0, MiB - 1, MiB, 2 * MiB + 77, 3 * MiB + 4])
def test_a_single_flipped_byte_is_detected_and_its_window_named(tmp_path: Path, offset: int) -> None:
    source = tmp_path / "disk.img"
    size = 3 * MiB + 5
    make_source(source, size)
    run_acquire(FileMedia(source), tmp_path / "out.raw", window=MiB)
    flip(tmp_path / "out.raw", offset)
    with pytest.raises(VerificationError) as caught:
        verify_image([tmp_path / "out.raw"])
    report = caught.value.report
    assert caught.value.exit_code == 3
    assert not report.ok
    assert {c.algorithm for c in report.checks if not c.ok} == {"sha256", "blake3"}
    window = offset // MiB
    [mismatch] = report.first_mismatch
    assert (mismatch.index, mismatch.start, mismatch.end) == (window, window * MiB, min((window + 1) * MiB, size))
    assert "expected sha256:" in str(caught.value) and f"bytes [{window * MiB}," in str(caught.value)


def test_a_damaged_segment_is_named(tmp_path: Path) -> None:
    source = tmp_path / "disk.img"
    make_source(source, 5 * MiB)
    run_acquire(FileMedia(source), tmp_path / "ev", split=2 * MiB, window=MiB)
    flip(tmp_path / "ev.002", 10)
    with pytest.raises(VerificationError) as caught:
        verify_image([tmp_path / "ev.001"])
    failed = {c.subject for c in caught.value.report.checks if not c.ok}
    assert failed == {"media", "ev.002"}
    assert caught.value.report.first_mismatch[0].start == 2 * MiB


def test_a_missing_or_truncated_segment_is_a_problem_not_a_pass(tmp_path: Path) -> None:
    source = tmp_path / "disk.img"
    make_source(source, 5 * MiB)
    run_acquire(FileMedia(source), tmp_path / "ev", split=2 * MiB)
    (tmp_path / "ev.003").unlink()
    with pytest.raises(VerificationError, match=r"ev\.003: No such file"):
        verify_image([tmp_path / "ev.001"])
    (tmp_path / "ev.002").write_bytes(b"short")
    with pytest.raises(VerificationError, match=r"ev\.002: 5 bytes, the record says 2097152"):
        verify_image([tmp_path / "ev.001"])


def test_an_image_file_not_in_the_record_is_refused(tmp_path: Path) -> None:
    source = tmp_path / "disk.img"
    make_source(source, MiB)
    run_acquire(FileMedia(source), tmp_path / "a.raw")
    shutil.copy(tmp_path / "a.raw", tmp_path / "b.raw")
    shutil.copy(record_path_for(tmp_path / "a.raw"), record_path_for(tmp_path / "b.raw"))
    with pytest.raises(VerificationError, match="not one of the files listed"):
        verify_image([tmp_path / "b.raw"])


def test_the_image_folder_can_move(tmp_path: Path) -> None:
    source = tmp_path / "disk.img"
    make_source(source, 2 * MiB)
    (tmp_path / "case").mkdir()
    run_acquire(FileMedia(source), tmp_path / "case" / "ev", split=MiB)
    shutil.move(tmp_path / "case", tmp_path / "moved")
    assert verify_image([tmp_path / "moved" / "ev.001"]).ok


def test_record_lookup(tmp_path: Path) -> None:
    (tmp_path / "ev.acquisition.json").write_text("{}")
    (tmp_path / "x.raw.acquisition.json").write_text("{}")
    assert find_record(tmp_path / "ev.001") == tmp_path / "ev.acquisition.json"
    assert find_record(tmp_path / "x.raw") == tmp_path / "x.raw.acquisition.json"
    assert find_record(tmp_path / "other.raw") is None


def test_raw_without_record_or_with_a_bad_record(tmp_path: Path) -> None:
    image = tmp_path / "lone.raw"
    image.write_bytes(b"\0" * 4096)
    with pytest.raises(RecordError, match="no acquisition record"):
        verify_image([image])
    record_path_for(image).write_text('{"kind": "something else"}')
    with pytest.raises(RecordError, match="malformed acquisition record"):
        verify_image([image])
    record_path_for(image).write_text("{not json")
    with pytest.raises(RecordError, match="not a valid acquisition record"):
        verify_image([image])


def test_an_incomplete_acquisition_cannot_be_verified(tmp_path: Path) -> None:
    source = tmp_path / "disk.img"
    make_source(source, MiB)
    run_acquire(FileMedia(source), tmp_path / "out.raw")
    path = record_path_for(tmp_path / "out.raw")
    path.write_bytes(path.read_bytes().replace(b'"status":"complete"', b'"status":"incomplete"'))
    with pytest.raises(IntegrityError, match="the acquisition is incomplete"):
        verify_image([tmp_path / "out.raw"])


def test_verify_source_detects_a_changed_source(tmp_path: Path) -> None:
    source = tmp_path / "disk.img"
    make_source(source, 2 * MiB + 9)
    run_acquire(FileMedia(source), tmp_path / "out.raw", window=MiB)
    assert verify_image([tmp_path / "out.raw"], source=source).ok
    flip(source, MiB + 1)
    with pytest.raises(VerificationError) as caught:
        verify_image([tmp_path / "out.raw"], source=source)
    report = caught.value.report
    assert {c.subject for c in report.checks if not c.ok} == {"source"}
    assert [(m.subject, m.start, m.end) for m in report.first_mismatch] == [("source", MiB, 2 * MiB)]


def test_e01_stored_md5_matches(tmp_path: Path) -> None:
    report = verify_image([IMAGES / "plaso" / "image.E01"])
    assert report.format == "ewf"
    # The stored MD5 and the one ewfverify computed (fixtures/images/_tsk_reference/plaso__image.E01/ewfverify.txt).
    assert [(c.subject, c.algorithm, c.expected, c.computed) for c in report.checks] == [
        ("stored", "md5", "d73c51f10c7ee6a681b7b619ccc6f1c4", "d73c51f10c7ee6a681b7b619ccc6f1c4")
    ]


def test_e01_split_set_with_md5_and_sha1(tmp_path: Path) -> None:
    report = verify_image([IMAGES / "e01-rs" / "mimage.E01"])
    assert report.ok and {c.algorithm for c in report.checks} >= {"md5"}


def test_e01_with_a_corrupt_chunk_fails(tmp_path: Path) -> None:
    with pytest.raises(VerificationError) as caught:
        verify_image([IMAGES / "e01-rs" / "bad_chunk.E01"])
    assert caught.value.exit_code == 3
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{IMAGES / 'e01-rs' / 'bad_chunk.E01'}: verification failed: ")
    assert message.endswith(
        "corrupt chunk 0 (media offset 0, sectors 0-63, file offset 1846): Adler-32 checksum mismatch"
    )


def test_e01_with_a_record_checks_sha256_too(tmp_path: Path) -> None:
    e01 = tmp_path / "image.E01"
    shutil.copy(IMAGES / "plaso" / "image.E01", e01)
    # A record as an E01 acquisition would write it, built from a raw acquisition of the same media.
    raw = tmp_path / "media.raw"
    with open_image(e01) as image:
        raw.write_bytes(image.read_at(0, image.size))
    run_acquire(FileMedia(raw), tmp_path / "copy.raw")
    record = load_record(record_path_for(tmp_path / "copy.raw"))
    digest = hashlib.sha256(e01.read_bytes()).hexdigest()
    e01_output = replace(record.outputs[0], path=e01, digests={"sha256": digest})
    e01_record = replace(record, format="e01", outputs=(e01_output,))
    write_record(tmp_path / "image.E01.acquisition.json", e01_record, exclusive=True)
    report = verify_image([e01])
    assert {(c.subject, c.algorithm) for c in report.checks} == {
        ("stored", "md5"),
        ("media", "sha256"),
        ("media", "blake3"),
        ("image.E01", "sha256"),
    }
    bad = replace(e01_record, media_digests={**e01_record.media_digests, "sha256": "00" * 32})
    write_record(tmp_path / "image.E01.acquisition.json", bad)
    with pytest.raises(VerificationError, match="media: expected sha256:0000"):
        verify_image([e01])


def test_missing_image(tmp_path: Path) -> None:
    with pytest.raises(ImageError):
        verify_image([tmp_path / "nope.E01"])
