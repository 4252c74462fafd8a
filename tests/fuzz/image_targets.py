"""The image targets of the fuzz harness: ``e01`` (EWF containers) and ``fs`` (raw disks: volumes, file systems).

``e01``: a fixture E01 or Ex01 (one segment of it) mutated where EWF keeps its structure (section descriptors,
header and volume sections, chunk tables, chunks, hash sections) or cut short, then given to ``scelle image hash
--json`` and ``scelle verify --json``, the two commands that read a whole media. The oracle is the original's media
digest: a hash that exits 0 must give exactly the original's size and digests (anything else is a silent misread), and a
verify that exits 0 must be about a media that ``image hash`` read as the original.

``fs``: a raw fixture disk mutated in its partition tables, file-system metadata or (rarely) anywhere, or cut short,
then listed with ``scelle image ls --json --hash``; the oracle is TSK's ``mmls``/``fls``/``icat`` on the same
mutant (``fls_oracle.py`` states the rule).
"""

from __future__ import annotations

import json
import random
import shutil
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from tests.fuzz import fls_oracle
from tests.fuzz.harness import Case, Corpus, Ran, mutate, run_commands

ROOT = Path(__file__).resolve().parents[2]
KIB = 1024

#: E01 fixtures, by first segment (the other segments are found next to it)
E01_FIXTURES = (
    "fixtures/images/plaso/image.E01",
    "fixtures/images/sleuthkit/image.E01",
    "fixtures/images/dfvfs/ext2.E01",
    "fixtures/images/e01-rs/mimage.E01",
    "fixtures/generated/mbr_extended.E01",
    "fixtures/generated/fat32.E01",
    "fixtures/ewf2/mixed.Ex01",
    "fixtures/ewf2/stored.Ex01",
)


@dataclass(frozen=True, slots=True)
class E01Original:
    """One E01 fixture: its segment files, the (offset, length, kind) of every region of each segment, and the
    media size and digests ``scelle image hash`` gives for it."""

    segments: tuple[Path, ...]
    regions: tuple[tuple[tuple[int, int, str], ...], ...]
    hashed: dict[str, object]


@dataclass(frozen=True, slots=True)
class RawOriginal:
    """One raw fixture disk and the byte ranges worth mutating (tables, file-system metadata)."""

    image: Path
    regions: tuple[tuple[int, int], ...]


def _partition_starts(starts: Sequence[int], length: int = 64 * KIB) -> tuple[tuple[int, int], ...]:
    return tuple((start, start + length) for start in starts)


RAW_FIXTURES = (
    RawOriginal(ROOT / "fixtures/images/dftt/6-undel-fat/6-fat-undel.dd", ((0, 88 * 512),)),
    RawOriginal(ROOT / "fixtures/images/dftt/7-undel-ntfs/7-ntfs-undel.dd", ((0, 8 * KIB), (2005 * KIB, 2045 * KIB))),
    RawOriginal(ROOT / "fixtures/generated/ext4.raw", ((1024, 298 * KIB),)),
    RawOriginal(
        ROOT / "fixtures/generated/mbr_extended.raw",
        ((0, 512), (1088 * 512, 1089 * 512), (2239 * 512, 2240 * 512), *_partition_starts((32768, 589824, 1146880))),
    ),
    RawOriginal(
        ROOT / "fixtures/generated/gpt512.raw",
        ((0, 34 * 512), (6527 * 512, 6560 * 512), *_partition_starts((32768, 2285568))),
    ),
    RawOriginal(ROOT / "fixtures/generated/gpt4096.raw", ((0, 6 * 4096), *_partition_starts((32768, 557056)))),
)


def _segments(first: Path) -> tuple[Path, ...]:
    found = [first]
    stem = first.name[:-2]
    for number in range(2, 100):
        following = first.with_name(f"{stem}{number:02d}")
        if not following.exists():
            break
        found.append(following)
    return tuple(found)


#: EWF2 section types -> the region names of EWF v1 sections that play the same part
_EWF2_KINDS = {0x01: "header2", 0x02: "header2", 0x03: "sectors", 0x04: "table", 0x08: "hash", 0x09: "hash"}


def _regions_v2(data: bytes) -> tuple[tuple[int, int, str], ...]:
    """An Ex01 segment's regions: its descriptors *follow* their data and are walked from the end of the file."""
    regions, offset = [], len(data) - 64
    while offset >= 32:
        kind, _flags, previous = struct.unpack_from("<IIQ", data, offset)
        start = 32 if previous == 0 else previous + 64
        regions.append((offset, 64, "descriptor"))
        if offset > start:
            regions.append((start, offset - start, _EWF2_KINDS.get(kind, "other")))
        if previous == 0 or previous >= offset:
            break
        offset = previous
    return ((0, 32, "file-header"), *reversed(regions))


def _regions(segment: Path) -> tuple[tuple[int, int, str], ...]:
    """Each section's descriptor, and its payload labelled by section type (chunks are in ``sectors``).

    The section chain is walked leniently (tests/evidence/support/ewf_layout.py checks every rule and refuses
    some real files: e01-rs's ``next`` sections have a size); the fixtures are whole, so the walk ends."""
    data = segment.read_bytes()
    if data.startswith(b"EVF2"):
        return _regions_v2(data)
    regions, offset = [(0, 13, "file-header")], 13
    while offset + 76 <= len(data):
        kind = data[offset : offset + 16].rstrip(b"\0").decode("ascii", "replace")
        following, _size = struct.unpack_from("<QQ", data, offset + 16)
        regions.append((offset, 76, "descriptor"))
        if kind in ("next", "done") or following <= offset:
            break
        if following - offset > 76:
            regions.append((offset + 76, following - offset - 76, kind))
        offset = following
    return tuple(regions)


