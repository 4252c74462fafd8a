"""A lab's ledgers in one PostgreSQL database (issue 15): the same tables as the SQLite file, one ledger per case.

Every table carries the ledger's name; ``scelle_ledgers`` has one row per ledger, and that row is the ledger's write
lock: an append runs in one transaction that first takes ``SELECT ... FOR UPDATE`` on it, so appends to one ledger
are serialised exactly as SQLite's ``BEGIN IMMEDIATE`` serialises them (the second writer waits, then reads, under
READ COMMITTED, the state the first one committed), while appends to other ledgers of the database go on in
parallel. A row lock was chosen over SERIALIZABLE isolation because an append signs a checkpoint between its reads
and its writes: under SERIALIZABLE a conflicting writer would fail at commit and have to redo the whole append
(and re-read the clock), where the lock makes it wait once and never fail. A killed client's transaction is rolled
back by the server; a commit is acknowledged only once its WAL is flushed (``synchronous_commit = on`` for the
session, and appending is refused when the server runs with ``fsync`` off), which is SQLite's ``synchronous=FULL``.

Only this module imports psycopg. Values read back are validated by ``custody.ledger.backend``, as for SQLite.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import errors as pg_errors

from custody.errors import CustodyError, LedgerTamperedError
from custody.ledger.backend import LedgerFileError, LedgerStore, MetaValue
from custody.ledger.location import DatabaseLocation, StoreLocationError

FORMAT = 1
CREATE_LOCK = 0x5343454C  # "SCEL": one `custody init` at a time creates the tables of an empty database
CONNECT_TIMEOUT_S = 10
LOCK_TIMEOUT = "60s"  # as long as the SQLite store waits for its write lock

SCHEMA = """
CREATE TABLE IF NOT EXISTS scelle_ledgers (name text PRIMARY KEY, format integer NOT NULL);
CREATE TABLE IF NOT EXISTS scelle_meta (
    ledger text NOT NULL REFERENCES scelle_ledgers, name text NOT NULL,
    number bigint, text text, data bytea,
    PRIMARY KEY (ledger, name)
);
CREATE TABLE IF NOT EXISTS scelle_entries (
    ledger text NOT NULL REFERENCES scelle_ledgers, seq bigint NOT NULL, kind text NOT NULL, entry_id text NOT NULL,
    leaf bytea NOT NULL, leaf_hash bytea NOT NULL,
    PRIMARY KEY (ledger, seq), UNIQUE (ledger, entry_id)
);
CREATE INDEX IF NOT EXISTS scelle_entries_kind ON scelle_entries (ledger, kind, seq);
CREATE TABLE IF NOT EXISTS scelle_checkpoints (
    ledger text NOT NULL REFERENCES scelle_ledgers, size bigint NOT NULL, note text NOT NULL,
    PRIMARY KEY (ledger, size)
);
CREATE TABLE IF NOT EXISTS scelle_heads (
    ledger text NOT NULL REFERENCES scelle_ledgers, artefact text NOT NULL, event_id text NOT NULL,
    PRIMARY KEY (ledger, artefact)
);
CREATE TABLE IF NOT EXISTS scelle_timestamps (
    ledger text NOT NULL REFERENCES scelle_ledgers, id bigint GENERATED ALWAYS AS IDENTITY,
    size bigint NOT NULL, reply bytea NOT NULL, reply_hash bytea GENERATED ALWAYS AS (sha256(reply)) STORED,
    PRIMARY KEY (ledger, id), UNIQUE (ledger, reply_hash)
);
"""
"""``scelle_timestamps`` is unique on the reply's SHA-256: an index entry cannot hold a whole RFC 3161 reply."""

