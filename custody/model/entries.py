"""Signed ledger entries and their leaf bytes.

A leaf is the canonical JSON of ``{"body": ..., "kind": ..., "signatures": [{"key": fingerprint, "sig": b64}]}``.
Each signature is Ed25519 over ``signing_payload(kind, canonical body)``. Kinds: ``ledger`` (the first entry: origin,
case and key of the ledger, signed by the ledger key), ``key`` (a handler's public key and identity, signed by that
key: proof of possession), ``authority`` (signed by the handler who registered it) and ``event`` (signed by the
handler, and for a transfer by the receiving handler too). The ledger key signs every checkpoint, so it vouches for
every entry; a verifier needs only that key.

Encoding speed matters (a ledger verifies 100 000 entries at close to the cost of their signatures), so records are
encoded with the C JSON encoder, which gives exactly the RFC 8785 bytes for what records contain (ASCII member
names, no floats, integers below 2**53, valid Unicode strings); the tests compare it with ``canonical.encode``.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from custody import fastpath
from custody.errors import RecordError
from custody.model.changes import AuthorityChange
from custody.model.fields import Fields, Record, check_ident, check_text, require_mapping
from custody.model.identity import Handler
from custody.model.keys import KeyPair, fingerprint
from custody.model.leafform import EVENT_LEAF, read_event
from custody.model.records import ENTRY_KINDS, Authority, Event, Signature, signing_payload
from custody.model.times import format_utc
from custody.tlog.notes import NoteError, verifier_key
from evidence.common import canonical

LEDGER_FORMAT = 1


_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def encode_json(value: Any) -> bytes:
    """RFC 8785 bytes of a record's JSON (see the module docstring for why the C encoder is exact here)."""
    try:
        return _ENCODER.encode(value).encode("utf-8")
    except (UnicodeEncodeError, ValueError, TypeError):
        return canonical.encode(value)  # raises the precise CanonicalError


def _public_key(value: object, where: str) -> bytes:
    if not isinstance(value, str):
        raise RecordError(f"{where}: expected a base64 Ed25519 public key")
    try:
        raw = base64.b64decode(value, validate=True)
    except ValueError as exc:
        raise RecordError(f"{where}: not valid base64") from exc
    if len(raw) != 32 or base64.b64encode(raw).decode("ascii") != value:
        raise RecordError(f"{where}: an Ed25519 public key is 32 bytes in canonical base64")
    return raw


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


@dataclass(frozen=True, slots=True, kw_only=True)
class LedgerHeader(Record):
    """The first entry: which log this is (``origin``, the checkpoint origin line), for which case, and the ledger
    key (its note key name and public key) that signs the checkpoints."""

    origin: str
    case: str
    key_name: str
    public_key: bytes
    created_at: datetime
    format: int = LEDGER_FORMAT

    def __post_init__(self) -> None:
        check_text(self.origin, "ledger.origin", max_len=256)
        check_ident(self.case, "ledger.case")
        try:
            verifier_key(self.key_name, self.public_key)
        except NoteError as exc:
            raise RecordError(f"ledger.key_name: {exc}") from exc
        if self.format != LEDGER_FORMAT:
            raise RecordError(f"ledger.format: this scelle reads format {LEDGER_FORMAT}, not {self.format!r}")

    @property
    def fingerprint(self) -> str:
        """Fingerprint of the ledger key."""
        return fingerprint(self.public_key)

    @property
    def vkey(self) -> str:
        """The signed-note verifier key of the ledger key."""
        return verifier_key(self.key_name, self.public_key)

    def to_json(self) -> dict[str, Any]:
        return {
            "origin": self.origin,
            "case": self.case,
            "key_name": self.key_name,
            "public_key": _b64(self.public_key),
            "created_at": format_utc(self.created_at),
            "format": self.format,
        }

    @classmethod
    def from_json(cls, obj: object) -> LedgerHeader:
        f = Fields(obj, "ledger")
        result = cls(
            origin=f.text("origin"),
            case=f.ident("case"),
            key_name=f.text("key_name"),
            public_key=_public_key(f.raw("public_key"), "ledger.public_key"),
            created_at=f.time("created_at"),
            format=f.opt_int("format") or 0,
        )
        f.finish()
        return result


