"""A ledger kept in a lab's PostgreSQL database, as a location names it, and the errors of such locations.

``postgresql://[USER@]HOST[:PORT]/DATABASE?ledger=NAME`` (or ``postgres://``) names ledger ``NAME`` in that
database; many ledgers (one per case) share one database. The rest of the location is libpq's own (``host=/run/pg``
for a Unix socket, ``sslmode=verify-full``, ``service=lab``...). A password in it is refused: it would show in the
process list and the shell's history, so it comes from where libpq looks (``PGPASSWORD``, ``~/.pgpass``, a service
file).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from custody.i18n import message
from custody.ledger.backend import LedgerFileError

SCHEMES = ("postgresql", "postgres")
LEDGER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


class StoreLocationError(LedgerFileError):
    """A ledger location that cannot be used as given, stated in English (``str``) or French (``message_in``)."""

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = params
        super().__init__(self.message_in("en"))

    def message_in(self, lang: str) -> str:
        """The message in ``en`` or ``fr``."""
        return message(self.code, lang, **self.params)


@dataclass(frozen=True, slots=True)
class DatabaseLocation:
    """A ledger in a PostgreSQL database: the libpq connection string (without ``ledger``) and the ledger's name."""

    conninfo: str
    ledger: str
    shown: str


def is_database(location: str | os.PathLike[str]) -> bool:
    """True when ``location`` names a ledger in a database rather than a file."""
    text = os.fspath(location)
    return isinstance(text, str) and text.split(":", 1)[0].lower() in SCHEMES and "://" in text


def parse_location(text: str) -> DatabaseLocation:
    """Split a PostgreSQL ledger location; a password, a missing or malformed ledger name are refused."""
    parts = urlsplit(text)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if parts.password is not None or any(name == "password" for name, _ in query):
        raise StoreLocationError("store.password", subject=_redacted(text))
    names = [value for name, value in query if name == "ledger"]
    if len(names) != 1 or not LEDGER_NAME.fullmatch(names[0]):
        raise StoreLocationError("store.ledger_name", subject=text)
    rest = urlencode([(name, value) for name, value in query if name != "ledger"])
    conninfo = urlunsplit((parts.scheme, parts.netloc, parts.path, rest, ""))
    return DatabaseLocation(conninfo=conninfo, ledger=names[0], shown=text)


def _redacted(text: str) -> str:
    """The location with any password replaced, so that a refusal never repeats it."""
    parts = urlsplit(text)
    netloc = parts.netloc
    if parts.password is not None:
        user, _, host = netloc.rpartition("@")
        netloc = f"{user.split(':', 1)[0]}:****@{host}"
    query = [(n, "****" if n == "password" else v) for n, v in parse_qsl(parts.query, keep_blank_values=True)]
    return urlunsplit((parts.scheme, netloc, parts.path, urlencode(query, safe="*"), parts.fragment))
