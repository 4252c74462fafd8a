"""`acquire --format e01` end to end: the record lists the segments, verification checks stored and recorded digests."""

from __future__ import annotations

import hashlib
import os
import resource
import signal
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import blake3
import pytest

from evidence.acquisition.acquire import acquire, acquire_image
from evidence.acquisition.e01 import e01_sector_size, ewf_metadata, make_e01_sink
from evidence.acquisition.media import SourceIdentity
from evidence.acquisition.record import AcquisitionRecord, CaseMetadata, load_record, record_path_for
from evidence.acquisition.verify import verify_image
from evidence.common.errors import IntegrityError, UsageError
from evidence.common.report import VerificationError
from tests.evidence.support.acquisition import FIXED_HOST, MiB, fixed_clock
from tests.evidence.support.e01_util import md5_hex, mixed_media, padded, read_back, sha1_hex
from tests.evidence.support.faulty import FaultyMedia
from tests.support.tools import tool

CASE = CaseMetadata(
    case_number="SN-2026-031",
    evidence_number="HD-2",
    examiner="Aminata Diallo",
    description="disque dur saisi",
    notes="scellé n° 12\tsalle 3",
)


def _sha256_blake3(data: bytes) -> dict[str, str]:
    return {"sha256": hashlib.sha256(data).hexdigest(), "blake3": blake3.blake3(data).hexdigest()}


def _source(tmp_path: Path, size: int) -> tuple[Path, bytes]:
    data = mixed_media(size, seed=11)
    path = tmp_path / "source.img"
    path.write_bytes(data)
    return path, data


def test_record_lists_every_segment_with_its_digests(tmp_path: Path) -> None:
    source, data = _source(tmp_path, 4 * MiB)
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    output = tmp_path / "case.E01"
    record = acquire_image(source, output, output_format="e01", compress="none", split_size=MiB, case=CASE)
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before  # the evidence is never modified
    assert record.status == "complete" and record.format == "e01"
    names = [o.path.name for o in record.outputs]
    assert names[:3] == ["case.E01", "case.E02", "case.E03"] and len(names) >= 5
    assert sorted(p.name for p in tmp_path.glob("case.E??")) == names
    for out in record.outputs:
        raw = out.path.read_bytes()
        assert out.size == len(raw)
        assert dict(out.digests) == _sha256_blake3(raw)
    assert record.media_digests == {"md5": md5_hex(data), "sha1": sha1_hex(data), **_sha256_blake3(data)}
    details = record.format_details
    assert details["compression"] == "none" and details["segment_size"] == MiB and details["chunk_size"] == 32768
    assert details["stored_md5"] == md5_hex(data) and details["stored_sha1"] == sha1_hex(data)
    assert str(details["deflate"]).startswith("none")
    assert load_record(record_path_for(output)) == record
    media, handle = read_back(output)
    assert media == data
    assert handle.get_header_value("case_number") == "SN-2026-031"
    assert handle.get_header_value("notes") == "scellé n° 12 salle 3"
    assert handle.get_hash_value("SHA1") == sha1_hex(data)


def test_verify_checks_stored_recorded_and_segment_digests(tmp_path: Path) -> None:
    source, _ = _source(tmp_path, 3 * MiB)
    output = tmp_path / "v.E01"
    acquire_image(source, output, output_format="e01", split_size=MiB, case=CASE)
    report = verify_image([output])
    by_subject = {(c.subject, c.algorithm) for c in report.checks if c.ok}
    assert {("stored", "md5"), ("stored", "sha1"), ("media", "sha256"), ("media", "blake3")} <= by_subject
    assert {("v.E02", "sha256"), ("v.E02", "blake3")} <= by_subject
    assert load_record(record_path_for(output)).format_details["compression"] == "fast"


def test_a_flipped_byte_in_a_segment_fails_verification(tmp_path: Path) -> None:
    source, _ = _source(tmp_path, 3 * MiB)
    output = tmp_path / "t.E01"
    record = acquire_image(source, output, output_format="e01", compress="none", split_size=MiB)
    second = record.outputs[1].path
    with second.open("r+b") as handle:
        handle.seek(5000)  # inside the first stored chunk of .E02
        byte = handle.read(1)
        handle.seek(5000)
        handle.write(bytes([byte[0] ^ 1]))
    with pytest.raises(VerificationError) as failure:
        verify_image([output])
    # The reader checks each stored chunk's Adler-32 and names the segment and the chunk.
    assert any("t.E02" in str(p) and "corrupt chunk" in str(p) for p in failure.value.report.problems)
    assert isinstance(failure.value, IntegrityError)