@dataclass(frozen=True, slots=True, kw_only=True)
class KeyEntry(Record):
    """A handler's public key and identity, registered before the handler's first signed entry."""

    handler: Handler
    public_key: bytes
    registered_at: datetime

    def __post_init__(self) -> None:
        if fingerprint(self.public_key) != self.handler.key_fingerprint:
            raise RecordError("key: the handler's key fingerprint is not the fingerprint of the public key")

    def to_json(self) -> dict[str, Any]:
        return {
            "handler": self.handler.to_json(),
            "public_key": _b64(self.public_key),
            "registered_at": format_utc(self.registered_at),
        }

    @classmethod
    def from_json(cls, obj: object) -> KeyEntry:
        f = Fields(obj, "key")
        try:
            handler = Handler.from_json(require_mapping(f.raw("handler"), "key.handler"))
        except (TypeError, ValueError, KeyError) as exc:
            raise RecordError(f"key.handler: not a valid handler: {exc}") from exc
        result = cls(
            handler=handler,
            public_key=_public_key(f.raw("public_key"), "key.public_key"),
            registered_at=f.time("registered_at"),
        )
        f.finish()
        return result


Body = LedgerHeader | KeyEntry | Authority | Event | AuthorityChange
BODY_TYPES: dict[str, Any] = {
    "ledger": LedgerHeader,
    "key": KeyEntry,
    "authority": Authority,
    "event": Event,
    "authority-change": AuthorityChange,
}


@dataclass(frozen=True, slots=True, kw_only=True)
class SignedEntry:
    """One ledger entry: its kind, its body record and the signatures over ``signing_payload(kind, body)``."""

    kind: str
    body: Body
    signatures: tuple[Signature, ...]

    def __post_init__(self) -> None:
        if self.kind not in ENTRY_KINDS or not isinstance(self.body, BODY_TYPES[self.kind]):
            raise RecordError(f"entry: a {type(self.body).__name__} cannot be a {self.kind!r} entry")

    @property
    def entry_id(self) -> str:
        """How the ledger indexes it: ``ledger``, the key fingerprint, or the authority or event id."""
        body = self.body
        if isinstance(body, LedgerHeader):
            return "ledger"
        if isinstance(body, KeyEntry):
            return body.handler.key_fingerprint
        return body.id

    def expected_signers(self) -> tuple[str, ...] | None:
        """Fingerprints that must sign, in order; None for an authority or a change to one (any one registered key)."""
        body = self.body
        if isinstance(body, LedgerHeader):
            return (body.fingerprint,)
        if isinstance(body, KeyEntry):
            return (body.handler.key_fingerprint,)
        if isinstance(body, Event):
            return body.signer_fingerprints()
        return None

    def payload(self) -> bytes:
        """The bytes every signature of this entry covers (of a transfer recorded after it was signed: the event as
        it was signed, ``as_signed``)."""
        body = self.body
        if isinstance(body, Event) and body.signed_at is not None:
            body = as_signed(body)
        return signing_payload(self.kind, encode_json(body.to_json()))

    def to_json(self) -> dict[str, Any]:
        """The leaf as a JSON object."""
        return {"body": self.body.to_json(), "kind": self.kind, "signatures": [s.to_json() for s in self.signatures]}

    def leaf(self) -> bytes:
        """The canonical leaf bytes stored in the ledger and hashed into the tree."""
        return encode_json(self.to_json())

    def countersigned(self, key: KeyPair) -> SignedEntry:
        """A copy with ``key``'s signature added (a receiving handler accepting a transfer)."""
        if any(s.key == key.info.fingerprint for s in self.signatures):
            raise RecordError(f"entry {self.entry_id} is already signed by {key.info.fingerprint}")
        signature = Signature(key=key.info.fingerprint, sig=key.sign(self.payload()))
        return SignedEntry(kind=self.kind, body=self.body, signatures=(*self.signatures, signature))


def as_signed(event: Event) -> Event:
    """The event its handlers signed: a transfer recorded after it was signed (``signed_at``, see
    ``custody.model.handover``) as it was at signing time; any other event as it is."""
    if event.signed_at is None:
        return event
    return replace(event, recorded_at=event.signed_at, signed_at=None)


