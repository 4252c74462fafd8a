#!/usr/bin/env python3
"""``scelle image ls --json --hash`` on an E01 against the same listing on the raw image it was made from (issue 16).

Usage (from the repository root):
    python benchmarks/ewf_listing.py [--files 2000] [--runs 5] [--compress fast] [--baseline OTHER_CHECKOUT]

Builds the ext4 image of ``benchmarks/hash_files.py`` (2,000 files of varied sizes, 5 % deleted), acquires it with
``scelle acquire --format e01 --compress LEVEL``, checks that both listings are identical (entries, digests), then
times each listing as a subprocess, the two taking turns after a warm-up round, and prints the medians and their
ratio. Goal: E01 / raw <= 1.2.

The E01 listing does more work than the raw one by nature: every chunk TSK touches is inflated (libdeflate) and checked.
So the script also prints that work alone (every chunk of the E01 inflated once, in this process), the least the
E01 listing can add to the raw one.

``--baseline`` names another checkout of scelle (a worktree of ``main``, say): its two listings are checked equal to
these and timed in the same rounds, so a change is measured against its baseline under the same machine load.
Every listing then runs as ``sh -c 'cd CHECKOUT && exec python -m cli ...'``, both checkouts alike.
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


def _in(checkout: Path, argv: list[str]) -> list[str]:
    """``argv`` (``python -m cli ...``) run from ``checkout``, so that its ``cli`` package is the one imported."""
    return ["sh", "-c", 'cd "$0" && exec "$@"', str(checkout), *argv]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--compress", default="fast", choices=("none", "fast", "best"))
    parser.add_argument("--baseline", type=Path, help="another checkout of scelle, timed in the same rounds")
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
        if args.baseline:
            checkout = args.baseline.resolve()
            commands = {
                **{name: _in(REPO, argv) for name, argv in commands.items()},
                **{f"baseline {name}": _in(checkout, argv) for name, argv in commands.items()},
            }
        listings = {name: _listing(argv, env) for name, argv in commands.items()}
        if len(set(listings.values())) != 1:
            print("the listings differ: nothing to compare", file=sys.stderr)
            return 1
        print(f"listings identical: {len(listings['raw'].splitlines())} lines")
        load = os.getloadavg()[0]
        cpu: dict[str, list[float]] = {}
        times = _timed(commands, args.runs, env, cpu)
        inflate = min(_inflate_all_seconds(e01) for _ in range(3))
    finally:
        shutil.rmtree(workdir)
    print(f"load average before: {load:.2f}, after: {os.getloadavg()[0]:.2f} ({os.cpu_count()} CPUs)")
    print(f"  reading every chunk of the E01 once (in process): {inflate:.3f} s")
    for prefix in ("", "baseline ") if args.baseline else ("",):
        raw_s, e01_s = statistics.median(times[f"{prefix}raw"]), statistics.median(times[f"{prefix}e01"])
        for kind in ("raw", "E01"):
            name = f"{prefix}{kind.lower()}"
            print(
                f"  {prefix}{kind} listing: {statistics.median(times[name]):.3f} s (median of {args.runs}, "
                f"min {min(times[name]):.3f}), CPU {statistics.median(cpu[name]):.3f} s"
            )
        cpu_ratio = statistics.median(cpu[f"{prefix}e01"]) / statistics.median(cpu[f"{prefix}raw"])
        print(f"{prefix}E01 / raw: {e01_s / raw_s:.2f} (goal <= 1.2); in CPU time {cpu_ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
