"""`scelle image` through the command line: output formats, and bad input turned into one-line errors."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from tests.evidence.support.craft import debugfs, ext_image, mbr, mbr_entry
from tests.evidence.support.images import IMAGES, MEDIA_SHA256, ROOT, fixture_digests
from tests.evidence.support.tsk_reference import parse_icat_hashes
from tests.support.tools import tool

MMLS_E01 = IMAGES / "sleuthkit/imageformat_mmls_1.E01"


def run(*args: str) -> subprocess.CompletedProcess[bytes]:
    """The real command, in a child process (to see exit codes, stderr and tracebacks as a user would)."""
    return subprocess.run([sys.executable, "-m", "cli", *args], cwd=ROOT, capture_output=True, check=False)


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout


def test_info_text_and_json() -> None:
    code, text = invoke("image", "info", str(MMLS_E01))
    assert code == 0
    for expected in ("ewf", "62915072 bytes", "Rishwanth", "8ec671e301095c258224aad701740503", "NTFS", "000:001"):
        assert expected in text
    code, out = invoke("image", "info", "--json", str(IMAGES / "dfvfs/ext2.splitraw.000"))
    info = json.loads(out)
    assert (info["format"], info["size"], len(info["segments"])) == ("split-raw", 4194304, 2)
    assert info["volumes"][0]["filesystem"]["type"] == "Ext2"
    assert info["volumes"][0]["index"] is None


def test_ls_text_is_fls_like_with_partition_prefix_when_several() -> None:
    code, out = invoke("image", "ls", str(MMLS_E01))
    lines = out.splitlines()
    assert code == 0
    assert "[p2] r/r 4-128-4:\t$AttrDef" in lines and "[p3] r/r 4-128-4:\t$AttrDef" in lines
    code, out = invoke("image", "ls", str(MMLS_E01), "--partition", "3")
    assert out.splitlines()[0] == "r/r 4-128-4:\t$AttrDef"


def test_ls_no_deleted_and_json_fields() -> None:
    image = str(IMAGES / "pytsk/image.raw")
    _code, everything = invoke("image", "ls", "--json", image)
    _code, allocated = invoke("image", "ls", "--json", "--no-deleted", image)
    all_records = [json.loads(line) for line in everything.splitlines()]
    live = [json.loads(line) for line in allocated.splitlines()]
    assert live == [r for r in all_records if r["allocated"]]
    assert len(live) < len(all_records)
    assert set(all_records[0]) == {
        "partition", "path", "inode", "allocated", "type", "size", "mtime", "atime", "ctime", "crtime",
    }  # fmt: skip


def test_ls_hash_text_adds_digests() -> None:
    code, out = invoke("image", "ls", "--hash", str(IMAGES / "pytsk/image.raw"))
    assert code == 0
    line = next(line for line in out.splitlines() if "\tpasswords.txt\t" in line)
    sha256 = "02a2a6af2f1ecf4720d7d49d640f0d0a269a7ec733e41973bdd34f09dad0e252"  # icat_hashes.tsv
    assert f"sha256:{sha256}" in line and "blake3:" in line


def test_cat_by_path_and_inode_matches_icat() -> None:
    rows = parse_icat_hashes(IMAGES / "_tsk_reference/sleuthkit__imageformat_mmls_1.E01/fs_at_128.icat_hashes.tsv")
    for row in [r for r in rows if ":" in r.path][:3] + rows[-3:]:
        for option, value in (("--inode", row.inode), ("--path", row.path)):
            result = CliRunner().invoke(cli, ["image", "cat", str(MMLS_E01), "--partition", "2", option, value])
            assert result.exit_code == 0, result.output
            assert hashlib.sha256(result.stdout_bytes).hexdigest() == row.sha256, (option, value)
    # and once as a real process writing to a pipe
    result = run("image", "cat", str(MMLS_E01), "-p", "2", "--inode", rows[-1].inode)
    assert hashlib.sha256(result.stdout).hexdigest() == rows[-1].sha256


@pytest.mark.parametrize("targets", [[], ["--path", "a_directory/a_file", "--inode", "14"]])
def test_cat_needs_exactly_one_target(targets: list[str]) -> None:
    result = CliRunner().invoke(cli, ["image", "cat", str(IMAGES / "pytsk/image.raw"), *targets])
    assert result.exit_code == 2
    assert result.stdout == ""
    # one line from the catalogue, in the locale's language (C here: English), naming the command's help
    assert result.stderr.splitlines() == [
        "scelle: error: give exactly one of --path, --inode (see scelle image cat --help)"
    ]
    assert "Traceback" not in result.stderr


def test_extract_with_image_then_paths(tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, text = invoke("image", "extract", str(IMAGES / "pytsk/image.raw"), "a_directory", "--out", str(out))
    assert code == 0
    manifest = json.loads(Path(text.strip()).read_bytes())
    assert {f["path"] for f in manifest["files"]} == {"a_directory/another_file", "a_directory/a_file"}
    assert (out / "a_directory" / "a_file").stat().st_size == 53


@pytest.mark.parametrize("name", ["dfvfs/ext2.split.E01", "dfvfs/ext2.splitraw.000", "e01-rs/mimage.E01"])
def test_hash_gives_the_media_digest(name: str) -> None:
    code, out = invoke("image", "hash", "--json", str(IMAGES / name))
    assert code == 0
    digests = json.loads(out)
    assert digests["size"] == MEDIA_SHA256[name][0]
    assert digests["sha256"] == "sha256:" + MEDIA_SHA256[name][1]
    assert digests["blake3"].startswith("blake3:")


def test_originals_are_not_modified_by_any_command(tmp_path: Path) -> None:
    before = fixture_digests()
    for name in ("sleuthkit/imageformat_mmls_1.E01", "dfvfs/ext2.splitraw.000", "dftt/7-undel-ntfs/7-ntfs-undel.dd"):
        image = str(IMAGES / name)
        for args in (["info"], ["ls", "--hash"], ["hash"], ["extract", "--out", str(tmp_path / name)]):
            assert CliRunner().invoke(cli, ["image", args[0], image, *args[1:]]).exit_code == 0
    assert fixture_digests() == before


# -- bad input: one line naming the file and the problem, exit 1 (3 for damaged evidence), no traceback ---------


def bad_inputs(tmp: Path) -> dict[str, tuple[list[str], str]]:
    """name -> (arguments after `image ls`, text the error line must contain)."""
    truncated = tmp / "truncated.E01"
    truncated.write_bytes((IMAGES / "sleuthkit/image.E01").read_bytes()[:50000])
    for name in ("x.001", "x.003"):
        (tmp / name).write_bytes(os.urandom(4096))
    shutil.copy(IMAGES / "e01-rs/mimage.E01", tmp / "m.E01")  # its .E02 left behind
    random_bytes = tmp / "random.bin"
    random_bytes.write_bytes(os.urandom(1 << 16))
    past_end = tmp / "past_end.dd"
    past_end.write_bytes(mbr([mbr_entry(0x83, 2048, 100000)]) + bytes(1 << 20))
    (tmp / "a_directory").mkdir()
    return {
        "truncated E01": ([str(truncated)], "truncated.E01"),
        "split raw missing middle": ([str(tmp / "x.001")], "x.002"),
        "E01 missing segment": ([str(tmp / "m.E01")], "segment 2 is missing"),
        "corrupt chunk": ([str(IMAGES / "e01-rs/bad_chunk.E01")], "bad_chunk.E01: corrupt chunk 0 (media offset 0"),
        "random bytes": ([str(random_bytes)], "random.bin: no file system recognised"),
        "no such file": ([str(tmp / "absent.E01")], "absent.E01: no such file"),
        "directory": ([str(tmp / "a_directory")], "a_directory: is a directory"),
        "no file system": ([str(IMAGES / "pytsk/bogus.raw")], "bogus.raw: no file system recognised"),
        "partition past the end": ([str(past_end)], "past_end.dd: partition 2 (sectors 2048-102047"),
    }


@pytest.fixture(scope="module")
def bad(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[list[str], str]]:
    return bad_inputs(tmp_path_factory.mktemp("bad"))


@pytest.mark.parametrize(
    "case",
    [
        "truncated E01",
        "split raw missing middle",
        "E01 missing segment",
        "corrupt chunk",
        "random bytes",
        "no such file",
        "directory",
        "no file system",
        "partition past the end",
    ],
)
def test_bad_input_is_one_line_and_exit_1(bad: dict[str, tuple[list[str], str]], case: str) -> None:
    arguments, expected = bad[case]
    result = run("image", "ls", *arguments)
    stderr = result.stderr.decode()
    damaged = case in ("truncated E01", "corrupt chunk")  # a cut image or a corrupt chunk is damaged evidence
    assert result.returncode == (3 if damaged else 1), stderr
    assert stderr.count("\n") == 1 and stderr.startswith("scelle: error: "), stderr
    assert expected in stderr
    assert "Traceback" not in stderr
    assert result.stdout == b""


@pytest.mark.external
def test_ewf_missing_middle_segment_through_the_cli(tmp_path: Path) -> None:
    source = tmp_path / "media.raw"
    source.write_bytes(os.urandom(3 << 20))
    subprocess.run(
        [tool("ewfacquire"), "-u", "-q", "-t", str(tmp_path / "three"), "-S", "1048576", "-c", "none", str(source)],
        check=True,
        capture_output=True,
    )
    (tmp_path / "three.E02").unlink()
    result = run("image", "hash", str(tmp_path / "three.E01"))
    assert result.returncode == 1
    assert b"three.E01: EWF set incomplete" in result.stderr and b"segment 2 is missing" in result.stderr


@pytest.mark.external
def test_warnings_keep_their_place_among_batched_lines(tmp_path: Path) -> None:
    """stdout is written in batches: a warning must still come after the lines printed before it (2>&1)."""
    tree = tmp_path / "tree"
    for name in ("a", "b"):
        (tree / name).mkdir(parents=True)
        (tree / name / "file.txt").write_bytes(name.encode())
    image = ext_image(tmp_path / "broken.img", tree, kind="ext2")
    debugfs(image, "set_inode_field /a block[0] 9999999")  # directory a now points past the end of the disk
    proc = subprocess.run(
        [sys.executable, "-m", "cli", "image", "ls", str(image)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        check=False,
    )
    lines = proc.stdout.decode().splitlines()
    assert proc.returncode == 4  # issue 18 finding 5: a listing that left a directory out is partial, never 0
    assert "b/file.txt" in lines[-4] and "$OrphanFiles" in lines[-3]
    assert lines[-2].startswith("scelle: warning: ") and "cannot read directory" in lines[-2]
    assert lines[-1].startswith("scelle: error: partial listing: 1 problem ")
