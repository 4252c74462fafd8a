"""scelle's own E01 reader against libewf on every EWF image under a directory (issue 16): same media, byte for byte.

For each first segment (``*.E01``, ``*.s01``, ``*.Ex01``, ``*.L01``; lower case too) it reads the whole media twice,
once with scelle's reader (``EwfSource``; images it does not cover go to libewf anyway, shown as ``libewf``) and once
through libewf only (``EwfSource(fast=False)``), and prints the SHA-256 of each, or the error each gave. Exit 1 if
any image differs, or if one reader fails where the other reads.

    python benchmarks/ewf_media.py DIRECTORY...
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from evidence.common.errors import ImageError  # noqa: E402
from evidence.sources.ewf import EwfSource, find_segments  # noqa: E402

FIRST = re.compile(r".*\.(e01|ex01|s01|l01|lx01)", re.IGNORECASE)


def _digest(segments: list[Path], fast: bool) -> tuple[str, str, float]:
    started = time.perf_counter()
    try:
        with EwfSource(segments, fast=fast) as source:
            reader = "scelle" if source._fast is not None else "libewf"
            digest, offset = hashlib.sha256(), 0
            while offset < source.size:
                data = source.read_at(offset, 4 << 20)
                digest.update(data)
                offset += len(data)
            return reader, digest.hexdigest(), time.perf_counter() - started
    except ImageError as exc:
        return "error", " ".join(str(exc).split())[:100], time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directories", nargs="+", type=Path)
    args = parser.parse_args()
    firsts = sorted(p for d in args.directories for p in d.rglob("*") if p.is_file() and FIRST.fullmatch(p.name))
    bad = 0
    for first in firsts:
        segments = find_segments(first)
        own = _digest(segments, True)
        oracle = _digest(segments, False)
        same = own[1] == oracle[1] and (own[0] == "error") == (oracle[0] == "error")
        bad += not same
        print(
            f"{'same' if same else 'DIFFERENT'}  {first}  {own[0]} {own[2]:.2f}s / libewf {oracle[2]:.2f}s  "
            f"{own[1][:64]}" + ("" if same else f"  libewf: {oracle[1][:64]}")
        )
    print(f"{len(firsts)} images, {bad} different")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
