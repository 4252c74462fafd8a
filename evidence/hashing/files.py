"""The one place that hashes file content read from an image: SHA-256 and BLAKE3, fed in large chunks.

``digest_chunks`` (one file: ``image extract``, ``FileSystem.digest``) is backed by the shared digest core
(``evidence.hashing.digest.MultiDigest``): chunks of 1 MiB or more are hashed by one thread per algorithm, smaller ones
inline, so many small files cost little more than hashlib itself.

``digest_in_order`` hashes the files of a listing (``image ls --hash``) on two threads: a worker thread computes
the SHA-256 (the slow one) of large files while the caller's thread computes their BLAKE3, reads the next files
and hashes the small ones. TSK reads and Python code hold the GIL; hashlib and blake3 release it while they hash
(inputs of 2 KiB and more). The worker needs the GIL back after each file, and gets it while the caller hashes
BLAKE3: a worker hashing both digests would wait for the caller to let go of the GIL, which busy Python code does
only every few milliseconds. Results come back in the order of the files.
"""

from __future__ import annotations

import hashlib
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from queue import SimpleQueue
from typing import TYPE_CHECKING, Generic, TypeVar

import blake3

if TYPE_CHECKING:  # digest_chunks returns one; a listing (digest_in_order) starts faster without its dataclasses
    from evidence.hashing.result import DigestResult

#: algorithms computed for every file, in the order they are printed
ALGORITHMS = ("sha256", "blake3")

#: bytes read ahead of the hashing thread at most (the memory a listing holds for content not yet hashed)
READ_AHEAD = 32 << 20
#: files of one chunk smaller than this are hashed by the reading thread alone. Handing a file over costs the
#: threads two switches of the GIL, tens of microseconds each in a virtual machine (measured: about 100 ms of CPU
#: for 1,000 switches on a 2-vCPU VM), while SHA-256 of 256 KiB takes about 150 us.
OFFLOAD = 256 << 10

T = TypeVar("T")
Digests = dict[str, str]


def digest_chunks(chunks: Iterable[bytes]) -> DigestResult:
    """Digests (``sha256``, ``blake3``) of the concatenation of ``chunks``."""
    from evidence.hashing.digest import MultiDigest, digest_bytes  # not at start-up: a listing hashes without them

    pieces = iter(chunks)
    first = next(pieces, b"")
    second = next(pieces, None)
    if second is None:  # most files fit in one chunk: one-shot hashing, no streaming state
        return digest_bytes(first, ALGORITHMS)
    digest = MultiDigest(ALGORITHMS).update(first).update(second)
    for chunk in pieces:
        digest.update(chunk)
    return digest.result()


# What the reading thread sends the hashing thread: (chunk, kind). Every job gets exactly one answer, in order.
_MORE = 0  # a chunk of the current file, more follow; answer None
_LAST = 1  # the last chunk of the current file; answer its SHA-256
_ABORT = 2  # the current file could not be read to its end: forget it; answer None


class _Worker:
    """The SHA-256 thread: takes jobs from one queue, answers on another, in order."""

    def __init__(self) -> None:
        self.jobs: SimpleQueue[tuple[bytes, int] | None] = SimpleQueue()
        self.answers: SimpleQueue[str | BaseException | None] = SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="scelle-file-digests", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        jobs, answers, sha256 = self.jobs, self.answers, hashlib.sha256
        current: hashlib._Hash | None = None  # the file being hashed, when it came in several chunks
        while (job := jobs.get()) is not None:
            data, kind = job
            try:
                if kind == _LAST:
                    answers.put(sha256(data).hexdigest() if current is None else _finish(current, data))
                    current = None
                elif kind == _MORE:
                    if current is None:
                        current = sha256()
                    current.update(data)
                    answers.put(None)
                else:
                    current = None
                    answers.put(None)
            except BaseException as exc:  # noqa: BLE001 - handed to the reading thread, which raises it
                current = None
                answers.put(exc)

    def stop(self) -> None:
        """End the thread once it has answered every job sent before."""
        self.jobs.put(None)


