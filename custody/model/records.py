"""Custody records: what was done to which artefact, by whom, when, where, and under which legal authority.

Each record is a frozen, slotted, keyword-only dataclass with one JSON form (``to_json``), one canonical byte form
(``canonical()``, RFC 8785) and a strict reader (``from_json``: unknown members, wrong types and bad values are
refused). The event follows DESIGN.md ("Custody event") and the fields a custody record needs to stand in court
(ISO/IEC 27037, ACPO): item digests and seal number, handler identity and key, counter-party of a transfer, the UTC
instant and the original time zone, location, purpose, tool, the authorities relied on, and the link to the previous
event about the same artefact. Legal authorities are in ``custody.model.legal`` (re-exported here), instrument rules in
``custody.rules.instruments``.

Field names are a contract with the bundle and report code: keep them stable.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any

from custody import fastpath
from custody.errors import RecordError
from custody.model.fields import (
    MEMO_SIZE,
    Fields,
    Record,
    check_ident,
    check_text,
    is_ident,
    is_plain_text,
    memoised,
    require_mapping,
)
from custody.model.handover import HandoverLink, check_handover_members, check_signed_at
from custody.model.identity import Handler
from custody.model.legal import Authority, Conditions, Offence, Scope, Validation
from custody.model.provenance import check_derived_from
from custody.model.times import check_zone, format_utc, parse_utc
from custody.model.vocabulary import (
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

ENTRY_KINDS: tuple[str, ...] = ("ledger", "key", "authority", "event", "authority-change")
"""Kinds of signed ledger entries: the ledger's own header (first entry), a handler's public key, a legal authority,
a custody event, a change to a legal authority (``custody.model.changes``)."""


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
    _key: str = field(init=False, repr=False, compare=False)  # ``key``, made once (the rules ask it many times)

    def __post_init__(self) -> None:
        if not isinstance(self.digests, Mapping) or "sha256" not in self.digests:
            raise RecordError("artefact: digests must include sha256")
        for algorithm, value in self.digests.items():
            check_digest(algorithm, value, "artefact.digests")
        object.__setattr__(self, "digests", MappingProxyType(dict(sorted(self.digests.items()))))
        object.__setattr__(self, "_key", "sha256:" + self.digests["sha256"])
        if self.name is not None:
            check_text(self.name, "artefact.name")
        size = self.size
        if size is not None and (isinstance(size, bool) or not isinstance(size, int) or not 0 <= size < 2**53):
            raise RecordError(f"artefact.size: expected a byte count, got {self.size!r}")
        if self.acquisition_record is not None:
            parse_digest_ref(self.acquisition_record, "artefact.acquisition_record")

    @property
    def key(self) -> str:
        """``sha256:<hex>``: how events about the same artefact find each other."""
        return self._key

    def to_json(self) -> dict[str, Any]:
        return {
            "digests": dict(self.digests),
            "name": self.name,
            "size": self.size,
            "acquisition_record": self.acquisition_record,
        }

    @classmethod
    def from_json(cls, obj: object) -> Artefact:
        f = Fields(obj, "artefact")
        digests = f.raw("digests")
        if not isinstance(digests, dict) or not all(isinstance(v, str) for v in digests.values()):
            raise RecordError("artefact.digests: expected an object of algorithm -> hex")
        result = cls(
            digests=digests,
            name=f.opt_text("name"),
            size=f.opt_int("size"),
            acquisition_record=f.opt_text("acquisition_record"),
        )
        f.finish()
        return result


def _handler(obj: object, where: str) -> Handler:
    try:
        return Handler.from_json(require_mapping(obj, where))
    except RecordError as exc:
        raise RecordError(f"{where}: {exc}") from exc
    except (TypeError, ValueError, KeyError) as exc:
        raise RecordError(f"{where}: not a valid handler: {exc}") from exc


def event_handler(obj: object) -> Handler:
    """Read an event's ``handler`` member (errors name it)."""
    return _handler(obj, "event.handler")


def counter_party_handler(obj: object) -> Handler:
    """Read an event's ``counter_party`` member (errors name it)."""
    return _handler(obj, "event.counter_party")


