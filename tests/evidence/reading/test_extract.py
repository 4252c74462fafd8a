"""Extraction writes under the target directory only, whatever the names in the image, and says what it wrote."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from evidence import open_filesystems, open_image
from evidence.common import canonical
from evidence.common.errors import ExtractionError, PartialError
from evidence.reading.extract import MANIFEST_NAME, extract, safe_component
from tests.evidence.support.craft import ext_image
from tests.evidence.support.images import IMAGES
from tests.evidence.support.tsk_reference import parse_icat_hashes


def run_extract(image: Path, out: Path, paths: list[str] | None = None) -> dict[str, object]:
    with open_image(image) as source:
        manifest = extract(open_filesystems(source).filesystems, out, paths)
    data = manifest.read_bytes()
    assert canonical.is_canonical(data)
    loaded: dict[str, object] = json.loads(data)
    return loaded


def files_under(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and not p.is_symlink()}


def test_extracted_files_match_icat_and_the_manifest(tmp_path: Path) -> None:
    out = tmp_path / "out"
    manifest = run_extract(IMAGES / "pytsk/image.raw", out)
    records = {r["inode"]: r for r in manifest["files"]}  # type: ignore[union-attr, index]
    for row in parse_icat_hashes(IMAGES / "_tsk_reference/pytsk__image.raw/fs_at_0.icat_hashes.tsv"):
        record = records[row.inode]
        assert record["path"] == row.path
        assert record["sha256"] == row.sha256
        assert (out / str(record["written"])).read_bytes().__len__() == row.size
    assert records["13"]["allocated"] is False  # the orphan file is extracted too
    assert files_under(out) == {str(r["written"]) for r in records.values()} | {MANIFEST_NAME}


def test_odd_names_become_safe_host_names(odd_image: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    manifest = run_extract(odd_image, out)
    written = {r["path"]: r.get("written") for r in manifest["files"]}  # type: ignore[union-attr]
    assert written["\\xff\\xfe.bin"] == "\\xff\\xfe.bin"
    assert written["a\x01b.txt"] == "a_b.txt"
    assert written["x" * 255] == "x" * 255
    assert written["dir\\xe9/inner.txt"] == "dir\\xe9/inner.txt"
    assert written["link"] is None  # symbolic links are listed, never created nor followed
    assert not (out / "link").exists()
    for path in out.rglob("*"):
        assert out in path.resolve().parents


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"..", "_.."),
        (b".", "_."),
        (b"", "_"),
        (b"a/b", "a_b"),
        (b"nul\x00byte", "nul_byte"),
        (b"tab\there", "tab_here"),
        (b"\xff", "\\xff"),
    ],
)
def test_safe_component(raw: bytes, expected: str) -> None:
    assert safe_component(raw, windows=False) == expected


def test_over_long_and_windows_names() -> None:
    long = safe_component("é".encode() * 200, windows=False)
    assert len(long.encode()) <= 255 and "~" in long
    assert safe_component("é".encode() * 200) != safe_component("é".encode() * 199 + b"e")
    assert safe_component(b"CON.txt", windows=True) == "_CON.txt"
    assert safe_component(b'a:b*c?"d', windows=True) == "a_b_c__d"


@pytest.mark.external
def test_case_variants_do_not_overwrite_each_other(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "Report.txt").write_bytes(b"upper")
    (tree / "report.txt").write_bytes(b"lower")
    out = tmp_path / "out"
    manifest = run_extract(ext_image(tmp_path / "case.img", tree, "1M", "ext2"), out)
    written = {r["path"]: r["written"] for r in manifest["files"]}  # type: ignore[union-attr]
    assert sorted(written.values()) == sorted([written["Report.txt"], written["report.txt"]])
    assert {(out / w).read_bytes() for w in written.values()} == {b"upper", b"lower"}
    assert len({w.casefold() for w in written.values()}) == 2  # type: ignore[union-attr]


def test_symlink_inside_target_is_never_written_through(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    (out / "a_directory").symlink_to(outside)
    with pytest.raises(ExtractionError, match="a_directory") as refused:
        run_extract(IMAGES / "pytsk/image.raw", out)
    assert list(outside.iterdir()) == []
    # issue 18 finding 6: a refused extraction still says what it wrote before it stopped
    assert MANIFEST_NAME in str(refused.value)
    manifest = json.loads((out / MANIFEST_NAME).read_bytes())
    assert manifest["status"] == "failed" and "a_directory" in manifest["error"]
    assert files_under(out) == {r["written"] for r in manifest["files"] if "written" in r} | {MANIFEST_NAME}


def test_slash_extracts_the_whole_file_system(tmp_path: Path) -> None:
    # issue 18 finding 6: "/" matched nothing (exit 1) or only names that begin with "/" (files silently dropped)
    everything = run_extract(IMAGES / "pytsk/image.raw", tmp_path / "all")
    root = run_extract(IMAGES / "pytsk/image.raw", tmp_path / "root", ["/"])
    assert root["files"] == everything["files"] and root["status"] == everything["status"] == "complete"


def test_a_name_the_host_refuses_is_written_under_a_substitute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # a host file system that rejects a name (vfat, or a name over its limit) cannot be mounted here: the refusal
    # is injected at the one place a file is created, with the errno such a file system gives
    from evidence.reading import extract as module

    real_create = module._Tree._create

    def create(self: object, parent: str, name: str) -> int:
        if name == "another_file":
            raise OSError(errno.EILSEQ, "Invalid or incomplete multibyte or wide character")
        return real_create(self, parent, name)  # type: ignore[arg-type]

    monkeypatch.setattr(module._Tree, "_create", create)
    out = tmp_path / "out"
    with pytest.raises(PartialError, match="written as a_directory/_scelle-inode-"):
        extract_all(IMAGES / "pytsk/image.raw", out)
    manifest = json.loads((out / MANIFEST_NAME).read_bytes())
    (record,) = [r for r in manifest["files"] if r.get("substitute")]
    assert record["path"] == "a_directory/another_file" and bytes.fromhex(record["name_hex"]) == b"another_file"
    assert record["written"] == f"a_directory/_scelle-inode-{record['inode']}"
    assert (out / record["written"]).stat().st_size == record["size"]
    assert manifest["status"] == "partial"


def extract_all(image: Path, out: Path) -> None:
    with open_image(image) as source:
        extract(open_filesystems(source).filesystems, out)


def test_target_that_is_a_symlink_is_refused(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real)
    with pytest.raises(ExtractionError, match="symbolic link"):
        run_extract(IMAGES / "pytsk/image.raw", link)
    assert list(real.iterdir()) == []


def test_existing_files_are_kept_and_a_second_manifest_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "passwords.txt").write_bytes(b"mine")
    manifest = run_extract(IMAGES / "pytsk/image.raw", out)
    assert (out / "passwords.txt").read_bytes() == b"mine"
    written = {r["path"]: r["written"] for r in manifest["files"]}  # type: ignore[union-attr]
    assert written["passwords.txt"] == "passwords.txt~2"
    with pytest.raises(ExtractionError, match="already exists"):
        run_extract(IMAGES / "pytsk/image.raw", out)


def test_selected_paths_only(tmp_path: Path) -> None:
    manifest = run_extract(IMAGES / "pytsk/image.raw", tmp_path / "out", ["a_directory"])
    assert {r["path"] for r in manifest["files"]} == {  # type: ignore[union-attr]
        "a_directory/another_file",
        "a_directory/a_file",
    }
    with pytest.raises(ExtractionError, match="nothing matches"):
        run_extract(IMAGES / "pytsk/image.raw", tmp_path / "other", ["no/such/thing"])


def test_partitioned_image_goes_under_one_folder_per_partition(tmp_path: Path) -> None:
    out = tmp_path / "out"
    manifest = run_extract(IMAGES / "sleuthkit/imageformat_mmls_1.E01", out)
    written = [str(r["written"]) for r in manifest["files"]]  # type: ignore[union-attr]
    assert {w.split("/")[0] for w in written} == {"p2", "p3"}
    assert os.path.getsize(out / "p2" / "$MFT") > 0
