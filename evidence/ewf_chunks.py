"""Turn media chunks into their stored E01 form: a zlib stream when that is shorter, else raw data + Adler-32.

The deflate implementation was chosen by measurement (``benchmarks/deflate.py``): ISA-L (``isal``) level 1
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

from evidence.errors import UsageError
from evidence.ewf_sections import CompressionLevel, adler32

Compressor = Callable[[bytes | memoryview], bytes]

#: Names accepted for ``--compress``.
COMPRESSION_NAMES = {"none": CompressionLevel.NONE, "fast": CompressionLevel.FAST, "best": CompressionLevel.BEST}


def _fast_compressor() -> tuple[Compressor, str]:
    try:
        isal = importlib.import_module("isal")
        isal_zlib = importlib.import_module("isal.isal_zlib")
    except ImportError:
        isal_zlib = None  # isal is a dependency; zlib keeps scelle working without it, and the record says so
    if isal_zlib is not None:
        compress: Callable[[bytes | memoryview, int], bytes] = isal_zlib.compress
        return (lambda data: compress(data, 1)), f"isal {isal.__version__} level 1"
    return (lambda data: zlib.compress(data, 1)), f"zlib {zlib.ZLIB_RUNTIME_VERSION} level 1 (isal not available)"


@dataclass(frozen=True, slots=True)
class ChunkCodec:
    """How chunks of ``chunk_size`` bytes are stored for one compression level.

    ``implementation`` names the deflate library and level actually used, for the acquisition record.
    """

    level: CompressionLevel
    chunk_size: int
    implementation: str
    compress: Compressor | None = field(repr=False)
    _zero_chunk: bytes = field(repr=False, default=b"")
    _zero_stored: tuple[bytes, bool] = field(repr=False, default=(b"", False))

    def encode(self, chunk: bytes | memoryview) -> tuple[bytes, bool]:
        """The stored form of one chunk and whether it is compressed (EWF.md §8: zlib only if shorter than raw)."""
        if self.compress is not None:
            packed = self.compress(chunk)
            if len(packed) < len(chunk):
                return packed, True
        return b"".join((chunk, adler32(chunk).to_bytes(4, "little"))), False

    def encode_batch(self, batch: bytes | bytearray, length: int | None = None) -> list[tuple[bytes, bool]]:
        """Encode the chunks in ``batch[:length]``: whole chunks, except that the last one may be short.

        All-zero chunks, common on disks, reuse one encoded copy instead of being compressed again. Nothing
        returned refers to ``batch``, so the caller may reuse it at once.
        """
        size = self.chunk_size
        end = len(batch) if length is None else length
        view = memoryview(batch)
        out: list[tuple[bytes, bool]] = []
        for start in range(0, end, size):
            if start + size <= end and batch.startswith(self._zero_chunk, start, start + size):
                out.append(self._zero_stored)
            else:
                out.append(self.encode(view[start : min(start + size, end)]))
        return out


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
    codec = ChunkCodec(level, chunk_size, implementation, compress)
    zero = bytes(chunk_size)
    return ChunkCodec(level, chunk_size, implementation, compress, zero, codec.encode(zero))
