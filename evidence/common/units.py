"""Byte sizes as people type them: ``4096``, ``650MB``, ``2GiB``.

One parser for every size option (``--split``, ``--window``, ``--buffer``), so ``2GiB`` means the same everywhere.
Decimal prefixes (kB, MB, GB, TB) are powers of 1000 and binary ones (KiB, MiB, GiB, TiB) powers of 1024, as in
IEC 80000-13; a bare number is bytes. Anything else is a ``UsageError`` naming the bad value.
"""

from __future__ import annotations

import re

from evidence.common.errors import UsageError

_UNITS = {
    "": 1,
    "b": 1,
    "k": 1000,
    "kb": 1000,
    "m": 1000**2,
    "mb": 1000**2,
    "g": 1000**3,
    "gb": 1000**3,
    "t": 1000**4,
    "tb": 1000**4,
    "kib": 1024,
    "mib": 1024**2,
    "gib": 1024**3,
    "tib": 1024**4,
}

_SIZE = re.compile(r"\s*(\d+)\s*([A-Za-z]*)\s*")


def _bad(code: str, **params: object) -> UsageError:
    from evidence.common.messages import LocalisedUsageError

    return LocalisedUsageError(code, **params)


def parse_size(text: str, *, what: str = "size", minimum: int = 1) -> int:
    """Return the number of bytes ``text`` denotes; ``what`` names the option in the error message."""
    match = _SIZE.fullmatch(text)
    if match is None:
        raise _bad("size.bad", what=what, text=repr(text))
    unit = match.group(2).lower()
    if unit not in _UNITS:
        raise _bad("size.unit", what=what, text=repr(text), unit=repr(match.group(2)))
    value = int(match.group(1)) * _UNITS[unit]
    if value < minimum:
        raise _bad("size.minimum", what=what, text=repr(text), minimum=minimum)
    return value


def format_size(size: int) -> str:
    """A short binary-prefixed rendering for humans (``1.5 GiB``); records keep exact integers."""
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(value) < 1024 or unit == "TiB":
            return f"{size} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")  # pragma: no cover
