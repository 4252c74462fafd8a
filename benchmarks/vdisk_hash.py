#!/usr/bin/env python3
"""Time `scelle image hash` of a 512 MiB virtual disk against `qemu-img convert -O raw` + `sha256sum` (the floor).

Usage (from the repository root, with qemu-img and sha256sum installed):
    .venv/bin/python benchmarks/vdisk_hash.py [--size-mib 512] [--runs 3] [--formats qcow2,qcow2-c,vmdk,vpc]

The script writes a raw disk of --size-mib MiB (a quarter random, a quarter repeated bytes, half zeros, in 1 MiB
stretches), converts it with qemu-img into each format, then times, the contenders taking turns after one warm-up
run (median reported):

- floor: `qemu-img convert -O raw IMAGE x.raw && sha256sum x.raw` (one digest, qemu's C reader; qemu-img cannot
  write raw to a pipe, so the file is written, in the same temporary folder, and removed);
- scelle: `python -m cli image hash IMAGE` (SHA-256 and BLAKE3).

Before timing it checks that scelle's SHA-256 is the floor's. The ratio scelle / floor is printed per format.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORMATS = {"qcow2": ["-O", "qcow2"], "qcow2-c": ["-c", "-O", "qcow2"], "vmdk": ["-O", "vmdk"], "vpc": ["-O", "vpc"]}


def make_raw(path: Path, size_mib: int) -> None:
    rng = random.Random(512)
    with path.open("wb") as out:
        for index in range(size_mib):
            kind = index % 4
            if kind == 0:
                out.write(rng.randbytes(1 << 20))
            elif kind == 1:
                out.write(bytes([index % 251]) * (1 << 20))
            else:
                out.write(bytes(1 << 20))


def floor(image: Path) -> str:
    """qemu-img cannot write raw to a pipe: convert into a file beside the image, hash it, remove it."""
    out = image.with_name(image.name + ".raw")
    try:
        subprocess.run(["qemu-img", "convert", "-O", "raw", str(image), str(out)], check=True)
        done = subprocess.run(["sha256sum", str(out)], capture_output=True, check=True, text=True)
    finally:
        out.unlink(missing_ok=True)
    return done.stdout.split()[0]


def scelle(image: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "cli", "image", "hash", str(image)], cwd=ROOT, capture_output=True, check=True, text=True
    )
    return next(line.split(":", 1)[1] for line in done.stdout.splitlines() if line.startswith("sha256:"))


def timed(function: object, image: Path) -> float:
    started = time.perf_counter()
    function(image)  # type: ignore[operator]
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=512)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--formats", default=",".join(FORMATS))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        raw = Path(directory) / "disk.raw"
        make_raw(raw, args.size_mib)
        for name in args.formats.split(","):
            image = Path(directory) / f"disk.{name}"
            subprocess.run(["qemu-img", "convert", "-f", "raw", *FORMATS[name], str(raw), str(image)], check=True)
            expected = floor(image)
            if scelle(image) != expected:
                raise SystemExit(f"{name}: scelle's sha256 differs from qemu-img's conversion")
            times: dict[str, list[float]] = {"floor": [], "scelle": []}
            for _ in range(args.runs):
                times["floor"].append(timed(floor, image))
                times["scelle"].append(timed(scelle, image))
            low, ours = statistics.median(times["floor"]), statistics.median(times["scelle"])
            size = os.path.getsize(image) >> 20
            print(f"{name:8} ({size} MiB file): floor {low:.2f} s, scelle {ours:.2f} s, ratio {ours / low:.2f}")


if __name__ == "__main__":
    main()
