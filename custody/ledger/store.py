"""The ledger's SQLite file: leaves, their hashes, checkpoints, and a few derived values.

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
from custody.ledger.stored import MAX_FRONTIER_BYTES, stored_blob, stored_bytes, stored_size, stored_text

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


class LedgerFileError(CustodyError):
    """The ledger file is missing, not a scelle ledger, or cannot be read or written."""


class Store:
    """One open connection to a ledger file."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path

    @classmethod
    def create(cls, path: str | Path) -> Store:
        """Create a new, empty ledger file (refusing to overwrite anything)."""
        target = Path(path)
        if target.exists():
            raise LedgerFileError(f"{target}: already exists; a ledger is never overwritten")
        try:
            conn = sqlite3.connect(target, timeout=BUSY_TIMEOUT_S, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
            conn.executescript("BEGIN;" + SCHEMA + "COMMIT;")
        except DB_ERRORS as exc:
            raise LedgerFileError(f"{target}: cannot create ledger: {exc}") from exc
        return cls._ready(conn, target)

    @classmethod
    def open(cls, path: str | Path, *, readonly: bool = False) -> Store:
        """Open an existing ledger; ``readonly`` opens the file so that nothing can be written to it."""
        target = Path(path)
        if not target.is_file():
            raise LedgerFileError(f"{target}: no such ledger file")
        try:
            if readonly:
                conn = sqlite3.connect(
                    f"{target.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None
                )
            else:
                conn = sqlite3.connect(target, timeout=BUSY_TIMEOUT_S, isolation_level=None)
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        except DB_ERRORS as exc:
            raise LedgerFileError(f"{target}: not a readable SQLite file: {exc}") from exc
        if app_id != APPLICATION_ID:
            conn.close()
            raise LedgerFileError(f"{target}: not a scelle ledger")
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
            raise LedgerFileError(f"{self.path}: cannot lock the ledger for writing: {exc}") from exc
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

    def _one(self, sql: str, args: tuple[object, ...] = ()) -> tuple[Any, ...] | None:
        try:
            row: tuple[Any, ...] | None = self._conn.execute(sql, args).fetchone()
        except DB_ERRORS as exc:
            raise LedgerTamperedError(f"{self.path}: ledger tables are damaged: {exc}") from exc
        return row

    def get_meta(self, name: str) -> Any:
        """A value of the ``meta`` table (None when absent)."""
        row = self._one("SELECT value FROM meta WHERE name = ?", (name,))
        return None if row is None else row[0]

    def set_meta(self, name: str, value: bytes | str | int) -> None:
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

    def latest_checkpoint(self) -> tuple[int, str] | None:
        """The checkpoint of the largest tree, as (size, note)."""
        row = self._one("SELECT size, note FROM checkpoints ORDER BY size DESC LIMIT 1")
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
        row = self._one("SELECT COALESCE(MAX(seq) + 1, 0) FROM entries")
        return stored_size(self.path, "entry position", None if row is None else row[0])

    def checkpoint_at(self, size: int) -> str | None:
        """The signed checkpoint stored for a tree of ``size`` leaves."""
        row = self._one("SELECT note FROM checkpoints WHERE size = ?", (size,))
        return None if row is None else stored_text(self.path, "checkpoint note", row[0])

    def add_timestamp(self, size: int, reply: bytes) -> bool:
        """Keep an RFC 3161 reply over the checkpoint of ``size`` (inside a transaction); False if already kept.

        The ``timestamps`` table is created on first use, so older ledgers stay as they are until one is stamped.
        """
        self._conn.execute(TIMESTAMPS_TABLE)
        cursor = self._conn.execute("INSERT OR IGNORE INTO timestamps (size, reply) VALUES (?, ?)", (size, reply))
        return cursor.rowcount == 1

    def timestamps(self) -> list[tuple[int, bytes]]:
        """Every kept RFC 3161 reply as (checkpoint size, reply), in the order they were stored (none: [])."""
        if self._one("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'timestamps'") is None:
            return []
        return [(s, r) for s, r in self._rows("SELECT size, reply FROM timestamps ORDER BY rowid")]

    def find(self, entry_id: str) -> tuple[int, str, bytes] | None:
        """(seq, kind, leaf) of the entry with this id."""
        row = self._one("SELECT seq, kind, leaf FROM entries WHERE entry_id = ?", (entry_id,))
        if row is None:
            return None
        seq = stored_size(self.path, "entry position", row[0], absent=None)
        return seq, stored_text(self.path, "entry kind", row[1]), stored_blob(self.path, "entry leaf", row[2])

    def leaf_at(self, seq: int) -> bytes | None:
        """The leaf stored at position ``seq``."""
        row = self._one("SELECT leaf FROM entries WHERE seq = ?", (seq,))
        return None if row is None else stored_blob(self.path, "entry leaf", row[0])

    def last_leaf(self, kind: str) -> bytes | None:
        """The leaf of the latest entry of ``kind``."""
        row = self._one("SELECT leaf FROM entries WHERE kind = ? ORDER BY seq DESC LIMIT 1", (kind,))
        return None if row is None else stored_blob(self.path, "entry leaf", row[0])

    def head(self, artefact: str) -> str | None:
        """Id of the latest event about ``artefact`` (``sha256:…``)."""
        row = self._one("SELECT event_id FROM heads WHERE artefact = ?", (artefact,))
        return None if row is None else stored_text(self.path, "artefact head", row[0])

    def set_head(self, artefact: str, event_id: str) -> None:
        """Record the latest event about ``artefact``."""
        self._conn.execute("INSERT OR REPLACE INTO heads (artefact, event_id) VALUES (?, ?)", (artefact, event_id))

    def heads(self) -> dict[str, str]:
        """Every stored head, artefact -> event id."""
        return {str(a): str(e) for a, e in self._rows("SELECT artefact, event_id FROM heads")}

    def _rows(self, sql: str) -> Iterator[tuple[Any, ...]]:
        try:
            yield from self._conn.execute(sql)
        except DB_ERRORS as exc:
            raise LedgerTamperedError(f"{self.path}: ledger tables are damaged: {exc}") from exc

    def entries(self, kind: str | None = None, *, raw: bool = False) -> Iterator[tuple[int, str, str, bytes, bytes]]:
        """Every stored row (seq, kind, entry_id, leaf, leaf_hash) in ``seq`` order, optionally of one kind.

        Each value is validated (``custody.ledger.stored``); ``raw`` gives the rows as stored, for the verifier,
        which reports a rewritten row as one finding among others rather than stopping at it.
        """
        sql = "SELECT seq, kind, entry_id, leaf, leaf_hash FROM entries"
        if kind is not None:
            if kind not in ("ledger", "key", "authority", "event", "authority-change"):
                raise CustodyError(f"unknown entry kind {kind!r}")
            sql += f" WHERE kind = '{kind}'"
        if raw:
            yield from self._rows(sql + " ORDER BY seq")
            return
        for seq, stored_kind, entry_id, leaf, digest in self._rows(sql + " ORDER BY seq"):
            yield (
                stored_size(self.path, "entry position", seq, absent=None),
                stored_text(self.path, "entry kind", stored_kind),
                stored_text(self.path, "entry id", entry_id),
                stored_blob(self.path, "entry leaf", leaf),
                stored_blob(self.path, "leaf hash", digest),
            )

    def checkpoints(self) -> Iterator[tuple[int, str]]:
        """Every stored checkpoint (size, note) by increasing size."""
        for size, note in self._rows("SELECT size, note FROM checkpoints ORDER BY size"):
            yield (
                stored_size(self.path, "checkpoint size", size, absent=None),
                stored_text(self.path, "checkpoint note", note),
            )

    def leaf_hashes(self) -> list[bytes]:
        """Every stored leaf hash in ``seq`` order."""
        rows = self._rows("SELECT leaf_hash FROM entries ORDER BY seq")
        return [stored_bytes(self.path, "leaf hash", h, limit=32, absent=False) for (h,) in rows]
