#!/usr/bin/env python3
"""Hash sets at scale: index build time, open time, and `image ls --hash` with a large set against without it.

Usage (from the repository root):
    python benchmarks/hashset.py [--entries 10000000] [--files 2000] [--runs 3] [--image IMG]

The script writes a plain list of --entries SHA-256 digests (random, plus the digests of a tenth of the image's
files so that matches happen), indexes it with `scelle hashset index` (timed), then times, in turns, with the page
cache warm, the median of --runs runs of:

- without: `scelle image ls --hash --json IMAGE`;
- with: the same with `--hashset INDEX`.

It checks that the listing with the set flags exactly the files whose SHA-256 was put in the list, and prints the
ratio with/without (goal, issue 14: <= 1.1) and the time to open the index (`HashSet(index)`, goal: milliseconds).
The image is the ext4 image of benchmarks/hash_files.py (--files files of varied sizes), unless --image is given.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bytecode import cached_bytecode_environment
from hash_files import build_image

REPO = Path(__file__).resolve().parents[1]
SCELLE = [sys.executable, "-m", "cli"]


def write_list(path: Path, entries: int, planted: list[str]) -> None:
    """``entries`` random SHA-256 lines in sha256sum's form, the planted digests spread among them."""
    rng = random.Random(1)
    every = max(1, entries // max(1, len(planted)))
    with path.open("w") as out:
        batch: list[str] = []
        for number in range(entries):
            if planted and number % every == 0 and number // every < len(planted):
                batch.append(f"{planted[number // every]}  planted\n")
            else:
                batch.append(f"{rng.randbytes(32).hex()}  f{number}\n")
            if len(batch) >= 100_000:
                out.write("".join(batch))
                batch.clear()
        out.write("".join(batch))


def _listing(image: Path, extra: list[str], env: dict[str, str]) -> list[dict[str, object]]:
    out = subprocess.run(
        [*SCELLE, "image", "ls", "--hash", "--json", *extra, str(image)], capture_output=True, check=True, env=env
    ).stdout
    return [json.loads(line) for line in out.splitlines()]


def _time(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, check=True, env=env)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=10_000_000)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--image", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="scelle-hashset-") as work_dir:
        work = Path(work_dir)
        env = cached_bytecode_environment(work / "pycache")
        env = {**env, "PYTHONPATH": str(REPO), "XDG_CACHE_HOME": str(work / "cache")}
        image = args.image or build_image(work, args.files)
        plain = _listing(image, [], env)
        files = [r for r in plain if r["sha256"]]
        planted = sorted({str(r["sha256"]) for r in files[:: max(1, len(files) // max(1, len(files) // 10))]})
        source = work / "set.txt"
        started = time.perf_counter()
        write_list(source, args.entries, planted)
        print(
            f"list: {args.entries:,} digests, {source.stat().st_size / 1e6:.0f} MB, "
            f"written in {time.perf_counter() - started:.1f} s"
        )
        index = work / "set.idx"
        started = time.perf_counter()
        subprocess.run([*SCELLE, "hashset", "index", str(source), "--out", str(index)], check=True, env=env)
        print(f"index build: {time.perf_counter() - started:.1f} s, {index.stat().st_size / 1e6:.0f} MB")
        source.unlink()

        sys.path.insert(0, str(REPO))
        from evidence.hashing.hashsets import HashSet

        opened = []
        for _ in range(5):
            started = time.perf_counter()
            handle = HashSet(index)
            opened.append(time.perf_counter() - started)
            handle.close()
        print(f"index open: {min(opened) * 1000:.2f} ms (best of 5)")

        matched = _listing(image, ["--hashset", str(index)], env)
        flagged = {str(r["sha256"]) for r in matched if r["hashsets"]}
        wanted = set(planted)
        if flagged != wanted:
            print(f"WRONG: {len(flagged)} digests flagged, {len(wanted)} planted", file=sys.stderr)
            return 1
        print(f"matches: {sum(1 for r in matched if r['hashsets'])} entries ({len(wanted)} planted digests)")

        commands = {
            "without": [*SCELLE, "image", "ls", "--hash", "--json", str(image)],
            "with": [*SCELLE, "image", "ls", "--hash", "--json", "--hashset", str(index), str(image)],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for argv in commands.values():
            _time(argv, env)  # warm the page cache and the bytecode
        for _ in range(args.runs):
            for name, argv in commands.items():
                times[name].append(_time(argv, env))
        medians = {name: statistics.median(values) for name, values in times.items()}
        for name, value in medians.items():
            print(f"{name:8} {value:.3f} s  (runs: {', '.join(f'{v:.3f}' for v in times[name])})")
        ratio = medians["with"] / medians["without"]
        print(f"ratio with/without: {ratio:.3f} (goal <= 1.1) on {len(plain)} entries, set of {args.entries:,}")
        return 0 if ratio <= 1.1 else 2


if __name__ == "__main__":
    os.chdir(REPO)
    raise SystemExit(main())
