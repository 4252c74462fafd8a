"""The digest core: SHA-256 + BLAKE3 (MD5, SHA-1 on request) over one stream of bytes, with piecewise digests.

Pure: bytes in, digests out, no I/O and no clock. Two levels, as in hashlib:

- ``StreamHasher`` feeds one algorithm and snapshots it at every window boundary.
- ``MultiDigest`` is the hashlib-shaped object over several algorithms (``update`` returns ``self``, ``copy``,
  ``digests``/``hexdigests``). Large buffers are hashed by one thread per algorithm (hashlib and blake3 release the
  GIL on large inputs), so the time approaches that of the slowest algorithm; small ones are hashed inline, because
  handing a few kilobytes to another thread costs more than hashing them (``image ls --hash`` hashes many small
  files).

Piecewise digests are *prefix* digests: at each multiple of the window size (and at the end) every algorithm's
running state is copied and finalised, giving the digest of bytes ``[0, end)``. The first window whose prefix digest
differs is the window holding the first differing byte, so a later mismatch is located at no extra hashing cost
(independent per-window digests would hash every byte twice, and SHA-256 alone is the speed limit).
"""

from __future__ import annotations

import functools
import hashlib
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Protocol, Self

import blake3

from evidence.common.errors import IntegrityError, UsageError
from evidence.hashing.result import ALGORITHMS, DigestResult, WindowDigest

if TYPE_CHECKING:
    from concurrent.futures import Future, ThreadPoolExecutor

DEFAULT_ALGORITHMS = ("sha256", "blake3")
"""The default set (DESIGN.md): SHA-256 for courts and hash sets, BLAKE3 as a fast, modern second digest."""

THREAD_THRESHOLD = 1 << 20
"""Inputs at least this large are hashed by one thread per algorithm; smaller ones inline in the caller's thread."""

DEFAULT_WINDOW = 64 << 20
"""Default piecewise window: 64 MiB, i.e. 16 prefix digests per GiB."""


class DigestStateError(UsageError):
    """A finalised digest object was updated or copied."""


class Hasher(Protocol):
    """What hashlib and blake3 objects have in common."""

    def update(self, data: memoryview, /) -> object: ...

    def copy(self) -> Hasher: ...

    def digest(self) -> bytes: ...


_CONSTRUCTORS: dict[str, Callable[[], Hasher]] = {
    # usedforsecurity=False keeps MD5/SHA-1 available on FIPS builds: they identify evidence, not authenticate it.
    "md5": lambda: hashlib.md5(usedforsecurity=False),
    "sha1": lambda: hashlib.sha1(usedforsecurity=False),
    "sha256": hashlib.sha256,
    # blake3's default is one thread: our own threads already run one algorithm each.
    "blake3": blake3.blake3,
}


def new_hasher(name: str) -> Hasher:
    """A fresh hash object for ``name`` (one of ``ALGORITHMS``)."""
    try:
        return _CONSTRUCTORS[name]()
    except KeyError:
        raise UsageError(f"unknown hash algorithm {name!r} (known: {', '.join(ALGORITHMS)})") from None


def parse_algorithms(extra: str | Iterable[str] = (), *, base: Iterable[str] = DEFAULT_ALGORITHMS) -> tuple[str, ...]:
    """The ordered, de-duplicated set ``base`` + ``extra``; ``extra`` may be a comma list such as ``"md5,sha1"``."""
    if isinstance(extra, tuple) and isinstance(base, tuple):
        return _parse_tuple(extra, base)  # the common case, cached: one MultiDigest per small file stays cheap
    return _parse(extra, base)


def _parse(extra: str | Iterable[str], base: Iterable[str]) -> tuple[str, ...]:
    names = [part.strip().lower() for part in extra.split(",")] if isinstance(extra, str) else list(extra)
    wanted = set(base)
    for name in names:
        if not name:
            continue
        if name not in ALGORITHMS:
            raise UsageError(f"unknown hash algorithm {name!r} (known: {', '.join(ALGORITHMS)})")
        wanted.add(name)
    if not wanted:
        raise UsageError("no hash algorithm selected")
    return tuple(name for name in ALGORITHMS if name in wanted)


@functools.lru_cache(maxsize=64)
def _parse_tuple(extra: tuple[str, ...], base: tuple[str, ...]) -> tuple[str, ...]:
    return _parse(extra, base)


def labelled(name: str, digest: bytes | str) -> str:
    """``algorithm:hex``, the way digests are printed everywhere (``sha256:…``)."""
    return f"{name}:{digest if isinstance(digest, str) else digest.hex()}"


def as_bytes(data: object) -> memoryview:
    """A flat byte view of a bytes-like object without copying it."""
    view = data if isinstance(data, memoryview) else memoryview(data)  # type: ignore[arg-type]
    if view.format != "B" or view.ndim != 1:
        view = view.cast("B")
    return view


