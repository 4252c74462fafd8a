"""FileSystem.open: a seekable read-only file over an entry, reading exactly what icat (and iter_content) gives."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evidence import FileSystem, open_filesystem, open_image
from evidence.common.errors import EvidenceError, ImageError
from tests.evidence.support.craft import ext_image
from tests.evidence.support.e01_util import write_e01
from tests.evidence.support.images import IMAGES
from tests.evidence.support.tsk_reference import ReferenceFs, parse_icat_hashes, partition_of, reference_filesystems

NTFS = IMAGES / "dftt/7-undel-ntfs/7-ntfs-undel.dd"
REFERENCES = reference_filesystems()


@pytest.mark.parametrize("ref", REFERENCES, ids=lambda ref: f"{ref.folder.name}/{ref.sector}")
def test_open_reads_what_icat_gives_in_any_order(ref: ReferenceFs) -> None:
    with open_image(ref.image) as source:
        fs = open_filesystem(source, partition_of(ref))
        for row in parse_icat_hashes(ref.file("icat_hashes.tsv")):
            with fs.open(fs.entry_for_inode(row.inode)) as handle:
                whole = handle.read()
                assert handle.tell() == len(whole) == row.size, row
                assert hashlib.sha256(whole).hexdigest() == row.sha256, row
                half = len(whole) // 2
                assert handle.seek(half) == half
                second = handle.read()
                handle.seek(0)
                assert handle.read(half) + second == whole, row


@pytest.fixture(scope="module")
def ntfs() -> Iterator[FileSystem]:
    with open_image(NTFS) as source:
        yield open_filesystem(source)


OPS = st.lists(
    st.tuples(
        st.sampled_from([io.SEEK_SET, io.SEEK_CUR, io.SEEK_END]),
        st.integers(-3 << 20, 3 << 20),
        st.integers(-1, 300_000),
    ),
    max_size=12,
)


@settings(max_examples=60, deadline=None)
@given(name=st.sampled_from(["$LogFile", "$UpCase", "$Secure:$SDS", "dir1/dir2/frag3.dat", "mult1.dat:ADS"]), ops=OPS)
def test_random_seeks_and_reads_match_the_whole_content(
    ntfs: FileSystem, name: str, ops: list[tuple[int, int, int]]
) -> None:
    content = ntfs.read(name)
    position = 0
    with ntfs.open(name) as handle:
        for whence, offset, size in ops:
            base = {io.SEEK_SET: 0, io.SEEK_CUR: position, io.SEEK_END: len(content)}[whence]
            if base + offset < 0:
                with pytest.raises((ValueError, OSError)):
                    handle.seek(offset, whence)
                assert handle.tell() == position
                continue
            position = handle.seek(offset, whence)
            assert position == base + offset
            data = handle.read(size)
            expected = content[position:] if size < 0 else content[position : position + size]
            assert data == expected
            position += len(data)
            assert handle.tell() == position


def test_the_file_is_read_only_and_closes(ntfs: FileSystem) -> None:
    handle = ntfs.open("$UpCase")
    assert handle.readable() and handle.seekable() and not handle.writable()
    with pytest.raises(io.UnsupportedOperation):
        handle.write(b"x")
    with pytest.raises(io.UnsupportedOperation):
        handle.truncate(0)
    handle.close()
    with pytest.raises(ValueError):
        handle.read(1)


def test_a_stream_without_data_reads_as_icat_does(ntfs: FileSystem) -> None:
    entry = ntfs.find("$BadClus:$Bad")  # a size, no runs: icat prints nothing, and reading gives no zeros
    with ntfs.open(entry) as handle:
        assert entry.size > 0
        assert handle.read() == b"" == ntfs.read(entry)
        handle.seek(entry.size // 2)
        assert handle.read(4096) == b""


def test_deleted_entries_read_as_iter_content_reads_them(ntfs: FileSystem) -> None:
    compared = 0
    for entry in ntfs.walk():
        if not entry.has_content or entry.allocated:
            continue
        try:
            expected: object = ntfs.read(entry)
        except EvidenceError as exc:
            expected = str(exc)
        try:
            with ntfs.open(entry) as handle:
                got: object = handle.read()
        except EvidenceError as exc:
            got = str(exc)
        assert got == expected, entry
        compared += 1
    assert compared >= 9


def test_a_corrupt_chunk_is_an_error_not_zeros(tmp_path: Path) -> None:
    name = "System Volume Information/tracking.log"
    with open_image(NTFS) as source:
        content = open_filesystem(source).read(name)
    image = tmp_path / "flip.E01"
    write_e01(image, NTFS.read_bytes(), compression="none")  # chunks stored as they are: the content can be found
    data = bytearray(image.read_bytes())
    at = data.find(content[:512])
    assert at > 0 and data.find(content[:512], at + 1) == -1
    data[at + 100] ^= 0x01
    image.write_bytes(bytes(data))
    with open_image(image) as source:
        fs = open_filesystem(source)
        with pytest.raises(ImageError, match=r"flip\.E01: corrupt chunk"):
            fs.read(name)
        with fs.open(name) as handle, pytest.raises(ImageError, match=r"flip\.E01: corrupt chunk"):
            handle.read()


@pytest.mark.external
def test_an_entry_can_be_handed_to_a_parser(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    with zipfile.ZipFile(tree / "a.zip", "w") as archive:
        archive.writestr("inner/hello.txt", "bonjour\n")
        archive.writestr("inner/zeros.bin", bytes(300_000))
    image = ext_image(tmp_path / "ext.img", tree)
    with open_image(image) as source:
        fs = open_filesystem(source)
        with fs.open("a.zip") as handle, zipfile.ZipFile(handle) as archive:
            assert archive.namelist() == ["inner/hello.txt", "inner/zeros.bin"]
            assert archive.read("inner/hello.txt") == b"bonjour\n"
            assert archive.read("inner/zeros.bin") == bytes(300_000)
