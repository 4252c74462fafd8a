"""Listing time of mutated file systems: ``scelle`` (the library walk) against ``fls -r -p`` on each mutant.

Issue 18 finding 4 reported a mutant that ``image ls`` took 101 s to list while ``fls`` took 0.01 s. This mutates the
metadata area of fixture file systems (random bytes, a few per mutant, seeded), lists each mutant with both, and
reports the counts by outcome and the worst time ratio. Run from the repository root:

    python benchmarks/listing_mutants.py --mutants 300 --seed 1

Needs ``fls`` (Debian ``sleuthkit``). A mutant whose listing differs from fls by line count, or that scelle lists more
than 10x slower than fls plus 0.5 s, is kept in the output directory for a look.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from evidence import open_image  # noqa: E402
from evidence.common.errors import EvidenceError  # noqa: E402
from evidence.reading.listing import list_entries  # noqa: E402

#: fixture, first and last byte of the region mutated (boot sector, FATs and root; MFT; superblock to inode tables)
TARGETS = (
    ("fixtures/images/dftt/6-undel-fat/6-fat-undel.dd", 0, 88 * 512),
    ("fixtures/images/dftt/7-undel-ntfs/7-ntfs-undel.dd", 2005 * 1024, 2045 * 1024),
    ("fixtures/generated/ext4.raw", 1024, 298 * 1024),
)


def _scelle(path: Path) -> tuple[int, float]:
    started = time.perf_counter()
    try:
        with open_image([str(path)]) as source:
            count = sum(1 for _item in list_entries(source))
    except EvidenceError:
        count = 0
    return count, time.perf_counter() - started


def _fls(path: Path) -> tuple[int, float]:
    started = time.perf_counter()
    done = subprocess.run(["fls", "-r", "-p", str(path)], capture_output=True, check=False, timeout=600)
    return done.stdout.count(b"\n"), time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mutants", type=int, default=300, help="mutants per fixture")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=None, help="where to keep odd mutants (default: a temp dir)")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="listing-mutants-"))
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(args.seed)
    counts = {"same": 0, "differs": 0, "slow": 0}
    worst = (0.0, "")
    for fixture, low, high in TARGETS:
        data = (ROOT / fixture).read_bytes()
        for index in range(args.mutants):
            mutant = bytearray(data)
            for _ in range(rng.randint(1, 8)):
                mutant[rng.randrange(low, high)] = rng.randrange(256)
            path = out / f"{Path(fixture).stem}-{index}.img"
            path.write_bytes(bytes(mutant))
            ours, ours_time = _scelle(path)
            theirs, fls_time = _fls(path)
            ratio = ours_time / max(fls_time, 1e-3)
            worst = max(worst, (ratio, path.name))
            if ours_time > 10 * fls_time + 0.5:
                counts["slow"] += 1
            elif ours != theirs:
                counts["differs"] += 1
            else:
                counts["same"] += 1
                path.unlink()
    print(f"mutants: {sum(counts.values())}  " + "  ".join(f"{k}: {v}" for k, v in counts.items()))
    print(f"worst time ratio scelle/fls: {worst[0]:.1f} ({worst[1]}); kept mutants in {out}")


if __name__ == "__main__":
    main()
