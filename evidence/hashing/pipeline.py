"""The read-once fan-out: one reader, several consumers (one hasher thread per algorithm, a writer), shared buffers.

SHA-256 is sequential, so a single stream cannot be hashed faster than one core runs SHA-256: the pipeline's job is
to keep that thread fed. The reader (the calling thread) fills large reusable buffers from a fixed pool and hands
each one to every consumer's queue; a buffer returns to the pool when the last consumer is done with it. The reader
thus runs ahead of the slowest consumer by at most the pool size, and memory stays bounded
(``depth * buffer_size``) whatever the source size. hashlib, blake3 and ``os.write`` release the GIL on large
buffers, so the consumers really run in parallel.

The reader runs in the caller's thread on purpose: Ctrl-C and SIGTERM (turned into ``KeyboardInterrupt`` by the CLI)
arrive there, the consumers are told to stop, and the caller records an incomplete acquisition.
"""

from __future__ import annotations

import os
import queue
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from evidence.common.errors import UsageError
from evidence.common.progress import NULL_PROGRESS, ProgressObserver


@dataclass(frozen=True, slots=True, kw_only=True)
class UnreadableRange:
    """Media bytes ``[offset, offset + length)`` could not be read and were written as zeros."""

    offset: int
    length: int

    @property
    def end(self) -> int:
        """First offset after the range."""
        return self.offset + self.length


Consumer = Callable[[int, memoryview, Sequence[UnreadableRange]], None]
"""Called as ``consumer(offset, data, unreadable)`` for each block in media order; ``data`` is valid only then."""

Fill = Callable[[int, memoryview], tuple[int, list[UnreadableRange]]]
"""Reads the block at ``offset`` into the buffer; returns the byte count (0 at the end) and its unreadable ranges."""

DEFAULT_BUFFER_SIZE = 1 << 20
"""1 MiB blocks: every consumer reads a block while it is still in the CPU caches. Acquiring 512 MiB of mixed content
to E01 (five consumers) took 3.07-3.12 CPU-s with 1-2 MiB blocks against 3.20-3.25 with 8 MiB ones; raw acquisition
was within noise of the larger sizes. A read error also sends a smaller block back to sector-by-sector reads."""
DEFAULT_DEPTH = 16
"""Blocks in flight: 16 MiB at most, whatever the source size."""
MIN_BUFFER_SIZE = 1 << 20


class _Slot:
    __slots__ = ("buffer", "lock", "pending", "view")

    def __init__(self, size: int) -> None:
        self.buffer = bytearray(size)
        self.view = memoryview(self.buffer)
        self.lock = threading.Lock()
        self.pending = 0


@dataclass(frozen=True, slots=True)
class _Block:
    slot: _Slot
    offset: int
    length: int
    unreadable: list[UnreadableRange]


BACKGROUND_NICENESS = 5
"""How much lower the consumers off the critical path run (``Pipeline(critical=...)``): on a machine with fewer cores
than threads, the scheduler then leaves the slowest consumer a core of its own and the others share the rest."""


def _lower_own_priority(by: int) -> None:
    """Lower the calling thread's scheduling priority (Linux applies ``setpriority`` to one thread by its id)."""
    get_id = getattr(threading, "get_native_id", None)
    if by <= 0 or get_id is None or not hasattr(os, "setpriority") or sys.platform != "linux":
        return
    try:
        thread = get_id()
        os.setpriority(os.PRIO_PROCESS, thread, min(19, os.getpriority(os.PRIO_PROCESS, thread) + by))
    except OSError:  # not allowed here: the order of the threads only costs some speed
        pass


class _Worker:
    """One consumer in its own thread, fed through its own queue."""

    def __init__(self, consumer: Consumer, pipeline: Pipeline, name: str, niceness: int = 0) -> None:
        self.consumer = consumer
        self.pipeline = pipeline
        self.niceness = niceness
        self.queue: queue.SimpleQueue[_Block | None] = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)

    def _run(self) -> None:
        pipeline = self.pipeline
        _lower_own_priority(self.niceness)
        while True:
            block = self.queue.get()
            if block is None:
                return
            try:
                if not pipeline.cancelled:
                    self.consumer(block.offset, block.slot.view[: block.length], block.unreadable)
            except BaseException as exc:  # noqa: BLE001 - handed to the reader thread, which re-raises it
                pipeline.fail(exc)
            finally:
                pipeline.release(block.slot)


class Pipeline:
    """Runs ``consumers`` over blocks produced by a ``Fill`` function; see the module docstring."""

    def __init__(
        self,
        consumers: Sequence[Consumer],
        *,
        buffer_size: int = DEFAULT_BUFFER_SIZE,
        depth: int = DEFAULT_DEPTH,
        critical: int | None = None,
    ) -> None:
        """``critical``: the index of the consumer that bounds the speed (the slowest hasher); the others then run
        at a lower priority (``BACKGROUND_NICENESS``)."""
        if buffer_size < MIN_BUFFER_SIZE:
            raise UsageError(f"buffer size must be at least {MIN_BUFFER_SIZE} bytes, got {buffer_size}")
        if depth < 2:
            raise UsageError(f"pipeline depth must be at least 2, got {depth}")
        if not consumers:
            raise UsageError("a pipeline needs at least one consumer")
        self._buffer_size = buffer_size
        self._depth = depth
        self._workers = [
            _Worker(c, self, f"scelle-consumer-{i}", 0 if critical in (None, i) else BACKGROUND_NICENESS)
            for i, c in enumerate(consumers)
        ]
        self._free: queue.SimpleQueue[_Slot] = queue.SimpleQueue()
        self._error: BaseException | None = None
        self._error_lock = threading.Lock()
        self.cancelled = False
        self.bytes_read = 0

    def fail(self, exc: BaseException) -> None:
        """Remember the first consumer failure and stop feeding the others."""
        with self._error_lock:
            if self._error is None:
                self._error = exc
            self.cancelled = True

    def release(self, slot: _Slot) -> None:
        """One consumer is done with ``slot``; the last one returns it to the pool."""
        with slot.lock:
            slot.pending -= 1
            last = slot.pending == 0
        if last:
            self._free.put(slot)

    def run(self, fill: Fill, total: int | None, progress: ProgressObserver = NULL_PROGRESS) -> int:
        """Read blocks until ``total`` bytes (or the end when ``None``); return the byte count read and consumed."""
        for _ in range(self._depth):
            self._free.put(_Slot(self._buffer_size))
        for worker in self._workers:
            worker.thread.start()
        try:
            self._read_loop(fill, total, progress)
        except BaseException:
            self.cancelled = True
            raise
        finally:
            for worker in self._workers:
                worker.queue.put(None)
            for worker in self._workers:
                worker.thread.join()
        if self._error is not None:
            raise self._error
        return self.bytes_read

    def _read_loop(self, fill: Fill, total: int | None, progress: ProgressObserver) -> None:
        offset = 0
        while total is None or offset < total:
            slot = self._free.get()
            if self._error is not None:
                return
            view = slot.view if total is None else slot.view[: min(self._buffer_size, total - offset)]
            length, unreadable = fill(offset, view)
            if length == 0:
                self._free.put(slot)
                return
            slot.pending = len(self._workers)
            block = _Block(slot, offset, length, unreadable)
            for worker in self._workers:
                worker.queue.put(block)
            offset += length
            self.bytes_read = offset
            progress.advanced(offset)