class StreamHasher:
    """One algorithm over a stream, with a prefix digest at every multiple of ``window`` bytes."""

    __slots__ = ("_hasher", "_next_boundary", "_window", "name", "size", "snapshots")

    def __init__(self, name: str, window: int | None = None) -> None:
        if window is not None and window <= 0:
            raise UsageError(f"piecewise window must be positive, got {window}")
        self.name = name
        self._hasher = new_hasher(name)
        self._window = window
        self._next_boundary = window if window is not None else -1
        self.size = 0
        self.snapshots: list[tuple[int, bytes]] = []

    def update(self, data: memoryview) -> None:
        """Hash ``data`` (a flat byte view), snapshotting at each window boundary it crosses."""
        if self._window is None:
            self._hasher.update(data)
            self.size += len(data)
            return
        start = 0
        while start < len(data):
            take = min(len(data) - start, self._next_boundary - self.size)
            self._hasher.update(data[start : start + take])
            self.size += take
            start += take
            if self.size == self._next_boundary:
                self.snapshots.append((self.size, self._hasher.copy().digest()))
                self._next_boundary += self._window

    def finish(self) -> bytes:
        """The digest of everything fed so far; closes the last, partial window."""
        digest = self._hasher.digest()
        if self._window is not None and self.size and (not self.snapshots or self.snapshots[-1][0] != self.size):
            self.snapshots.append((self.size, digest))
        return digest

    def copy(self) -> StreamHasher:
        """An independent copy of the running state."""
        twin = StreamHasher.__new__(StreamHasher)
        twin.name, twin._window, twin.size = self.name, self._window, self.size
        twin._next_boundary = self._next_boundary
        twin._hasher = self._hasher.copy()
        twin.snapshots = list(self.snapshots)
        return twin


SHARE_LEEWAY = 1.1
"""A thread of hashers may cost this much more than the slowest algorithm alone: timing a probe is not exact."""
_PROBE_BYTES = 256 * 1024


@functools.cache
def hashing_cost(name: str) -> float:
    """Seconds this machine takes to hash 256 KiB with ``name``: the best of two runs, measured once per process.

    The costs are relative facts about the CPU (with SHA-NI, SHA-256 is cheaper than MD5; without, it is the
    slowest), so they are measured rather than assumed. The whole probe takes about a millisecond.
    """
    probe = memoryview(bytes(_PROBE_BYTES))
    best = float("inf")
    for _ in range(2):
        hasher = new_hasher(name)
        start = time.perf_counter()
        hasher.update(probe)
        best = min(best, time.perf_counter() - start)
    return best


def thread_groups(hashers: Sequence[StreamHasher]) -> list[list[StreamHasher]]:
    """Share threads among ``hashers`` without slowing the slowest one: the grouping the pipelines run.

    A stream is hashed no faster than its slowest algorithm, which keeps a thread of its own; the others are
    packed, heaviest first, into as few threads as keep each thread's cost within the slowest's (``SHARE_LEEWAY``).
    Fewer threads means fewer switches and cache refills when the cores are all busy (an E01 acquisition hashing
    MD5, SHA-1, SHA-256 and BLAKE3 while compressing took 9 % less time with two hashing threads than with four).
    """
    if len(hashers) <= 2:
        return [[hasher] for hasher in hashers]
    slowest, *others = sorted(hashers, key=lambda h: hashing_cost(h.name), reverse=True)
    limit = hashing_cost(slowest.name) * SHARE_LEEWAY
    shared: list[list[StreamHasher]] = []
    loads: list[float] = []
    for hasher in others:
        cost = hashing_cost(hasher.name)
        for index, load in enumerate(loads):
            if load + cost <= limit:
                shared[index].append(hasher)
                loads[index] += cost
                break
        else:
            shared.append([hasher])
            loads.append(cost)
    return [[slowest], *shared]


def combine(hashers: Iterable[StreamHasher], window: int | None, expected_size: int | None = None) -> DigestResult:
    """Finish ``hashers`` (fed the same bytes) into one ``DigestResult``; check the byte count if one is expected."""
    hashers = list(hashers)
    digests = {h.name: h.finish() for h in hashers}
    sizes = {h.size for h in hashers}
    if len(sizes) != 1:
        raise IntegrityError(f"hashers disagree on the byte count: {sorted(sizes)}")
    size = sizes.pop()
    if expected_size is not None and size != expected_size:
        raise IntegrityError(f"expected {expected_size} bytes, hashed {size}")
    windows: tuple[WindowDigest, ...] = ()
    if window is not None:
        ends = [end for end, _ in hashers[0].snapshots]
        windows = tuple(
            WindowDigest(end=end, digests={h.name: h.snapshots[i][1] for h in hashers}) for i, end in enumerate(ends)
        )
    return DigestResult(size=size, digests=digests, window=window, windows=windows)


