"""Issue 14 (damaged images): an NTFS image cut short lists as ``fls -r -p`` lists it; content past the end is
reported per file as unreadable (never zeros, never a traceback), like ``icat`` failing on the same file.

The image is cut here from ``dftt/7-undel-ntfs`` (6,160,384 bytes). At 3,000,000 bytes neither TSK nor scelle finds a
file system (the root index and ``$MFT``'s later runs are gone): both refuse it. At 4,400,000 bytes ``fls`` lists
everything and three files lie partly past the end.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from tests.evidence.support.images import IMAGES
from tests.support.tools import tool

NTFS = IMAGES / "dftt" / "7-undel-ntfs" / "7-ntfs-undel.dd"


def _cut(tmp_path: Path, size: int) -> Path:
    path = tmp_path / f"cut{size}.dd"
    path.write_bytes(NTFS.read_bytes()[:size])
    return path


@pytest.mark.external
def test_cut_image_lists_as_fls_and_unreadable_files_are_reported(tmp_path: Path) -> None:
    image = _cut(tmp_path, 4_400_000)
    fls = subprocess.run([tool("fls"), "-r", "-p", str(image)], capture_output=True, check=True).stdout.decode()
    listed = CliRunner().invoke(cli, ["image", "ls", str(image)])
    assert listed.exit_code == 0  # every entry is there: the cut is warned about, nothing is left out
    assert listed.stdout == fls
    assert "file system truncated: 4400000 of 6160384 bytes present" in listed.stderr

    hashed = CliRunner().invoke(cli, ["image", "ls", "--hash", "--json", str(image)])
    assert hashed.exit_code == 4, hashed.stderr
    unreadable = []
    for line in hashed.stdout.splitlines():
        record = json.loads(line)
        if record["type"] != "file":
            continue
        icat = subprocess.run([tool("icat"), str(image), record["inode"]], capture_output=True, check=False)
        if icat.returncode != 0:
            assert record["sha256"] is None, record["path"]
            unreadable.append(record["path"])
        else:
            assert record["sha256"] == hashlib.sha256(icat.stdout).hexdigest(), record["path"]
    assert unreadable == ["$AttrDef", "$Secure:$SDS", "System Volume Information/tracking.log"]
    for path in unreadable:
        assert f"{path} (" in hashed.stderr and "Offset missing in partial image" in hashed.stderr
    assert "scelle: error: partial listing: 3 problems" in hashed.stderr
    assert "Traceback" not in hashed.stderr


@pytest.mark.external
def test_image_cut_before_its_metadata_is_refused_like_fls(tmp_path: Path) -> None:
    image = _cut(tmp_path, 3_000_000)
    assert subprocess.run([tool("fls"), "-r", "-p", str(image)], capture_output=True, check=False).returncode == 1
    result = CliRunner().invoke(cli, ["image", "ls", str(image)])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"scelle: error: {image}: no file system recognised: Cannot determine file system type"
    ]


@pytest.mark.external
def test_extraction_of_a_cut_image_writes_what_can_be_read_and_ends_partial(tmp_path: Path) -> None:
    image = _cut(tmp_path, 4_400_000)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["image", "extract", str(image), "--out", str(out), "-q"])
    assert result.exit_code == 4, result.stderr
    assert "partial extraction: 3 problems" in result.stderr and "Traceback" not in result.stderr
    manifest = json.loads((out / "scelle-manifest.json").read_text())
    assert manifest["status"] == "partial" and len(manifest["problems"]) == 3
    unreadable = []
    for record in manifest["files"]:
        if record["type"] != "file" or not record["allocated"]:
            continue
        icat = subprocess.run([tool("icat"), str(image), record["inode"]], capture_output=True, check=False)
        if icat.returncode != 0:  # what icat cannot read is left out: no file, the reason recorded
            assert record["unreadable"] is True and "written" not in record and "Offset missing" in record["error"]
            unreadable.append(record["path"])
        else:
            assert (out / record["written"]).read_bytes() == icat.stdout, record["path"]
    assert unreadable == ["$AttrDef", "$Secure:$SDS", "System Volume Information/tracking.log"]
    french = CliRunner().invoke(cli, ["image", "extract", str(image), "--out", str(tmp_path / "fr"), "-q"],
                                env={"SCELLE_LANG": "fr"})  # fmt: skip
    assert french.exit_code == 4
    assert "extraction partielle : 3 problèmes" in french.stderr and "non extrait" in french.stderr