def _finish(hasher: hashlib._Hash, data: bytes) -> str:
    hasher.update(data)
    return hasher.hexdigest()


class _Slot(Generic[T]):
    """An item waiting to be yielded: its digests (as they come from either thread), or its read error."""

    __slots__ = ("blake3", "error", "item", "sha256", "waiting")

    def __init__(self, item: T, error: Exception | None = None, waiting: bool = False) -> None:
        self.item = item
        self.sha256: str | None = None
        self.blake3: str | None = None
        self.error = error
        #: True until the worker has answered with the SHA-256 of the item's last chunk
        self.waiting = waiting

    def result(self) -> tuple[T, Digests | None, Exception | None]:
        """What ``digest_in_order`` yields for the item."""
        if self.sha256 is None or self.blake3 is None:
            return self.item, None, self.error
        return self.item, {"sha256": self.sha256, "blake3": self.blake3}, None


class _Pipeline(Generic[T]):
    """The reading side: hashes small files itself, shares the others with the worker and matches its answers."""

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
            slot.sha256 = answer
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
        """Read ``chunks``: hash one small chunk here, else share the work with the worker; a failure is the error."""
        held: bytes | None = None  # each chunk is held until the next shows whether it is the last
        blake: blake3.blake3 | None = None  # this thread's BLAKE3 of a file of several chunks
        try:
            for chunk in chunks:
                if held is not None:
                    self.send(held, _MORE)
                    if blake is None:
                        blake = blake3.blake3()
                    blake.update(held)
                held = chunk
        except Exception as exc:  # noqa: BLE001 - the caller of digest_in_order decides (see there)
            if blake is not None:
                self.send(b"", _ABORT)
            return _Slot(item, exc)
        if held is None:
            held = b""
        slot: _Slot[T] = _Slot(item)
        if blake is None and len(held) < self.offload:
            slot.sha256 = hashlib.sha256(held).hexdigest()
            slot.blake3 = blake3.blake3(held).hexdigest()
            return slot
        slot.waiting = True
        self.send(held, _LAST, slot)  # the worker starts on SHA-256 while this thread hashes BLAKE3
        slot.blake3 = (blake3.blake3(held) if blake is None else blake.update(held)).hexdigest()
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


class DigestTee:
    """Digests of the chunks that pass through ``feed``, computed in the reading thread."""

    def __init__(self, algorithms: tuple[str, ...]) -> None:
        from evidence.hashing.digest import new_hasher  # not at start-up (see digest_chunks)

        self._hashers = {name: new_hasher(name) for name in algorithms}

    def feed(self, chunks: Iterable[bytes]) -> Iterator[bytes]:
        for chunk in chunks:
            view = memoryview(chunk)
            for hasher in self._hashers.values():
                hasher.update(view)
            yield chunk

    def result(self) -> dict[str, str]:
        return {name: hasher.digest().hex() for name, hasher in self._hashers.items()}


def digest_in_order(
    contents: Iterable[tuple[T, Iterable[bytes] | None]], read_ahead: int = READ_AHEAD, offload: int = OFFLOAD
) -> Iterator[tuple[T, Digests | None, Exception | None]]:
    """``(item, digests, error)`` for each ``(item, chunks)``, in order; ``chunks`` None means nothing to hash.

    The chunks are read here, in the caller's thread, which also hashes BLAKE3, and all of a file of one chunk
    smaller than ``offload`` bytes (handing it over would cost more than hashing it). A worker thread hashes the
    other files' SHA-256, at most ``read_ahead`` bytes behind. An exception raised while reading an item's chunks
    stops that item only: it comes back as the item's ``error`` (without digests) after every item before it, and
    the caller decides whether to go on. An exception raised by ``contents`` itself is raised after the items read
    before it have been yielded.
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
                    yield slot.result()
                raise
            if step is None:
                break
            item, chunks = step
            pending.append(_Slot(item) if chunks is None else pipeline.read(item, chunks))
            pipeline.collect_ready()
            while pending and not pending[0].waiting:
                yield pending.popleft().result()
        for slot in pipeline.drain():
            yield slot.result()
    finally:
        pipeline.close()
