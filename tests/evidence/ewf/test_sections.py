"""The pure EWF section encoders against byte values taken from real ewfacquire images (EWF.md §13, §15)."""

from __future__ import annotations

import struct
import zlib
from datetime import UTC, datetime, timedelta, timezone

import pytest

from evidence.common.errors import UsageError
from evidence.ewf import format as ewf_format
from evidence.ewf import sections as sec

# gpt_three.E01, written by ewfacquire 20140813 (EWF.md §15): 128 MiB, best compression, physical fixed disk.
GPT_THREE_VOLUME = sec.VolumeInfo(
    chunk_count=4096,
    sectors_per_chunk=64,
    bytes_per_sector=512,
    sector_count=262144,
    media_type=ewf_format.MediaType.FIXED,
    physical=True,
    compression=ewf_format.CompressionLevel.BEST,
)


@pytest.mark.parametrize(
    ("number", "extension"),
    [
        (1, "E01"),
        (9, "E09"),
        (99, "E99"),
        (100, "EAA"),
        (114, "EAO"),
        (125, "EAZ"),
        (126, "EBA"),
        (775, "EZZ"),
        (776, "FAA"),
        (14971, "ZZZ"),
    ],
)
def test_segment_extensions_follow_libewf(number: int, extension: str) -> None:
    assert sec.segment_extension(number) == extension


@pytest.mark.parametrize("number", [0, 14972])
def test_segment_numbers_outside_the_naming_scheme_are_refused(number: int) -> None:
    with pytest.raises(UsageError):
        sec.segment_extension(number)


def test_file_header_carries_the_segment_number() -> None:
    assert sec.file_header(100) == bytes.fromhex("455646090d0aff00") + b"\x01\x64\x00\x00\x00"


def test_next_descriptor_matches_ewfacquire_bytes() -> None:
    # gpt_three.E01: next at 0x3F7FBD, descriptor checksum 3B 03 3A CD.
    desc = sec.descriptor("next", 0x3F7FBD, 0)
    assert desc[:16] == b"next" + bytes(12)
    assert desc[16:32] == struct.pack("<QQ", 0x3F7FBD, 0)
    assert desc[72:] == bytes.fromhex("3b033acd")


def test_header2_descriptor_matches_ewfacquire_bytes() -> None:
    desc = sec.descriptor("header2", 13, 330)
    assert desc[16:32] == struct.pack("<QQ", 343, 330)
    assert desc[72:] == bytes.fromhex("3f03e1d5")


def test_volume_payload_matches_ewfacquire_bytes() -> None:
    payload = sec.volume_payload(GPT_THREE_VOLUME)
    assert len(payload) == 1052
    assert payload[:24] == bytes.fromhex("010000000010000040000000000200000000040000000000")
    assert payload[36] == 0x03 and payload[52] == 0x02 and payload[56:60] == bytes.fromhex("40000000")
    assert payload[-4:] == bytes.fromhex("9d005071")


def test_logical_media_clears_the_physical_flag() -> None:
    payload = sec.volume_payload(
        sec.VolumeInfo(chunk_count=1, sectors_per_chunk=64, bytes_per_sector=512, sector_count=1, physical=False)
    )
    assert payload[36] == 0x01


def test_table_header_matches_ewfacquire_bytes() -> None:
    entries = [0x4C | ewf_format.COMPRESSED_FLAG] + [0x100 + i for i in range(602)]
    payload = sec.table_payload(0x7E1, entries)
    assert payload[:24] == bytes.fromhex("5b02000000000000e1070000000000000000000046012f12")
    assert payload[24:28] == bytes.fromhex("4c000080")
    assert len(payload) + ewf_format.DESCRIPTOR_SIZE == sec.table_section_size(603)


def test_tables_refuse_empty_and_oversized_groups() -> None:
    with pytest.raises(ValueError, match="entries"):
        sec.table_payload(0, [])
    with pytest.raises(ValueError, match="entries"):
        sec.table_payload(0, [0x4C] * (ewf_format.MAX_TABLE_ENTRIES + 1))


def test_hash_digest_and_error2_payloads_have_their_checksums() -> None:
    md5, sha1 = bytes(range(16)), bytes(range(20))
    digest = sec.digest_payload(md5, sha1)
    assert len(digest) == 80 and digest[:36] == md5 + sha1
    assert struct.unpack("<I", digest[76:])[0] == zlib.adler32(digest[:76])
    hashed = sec.hash_payload(md5)
    assert len(hashed) == 36 and struct.unpack("<I", hashed[32:])[0] == zlib.adler32(hashed[:32])
    error2 = sec.error2_payload([(128, 16), (4000, 1)])
    assert len(error2) + ewf_format.DESCRIPTOR_SIZE == sec.error2_section_size(2)
    assert struct.unpack_from("<IIII", error2, 520) == (128, 16, 4000, 1)
    assert struct.unpack_from("<I", error2, 0)[0] == 2


