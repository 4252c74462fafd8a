"""Custody records: what was done to which artefact, by whom, when, where, and under which legal authority.

Each record is a frozen, slotted, keyword-only dataclass with one JSON form (``to_json``), one canonical byte form
(``canonical()``, RFC 8785) and a strict reader (``from_json``: unknown members, wrong types and bad values are
refused). The event follows DESIGN.md ("Custody event") and the fields a custody record needs to stand in court
(ISO/IEC 27037, ACPO): item digests and seal number, handler identity and key, counter-party of a transfer, the UTC
instant and the original time zone, location, purpose, tool, the authorities relied on, and the link to the previous
event about the same artefact. Legal authorities are in ``custody.legal`` (re-exported here), instrument rules in
``custody.authority``.

Field names are a contract with the bundle and report code: keep them stable.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Any

from custody.errors import RecordError
from custody.fields import Fields, Record, check_ident, check_text
from custody.identity import Handler
from custody.legal import Authority, Conditions, Offence, Scope, Validation
from custody.timeutil import check_zone, format_utc
from custody.vocabulary import (
    ACTIONS,
    ACTIONS_NEEDING_AUTHORITY,
    DATA_CATEGORIES,
    INSTRUMENT_NAMES,
    check_digest,
    normalise_categories,
    parse_digest_ref,
)

__all__ = [
    "ACTIONS",
    "ACTIONS_NEEDING_AUTHORITY",
    "DATA_CATEGORIES",
    "ENTRY_KINDS",
    "INSTRUMENT_NAMES",
    "Artefact",
    "Authority",
    "Conditions",
    "Event",
    "Offence",
    "Scope",
    "Signature",
    "Validation",
    "signing_payload",
]

ENTRY_KINDS: tuple[str, ...] = ("key", "authority", "event")
"""Kinds of signed ledger entries: a handler's public key, a legal authority, a custody event."""


def signing_payload(kind: str, body: bytes) -> bytes:
    """The bytes a handler signs for an entry: ``b"scelle-<kind>-v1\\n"`` then the canonical body.

    The prefix separates domains, so a signature on an authority can never be replayed as a signature on an event
    (or on anything else the same key signs, such as a checkpoint).
    """
    if kind not in ENTRY_KINDS:
        raise RecordError(f"unknown entry kind {kind!r}")
    return b"scelle-" + kind.encode("ascii") + b"-v1\n" + body


@dataclass(frozen=True, slots=True, kw_only=True)
class Artefact(Record):
    """One piece of evidence as identified by its digests (``algorithm -> hex``; SHA-256 required, it is the link
    between events), with an optional name, size in bytes and the ``sha256:`` digest of its acquisition record."""

    digests: Mapping[str, str]
    name: str | None = None
    size: int | None = None
    acquisition_record: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.digests, Mapping) or "sha256" not in self.digests:
            raise RecordError("artefact: digests must include sha256")
        for algorithm, value in self.digests.items():
            check_digest(algorithm, value, "artefact.digests")
        object.__setattr__(self, "digests", MappingProxyType(dict(sorted(self.digests.items()))))
        if self.name is not None:
            check_text(self.name, "artefact.name")
        if self.size is not None and (isinstance(self.size, bool) or not isinstance(self.size, int) or self.size < 0):
            raise RecordError(f"artefact.size: expected a byte count, got {self.size!r}")
        if self.acquisition_record is not None:
            parse_digest_ref(self.acquisition_record, "artefact.acquisition_record")

    @property
    def key(self) -> str:
        """``sha256:<hex>``: how events about the same artefact find each other."""
        return "sha256:" + self.digests["sha256"]

    def to_json(self) -> dict[str, Any]:
        return {"digests": dict(self.digests), "name": self.name, "size": self.size,
                "acquisition_record": self.acquisition_record}

    @classmethod
    def from_json(cls, obj: object) -> Artefact:
        f = Fields(obj, "artefact")
        digests = f.raw("digests")
        if not isinstance(digests, dict) or not all(isinstance(v, str) for v in digests.values()):
            raise RecordError("artefact.digests: expected an object of algorithm -> hex")
        result = cls(digests=digests, name=f.opt_text("name"), size=f.opt_int("size"),
                     acquisition_record=f.opt_text("acquisition_record"))
        f.finish()
        return result


def _handler(obj: object, where: str) -> Handler:
    try:
        return Handler.from_json(obj)
    except RecordError as exc:
        raise RecordError(f"{where}: {exc}") from exc
    except (TypeError, ValueError, KeyError) as exc:
        raise RecordError(f"{where}: not a valid handler: {exc}") from exc


