#!/usr/bin/env python3
"""Which library should inflate E01 chunks? libdeflate (the ``deflate`` package) vs ISA-L (isal) vs zlib.

Builds SIZE MiB of mixed content (benchmarks/mixed_content.py), acquires it with ``scelle acquire --format e01
--compress fast`` (ISA-L level 1, as scelle writes E01 by default for speed), reads every compressed chunk's stored
bytes once, then inflates them all with each library, one thread, best of ``--repeat`` rounds, and prints the time
per chunk. Every library's output is checked equal to zlib's first. scelle's chunk reader
(``evidence.ewf.reader.inflater``) uses the first of libdeflate, ISA-L and zlib that is installed.

    python benchmarks/inflate.py [--size 64] [--repeat 5] [--image EXISTING.E01]

``--image`` times the chunks of an existing E01 instead (for instance the ext4 image of ``benchmarks/ewf_listing.py``,
whose chunks are mostly random file data and zeros).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from pathlib import Path

from bytecode import cached_bytecode_environment
from mixed_content import MIB, write_mixed

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from evidence.ewf.layout import ChunkVerifier  # noqa: E402
from evidence.sources import open_image  # noqa: E402


def _stored_chunks(image: Path) -> tuple[list[bytes], int]:
    """The stored bytes of every compressed chunk of ``image``, and the chunk size."""
    with open_image(image) as source:
        chunk_size, size, segments = source.metadata.chunk_size or 32768, source.size, list(source.segments)
    layout = ChunkVerifier(segments, chunk_size, size)
    try:
        located = [layout.stored(index) for index in range(layout.chunk_count)]
        return [os.pread(fd, end - start, start) for fd, _p, start, end, packed in located if packed], chunk_size
    finally:
        layout.close()


def _inflaters(chunk_size: int) -> dict[str, Callable[[bytes], bytes | bytearray]]:
    found: dict[str, Callable[[bytes], bytes | bytearray]] = {"zlib": zlib.decompress}
    try:
        import deflate

        found["libdeflate"] = lambda stored: deflate.zlib_decompress(stored, chunk_size)
    except ImportError:
        print("libdeflate: not installed (pip install deflate), skipped")
    try:
        from isal import isal_zlib

        found["isal"] = isal_zlib.decompress
    except ImportError:
        print("isal: not installed, skipped")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=64, help="MiB of mixed content (default 64)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--image", type=Path, help="an existing E01 to take the chunks of")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="scelle-inflate-"))
    try:
        if args.image:
            stored, chunk_size = _stored_chunks(args.image)
            return _report(stored, chunk_size, args.repeat)
        raw = write_mixed(workdir / "mixed.raw", args.size * MIB)
        image = workdir / "mixed.E01"
        acquire = [sys.executable, "-m", "cli", "acquire", str(raw), str(image), "--format", "e01", "-q"]
        env = cached_bytecode_environment(workdir / "pycache")
        subprocess.run([*acquire, "--compress", "fast"], cwd=ROOT, env=env, check=True, capture_output=True)
        stored, chunk_size = _stored_chunks(image)
    finally:
        shutil.rmtree(workdir)
    return _report(stored, chunk_size, args.repeat)


def _report(stored: list[bytes], chunk_size: int, repeat: int) -> int:
    """Time each inflater on the chunks stored in more than ``SMALL_STORED`` bytes, those scelle's reader inflates
    each time (it remembers the smaller ones, such as the zero chunk, see ``evidence.ewf.reader``), then on all."""
    from evidence.ewf.reader import SMALL_STORED

    inflaters = _inflaters(chunk_size)
    expected = [zlib.decompress(chunk) for chunk in stored]
    for name, inflate in inflaters.items():
        if [bytes(inflate(chunk)) for chunk in stored] != expected:
            print(f"{name}: output differs from zlib's", file=sys.stderr)
            return 1
    large = [chunk for chunk in stored if len(chunk) > SMALL_STORED]
    print(f"{len(stored)} compressed chunks of {chunk_size} bytes, {len(large)} stored in more than {SMALL_STORED}")
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    best: dict[tuple[str, str], float] = {}
    for _ in range(repeat):
        for kind, chunks in (("large", large), ("all", stored)):
            for name, inflate in inflaters.items():  # in turns, so a change of load falls on all of them
                started = time.perf_counter()
                for chunk in chunks:
                    inflate(chunk)
                elapsed = time.perf_counter() - started
                best[kind, name] = min(best.get((kind, name), elapsed), elapsed)
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    for (kind, name), seconds in best.items():
        count = len(large) if kind == "large" else len(stored)
        print(f"{kind:>5} {name:>10}: {seconds:.3f} s, {seconds / max(1, count) * 1e6:.1f} us a chunk")
    return 0


if __name__ == "__main__":
    sys.exit(main())
