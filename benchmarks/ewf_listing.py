#!/usr/bin/env python3
"""``scelle image ls --json --hash`` on an E01 against the same listing on the raw image it was made from (issue 16).

Usage (from the repository root):
    python benchmarks/ewf_listing.py [--files 2000] [--runs 5] [--compress fast]

Builds the ext4 image of ``benchmarks/hash_files.py`` (2,000 files of varied sizes, 5 % deleted), acquires it with
``scelle acquire --format e01 --compress LEVEL``, checks that both listings are identical (entries, digests), then
times each listing as a subprocess, the two taking turns after a warm-up round, and prints the medians and their
ratio. Goal: E01 / raw <= 1.2.

The E01 listing does more work than the raw one by nature: every chunk TSK touches is inflated (libdeflate) and checked.
So the script also prints that work alone (every chunk of the E01 inflated once, in this process), the least the
E01 listing can add to the raw one.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bytecode import cached_bytecode_environment
from hash_files import _timed, build_image

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def _inflate_all_seconds(image: Path) -> float:
    """Time to read every chunk of ``image`` once through scelle's own EWF reader (inflate and checks)."""
    from evidence.sources import open_image

    with open_image(image) as source:
        buffer = memoryview(bytearray(1 << 20))
        started = time.perf_counter()
        offset = 0
        while offset < source.size:
            offset += source.readinto_at(offset, buffer[: min(len(buffer), source.size - offset)])
        return time.perf_counter() - started


def _listing(argv: list[str], env: dict[str, str]) -> str:
    return subprocess.run(argv, cwd=REPO, env=env, capture_output=True, check=True, text=True).stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--compress", default="fast", choices=("none", "fast", "best"))
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="scelle-bench-"))
    try:
        env = cached_bytecode_environment(workdir / "pycache")
        raw = build_image(workdir, args.files)
        e01 = workdir / "bench-ext4.E01"
        scelle = [sys.executable, "-m", "cli"]
        acquire = [*scelle, "acquire", str(raw), str(e01), "--format", "e01", "--compress", args.compress, "-q"]
        subprocess.run(acquire, cwd=REPO, env=env, check=True, capture_output=True)
        print(f"acquired {e01.name}: {e01.stat().st_size / 1e6:.1f} MB on disk (--compress {args.compress})")
        commands = {
            "raw": [*scelle, "image", "ls", "--json", "--hash", str(raw)],
            "e01": [*scelle, "image", "ls", "--json", "--hash", str(e01)],
        }
        listings = {name: _listing(argv, env) for name, argv in commands.items()}
        if listings["raw"] != listings["e01"]:
            print("the E01 and raw listings differ: nothing to compare", file=sys.stderr)
            return 1
        print(f"listings identical: {len(listings['raw'].splitlines())} lines")
        load = os.getloadavg()[0]
        times = _timed(commands, args.runs, env)
        inflate = min(_inflate_all_seconds(e01) for _ in range(3))
    finally:
        shutil.rmtree(workdir)
    raw_s, e01_s = statistics.median(times["raw"]), statistics.median(times["e01"])
    print(f"load average before: {load:.2f}, after: {os.getloadavg()[0]:.2f} ({os.cpu_count()} CPUs)")
    print(f"  raw listing: {raw_s:.3f} s (median of {args.runs}, min {min(times['raw']):.3f})")
    print(f"  E01 listing: {e01_s:.3f} s (median of {args.runs}, min {min(times['e01']):.3f})")
    print(f"  reading every chunk of the E01 once (in process): {inflate:.3f} s")
    print(f"E01 / raw: {e01_s / raw_s:.2f} (goal <= 1.2)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
