"""scelle against TSK and against what the generator wrote, on the images fixtures/generate.py made.

fixtures/generated/ holds small images built by a committed script (ext4, FAT12/16/32, exFAT, NTFS; MBR with an
extended partition, GPT with 512- and 4096-byte sectors; split raw and a 3-segment E01 of the MBR disk) and, under
_tsk_reference/, what TSK 4.11.1 and libewf printed for them (parsed by tests/evidence/support/tsk_reference.py). Two
independent oracles are used: TSK's outputs for every entry, and the names and bytes the generator itself wrote
(fixtures/generator/content.py) for the cases the fixtures exist to exercise: unicode names kept exactly (NFC and
NFD apart), a name that is not UTF-8, deleted files and directories, hard and symbolic links, holes, NTFS streams.

TSK prints names that are not UTF-8 as raw bytes and control characters as ``^``; scelle escapes the former as
``\\xNN``, so the reference bytes are escaped the same way before comparing (rule written here, not scelle's code).
TSK 4.11's ``nt2unixtime`` turns an NTFS FILETIME of 0 (the ``$STANDARD_INFORMATION`` times of ``$MFT`` on the
generated NTFS) into 3373865674 (2076-11-29, an unsigned wrap-around); scelle reports no time, so that value is
compared as 0.
"""

from __future__ import annotations

import calendar
import hashlib
import importlib.util
import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import blake3
import pytest
from click.testing import CliRunner

from cli.main import cli
from evidence import list_volumes, open_filesystem, open_image
from tests.evidence.support.tsk_reference import (
    fls_sanitize,
    parse_bodyfile,
    parse_fls,
    parse_icat_hashes,
    parse_mmls,
)

ROOT = Path(__file__).resolve().parents[3]
GENERATED = ROOT / "fixtures" / "generated"
REFERENCE = GENERATED / "_tsk_reference"
MANIFEST: dict[str, Any] = json.loads((GENERATED / "manifest.json").read_text(encoding="utf-8"))
TSK411_FILETIME_ZERO = 3373865674
TYPE_WORDS = {"r": "file", "d": "dir", "l": "symlink", "v": "virtual", "V": "virtual-dir", "-": "unknown"}


def _load_generator_content() -> Any:
    """fixtures/generator/content.py: the exact bytes the generator wrote into the images."""
    spec = importlib.util.spec_from_file_location("generator_content", ROOT / "fixtures/generator/content.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CONTENT = _load_generator_content()


@dataclass(frozen=True)
class GenFs:
    """One file system of one generated image, with the partition address mmls gives it."""

    image: str
    offset: int
    prefix: str
    partition: int | None

    @property
    def path(self) -> Path:
        return GENERATED / self.image

    @property
    def folder(self) -> Path:
        return REFERENCE / self.image

    def ref(self, kind: str) -> Path:
        return self.folder / f"{self.prefix}.{kind}"


def _partition(image: str, offset: int) -> int | None:
    """The mmls row (its address) of the partition that starts at byte `offset`; None without a table."""
    mmls = REFERENCE / image / "mmls.txt"
    if not mmls.exists():
        return None
    unit, rows = parse_mmls(mmls)
    return next(r.index for r in rows if r.start * unit == offset and r.slot not in ("Meta", "-------"))


CASES = [
    GenFs(image["name"], fs["offset"], fs["reference"], _partition(image["name"], fs["offset"]))
    for image in MANIFEST["images"]
    for fs in image["file_systems"]
]


def case_id(case: GenFs) -> str:
    return f"{case.image}@{case.offset}"


def escape_reference(text: str) -> str:
    """Bytes that are not UTF-8 (read with surrogateescape) as \\xNN, the form DESIGN.md gives for such names."""
    return "".join(f"\\x{ord(c) - 0xDC00:02x}" if "\udc80" <= c <= "\udcff" else c for c in text)


def cli_records(*args: str) -> list[dict[str, Any]]:
    result = CliRunner().invoke(cli, ["image", "ls", "--json", *args])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines()]


