"""Issue 14 item 7: ``image ls --dfxml`` writes the DFXML fiwalk writes, with each file's hashes.

The oracle is fiwalk itself (TSK 4.11.1's, Debian ``sleuthkit``): on each image both documents are parsed and their
file objects compared field by field, and every MD5 and SHA-1 fiwalk computed must be scelle's. The differences that
remain are the documented ones, each checked for exactly what it is:

- fiwalk lists ``.`` and ``..`` of every directory; scelle lists what ``fls -r -p`` lists (``image ls``).
- NTFS: fls and scelle list each named stream and index (``$Secure:$SDS``, ``file:ADS``) as an entry of its own;
  fiwalk lists the file once, under its base name.
- fiwalk writes seconds only; scelle keeps the fraction (``…:57.513Z``), as ``image ls --json`` does.
- fiwalk gives no digest for an empty file, and digests of directories, symbolic links and TSK's virtual files
  (``$MBR``, ``$FAT1``); scelle gives the digests of regular files, as ``image ls --hash``, empty ones included.
- fiwalk writes a control character in a name as ``\\x0D``; scelle as ``\\x0d``, its form for bytes in names.
- NTFS ``$MFT`` of the generated image has FILETIME 0: TSK 4.11.1 turns it into 2076-11-29 (an unsigned wrap-around,
  see ``fixtures/generated/MANIFEST.md``), scelle into no time.
- An entry with no metadata (inode 0) has no size, inode or type in fiwalk's output; scelle writes size 0 and
  inode 0, and no type.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from evidence.reading.dfxml import _text
from tests.evidence.support.images import IMAGES
from tests.support.tools import tool

NS = "{http://www.forensicswiki.org/wiki/Category:Digital_Forensics_XML}"
SCELLE = "{urn:scelle:dfxml:1}"
GENERATED = Path(__file__).resolve().parents[3] / "fixtures" / "generated"
CASES = {
    "mbr_extended (FAT12, ext4, NTFS)": GENERATED / "mbr_extended.raw",
    "ext4": GENERATED / "ext4.raw",
    "dftt FAT": IMAGES / "dftt" / "6-undel-fat" / "6-fat-undel.dd",
    "dftt NTFS": IMAGES / "dftt" / "7-undel-ntfs" / "7-ntfs-undel.dd",
    "HFS+": IMAGES / "dfvfs" / "hfsplus.raw",
    "ISO 9660": IMAGES / "dfvfs" / "iso9660.raw",
    "TSK ext": IMAGES / "sleuthkit" / "image.dd",
}
FIELDS = ("filesize", "inode", "alloc", "unalloc", "name_type", "meta_type", "mode", "uid", "gid", "link_target")
TIMES = ("mtime", "atime", "ctime", "crtime")
#: TSK 4.11.1's reading of NTFS FILETIME 0 (fixtures/generated/MANIFEST.md)
TSK_WRAPPED_ZERO = "2076-11-29T08:54:34"


def _parse(document: bytes) -> ET.Element:
    return ET.fromstring(document)  # noqa: S314 - documents written by scelle and fiwalk in the test


def _objects(document: bytes) -> dict[tuple[str, str], dict[str, str]]:
    """File objects by (partition rank, name), without ``.`` and ``..``; digests under their algorithm's name."""
    found: dict[tuple[str, str], dict[str, str]] = {}
    for element in _parse(document).iter(f"{NS}fileobject"):
        fields: dict[str, str] = {}
        for child in element:
            tag = child.tag.replace(NS, "").replace(SCELLE, "scelle:")
            fields[child.get("type", "") if tag == "hashdigest" else tag] = (child.text or "").strip()
        name = re.sub(r"\\x([0-9A-F]{2})", lambda match: "\\x" + match.group(1).lower(), fields["filename"])
        if name.rsplit("/", 1)[-1] not in (".", ".."):
            found[(fields["partition"], name)] = fields
    return found


def _fiwalk(image: Path, tmp_path: Path) -> dict[tuple[str, str], dict[str, str]]:
    out = tmp_path / "fiwalk.xml"
    subprocess.run([tool("fiwalk"), "-f", "-X", str(out), str(image)], capture_output=True, check=True)
    return _objects(out.read_bytes())


def _scelle(image: Path) -> tuple[bytes, dict[tuple[str, str], dict[str, str]]]:
    result = CliRunner().invoke(cli, ["image", "ls", "--dfxml", str(image)])
    assert result.exit_code == 0, result.stderr
    return result.stdout_bytes, _objects(result.stdout_bytes)


