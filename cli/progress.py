"""Progress of long operations on stderr, implementing ``evidence.common.progress.ProgressObserver``.

On a terminal: a rich bar with the percentage, bytes done and total, throughput, elapsed and remaining time, all in
binary units (MiB, MiB/s). When stderr is not a terminal (``2>log``, a service, a pipe): plain status lines stamped
with the time in the command's zone (``--tz``, else the host's) and its offset, every ``SCELLE_PROGRESS_INTERVAL``
seconds (default 5), as ewfacquire's "Status: at 50%" lines, so a log shows how the acquisition went. ``--quiet``
silences both.

The library names its operations in English (``acquiring X``, ``verifying X``); the words are looked up here in the
message catalogue, so the display follows ``--lang``.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from types import TracebackType
from typing import TYPE_CHECKING, TextIO

from evidence.common.messages import message
from evidence.common.progress import NULL_PROGRESS, ProgressObserver
from evidence.common.zones import host_zone, zone_of

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Task, TaskID
    from rich.text import Text

INTERVAL_ENV = "SCELLE_PROGRESS_INTERVAL"
DEFAULT_INTERVAL = 5.0

#: the library's English label prefixes -> the catalogue key of the same words
LABELS = (
    ("re-reading source ", "progress.rereading"),
    ("re-reading the image ", "progress.reverifying"),
    ("acquiring ", "progress.acquiring"),
    ("verifying ", "progress.verifying"),
    ("hashing ", "progress.hashing"),
    ("extracting into ", "progress.extracting"),
    ("listing and hashing ", "progress.listing"),
)


def localised_label(label: str, lang: str) -> str:
    """The library's ``label`` in ``lang`` (unknown labels are shown as they are)."""
    for prefix, key in LABELS:
        if label.startswith(prefix):
            return message(key, lang, subject=label[len(prefix) :])
    return label


def size_text(size: float, lang: str) -> str:
    """``512.0 MiB`` / ``512,0 Mio``: one decimal, binary prefixes (IEC 80000-13)."""
    units = message("progress.units", lang).split()
    value = float(size)
    for unit in units:
        if abs(value) < 1024 or unit == units[-1]:
            text = f"{int(value)} {unit}" if unit == units[0] else f"{value:.1f} {unit}"
            return text.replace(".", ",") if lang == "fr" else text
        value /= 1024
    raise AssertionError("unreachable")  # pragma: no cover


def rate_text(done: int, elapsed: float, lang: str) -> str:
    """Throughput in the same unit family as the sizes (``120.3 MiB/s``)."""
    return f"{size_text(done / elapsed if elapsed > 0 else 0, lang)}/s"


def duration_text(seconds: float | None, lang: str) -> str:
    """``H:MM:SS``, or the word for unknown."""
    if seconds is None:
        return message("progress.unknown", lang)
    whole = int(seconds)
    return f"{whole // 3600}:{whole % 3600 // 60:02d}:{whole % 60:02d}"


def percent_text(done: int, total: int, lang: str) -> str:
    """``50.0%`` / ``50,0 %`` (French puts a space before the sign)."""
    value = 100.0 * done / total if total else 100.0
    return f"{value:.1f}".replace(".", ",") + " %" if lang == "fr" else f"{value:.1f}%"


def status_text(label: str, done: int, total: int | None, elapsed: float, lang: str) -> str:
    """One status line (without its time stamp)."""
    rate = rate_text(done, elapsed, lang)
    if not total:
        return message("progress.line.unsized", lang, label=label, done=size_text(done, lang), rate=rate,
                       elapsed=duration_text(elapsed, lang))  # fmt: skip
    remaining = (total - done) * elapsed / done if done and elapsed > 0 else None
    return message(
        "progress.line",
        lang,
        label=label,
        percent=percent_text(done, total, lang),
        done=size_text(done, lang),
        total=size_text(total, lang),
        rate=rate,
        elapsed=duration_text(elapsed, lang),
        remaining=duration_text(remaining, lang),
    )


def progress_interval() -> float:
    """Seconds between status lines: ``SCELLE_PROGRESS_INTERVAL`` (tests set 0), default 5."""
    try:
        value = float(os.environ.get(INTERVAL_ENV, DEFAULT_INTERVAL))
    except ValueError:
        return DEFAULT_INTERVAL
    return value if value >= 0 else DEFAULT_INTERVAL