def prepare(corpus: Corpus) -> dict[str, object]:
    """Read each E01 fixture once (in a child, like the cases) for its media digests; list the raw fixtures."""
    originals = []
    work = corpus.base / "e01-originals"
    work.mkdir(exist_ok=True)
    for name in E01_FIXTURES:
        segments = _segments(ROOT / name)
        ran = run_commands([("image", "hash", "--json", "--quiet", str(segments[0]))], work, timeout=120)
        if isinstance(ran, str) or ran[0].code != 0:
            raise RuntimeError(f"cannot hash the fuzz original {name}: {ran if isinstance(ran, str) else ran[0]}")
        hashed = json.loads(ran[0].stdout)
        originals.append(E01Original(segments, tuple(_regions(s) for s in segments), hashed))
    listings = {}
    for raw in RAW_FIXTURES:
        ran = run_commands([("image", "ls", "--json", "--hash", str(raw.image))], work, timeout=120)
        if isinstance(ran, str) or ran[0].code != 0:
            raise RuntimeError(f"cannot list the fuzz original {raw.image}: {ran}")
        listings[raw.image.name] = ran[0].stdout
    return {"e01": tuple(originals), "raw": RAW_FIXTURES, "raw_listing": listings}


def _mutate_region(data: bytearray, start: int, length: int, rng: random.Random) -> None:
    """A few edits inside ``data[start:start+length]``: flipped bits, edge bytes, a 32-bit field set to an extreme."""
    for _ in range(rng.randint(1, 4)):
        at = start + rng.randrange(max(length, 1))
        kind = rng.random()
        if kind < 0.4:
            data[at] ^= 1 << rng.randrange(8)
        elif kind < 0.7:
            data[at] = rng.choice((0x00, 0xFF, 0x7F, 0x80, rng.randrange(256)))
        else:
            data[at : at + 4] = rng.choice((b"\xff\xff\xff\xff", b"\0\0\0\0", b"\xff\xff\xff\x7f", b"\x01\0\0\0"))


def _mutate_e01(data: bytes, regions: Sequence[tuple[int, int, str]], rng: random.Random) -> bytes:
    roll = rng.random()
    if roll < 0.1:  # cut short, often right at or near a section boundary
        start, length, _kind = rng.choice(regions)
        return data[: max(0, start + rng.choice((0, 1, length // 2, length - 1, rng.randrange(length + 1))))]
    if roll < 0.25:
        return mutate(data, rng)
    out = bytearray(data)
    wanted = rng.choice(("descriptor", "header", "volume", "table", "sectors", "hash", "any"))
    pool = [r for r in regions if wanted == "any" or r[2].startswith(wanted) or (wanted == "header" and r[2] in
            ("file-header", "header2", "disk", "data", "digest", "error2", "session"))]  # fmt: skip
    start, length, _kind = rng.choice(pool or list(regions))
    _mutate_region(out, start, length, rng)
    return bytes(out[: len(data)])


def e01_case(corpus: Corpus, rng: random.Random, work: Path) -> Case:
    original: E01Original = rng.choice(corpus.extra["e01"])  # type: ignore[arg-type]
    which = rng.randrange(len(original.segments))
    for index, segment in enumerate(original.segments):
        target = work / segment.name
        if index == which:
            target.write_bytes(_mutate_e01(segment.read_bytes(), original.regions[index], rng))
        else:
            shutil.copyfile(segment, target)
    first = str(work / original.segments[0].name)
    commands = (("image", "hash", "--json", "--quiet", first), ("verify", "--json", "--quiet", first))
    return Case(commands, partial(_judge_e01, original.hashed))


def _judge_e01(expected: dict[str, object], _work: Path, ran: Sequence[Ran]) -> tuple[str, str] | None:
    hashed, verified = ran
    if hashed.code == 0:
        got = json.loads(hashed.stdout)
        if got != expected:
            return "misread", f"image hash exit 0 with {got}, the original media is {expected}"
    if verified.code == 0 and hashed.code != 0:
        return "misread", f"verify exit 0 on a media image hash could not read (exit {hashed.code})"
    return None


def fs_case(corpus: Corpus, rng: random.Random, work: Path) -> Case:
    original: RawOriginal = rng.choice(corpus.extra["raw"])  # type: ignore[arg-type]
    data = bytearray(original.image.read_bytes())
    size = len(data)
    roll = rng.random()
    if roll < 0.08:  # cut short: a truncated image
        del data[rng.randrange(512, len(data)) :]
    else:
        for _ in range(rng.randint(1, 3)):
            start, end = rng.choice(original.regions) if roll > 0.2 else (0, len(data))
            _mutate_region(data, start, end - start, rng)
        del data[size:]
    mutant = work / original.image.name
    mutant.write_bytes(bytes(data))
    listing = corpus.extra["raw_listing"][mutant.name]  # type: ignore[index]
    if corpus.tools:
        return Case(
            (("image", "ls", "--json", "--hash", str(mutant)),),
            partial(fls_oracle.judge, corpus.tools, listing, mutant),
        )
    return Case((("image", "ls", "--json", "--hash", str(mutant)),), partial(_unjudged, listing))


def _unjudged(original: str, _work: Path, ran: Sequence[Ran]) -> tuple[str, str] | None:
    """Without TSK's tools a listing can only be compared with the original's: a change is not judged."""
    return ("changed-valid", "not judged: no fls") if ran[0].code == 0 and ran[0].stdout != original else None
