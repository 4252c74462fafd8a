"""Whole media chunks of an EWF set kept for small reads, in two sets: file content and file-system metadata.

TSK reads a file system in sectors and blocks (through its own 64 KiB cache lines), so ``image ls --hash``, ``cat``
and ``extract`` on an E01 ask for the same chunk many times, and each chunk fetched again is inflated again. The two
kinds of reads come back differently (measured on the 2,000-file ext4 listing of ``benchmarks/ewf_listing.py``):

* file content is read once, front to back: the chunks around the current file are enough (``CONTENT_CHUNKS``);
* metadata (directories, inode tables, the MFT) is read again far later: to find orphan files TSK walks every
  directory a second time, after the content of all the files in between has been read. One shared LRU of 64
  chunks inflated 2,449 chunks for 1,588 distinct ones; metadata chunks are therefore kept in a larger set of their
  own, bounded in bytes (``METADATA_BYTES``) whatever the image size, that content reads do not push out.

Only chunks that passed their checks are given to the cache (``evidence.sources.ewf``): it holds verified media.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

#: content chunks kept (2 MiB of 32 KiB chunks): the file being read and its neighbours
CONTENT_CHUNKS = 64
#: bytes of metadata chunks kept (1,024 chunks of 32 KiB)
METADATA_BYTES = 32 << 20


class ChunkCache:
    """Two least-recently-used sets of chunks (index -> media bytes). Thread-safe."""

    def __init__(self, chunk_size: int, content_chunks: int | None = None, metadata_bytes: int | None = None) -> None:
        """Sets of ``content_chunks`` chunks and ``metadata_bytes`` bytes (``CONTENT_CHUNKS``, ``METADATA_BYTES``)."""
        self._content: OrderedDict[int, bytes] = OrderedDict()
        self._metadata: OrderedDict[int, bytes] = OrderedDict()
        self._content_chunks = max(1, CONTENT_CHUNKS if content_chunks is None else content_chunks)
        metadata_bytes = METADATA_BYTES if metadata_bytes is None else metadata_bytes
        self._metadata_chunks = max(1, metadata_bytes // max(1, chunk_size))
        self._lock = threading.Lock()

    def get(self, index: int, metadata: bool) -> bytes | None:
        """The chunk kept for ``index``, or None; a content chunk read as metadata moves to the metadata set."""
        with self._lock:
            data = self._metadata.get(index)
            if data is not None:
                self._metadata.move_to_end(index)
                return data
            data = self._content.get(index)
            if data is None:
                return None
            if metadata:
                del self._content[index]
                self._keep(self._metadata, index, data, self._metadata_chunks)
            else:
                self._content.move_to_end(index)
            return data

    def put(self, index: int, data: bytes, metadata: bool) -> None:
        """Keep a verified chunk, forgetting the least recently used one of its set when that set is full."""
        with self._lock:
            if metadata:
                self._keep(self._metadata, index, data, self._metadata_chunks)
            else:
                self._keep(self._content, index, data, self._content_chunks)

    @staticmethod
    def _keep(kept: OrderedDict[int, bytes], index: int, data: bytes, capacity: int) -> None:
        kept[index] = data
        kept.move_to_end(index)
        while len(kept) > capacity:
            kept.popitem(last=False)

    def __len__(self) -> int:
        with self._lock:
            return len(self._content) + len(self._metadata)

    def clear(self) -> None:
        """Forget every chunk."""
        with self._lock:
            self._content.clear()
            self._metadata.clear()
