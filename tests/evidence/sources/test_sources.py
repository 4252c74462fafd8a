"""Image sources: raw, split raw and EWF read the same media bytes that TSK and libewf report, and refuse bad sets."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evidence.common.errors import ImageError
from evidence.sources import ImageSource, open_image
from tests.evidence.support.images import IMAGES, MEDIA_SHA256, fixture_digests
from tests.support.tools import runs_tools, tool


def media_sha256(source: ImageSource, block: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    offset = 0
    while offset < source.size:
        data = source.read_at(offset, block)
        assert data, f"empty read at {offset}"
        digest.update(data)
        offset += len(data)
    return digest.hexdigest()


@pytest.mark.parametrize("name", sorted(MEDIA_SHA256))
def test_media_digest_matches_the_recorded_one(name: str) -> None:
    size, expected = MEDIA_SHA256[name]
    with open_image(IMAGES / name) as source:
        assert source.size == size
        assert media_sha256(source) == expected


def test_formats_and_segments_are_found_from_the_first_segment() -> None:
    with open_image(IMAGES / "dfvfs/ext2.splitraw.000") as split:
        assert split.format == "split-raw"
        assert [p.name for p in split.segments] == ["ext2.splitraw.000", "ext2.splitraw.001"]
    with open_image(IMAGES / "e01-rs/mimage.E01") as ewf:
        assert ewf.format == "ewf"
        assert [p.name for p in ewf.segments] == ["mimage.E01", "mimage.E02"]
    with open_image(IMAGES / "sleuthkit/image.dd") as raw:
        assert raw.format == "raw"
        assert raw.segments == (IMAGES / "sleuthkit/image.dd",)


def test_ewf_metadata_is_what_ewfinfo_prints() -> None:
    # Values from fixtures/images/_tsk_reference/sleuthkit__imageformat_mmls_1.E01/ewfinfo.txt
    with open_image(IMAGES / "sleuthkit/imageformat_mmls_1.E01") as source:
        meta = source.metadata
    assert meta.case_number == "1"
    assert meta.evidence_number == "1"
    assert meta.examiner == "Rishwanth"
    assert meta.description == "Test E01 for sleuthkit"
    assert meta.notes == "Used to test sleuthkit libraries"
    # ewfinfo prints "Wed May 16 15:05:08 2018": only a "header" section, a wall-clock time without its zone
    assert (meta.acquisition_date, meta.dates_basis) == ("2018-05-16T15:05:08", "local")
    assert meta.acquisition_software == "ADI2.9.0.13"
    assert meta.acquisition_os == "Windows 200x"
    assert meta.media_type == "fixed"
    assert meta.sector_size == 512
    assert meta.chunk_size == 64 * 512
    assert meta.stored_hashes == {
        "md5": "8ec671e301095c258224aad701740503",
        "sha1": "067bc6ab29685ee19b0cf82c9d15ac510d1e7d95",
    }
    assert meta.extra["ewf_format"] == "FTK Imager"


def test_raw_reads_match_the_file_and_stop_at_the_end() -> None:
    path = IMAGES / "sleuthkit/image.dd"
    whole = path.read_bytes()
    with open_image(path) as source:
        assert source.read_at(100, 50) == whole[100:150]
        assert source.read_at(len(whole) - 10, 100) == whole[-10:]
        assert source.read_at(len(whole), 10) == b""
        buffer = bytearray(64)
        assert source.readinto_at(1024, memoryview(buffer)) == 64
        assert bytes(buffer) == whole[1024:1088]
        with pytest.raises(ImageError):
            source.read_at(-1, 10)


@settings(max_examples=60, deadline=None)
@given(offset=st.integers(0, 4194304 + 10), length=st.integers(0, 3 * 1024 * 1024))
def test_any_read_equals_the_same_slice_of_the_media(offset: int, length: int) -> None:
    # ext2.splitraw.000/.001 concatenated is the media; the E01 of it must give the same slice.
    media = b"".join((IMAGES / f"dfvfs/ext2.splitraw.00{i}").read_bytes() for i in (0, 1))
    expected = media[offset : offset + length]
    for name in ("dfvfs/ext2.splitraw.000", "dfvfs/ext2.split.E01"):
        with open_image(IMAGES / name) as source:
            assert source.read_at(offset, length) == expected


def test_reads_from_several_threads_give_the_serial_result() -> None:
    with open_image(IMAGES / "dfvfs/ext2.split.E01") as source:
        block = 65536
        offsets = list(range(0, source.size, block)) * 3
        expected = {offset: source.read_at(offset, block) for offset in offsets}
        results: dict[int, bytes] = {}
        errors: list[BaseException] = []

        def worker(part: list[int]) -> None:
            try:
                for offset in part:
                    data = source.read_at(offset, block)
                    if data != expected[offset]:
                        results[offset] = data
            except BaseException as exc:  # noqa: BLE001 - collected for the main thread
                errors.append(exc)

        threads = [threading.Thread(target=worker, args=(offsets[i::4],)) for i in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert not errors
    assert results == {}


def test_explicit_segments_are_used_in_the_order_given() -> None:
    paths = [IMAGES / "dfvfs/ext2.splitraw.000", IMAGES / "dfvfs/ext2.splitraw.001"]
    with open_image(paths) as source:
        assert source.segments == tuple(paths)
        assert media_sha256(source) == MEDIA_SHA256["dfvfs/ext2.splitraw.000"][1]


def make_split(directory: Path, names: list[str], size: int = 1000) -> bytes:
    data = os.urandom(size * len(names))
    for index, name in enumerate(names):
        (directory / name).write_bytes(data[index * size : (index + 1) * size])
    return data


@pytest.mark.parametrize(
    "names",
    [
        ["x.001", "x.002", "x.003"],
        ["x.000", "x.001", "x.002"],
        ["x_0001", "x_0002"],
        ["x.aa", "x.ab", "x.ac"],
        ["xaa", "xab"],
        ["img.raw.1", "img.raw.2"],
    ],
)
def test_split_raw_segments_follow_tsk_naming(tmp_path: Path, names: list[str]) -> None:
    data = make_split(tmp_path, names)
    (tmp_path / "unrelated.002.txt").write_bytes(b"not a segment")
    with open_image(tmp_path / names[0]) as source:
        assert [p.name for p in source.segments] == names
        assert source.read_at(0, len(data) + 10) == data


def test_alphabetic_counter_carries_past_z(tmp_path: Path) -> None:
    names = [f"x.a{chr(c)}" for c in range(ord("a"), ord("z") + 1)] + ["x.ba"]
    data = make_split(tmp_path, names, size=10)
    with open_image(tmp_path / "x.aa") as source:
        assert source.segments[-1].name == "x.ba"
        assert source.read_at(0, len(data)) == data


@pytest.mark.parametrize(("present", "missing"), [(["x.001", "x.003"], "x.002"), (["y.aa", "y.ac"], "y.ab")])
def test_split_raw_missing_middle_segment_is_an_error(tmp_path: Path, present: list[str], missing: str) -> None:
    make_split(tmp_path, present)
    with pytest.raises(ImageError, match=re.escape(missing)):
        open_image(tmp_path / present[0])


def test_explicit_segments_with_a_hole_are_an_error(tmp_path: Path) -> None:
    make_split(tmp_path, ["x.001", "x.002", "x.003"])
    with pytest.raises(ImageError, match=r"x\.002"):
        open_image([tmp_path / "x.001", tmp_path / "x.003"])


@pytest.mark.parametrize("kind", ["missing", "directory", "empty"])
def test_unusable_paths_are_errors_naming_the_file(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "evidence.dd"
    if kind == "directory":
        path.mkdir()
    elif kind == "empty":
        path.write_bytes(b"")
    with pytest.raises(ImageError, match=r"evidence\.dd"):
        open_image(path)


def test_ewf_last_segment_missing_is_an_error(tmp_path: Path) -> None:
    shutil.copy(IMAGES / "e01-rs/mimage.E01", tmp_path / "m.E01")
    with pytest.raises(ImageError, match=r"m\.E01.*segment 2 is missing"):
        open_image(tmp_path / "m.E01")


@pytest.fixture(scope="module")
@runs_tools
def three_segment_e01(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("e01")
    source = directory / "media.raw"
    source.write_bytes(os.urandom(3 * 1024 * 1024))
    subprocess.run(
        [tool("ewfacquire"), "-u", "-q", "-t", str(directory / "three"), "-S", "1048576", "-c", "none", str(source)],
        check=True,
        capture_output=True,
    )
    assert (directory / "three.E03").exists()
    return directory


def test_ewf_missing_middle_segment_is_an_error(three_segment_e01: Path, tmp_path: Path) -> None:
    for name in ("three.E01", "three.E03"):
        shutil.copy(three_segment_e01 / name, tmp_path / name)
    with pytest.raises(ImageError, match=r"three\.E01.*segment 2 is missing"):
        open_image(tmp_path / "three.E01")
    with pytest.raises(ImageError, match=r"three\.E0"):
        open_image([tmp_path / "three.E01", tmp_path / "three.E03"])


def test_ewf_three_segments_read_the_acquired_media(three_segment_e01: Path) -> None:
    media = (three_segment_e01 / "media.raw").read_bytes()
    with open_image(three_segment_e01 / "three.E01") as source:
        assert len(source.segments) >= 3
        assert source.read_at(0, source.size) == media[: source.size]


def test_corrupt_chunk_is_an_error_naming_file_and_offset() -> None:
    path = IMAGES / "e01-rs/bad_chunk.E01"
    # libewf itself returns zeros for this chunk; scelle must not.
    with open_image(path) as source, pytest.raises(ImageError, match=r"bad_chunk\.E01: corrupt chunk 0 .*offset"):
        source.read_at(0, 4096)


def test_chunk_flipped_in_a_copy_is_detected(tmp_path: Path) -> None:
    copy = tmp_path / "flip.E01"
    shutil.copy(IMAGES / "e01-rs/image.E01", copy)
    data = bytearray(copy.read_bytes())
    data[1846 + 40000] ^= 0x01  # inside the stored bytes of chunk 1 (stored uncompressed, after the first chunk)
    copy.write_bytes(bytes(data))
    with open_image(copy) as source, pytest.raises(ImageError, match=r"flip\.E01: corrupt chunk 1 "):
        source.read_at(40000, 100)


@pytest.mark.parametrize("keep", [100, 5000, 600000, 1325000])
def test_truncated_e01_is_an_error(tmp_path: Path, keep: int) -> None:
    copy = tmp_path / "cut.E01"
    copy.write_bytes((IMAGES / "e01-rs/image.E01").read_bytes()[:keep])
    with pytest.raises(ImageError, match=r"cut\.E01"):
        open_image(copy)


def test_originals_are_not_modified() -> None:
    before = fixture_digests()
    for name in MEDIA_SHA256:
        with open_image(IMAGES / name) as source:
            source.read_at(0, 1 << 16)
    assert fixture_digests() == before
