"""E01 files written by the sink, read back by libewf (pyewf) and by an independent section parser."""

from __future__ import annotations

import hashlib
import tempfile
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evidence.common.errors import AcquisitionError, IntegrityError, UsageError
from evidence.ewf.format import COMPRESSED_FLAG
from evidence.ewf.sink import E01Sink
from tests.evidence.support.e01_util import (
    digests,
    md5_hex,
    metadata,
    mixed_media,
    padded,
    read_back,
    sha1_hex,
    write_e01,
)
from tests.evidence.support.ewf_layout import header2_values, sections, table_entries

MIB = 1024 * 1024


@pytest.mark.parametrize("compression", ["none", "fast", "best"])
def test_single_segment_reads_back_identically_with_hashes(tmp_path: Path, compression: str) -> None:
    data = mixed_media(3 * MIB + 3 * 512 + 100)  # neither whole chunks nor whole sectors
    sink, files = write_e01(tmp_path / "disk.E01", data, compression=compression, unreadable=[(MIB, 8192)])
    assert [f.path.name for f in files] == ["disk.E01"]
    assert sink.error_ranges() == [(2048, 16)]
    media, handle = read_back(files[0].path)
    assert media == padded(data)
    assert handle.get_media_size() == len(padded(data))
    hashes = handle.get_hash_values()
    assert hashes["MD5"] == md5_hex(padded(data))
    assert hashes["SHA1"] == sha1_hex(padded(data))
    assert sink.stored_digests == {"md5": hashes["MD5"], "sha1": hashes["SHA1"]}
    assert handle.get_compression_method() == 1 or compression == "none"


def test_compression_levels_are_stored_as_asked(tmp_path: Path) -> None:
    data = mixed_media(2 * MIB)
    sizes = {}
    for level in ("none", "fast", "best"):
        _, files = write_e01(tmp_path / f"{level}.E01", data, compression=level)
        _, parts = sections(files[0].path)
        volume = next(s for s in parts if s.kind == "volume").payload
        assert volume[52] == {"none": 0, "fast": 1, "best": 2}[level]
        flags = [e & COMPRESSED_FLAG for s in parts if s.kind == "table" for e in table_entries(s.payload)[1]]
        assert any(flags) == (level != "none")
        sizes[level] = files[0].size
    assert sizes["best"] <= sizes["fast"] < sizes["none"]


def test_aligned_media_uses_the_pipeline_digests(tmp_path: Path) -> None:
    data = mixed_media(MIB)
    sink, files = write_e01(tmp_path / "a.E01", data)
    assert sink.stored_digests == {k: v.hex() for k, v in digests(data).items()}
    assert read_back(files[0].path)[0] == data


@pytest.mark.parametrize("group_bytes", [32 * MIB, 100_000])
def test_multi_segment_set_respects_the_segment_size(tmp_path: Path, group_bytes: int) -> None:
    data = mixed_media(5 * MIB + 12_345)
    _, files = write_e01(tmp_path / "set.E01", data, compression="none", segment_size=MIB, group_bytes=group_bytes)
    assert [f.path.suffix for f in files] == [f".E0{i}" for i in range(1, len(files) + 1)]
    assert len(files) >= 5
    for number, out in enumerate(files, start=1):
        assert out.size == out.path.stat().st_size <= MIB
        assert number == len(files) or out.size > MIB - 32772 - 2048  # full: the next chunk would not have fit
        raw = out.path.read_bytes()
        assert out.digests == {"sha256": hashlib.sha256(raw).hexdigest(), "blake3": _blake3(raw)}
        seg, parts = sections(out.path)
        assert seg == number
        kinds = [s.kind for s in parts]
        assert kinds[-1] == ("done" if number == len(files) else "next")
        assert kinds[0] == ("header2" if number == 1 else "data")
    media, handle = read_back(files[0].path)
    assert media == padded(data)
    assert handle.get_hash_value("MD5") == md5_hex(padded(data))


def test_lower_case_extension_names_the_whole_set_in_lower_case(tmp_path: Path) -> None:
    data = mixed_media(3 * MIB)
    _, files = write_e01(tmp_path / "low.e01", data, compression="none", segment_size=MIB)
    assert [f.path.name for f in files][:2] == ["low.e01", "low.e02"]
    assert read_back(files[0].path)[0] == data


