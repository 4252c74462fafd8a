"""Validation of values read back from a ledger file before they are used (issue 18, finding 7).

A ledger is a SQLite file anyone can edit; SQLite keeps whatever type a writer gives a column. A stored tree size
that is text, negative or absurd, a frontier that is not bytes, or a checkpoint size that is not an integer must
give a one-line ``LedgerTamperedError`` (exit 3, like any failed verification), never a Python ``ValueError`` or a
``MemoryError`` from an allocation driven by the stored number.
"""

from __future__ import annotations

from pathlib import Path

from custody.errors import LedgerTamperedError

#: RFC 9162 tree sizes are 64-bit; a ledger cannot hold more rows than SQLite's rowid range either.
MAX_TREE_SIZE = (1 << 63) - 1
#: a frontier holds one 32-byte hash per set bit of the tree size: at most 63 of them.
MAX_FRONTIER_BYTES = 63 * 32


def _where(path: Path | str, what: str) -> str:
    return f"{path}: stored {what}"


def stored_size(path: Path | str, what: str, value: object, *, absent: int | None = 0) -> int:
    """A stored count or position: an integer in ``0..2**63-1`` (``absent`` when NULL/missing, if allowed)."""
    if value is None and absent is not None:
        return absent
    if isinstance(value, bool) or not isinstance(value, int):
        raise LedgerTamperedError(f"{_where(path, what)} is not an integer: {_shown(value)} (tampered ledger?)")
    if not 0 <= value <= MAX_TREE_SIZE:
        raise LedgerTamperedError(f"{_where(path, what)} is out of range: {value} (tampered ledger?)")
    return value


def stored_bytes(path: Path | str, what: str, value: object, *, limit: int, absent: bool = True) -> bytes:
    """A stored binary value (a frontier, a hash, a leaf) of at most ``limit`` bytes (b"" when absent)."""
    if value is None and absent:
        return b""
    if not isinstance(value, bytes | bytearray | memoryview):
        raise LedgerTamperedError(f"{_where(path, what)} is not binary data: {_shown(value)} (tampered ledger?)")
    data = bytes(value)
    if len(data) > limit:
        raise LedgerTamperedError(f"{_where(path, what)} is {len(data)} bytes, more than {limit} (tampered ledger?)")
    return data


def stored_text(path: Path | str, what: str, value: object) -> str:
    """A stored text value (a signed note, an entry id, a kind)."""
    if not isinstance(value, str):
        raise LedgerTamperedError(f"{_where(path, what)} is not text: {_shown(value)} (tampered ledger?)")
    return value


def stored_blob(path: Path | str, what: str, value: object) -> bytes:
    """A stored binary value with no fixed bound (a leaf): only its type is checked."""
    if not isinstance(value, bytes | bytearray | memoryview):
        raise LedgerTamperedError(f"{_where(path, what)} is not binary data: {_shown(value)} (tampered ledger?)")
    return bytes(value)


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
