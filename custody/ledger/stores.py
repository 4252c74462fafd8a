"""Where a ledger lives: an SQLite file path, or a PostgreSQL location shared by a lab (``custody.ledger.location``:
``postgresql://HOST/DATABASE?ledger=NAME``). Anything that is not such a location is a file path.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from custody.ledger.backend import LedgerStore
from custody.ledger.location import StoreLocationError, is_database, parse_location

if TYPE_CHECKING:
    from custody.ledger.pgstore import PgStore

__all__ = ["StoreLocationError", "create_store", "is_database", "open_store", "parse_location"]


def _pg_store(text: str) -> type[PgStore]:
    """The PostgreSQL store; psycopg is needed only for a ledger in PostgreSQL, and its absence is stated."""
    try:
        from custody.ledger.pgstore import PgStore
    except ImportError as exc:
        raise StoreLocationError("store.no_driver", subject=text) from exc
    return PgStore


def open_store(location: str | os.PathLike[str], *, readonly: bool = False) -> LedgerStore:
    """Open an existing ledger, in a file or a database."""
    if is_database(location):
        place = parse_location(os.fspath(location))
        return _pg_store(place.shown).open(place, readonly=readonly)
    from custody.ledger.store import Store

    return Store.open(Path(location), readonly=readonly)


def create_store(location: str | os.PathLike[str]) -> LedgerStore:
    """Create a new, empty ledger (never over an existing one), in a file or a database."""
    if is_database(location):
        place = parse_location(os.fspath(location))
        return _pg_store(place.shown).create(place)
    from custody.ledger.store import Store

    return Store.create(Path(location))
