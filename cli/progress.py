"""A rich progress bar on stderr implementing ``evidence.common.progress.ProgressObserver``.

Shown only when stderr is a terminal and ``--quiet`` is not given, so logs and pipes stay clean.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import TYPE_CHECKING

from evidence.common.progress import NULL_PROGRESS, ProgressObserver

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import TaskID


class RichProgress:
    """Bytes done, throughput and ETA for each long operation the library reports."""

    def __init__(self, console: Console | None = None) -> None:
        # rich is imported only when a bar is shown: scripted runs (stderr not a terminal) start faster.
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
            TransferSpeedColumn,
        )

        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(binary_units=True),
            TransferSpeedColumn(),
            TimeRemainingColumn(),
            console=console or Console(stderr=True),
            transient=False,
        )
        self._task: TaskID | None = None

    def started(self, label: str, total: int | None) -> None:
        """Start a new bar (one per operation: acquisition, then each verification pass)."""
        self._task = self._progress.add_task(label, total=total)

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


def progress_for(quiet: bool) -> RichProgress | _Silent:
    """A context manager yielding the observer to pass to the library: a bar, or nothing."""
    if quiet or not sys.stderr.isatty():
        return _Silent()
    return RichProgress()
