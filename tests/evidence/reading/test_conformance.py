"""scelle against The Sleuth Kit: every entry, digest, timeline line and partition TSK printed for the fixtures.

The expected values come from fixtures/images/_tsk_reference/ (TSK 4.11.1 ``fls``, ``icat``, ``mmls``), parsed by
tests/evidence/support/tsk_reference.py. Where TSK's *printing* differs from scelle's data for a documented reason, the
test normalises exactly that and says why:

* ``fls`` prints control characters in names as ``^`` (``tsk_print_sanitized``): scelle's paths keep the real
  characters, so they are sanitised the same way before comparing;
* names that are not UTF-8: ``fls`` prints the raw bytes, scelle escapes them as ``\\xNN``
  (see evidence/reading/entries.py), so the raw bytes of the reference are escaped by ``escape_reference``
  (in tests/evidence/support/tsk_reference.py, written from the documented rule);
* TSK 4.11's ``nt2unixtime`` turns an NTFS FILETIME of 0 into 3373865674 (unsigned wrap-around); TSK 4.12+ (and
  scelle) report no time, so that value in ``($FILE_NAME)`` bodyfile lines is compared as 0.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from evidence import list_volumes, open_filesystem, open_image
from evidence.reading.entries import Entry
from tests.evidence.support.tsk_reference import (
    TYPE_WORDS,
    ReferenceFs,
    escape_reference,
    fls_sanitize,
    parse_bodyfile,
    parse_fls,
    parse_fls_text,
    parse_icat_hashes,
    parse_mmls,
    partition_of,
    reference_filesystems,
)
from tests.support.tools import tool

REFERENCES = reference_filesystems()
TSK411_FILETIME_ZERO = 3373865674


def ref_id(ref: ReferenceFs) -> str:
    return f"{ref.folder.name}@{ref.sector}"


def expected_lines(ref: ReferenceFs) -> list[tuple[str, str, bool, str, bool, str]]:
    return [
        (line.name_type, line.meta_type, line.deleted, line.inode, line.reallocated, escape_reference(line.path))
        for line in parse_fls(ref.file("fls_rp.txt"))
    ]


def scelle_lines(entries: list[Entry]) -> list[tuple[str, str, bool, str, bool, str]]:
    return [(e.name_type, e.meta_type, not e.allocated, e.inode, e.reallocated, fls_sanitize(e.path)) for e in entries]


def walk(ref: ReferenceFs) -> list[Entry]:
    with open_image(ref.image) as source:
        return list(open_filesystem(source, partition_of(ref)).walk())


@pytest.mark.parametrize("ref", REFERENCES, ids=ref_id)
def test_library_walk_lists_what_fls_lists_in_the_same_order(ref: ReferenceFs) -> None:
    assert scelle_lines(walk(ref)) == expected_lines(ref)


def cli_ls(ref: ReferenceFs, *options: str) -> list[str]:
    partition = partition_of(ref)
    args = ["image", "ls", str(ref.image), *options]
    if partition is not None:
        args += ["--partition", str(partition)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()


@pytest.mark.parametrize("ref", REFERENCES, ids=ref_id)
def test_json_listing_matches_fls_and_icat(ref: ReferenceFs) -> None:
    records = [json.loads(line) for line in cli_ls(ref, "--json", "--hash")]
    # FAT times are local by nature: each line of a FAT file system says so (read without --fs-tz: "unknown")
    fat = "File System Type: FAT" in ref.file("fsstat.txt").read_text(encoding="utf-8")
    assert {r.pop("fs_tz", None) for r in records} == ({"unknown"} if fat else {None})
    assert all(
        set(r)
        == {
            "partition",
            "path",
            "inode",
            "allocated",
            "type",
            "size",
            "mtime",
            "atime",
            "ctime",
            "crtime",
            "sha256",
            "blake3",
        }
        for r in records
    )
    assert {r["partition"] for r in records} == {partition_of(ref)}
    got = [(fls_sanitize(r["path"]), r["inode"], not r["allocated"], r["type"]) for r in records]
    expected = [
        (path, inode, deleted, TYPE_WORDS[meta if meta != "-" else name])
        for name, meta, deleted, inode, _realloc, path in expected_lines(ref)
    ]
    assert got == expected
    by_inode = {(r["inode"], fls_sanitize(r["path"])): r for r in records}
    digests = parse_icat_hashes(ref.file("icat_hashes.tsv"))
    for row in digests:
        record = by_inode[(row.inode, escape_reference(row.path))]
        assert record["sha256"] == row.sha256, row


@pytest.mark.parametrize("ref", REFERENCES, ids=ref_id)
def test_content_read_by_inode_matches_icat(ref: ReferenceFs) -> None:
    with open_image(ref.image) as source:
        fs = open_filesystem(source, partition_of(ref))
        for row in parse_icat_hashes(ref.file("icat_hashes.tsv")):
            content = b"".join(fs.iter_content(fs.entry_for_inode(row.inode), chunk_size=4096))
            assert len(content) == row.size, row
            assert hashlib.md5(content).hexdigest() == row.md5, row  # noqa: S324 - the reference stores MD5


@pytest.mark.parametrize("ref", REFERENCES, ids=ref_id)
def test_bodyfile_matches_fls_m(ref: ReferenceFs) -> None:
    expected = []
    for line in parse_bodyfile(ref.file("bodyfile.txt")):
        fields = [line.atime, line.mtime, line.ctime, line.crtime]
        if line.name.endswith("($FILE_NAME)") or " ($FILE_NAME) " in line.name:
            fields = [0 if value == TSK411_FILETIME_ZERO else value for value in fields]
        expected.append(
            "|".join(
                [
                    line.md5,
                    escape_reference(line.name),
                    line.inode,
                    line.mode,
                    str(line.uid),
                    str(line.gid),
                    str(line.size),
                    *map(str, fields),
                ]
            )
        )
    assert cli_ls(ref, "--bodyfile") == expected


MMLS = sorted({ref.folder for ref in REFERENCES if (ref.folder / "mmls.txt").exists()})


@pytest.mark.parametrize("folder", MMLS, ids=lambda f: f.name)
def test_volumes_match_mmls(folder: Path) -> None:
    unit, rows = parse_mmls(folder / "mmls.txt")
    with open_image(REFERENCES[[r.folder for r in REFERENCES].index(folder)].image) as source:
        volumes = list_volumes(source)
    got = [
        (v.index, v.slot, v.start_sector, v.start_sector + v.sector_count - 1, v.sector_count, v.description)
        for v in volumes
    ]
    assert got == [(r.index, r.slot, r.start, r.end, r.length, r.description) for r in rows]
    assert {v.sector_size for v in volumes} == {unit}


LIVE = [ref for ref in REFERENCES if ref.image.suffix in (".dd", ".raw", ".iso")][:6]


@pytest.mark.external
@pytest.mark.parametrize("ref", LIVE, ids=ref_id)
def test_live_fls_and_icat_agree(ref: ReferenceFs) -> None:
    icat_path = tool("icat")
    fls = subprocess.run(
        [tool("fls"), "-r", "-p", "-o", str(ref.sector), str(ref.image)], capture_output=True, check=True
    ).stdout.decode("utf-8", "surrogateescape")
    entries = walk(ref)
    got = scelle_lines(entries)
    expected = [
        (line.name_type, line.meta_type, line.deleted, line.inode, line.reallocated, escape_reference(line.path))
        for line in parse_fls_text(fls)
    ]
    assert got == expected
    with open_image(ref.image) as source:
        fs = open_filesystem(source, partition_of(ref))
        for entry in [e for e in entries if e.has_content and e.allocated][:5]:
            icat = subprocess.run(
                [icat_path, "-o", str(ref.sector), str(ref.image), entry.inode], capture_output=True, check=True
            ).stdout
            assert fs.read(entry) == icat, entry.path
