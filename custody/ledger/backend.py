"""What every ledger store does, and the one place where the values it reads back are validated.

A ledger lives in an SQLite file (``custody.ledger.store``) or in a PostgreSQL database shared by a lab
(``custody.ledger.pgstore``). Both keep the same tables and give the same guarantees: one transaction per append that
holds the ledger's write lock from the first read to the commit, a read snapshot, and a commit acknowledged only once
it is durable. A back-end only runs its queries (``_one``/``_rows``, by query name) and writes; every value read is
checked here by ``custody.ledger.stored``, so a tampered row reads the same way, and fails the same way, whatever
holds it. Nothing here is trusted by verification: the leaves are the data, the rest is recomputed from them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from custody.errors import CustodyError
from custody.i18n.said import SaidError
from custody.ledger.stored import MAX_FRONTIER_BYTES, stored_blob, stored_bytes, stored_size, stored_text

ENTRY_KINDS = ("ledger", "key", "authority", "event", "authority-change")

#: the meta values a store keeps: a count, a text (a key-file hint) or bytes (the frontier, kept receipts)
MetaValue = bytes | str | int


class LedgerFileError(CustodyError):
    """The ledger is missing, not a scelle ledger, or cannot be read or written."""

    kind = "error.kind.ledger"


class SaidLedgerFileError(SaidError, LedgerFileError):
    """A ``LedgerFileError`` from the catalogue."""


class LedgerStore(ABC):
    """One open connection to a ledger. ``path`` names it in messages (a file path, or a database location
    without any password)."""

    path: Path | str

    # What a back-end provides

    @abstractmethod
    def close(self) -> None:
        """Close the connection."""

    @abstractmethod
    def transaction(self) -> AbstractContextManager[None]:
        """One write transaction holding the ledger's write lock: the state read inside it is the state the commit
        extends; any exception rolls everything back; leaving it normally commits durably."""

    @abstractmethod
    def snapshot(self) -> AbstractContextManager[None]:
        """A read transaction: every read inside it sees one consistent state, even while others append."""

    @abstractmethod
    def _one(self, query: str, *args: object) -> tuple[Any, ...] | None:
        """The first row of the named query (``LedgerTamperedError`` when the tables cannot be read)."""

    @abstractmethod
    def _rows(self, query: str, *args: object) -> Iterator[tuple[Any, ...]]:
        """Every row of the named query."""

    @abstractmethod
    def set_meta(self, name: str, value: MetaValue) -> None:
        """Set a value of the ``meta`` table (inside a transaction)."""

    @abstractmethod
    def insert_entry(self, seq: int, kind: str, entry_id: str, leaf: bytes, leaf_hash: bytes) -> None:
        """Store one leaf at position ``seq`` (``CustodyError`` when its id is already stored)."""

    @abstractmethod
    def insert_checkpoint(self, size: int, note: str) -> None:
        """Store (or replace, with more cosignatures) the signed checkpoint of the tree of ``size`` leaves."""

    @abstractmethod
    def set_head(self, artefact: str, event_id: str) -> None:
        """Record the latest event about ``artefact``."""

    @abstractmethod
    def add_timestamp(self, size: int, reply: bytes) -> bool:
        """Keep an RFC 3161 reply over the checkpoint of ``size`` (inside a transaction); False if already kept."""

    @abstractmethod
    def _has_timestamps(self) -> bool:
        """Whether the store has a place for time-stamps yet (older SQLite ledgers do not)."""

    def _meta_value(self, row: tuple[Any, ...]) -> Any:
        """The value of a ``meta`` row as the back-end stores it (one column here)."""
        return row[0]

    # Validated reads, the same for every back-end

    def get_meta(self, name: str) -> Any:
        """A value of the ``meta`` table (None when absent); its type is checked by whoever uses it."""
        row = self._one("meta", name)
        return None if row is None else self._meta_value(row)

    def meta_items(self) -> list[tuple[str, MetaValue]]:
        """Every ``meta`` value (name, value), validated as a count, a text or bytes (to copy a ledger)."""
        items: list[tuple[str, MetaValue]] = []
        for row in self._rows("meta_all"):
            name = stored_text(self.path, "meta name", row[0])
            value = self._meta_value(row[1:])
            if isinstance(value, int) and not isinstance(value, bool):
                items.append((name, stored_size(self.path, f"meta value {name}", value, absent=None)))
            elif isinstance(value, str):
                items.append((name, value))
            else:
                items.append((name, stored_blob(self.path, f"meta value {name}", value)))
        return items

    def latest_checkpoint(self) -> tuple[int, str] | None:
        """The checkpoint of the largest tree, as (size, note)."""
        row = self._one("latest_checkpoint")
        if row is None:
            return None
        return stored_size(self.path, "checkpoint size", row[0], absent=None), stored_text(
            self.path, "checkpoint note", row[1]
        )

    def tree_state(self) -> tuple[int, bytes]:
        """The stored tree size and frontier, validated (a fresh ledger: ``(0, b"")``)."""
        size = stored_size(self.path, "tree size (meta.size)", self.get_meta("size"))
        frontier = stored_bytes(
            self.path, "tree frontier (meta.frontier)", self.get_meta("frontier"), limit=MAX_FRONTIER_BYTES
        )
        return size, frontier

    def next_position(self) -> int:
        """One past the largest stored entry position (0 for no entries): where the next entry goes."""
        row = self._one("next_position")
        return stored_size(self.path, "entry position", None if row is None else row[0])

    def checkpoint_at(self, size: int) -> str | None:
        """The signed checkpoint stored for a tree of ``size`` leaves."""
        row = self._one("checkpoint_at", size)
        return None if row is None else stored_text(self.path, "checkpoint note", row[0])

    def timestamps(self) -> list[tuple[int, bytes]]:
        """Every kept RFC 3161 reply as (checkpoint size, reply), in the order they were stored (none: [])."""
        if not self._has_timestamps():
            return []
        return [
            (stored_size(self.path, "time-stamp size", s, absent=None), stored_blob(self.path, "time-stamp reply", r))
            for s, r in self._rows("timestamps")
        ]

    def find(self, entry_id: str) -> tuple[int, str, bytes] | None:
        """(seq, kind, leaf) of the entry with this id."""
        row = self._one("find", entry_id)
        if row is None:
            return None
        seq = stored_size(self.path, "entry position", row[0], absent=None)
        return seq, stored_text(self.path, "entry kind", row[1]), stored_blob(self.path, "entry leaf", row[2])

    def leaf_at(self, seq: int) -> bytes | None:
        """The leaf stored at position ``seq``."""
        row = self._one("leaf_at", seq)
        return None if row is None else stored_blob(self.path, "entry leaf", row[0])

    def last_leaf(self, kind: str) -> bytes | None:
        """The leaf of the latest entry of ``kind``."""
        row = self._one("last_leaf", kind)
        return None if row is None else stored_blob(self.path, "entry leaf", row[0])

    def head(self, artefact: str) -> str | None:
        """Id of the latest event about ``artefact`` (``sha256:…``)."""
        row = self._one("head", artefact)
        return None if row is None else stored_text(self.path, "artefact head", row[0])

    def heads(self) -> dict[str, str]:
        """Every stored head, artefact -> event id."""
        return {str(a): str(e) for a, e in self._rows("heads")}

    def entries(self, kind: str | None = None, *, raw: bool = False) -> Iterator[tuple[int, str, str, bytes, bytes]]:
        """Every stored row (seq, kind, entry_id, leaf, leaf_hash) in ``seq`` order, optionally of one kind.

        Each value is validated (``custody.ledger.stored``); ``raw`` gives the rows as stored, for the verifier,
        which reports a rewritten row as one finding among others rather than stopping at it.
        """
        if kind is not None and kind not in ENTRY_KINDS:
            raise CustodyError(f"unknown entry kind {kind!r}")
        rows = self._rows("entries") if kind is None else self._rows("entries_of", kind)
        if raw:
            yield from rows
            return
        for seq, stored_kind, entry_id, leaf, digest in rows:
            yield (
                stored_size(self.path, "entry position", seq, absent=None),
                stored_text(self.path, "entry kind", stored_kind),
                stored_text(self.path, "entry id", entry_id),
                stored_blob(self.path, "entry leaf", leaf),
                stored_blob(self.path, "leaf hash", digest),
            )

    def checkpoints(self) -> Iterator[tuple[int, str]]:
        """Every stored checkpoint (size, note) by increasing size."""
        for size, note in self._rows("checkpoints"):
            yield (
                stored_size(self.path, "checkpoint size", size, absent=None),
                stored_text(self.path, "checkpoint note", note),
            )

    def leaf_hashes(self) -> list[bytes]:
        """Every stored leaf hash in ``seq`` order."""
        return [stored_bytes(self.path, "leaf hash", h, limit=32, absent=False) for (h,) in self._rows("leaf_hashes")]
