"""Which deflate implementation should compress E01 chunks? zlib vs ISA-L (isal) vs zlib-ng, 1 and 2 threads.

Compresses mixed content (benchmarks/mixed_content.py) in 32 KiB chunks, as the E01 writer does, and prints the
throughput and the stored size (a chunk is kept compressed only when that is smaller, EWF.md §8). All three produce
standard zlib streams that libewf reads. zlib-ng is optional (``pip install zlib-ng``).

    python benchmarks/compressors.py [--size MIB]
"""

from __future__ import annotations

import argparse
import time
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from mixed_content import MIB, pieces

CHUNK = 32 * 1024
Compressor = Callable[[memoryview], bytes]


def implementations() -> dict[str, Compressor]:
    found: dict[str, Compressor] = {
        "zlib level 1": lambda c: zlib.compress(c, 1),
        "zlib level 6": lambda c: zlib.compress(c, 6),
        "zlib level 9": lambda c: zlib.compress(c, 9),
    }
    try:
        from isal import isal_zlib

        found["isal level 1"] = lambda c: isal_zlib.compress(c, 1)
        found["isal level 3"] = lambda c: isal_zlib.compress(c, 3)
    except ImportError:
        print("isal not installed: skipped")
    try:
        from zlib_ng import zlib_ng

        found["zlib-ng level 1"] = lambda c: zlib_ng.compress(c, 1)
        found["zlib-ng level 9"] = lambda c: zlib_ng.compress(c, 9)
    except ImportError:
        print("zlib-ng not installed (pip install zlib-ng): skipped")
    return found


def stored_size(compress: Compressor, chunks: list[memoryview]) -> int:
    total = 0
    for chunk in chunks:
        packed = compress(chunk)
        total += len(packed) if len(packed) < len(chunk) else len(chunk) + 4
    return total


def measure(compress: Compressor, chunks: list[memoryview], threads: int) -> tuple[float, int]:
    start = time.perf_counter()
    if threads == 1:
        size = stored_size(compress, chunks)
    else:
        shares = [chunks[i::threads] for i in range(threads)]
        with ThreadPoolExecutor(threads) as pool:
            size = sum(pool.map(lambda share: stored_size(compress, share), shares))
    return time.perf_counter() - start, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=64, help="MiB of mixed content (default 64)")
    args = parser.parse_args()
    data = b"".join(pieces(args.size * MIB))
    view = memoryview(data)
    chunks = [view[i : i + CHUNK] for i in range(0, len(data), CHUNK)]
    print(f"{len(data) // MIB} MiB of mixed content, {len(chunks)} chunks of 32 KiB")
    print(f"{'implementation':<18} {'1 thread MB/s':>14} {'2 threads MB/s':>15} {'stored size':>12}")
    for name, compress in implementations().items():
        one, size = measure(compress, chunks, 1)
        two, _ = measure(compress, chunks, 2)
        print(f"{name:<18} {len(data) / one / 1e6:>14.0f} {len(data) / two / 1e6:>15.0f} {size / len(data):>11.1%}")


if __name__ == "__main__":
    main()