def ls_case(case: GenFs, *options: str) -> list[dict[str, Any]]:
    partition = [] if case.partition is None else ["--partition", str(case.partition)]
    return cli_records(str(case.path), *partition, *options)


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_library_walk_is_fls_in_order(case: GenFs) -> None:
    expected = [
        (f.name_type, f.meta_type, f.deleted, f.inode, f.reallocated, escape_reference(f.path))
        for f in parse_fls(case.ref("fls_rp.txt"))
    ]
    with open_image(case.path) as source:
        entries = list(open_filesystem(source, case.partition).walk())
    got = [(e.name_type, e.meta_type, not e.allocated, e.inode, e.reallocated, fls_sanitize(e.path)) for e in entries]
    assert got == expected


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_cli_json_matches_fls_bodyfile_and_icat(case: GenFs) -> None:
    records = ls_case(case, "--hash")
    assert {r["partition"] for r in records} == {case.partition}
    expected = [
        (escape_reference(f.path), f.inode, f.deleted, TYPE_WORDS[f.meta_type if f.meta_type != "-" else f.name_type])
        for f in parse_fls(case.ref("fls_rp.txt"))
    ]
    assert [(fls_sanitize(r["path"]), r["inode"], not r["allocated"], r["type"]) for r in records] == expected
    by_key = {(r["inode"], fls_sanitize(r["path"])): r for r in records}
    for row in parse_icat_hashes(case.ref("icat_hashes.tsv")):
        record = by_key[(row.inode, escape_reference(row.path))]
        assert record["sha256"] == row.sha256, row  # (size: icat reads 0 bytes of the sparse $BadClus:$Bad)
        assert re.fullmatch(r"[0-9a-f]{64}", record["blake3"] or ""), row
    _check_sizes_and_times(case, by_key)


def _seconds(stamp: str | None) -> int:
    """RFC 3339 UTC (`...Z`, fraction optional) -> POSIX seconds; None -> 0 as in a bodyfile."""
    if stamp is None:
        return 0
    match = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?Z", stamp)
    assert match, stamp
    return calendar.timegm(tuple(int(g) for g in match.groups()[:6]))


def _check_sizes_and_times(case: GenFs, by_key: dict[tuple[str, str], dict[str, Any]]) -> None:
    """Size and MACB of every entry equal the bodyfile's (its ($FILE_NAME) lines have no ls record)."""
    for line in parse_bodyfile(case.ref("bodyfile.txt")):
        if "($FILE_NAME)" in line.name:
            continue
        name = line.name.removesuffix(" (deleted)").split(" -> ")[0].removeprefix("/")
        record = by_key[(line.inode, escape_reference(name))]
        got = [record["size"], *(_seconds(record[k]) for k in ("atime", "mtime", "ctime", "crtime"))]
        times = [0 if t == TSK411_FILETIME_ZERO else t for t in (line.atime, line.mtime, line.ctime, line.crtime)]
        assert got == [line.size, *times], line


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_bodyfile_is_fls_m_line_for_line(case: GenFs) -> None:
    """`image ls --bodyfile` prints what `fls -r -m /` printed, NTFS ($FILE_NAME) lines and symlink targets included."""
    expected = []
    for line in case.ref("bodyfile.txt").read_bytes().decode("utf-8", "surrogateescape").splitlines():
        head, *fields = line.rsplit("|", 4)
        times = ["0" if t == str(TSK411_FILETIME_ZERO) else t for t in fields]
        expected.append(escape_reference("|".join([head, *times])))
    partition = [] if case.partition is None else ["--partition", str(case.partition)]
    result = CliRunner().invoke(cli, ["image", "ls", "--bodyfile", str(case.path), *partition])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == expected


IMAGES_WITH_TABLE = [i for i in MANIFEST["images"] if (REFERENCE / i["name"] / "mmls.txt").exists()]


@pytest.mark.parametrize("image", IMAGES_WITH_TABLE, ids=lambda i: i["name"])
def test_volumes_match_mmls(image: dict[str, Any]) -> None:
    """MBR with an extended partition (EBR chain), GPT with 512- and with 4096-byte sectors, as mmls lists them."""
    unit, rows = parse_mmls(REFERENCE / image["name"] / "mmls.txt")
    assert unit == image["sector_size"]
    with open_image(GENERATED / image["name"]) as source:
        volumes = list_volumes(source)
    got = [
        (v.index, v.slot, v.start_sector, v.start_sector + v.sector_count - 1, v.sector_count, v.description)
        for v in volumes
    ]
    assert got == [(r.index, r.slot, r.start, r.end, r.length, r.description) for r in rows]
    assert {v.sector_size for v in volumes} == {unit}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("copy", [i for i in MANIFEST["images"] if i["same_media_as"]], ids=lambda i: i["name"])
