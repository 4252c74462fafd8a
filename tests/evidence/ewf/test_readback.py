"""Our E01 files read back through scelle's own reading stack: ``open_image`` and the TSK file-system layer."""

from __future__ import annotations

from pathlib import Path

import pytest

from evidence.reading.filesystems import open_filesystem_at
from evidence.sources import open_image
from tests.evidence.support.e01_util import metadata, mixed_media, padded, write_e01

MIB = 1024 * 1024
IMAGES = Path(__file__).resolve().parents[3] / "fixtures/images"


def test_open_image_returns_the_source_bytes_and_metadata(tmp_path: Path) -> None:
    data = mixed_media(3 * MIB + 1000)
    meta = metadata(case_number="MA-2026-17", examiner="Youssef El Amrani", notes="saisie à Rabat")
    sink, files = write_e01(tmp_path / "set.E01", data, meta=meta, compression="fast", segment_size=MIB)
    with open_image(files[0].path) as image:
        assert image.format == "ewf"
        assert list(image.segments) == [f.path for f in files]
        assert image.size == len(padded(data))
        assert image.read_at(0, image.size) == padded(data)
        assert image.read_at(1234567, 1000) == data[1234567:1235567]
        assert image.metadata.stored_hashes == sink.stored_digests
        assert image.metadata.case_number == "MA-2026-17"
        assert image.metadata.examiner == "Youssef El Amrani"
        assert image.metadata.notes == "saisie à Rabat"
        assert image.metadata.chunk_size == 32768


@pytest.mark.parametrize(
    "raw",
    ["pytsk/image.raw", "dftt/6-undel-fat/6-fat-undel.dd", "dftt/7-undel-ntfs/7-ntfs-undel.dd"],
)
def test_file_systems_list_and_read_the_same_from_raw_and_e01(tmp_path: Path, raw: str) -> None:
    source = IMAGES / raw
    _, files = write_e01(tmp_path / "fs.E01", source.read_bytes(), compression="fast")
    with open_image(source) as plain, open_image(files[0].path) as ewf:
        expected_fs, actual_fs = open_filesystem_at(plain), open_filesystem_at(ewf)
        expected, actual = list(expected_fs.walk()), list(actual_fs.walk())
        assert actual == expected
        assert len(expected) > 5
        for entry in expected:
            if entry.has_content and entry.allocated:
                assert actual_fs.read(entry) == expected_fs.read(entry), entry.path
