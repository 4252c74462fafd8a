"""Strict reading of one JSON object into record fields.

Custody records come back from files other people wrote (bundles, offers, ledgers). A reader that ignored an unknown
member or accepted ``"5"`` for ``5`` would let two different byte strings mean the same record, or let a field a
signer never saw slip through. ``Fields`` consumes members one by one, checks each type, and ``finish`` refuses any
member left over.
"""

from __future__ import annotations

import marshal
import re
import unicodedata
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any, TypeGuard

from custody import fastpath
from custody.errors import RecordError
from custody.model.times import parse_utc
from evidence.common import canonical

MAX_TEXT = 4096
_IDENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}")


def require_mapping(obj: object, where: str) -> Mapping[str, Any]:
    """Return ``obj`` when it is a JSON object, else raise ``RecordError`` naming ``where``."""
    if type(obj) is dict:
        return obj
    if not isinstance(obj, Mapping):
        raise RecordError(f"{where}: expected a JSON object, got {type(obj).__name__}")
    return obj


def is_plain_text(value: object, max_len: int = MAX_TEXT) -> TypeGuard[str]:
    """The fast test behind ``check_text`` (no message built): ASCII or valid Unicode, non-blank, no NUL."""
    return (
        type(value) is str
        and 0 < len(value) <= max_len
        and not value.isspace()
        and "\x00" not in value
        and (value.isascii() or _encodable(value))
    )


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_text(value: object, where: str, *, max_len: int = MAX_TEXT) -> str:
    """A non-empty string of valid Unicode without NUL, at most ``max_len`` characters."""
    if is_plain_text(value, max_len):
        return value
    if not isinstance(value, str) or not value.strip():
        raise RecordError(f"{where}: expected non-empty text, got {value!r}")
    if len(value) > max_len or "\x00" in value:
        raise RecordError(f"{where}: text too long or contains NUL")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise RecordError(f"{where}: text is not valid Unicode") from exc
    return value


def check_line(value: object, what: str) -> str:
    """A name-like field: one non-empty line, no control or format characters, no white space at either end.

    Names of handlers, roles and organisations are shown side by side in reports; a line break or a bidirectional
    control character in one would let it fake another field.
    """
    if not isinstance(value, str) or not value.strip():
        raise RecordError(f"{what} must be a non-empty string")
    if value != value.strip():
        raise RecordError(f"{what} must not start or end with white space: {value!r}")
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in value):
        raise RecordError(f"{what} must not contain control characters: {value!r}")
    return value


def is_ident(value: object) -> TypeGuard[str]:
    """The fast test behind ``check_ident`` (no message built)."""
    return type(value) is str and _IDENT.fullmatch(value) is not None


def check_ident(value: object, where: str) -> str:
    """An identifier (record id, reference): letters, digits and ``._:/-``, at most 128 characters."""
    if not isinstance(value, str) or not _IDENT.fullmatch(value):
        raise RecordError(f"{where}: expected an identifier (letters, digits, ._:/-), got {value!r}")
    return value


