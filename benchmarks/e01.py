"""scelle's E01 writer against ewfacquire on mixed content (issue 4).

Builds SIZE MiB of mixed content (zeros, random, text, ext2 images; benchmarks/mixed_content.py) in a temporary
directory (by default in /dev/shm, so that the times measure the tools and not the disk: scelle fsyncs every segment
before it reports success, ewfacquire does not), then times, in one run and from the page cache, ``--repeat`` rounds
of each (interleaved; the speed-up uses the best time of each, the usual way to factor out other load):

* ``ewfacquire -u -q -c fast -d sha1 -f encase6`` (MD5 + SHA-1, EnCase 6 format, one segment), and
* ``scelle acquire --format e01 --compress fast --hash md5,sha1``, the same E01 with MD5 + SHA-1 (the CLI also
  computes the record's SHA-256 + BLAKE3 and the segment files' digests).

It prints both times, the speed-up (goal: >= 3.5x) and both output sizes (goal: scelle <= 1.10x), then checks
scelle's image with ``ewfverify`` (skip with --no-verify).

scelle runs with Python's bytecode cache allowed (PYTHONDONTWRITEBYTECODE removed, the cache in a temporary
PYTHONPYCACHEPREFIX) and one untimed warm-up acquisition of 1 MiB first, so its start-up is that of an installed
package; with the variable set (as in some sandboxes) scelle, run from a source tree, would recompile its modules on
every run.

    python benchmarks/e01.py [--size 512] [--repeat 5] [--dir DIR] [--keep DIR] [--no-verify]
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
from mixed_content import MIB, write_mixed

ROOT = Path(__file__).resolve().parents[1]
SEGMENT = "1500MiB"


def run_ewfacquire(source: Path, target: Path) -> float:
    ewfacquire = shutil.which("ewfacquire")
    if ewfacquire is None:
        raise SystemExit("ewfacquire is not installed (Debian package ewf-tools)")
    args = [
        ewfacquire,
        "-u",
        "-q",
        "-c",
        "fast",
        "-d",
        "sha1",
        "-f",
        "encase6",
        "-S",
        SEGMENT,
        "-t",
        str(target),
        "-C",
        "BENCH",
        "-E",
        "1",
        "-e",
        "bench",
        "-D",
        "mixed content",
        "-N",
        "benchmark",
        str(source),
    ]
    start = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True)
    return time.perf_counter() - start


def run_scelle_cli(source: Path, target: Path, env: dict[str, str]) -> float:
    args = [
        sys.executable,
        "-m",
        "cli",
        "acquire",
        str(source),
        str(target),
        "--format",
        "e01",
        "--compress",
        "fast",
        "--hash",
        "md5,sha1",
        "--segment-size",
        SEGMENT,
        "--case",
        "BENCH",
        "--evidence",
        "1",
        "--examiner",
        "bench",
        "--description",
        "mixed content",
        "--notes",
        "benchmark",
        "--quiet",
    ]
    start = time.perf_counter()
    subprocess.run(args, cwd=ROOT, check=True, capture_output=True, env=env)
    return time.perf_counter() - start


def cli_startup(env: dict[str, str]) -> float:
    """Seconds the CLI takes to start and exit (imports): a fixed cost inside the CLI timing."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "cli", "--version"], cwd=ROOT, check=True, capture_output=True, env=env)
    return time.perf_counter() - start


def total_size(first: Path) -> int:
    return sum(p.stat().st_size for p in first.parent.glob(first.stem + ".[Ee]??"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=512, help="MiB of mixed content (default 512)")
    parser.add_argument("--repeat", type=int, default=5, help="rounds of each tool; the best is kept (default 5)")
    default_dir = "/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir()
    parser.add_argument("--dir", default=default_dir, help=f"where the files go (default {default_dir})")
    parser.add_argument("--keep", type=Path, help="write into this directory and keep the files")
    parser.add_argument("--no-verify", action="store_true", help="do not run ewfverify on scelle's image")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="scelle-bench-", dir=args.dir) as tmp,
        tempfile.TemporaryDirectory(prefix="scelle-bench-pycache-") as cache,
    ):
        env = cached_bytecode_environment(Path(cache))
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        source = write_mixed(work / "mixed.raw", args.size * MIB)
        source.read_bytes()  # both tools read from the page cache
        warm = work / "warm-up.raw"
        with source.open("rb") as head:
            warm.write_bytes(head.read(MIB))
        run_scelle_cli(warm, work / "warm-up.E01", env)
        ewf_times: list[float] = []
        scelle_times: list[float] = []
        for round_number in range(max(1, args.repeat)):
            for stem in ("ewfacquire", "scelle"):
                for old in work.glob(stem + ".[Ee]??"):
                    old.unlink()
                for old in work.glob(stem + ".*.json"):
                    old.unlink()
            os.sync()  # neither tool pays for flushing the other's output
            ewf_times.append(run_ewfacquire(source, work / "ewfacquire"))
            os.sync()
            scelle_times.append(run_scelle_cli(source, work / "scelle.E01", env))
            print(f"round {round_number + 1}: ewfacquire {ewf_times[-1]:.2f} s, scelle {scelle_times[-1]:.2f} s")
        ewf_time, scelle_time = min(ewf_times), min(scelle_times)
        ewf_size, scelle_size = total_size(work / "ewfacquire.E01"), total_size(work / "scelle.E01")
        mb = args.size * MIB / 1e6
        print(f"media: {args.size} MiB of mixed content (zeros, random, text, ext2 images) in {work}")
        print(
            f"ewfacquire -c fast -d sha1: {ewf_time:6.2f} s  {mb / ewf_time:6.0f} MB/s  output {ewf_size:,} bytes"
            f"  (best of {len(ewf_times)}; median {statistics.median(ewf_times):.2f} s)"
        )
        print("scelle acquire --format e01:")
        print(
            f"  --compress fast md5+sha1:   {scelle_time:6.2f} s  {mb / scelle_time:6.0f} MB/s  "
            f"output {scelle_size:,} bytes  (best of {len(scelle_times)}; median "
            f"{statistics.median(scelle_times):.2f} s)"
        )
        print(
            f"  (of which CLI start-up: {cli_startup(env):.2f} s; the CLI also computes SHA-256 + BLAKE3 of the "
            "media and of each segment file)"
        )
        print(
            f"speed-up: {ewf_time / scelle_time:.2f}x (goal >= 3.5x; medians "
            f"{statistics.median(ewf_times) / statistics.median(scelle_times):.2f}x)"
        )
        print(f"size ratio scelle/ewfacquire: {scelle_size / ewf_size:.3f} (goal <= 1.10)")
        if not args.no_verify and shutil.which("ewfverify"):
            verify = subprocess.run(
                ["ewfverify", "-q", "-d", "sha1", str(work / "scelle.E01")], capture_output=True, text=True, check=False
            )
            print("ewfverify on scelle's image:", "SUCCESS" if verify.returncode == 0 else "FAILURE")
        print(f"load average now {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