_pool_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None


def _shared_pool() -> ThreadPoolExecutor:
    # One small pool for every MultiDigest: threads are created once, not per object (low per-object overhead).
    global _pool
    with _pool_lock:
        if _pool is None:
            from concurrent.futures import ThreadPoolExecutor  # only when a large buffer is first hashed

            _pool = ThreadPoolExecutor(max_workers=len(ALGORITHMS) - 1, thread_name_prefix="scelle-digest")
        return _pool


class MultiDigest:
    """A hashlib-shaped digest over several algorithms at once, with optional prefix digests per window.

    ``update`` blocks until every algorithm has consumed the data, so the caller may reuse its buffer afterwards.
    ``expected_size``, when given, turns a stream cut short (or too long) into an ``IntegrityError`` instead of a
    digest of fewer bytes.
    """

    def __init__(
        self,
        algorithms: Iterable[str] = DEFAULT_ALGORITHMS,
        *,
        window: int | None = None,
        expected_size: int | None = None,
        thread_threshold: int = THREAD_THRESHOLD,
    ) -> None:
        self.algorithms = parse_algorithms(algorithms, base=())
        self.window = window
        self.expected_size = expected_size
        self._threshold = thread_threshold
        self._hashers = [StreamHasher(name, window) for name in self.algorithms]
        self._result: DigestResult | None = None

    @property
    def size(self) -> int:
        """Bytes fed so far."""
        return self._hashers[0].size

    def update(self, data: object) -> Self:
        """Feed the next bytes (any bytes-like object); returns ``self`` so calls chain."""
        if self._result is not None:
            raise DigestStateError("digest already finalised; copy() it before finalising to keep hashing")
        view = as_bytes(data)
        if self.expected_size is not None and self.size + len(view) > self.expected_size:
            raise IntegrityError(f"expected {self.expected_size} bytes, got more ({self.size + len(view)})")
        if len(view) < self._threshold or len(self._hashers) == 1:
            for hasher in self._hashers:
                hasher.update(view)
            return self
        pool = _shared_pool()
        futures: list[Future[None]] = [pool.submit(h.update, view) for h in self._hashers[1:]]
        try:
            self._hashers[0].update(view)
        finally:
            for future in futures:
                future.result()
        return self

    def copy(self) -> MultiDigest:
        """An independent copy of the running state (hashlib's ``copy``)."""
        if self._result is not None:
            raise DigestStateError("digest already finalised")
        twin = MultiDigest.__new__(MultiDigest)
        twin.algorithms, twin.window, twin.expected_size = self.algorithms, self.window, self.expected_size
        twin._threshold = self._threshold
        twin._hashers = [h.copy() for h in self._hashers]
        twin._result = None
        return twin

    def result(self) -> DigestResult:
        """Finalise (once) and return sizes, digests and prefix digests; later calls return the same result."""
        if self._result is None:
            if self.window is None and self.expected_size is None:  # the per-file case: skip the bookkeeping
                digests = {h.name: h.finish() for h in self._hashers}
                self._result = DigestResult(size=self.size, digests=digests)
            else:
                self._result = combine(self._hashers, self.window, self.expected_size)
        return self._result

    def digests(self) -> dict[str, bytes]:
        """``{algorithm: raw digest}``; finalises."""
        return dict(self.result().digests)

    def hexdigests(self) -> dict[str, str]:
        """``{algorithm: hex digest}``; finalises."""
        return self.result().hexdigests()


def digest_bytes(data: object, algorithms: Iterable[str] = DEFAULT_ALGORITHMS) -> DigestResult:
    """One-shot digests of an in-memory buffer (small files: inline; large ones: one thread per algorithm).

    The small-input path skips the streaming machinery: hashing many small files (``image ls --hash``) costs little
    more than calling hashlib and blake3 directly.
    """
    view = as_bytes(data)
    if len(view) < THREAD_THRESHOLD:
        chosen = DEFAULT_ALGORITHMS if algorithms is DEFAULT_ALGORITHMS else parse_algorithms(algorithms, base=())
        return DigestResult(size=len(view), digests={name: _ONE_SHOT[name](view) for name in chosen})
    return MultiDigest(algorithms).update(view).result()


_ONE_SHOT: dict[str, Callable[[memoryview], bytes]] = {
    "md5": lambda data: hashlib.md5(data, usedforsecurity=False).digest(),
    "sha1": lambda data: hashlib.sha1(data, usedforsecurity=False).digest(),
    "sha256": lambda data: hashlib.sha256(data).digest(),
    "blake3": lambda data: blake3.blake3(data).digest(),
}