def test_source_not_a_multiple_of_the_sector_size(tmp_path: Path) -> None:
    source, data = _source(tmp_path, 2 * MiB + 1000)
    output = tmp_path / "odd.E01"
    record = acquire_image(source, output, output_format="e01", compress="best")
    assert record.media_size == len(data)
    # EWF stores whole sectors: the image holds the zero-padded media and its MD5/SHA-1 cover that (EWF.md §14).
    assert record.format_details["stored_md5"] == md5_hex(padded(data)) != record.media_digests["md5"]
    assert read_back(output)[0] == padded(data)
    report = verify_image([output])
    assert {(c.subject, c.algorithm) for c in report.checks} >= {("stored", "md5"), ("media", "sha256")}


@pytest.mark.external
def test_ewfverify_accepts_a_source_not_a_multiple_of_the_sector_size(tmp_path: Path) -> None:
    source, _ = _source(tmp_path, 2 * MiB + 1000)
    output = tmp_path / "odd.E01"
    acquire_image(source, output, output_format="e01", compress="best")
    assert subprocess.run([tool("ewfverify"), "-q", str(output)], capture_output=True, check=False).returncode == 0


def _acquire_with_unreadable_sectors(tmp_path: Path) -> tuple[Path, AcquisitionRecord, bytes]:
    source, data = _source(tmp_path, 2 * MiB)
    media = FaultyMedia(source, bad=[(MiB + 100, 1000)])
    output = tmp_path / "bad.E01"
    sink = make_e01_sink(
        output, split_size=None, media_size=media.size, source=media.identity, case=CASE, compress="fast"
    )
    record = acquire(
        media,
        sink,
        record_path=record_path_for(output),
        output_format="e01",
        retries=0,
        algorithms=("md5", "sha1", "sha256"),
        buffer_size=MiB,
        depth=3,
        clock=fixed_clock,
        host=FIXED_HOST,
    )
    return output, record, data


def test_unreadable_sectors_reach_error2(tmp_path: Path) -> None:
    output, record, data = _acquire_with_unreadable_sectors(tmp_path)
    assert [(r.offset, r.length) for r in record.unreadable] == [(MiB, 1536)]
    written = bytearray(data)
    written[MiB : MiB + 1536] = bytes(1536)
    media_bytes, handle = read_back(output)
    assert media_bytes == written and handle.get_hash_value("MD5") == md5_hex(bytes(written))


@pytest.mark.external
def test_ewfinfo_lists_the_unreadable_sectors(tmp_path: Path) -> None:
    output, _, _ = _acquire_with_unreadable_sectors(tmp_path)
    info = subprocess.run([tool("ewfinfo"), str(output)], capture_output=True, text=True, check=True).stdout
    assert "at sector(s): 2048 - 2050 number: 3" in info


def test_raw_options_stay_refused_for_raw(tmp_path: Path) -> None:
    source, _ = _source(tmp_path, MiB)
    with pytest.raises(UsageError, match="needs --format e01"):
        acquire_image(source, tmp_path / "x.raw", compress="fast")
    with pytest.raises(UsageError, match="segment size"):
        acquire_image(source, tmp_path / "y.E01", output_format="e01", split_size=1000)


def test_header_values_come_from_the_case_and_the_source(tmp_path: Path) -> None:
    disk = SourceIdentity(
        path="/dev/sdb", kind="block-device", size=4096, model="WDC WD10", serial="WX41", logical_block_size=4096
    )
    when = datetime(2026, 3, 1, 10, 0, tzinfo=timezone(timedelta(hours=1)))
    meta = ewf_metadata(CASE, disk, when)
    assert (meta.model, meta.serial_number, meta.examiner, meta.acquired_at) == (
        "WDC WD10",
        "WX41",
        "Aminata Diallo",
        when,
    )
    assert e01_sector_size(disk) == 4096
    odd = SourceIdentity(path="/dev/sdc", kind="block-device", size=520, logical_block_size=520)
    assert e01_sector_size(odd) == 512
    assert ewf_metadata(CaseMetadata(), odd, when).case_number == ""


def test_a_disk_that_fills_up_stops_the_acquisition_with_one_line(tmp_path: Path) -> None:
    # A real write failure: the process may not write files over 1 MiB (RLIMIT_FSIZE; the signal is ignored, so
    # write() fails with EFBIG), while 6 MiB of incompressible media go to one segment.
    source = tmp_path / "random.bin"
    source.write_bytes(os.urandom(6 * MiB))
    output = tmp_path / "full.E01"

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (MiB, MiB))

    root = Path(__file__).resolve().parents[3]
    proc = subprocess.run(
        [sys.executable, "-m", "cli", "acquire", str(source), str(output), "--format", "e01", "--quiet"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limit,
        check=False,
    )
    assert proc.returncode != 0
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert "full.E01" in lines[0] and "cannot write" in lines[0]
    assert load_record(record_path_for(output)).status != "complete"
    assert output.stat().st_size <= MiB
