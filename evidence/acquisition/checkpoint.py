"""The record while an acquisition runs: room kept to end it, and checkpoints that make a resume verifiable.

When a further ``window`` of bytes is both written to the image and hashed by every algorithm (the first window,
then at most every ``CHECKPOINT_SECONDS``), the ``in-progress`` record is rewritten with the prefix digests so far
(``piecewise``) and the bytes they cover, so that even after SIGKILL or a power cut the record says how much of the
image is known good: ``acquire --resume`` re-hashes that prefix of the image, compares it with these digests, and
continues from there (``evidence.acquisition.resume``).

An E01 sink writes its chunks a group at a time, after the bytes were handed to it, and a group's tables follow its
chunks: the record also keeps, in ``format_details``, the sink's settings and the end of its last group on disk
(``checkpoint_segment``, ``checkpoint_offset``, ``checkpoint_chunks``); the first such checkpoint is recorded as soon
as it exists, later ones with the windows (``evidence.acquisition.resume_e01``).
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from evidence.acquisition.record import AcquisitionRecord, write_record
from evidence.common.progress import ProgressObserver
from evidence.common.sink import DescribedSink, ImageSink
from evidence.hashing.digest import StreamHasher
from evidence.hashing.pipeline import UnreadableRange
from evidence.hashing.result import WindowDigest


@dataclass(frozen=True, slots=True, kw_only=True)
class ResumePoint:
    """Where a resumed acquisition starts: ``offset`` bytes of the image verified against the record's prefix
    digests, the hashers' state there, and what the record said of the bytes before it."""

    offset: int
    hashers: tuple[StreamHasher, ...]
    unreadable: tuple[UnreadableRange, ...]
    read_errors: int
    started_at: str


class ShiftedProgress:
    """The progress of a resumed run, counted from the start of the media."""

    def __init__(self, progress: ProgressObserver, base: int) -> None:
        self.progress, self.base = progress, base

    def started(self, label: str, total: int | None) -> None:
        self.progress.started(label, total)

    def advanced(self, done: int) -> None:
        self.progress.advanced(self.base + done)

    def finished(self) -> None:
        self.progress.finished()


def hashed_windows(hashers: Sequence[StreamHasher], limit: int) -> tuple[WindowDigest, ...]:
    """The prefix digests every hasher has taken at ends ``<= limit`` (the bytes also written to the image)."""
    snapshots = [list(h.snapshots) for h in hashers]  # copies: the hasher threads append while we read
    count = min(len(s) for s in snapshots) if snapshots else 0
    found = []
    for i in range(count):
        end = snapshots[0][i][0]
        if end > limit:
            break
        found.append(WindowDigest(end=end, digests={h.name: s[i][1] for h, s in zip(hashers, snapshots, strict=True)}))
    return tuple(found)


CHECKPOINT_KEYS = ("checkpoint_segment", "checkpoint_offset", "checkpoint_chunks")
"""The ``format_details`` of a running E01 acquisition that say where its written part ends."""


def running_details(sink: ImageSink) -> dict[str, str | int]:
    """The record's ``format_details`` while ``sink`` writes: its settings and, for E01, its last checkpoint."""
    details = dict(sink.details) if isinstance(sink, DescribedSink) else {}
    point = getattr(sink, "checkpoint", None)
    if point is not None:
        details.update(zip(CHECKPOINT_KEYS, (point.segment, point.offset, point.chunks), strict=True))
    return details


CHECKPOINT_SECONDS = 10.0
"""Least time between two checkpoints after the first: the record grows with the windows (5 MB for 2 TB in 64 MiB
windows), so rewriting it at every window would cost as much writing as a large image; every 10 s it stays small."""


class Checkpoints:
    """Rewrites the ``in-progress`` record when a further window is written and hashed (called from the writer):
    at the first window, when an E01 ``sink`` has its first chunk group on disk, then at most every
    ``CHECKPOINT_SECONDS``, with the sink's ``running_details``."""

    def __init__(
        self,
        path: Path,
        record: AcquisitionRecord,
        hashers: Sequence[StreamHasher],
        done: int = 0,
        sink: ImageSink | None = None,
    ) -> None:
        self.path, self.record, self.hashers, self.sink = path, record, hashers, sink
        self.last = done
        self._at = -CHECKPOINT_SECONDS
        self._lock = threading.Lock()
        self._first_sink_checkpoint = sink is not None and getattr(sink, "checkpoint", None) is None

    def written(self, count: int) -> None:
        """``count`` bytes of media are in the image now (called after each write)."""
        window = self.record.window or 0
        first = self._first_sink_checkpoint and getattr(self.sink, "checkpoint", None) is not None
        if not first and (not window or count < self.last + window or time.monotonic() - self._at < CHECKPOINT_SECONDS):
            return
        with self._lock:
            windows = hashed_windows(self.hashers, count)
            if not windows or (windows[-1].end <= self.last and not first):
                return  # the hashers are behind the writer: the next block tries again
            self._first_sink_checkpoint = self._first_sink_checkpoint and not first
            self._at = time.monotonic()
            self.last = windows[-1].end
            details = running_details(self.sink) if self.sink is not None else {}
            changes = {"windows": windows, "bytes_acquired": self.last, "format_details": details}
            write_record(self.path, self.record.finished("in-progress", **changes))


#: room kept beside the record while imaging, freed to write the final record when the output disk is full
RECORD_RESERVE = 256 * 1024


class RecordReserve:
    """A file of ``RECORD_RESERVE`` bytes beside the record, so a full disk still leaves room to end the record."""

    def __init__(self, record_path: Path) -> None:
        self.path: Path | None = self.path_for(record_path)
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        except OSError:
            self.path = None  # no room even now: the record is ended as well as the disk allows
            return
        try:
            os.posix_fallocate(fd, 0, RECORD_RESERVE)
        except OSError:
            self.release()
        finally:
            os.close(fd)

    @staticmethod
    def path_for(record_path: Path) -> Path:
        """Where the reserve of ``record_path`` is (left behind only by a run killed with SIGKILL)."""
        return record_path.with_name(f".{record_path.name}.reserve")

    def release(self) -> None:
        if self.path is not None:
            with contextlib.suppress(OSError):
                os.unlink(self.path)
            self.path = None