def retimed(entry: SignedEntry, recorded_at: datetime) -> SignedEntry:
    """A signed event entry recorded at ``recorded_at``, after it was signed: the same signatures, over the event as
    signed; the entry itself when it is recorded at the time it was signed."""
    body = entry.body
    if not isinstance(body, Event) or body.signed_at is not None or recorded_at <= body.recorded_at:
        return entry
    later = replace(body, recorded_at=recorded_at, signed_at=body.recorded_at)
    return SignedEntry(kind=entry.kind, body=later, signatures=entry.signatures)


def sign_entry(kind: str, body: Body, keys: Sequence[KeyPair]) -> SignedEntry:
    """Sign ``body`` as a ``kind`` entry with each of ``keys`` in order."""
    unsigned = SignedEntry(kind=kind, body=body, signatures=())
    payload = unsigned.payload()
    signatures = tuple(Signature(key=k.info.fingerprint, sig=k.sign(payload)) for k in keys)
    return SignedEntry(kind=kind, body=body, signatures=signatures)


_NEW = object.__new__
_SET_KIND, _SET_BODY, _SET_SIGNATURES = (getattr(SignedEntry, name).__set__ for name in ("kind", "body", "signatures"))
_EVENT_PAYLOAD = signing_payload("event", b"")

LEAF_MEMBERS = frozenset({"body", "kind", "signatures"})
"""The members of a leaf's JSON object, exactly."""


def _no_float(text: str) -> Any:
    raise RecordError(f"floats are not allowed in ledger entries: {text}")


_DECODER = json.JSONDecoder(parse_float=_no_float)


def _decode(text: str) -> Any:
    """The JSON value of a leaf's text (floats refused)."""
    return _DECODER.decode(text)


def parse_leaf(data: bytes, form: re.Match[str] | None = None) -> tuple[SignedEntry, bytes]:
    """Read leaf bytes strictly; return the entry and the payload its signatures must cover.

    The leaf must be exactly the canonical encoding of what it parses to: a second encoding of the same entry
    would give a second leaf hash for the same signed content. An event leaf as scelle writes it is read from the
    match of the event form (``custody.model.leafform``); any other leaf is parsed, checked and read by ``_parse_any``.
    ``form``: that match, when the caller already has it for these bytes (``custody.bundle.fastread``).
    """
    match = form if fastpath.ENABLED else None
    if match is None:
        try:
            text = data.decode("utf-8")
        except ValueError as exc:
            raise RecordError(f"leaf is not valid JSON: {exc}") from exc
        match = EVENT_LEAF.fullmatch(text) if fastpath.ENABLED else None
        if match is None:
            return _parse_any(text, data)
    body, signatures = read_event(match)
    entry = _NEW(SignedEntry)  # SignedEntry(kind="event", ...) through its slots: the body is an Event, as checked
    _SET_KIND(entry, "event")
    _SET_BODY(entry, body)
    _SET_SIGNATURES(entry, signatures)
    return entry, _EVENT_PAYLOAD + data[8 : data.rfind(b',"kind":"')]  # signing_payload("event", body bytes)


def _parse_any(text: str, data: bytes) -> tuple[SignedEntry, bytes]:
    """``parse_leaf`` of any leaf: parse the JSON, check the leaf's members, encode it again to check its form."""
    try:
        obj = _decode(text)
    except (ValueError, RecursionError) as exc:
        if isinstance(exc, RecordError):
            raise
        raise RecordError(f"leaf is not valid JSON: {exc}") from exc
    if type(obj) is not dict or obj.keys() != LEAF_MEMBERS:
        raise RecordError("leaf must be an object with exactly body, kind and signatures")
    kind, raw_signatures = obj["kind"], obj["signatures"]
    if kind not in ENTRY_KINDS or type(raw_signatures) is not list:
        raise RecordError(f"leaf has an unknown kind {kind!r} or no signature list")
    if encode_json(obj) != data:
        raise RecordError("leaf is not in canonical form (RFC 8785)")
    # Canonical, so members are sorted: '{"body":' BODY ',"kind":"...' and the signatures cannot contain that text.
    body_bytes = data[8 : data.rfind(b',"kind":"')]
    body = BODY_TYPES[kind].from_json(obj["body"])
    signatures = tuple(Signature.from_json(s) for s in raw_signatures)
    entry = SignedEntry(kind=kind, body=body, signatures=signatures)
    if isinstance(body, Event) and body.signed_at is not None:  # signed as it was before it was recorded
        return entry, entry.payload()
    return entry, signing_payload(kind, body_bytes)