def _meta(**values: str) -> sec.EwfMetadata:
    moment = datetime(2026, 11, 23, 20, 46, 15, tzinfo=UTC)
    return sec.EwfMetadata(acquired_at=moment, **values)


def test_header2_text_has_the_encase6_layout() -> None:
    meta = _meta(
        description="GPT three partitions",
        case_number="HELDOUT-CASE-42",
        evidence_number="EV-042",
        examiner="Examiner Held Out",
        notes="held-out image",
        software_version="20140813",
        operating_system="Linux",
    )
    text = sec.header2_text(meta)
    lines = text.split("\n")
    assert lines[:3] == ["3", "main", "a\tc\tn\te\tt\tmd\tsn\tav\tov\tm\tu\tp\tdc"]
    assert lines[3] == (
        "GPT three partitions\tHELDOUT-CASE-42\tEV-042\tExaminer Held Out\theld-out image\t\t\t"
        "20140813\tLinux\t1795466775\t1795466775\t0\t"
    )
    assert len(text.encode("utf-16-le")) + 2 == 502  # gpt_three's header2 inflates to 502 bytes
    assert zlib.decompress(sec.header2_payload(meta)) == b"\xff\xfe" + text.encode("utf-16-le")


def test_header_text_uses_local_wall_clock_time_and_crlf() -> None:
    meta = _meta(
        case_number="HELDOUT-CASE-42",
        evidence_number="EV-042",
        description="GPT three partitions",
        examiner="Examiner Held Out",
        notes="held-out image",
        software_version="20140813",
        operating_system="Linux",
    )
    assert sec.header_text(meta) == (
        "1\r\nmain\r\nc\tn\ta\te\tt\tav\tov\tm\tu\tp\r\nHELDOUT-CASE-42\tEV-042\tGPT three partitions\t"
        "Examiner Held Out\theld-out image\t20140813\tLinux\t2026 11 23 20 46 15\t2026 11 23 20 46 15\t0\r\n\r\n"
    )
    tunis = timezone(timedelta(hours=1))
    shifted = sec.EwfMetadata(acquired_at=meta.acquired_at.astimezone(tunis))
    assert "\t2026 11 23 21 46 15\t" in sec.header_text(shifted)
    assert sec.header2_text(shifted).split("\n")[3].split("\t")[9] == "1795466775"


def test_separators_in_values_become_spaces_and_non_ascii_becomes_sub_in_header() -> None:
    meta = _meta(notes="saisie\tà Tunis\r\nسطر", examiner="Zoé")
    values = sec.header2_text(meta).split("\n")[3].split("\t")
    assert len(values) == 13
    assert values[4] == "saisie à Tunis سطر" and values[3] == "Zoé"
    header = zlib.decompress(sec.header_payload(meta))
    assert b"Zo\x1a\t" in header and b"saisie \x1a Tunis \x1a\x1a\x1a" in header


def test_naive_times_are_refused() -> None:
    with pytest.raises(UsageError, match="time-zone aware"):
        sec.header2_text(sec.EwfMetadata(acquired_at=datetime(2026, 1, 1)))


def test_software_version_is_cut_to_what_encase_shows() -> None:
    values = sec.header2_text(_meta(software_version="scelle 0.1.0-dev")).split("\n")[3].split("\t")
    assert values[7] == "scelle 0.1."


def test_the_shared_format_structures_have_the_documented_sizes() -> None:
    # EWF.md §3, §4, §9: the reader (ewf/layout.py) and the writer (ewf/sections.py) both use these.
    assert (ewf_format.FILE_HEADER_SIZE, ewf_format.DESCRIPTOR_SIZE, ewf_format.TABLE_HEADER_SIZE) == (13, 76, 24)
    assert sec.file_header(3) == b"EVF\x09\x0d\x0a\xff\x00\x01\x03\x00\x00\x00"
    descriptor = sec.descriptor("table", 1000, 200)
    kind, next_offset, size, padding, checksum = ewf_format.DESCRIPTOR.unpack(descriptor)
    assert (kind.rstrip(b"\0"), next_offset, size, padding) == (b"table", 1200, 200, bytes(40))
    assert checksum == sec.adler32(descriptor[: ewf_format.DESCRIPTOR_CHECKED])
    count, _pad, base, _pad2, header_sum = ewf_format.TABLE_HEADER.unpack_from(sec.table_payload(4096, [1, 2, 3]))
    assert (count, base) == (3, 4096)
    assert header_sum == sec.adler32(sec.table_payload(4096, [1, 2, 3])[:20])
