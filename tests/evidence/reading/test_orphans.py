"""Issue 18, finding 5: a root directory that cannot be read still lists ``$OrphanFiles``, and the listing is partial.

Each mutant is made here from a fixture. The oracle for ext4 is ``fls`` itself on a sibling mutant whose root block
TSK can still parse (as an empty directory): there ``fls`` lists the orphans of the same file system, and scelle must
list exactly those when the root cannot be read at all (where ``fls`` stops with status 1 and prints nothing).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from evidence import open_image
from evidence.common.errors import PartialError
from evidence.reading.entries import Entry
from evidence.reading.listing import list_entries
from tests.evidence.support.images import IMAGES, ROOT
from tests.support.tools import tool

EXT4 = ROOT / "fixtures" / "generated" / "ext4.raw"
NTFS = IMAGES / "dftt" / "7-undel-ntfs" / "7-ntfs-undel.dd"
#: ext4.raw: 1 KiB blocks, inode table at block 42, 256-byte inodes; the root (inode 2) has its data in block 11
_ROOT_INODE = 42 * 1024 + 256
_ROOT_BLOCK = 11 * 1024
#: 7-ntfs-undel.dd: the MFT starts at cluster 2005 (1 KiB clusters, 1 KiB entries); entry 5 is the root
_NTFS_ROOT_ENTRY = 2005 * 1024 + 5 * 1024


def _mutant(tmp_path: Path, source: Path, name: str, offset: int, data: bytes, expect: bytes) -> Path:
    image = bytearray(source.read_bytes())
    assert image[offset : offset + len(expect)] == expect, "the fixture is not laid out as this test expects"
    image[offset : offset + len(data)] = data
    path = tmp_path / name
    path.write_bytes(bytes(image))
    return path


def _fls_line(entry: Entry) -> str:
    deleted = "" if entry.allocated else "* "
    return f"{entry.name_type}/{entry.meta_type} {deleted}{entry.inode}:\t{entry.path}"


def _lines(image: Path) -> tuple[list[str], list[str], PartialError | None]:
    warnings: list[str] = []
    with open_image(image) as source:
        listing = list_entries(source, warn=lambda notice: warnings.append(str(notice)))
        lines = [_fls_line(item.entry) for item in listing]
        try:
            listing.check_complete()
        except PartialError as exc:
            return lines, warnings, exc
    return lines, warnings, None


def _fls(image: Path) -> tuple[int, list[str]]:
    done = subprocess.run([tool("fls"), "-r", "-p", str(image)], capture_output=True, check=False)
    return done.returncode, done.stdout.decode().splitlines()


@pytest.mark.external
def test_unreadable_ext4_root_lists_the_orphans_fls_finds(tmp_path: Path) -> None:
    extent_magic = b"\x0a\xf3"
    readable = _mutant(tmp_path, EXT4, "empty_root.raw", _ROOT_BLOCK, b"\xff" * 1024, b"\x02\x00\x00\x00")
    unreadable = _mutant(tmp_path, EXT4, "no_root.raw", _ROOT_INODE + 0x28, b"\0\0", extent_magic)
    status, expected = _fls(readable)
    assert status == 0 and expected[0] == "V/V 65:\t$OrphanFiles" and len(expected) == 6
    assert _fls(unreadable) == (1, [])  # fls 4.11 gives up at the root

    lines, warnings, partial = _lines(unreadable)
    assert lines == expected
    assert len(warnings) == 1 and "cannot read directory 2" in warnings[0]
    assert partial is not None and "partial listing: 1 problem" in str(partial)


@pytest.mark.external
def test_unreadable_ntfs_root_lists_its_deleted_entries_under_orphan_files(tmp_path: Path) -> None:
    unreadable = _mutant(tmp_path, NTFS, "no_root.dd", _NTFS_ROOT_ENTRY, bytes(1024), b"FILE")
    assert _fls(unreadable)[0] == 1
    status, original = _fls(NTFS)
    assert status == 0
    # every deleted name of the intact image (fls marks them *) is an orphan once the root is gone: same inode,
    # same name, the same tree below a deleted directory
    deleted = [
        line.replace("\t", "\t$OrphanFiles/").replace("$OrphanFiles/$OrphanFiles/", "$OrphanFiles/")
        for line in original
        if line.startswith("-/")
    ]
    lines, warnings, partial = _lines(unreadable)
    assert lines[0] == "V/V 39:\t$OrphanFiles"
    assert sorted(lines[1:]) == sorted(deleted) and len(deleted) == 11
    assert len(warnings) == 1 and "cannot read directory 5" in warnings[0]
    assert partial is not None


def test_cli_exits_4_with_the_orphans_printed(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from cli.main import cli

    unreadable = _mutant(tmp_path, EXT4, "no_root.raw", _ROOT_INODE + 0x28, b"\0\0", b"\x0a\xf3")
    result = CliRunner().invoke(cli, ["image", "ls", str(unreadable)])
    assert result.exit_code == 4
    assert "$OrphanFiles/OrphanFile-32/dedans.txt" in result.stdout
    assert "scelle: error: partial listing: 1 problem" in result.stderr


def test_extraction_of_an_unreadable_root_writes_the_orphans_and_a_partial_manifest(tmp_path: Path) -> None:
    import json

    from click.testing import CliRunner

    from cli.main import cli

    unreadable = _mutant(tmp_path, EXT4, "no_root.raw", _ROOT_INODE + 0x28, b"\0\0", b"\x0a\xf3")
    result = CliRunner().invoke(cli, ["image", "extract", str(unreadable), "--out", str(tmp_path / "out")])
    assert result.exit_code == 4 and "partial extraction" in result.stderr
    manifest = json.loads((tmp_path / "out" / "scelle-manifest.json").read_bytes())
    assert manifest["status"] == "partial" and "cannot read directory 2" in manifest["problems"][0]
    assert "$OrphanFiles/OrphanFile-32/dedans.txt" in {record["path"] for record in manifest["files"]}
