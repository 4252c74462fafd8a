"""Whole EWF chunks kept for small reads, fetched ahead while the caller works (issue 16).

TSK reads a file system in sectors and blocks, so ``image ls --hash``, ``cat`` and ``extract`` on an E01 ask for the
same 32 KiB chunk many times, and mostly for the chunk after the last one. Each chunk is inflated once and kept in a
small LRU cache; when the reads walk forward, the next chunks are inflated by one background thread (ISA-L and
``pread`` release the GIL), so the inflating runs on another core while the caller's thread hashes and lists.

Only ``fetch`` runs in the background: scelle's own chunk reader, which returns None for a chunk that fails a check.
Such a chunk is not cached; the caller reads it through libewf, whose verdict stands (``evidence.sources.ewf``).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import CancelledError, Future, ThreadPoolExecutor

CAPACITY = 64
"""Chunks kept (2 MiB of 32 KiB chunks): TSK's metadata and the file being read, plus the read-ahead window."""
AHEAD = 16
"""Chunks fetched ahead of a forward walk (512 KiB of 32 KiB chunks)."""


class ReadAhead:
    """An LRU cache of chunks over ``fetch`` (index -> bytes, or None when the chunk fails a check), with read-ahead."""

    def __init__(
        self, fetch: Callable[[int], bytes | None], chunk_count: int, *, capacity: int = CAPACITY, ahead: int = AHEAD
    ) -> None:
        self._fetch = fetch
        self._count = chunk_count
        self._capacity = max(capacity, 2 * ahead)
        self._ahead = ahead
        self._lock = threading.Lock()
        self._cache: OrderedDict[int, bytes] = OrderedDict()
        self._pending: dict[int, Future[bytes | None]] = {}
        self._last = -2
        self._pool: ThreadPoolExecutor | None = None
        self._closed = False

    def get(self, index: int) -> bytes | None:
        """Chunk ``index`` from the cache, the read-ahead, or ``fetch`` now; None when it fails a check."""
        with self._lock:
            data = self._cache.get(index)
            if data is not None:
                self._cache.move_to_end(index)
            future = self._pending.get(index) if data is None else None
            forward = index == self._last + 1
            self._last = index
        if data is None:
            try:
                data = future.result() if future is not None else self._fetch(index)
            except CancelledError:  # closing: fetch it here
                data = self._fetch(index)
            if data is not None:
                self._keep(index, data)
        if forward:
            self._schedule(index + 1)
        return data

    def _keep(self, index: int, data: bytes) -> None:
        with self._lock:
            self._keep_locked(index, data)

    def _keep_locked(self, index: int, data: bytes) -> None:
        self._cache[index] = data
        self._cache.move_to_end(index)
        while len(self._cache) > self._capacity:
            self._cache.popitem(last=False)

    def _load(self, index: int) -> bytes | None:
        data = self._fetch(index)
        with self._lock:  # cached before it stops being pending: a reader finds it in one or the other
            if data is not None:
                self._keep_locked(index, data)
            self._pending.pop(index, None)
        return data

    def _schedule(self, first: int) -> None:
        """Fetch the chunks from ``first`` to the end of the window in the background, unless already there."""
        with self._lock:
            if self._closed:
                return
            wanted = [
                index
                for index in range(first, min(first + self._ahead, self._count))
                if index not in self._cache and index not in self._pending
            ]
            if not wanted:
                return
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="scelle-readahead")
            for index in wanted:
                self._pending[index] = self._pool.submit(self._load, index)

    def clear(self) -> None:
        """Forget the cached chunks."""
        with self._lock:
            self._cache.clear()

    def close(self) -> None:
        """Stop the read-ahead thread (chunks not yet fetched are dropped). Idempotent."""
        with self._lock:
            self._closed = True
            pool, self._pool = self._pool, None
            self._cache.clear()
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        with self._lock:
            self._pending.clear()
