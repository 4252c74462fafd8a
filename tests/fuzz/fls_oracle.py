"""The oracle of the ``fs`` fuzz target: TSK's own tools on the same mutant as ``scelle image ls --json --hash``.

scelle reads volumes and file systems through The Sleuth Kit (pytsk3), and on every fixture it lists exactly what
``fls -r -p`` lists, in the same order (tests/evidence/reading/test_conformance.py). On a damaged image the two can
still differ for a fair reason: scelle adds its own checks (a walk budget, loop detection, refusals of impossible
sizes) and then exits 4 naming what it left out. So the rule, for a listing scelle printed (exit 0 or 4), is:

* volumes: every partition scelle lists entries for is a row ``mmls`` prints for the mutant, and with exit 0 no
  partition where ``fls`` finds a file system is missing from the listing (a file system left out silently);
* entries, per file system, as (path, inode, deleted, type) with fls's printing rules (see ``tsk_reference.py``):
  when fls reads the file system without error, exit 0 must list exactly fls's entries (as a multiset: the order
  is not the point here) and exit 4 only entries fls lists (a partial listing invents nothing); when fls itself
  fails part-way, exit 0 must still hold every entry fls printed before failing (scelle may list more: it read
  further), and exit 4 is not judged further;
* content: for three allocated files that are not empty (seeded choice), the SHA-256 scelle printed equals that of
  ``icat``'s output. An empty file (size 0, on which fls agrees) is not asked of icat: icat may refuse it for damage
  in another attribute of the same inode (fuzz case fs:307: NTFS ``$BadClus`` with a broken ``$FILE_NAME``), while
  its content is empty by its size whatever that damage.

Anything else with a listing printed is a ``misread``; a listing that passes the rule but differs from the original
fixture's is ``changed-valid``.
"""

from __future__ import annotations

import hashlib
import json
import random
import subprocess
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

from tests.evidence.support.tsk_reference import (
    TYPE_WORDS,
    escape_reference,
    fls_sanitize,
    parse_fls_text,
    parse_mmls_text,
)
from tests.fuzz.harness import Ran

Entry = tuple[str, str, bool, str]
TIMEOUT = 60


def _run(argv: list[str]) -> tuple[int, bytes]:
    done = subprocess.run(argv, capture_output=True, check=False, timeout=TIMEOUT)
    return done.returncode, done.stdout


def _volumes(tools: Mapping[str, str], image: Path) -> dict[int | None, tuple[int, int]]:
    """Partition address -> (start, sector size) as mmls prints them; ``None`` -> the whole disk."""
    code, out = _run([tools["mmls"], str(image)])
    found: dict[int | None, tuple[int, int]] = {None: (0, 512)}
    if code == 0:
        unit, rows = parse_mmls_text(out.decode("utf-8", "replace"))
        found.update({row.index: (row.start, unit) for row in rows if row.slot not in ("Meta", "-------")})
    return found


def _fls(tools: Mapping[str, str], image: Path, start: int, unit: int) -> tuple[int, list[Entry]]:
    code, out = _run([tools["fls"], "-r", "-p", "-o", str(start), "-b", str(unit), str(image)])
    lines = parse_fls_text(out.decode("utf-8", "surrogateescape"))
    entries = [
        (escape_reference(line.path), line.inode, line.deleted, TYPE_WORDS[line.meta_type if line.meta_type != "-"
                                                                           else line.name_type])
        for line in lines
    ]  # fmt: skip
    return code, entries


def _ours(record: Mapping[str, object]) -> Entry:
    return (fls_sanitize(str(record["path"])), str(record["inode"]), not record["allocated"], str(record["type"]))


def _compare(code: int, ours: list[Entry], fls_code: int, theirs: list[Entry]) -> str | None:
    if fls_code == 0:
        if code == 0 and Counter(ours) != Counter(theirs):
            extra, missing = Counter(ours) - Counter(theirs), Counter(theirs) - Counter(ours)
            return f"exit 0 but differs from fls: extra {list(extra)[:3]}, missing {list(missing)[:3]}"
        invented = set(ours) - set(theirs)
        if code == 4 and invented:
            return f"exit 4 with entries fls does not list: {sorted(invented)[:3]}"
    elif code == 0:
        missing_set = set(theirs) - set(ours)
        if missing_set:
            return f"exit 0 without entries fls printed before failing: {sorted(missing_set)[:3]}"
    return None


def judge(
    tools: Mapping[str, str], original: str, image: Path, _work: Path, ran: Sequence[Ran]
) -> tuple[str, str] | None:
    """``None`` when scelle's listing of ``image`` follows the rule above, else ``(outcome, why)``."""
    (listed,) = ran
    if listed.code not in (0, 4):
        return None
    records = [json.loads(line) for line in listed.stdout.splitlines() if line.strip()]
    volumes = _volumes(tools, image)
    by_partition: dict[int | None, list[Mapping[str, object]]] = {}
    for record in records:
        by_partition.setdefault(record["partition"], []).append(record)
    for partition, group in by_partition.items():
        if partition not in volumes:
            return "misread", f"entries in partition {partition}, which mmls does not list"
        start, unit = volumes[partition]
        fls_code, theirs = _fls(tools, image, start, unit)
        problem = _compare(listed.code, [_ours(r) for r in group], fls_code, theirs)
        if problem is not None:
            return "misread", f"partition {partition} (sector {start}): {problem}"
        problem = _contents(tools, image, start, unit, group)
        if problem is not None:
            return "misread", f"partition {partition} (sector {start}): {problem}"
    if listed.code == 0:
        for partition, (start, unit) in volumes.items():
            if partition is not None and partition not in by_partition and _fls(tools, image, start, unit)[1]:
                return (
                    "misread",
                    f"exit 0 but partition {partition} (sector {start}), where fls lists entries, left out",
                )
    return ("changed-valid", "the listing differs from the original's") if listed.stdout != original else None


def _contents(
    tools: Mapping[str, str], image: Path, start: int, unit: int, group: list[Mapping[str, object]]
) -> str | None:
    hashed = [r for r in group if r.get("sha256") and r["allocated"] and r["size"]]
    for record in random.Random(f"{image.parent.name}/{image.name}").sample(hashed, min(3, len(hashed))):
        code, out = _run([tools["icat"], "-o", str(start), "-b", str(unit), str(image), str(record["inode"])])
        if code != 0 or hashlib.sha256(out).hexdigest() != record["sha256"]:
            return f"{record['path']} (inode {record['inode']}): sha256 {record['sha256']}, icat exit {code} gives "\
                   f"{hashlib.sha256(out).hexdigest()}"  # fmt: skip
    return None
