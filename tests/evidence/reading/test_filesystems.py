"""File-system walks: odd names kept, loops and deep trees survived, lookups by path and inode, streamed reads."""

from __future__ import annotations

import hashlib
import re
import subprocess
import threading
from pathlib import Path

import pytest

from evidence import open_filesystem, open_image
from evidence.common.errors import EntryNotFoundError, EvidenceError, UsageError
from evidence.hashing.files import digest_chunks
from evidence.reading.entries import Timestamp, escape_name
from tests.evidence.conftest import ODD_NAMES
from tests.evidence.support.craft import debugfs, ext_image
from tests.evidence.support.images import IMAGES
from tests.support.tools import tool


def test_no_name_is_dropped_and_raw_bytes_are_kept(odd_image: Path) -> None:
    with open_image(odd_image) as source:
        fs = open_filesystem(source)
        entries = {entry.path_bytes: entry for entry in fs.walk()}
        for name in ODD_NAMES:
            entry = entries[name]
            assert fs.read(entry) == b"content of " + name
        assert entries[b"\xff\xfe.bin"].path == "\\xff\\xfe.bin"
        assert entries["ملف.txt".encode()].path == "ملف.txt"
        assert entries[b"a\x01b.txt"].path == "a\x01b.txt"
        assert entries[b"dir\xe9/inner.txt"].path == "dir\\xe9/inner.txt"
        link = entries[b"link"]
        assert (link.type, link.link_target) == ("symlink", "/etc/passwd")


def test_escaped_paths_can_be_looked_up(odd_image: Path) -> None:
    with open_image(odd_image) as source:
        fs = open_filesystem(source)
        assert fs.read("dir\\xe9/inner.txt") == b"inner"
        assert fs.read("\\xff\\xfe.bin") == b"content of \xff\xfe.bin"


def test_escape_name_rule() -> None:
    assert escape_name(b"plain") == "plain"
    assert escape_name(b"caf\xc3\xa9") == "café"
    assert escape_name(b"caf\xe9") == "caf\\xe9"
    assert escape_name(b"\xc3") == "\\xc3"  # a truncated sequence


def test_odd_names_match_live_fls_bytes(odd_image: Path) -> None:
    listing = subprocess.run([tool("fls"), "-r", "-p", str(odd_image)], capture_output=True, check=True).stdout
    fls_paths = {line.split(b"\t", 1)[1] for line in listing.splitlines()}
    with open_image(odd_image) as source:
        ours = {entry.path_bytes.replace(b"\x01", b"^") for entry in open_filesystem(source).walk()}
    assert ours == fls_paths