def test_section_layout_follows_ewfacquire(tmp_path: Path) -> None:
    data = mixed_media(3 * MIB)
    _, files = write_e01(tmp_path / "l.E01", data, unreadable=[(4096, 512)], group_bytes=256 * 1024)
    _, parts = sections(files[0].path)
    kinds = [s.kind for s in parts]
    assert kinds.count("sectors") >= 4
    assert kinds[:4] == ["header2", "header2", "header", "volume"]
    assert kinds[-5:] == ["data", "error2", "digest", "hash", "done"]
    assert parts[0].payload == parts[1].payload
    chunk_total = 0
    for i, part in enumerate(parts):
        if part.kind == "sectors":
            table, table2 = parts[i + 1], parts[i + 2]
            assert (table.kind, table2.kind) == ("table", "table2") and table.payload == table2.payload
            base, entries = table_entries(table.payload)
            assert base == part.offset and entries[0] & ~COMPRESSED_FLAG == 76
            _check_chunks(part, entries)
            chunk_total += len(entries)
    volume = next(s for s in parts if s.kind == "volume").payload
    assert next(s for s in parts if s.kind == "data").payload == volume
    assert int.from_bytes(volume[4:8], "little") == chunk_total == 3 * MIB // 32768


def _check_chunks(sectors: object, entries: list[int]) -> None:
    payload = sectors.payload  # type: ignore[attr-defined]
    offsets = [(e & ~COMPRESSED_FLAG) - 76 for e in entries] + [len(payload)]
    for entry, start, end in zip(entries, offsets, offsets[1:], strict=False):
        stored = payload[start:end]
        if entry & COMPRESSED_FLAG:
            assert len(zlib.decompress(stored)) == 32768
        else:
            assert int.from_bytes(stored[-4:], "little") == zlib.adler32(stored[:-4])


def test_metadata_round_trips_with_unicode_and_separators(tmp_path: Path) -> None:
    meta = metadata(
        case_number="TN-2026/114",
        evidence_number="HD-01",
        examiner="Zoé Benaïssa",
        description="disque saisi à Sfax",
        notes="scellé n° 7\tسطر\r\nligne 2",
        model="WD10EZEX",
        serial_number="WCC6Y0000000",
    )
    _, files = write_e01(tmp_path / "m.E01", mixed_media(MIB), meta=meta)
    _, handle = read_back(files[0].path)
    values = handle.get_header_values()
    assert values["case_number"] == "TN-2026/114"
    assert values["evidence_number"] == "HD-01"
    assert values["examiner_name"] == "Zoé Benaïssa"
    assert values["description"] == "disque saisi à Sfax"
    assert values["notes"] == "scellé n° 7 سطر ligne 2"
    assert values["acquiry_software_version"] == "0.1.0"
    assert values["acquiry_operating_system"] == "Linux"
    h2 = header2_values(sections(files[0].path)[1][0].payload)
    assert (h2["md"], h2["sn"], h2["m"]) == ("WD10EZEX", "WCC6Y0000000", "1795466775")


def test_unknown_media_size_is_fixed_up_at_close(tmp_path: Path) -> None:
    data = mixed_media(3 * MIB + 1000)
    sink, files = write_e01(tmp_path / "u.E01", data, known_size=False, compression="none", segment_size=MIB)
    assert len(files) >= 3
    for out in files:
        raw = out.path.read_bytes()
        assert out.digests["sha256"] == hashlib.sha256(raw).hexdigest()
    media, handle = read_back(files[0].path)
    assert media == padded(data)
    assert sink.stored_digests["md5"] == md5_hex(padded(data)) == handle.get_hash_value("MD5")


def test_mismatching_pipeline_digest_is_an_integrity_error(tmp_path: Path) -> None:
    data = mixed_media(MIB)
    sink = E01Sink(tmp_path / "x.E01", media_size=None, metadata=metadata())
    sink.write(memoryview(data))
    with pytest.raises(IntegrityError, match="md5"):
        sink.close({"md5": bytes(16)})


def test_error_ranges_are_merged_by_sector(tmp_path: Path) -> None:
    sink = E01Sink(tmp_path / "e.E01", media_size=MIB, metadata=metadata())
    for offset, length in [(5000, 100), (1024, 512), (1536, 512), (70_000, 1)]:
        sink.add_unreadable(offset, length)
    assert sink.error_ranges() == [(2, 2), (9, 1), (136, 1)]
    sink.abort()


