"""The one result of every ``digest_*`` call: the byte count, the digests, and the prefix digests per window.

``DigestResult`` reads as a mapping from algorithm to hex digest (``result["sha256"]``, ``dict(result)``,
``result == {"sha256": ...}``), which is how digests are printed and stored; the raw digests stay in ``digests``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

ALGORITHMS = ("md5", "sha1", "sha256", "blake3")
"""Every algorithm scelle computes, in the order they are listed in records."""


@dataclass(frozen=True, slots=True, kw_only=True)
class WindowDigest:
    """Digests of the prefix ``[0, end)`` of the stream, one per algorithm (raw bytes)."""

    end: int
    digests: Mapping[str, bytes]


@dataclass(frozen=True, slots=True, kw_only=True, eq=False)
class DigestResult(Mapping[str, str]):
    """Everything a digest computed over one stream; as a mapping, ``{algorithm: hex digest}`` in record order."""

    size: int
    digests: Mapping[str, bytes]
    window: int | None = None
    windows: tuple[WindowDigest, ...] = field(default=())

    def __getitem__(self, name: str) -> str:
        return self.digests[name].hex()

    def __iter__(self) -> Iterator[str]:
        return (name for name in ALGORITHMS if name in self.digests)

    def __len__(self) -> int:
        return len(self.digests)

    def __eq__(self, other: object) -> bool:
        """Two results are equal when everything they hold is; a result equals a mapping of the same hex digests."""
        if isinstance(other, DigestResult):
            mine = (self.size, dict(self.digests), self.window, self.windows)
            return mine == (other.size, dict(other.digests), other.window, other.windows)
        if isinstance(other, Mapping):
            return dict(self.items()) == dict(other.items())
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # equal to a dict, so not hashable either

    def __repr__(self) -> str:
        return f"DigestResult(size={self.size}, {', '.join(f'{k}={v}' for k, v in self.items())})"

    def hexdigests(self) -> dict[str, str]:
        """``{algorithm: hex}`` in the order of ``ALGORITHMS`` (a plain dict, for JSON)."""
        return dict(self.items())
