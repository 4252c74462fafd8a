"""Parsers for the reference outputs of The Sleuth Kit kept under fixtures/images/_tsk_reference/.

Each ``<source>__<image>/`` folder holds what TSK printed for one image (see fixtures/images/SOURCES.md):

* ``fs_at_<sector>.fls_rp.txt``: ``fls -r -p`` of the file system starting at that 512-byte sector;
* ``fs_at_<sector>.bodyfile.txt``: ``fls -r -m /`` (mactime bodyfile);
* ``fs_at_<sector>.icat_hashes.tsv``: inode, size, md5, sha256 and path of every allocated file and stream as
  read by ``icat``;
* ``mmls.txt``: the partition table.

Other tests (and the fixture generator's tests) reuse these parsers; they only read text, nothing of scelle.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
IMAGES = ROOT / "fixtures" / "images"
REFERENCE = IMAGES / "_tsk_reference"

#: the first part of a reference folder name -> the folder of the image under fixtures/images
SOURCE_FOLDERS = {"sleuthkit_test_data": "dftt"}

_FLS = re.compile(r"(?P<nt>.)/(?P<mt>.) (?P<deleted>\* )?(?P<inode>[0-9-]+)(?P<realloc>\(realloc\))?:\t(?P<path>.*)")
#: the description may be empty (a GPT partition without a name): then the line ends after the length
_MMLS = re.compile(
    r"(?P<index>\d+):\s+(?P<slot>\S+)\s+(?P<start>\d+)\s+(?P<end>\d+)\s+(?P<length>\d+)(?:\s+(?P<desc>.*))?"
)


@dataclass(frozen=True, slots=True)
class FlsLine:
    """One line of ``fls -r -p``."""

    name_type: str
    meta_type: str
    deleted: bool
    inode: str
    reallocated: bool
    path: str


@dataclass(frozen=True, slots=True)
class BodyLine:
    """One line of a TSK 3.x bodyfile: ``MD5|name|inode|mode|UID|GID|size|atime|mtime|ctime|crtime``."""

    md5: str
    name: str
    inode: str
    mode: str
    uid: int
    gid: int
    size: int
    atime: int
    mtime: int
    ctime: int
    crtime: int


@dataclass(frozen=True, slots=True)
class IcatHash:
    """One row of ``*.icat_hashes.tsv``."""

    inode: str
    size: int
    md5: str
    sha256: str
    path: str


@dataclass(frozen=True, slots=True)
class MmlsRow:
    """One row of ``mmls``: index, slot (``000:001``, ``Meta`` or ``-------``), start, end, length, description."""

    index: int
    slot: str
    start: int
    end: int
    length: int
    description: str


@dataclass(frozen=True, slots=True)
class ReferenceFs:
    """One file system of a reference image."""

    image: Path
    folder: Path
    sector: int

    def file(self, kind: str) -> Path:
        """``fls_rp.txt``, ``bodyfile.txt``, ``icat_hashes.tsv`` or ``fsstat.txt`` of this file system."""
        return self.folder / f"fs_at_{self.sector}.{kind}"


def image_of(folder: Path) -> Path:
    """The image (first segment) a reference folder describes."""
    source, *rest = folder.name.split("__")
    return IMAGES / SOURCE_FOLDERS.get(source, source) / "/".join(rest)


def reference_filesystems() -> list[ReferenceFs]:
    """Every (image, file-system sector) that has an ``fls -r -p`` reference."""
    found = []
    for listing in sorted(REFERENCE.glob("*/fs_at_*.fls_rp.txt")):
        sector = int(listing.name.split(".")[0].removeprefix("fs_at_"))
        found.append(ReferenceFs(image_of(listing.parent), listing.parent, sector))
    return found


def partition_of(ref: ReferenceFs) -> int | None:
    """The partition address mmls gives for the file system's start sector (None if there is no table)."""
    mmls = ref.folder / "mmls.txt"
    if not mmls.exists():
        return None
    _unit, rows = parse_mmls(mmls)
    return next(row.index for row in rows if row.start == ref.sector and ":" in row.slot)


def _lines(path: Path) -> list[str]:
    # TSK wrote the bytes of the names as they are (UTF-8 for all the names in these images).
    return [line for line in path.read_text(encoding="utf-8", errors="surrogateescape").split("\n") if line]


def parse_fls(path: Path) -> list[FlsLine]:
    """The lines of an ``fls -r -p`` output file."""
    return parse_fls_text(path.read_bytes().decode("utf-8", "surrogateescape"))


def parse_fls_text(text: str) -> list[FlsLine]:
    """The lines of ``fls -r -p`` output (bytes decoded as UTF-8 with surrogateescape)."""
    result = []
    for line in (line for line in text.split("\n") if line):
        match = _FLS.fullmatch(line)
        if match is None:
            raise ValueError(f"not an fls line: {line!r}")
        result.append(
            FlsLine(
                name_type=match["nt"],
                meta_type=match["mt"],
                deleted=bool(match["deleted"]),
                inode=match["inode"],
                reallocated=bool(match["realloc"]),
                path=match["path"],
            )
        )
    return result


def parse_bodyfile(path: Path) -> list[BodyLine]:
    """The lines of a bodyfile (names may contain ``|``: the nine fields after the name are split from the right)."""
    result = []
    for line in _lines(path):
        head, *tail = line.rsplit("|", 9)
        md5, name = head.split("|", 1)
        inode, mode, uid, gid, size, atime, mtime, ctime, crtime = tail
        result.append(
            BodyLine(
                md5, name, inode, mode, int(uid), int(gid), int(size), int(atime), int(mtime), int(ctime), int(crtime)
            )
        )
    return result


def parse_icat_hashes(path: Path) -> list[IcatHash]:
    """The rows of an ``icat_hashes.tsv`` file (comment lines skipped)."""
    result = []
    for line in _lines(path):
        if line.startswith("#"):
            continue
        inode, size, md5, sha256, name = line.split("\t", 4)
        result.append(IcatHash(inode, int(size), md5, sha256, name))
    return result


def parse_mmls(path: Path) -> tuple[int, list[MmlsRow]]:
    """The sector size and the rows of an ``mmls`` output file."""
    return parse_mmls_text(path.read_text(encoding="utf-8"))


def parse_mmls_text(text: str) -> tuple[int, list[MmlsRow]]:
    """The sector size and the rows of an ``mmls`` output."""
    unit = re.search(r"Units are in (\d+)-byte sectors", text)
    rows = []
    for line in text.splitlines():
        match = _MMLS.fullmatch(line.strip())
        if match:
            rows.append(
                MmlsRow(
                    int(match["index"]),
                    match["slot"],
                    int(match["start"]),
                    int(match["end"]),
                    int(match["length"]),
                    match["desc"] or "",
                )
            )
    return (int(unit.group(1)) if unit else 512), rows


#: the ``type`` word of ``scelle image ls --json`` for each TSK type letter of ``fls``
TYPE_WORDS = {"r": "file", "d": "dir", "l": "symlink", "v": "virtual", "V": "virtual-dir", "-": "unknown"}


def escape_reference(text: str) -> str:
    """Bytes that are not UTF-8 (read with surrogateescape) written as \\xNN, the rule scelle documents for names
    (evidence/reading/entries.py)."""
    return "".join(f"\\x{ord(c) - 0xDC00:02x}" if "\udc80" <= c <= "\udcff" else c for c in text)


def fls_sanitize(text: str) -> str:
    """What ``fls`` prints for a name: each control character (0x01-0x1f) as ``^`` (TSK's tsk_print_sanitized)."""
    return "".join("^" if "\x01" <= char <= "\x1f" else char for char in text)