def test_split_raw_and_e01_walk_like_the_raw_disk(copy: dict[str, Any]) -> None:
    """`scelle image ls --json --hash` (the real entry point) prints the same lines for every copy of one disk, and
    reading leaves every segment unchanged."""
    segments = [GENERATED / s for s in copy["segments"]]
    before = {s: _sha256(s) for s in segments}

    def listing(image: str) -> list[str]:
        proc = subprocess.run(
            [sys.executable, "-m", "cli", "image", "ls", "--json", "--hash", str(GENERATED / image)],
            cwd=ROOT,
            capture_output=True,
            check=True,
        )
        return proc.stdout.decode().splitlines()

    original = listing(copy["same_media_as"])
    assert len(original) > 30
    assert listing(copy["name"]) == original
    assert {s: _sha256(s) for s in segments} == before


@pytest.mark.parametrize("image", MANIFEST["images"], ids=lambda i: i["name"])
def test_media_digest_matches_the_generator(image: dict[str, Any]) -> None:
    """`image hash` gives the SHA-256 the generator computed over the raw media before any copy or acquisition."""
    result = CliRunner().invoke(cli, ["image", "hash", "--json", str(GENERATED / image["name"])])
    assert result.exit_code == 0, result.output
    digests = json.loads(result.stdout)
    assert (digests["size"], digests["sha256"]) == (image["media_size"], "sha256:" + image["media_sha256"])


def _ewfinfo(image: str) -> dict[str, str]:
    text = (REFERENCE / image / "ewfinfo.txt").read_text(encoding="utf-8")
    return {k.strip(): v.strip() for k, v in re.findall(r"^\t([^:\t]+):\t+(.*)$", text, re.MULTILINE)}


@pytest.mark.parametrize("image", [i for i in MANIFEST["images"] if i["container"] == "ewf"], ids=lambda i: i["name"])
def test_e01_case_metadata_and_hashes_match_ewfinfo(image: dict[str, Any]) -> None:
    """Accented and Arabic case metadata come back exactly as libewf's ewfinfo prints them."""
    result = CliRunner().invoke(cli, ["image", "info", "--json", str(GENERATED / image["name"])])
    assert result.exit_code == 0, result.output
    info = json.loads(result.stdout)
    meta, expected = info["metadata"], _ewfinfo(image["name"])
    assert info["size"] == image["media_size"]
    assert [s.rsplit("/", 1)[-1] for s in info["segments"]] == image["segments"]
    assert (meta["case_number"], meta["evidence_number"], meta["examiner"], meta["description"], meta["notes"]) == (
        expected["Case number"],
        expected["Evidence number"],
        expected["Examiner name"],
        expected["Description"],
        expected["Notes"],
    )
    assert meta["stored_hashes"]["md5"] == expected["MD5"]
    assert meta["stored_hashes"]["sha1"] == expected["SHA1"]


