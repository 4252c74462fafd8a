"""Controlled vocabularies of custody records: actions, instruments, data categories, authority types, digests.

Kept apart from the record classes so that the records, the instrument rules and the command line all name exactly
the same values.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from itertools import permutations
from types import MappingProxyType

from custody.errors import RecordError

ACTIONS: tuple[str, ...] = (
    "identified",
    "seized",
    "sealed",
    "unsealed",
    "acquired",
    "verified",
    "stored",
    "transferred",
    "offered",
    "received",
    "accessed",
    "analysed",
    "derived",
    "exported",
    "returned",
    "destroyed",
)
"""The controlled vocabulary of custody actions (order of a typical life cycle)."""

ACTIONS_NEEDING_AUTHORITY: frozenset[str] = frozenset(
    {"seized", "acquired", "transferred", "offered", "accessed", "analysed", "derived", "exported"}
)
"""Actions that touch the evidence or its content: each needs an authority valid at the time of the event."""

DATA_CATEGORIES: tuple[str, ...] = ("subscriber", "identification", "traffic", "content")
"""Data categories of the Budapest Convention (Art. 1, 18.3) and Regulation (EU) 2023/1543 Art. 3
("identification" = data requested only to identify the user: IP address, port, time)."""

AUTHORITY_TYPES: tuple[str, ...] = ("court", "judge", "investigating-judge", "prosecutor", "police", "other")
"""Who issued an order (Regulation (EU) 2023/1543 Art. 4 distinguishes judges/courts, prosecutors and others)."""

CHANNELS: tuple[str, ...] = (
    "central-authority",
    "24-7-network",
    "direct",
    "eu-it-system",
    "diplomatic",
    "police-cooperation",
    "other",
)
"""How a request travelled (Budapest Art. 27, 35; SAP Art. 7; Regulation 2023/1543 Art. 19)."""

DIGEST_LENGTHS: Mapping[str, int] = MappingProxyType({"md5": 32, "sha1": 40, "sha256": 64, "sha512": 128, "blake3": 64})


INSTRUMENT_NAMES: tuple[str, ...] = (
    "domestic-order",
    "budapest-16",
    "budapest-17",
    "budapest-18",
    "budapest-19",
    "budapest-29",
    "budapest-30",
    "budapest-31",
    "budapest-32a",
    "budapest-32b",
    "budapest-35",
    "sap-6",
    "sap-7",
    "sap-8",
    "sap-9",
    "sap-10",
    "eu-epoc",
    "eu-epoc-pr",
    "eio",
    "jit",
    "consent",
)
"""Legal instruments (legal-authority.md): Budapest Convention (ETS 185) articles, its Second Additional Protocol
(CETS 224, ``sap-``), Regulation (EU) 2023/1543 orders, the EIO (Directive 2014/41/EU), JIT agreements, consent.
Their rules are in ``custody.rules.instruments.INSTRUMENTS``."""

_HEX = re.compile(r"[0-9a-f]+")


def check_digest(algorithm: str, value: str, where: str) -> None:
    """Check one digest: a known algorithm and the right number of lower-case hex digits."""
    expected = DIGEST_LENGTHS.get(algorithm)
    if expected is None:
        raise RecordError(f"{where}: unknown digest algorithm {algorithm!r} (known: {', '.join(DIGEST_LENGTHS)})")
    if not isinstance(value, str) or len(value) != expected or not _HEX.fullmatch(value):
        raise RecordError(f"{where}: {algorithm} must be {expected} lower-case hex digits, got {value!r}")


def parse_digest_ref(text: str, where: str = "digest") -> tuple[str, str]:
    """Split ``algorithm:hex`` (as DESIGN.md prints digests) and check it."""
    algorithm, sep, value = text.partition(":")
    if not sep:
        raise RecordError(f"{where}: expected algorithm:hex, got {text!r}")
    check_digest(algorithm, value, where)
    return algorithm, value


_NORMALISED: Mapping[tuple[str, ...], tuple[str, ...]] = MappingProxyType(
    {
        chosen: tuple(sorted(chosen, key=DATA_CATEGORIES.index))
        for count in range(1, len(DATA_CATEGORIES) + 1)
        for chosen in permutations(DATA_CATEGORIES, count)
    }
)
"""Every valid list of categories (known, none twice, any order) and its ordered form: most records repeat a few."""


def normalise_categories(categories: tuple[str, ...], where: str) -> tuple[str, ...]:
    """Check data categories (known, none twice) and return them in ``DATA_CATEGORIES`` order (one encoding)."""
    try:
        known = _NORMALISED.get(categories)
    except TypeError:  # an unhashable member: not a valid list, said below
        known = None
    if known is not None:
        return known
    for category in categories:
        if category not in DATA_CATEGORIES:
            raise RecordError(f"{where}: unknown data category {category!r} (known: {', '.join(DATA_CATEGORIES)})")
    if len(set(categories)) != len(categories):
        raise RecordError(f"{where}: a data category is listed twice")
    return tuple(sorted(categories, key=DATA_CATEGORIES.index))