QUERIES = {
    "meta": "SELECT number, text, data FROM scelle_meta WHERE ledger = %s AND name = %s",
    "meta_all": "SELECT name, number, text, data FROM scelle_meta WHERE ledger = %s ORDER BY name",
    "latest_checkpoint": "SELECT size, note FROM scelle_checkpoints WHERE ledger = %s ORDER BY size DESC LIMIT 1",
    "next_position": "SELECT COALESCE(MAX(seq) + 1, 0) FROM scelle_entries WHERE ledger = %s",
    "checkpoint_at": "SELECT note FROM scelle_checkpoints WHERE ledger = %s AND size = %s",
    "timestamps": "SELECT size, reply FROM scelle_timestamps WHERE ledger = %s ORDER BY id",
    "find": "SELECT seq, kind, leaf FROM scelle_entries WHERE ledger = %s AND entry_id = %s",
    "leaf_at": "SELECT leaf FROM scelle_entries WHERE ledger = %s AND seq = %s",
    "last_leaf": "SELECT leaf FROM scelle_entries WHERE ledger = %s AND kind = %s ORDER BY seq DESC LIMIT 1",
    "head": "SELECT event_id FROM scelle_heads WHERE ledger = %s AND artefact = %s",
    "heads": "SELECT artefact, event_id FROM scelle_heads WHERE ledger = %s",
    "entries": "SELECT seq, kind, entry_id, leaf, leaf_hash FROM scelle_entries WHERE ledger = %s ORDER BY seq",
    "entries_of": "SELECT seq, kind, entry_id, leaf, leaf_hash FROM scelle_entries WHERE ledger = %s AND kind = %s "
    "ORDER BY seq",
    "checkpoints": "SELECT size, note FROM scelle_checkpoints WHERE ledger = %s ORDER BY size",
    "leaf_hashes": "SELECT leaf_hash FROM scelle_entries WHERE ledger = %s ORDER BY seq",
}