# What the generator wrote (fixtures/generator/*.py): (image, byte offset of the file system) -> path -> bytes.
_CREUX = CONTENT.text("creux")
WRITTEN: dict[tuple[str, int], dict[str, bytes]] = {
    ("ext4.raw", 0): {
        "été/Procès-verbal n°3.txt": CONTENT.PROCES_VERBAL,
        "أدلة/محضر_الحجز.txt": CONTENT.MAHDAR,
        "copie liée.txt": CONTENT.MAHDAR,
        "أدلة/صور/صورة \u0661.jpg": CONTENT.det_bytes("ext4 photo", 2500),
        "vide.txt": b"",
        "gros.bin": CONTENT.det_bytes("ext4 big", 70_000),
        "creux.bin": _CREUX + bytes(200_000 - 2 * len(_CREUX)) + _CREUX,
        "café.txt": CONTENT.text("café NFC"),
        "cafe\u0301.txt": CONTENT.text("café NFD"),
        "mauvais-\\xff\\xfe.txt": CONTENT.text("nom non UTF-8"),
        "a/b/c/profond.txt": CONTENT.text("profond"),
    },
    ("mbr_extended.raw", 1_146_880): {
        "Procès-verbal n°3.txt": CONTENT.PROCES_VERBAL,
        "gros.bin": CONTENT.det_bytes("ntfs big", 20_000),
        "gros.bin:Zone.Identifier": b"[ZoneTransfer]\r\nZoneId=3\r\n",
        "gros.bin:ملخص": CONTENT.text("flux nommé ملخص"),
        "vide.txt": b"",
    },
    ("gpt512.raw", 32_768): {
        "fragmenté.bin": CONTENT.det_bytes("fat fragmented", 6000),
        "أدلة/صور/صورة \u0661.jpg": CONTENT.det_bytes("fat photo", 2500),
        "Caché.txt": CONTENT.text("caché"),
    },
    ("gpt512.raw", 2_285_568): {
        "fragmenté.bin": CONTENT.det_bytes("exfat fragmented", 9000),
        "Nom de fichier assez long pour trois entrées de nom.txt": CONTENT.text("long"),
        "أدلة/محضر_الحجز.txt": CONTENT.MAHDAR,
    },
}
#: deleted entries the generator made, with the type scelle must report
DELETED: dict[tuple[str, int], dict[str, str]] = {
    ("ext4.raw", 0): {
        "supprimé.txt": "file",
        "محذوف.txt": "file",
        "dossier supprimé": "dir",
        "dossier supprimé/dedans.txt": "file",
        "dossier supprimé/aussi.bin": "file",
    },
    ("mbr_extended.raw", 1_146_880): {"supprimé.txt": "file", "effacé-gros.bin": "file"},
    ("gpt512.raw", 32_768): {"Supprimé le 1er mars.txt": "file", "dossier supprimé": "dir"},
    ("gpt512.raw", 2_285_568): {
        "supprimé.txt": "file",
        "dossier supprimé": "dir",
        "dossier supprimé/dedans.txt": "file",
    },
}


def _case(image: str, offset: int) -> GenFs:
    return next(c for c in CASES if (c.image, c.offset) == (image, offset))


@pytest.mark.parametrize("key", sorted(WRITTEN), ids=lambda k: f"{k[0]}@{k[1]}")
def test_written_names_and_bytes_come_back_exactly(key: tuple[str, int]) -> None:
    """Each name byte for byte (no Unicode normalisation: café NFC and NFD are two files), with SHA-256 and BLAKE3
    of the bytes the generator wrote."""
    records = {r["path"]: r for r in ls_case(_case(*key), "--hash") if r["allocated"]}
    for path, data in WRITTEN[key].items():
        assert path in records, f"{path!r} missing; got {sorted(records)}"
        record = records[path]
        assert (record["type"], record["size"]) == ("file", len(data)), path
        assert record["sha256"] == hashlib.sha256(data).hexdigest(), path
        assert record["blake3"] == blake3.blake3(data).hexdigest(), path


@pytest.mark.parametrize("key", sorted(DELETED), ids=lambda k: f"{k[0]}@{k[1]}")
def test_deleted_entries_are_listed_and_skipped_by_no_deleted(key: tuple[str, int]) -> None:
    case = _case(*key)
    listed = {(r["path"], r["type"]) for r in ls_case(case) if not r["allocated"]}
    assert set(DELETED[key].items()) <= listed
    assert all(r["allocated"] for r in ls_case(case, "--no-deleted"))


def test_ext4_links_and_the_name_that_is_not_utf8() -> None:
    records = {r["path"]: r for r in ls_case(_case("ext4.raw", 0))}
    assert records["copie liée.txt"]["inode"] == records["أدلة/محضر_الحجز.txt"]["inode"]
    assert records["lien"]["type"] == records["lien long"]["type"] == "symlink"
    assert records["café.txt"]["inode"] != records["cafe\u0301.txt"]["inode"]
    with open_image(GENERATED / "ext4.raw") as source:
        raw = [e for e in open_filesystem(source, None).walk() if e.path == "mauvais-\\xff\\xfe.txt"]
    assert [e.path_bytes for e in raw] == [b"mauvais-\xff\xfe.txt"]