class StatusLines:
    """Timestamped lines on a stream that is not a terminal: one at the start, every interval, one at the end."""

    def __init__(
        self, stream: TextIO, lang: str, interval: float, clock: type[datetime] = datetime, zone: str | None = None
    ) -> None:
        self._stream = stream
        self._lang = lang
        self._zone = zone_of(host_zone() if zone is None else zone)
        self._interval = interval
        self._clock = clock
        self._lock = threading.Lock()
        self._label = ""
        self._total: int | None = None
        self._done = 0
        self._start = 0.0
        self._last = 0.0
        self._active = False

    def _emit(self, text: str) -> None:
        stamp = self._clock.now(self._zone).isoformat(timespec="seconds")  # the command's zone, with its offset
        self._stream.write(f"{stamp} scelle: {text}\n")
        self._stream.flush()

    def started(self, label: str, total: int | None) -> None:
        """Begin an operation: its first line, at 0%."""
        with self._lock:
            self._label, self._total, self._done = localised_label(label, self._lang), total, 0
            self._start = self._last = time.monotonic()
            self._active = True
            self._emit(status_text(self._label, 0, total, 0.0, self._lang))

    def advanced(self, done: int) -> None:
        """Note ``done`` bytes; write a line when the interval has passed since the last one."""
        with self._lock:
            if not self._active:
                return
            self._done = done
            now = time.monotonic()
            if now - self._last >= self._interval:
                self._last = now
                self._emit(status_text(self._label, done, self._total, now - self._start, self._lang))

    def finished(self) -> None:
        """The last line: done (with the average throughput), or where it stopped."""
        with self._lock:
            if not self._active:
                return
            self._active = False
            elapsed = time.monotonic() - self._start
            size = size_text(self._done, self._lang)
            complete = self._total is None or self._done >= self._total
            key = "progress.done" if complete else "progress.stopped"
            rate = rate_text(self._done, elapsed, self._lang)
            took = duration_text(elapsed, self._lang)
            self._emit(message(key, self._lang, label=self._label, done=size, elapsed=took, rate=rate))

    def __enter__(self) -> StatusLines:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.finished()


class RichProgress:
    """A bar per operation: label, bar, percentage, bytes, throughput, elapsed and remaining time."""

    def __init__(self, console: Console | None = None, lang: str = "en") -> None:
        # rich is imported only when a bar is shown: scripted runs (stderr not a terminal) start faster.
        from rich.console import Console
        from rich.progress import BarColumn, Progress, ProgressColumn, TextColumn
        from rich.text import Text

        class Figures(ProgressColumn):
            def render(self, task: Task) -> Text:
                done, total = int(task.completed), task.total
                elapsed = task.elapsed or 0.0
                remaining = task.time_remaining if total else None
                parts = [
                    percent_text(done, int(total), lang) if total else "",
                    f"{size_text(done, lang)}/{size_text(total, lang)}" if total else size_text(done, lang),
                    rate_text(done, elapsed, lang),
                    message("progress.elapsed", lang, time=duration_text(elapsed, lang)),
                    message("progress.remaining", lang, time=duration_text(remaining, lang)),
                ]
                return Text("  ".join(part for part in parts if part))

        self._lang = lang
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            Figures(),
            console=console or Console(stderr=True),
            transient=False,
        )
        self._task: TaskID | None = None

    def started(self, label: str, total: int | None) -> None:
        """Start a new bar (one per operation: acquisition, then each verification pass)."""
        self._task = self._progress.add_task(localised_label(label, self._lang), total=total)

    def advanced(self, done: int) -> None:
        """Move the current bar to ``done`` bytes (rich's update is thread-safe)."""
        if self._task is not None:
            self._progress.update(self._task, completed=done)

    def finished(self) -> None:
        """Stop updating the current bar."""
        self._task = None

    def __enter__(self) -> RichProgress:
        self._progress.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._progress.stop()


class _Silent:
    def __enter__(self) -> ProgressObserver:
        return NULL_PROGRESS

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        return None


def progress_for(quiet: bool, lang: str = "en", zone: str | None = None) -> RichProgress | StatusLines | _Silent:
    """A context manager yielding the observer to pass to the library: a bar, status lines (stamped in ``zone``,
    else the host's, with the offset), or nothing."""
    if quiet:
        return _Silent()
    if sys.stderr.isatty():
        return RichProgress(lang=lang)
    return StatusLines(sys.stderr, lang, progress_interval(), zone=zone)


@contextmanager
def hashing_progress(
    quiet: bool, lang: str, subject: str, total: int | None, *, what: str = "hashing"
) -> Iterator[ProgressObserver]:
    """Progress for a command that hashes itself (``image hash``; ``image ls --hash``, ``what`` "listing and
    hashing", without a total): started and finished here."""
    with progress_for(quiet, lang) as progress:
        progress.started(f"{what} {subject}", total)
        try:
            yield progress
        finally:
            progress.finished()
