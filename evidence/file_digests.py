"""The one place that hashes file content read from an image: SHA-256 and BLAKE3, fed in large chunks.

Backed by the shared digest core (``evidence.digest.MultiDigest``): chunks of 1 MiB or more are hashed by one
thread per algorithm, smaller ones inline, so many small files cost little more than hashlib itself.

``digest_in_order`` hashes the files of a listing (``image ls --hash``) in a worker thread while the caller reads
the next file: TSK reads with the GIL held, hashlib and blake3 hash with it released (inputs of 2 KiB and more), so
on two cores reading and hashing overlap. Results come back in the order of the files.
"""

from __future__ import annotations

import hashlib
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from queue import SimpleQueue
from typing import Generic, TypeVar

import blake3

from evidence.digest import THREAD_THRESHOLD, MultiDigest, digest_bytes

#: algorithms computed for every file, in the order they are printed
ALGORITHMS = ("sha256", "blake3")

#: bytes read ahead of the hashing thread at most (the memory a listing holds for content not yet hashed)
READ_AHEAD = 32 << 20
#: files of one chunk smaller than this are hashed by the reading thread: handing them over costs more
OFFLOAD = 16 << 10

T = TypeVar("T")
Digests = dict[str, str]


def digest_chunks(chunks: Iterable[bytes]) -> Digests:
    """Hex digests (``sha256``, ``blake3``) of the concatenation of ``chunks``."""
    pieces = iter(chunks)
    first = next(pieces, b"")
    second = next(pieces, None)
    if second is None:  # most files fit in one chunk: one-shot hashing, no streaming state
        return {name: value.hex() for name, value in digest_bytes(first, ALGORITHMS).items()}
    digest = MultiDigest(ALGORITHMS).update(first).update(second)
    for chunk in pieces:
        digest.update(chunk)
    return digest.hexdigests()


# What the reading thread sends the hashing thread: (chunk, kind). Every job gets exactly one answer, in order.
_MORE = 0  # a chunk of the current file, more follow; answer None
_LAST = 1  # the last chunk of the current file; answer its digests
_ABORT = 2  # the current file could not be read to its end: forget it; answer None


def _one_shot(data: bytes) -> Digests:
    return {"sha256": hashlib.sha256(data).hexdigest(), "blake3": blake3.blake3(data).hexdigest()}


class _Worker:
    """The hashing thread: takes jobs from one queue, answers on another, in order."""

    def __init__(self) -> None:
        self.jobs: SimpleQueue[tuple[bytes, int] | None] = SimpleQueue()
        self.answers: SimpleQueue[Digests | BaseException | None] = SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="scelle-file-digests", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        jobs, answers = self.jobs, self.answers
        current: MultiDigest | None = None  # the file being hashed, when it came in several chunks
        while (job := jobs.get()) is not None:
            data, kind = job
            try:
                if kind == _LAST and current is None and len(data) < THREAD_THRESHOLD:
                    answers.put(_one_shot(data))
                elif kind == _ABORT:
                    current = None
                    answers.put(None)
                else:
                    if current is None:
                        current = MultiDigest(ALGORITHMS)
                    current.update(data)
                    if kind == _LAST:
                        answers.put(current.hexdigests())
                        current = None
                    else:
                        answers.put(None)
            except BaseException as exc:  # noqa: BLE001 - handed to the reading thread, which raises it
                current = None
                answers.put(exc)

    def stop(self) -> None:
        """End the thread once it has answered every job sent before."""
        self.jobs.put(None)


class _Slot(Generic[T]):
    """An item waiting to be yielded: its digests, or the error that stopped its reading."""

    __slots__ = ("digests", "error", "item", "waiting")

    def __init__(self, item: T, digests: Digests | None, error: Exception | None, waiting: bool) -> None:
        self.item = item
        self.digests = digests
        self.error = error
        #: True until the worker has answered for the item's last chunk
        self.waiting = waiting