@dataclass(frozen=True, slots=True, kw_only=True)
class Event(Record):
    """One custody event. ``occurred_at`` is the UTC instant of the handling and ``occurred_tz`` the zone the
    handler gave (IANA name or offset); ``recorded_at`` is when the record was made. ``counter_party`` is the
    receiving handler of a ``transferred`` event (and only of it). ``categories`` are the data categories the action
    concerns (a disk analysis is ``content``), checked against the scope of the authorities. ``authorities`` are
    the ids of the authority entries relied on; ``prev`` the ids of the latest earlier events about the same
    artefacts (the ledger fills it), so a deleted or reordered event breaks a visible chain. ``late_reason`` is the
    handler's justification for an event written up after a later one about the same artefact (an earlier seizure
    recorded after the acquisition): without it such an event is refused. It is left out of the JSON when absent, so
    the leaves of events without it are those written before it existed."""

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
    late_reason: str | None = None
    recipient: Handler | None = None
    handover: HandoverLink | None = None
    signed_at: datetime | None = None  # a transfer signed before this ledger recorded it (custody.model.handover)
    derived_from: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Every check is here (not in from_json) so that a record built in code is held to the same rules.
        self._check()
        if self.categories:
            object.__setattr__(self, "categories", normalise_categories(self.categories, "event.categories"))

    def _check(self) -> None:
        if not (is_ident(self.id) and is_ident(self.case)):
            check_ident(self.id, "event.id")
            check_ident(self.case, "event.case")
        if self.action not in ACTIONS:
            raise RecordError(f"event: unknown action {self.action!r} (known: {', '.join(ACTIONS)})")
        artefacts = self.artefacts
        if not artefacts or not all(type(a) is Artefact for a in artefacts):
            raise RecordError("event: at least one artefact is required")
        if len(artefacts) > 1 and len({a.key for a in artefacts}) != len(artefacts):
            raise RecordError("event: the same artefact is listed twice")
        check_zone(self.occurred_tz, field="event.occurred_tz")
        if self.recipient is not None or self.handover is not None or self.action in ("offered", "received"):
            check_handover_members(self.action, self.recipient, self.handover)
        if self.signed_at is not None:
            check_signed_at(self.action, self.signed_at, self.recorded_at)
        counter = self.counter_party
        if (self.action == "transferred") != (counter is not None):
            raise RecordError("event: a counter-party is required for, and only for, a transferred event")
        if counter is not None and counter.key_fingerprint == self.handler.key_fingerprint:
            raise RecordError("event: a transfer needs two different handlers")
        optional = (self.location, self.purpose, self.seal, self.tool, self.late_reason)
        texts = self.notes if optional == (None,) * 5 else [v for v in optional if v is not None] + list(self.notes)
        if texts and not all(map(is_plain_text, texts)):
            for name in ("location", "purpose", "seal", "tool", "late_reason"):
                if getattr(self, name) is not None:
                    check_text(getattr(self, name), f"event.{name}")
            for i, note in enumerate(self.notes):
                check_text(note, f"event.notes[{i}]")
        if self.categories:
            normalise_categories(self.categories, "event.categories")
        refs = self.authorities + self.prev
        if refs and not all(map(is_ident, refs)):
            for i, ref in enumerate(refs):
                check_ident(ref, f"event reference {i}")
        if len(set(self.authorities)) != len(self.authorities) or len(set(self.prev)) != len(self.prev):
            raise RecordError("event: an authority or previous-event id is listed twice")
        if self.derived_from:
            check_derived_from(self.action, self.derived_from, {a.key for a in self.artefacts})

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
        late: dict[str, Any] = {} if self.late_reason is None else {"late_reason": self.late_reason}
        if self.recipient is not None:  # the handover members, like late_reason, exist only when they are present
            late["recipient"] = self.recipient.to_json()
        if self.handover is not None:
            late["handover"] = self.handover.to_json()
        if self.signed_at is not None:
            late["signed_at"] = format_utc(self.signed_at)
        if self.derived_from:
            late["derived_from"] = list(self.derived_from)
        return {
            "id": self.id,
            "case": self.case,
            "action": self.action,
            "artefacts": [a.to_json() for a in self.artefacts],
            "handler": self.handler.to_json(),
            "counter_party": None if self.counter_party is None else self.counter_party.to_json(),
            "occurred_at": format_utc(self.occurred_at),
            "occurred_tz": self.occurred_tz,
            "recorded_at": format_utc(self.recorded_at),
            "location": self.location,
            "purpose": self.purpose,
            "seal": self.seal,
            "tool": self.tool,
            "categories": list(self.categories),
            "authorities": list(self.authorities),
            "prev": list(self.prev),
            "notes": list(self.notes),
            **late,
        }

    @classmethod
    def from_json(cls, obj: object) -> Event:
        o = require_mapping(obj, "event")
        if not o.keys() <= _EVENT_MEMBERS:
            raise RecordError(f"event: unknown member(s) {', '.join(sorted(o.keys() - _EVENT_MEMBERS))}")
        get: Callable[[str], Any] = o.get
        counter = get("counter_party")
        return cls(
            id=get("id"),
            case=get("case"),
            action=get("action"),
            artefacts=tuple(memoised("artefact", a, Artefact.from_json) for a in _list(get("artefacts"), "artefacts")),
            handler=memoised("handler", get("handler"), event_handler),
            counter_party=None if counter is None else memoised("handler", counter, counter_party_handler),
            occurred_at=parse_utc(get("occurred_at"), field="event.occurred_at"),
            occurred_tz=get("occurred_tz"),
            recorded_at=parse_utc(get("recorded_at"), field="event.recorded_at"),
            location=get("location"),
            purpose=get("purpose"),
            seal=get("seal"),
            tool=get("tool"),
            categories=_list(get("categories"), "categories"),
            authorities=_list(get("authorities"), "authorities"),
            prev=_list(get("prev"), "prev"),
            notes=_list(get("notes"), "notes"),
            late_reason=get("late_reason"),
            recipient=None if get("recipient") is None else _handler(get("recipient"), "event.recipient"),
            handover=None if get("handover") is None else HandoverLink.from_json(get("handover")),
            signed_at=None if get("signed_at") is None else parse_utc(get("signed_at"), field="event.signed_at"),
            derived_from=_list(get("derived_from"), "derived_from"),
        )