@pytest.mark.external
def test_directory_loop_is_listed_once_and_not_followed(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    (tree / "a" / "b").mkdir(parents=True)
    (tree / "a" / "b" / "f.txt").write_bytes(b"f")
    image = ext_image(tmp_path / "loop.img", tree, "2M", "ext2")
    debugfs(image, "link /a /a/b/up")  # a directory entry pointing back to an ancestor
    with open_image(image) as source:
        paths = [entry.path for entry in open_filesystem(source).walk()]
    assert paths == ["lost+found", "a", "a/b", "a/b/f.txt", "a/b/up", "$OrphanFiles"]


@pytest.mark.external
def test_tree_deeper_than_the_recursion_limit_is_walked(tmp_path: Path) -> None:
    depth = 1100  # deeper than Python's default recursion limit and TSK's own MAX_DEPTH (128)
    (tmp_path / "tree").mkdir()
    (tmp_path / "leaf.txt").write_bytes(b"deep")
    image = ext_image(tmp_path / "deep.img", tmp_path / "tree", "8M", "ext2")
    commands = tmp_path / "commands"
    commands.write_text("mkdir d\ncd d\n" * depth + f"write {tmp_path / 'leaf.txt'} leaf.txt\n")
    debugfs(image, "", "-f", str(commands))  # mke2fs -d cannot: the host path would exceed PATH_MAX
    with open_image(image) as source:
        fs = open_filesystem(source)
        deepest = [entry for entry in fs.walk() if entry.path.endswith("leaf.txt")]
        assert len(deepest) == 1
        assert deepest[0].path == "d/" * depth + "leaf.txt"
        assert fs.read(deepest[0]) == b"deep"


def test_ntfs_stream_by_path_and_by_inode() -> None:
    with open_image(IMAGES / "dftt/8-jpeg-search/8-jpeg-search.dd") as source:
        fs = open_filesystem(source)
        stream = fs.find("misc/file13.dll:here")
        assert stream.attr_type == 128 and stream.inode.startswith(f"{stream.meta_addr}-128-")
        assert fs.read(stream) == fs.read(fs.entry_for_inode(stream.inode))
        assert fs.read(stream)[:3] == b"\xff\xd8\xff"  # DFTT #8: the stream hides a JPEG


def test_orphan_and_deleted_entries_are_found() -> None:
    with open_image(IMAGES / "pytsk/image.raw") as source:
        fs = open_filesystem(source)
        orphan = fs.find("$OrphanFiles/OrphanFile-13")
        assert (orphan.allocated, orphan.inode, orphan.type) == (False, "13", "file")
        deleted = fs.find("passwords.txt~")
        assert (deleted.allocated, deleted.meta_type) == (False, "-")


def test_lookup_errors() -> None:
    with open_image(IMAGES / "pytsk/image.raw") as source:
        fs = open_filesystem(source)
        with pytest.raises(EntryNotFoundError, match="no entry 'nope/x'"):
            fs.find("nope/x")
        with pytest.raises(EntryNotFoundError, match="no inode 999"):
            fs.entry_for_inode("999")
        with pytest.raises(UsageError, match="invalid inode"):
            fs.entry_for_inode("12abc")


def test_content_streams_in_bounded_chunks() -> None:
    with open_image(IMAGES / "dftt/7-undel-ntfs/7-ntfs-undel.dd") as source:
        fs = open_filesystem(source)
        log = fs.find("$LogFile")
        sizes = [len(chunk) for chunk in fs.iter_content(log, chunk_size=65536)]
    assert sum(sizes) == log.size == 2097152
    assert max(sizes) <= 65536 and len(sizes) == 32


def test_times_are_utc_rfc3339_with_nanoseconds_when_given() -> None:
    assert Timestamp(1078084817, 0).rfc3339() == "2004-02-29T20:00:17Z"  # DFTT #7 leap day
    assert Timestamp(0, 500000000).rfc3339() == "1970-01-01T00:00:00.5Z"
    with open_image(IMAGES / "dftt/7-undel-ntfs/7-ntfs-undel.dd") as source:
        frag1 = open_filesystem(source).find("frag1.dat")
    assert frag1.crtime is not None and frag1.crtime.rfc3339().startswith("2004-02-29T")
    assert frag1.to_json()["crtime"] == frag1.crtime.rfc3339()


def test_parallel_reads_match_serial_reads() -> None:
    with open_image(IMAGES / "sleuthkit/imageformat_mmls_1.E01") as source:
        fs = open_filesystem(source, 2)
        files = [entry for entry in fs.walk() if entry.has_content]
        expected = {entry.inode: fs.digest(entry) for entry in files}
        mismatches: list[str] = []

        def worker() -> None:
            for entry in files:
                if fs.digest(entry) != expected[entry.inode]:
                    mismatches.append(entry.inode)

        threads = [threading.Thread(target=worker) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert mismatches == []


def dftt7_table() -> list[tuple[str, str, str]]:
    """(MFT entry, path as fls prints it, md5) of the deleted files documented in DFTT #7's index.html."""
    text = (IMAGES / "dftt/7-undel-ntfs/index.html").read_text(encoding="latin-1")
    rows = re.findall(
        r"<td>\d+</td><td>([\d-]+)</td><td><tt>\\([^<]+)</tt></td><td>\d+</td><td><tt>([0-9a-f]{32})", text
    )
    # sing2.dat's parent directory was reallocated, so TSK shows it under $OrphanFiles
    return [
        (entry, "$OrphanFiles/sing2.dat" if "dir3" in path else path.replace("\\", "/"), md5)
        for entry, path, md5 in rows
    ]


def test_deleted_ntfs_files_are_recovered_as_documented_by_dftt() -> None:
    rows = dftt7_table()
    assert len(rows) == 9
    with open_image(IMAGES / "dftt/7-undel-ntfs/7-ntfs-undel.dd") as source:
        fs = open_filesystem(source)
        for entry, path, md5 in rows:
            found = fs.find(path)
            assert not found.allocated
            assert found.inode.split("-")[0] == entry.split("-")[0]
            assert hashlib.md5(fs.read(found)).hexdigest() == md5, path  # noqa: S324 - DFTT documents MD5


@pytest.mark.parametrize(
    "name",
    [
        "dftt/7-undel-ntfs/7-ntfs-undel.dd",  # deleted files, streams
        "dftt/6-undel-fat/6-fat-undel.dd",  # deleted FAT entries
        "dfvfs/ext2.splitraw.000",
        "dfvfs/hfsplus.raw",
    ],
)
def test_the_readers_a_walk_keeps_read_what_reopening_the_inode_reads(name: str) -> None:
    with open_image(IMAGES / name) as source:
        fs = open_filesystem(source)
        paired = list(fs.walk_with_readers())
        assert [entry for entry, _reader in paired] == list(fs.walk())
        compared = 0
        for entry, reader in paired:
            assert (reader is not None) == (entry.meta_type_raw == "r" and entry.type == "file"), entry
            if reader is None or not entry.has_content:
                continue
            try:
                expected: object = fs.digest(entry)  # opens the inode again, as `image cat --inode` does
            except EvidenceError as exc:
                expected = str(exc)
            try:
                got: object = digest_chunks(fs.iter_content(entry, reader=reader))
            except EvidenceError as exc:
                got = str(exc)
            assert got == expected, entry
            compared += 1
        assert compared >= 3