class _Pipeline(Generic[T]):
    """The reading side: hashes small files itself, sends the others to the worker and matches its answers."""

    def __init__(self, read_ahead: int, offload: int) -> None:
        self.read_ahead = read_ahead
        self.offload = offload
        self.worker: _Worker | None = None
        #: items read and not yet yielded, in order (only the first ones can be done)
        self.pending: deque[_Slot[T]] = deque()
        #: (size, slot when it is a file's last chunk) of each job sent and not yet answered
        self.inflight: deque[tuple[int, _Slot[T] | None]] = deque()
        self.inflight_bytes = 0

    def collect(self) -> None:
        """Take the worker's next answer, waiting for it."""
        if self.worker is None:
            raise RuntimeError("no job was sent")
        answer = self.worker.answers.get()
        size, slot = self.inflight.popleft()
        self.inflight_bytes -= size
        if isinstance(answer, BaseException):
            raise answer
        if slot is not None:
            slot.digests = answer
            slot.waiting = False

    def collect_ready(self) -> None:
        """Take the answers already given, without waiting."""
        if self.worker is not None:
            answers = self.worker.answers
            while self.inflight and not answers.empty():
                self.collect()

    def send(self, data: bytes, kind: int, slot: _Slot[T] | None = None) -> None:
        """Give the worker one job; wait while it lags more than ``read_ahead`` bytes behind."""
        if self.worker is None:
            self.worker = _Worker()
        self.worker.jobs.put((data, kind))
        self.inflight.append((len(data), slot))
        self.inflight_bytes += len(data)
        while self.inflight_bytes > self.read_ahead:
            self.collect()

    def read(self, item: T, chunks: Iterable[bytes]) -> _Slot[T]:
        """Read ``chunks``: hash them here if they are one small chunk, else send them; a failure is the error."""
        held: bytes | None = None  # each chunk is held until the next shows whether it is the last
        sent = False
        try:
            for chunk in chunks:
                if held is not None:
                    self.send(held, _MORE)
                    sent = True
                held = chunk
        except Exception as exc:  # noqa: BLE001 - the caller of digest_in_order decides (see there)
            if sent:
                self.send(b"", _ABORT)
            return _Slot(item, None, exc, False)
        if held is None:
            held = b""
        if not sent and len(held) < self.offload:
            return _Slot(item, _one_shot(held), None, False)
        slot: _Slot[T] = _Slot(item, None, None, True)
        self.send(held, _LAST, slot)
        return slot

    def drain(self) -> Iterator[_Slot[T]]:
        """Every pending item, waiting for the worker as needed."""
        pending = self.pending
        while pending:
            while pending[0].waiting:
                self.collect()
            yield pending.popleft()

    def close(self) -> None:
        """Let the worker end once it has answered every job."""
        if self.worker is not None:
            self.worker.stop()


def digest_in_order(
    contents: Iterable[tuple[T, Iterable[bytes] | None]], read_ahead: int = READ_AHEAD, offload: int = OFFLOAD
) -> Iterator[tuple[T, Digests | None, Exception | None]]:
    """``(item, digests, error)`` for each ``(item, chunks)``, in order; ``chunks`` None means nothing to hash.

    The chunks are read here, in the caller's thread. A file of one chunk smaller than ``offload`` bytes is hashed
    here too (handing it over would cost more than hashing it); the others are hashed by a worker thread, at most
    ``read_ahead`` bytes behind. An exception raised while reading an item's chunks stops that item only: it comes
    back as the item's ``error`` (without digests) after every item before it, and the caller decides whether to
    go on. An exception raised by ``contents`` itself is raised after the items read before it have been yielded.
    """
    pipeline: _Pipeline[T] = _Pipeline(read_ahead, offload)
    pending = pipeline.pending
    source = iter(contents)
    try:
        while True:
            try:
                step = next(source, None)
            except Exception:
                for slot in pipeline.drain():
                    yield slot.item, slot.digests, slot.error
                raise
            if step is None:
                break
            item, chunks = step
            slot = _Slot(item, None, None, False) if chunks is None else pipeline.read(item, chunks)
            if not pending and not slot.waiting:  # nothing before it to wait for
                yield item, slot.digests, slot.error
                continue
            pending.append(slot)
            pipeline.collect_ready()
            while pending and not pending[0].waiting:
                done = pending.popleft()
                yield done.item, done.digests, done.error
        for slot in pipeline.drain():
            yield slot.item, slot.digests, slot.error
    finally:
        pipeline.close()