_EVENT_MEMBERS = frozenset(Event.__dataclass_fields__)


def _list(value: object, name: str) -> tuple[Any, ...]:
    if value is None:
        return ()
    if type(value) is not list:
        raise RecordError(f"event.{name}: expected a list, got {type(value).__name__}")
    return tuple(value)


_KNOWN_SIGNERS: set[str] = set()  # fingerprints already checked well formed


@dataclass(frozen=True, slots=True, kw_only=True)
class Signature(Record):
    """An Ed25519 signature over ``signing_payload(kind, body)`` by the key with fingerprint ``key``."""

    key: str
    sig: bytes

    def __post_init__(self) -> None:
        if not (fastpath.ENABLED and self.key in _KNOWN_SIGNERS):
            if parse_digest_ref(self.key, "signature.key")[0] != "sha256":
                raise RecordError("signature.key: a key fingerprint is sha256:<hex>")
            if len(_KNOWN_SIGNERS) < MEMO_SIZE:
                _KNOWN_SIGNERS.add(self.key)
        if not isinstance(self.sig, bytes) or len(self.sig) != 64:
            raise RecordError("signature.sig: an Ed25519 signature is 64 bytes")

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "sig": base64.b64encode(self.sig).decode("ascii")}

    @classmethod
    def known(cls, key: str, sig: str) -> Signature | None:
        """``from_json({"key": key, "sig": sig})`` when it is quick to tell (a fast path, ``custody.fastpath``): a key
        that a signature already had, and 64 bytes in canonical base64; else ``None`` (``from_json`` reads it)."""
        if not (fastpath.ENABLED and key in _KNOWN_SIGNERS and len(sig) == 88):
            return None
        try:  # base64.b64decode(sig, validate=True) and base64.b64encode(raw), less their wrappers
            raw = binascii.a2b_base64(sig, strict_mode=True)
        except (binascii.Error, ValueError):
            return None
        if len(raw) != 64 or binascii.b2a_base64(raw, newline=False).decode("ascii") != sig:
            return None
        signature = _NEW(cls)  # what __init__ does; __post_init__'s checks are the two just made
        _SET_KEY(signature, key)
        _SET_SIG(signature, raw)
        return signature

    @classmethod
    def from_json(cls, obj: object) -> Signature:
        if type(obj) is dict and len(obj) == 2 and type(key := obj.get("key")) is str:
            sig = obj.get("sig")
            known = cls.known(key, sig) if type(sig) is str else None
            if known is not None:
                return known
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


_NEW = object.__new__
_SET_KEY, _SET_SIG = (getattr(Signature, name).__set__ for name in ("key", "sig"))
