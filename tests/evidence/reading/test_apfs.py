"""Issue 14 item 4: APFS volumes (libfsapfs) listed, read, hashed and extracted like the other file systems.

The oracle is TSK 4.11.1 through its pool layer (``-P apfs -B APSB``, the volume superblock ``pstat`` names):
``fls -r -p`` for the listing, ``fls -r -m /`` for the times, modes and owners, ``icat`` for the content and
``istat`` for the four times to the nanosecond. The image is dfvfs's ``apfs.raw`` (fixtures/images/SOURCES.md), also
read wrapped in an E01 made by ewfacquire, and the test checks it is left unchanged.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from tests.evidence.support.images import IMAGES, sha256_file
from tests.support.tools import tool

APFS = IMAGES / "dfvfs" / "apfs.raw"
SHA256 = "e3e3adcbbf189403d892b013d6cba155f2e58e42ff5eb541ec681c37a91a3f29"


def _tsk(program: str, *args: str, image: Path = APFS) -> str:
    block = re.search(r"APSB Block Number: (\d+)", _run(tool("pstat"), str(image)))
    assert block is not None
    return _run(tool(program), "-P", "apfs", "-B", block.group(1), *args[:-1], str(image), *args[-1:])


def _run(*argv: str) -> str:
    return subprocess.run(argv, capture_output=True, check=True).stdout.decode()


def _scelle(*argv: str) -> str:
    result = CliRunner().invoke(cli, [*argv])
    assert result.exit_code == 0, result.stderr
    return result.stdout


@pytest.mark.external
def test_apfs_lists_as_fls_lists_it_with_its_times_modes_and_owners() -> None:
    assert _scelle("image", "ls", str(APFS)) == _run(tool("fls"), "-P", "apfs", "-B", "107", "-r", "-p", str(APFS))
    assert _scelle("image", "ls", "--bodyfile", str(APFS)) == _run(
        tool("fls"), "-P", "apfs", "-B", "107", "-r", "-m", "/", str(APFS)
    )
    assert sha256_file(APFS) == SHA256  # read-only


@pytest.mark.external
def test_every_inode_has_istat_times_to_the_nanosecond_and_icat_content() -> None:
    records = [json.loads(line) for line in _scelle("image", "ls", "--json", "--hash", str(APFS)).splitlines()]
    assert len(records) == 10
    labels = {"Created": "crtime", "Content Modified": "mtime", "Attributes Modified": "ctime", "Accessed": "atime"}
    for record in records:
        istat = _tsk("istat", record["inode"])
        times = dict(re.findall(r"^(Created|Content Modified|Attributes Modified|Accessed):\s+(\S+ \S+) \(UTC\)", istat,
                                re.MULTILINE))  # fmt: skip
        assert len(times) == 4, istat
        for label, field in labels.items():
            assert record[field] == times[label].replace(" ", "T").rstrip("0").rstrip(".") + "Z", (record, label)
        if record["type"] == "file":
            icat = subprocess.run(
                [tool("icat"), "-P", "apfs", "-B", "107", str(APFS), record["inode"]], capture_output=True, check=False
            )
            content = icat.stdout
            if icat.returncode != 0:  # a_resourcefork: no data stream at all (only a resource fork); size 0
                assert record["size"] == 0 and content == b"" and b"Attribute not found" in icat.stderr
            assert record["sha256"] == hashlib.sha256(content).hexdigest(), record["path"]
            cat = CliRunner().invoke(cli, ["image", "cat", "--inode", record["inode"], str(APFS)])
            assert cat.exit_code == 0 and cat.stdout_bytes == content


@pytest.mark.external
def test_apfs_in_an_e01_and_extracted(tmp_path: Path) -> None:
    target = tmp_path / "apfs"
    subprocess.run(
        [tool("ewfacquire"), "-u", "-t", str(target), "-c", "deflate:fast", "-S", "0", "-q", str(APFS)],
        capture_output=True,
        check=True,
    )
    e01 = tmp_path / "apfs.E01"
    assert _scelle("image", "ls", str(e01)) == _scelle("image", "ls", str(APFS))
    out = tmp_path / "out"
    _scelle("image", "extract", str(e01), "/", "--out", str(out))
    manifest = json.loads((out / "scelle-manifest.json").read_bytes())
    assert manifest["status"] == "complete"
    written = {r["path"]: out / r["written"] for r in manifest["files"] if "written" in r}
    assert (written["passwords.txt"]).read_bytes().startswith(b"place,user,password")
    link = next(r for r in manifest["files"] if r["path"] == "a_link")
    assert link["target"] == "a_directory/another_file" and "written" not in link
    info = _scelle("image", "info", str(APFS))
    assert "APFS" in info


@pytest.mark.external
def test_a_container_made_by_apfsprogs_reads_as_tsk_reads_it(tmp_path: Path) -> None:
    # Debian's mkapfs (apfsprogs) makes a container with one empty volume; nothing here can write files into it.
    # TSK's pool tools are the oracle: the same block size and count, the same (empty) listing.
    image = tmp_path / "mkapfs.img"
    with image.open("wb") as handle:
        handle.truncate(600 << 20)  # sparse; mkapfs refuses small containers
    subprocess.run([tool("mkapfs"), "-L", "scelle-test", str(image)], capture_output=True, check=True)
    pool = _run(tool("pstat"), str(image))
    assert "Name (Role): scelle-test" in pool
    info = json.loads(_scelle("image", "info", "--json", str(image)))
    (volume,) = info["volumes"]
    assert volume["filesystem"]["type"] == "APFS"
    assert f"Block Size:            {volume['filesystem']['block_size']} B" in pool
    assert f"Number of Blocks:      {volume['filesystem']['block_count']}" in pool
    block = re.search(r"APSB Block Number: (\d+)", pool)
    assert block is not None
    fls = _run(tool("fls"), "-P", "apfs", "-B", block.group(1), "-r", "-p", str(image))
    assert _scelle("image", "ls", str(image)) == fls


def test_find_by_path_and_open_stream_the_entry_the_walk_gives() -> None:
    """``find`` looks a path up name by name (not by walking the volume) and gives the entry the walk gives;
    ``open`` reads the content where it is asked for, as ``iter_content`` gives it, with seeks."""
    from evidence.common.errors import EntryNotFoundError
    from evidence.reading.listing import open_filesystems
    from evidence.sources import open_image

    with open_image(APFS) as source:
        (fs,) = open_filesystems(source).filesystems
        walked = list(fs.walk())
        assert len(walked) == 10
        for entry in walked:
            assert fs._look_up(entry.path) == entry  # the direct look-up answers for every name here
            assert fs.find("/" + entry.path) == entry
            if entry.type != "file":
                continue
            content = b"".join(fs.iter_content(entry))
            with fs.open(entry.path) as handle:
                assert handle.read() == content
                if len(content) > 3:
                    handle.seek(3)
                    assert handle.read(5) == content[3:8]
                    handle.seek(-2, 2)
                    assert handle.read() == content[-2:]
        assert fs._look_up("a_directory/ANOTHER_FILE") is None  # another spelling is not this name
        with pytest.raises(EntryNotFoundError):
            fs.find("a_directory/no such file")
    assert sha256_file(APFS) == SHA256