@dataclass(frozen=True, slots=True, kw_only=True)
class Event(Record):
    """One custody event. ``occurred_at`` is the UTC instant of the handling and ``occurred_tz`` the zone the
    handler gave (IANA name or offset); ``recorded_at`` is when the record was made. ``counter_party`` is the
    receiving handler of a ``transferred`` event (and only of it). ``categories`` are the data categories the action
    concerns (a disk analysis is ``content``), checked against the scope of the authorities. ``authorities`` are
    the ids of the authority entries relied on; ``prev`` the ids of the latest earlier events about the same
    artefacts (the ledger fills it), so a deleted or reordered event breaks a visible chain."""

    id: str
    case: str
    action: str
    artefacts: tuple[Artefact, ...]
    handler: Handler
    occurred_at: datetime
    occurred_tz: str
    recorded_at: datetime
    counter_party: Handler | None = None
    location: str | None = None
    purpose: str | None = None
    seal: str | None = None
    tool: str | None = None
    categories: tuple[str, ...] = ()
    authorities: tuple[str, ...] = ()
    prev: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        check_ident(self.id, "event.id")
        check_ident(self.case, "event.case")
        if self.action not in ACTIONS:
            raise RecordError(f"event: unknown action {self.action!r} (known: {', '.join(ACTIONS)})")
        if not self.artefacts:
            raise RecordError("event: at least one artefact is required")
        keys = [a.key for a in self.artefacts]
        if len(set(keys)) != len(keys):
            raise RecordError("event: the same artefact is listed twice")
        check_zone(self.occurred_tz, field="event.occurred_tz")
        if (self.action == "transferred") != (self.counter_party is not None):
            raise RecordError("event: a counter-party is required for, and only for, a transferred event")
        if self.counter_party is not None and self.counter_party.key_fingerprint == self.handler.key_fingerprint:
            raise RecordError("event: a transfer needs two different handlers")
        for name in ("location", "purpose", "seal", "tool"):
            value = getattr(self, name)
            if value is not None:
                check_text(value, f"event.{name}")
        object.__setattr__(self, "categories", normalise_categories(self.categories, "event.categories"))
        for i, ref in enumerate(self.authorities + self.prev):
            check_ident(ref, f"event reference {i}")
        if len(set(self.authorities)) != len(self.authorities) or len(set(self.prev)) != len(self.prev):
            raise RecordError("event: an authority or previous-event id is listed twice")

    @property
    def needs_authority(self) -> bool:
        """True for actions that may only happen under a valid authority."""
        return self.action in ACTIONS_NEEDING_AUTHORITY

    def signer_fingerprints(self) -> tuple[str, ...]:
        """Who must sign: the handler, and for a transfer also the receiving handler (in that order)."""
        if self.counter_party is None:
            return (self.handler.key_fingerprint,)
        return (self.handler.key_fingerprint, self.counter_party.key_fingerprint)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "case": self.case, "action": self.action,
            "artefacts": [a.to_json() for a in self.artefacts], "handler": self.handler.to_json(),
            "counter_party": None if self.counter_party is None else self.counter_party.to_json(),
            "occurred_at": format_utc(self.occurred_at), "occurred_tz": self.occurred_tz,
            "recorded_at": format_utc(self.recorded_at), "location": self.location, "purpose": self.purpose,
            "seal": self.seal, "tool": self.tool, "categories": list(self.categories),
            "authorities": list(self.authorities), "prev": list(self.prev), "notes": list(self.notes),
        }

    @classmethod
    def from_json(cls, obj: object) -> Event:
        f = Fields(obj, "event")
        artefacts = f.raw("artefacts")
        if not isinstance(artefacts, list):
            raise RecordError("event.artefacts: expected a list")
        counter = f.raw("counter_party")
        result = cls(
            id=f.ident("id"), case=f.ident("case"), action=f.text("action"),
            artefacts=tuple(Artefact.from_json(a) for a in artefacts),
            handler=_handler(f.raw("handler"), "event.handler"),
            counter_party=None if counter is None else _handler(counter, "event.counter_party"),
            occurred_at=f.time("occurred_at"), occurred_tz=f.text("occurred_tz"), recorded_at=f.time("recorded_at"),
            location=f.opt_text("location"), purpose=f.opt_text("purpose"), seal=f.opt_text("seal"),
            tool=f.opt_text("tool"), categories=f.texts("categories"), authorities=f.idents("authorities"),
            prev=f.idents("prev"), notes=f.texts("notes"),
        )
        f.finish()
        return result


@dataclass(frozen=True, slots=True, kw_only=True)
class Signature(Record):
    """An Ed25519 signature over ``signing_payload(kind, body)`` by the key with fingerprint ``key``."""

    key: str
    sig: bytes

    def __post_init__(self) -> None:
        parse_digest_ref(self.key, "signature.key")
        if not isinstance(self.sig, bytes) or len(self.sig) != 64:
            raise RecordError("signature.sig: an Ed25519 signature is 64 bytes")

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "sig": base64.b64encode(self.sig).decode("ascii")}

    @classmethod
    def from_json(cls, obj: object) -> Signature:
        f = Fields(obj, "signature")
        key, sig = f.text("key"), f.text("sig")
        f.finish()
        try:
            raw = base64.b64decode(sig, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise RecordError("signature.sig: not valid base64") from exc
        if base64.b64encode(raw).decode("ascii") != sig:
            raise RecordError("signature.sig: not in canonical base64")
        return cls(key=key, sig=raw)
