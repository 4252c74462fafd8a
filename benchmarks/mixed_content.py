"""Deterministic "mixed content" media for the E01 and deflate benchmarks (issue 4).

A quarter each of zeros, random bytes, English text (real prose, lines shuffled) and file-system images (ext2
images made with mke2fs from the Python standard library's files, so real code and free space), interleaved in
8 MiB pieces the way a used disk mixes them. Same seed, same bytes.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sysconfig
import tempfile
from collections.abc import Iterator
from pathlib import Path

MIB = 1024 * 1024
PIECE = 8 * MIB
KINDS = ("text", "zeros", "random", "filesystem")


def _text_corpus() -> list[bytes]:
    """Lines of real English prose: the Python reference topics and, where present, the Debian licence texts."""
    sources = [Path(sysconfig.get_paths()["stdlib"]) / "pydoc_data" / "topics.py"]
    licences = Path("/usr/share/common-licenses")
    if licences.is_dir():
        sources += sorted(p for p in licences.iterdir() if p.is_file())
    return [line for source in sources if source.is_file() for line in source.read_bytes().splitlines(keepends=True)]


def _text_block(rng: random.Random, size: int) -> bytes:
    """``size`` bytes of text: the corpus lines in shuffled order, so blocks differ but read like text."""
    lines = _text_corpus()
    if not lines:
        raise SystemExit("no text corpus found (Python's pydoc_data/topics.py is missing)")
    out = bytearray()
    while len(out) < size:
        rng.shuffle(lines)
        out += b"".join(lines)
    return bytes(out[:size])


def _filesystem_image(size: int, workdir: Path) -> bytes:
    """An ext2 image of ``size`` bytes holding standard-library files (about half full)."""
    mke2fs = shutil.which("mke2fs") or shutil.which("mkfs.ext2")
    if mke2fs is None:
        raise SystemExit("mke2fs (e2fsprogs) is needed to build the file-system part of the mixed content")
    tree = workdir / "tree"
    budget = int(size * 0.5)
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    for source in sorted(stdlib.rglob("*")):
        if budget <= 0:
            break
        if source.is_file() and not source.is_symlink() and source.stat().st_size <= budget:
            target = tree / source.relative_to(stdlib)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            budget -= source.stat().st_size
    image = workdir / "fs.img"
    options = ["-q", "-F", "-t", "ext2", "-b", "1024", "-i", "4096", "-E", "root_owner=0:0", "-d", str(tree)]
    subprocess.run([mke2fs, *options, str(image), f"{size // 1024}k"], check=True, capture_output=True)
    return image.read_bytes()


def pieces(total: int, seed: int = 2024) -> Iterator[bytes]:
    """Yield the mixed content in pieces of at most 8 MiB, ``total`` bytes in all."""
    rng = random.Random(seed)
    text = _text_block(rng, 4 * MIB)
    fs_total = -(-total // (len(KINDS) * PIECE)) * PIECE
    with tempfile.TemporaryDirectory(prefix="scelle-mixed-") as tmp:
        filesystem = _filesystem_image(max(fs_total, 4 * MIB), Path(tmp))
    done = fs_offset = 0
    index = 0
    while done < total:
        size = min(PIECE, total - done)
        kind = KINDS[index % len(KINDS)]
        if kind == "zeros":
            piece = bytes(size)
        elif kind == "random":
            piece = rng.randbytes(size)
        elif kind == "text":
            shift = rng.randrange(len(text))
            piece = ((text[shift:] + text[:shift]) * (size // len(text) + 1))[:size]
        else:
            piece = filesystem[fs_offset : fs_offset + size].ljust(size, b"\0")
            fs_offset += size
        yield piece
        done += size
        index += 1


def write_mixed(path: Path, total: int, seed: int = 2024) -> Path:
    """Write ``total`` bytes of mixed content to ``path``."""
    with path.open("wb") as handle:
        for piece in pieces(total, seed):
            handle.write(piece)
    return path
