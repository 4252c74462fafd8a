"""Where acquired bytes go: raw, split raw or E01 outputs behind one small protocol.

The acquisition pipeline reads the source once, hashes the bytes, and hands the same buffers, in media order, to a
sink. The sink owns its files: it writes, and on ``close`` finalises them (the E01 sink stores the media MD5/SHA-1
given in ``media_digests``) and reports each output file with its digests so the acquisition record can list them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable


@dataclass(frozen=True, slots=True, kw_only=True)
class OutputFile:
    """One file written by a sink, with the digests of its bytes as stored on disk (``algorithm -> hex``)."""

    path: Path
    size: int
    digests: dict[str, str] = field(default_factory=dict)


class ImageSink(Protocol):
    """A destination for media bytes, written strictly in order from offset 0."""

    def write(self, data: memoryview) -> None:
        """Append the next ``len(data)`` media bytes. ``data`` is only valid during the call."""

    def add_unreadable(self, offset: int, length: int) -> None:
        """Record that media bytes ``[offset, offset+length)`` could not be read (they were written as zeros)."""

    def close(self, media_digests: Mapping[str, bytes]) -> list[OutputFile]:
        """Finish every output file; ``media_digests`` maps ``md5``/``sha1``/``sha256``/``blake3`` to raw digests."""

    def abort(self) -> None:
        """Stop after a failure or an interruption: leave what was written, release the files, never finalise."""


@runtime_checkable
class DescribedSink(Protocol):
    """A sink that says how it wrote its files (E01: compression, deflate library, stored digests).

    The acquisition record keeps ``details`` under ``format_details``; read it after ``close``.
    """

    @property
    def details(self) -> Mapping[str, str | int]:
        """Format settings and facts worth recording, as JSON-able strings and integers."""