@pytest.mark.external
@pytest.mark.parametrize("image", CASES.values(), ids=CASES.keys())
def test_dfxml_agrees_with_fiwalk(image: Path, tmp_path: Path) -> None:
    theirs = _fiwalk(image, tmp_path)
    _document, ours = _scelle(image)
    assert ours, "no file object"
    for key in theirs.keys() - ours.keys():  # fiwalk's NTFS file, listed by scelle as its streams
        streams = [name for partition, name in ours if partition == key[0] and name.startswith(key[1] + ":")]
        assert streams, f"fiwalk lists {key}, scelle does not"
    for key in ours.keys() - theirs.keys():  # an NTFS stream of its own
        assert "scelle:inode" in ours[key] and ":" in key[1], f"scelle lists {key}, fiwalk does not"
    compared = hashed = 0
    for key in theirs.keys() & ours.keys():
        mine, other = ours[key], theirs[key]
        if other.get("inode") is None:  # a name without metadata
            assert mine["inode"] == "0" and mine["filesize"] == "0" and "meta_type" not in mine, key
            continue
        for field in FIELDS:
            assert mine.get(field) == other.get(field), (key, field)
        for field in TIMES:
            expected = other.get(field, "").rstrip("Z") or None  # FAT times come without Z from fiwalk
            if expected == TSK_WRAPPED_ZERO:
                expected = None
            got = mine.get(field)
            assert (None if got is None else re.sub(r"(\.\d+)?Z$", "", got)) == expected, (key, field)
        for algorithm in ("md5", "sha1"):
            if algorithm in other and mine.get("meta_type") == "1":  # a regular file
                assert mine.get(algorithm) == other[algorithm], (key, algorithm)
                hashed += 1
        compared += 1
    assert compared >= len(theirs) // 2 and compared > 0
    if any(other.get("md5") and other.get("name_type") == "r" for other in theirs.values()):
        assert hashed > 0


def test_every_file_carries_the_digests_of_its_content_and_those_of_image_ls() -> None:
    image = GENERATED / "mbr_extended.raw"
    document, ours = _scelle(image)
    listed = CliRunner().invoke(cli, ["image", "ls", "--json", "--hash", str(image)])
    assert listed.exit_code == 0
    records = [json.loads(line) for line in listed.stdout.splitlines()]
    assert len(records) == len(ours)
    ranks = {partition: rank for rank, partition in enumerate(dict.fromkeys(r["partition"] for r in records), 1)}
    files = 0
    for record in records:
        fields = ours[(str(ranks[record["partition"]]), record["path"])]
        assert fields.get("sha256") == record["sha256"] and fields.get("blake3") == record["blake3"]
        if record["sha256"] is not None:
            cat = CliRunner().invoke(
                cli, ["image", "cat", "-p", str(record["partition"]), "--inode", record["inode"], str(image)]
            )
            content = cat.stdout_bytes
            assert hashlib.sha256(content).hexdigest() == record["sha256"]
            assert fields["md5"] == hashlib.md5(content).hexdigest()  # noqa: S324 - the digest DFXML readers use
            assert fields["sha1"] == hashlib.sha1(content).hexdigest()  # noqa: S324 - the digest DFXML readers use
            files += 1
    assert files >= 20
    root = _parse(document)
    volumes = root.findall(f"{NS}volume")
    assert [v.findtext(f"{SCELLE}partition_address") for v in volumes] == [str(p) for p in ranks]
    assert [v.findtext(f"{NS}ftype_str") for v in volumes] == ["FAT12", "Ext4", "NTFS"]


def test_names_xml_cannot_carry_are_written_as_escapes() -> None:
    assert _text("a\x01b\rc\nd\te<&>") == "a\\x01b\\x0dc\\x0ad\te&lt;&amp;&gt;"
    assert _text("\ud800") == "\\xd800"


def test_a_partial_listing_still_ends_its_document(tmp_path: Path) -> None:
    cut = tmp_path / "cut.dd"
    cut.write_bytes((IMAGES / "dftt" / "7-undel-ntfs" / "7-ntfs-undel.dd").read_bytes()[:4_400_000])
    result = CliRunner().invoke(cli, ["image", "ls", "--dfxml", str(cut)])
    assert result.exit_code == 4  # three files lie partly past the end: listed, not hashed
    root = _parse(result.stdout_bytes)  # a whole document, closed
    errors = [element.findtext(f"{SCELLE}error") for element in root.iter(f"{NS}fileobject")]
    assert sum(1 for error in errors if error) == 3
    assert "partial listing: 3 problems" in result.stderr


def test_dfxml_excludes_the_other_output_forms(tmp_path: Path) -> None:
    image = str(GENERATED / "ext4.raw")
    for other in ("--json", "--bodyfile"):
        result = CliRunner().invoke(cli, ["image", "ls", "--dfxml", other, image])
        assert result.exit_code == 2 and "exclusive" in result.stderr
