"""``scelle verify`` of an E01 against ``ewfverify`` and against the floor (issue 16), side by side in one run.

Builds SIZE MiB of mixed content (benchmarks/mixed_content.py) in a temporary directory (/dev/shm by default),
acquires it with ``scelle acquire --format e01 --compress fast --hash md5,sha1`` (so ``verify`` checks four digests:
the stored MD5/SHA-1 and the record's SHA-256/BLAKE3), then, interleaved over ``--repeat`` rounds, best time of each:

* ``ewfverify -q IMAGE`` (libewf, MD5 only);
* ``scelle verify IMAGE``;
* the floor's parts, in this process: inflate of every stored chunk (one thread) with ISA-L and with libdeflate,
  the faster of the two (which one depends on the content: ``benchmarks/inflate.py``), and each digest alone over
  the media in memory. floor = max((inflate + md5 + sha1 + sha256 + blake3) / cores, slowest single part).

``scelle verify`` also checks the SHA-256 and BLAKE3 its record lists for the segment files themselves (the
container, as written), work the issue's floor leaves out. So a second floor is printed with those two digests of
the segment files added to the parts, for what verify must do.

Goals: scelle at least 2x faster than ewfverify, and within 1.2x of the floor.

    python benchmarks/ewf_verify.py [--size 512] [--repeat 3] [--dir DIR] [--image EXISTING.E01]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import blake3
from bytecode import cached_bytecode_environment
from mixed_content import MIB, write_mixed

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from evidence.ewf.layout import ChunkVerifier  # noqa: E402
from evidence.sources import open_image  # noqa: E402


def _timed(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def _inflaters() -> dict[str, Callable[[bytes, int], object]]:
    """ISA-L's and libdeflate's inflate (the latter only when the deflate package is installed)."""
    import isal.isal_zlib as isal_zlib

    found: dict[str, Callable[[bytes, int], object]] = {"isal": lambda data, _size: isal_zlib.decompress(data)}
    try:
        import deflate
    except ImportError:
        return found
    found["libdeflate"] = deflate.zlib_decompress
    return found


def _inflate_all(image: Path, inflate: Callable[[bytes, int], object]) -> Callable[[], object]:
    import isal.isal_zlib as isal_zlib

    with open_image(image) as source:
        chunk_size, size = source.metadata.chunk_size or 32768, source.size
        segments = list(source.segments)
    layout = ChunkVerifier(segments, chunk_size, size)
    located = [layout.stored(index) for index in range(layout.chunk_count)]
    stored = [(os.pread(fd, end - start, start), compressed) for fd, _p, start, end, compressed in located]
    layout.close()

    def run() -> None:
        for data, compressed in stored:
            if compressed:
                inflate(data, chunk_size)
            else:
                isal_zlib.adler32(data)

    return run


def _digest(name: str, media: bytes) -> Callable[[], object]:
    if name == "blake3":
        return lambda: blake3.blake3(media, max_threads=1).digest()
    return lambda: hashlib.new(name, media).digest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=512, help="MiB of mixed content (default 512)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=Path("/dev/shm") if Path("/dev/shm").is_dir() else None)
    parser.add_argument("--image", type=Path, help="an E01 made by scelle acquire (with its record) to use instead")
    args = parser.parse_args()
    scelle = [sys.executable, "-m", "cli"]
    with tempfile.TemporaryDirectory(dir=args.dir) as work:
        env = cached_bytecode_environment(Path(work) / "pycache")
        image = args.image
        if image is None:
            raw = write_mixed(Path(work) / "m.raw", args.size * MIB)
            image = Path(work) / "m.E01"
            acquire = [*scelle, "acquire", str(raw), str(image), "--format", "e01", "--compress", "fast"]
            subprocess.run([*acquire, "--hash", "md5,sha1", "-q"], check=True, cwd=ROOT, env=env)
            raw.unlink()
        with open_image(image) as source:
            media = source.read_at(0, source.size)
        inflaters = {f"inflate {name}": _inflate_all(image, run) for name, run in _inflaters().items()}
        parts: dict[str, Callable[[], object]] = {}
        parts |= {name: _digest(name, media) for name in ("md5", "sha1", "sha256", "blake3")}
        container = b"".join(path.read_bytes() for path in sorted(image.parent.glob(image.stem + ".E[0-9A-Z][0-9A-Z]")))
        files = {f"file {name}": _digest(name, container) for name in ("sha256", "blake3")}
        commands = {
            "ewfverify": [shutil.which("ewfverify") or "ewfverify", "-q", str(image)],
            "scelle": [*scelle, "verify", str(image), "-q"],
        }
        best: dict[str, float] = {}
        for _round in range(args.repeat):
            for name, command in commands.items():
                seconds = _timed(
                    lambda c=command: subprocess.run(c, check=True, cwd=ROOT, env=env, capture_output=True)
                )
                best[name] = min(best.get(name, seconds), seconds)
            for name, run in {**inflaters, **parts, **files}.items():
                best[name] = min(best.get(name, float("inf")), _timed(run))
    best["inflate"] = min(best[name] for name in inflaters)  # the floor's inflate: the faster library
    parts["inflate"] = inflaters[min(inflaters, key=lambda name: best[name])]
    cores = os.cpu_count() or 1
    total = sum(best[name] for name in parts)
    floor = max(total / cores, max(best[name] for name in parts))
    for name, seconds in best.items():
        print(f"{name:10} {seconds:6.2f} s")
    slowest = max(best[name] for name in parts)
    print(f"floor      {floor:6.2f} s  (parts {total:.2f} s / {cores} cores, slowest part {slowest:.2f} s)")
    with_files = max((total + sum(best[name] for name in files)) / cores, slowest)
    print(f"floor with the segment files' SHA-256 and BLAKE3 (also checked by verify): {with_files:6.2f} s")
    print(f"ewfverify / scelle: {best['ewfverify'] / best['scelle']:.2f}x (goal >= 2; at most "
          f"{best['ewfverify'] / floor:.2f}x here, if scelle ran at the floor)")  # fmt: skip
    print(f"scelle / floor:     {best['scelle'] / floor:.2f}x (goal <= 1.2)")
    print(f"scelle / floor with the segment files: {best['scelle'] / with_files:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
