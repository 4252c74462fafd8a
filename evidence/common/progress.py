"""Progress reporting without printing: the library calls an observer, the CLI renders it.

A long operation (acquisition, verification, hashing a whole image) calls ``started`` once with the total number of
bytes when known, ``advanced`` with the number of bytes done so far, then ``finished``. ``NULL_PROGRESS`` does
nothing and is the default everywhere.
"""

from __future__ import annotations

from typing import Protocol


class ProgressObserver(Protocol):
    """What the library tells about a long operation. Implementations must be cheap and thread-safe."""

    def started(self, label: str, total: int | None) -> None: ...

    def advanced(self, done: int) -> None: ...

    def finished(self) -> None: ...


class NullProgress:
    """An observer that ignores everything."""

    def started(self, label: str, total: int | None) -> None:
        return None

    def advanced(self, done: int) -> None:
        return None

    def finished(self) -> None:
        return None


NULL_PROGRESS: ProgressObserver = NullProgress()
