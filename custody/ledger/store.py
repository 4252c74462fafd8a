"""The ledger's SQLite file: leaves, their hashes, checkpoints, and a few derived values
(``custody.ledger.backend.LedgerStore``, which validates every value read back).

Durability and concurrency come from SQLite: WAL journal, ``synchronous=FULL`` (a committed append survives a power
cut or a ``kill -9``), one ``BEGIN IMMEDIATE`` transaction per append (two processes appending at once are
serialised: the second waits for the first and then reads the state the first left). Nothing here is trusted by
verification: the leaves are the data, everything else (hashes, frontier, heads, checkpoints) is recomputed.

Tables: ``meta`` (format, tree size and frontier), ``entries`` (``seq``, ``kind``, ``entry_id``, ``leaf``,
``leaf_hash``), ``checkpoints`` (``size``, signed ``note``), ``heads`` (latest event id per artefact), and, once
a ledger is time-stamped, ``timestamps`` (``size``, RFC 3161 ``reply``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from custody.errors import CustodyError, LedgerTamperedError
from custody.ledger.backend import LedgerFileError, LedgerStore, MetaValue, SaidLedgerFileError
from evidence.common.reasons import library_text

SCHEMA = """
CREATE TABLE meta (name TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE entries (
    seq INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    entry_id TEXT NOT NULL UNIQUE,
    leaf BLOB NOT NULL,
    leaf_hash BLOB NOT NULL
);
CREATE INDEX entries_kind ON entries (kind, seq);
CREATE TABLE checkpoints (size INTEGER PRIMARY KEY, note TEXT NOT NULL);
CREATE TABLE heads (artefact TEXT PRIMARY KEY, event_id TEXT NOT NULL);
"""
TIMESTAMPS_TABLE = """CREATE TABLE IF NOT EXISTS timestamps (size INTEGER NOT NULL, reply BLOB NOT NULL UNIQUE)"""
"""RFC 3161 replies over stored checkpoints (``custody.ledger.timestamps``): outside the Merkle tree, like the
checkpoints, since each is signed by its time-stamping authority; created when a ledger is first time-stamped."""
APPLICATION_ID = 0x5343454C  # "SCEL": lets `file` and scelle tell a ledger from any other SQLite file
BUSY_TIMEOUT_S = 60.0

#: what a damaged file can raise from sqlite3: its errors, and a UnicodeDecodeError when SQLite's own error text
#: quotes damaged schema bytes that are not UTF-8 (found by the fuzz run: ``benchmarks/fuzz.py --replay ledger:1486``)
DB_ERRORS = (sqlite3.Error, UnicodeDecodeError)


QUERIES = {
    "meta": "SELECT value FROM meta WHERE name = ?",
    "meta_all": "SELECT name, value FROM meta ORDER BY name",
    "latest_checkpoint": "SELECT size, note FROM checkpoints ORDER BY size DESC LIMIT 1",
    "next_position": "SELECT COALESCE(MAX(seq) + 1, 0) FROM entries",
    "checkpoint_at": "SELECT note FROM checkpoints WHERE size = ?",
    "timestamps": "SELECT size, reply FROM timestamps ORDER BY rowid",
    "find": "SELECT seq, kind, leaf FROM entries WHERE entry_id = ?",
    "leaf_at": "SELECT leaf FROM entries WHERE seq = ?",
    "last_leaf": "SELECT leaf FROM entries WHERE kind = ? ORDER BY seq DESC LIMIT 1",
    "head": "SELECT event_id FROM heads WHERE artefact = ?",
    "heads": "SELECT artefact, event_id FROM heads",
    "entries": "SELECT seq, kind, entry_id, leaf, leaf_hash FROM entries ORDER BY seq",
    "entries_of": "SELECT seq, kind, entry_id, leaf, leaf_hash FROM entries WHERE kind = ? ORDER BY seq",
    "checkpoints": "SELECT size, note FROM checkpoints ORDER BY size",
    "leaf_hashes": "SELECT leaf_hash FROM entries ORDER BY seq",
    "has_timestamps": "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'timestamps'",
}
"""The reads ``custody.ledger.backend.LedgerStore`` validates, by name."""

__all__ = ["DB_ERRORS", "LedgerFileError", "Store"]


class Store(LedgerStore):
    """One open connection to a ledger file."""

    path: Path

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path

    @classmethod
    def create(cls, path: str | Path) -> Store:
        """Create a new, empty ledger file (refusing to overwrite anything)."""
        target = Path(path)
        if target.exists():
            raise SaidLedgerFileError("ledger.exists", path=target)
        try:
            conn = sqlite3.connect(target, timeout=BUSY_TIMEOUT_S, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
            conn.executescript("BEGIN;" + SCHEMA + "COMMIT;")
        except DB_ERRORS as exc:
            raise SaidLedgerFileError(
                "ledger.uncreatable", path=target, reason=library_text("sqlite", str(exc))
            ) from exc
        return cls._ready(conn, target)

    @classmethod
    def open(cls, path: str | Path, *, readonly: bool = False) -> Store:
        """Open an existing ledger; ``readonly`` opens the file so that nothing can be written to it."""
        target = Path(path)
        if not target.is_file():
            raise SaidLedgerFileError("ledger.missing", path=target)
        try:
            if readonly:
                conn = sqlite3.connect(
                    f"{target.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None
                )
            else:
                conn = sqlite3.connect(target, timeout=BUSY_TIMEOUT_S, isolation_level=None)
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        except DB_ERRORS as exc:
            raise SaidLedgerFileError(
                "ledger.not_sqlite", path=target, reason=library_text("sqlite", str(exc))
            ) from exc
        if app_id != APPLICATION_ID:
            conn.close()
            raise SaidLedgerFileError("ledger.not_scelle", path=target)
        return cls._ready(conn, target)

    @classmethod
    def _ready(cls, conn: sqlite3.Connection, path: Path) -> Store:
        try:
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
        except DB_ERRORS as exc:
            conn.close()
            raise LedgerFileError(f"{path}: {exc}") from exc
        return cls(conn, path)

    def close(self) -> None:
        """Close the connection."""
        self._conn.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction: ``BEGIN IMMEDIATE`` takes the write lock at once, so the state read inside it is
        the state the commit extends; any exception rolls everything back."""
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except DB_ERRORS as exc:
            raise SaidLedgerFileError("ledger.locked", path=self.path, reason=library_text("sqlite", str(exc))) from exc
        try:
            yield
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise
        try:
            self._conn.execute("COMMIT")
        except DB_ERRORS as exc:
            self._conn.execute("ROLLBACK")
            raise LedgerFileError(f"{self.path}: cannot commit: {exc}") from exc

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """A read transaction: every read inside it sees one consistent state, even while others append."""
        try:
            self._conn.execute("BEGIN")
        except DB_ERRORS as exc:
            raise LedgerTamperedError(f"{self.path}: ledger tables are damaged: {exc}") from exc
        failed = True
        try:
            yield
            failed = False
        finally:
            try:
                self._conn.execute("COMMIT")
            except DB_ERRORS as exc:
                # Ending a read of a damaged file can fail too; never hide the first error behind this one.
                if not failed:
                    raise LedgerTamperedError(f"{self.path}: ledger tables are damaged: {exc}") from exc

    def _one(self, query: str, *args: object) -> tuple[Any, ...] | None:
        try:
            row: tuple[Any, ...] | None = self._conn.execute(QUERIES[query], args).fetchone()
        except DB_ERRORS as exc:
            raise LedgerTamperedError(f"{self.path}: ledger tables are damaged: {exc}") from exc
        return row

    def _rows(self, query: str, *args: object) -> Iterator[tuple[Any, ...]]:
        try:
            yield from self._conn.execute(QUERIES[query], args)
        except DB_ERRORS as exc:
            raise LedgerTamperedError(f"{self.path}: ledger tables are damaged: {exc}") from exc

    def set_meta(self, name: str, value: MetaValue) -> None:
        """Set a value of the ``meta`` table (inside a transaction)."""
        self._conn.execute("INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)", (name, value))

    def insert_entry(self, seq: int, kind: str, entry_id: str, leaf: bytes, leaf_hash: bytes) -> None:
        """Store one leaf at position ``seq``."""
        try:
            self._conn.execute(
                "INSERT INTO entries (seq, kind, entry_id, leaf, leaf_hash) VALUES (?, ?, ?, ?, ?)",
                (seq, kind, entry_id, leaf, leaf_hash),
            )
        except sqlite3.IntegrityError as exc:
            raise CustodyError(f"{self.path}: entry {entry_id} is already in the ledger") from exc

    def insert_checkpoint(self, size: int, note: str) -> None:
        """Store the signed checkpoint of the tree of ``size`` leaves."""
        self._conn.execute("INSERT OR REPLACE INTO checkpoints (size, note) VALUES (?, ?)", (size, note))

    def set_head(self, artefact: str, event_id: str) -> None:
        """Record the latest event about ``artefact``."""
        self._conn.execute("INSERT OR REPLACE INTO heads (artefact, event_id) VALUES (?, ?)", (artefact, event_id))

    def add_timestamp(self, size: int, reply: bytes) -> bool:
        """Keep an RFC 3161 reply over the checkpoint of ``size`` (inside a transaction); False if already kept.

        The ``timestamps`` table is created on first use, so older ledgers stay as they are until one is stamped.
        """
        self._conn.execute(TIMESTAMPS_TABLE)
        cursor = self._conn.execute("INSERT OR IGNORE INTO timestamps (size, reply) VALUES (?, ?)", (size, reply))
        return cursor.rowcount == 1

    def _has_timestamps(self) -> bool:
        return self._one("has_timestamps") is not None