class PgStore(LedgerStore):
    """One connection to one ledger of a PostgreSQL database."""

    def __init__(self, conn: psycopg.Connection[Any], location: DatabaseLocation) -> None:
        self._conn = conn
        self._ledger = location.ledger
        self.path = location.shown

    @classmethod
    def _connect(cls, location: DatabaseLocation, *, readonly: bool) -> psycopg.Connection[Any]:
        extra: dict[str, Any] = {"application_name": "scelle"}
        if "connect_timeout" not in location.conninfo and "PGCONNECT_TIMEOUT" not in os.environ:
            extra["connect_timeout"] = CONNECT_TIMEOUT_S
        try:
            conn = psycopg.connect(location.conninfo, autocommit=True, **extra)
        except psycopg.Error as exc:
            raise StoreLocationError("store.connect", subject=location.shown, detail=_one_line(exc)) from exc
        try:
            # Acknowledged means committed: wait for the WAL flush whatever the server's default says.
            conn.execute("SET synchronous_commit = on")
            conn.execute(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
            if readonly:
                conn.execute("SET default_transaction_read_only = on")
            elif conn.execute("SHOW fsync").fetchone() != ("on",):
                raise StoreLocationError("store.fsync", subject=location.shown)
        except BaseException:
            conn.close()
            raise
        return conn

    @classmethod
    def create(cls, location: DatabaseLocation) -> PgStore:
        """Create the tables if the database has none yet, and a new, empty ledger (never over an existing one)."""
        conn = cls._connect(location, readonly=False)
        store = cls(conn, location)
        try:
            with store._failing(), conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (CREATE_LOCK,))
                # Tables made once, by whoever creates the first ledger (or a DBA): later examiners need only the
                # right to read and insert rows, not to own the tables.
                if conn.execute("SELECT to_regclass('scelle_ledgers')").fetchone() == (None,):
                    conn.execute(SCHEMA)
                added = conn.execute(
                    "INSERT INTO scelle_ledgers (name, format) VALUES (%s, %s) ON CONFLICT DO NOTHING RETURNING name",
                    (location.ledger, FORMAT),
                ).fetchone()
                if added is None:
                    raise StoreLocationError("store.exists", subject=location.shown)
        except BaseException:
            conn.close()
            raise
        return store

    @classmethod
    def open(cls, location: DatabaseLocation, *, readonly: bool = False) -> PgStore:
        """Open an existing ledger; ``readonly`` makes every transaction of the session read-only."""
        conn = cls._connect(location, readonly=readonly)
        try:
            try:
                row = conn.execute("SELECT format FROM scelle_ledgers WHERE name = %s", (location.ledger,)).fetchone()
            except pg_errors.UndefinedTable as exc:
                raise StoreLocationError("store.not_scelle", subject=location.shown) from exc
            except psycopg.Error as exc:
                raise StoreLocationError("store.failed", subject=location.shown, detail=_one_line(exc)) from exc
            if row is None:
                raise StoreLocationError("store.missing", subject=location.shown)
            if row[0] != FORMAT:
                raise StoreLocationError("store.format", subject=location.shown, found=row[0], expected=FORMAT)
        except BaseException:
            conn.close()
            raise
        return cls(conn, location)

    def close(self) -> None:
        """Close the connection (an open transaction is rolled back by the server)."""
        self._conn.close()

    @contextmanager
    def _failing(self) -> Iterator[None]:
        """Turn a database error into a one-line ``LedgerFileError`` naming the ledger."""
        try:
            yield
        except psycopg.Error as exc:
            raise LedgerFileError(f"{self.path}: {_one_line(exc)}") from exc

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One append: the ledger's row lock is taken first and held until the durable commit."""
        with self._failing():
            self._conn.execute("BEGIN")
            try:
                self._conn.execute("SELECT 1 FROM scelle_ledgers WHERE name = %s FOR UPDATE", (self._ledger,))
            except psycopg.Error as exc:
                self._rollback()
                raise LedgerFileError(f"{self.path}: cannot lock the ledger for writing: {_one_line(exc)}") from exc
            try:
                yield
            except BaseException:
                self._rollback()
                raise
            self._conn.execute("COMMIT")

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """A REPEATABLE READ transaction: one snapshot for every read inside it."""
        with self._failing():
            self._conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
            try:
                yield
            except BaseException:
                self._rollback()
                raise
            self._conn.execute("COMMIT")

    def _rollback(self) -> None:
        # The first error is the one to report; a connection already gone cannot roll back and needs not.
        try:
            self._conn.execute("ROLLBACK")
        except psycopg.Error:
            pass

    def _one(self, query: str, *args: object) -> tuple[Any, ...] | None:
        rows = self._fetch(query, args)
        return rows[0] if rows else None

    def _rows(self, query: str, *args: object) -> Iterator[tuple[Any, ...]]:
        yield from self._fetch(query, args)

    def _fetch(self, query: str, args: tuple[object, ...]) -> list[tuple[Any, ...]]:
        try:
            return self._conn.execute(QUERIES[query], (self._ledger, *args)).fetchall()
        except psycopg.OperationalError as exc:
            raise LedgerFileError(f"{self.path}: {_one_line(exc)}") from exc
        except psycopg.Error as exc:
            raise LedgerTamperedError(f"{self.path}: ledger tables are damaged: {_one_line(exc)}") from exc

    def _meta_value(self, row: tuple[Any, ...]) -> Any:
        """The one non-NULL column of (number, text, data); anything else is returned as the row, which no
        validator accepts (a row rewritten with two values, or none, is tampered)."""
        values = [value for value in row if value is not None]
        return values[0] if len(values) == 1 else row

    def _write(self, sql: str, args: tuple[object, ...]) -> int:
        with self._failing():
            return self._conn.execute(sql, args).rowcount

    def set_meta(self, name: str, value: MetaValue) -> None:
        number = value if isinstance(value, int) else None
        text = value if isinstance(value, str) else None
        data = value if isinstance(value, bytes) else None
        self._write(
            "INSERT INTO scelle_meta (ledger, name, number, text, data) VALUES (%s, %s, %s, %s, %s) "
            "ON CONFLICT (ledger, name) DO UPDATE SET number = EXCLUDED.number, text = EXCLUDED.text, "
            "data = EXCLUDED.data",
            (self._ledger, name, number, text, data),
        )

    def insert_entry(self, seq: int, kind: str, entry_id: str, leaf: bytes, leaf_hash: bytes) -> None:
        try:
            self._conn.execute(
                "INSERT INTO scelle_entries (ledger, seq, kind, entry_id, leaf, leaf_hash) "
                "VALUES (%s, %s, %s, %s, %s, %s)",
                (self._ledger, seq, kind, entry_id, leaf, leaf_hash),
            )
        except pg_errors.UniqueViolation as exc:
            raise CustodyError(f"{self.path}: entry {entry_id} is already in the ledger") from exc
        except psycopg.Error as exc:
            raise LedgerFileError(f"{self.path}: {_one_line(exc)}") from exc

    def insert_checkpoint(self, size: int, note: str) -> None:
        self._write(
            "INSERT INTO scelle_checkpoints (ledger, size, note) VALUES (%s, %s, %s) "
            "ON CONFLICT (ledger, size) DO UPDATE SET note = EXCLUDED.note",
            (self._ledger, size, note),
        )

    def set_head(self, artefact: str, event_id: str) -> None:
        self._write(
            "INSERT INTO scelle_heads (ledger, artefact, event_id) VALUES (%s, %s, %s) "
            "ON CONFLICT (ledger, artefact) DO UPDATE SET event_id = EXCLUDED.event_id",
            (self._ledger, artefact, event_id),
        )

    def add_timestamp(self, size: int, reply: bytes) -> bool:
        added = self._write(
            "INSERT INTO scelle_timestamps (ledger, size, reply) VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
            (self._ledger, size, reply),
        )
        return added == 1

    def _has_timestamps(self) -> bool:
        return True


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())
