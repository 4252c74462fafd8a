"""Our E01 files checked by the tools courts and labs use: ewfverify, ewfinfo, ewfacquire itself, and TSK.

The tests that run a Debian tool (``ewf-tools``, ``sleuthkit``) are marked ``external`` and skipped, saying so,
without it.
"""

from __future__ import annotations

import itertools
import os
import struct
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from evidence.ewf.format import COMPRESSED_FLAG
from evidence.ewf.sections import EwfMetadata
from tests.evidence.support.e01_util import metadata, mixed_media, pyewf, write_e01
from tests.evidence.support.ewf_layout import header2_values, sections, table_entries
from tests.support.tools import tool

MIB = 1024 * 1024
ROOT = Path(__file__).resolve().parents[3]
EXT2_IMAGE = ROOT / "fixtures/images/pytsk/image.raw"
EXT2_FLS = ROOT / "fixtures/images/_tsk_reference/pytsk__image.raw/fs_at_0.fls_rp.txt"


def _run(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, check=False, timeout=120, env=env)


@pytest.mark.external
@pytest.mark.parametrize(
    ("compression", "segment_size"), [("none", MIB), ("fast", MIB), ("best", MIB), ("fast", 1500 * MIB)]
)
def test_ewfverify_accepts_our_images(tmp_path: Path, compression: str, segment_size: int) -> None:
    ewfverify = tool("ewfverify")
    data = mixed_media(3 * MIB + 777)
    _, files = write_e01(
        tmp_path / "v.E01", data, compression=compression, segment_size=segment_size, unreadable=[(MIB, 4096)]
    )
    result = _run(ewfverify, "-q", "-d", "sha1", files[0].path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ewfverify: SUCCESS" in result.stdout
    assert result.stdout.count("hash stored in file") == 2  # MD5 and SHA-1 both stored and compared


@pytest.mark.external
def test_ewfinfo_shows_metadata_and_acquisition_errors(tmp_path: Path) -> None:
    ewfinfo = tool("ewfinfo")
    meta = metadata(
        case_number="TN-2026/114",
        evidence_number="HD-01",
        examiner="Zoé Benaïssa",
        description="disque saisi",
        notes="scellé n° 7\tعربي\nfin",
    )
    _, files = write_e01(
        tmp_path / "i.E01", mixed_media(2 * MIB), meta=meta, compression="best", unreadable=[(1024, 1024), (MIB, 1)]
    )
    result = _run(ewfinfo, files[0].path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for line in (
        "Case number:\t\tTN-2026/114",
        "Examiner name:\t\tZoé Benaïssa",
        "Evidence number:\tHD-01",
        "Notes:\t\t\tscellé n° 7 عربي fin",
        "File format:\t\tEnCase 6",
        "Compression level:\tbest",
        "Number of sectors:\t4096",
        "total number: 2",
        "at sector(s): 2 - 3 number: 2",
        "at sector(s): 2048 - 2048 number: 1",
    ):
        assert line in out, f"{line!r} not in ewfinfo output:\n{out}"


@pytest.mark.external
@pytest.mark.parametrize("compression", ["none", "best"])
def test_same_bytes_as_ewfacquire(tmp_path: Path, compression: str) -> None:
    """With the same inputs, settings and times, our single segment equals ewfacquire's, byte for byte.

    (``fast`` differs only because we deflate with ISA-L instead of zlib level 1.)
    """
    ewfacquire = tool("ewfacquire")
    source = tmp_path / "source.raw"
    source.write_bytes(mixed_media(3 * MIB))
    args = ["-C", "CASE-1", "-D", "a description", "-e", "Examiner X", "-E", "EV-9", "-N", "some notes"]
    result = _run(
        ewfacquire,
        "-q",
        "-u",
        "-t",
        tmp_path / "ref",
        "-c",
        compression,
        "-f",
        "encase6",
        "-S",
        "1GiB",
        "-m",
        "fixed",
        "-M",
        "physical",
        "-d",
        "sha1",
        *args,
        source,
        env={**os.environ, "TZ": "UTC"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    reference = tmp_path / "ref.E01"
    when = int(header2_values(sections(reference)[1][0].payload)["m"])
    meta = EwfMetadata(
        acquired_at=datetime.fromtimestamp(when, UTC),
        case_number="CASE-1",
        evidence_number="EV-9",
        description="a description",
        examiner="Examiner X",
        notes="some notes",
        software_version="20140813",
        operating_system="Linux",
    )
    _, files = write_e01(tmp_path / "ours.E01", source.read_bytes(), meta=meta, compression=compression)
    assert files[0].path.read_bytes() == reference.read_bytes()


def _chunk_offset(path: Path, want_compressed: bool) -> int:
    """Absolute offset of the middle byte of the first chunk stored compressed (or not)."""
    _, parts = sections(path)
    for part in parts:
        if part.kind == "table":
            base, entries = table_entries(part.payload)
            for entry, following in itertools.pairwise(entries):
                if bool(entry & COMPRESSED_FLAG) == want_compressed:
                    start, end = entry & ~COMPRESSED_FLAG, following & ~COMPRESSED_FLAG
                    return base + (start + end) // 2
    raise AssertionError("no such chunk")


@pytest.mark.external
@pytest.mark.parametrize("compressed", [False, True])
def test_ewfverify_detects_a_corrupted_chunk(tmp_path: Path, compressed: bool) -> None:
    ewfverify = tool("ewfverify")
    _, files = write_e01(tmp_path / "c.E01", mixed_media(2 * MIB), compression="fast")
    path = files[0].path
    assert _run(ewfverify, "-q", path).returncode == 0
    offset = _chunk_offset(path, compressed)
    with path.open("r+b") as handle:
        handle.seek(offset)
        byte = handle.read(1)
        handle.seek(offset)
        handle.write(bytes([byte[0] ^ 0x5A]))
    result = _run(ewfverify, "-q", path)
    assert result.returncode != 0
    assert "FAILURE" in result.stdout + result.stderr


def _fls(path: Path) -> list[str]:
    fls = tool("fls")
    result = _run(fls, "-r", "-p", path)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


@pytest.mark.external
def test_tsk_lists_the_same_entries_from_the_e01_as_from_the_raw_image(tmp_path: Path) -> None:
    raw = EXT2_IMAGE.read_bytes()
    _, files = write_e01(tmp_path / "ext2.E01", raw, compression="best")
    expected = EXT2_FLS.read_text(encoding="utf-8").splitlines()
    assert _fls(EXT2_IMAGE) == expected
    assert _fls(files[0].path) == expected


def test_pytsk3_over_pyewf_walks_the_same_tree(tmp_path: Path) -> None:
    pytsk3 = pytest.importorskip("pytsk3", reason="pytsk3 is not installed")
    raw = EXT2_IMAGE.read_bytes()
    _, files = write_e01(tmp_path / "ext2.E01", raw, compression="fast", chunk_sectors=16)
    handle = pyewf.handle()
    handle.open(pyewf.glob(str(files[0].path)))

    class EwfImg(pytsk3.Img_Info):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__(url="", type=pytsk3.TSK_IMG_TYPE_EXTERNAL)

        def read(self, offset: int, size: int) -> bytes:
            handle.seek(offset)
            return bytes(handle.read(size))

        def get_size(self) -> int:
            return int(handle.get_media_size())

    def walk(img: object) -> list[tuple[str, int, int, bytes]]:
        fs = pytsk3.FS_Info(img)
        found: list[tuple[str, int, int, bytes]] = []

        def visit(directory: object, prefix: str) -> None:
            for entry in directory:  # type: ignore[attr-defined]
                name = entry.info.name.name.decode("utf-8", "replace")
                if name in (".", ".."):
                    continue
                meta = entry.info.meta
                size = meta.size if meta else -1
                content = entry.read_random(0, size) if meta and meta.type == pytsk3.TSK_FS_META_TYPE_REG else b""
                found.append((prefix + name, entry.info.name.meta_addr, size, content))
                if meta and meta.type == pytsk3.TSK_FS_META_TYPE_DIR:
                    visit(entry.as_directory(), prefix + name + "/")

        visit(fs.open_dir(path="/"), "")
        return found

    listing = walk(EwfImg())
    assert listing == walk(pytsk3.Img_Info(str(EXT2_IMAGE)))
    assert any(name == "a_directory/a_file" for name, *_ in listing)


def test_error2_layout_matches_ewfacquire_example(tmp_path: Path) -> None:
    _, files = write_e01(tmp_path / "e.E01", mixed_media(MIB), unreadable=[(128 * 512, 16 * 512)])
    error2 = next(s for s in sections(files[0].path)[1] if s.kind == "error2").payload
    assert struct.unpack_from("<I", error2, 0)[0] == 1
    assert struct.unpack_from("<II", error2, 520) == (128, 16)
