"""Turn media chunks into their stored E01 form: a zlib stream when that is shorter, else raw data + Adler-32.

The deflate implementation was chosen by measurement (``benchmarks/compressors.py``): ISA-L (``isal``) level 1
compresses our mixed test data about 6x faster than zlib level 1 and to a slightly smaller size, and releases the
GIL, so chunks compress in parallel threads. ``fast`` therefore uses ISA-L level 1, falling back to zlib level 1
when ``isal`` cannot be imported (the choice is recorded in ``ChunkCodec.implementation``). ``best`` uses zlib
level 9, the smallest output, as ewfacquire does; ISA-L's highest level 3 is about 2 % larger.
"""

from __future__ import annotations

import importlib
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from evidence.common.errors import UsageError
from evidence.ewf.format import CompressionLevel
from evidence.ewf.sections import adler32

Compressor = Callable[[bytes | memoryview], bytes]

#: Names accepted for ``--compress``.
COMPRESSION_NAMES = {"none": CompressionLevel.NONE, "fast": CompressionLevel.FAST, "best": CompressionLevel.BEST}


def _fast_compressor() -> tuple[Compressor, str]:
    isal_zlib = _isal_zlib()
    if isal_zlib is not None:
        compress: Callable[[bytes | memoryview, int], bytes] = isal_zlib.compress
        version = importlib.import_module("isal").__version__
        return (lambda data: compress(data, 1)), f"isal {version} level 1"
    return (lambda data: zlib.compress(data, 1)), f"zlib {zlib.ZLIB_RUNTIME_VERSION} level 1 (isal not available)"


def _isal_zlib() -> Any:
    try:
        return importlib.import_module("isal.isal_zlib")
    except ImportError:
        return None  # isal is a dependency; zlib keeps scelle working without it, and the record says so


def _adler32() -> Callable[[bytes | memoryview], int]:
    # Adler-32 is one function whoever computes it; ISA-L's takes a fifth of zlib's time on a 32 KiB chunk.
    isal_zlib = _isal_zlib()
    return isal_zlib.adler32 if isal_zlib is not None else adler32


@dataclass(frozen=True, slots=True)
class EncodedRun:
    """Consecutive chunks in their stored form: ``blob`` holds them back to back, ``lengths[i]`` bytes each."""

    blob: bytes
    lengths: list[int]
    compressed: list[bool]


@dataclass(frozen=True, slots=True)
class ChunkCodec:
    """How chunks of ``chunk_size`` bytes are stored for one compression level.

    ``implementation`` names the deflate library and level actually used, for the acquisition record.
    """

    level: CompressionLevel
    chunk_size: int
    implementation: str
    compress: Compressor | None = field(repr=False)
    checksum: Callable[[bytes | memoryview], int] = field(repr=False, default=adler32)
    _zero_chunk: bytes = field(repr=False, default=b"")
    _zero_stored: tuple[bytes, bool] = field(repr=False, default=(b"", False))

    def encode(self, chunk: bytes | memoryview) -> tuple[bytes, bool]:
        """The stored form of one chunk and whether it is compressed (EWF.md §8: zlib only if shorter than raw)."""
        run = self.encode_run(chunk)
        return run.blob, run.compressed[0]

    def encode_run(self, data: bytes | bytearray | memoryview) -> EncodedRun:
        """Encode ``data``, cut into chunks: whole chunks, except that the last one may be short.

        Each chunk is stored as a zlib stream only if that is shorter, else as raw data followed by its Adler-32
        (EWF.md §8). All-zero chunks, common on disks, reuse one encoded copy instead of being compressed again.
        The result is one ``bytes`` (nothing in it refers to ``data``, which the caller may reuse at once), so the
        writer lays out a whole run with one write.
        """
        size = self.chunk_size
        view = memoryview(data)
        zero = self._zero_chunk
        zero_stored, zero_compressed = self._zero_stored
        compress = self.compress
        checksum = self.checksum
        parts: list[bytes | memoryview] = []
        lengths: list[int] = []
        flags: list[bool] = []
        for start in range(0, len(view), size):
            chunk = view[start : start + size]
            if len(chunk) == size and zero.startswith(chunk):
                parts.append(zero_stored)
                lengths.append(len(zero_stored))
                flags.append(zero_compressed)
                continue
            if compress is not None:
                packed = compress(chunk)
                if len(packed) < len(chunk):
                    parts.append(packed)
                    lengths.append(len(packed))
                    flags.append(True)
                    continue
            parts.append(chunk)
            parts.append(checksum(chunk).to_bytes(4, "little"))
            lengths.append(len(chunk) + 4)
            flags.append(False)
        return EncodedRun(b"".join(parts), lengths, flags)


def make_codec(compression: str, chunk_size: int) -> ChunkCodec:
    """The codec for ``none``, ``fast`` or ``best`` (``UsageError`` for anything else)."""
    try:
        level = COMPRESSION_NAMES[compression]
    except KeyError:
        raise UsageError(f"unknown E01 compression {compression!r}; use one of none, fast, best") from None
    compress: Compressor | None
    if level is CompressionLevel.NONE:
        compress, implementation = None, "none (every chunk stored with its Adler-32)"
    elif level is CompressionLevel.FAST:
        compress, implementation = _fast_compressor()
    else:
        compress, implementation = (lambda data: zlib.compress(data, 9)), f"zlib {zlib.ZLIB_RUNTIME_VERSION} level 9"
    checksum = _adler32()
    codec = ChunkCodec(level, chunk_size, implementation, compress, checksum)
    zero = bytes(chunk_size)
    return ChunkCodec(level, chunk_size, implementation, compress, checksum, zero, codec.encode(zero))
