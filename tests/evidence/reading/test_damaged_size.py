"""Issue 18 (fuzz case ``fs:1341``): one flipped bit in an ext4 inode's ``i_size_high`` made ``gros.bin`` (70,000
bytes) claim 36,028,797,018,963,968 + 70,000 bytes; ``image ls --hash`` then hashed 32 PiB of holes: a hang.

A file larger than the whole media is not read for digests or extraction (a damaged size, or a sparse file): the
listing names it and exits 4, every other file is hashed as before; ``image cat`` still streams it, as ``icat`` does.
"""

from __future__ import annotations

import json
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from evidence import open_filesystem, open_image
from evidence.common.errors import ImageError
from evidence.common.messages import message
from evidence.reading.listing import read_entry
from tests.evidence.support.images import ROOT

EXT4 = ROOT / "fixtures/generated/ext4.raw"
#: byte 2 of i_size_high of inode 21 (inode table at block 42 of 1 KiB, 256-byte inodes; the field at offset 108)
SIZE_HIGH_BYTE = 42 * 1024 + 20 * 256 + 108 + 2
HUGE = (0x80 << 48) + 70_000


@contextmanager
def _deadline(seconds: int) -> Iterator[None]:
    def expired(_signum: int, _frame: object) -> None:
        raise TimeoutError(f"no answer within {seconds} s: a hang")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture
def damaged(tmp_path: Path) -> Path:
    data = bytearray(EXT4.read_bytes())
    assert data[SIZE_HIGH_BYTE] == 0
    data[SIZE_HIGH_BYTE] = 0x80
    path = tmp_path / "ext4.raw"
    path.write_bytes(bytes(data))
    return path


def _listing(image: Path) -> tuple[int, dict[str, dict[str, object]], str]:
    with _deadline(30):
        result = CliRunner().invoke(cli, ["image", "ls", "--json", "--hash", str(image)])
    return result.exit_code, {r["path"]: r for r in map(json.loads, result.stdout.splitlines())}, result.stderr


def test_listing_names_the_file_and_hashes_the_others(damaged: Path) -> None:
    code, records, stderr = _listing(damaged)
    _original_code, original, _ = _listing(EXT4)
    assert code == 4
    assert records["gros.bin"]["size"] == HUGE and records["gros.bin"].get("sha256") is None
    assert f"gros.bin (21): content not hashed: its size, {HUGE} bytes, is larger than its file system" in stderr
    assert {p: r for p, r in records.items() if p != "gros.bin"} == {
        p: r for p, r in original.items() if p != "gros.bin"
    }


def test_extraction_leaves_it_out_in_either_language(damaged: Path, tmp_path: Path) -> None:
    # an allocated file whose content cannot be read is left out of an extraction, with the reason in the manifest,
    # and the extraction ends partial (exit 4), as for a file cut short by the end of the image; the refusal was
    # once a KeyError: the catalogue error was rebuilt from its text
    for lang, words in (
        ("en", "and the whole media (1048576 bytes)"),
        ("fr", "dépasse celle de son système de fichiers"),
    ):
        out = tmp_path / lang
        with _deadline(30):
            result = CliRunner().invoke(cli, ["image", "extract", str(damaged), "--out", str(out)],
                                        env={"SCELLE_LANG": lang})  # fmt: skip
        assert result.exit_code == 4, result.output
        last = result.stderr.splitlines()[-1]  # after the progress lines: the partial extraction, in the language
        assert last.startswith("scelle: erreur : extraction partielle" if lang == "fr" else "scelle: error: partial")
        assert "scelle-manifest.json" in result.stderr and "gros.bin" in result.stderr
        manifest = json.loads((out / "scelle-manifest.json").read_text())
        assert manifest["status"] == "partial"
        files = {record["path"]: record for record in manifest["files"]}
        assert files["gros.bin"]["unreadable"] is True and "written" not in files["gros.bin"]
        assert words in files["gros.bin"]["error"] or lang == "fr"
        assert not (out / "gros.bin").exists()
        others = [record for path, record in files.items() if path != "gros.bin" and record["type"] == "file"]
        assert others and all("sha256" in record and (out / record["written"]).is_file() for record in others)
        assert sum(f.stat().st_size for f in out.rglob("*") if f.is_file()) < 1 << 20


def test_library_digest_refuses_and_cat_still_streams(damaged: Path) -> None:
    with open_image(damaged) as source:
        fs = open_filesystem(source)
        with pytest.raises(ImageError, match="larger than its file system"):
            fs.digest("gros.bin")
        first = next(read_entry(source, path="gros.bin"))
    with open_image(EXT4) as source:
        original = open_filesystem(source).read("gros.bin")
    assert len(first) == 1 << 20 and first[:70_000] == original and not any(first[70_000:])


def test_the_message_is_in_both_languages() -> None:
    french = message("content.larger_than_media", "fr", size=HUGE, fs=1 << 20, media=1 << 20)
    assert french.startswith(f"sa taille, {HUGE} octets, dépasse celle de son système de fichiers (1048576 octets)")


def test_an_impossible_inode_count_stops_the_orphan_search(tmp_path: Path) -> None:
    # fuzz case fs:666: dftt's FAT image cut at 22,115 bytes; TSK's root directory is unreadable and its last inode
    # is 2**64 - 202, so the search for orphans (one inode after the other) ran for ever
    image = tmp_path / "fat.dd"
    image.write_bytes((ROOT / "fixtures/images/dftt/6-undel-fat/6-fat-undel.dd").read_bytes()[:22_115])
    with _deadline(30):
        result = CliRunner().invoke(cli, ["image", "ls", str(image)])
    assert result.exit_code == 4, result.output
    assert "$OrphanFiles: orphan search not done: inodes 2-18446744073709551414 cannot fit" in result.stderr


def test_a_negative_size_is_refused_not_read_as_empty(tmp_path: Path) -> None:
    # fuzz case fs:2862: the top byte of i_size_high of a/b/c/profond.txt (inode 29) set: TSK's signed size is
    # negative, and the file was hashed as empty with exit 0
    data = bytearray(EXT4.read_bytes())
    data[42 * 1024 + 28 * 256 + 108 + 3] = 0xFF
    image = tmp_path / "ext4.raw"
    image.write_bytes(bytes(data))
    code, records, stderr = _listing(image)
    assert code == 4
    assert records["a/b/c/profond.txt"]["size"] < 0 and records["a/b/c/profond.txt"].get("sha256") is None
    assert "is negative (a damaged size)" in stderr