class Fields:
    """Consume the members of one JSON object with type checks; ``finish()`` refuses unknown members.

    Records are read by the hundred thousand when a ledger is verified, so the success path builds no message and
    no set: it counts the members consumed and looks for the unknown ones only when the count is off.
    """

    __slots__ = ("_names", "_obj", "_present", "where")

    def __init__(self, obj: object, where: str) -> None:
        self._obj = require_mapping(obj, where)
        self._names: list[str] = []
        self._present = 0
        self.where = where

    def _get(self, name: str) -> Any:
        self._names.append(name)
        obj = self._obj
        if name in obj:
            self._present += 1
            return obj[name]
        return None

    def _name(self, name: str) -> str:
        return f"{self.where}.{name}"

    def text(self, name: str, *, max_len: int = MAX_TEXT) -> str:
        """A required non-empty string."""
        value = self._get(name)
        return value if is_plain_text(value, max_len) else check_text(value, self._name(name), max_len=max_len)

    def opt_text(self, name: str, *, max_len: int = MAX_TEXT) -> str | None:
        """An optional string (absent or null means None)."""
        value = self._get(name)
        if value is None or is_plain_text(value, max_len):
            return value
        return check_text(value, self._name(name), max_len=max_len)

    def ident(self, name: str) -> str:
        """A required identifier."""
        value = self._get(name)
        return value if is_ident(value) else check_ident(value, self._name(name))

    def opt_ident(self, name: str) -> str | None:
        """An optional identifier."""
        value = self._get(name)
        return value if value is None or is_ident(value) else check_ident(value, self._name(name))

    def texts(self, name: str) -> tuple[str, ...]:
        """An optional list of strings (absent means empty)."""
        value = self._get(name)
        if value is None:
            return ()
        if not isinstance(value, list):
            raise RecordError(f"{self._name(name)}: expected a list of strings")
        if all(is_plain_text(item) for item in value):
            return tuple(value)
        return tuple(check_text(item, f"{self._name(name)}[{i}]") for i, item in enumerate(value))

    def idents(self, name: str) -> tuple[str, ...]:
        """An optional list of identifiers (absent means empty)."""
        value = self._get(name)
        if value is None:
            return ()
        if not isinstance(value, list):
            raise RecordError(f"{self._name(name)}: expected a list of identifiers")
        if all(is_ident(item) for item in value):
            return tuple(value)
        return tuple(check_ident(item, f"{self._name(name)}[{i}]") for i, item in enumerate(value))

    def opt_int(self, name: str, *, minimum: int = 0) -> int | None:
        """An optional integer at least ``minimum`` (booleans refused)."""
        value = self._get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise RecordError(f"{self._name(name)}: expected an integer >= {minimum}, got {value!r}")
        return value

    def flag(self, name: str) -> bool:
        """An optional boolean (absent means false)."""
        value = self._get(name)
        if value is None:
            return False
        if not isinstance(value, bool):
            raise RecordError(f"{self._name(name)}: expected true or false, got {value!r}")
        return value

    def opt_flag(self, name: str) -> bool | None:
        """An optional boolean that may be unknown (null)."""
        value = self._get(name)
        if value is not None and not isinstance(value, bool):
            raise RecordError(f"{self._name(name)}: expected true, false or null, got {value!r}")
        return value

    def time(self, name: str) -> datetime:
        """A required UTC instant in the stored form."""
        return parse_utc(self._get(name), field=self._name(name))

    def opt_time(self, name: str) -> datetime | None:
        """An optional UTC instant."""
        value = self._get(name)
        return None if value is None else parse_utc(value, field=self._name(name))

    def raw(self, name: str) -> Any:
        """The member as parsed JSON (None when absent), for a nested record's own reader."""
        return self._get(name)

    def finish(self) -> None:
        """Refuse members that no getter consumed: a signer may not have seen what they say."""
        if self._present == len(self._obj):
            return
        extra = sorted(set(self._obj) - set(self._names))
        if extra:
            raise RecordError(f"{self.where}: unknown member(s) {', '.join(extra)}")


class Record:
    """Base of the custody records: one JSON form (``to_json``) and its RFC 8785 bytes (``canonical``)."""

    __slots__ = ()

    def to_json(self) -> dict[str, Any]:  # pragma: no cover - every record overrides it
        """The record as a JSON object (times as UTC strings, absent values as null)."""
        raise NotImplementedError

    def canonical(self) -> bytes:
        """The RFC 8785 bytes of this record: what is hashed and signed."""
        return canonical.encode(self.to_json())


def optional(value: Any, convert: Any) -> Any:
    """``convert(value)``, or None when ``value`` is None."""
    return None if value is None else convert(value)


MEMO_SIZE = 4096
"""Most parsed values a memo keeps (then it starts again)."""
_memo: dict[tuple[str, bytes], Any] = {}


def memoised(kind: str, obj: object, parse: Callable[[object], Any]) -> Any:
    """Parse a handler or artefact once per distinct JSON value: a ledger names the same few handlers and
    artefacts in thousands of events, and parsing is a pure function of the value. The key is the ``marshal``
    serialisation of the parsed JSON object, which reads back to an equal object of the same types (``1``/``true``
    differ), so equal keys mean equal values; it is three times quicker than ``repr``, and refuses anything that is
    not a plain JSON type (then the value is parsed without memo). Only successful parses are kept, so a refused
    value is refused every time."""
    if not fastpath.ENABLED or type(obj) is not dict:
        return parse(obj)
    try:
        key = (kind, marshal.dumps(obj))
    except ValueError:
        return parse(obj)
    found = _memo.get(key)
    if found is None:
        found = parse(obj)
        if len(_memo) >= MEMO_SIZE:
            _memo.clear()
        _memo[key] = found
    return found