def test_existing_output_is_never_overwritten(tmp_path: Path) -> None:
    target = tmp_path / "keep.E01"
    target.write_bytes(b"previous evidence")
    with pytest.raises(AcquisitionError, match="already exists"):
        E01Sink(target, media_size=MIB, metadata=metadata())
    assert target.read_bytes() == b"previous evidence"
    (tmp_path / "other.E02").write_bytes(b"x")
    with pytest.raises(AcquisitionError, match="already exists"):
        E01Sink(tmp_path / "other.E01", media_size=MIB, metadata=metadata())


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"compression": "max"}, "compression"),
        ({"segment_size": 4096}, "segment size"),
        ({"sector_size": 520}, "sector size"),
        ({"chunk_sectors": 48}, "power of two"),
    ],
)
def test_bad_options_are_usage_errors(tmp_path: Path, options: dict[str, object], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        E01Sink(tmp_path / "bad.E01", media_size=MIB, metadata=metadata(), **options)  # type: ignore[arg-type]
    assert not (tmp_path / "bad.E01").exists()


def test_empty_media_and_reuse_after_close_are_refused(tmp_path: Path) -> None:
    sink = E01Sink(tmp_path / "empty.E01", media_size=0, metadata=metadata())
    with pytest.raises(AcquisitionError, match="empty"):
        sink.close({})
    done = E01Sink(tmp_path / "twice.E01", media_size=512, metadata=metadata())
    done.write(memoryview(bytes(512)))
    done.close(digests(bytes(512)))
    with pytest.raises(AcquisitionError, match="closed"):
        done.write(memoryview(bytes(512)))


def test_abort_leaves_an_unfinished_file(tmp_path: Path) -> None:
    sink = E01Sink(tmp_path / "cut.E01", media_size=4 * MIB, metadata=metadata())
    sink.write(memoryview(mixed_media(2 * MIB)))
    sink.abort()
    raw = (tmp_path / "cut.E01").read_bytes()
    assert raw.startswith(b"EVF") and b"done" not in raw[-76:]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    size=st.integers(min_value=1, max_value=300_000),
    pieces=st.lists(st.integers(min_value=1, max_value=70_000), min_size=1, max_size=5),
    compression=st.sampled_from(["none", "fast", "best"]),
    chunk_sectors=st.sampled_from([1, 8, 64, 128]),
    seed=st.integers(min_value=0, max_value=1000),
)
def test_any_size_and_write_pattern_reads_back(
    tmp_path: Path, size: int, pieces: list[int], compression: str, chunk_sectors: int, seed: int
) -> None:
    data = mixed_media(size, seed)
    target = Path(tempfile.mkdtemp(dir=tmp_path)) / "p.E01"
    _, files = write_e01(
        target, data, pieces=pieces, compression=compression, chunk_sectors=chunk_sectors, workers=3, max_pending=2
    )
    media, handle = read_back(files[0].path)
    assert media == padded(data)
    assert handle.get_hash_value("MD5") == md5_hex(padded(data))


def _blake3(data: bytes) -> str:
    import blake3

    return blake3.blake3(data).hexdigest()


@pytest.mark.slow
def test_segment_100_is_named_eaa_and_libewf_finds_it(tmp_path: Path) -> None:
    # Every chunk starts with its own number, so a segment read in the wrong order cannot go unnoticed.
    chunk_count = 3200
    data = b"".join(i.to_bytes(4, "little") + bytes(32764) for i in range(chunk_count))
    _, files = write_e01(tmp_path / "many.E01", data, pieces=[4 * MIB], compression="none", segment_size=MIB)
    names = [f.path.name for f in files]
    assert len(names) > 100
    assert names[98:101] == ["many.E99", "many.EAA", "many.EAB"]
    assert sections(files[99].path)[0] == 100
    media, handle = read_back(files[0].path)
    assert media == data
    assert handle.get_hash_value("MD5") == md5_hex(data)


@pytest.mark.parametrize("sector_size", [1024, 4096])
def test_large_sectors_read_back(tmp_path: Path, sector_size: int) -> None:
    data = mixed_media(2 * MIB + 100)
    _, files = write_e01(tmp_path / "s.E01", data, sector_size=sector_size, chunk_sectors=8)
    media, handle = read_back(files[0].path)
    assert handle.get_bytes_per_sector() == sector_size
    assert media == padded(data, sector_size)
    assert handle.get_hash_value("MD5") == md5_hex(padded(data, sector_size))


def test_a_full_last_segment_keeps_room_for_the_error_list(tmp_path: Path) -> None:
    chunks, chunk = 40, 32768
    data = mixed_media(chunks * chunk)
    ranges = [(i * chunk, 512) for i in range(30)]  # an error2 of 844 bytes, reported only after the data
    _, one = write_e01(tmp_path / "one.E01", data, compression="none", unreadable=ranges)
    # Segment limits from "everything just fits" down by one chunk: wherever the limit falls, no file exceeds it.
    for shrink in range(0, chunk + 4, 512):
        limit = one[0].size - shrink
        out = Path(tempfile.mkdtemp(dir=tmp_path)) / "cut.E01"
        _, files = write_e01(out, data, compression="none", segment_size=limit, unreadable=ranges)
        assert all(f.size <= limit for f in files), (limit, [f.size for f in files])
    assert read_back(files[0].path)[0] == data
