"""Copy a ledger from one store to another (an SQLite file, a PostgreSQL database), row for row.

The copy takes every row of the source in one read snapshot (leaves, checkpoints with their cosignatures, heads,
meta values, time-stamps), each validated as any read is (``custody.ledger.backend``), and writes them to a new
ledger in one transaction: the destination is never overwritten, and holds either the whole copy or nothing of it.
Nothing is re-signed; the leaves and signed checkpoints are the same bytes, so the copy verifies exactly as the
source does, with the same checkpoints.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from custody.errors import LedgerTamperedError
from custody.ledger.backend import MetaValue
from custody.ledger.stores import StoreLocationError, create_store, open_store


@dataclass(frozen=True, slots=True, kw_only=True)
class Copied:
    """What a copy wrote: entries and checkpoints, and the latest checkpoint (the same note on both sides)."""

    entries: int
    checkpoints: int
    size: int
    checkpoint: str


@dataclass(frozen=True, slots=True)
class _Rows:
    entries: list[tuple[int, str, str, bytes, bytes]]
    checkpoints: list[tuple[int, str]]
    heads: dict[str, str]
    meta: list[tuple[str, MetaValue]]
    timestamps: list[tuple[int, bytes]]


def copy_ledger(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> Copied:
    """Copy the ledger at ``source`` to a new ledger at ``target`` (``LedgerFileError`` if it exists)."""
    if os.fspath(source) == os.fspath(target):
        raise StoreLocationError("copy.same", subject=os.fspath(source))
    reader = open_store(source, readonly=True)
    try:
        with reader.snapshot():
            rows = _Rows(
                list(reader.entries()),
                list(reader.checkpoints()),
                reader.heads(),
                reader.meta_items(),
                reader.timestamps(),
            )
    finally:
        reader.close()
    if not rows.entries or not rows.checkpoints:
        raise LedgerTamperedError(f"{os.fspath(source)}: the ledger has no entries or no checkpoint to copy")
    writer = create_store(target)
    try:
        with writer.transaction():
            for seq, kind, entry_id, leaf, digest in rows.entries:
                writer.insert_entry(seq, kind, entry_id, leaf, digest)
            for size, note in rows.checkpoints:
                writer.insert_checkpoint(size, note)
            for artefact, event_id in rows.heads.items():
                writer.set_head(artefact, event_id)
            for name, value in rows.meta:
                writer.set_meta(name, value)
            for size, reply in rows.timestamps:
                writer.add_timestamp(size, reply)
    finally:
        writer.close()
    size, note = rows.checkpoints[-1]
    return Copied(entries=len(rows.entries), checkpoints=len(rows.checkpoints), size=size, checkpoint=note)
