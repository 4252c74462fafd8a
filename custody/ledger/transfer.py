"""Two-party transfer when the two keys are on different machines: an offer, then its acceptance.

A ``transferred`` event is valid only with the signatures of both the releasing and the receiving handler (ISO/IEC
27037: both parties sign a hand-over). When both keys are at hand, ``Ledger.record(key, draft, counter_key=...)``
signs with both at once. Otherwise the releasing handler makes an *offer* (``make_offer``): the complete event,
signed by them, with their self-signed key entry, written to a file that travels with the evidence. The receiving
handler checks it, countersigns it and appends it (``accept_offer``). The event's previous-event links are fixed
when the offer is made, so an offer overtaken by another event about the same artefact is refused as stale.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from custody.errors import CustodyError, RecordError, SignatureError
from custody.i18n.said import SaidError
from custody.ledger.drafts import Appended, EventDraft, now_or_clock
from custody.ledger.ledger import Ledger
from custody.model.entries import KeyEntry, SignedEntry, encode_json, parse_leaf, sign_entry
from custody.model.fields import Fields
from custody.model.keys import KeyPair, PublicKeyInfo, verify_signature
from custody.model.records import Event
from evidence.common import canonical
from evidence.common.errors import EvidenceError
from evidence.common.files import write_atomic
from evidence.common.reasons import os_reason

OFFER_KIND = "scelle-transfer-offer"
OFFER_VERSION = 1


@dataclass(frozen=True, slots=True, kw_only=True)
class TransferOffer:
    """A transfer event signed by the releasing handler, waiting for the receiving handler's signature."""

    origin: str
    event: SignedEntry
    releaser_key: SignedEntry

    @property
    def body(self) -> Event:
        """The offered event."""
        if not isinstance(self.event.body, Event):
            raise RecordError("offer: the offered entry is not an event")
        return self.event.body

    def to_json(self) -> dict[str, Any]:
        """The offer file's JSON object."""
        return {
            "kind": OFFER_KIND,
            "version": OFFER_VERSION,
            "origin": self.origin,
            "event": self.event.to_json(),
            "releaser_key": self.releaser_key.to_json(),
        }

    def encode(self) -> bytes:
        """Canonical bytes of the offer file."""
        return encode_json(self.to_json())

    @classmethod
    def from_json(cls, obj: object) -> TransferOffer:
        """Read an offer strictly (both entries as canonical leaves)."""
        f = Fields(obj, "offer")
        if f.text("kind") != OFFER_KIND or f.opt_int("version") != OFFER_VERSION:
            raise RecordError(f"not a {OFFER_KIND} version {OFFER_VERSION}")
        origin, event, key = f.text("origin"), f.raw("event"), f.raw("releaser_key")
        f.finish()
        return cls(origin=origin, event=parse_leaf(encode_json(event))[0], releaser_key=parse_leaf(encode_json(key))[0])

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the offer file (never over an existing file)."""
        try:
            write_atomic(Path(path), self.encode() + b"\n", mode=0o666, exclusive=True)  # what open(path, "xb") gave
        except OSError as exc:
            raise CustodyError(f"{path}: cannot write the offer: {exc.strerror or exc}") from exc

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> TransferOffer:
        """Read an offer file."""
        try:
            data = Path(path).read_bytes()
            return cls.from_json(canonical.decode(data))
        except OSError as exc:
            raise SaidError("offer.unreadable", path=path, reason=os_reason(exc)) from exc
        except EvidenceError as exc:
            raise RecordError(f"{path}: not a valid transfer offer: {exc}") from exc


def make_offer(
    ledger: Ledger, from_key: KeyPair, to: PublicKeyInfo, draft: EventDraft, *, now: datetime | None = None
) -> TransferOffer:
    """Offer the artefacts of ``draft`` to the handler ``to``; checked against ``ledger`` as it is now."""
    if draft.action != "transferred":
        raise RecordError(f"an offer is for a transferred event, not {draft.action}")
    moment = now_or_clock(now)
    event = ledger.build_event(draft, from_key.info.handler, counter_party=to.handler, now=moment)
    ledger.check_event(event, [from_key.info.handler, to.handler])
    key_body = KeyEntry(handler=from_key.info.handler, public_key=from_key.info.public_key, registered_at=moment)
    return TransferOffer(
        origin=ledger.header.origin,
        event=sign_entry("event", event, [from_key]),
        releaser_key=sign_entry("key", key_body, [from_key]),
    )


def check_offer(offer: TransferOffer, to_key: KeyPair) -> None:
    """Raise unless the offer is a transfer to ``to_key``'s handler, signed by the releasing handler's key."""
    event = offer.body
    key = offer.releaser_key.body
    if event.action != "transferred" or event.counter_party != to_key.info.handler:
        raise SignatureError(f"offer {event.id} is not a transfer to {to_key.info.name} with this key")
    if not isinstance(key, KeyEntry) or key.handler != event.handler:
        raise SignatureError(f"offer {event.id}: the enclosed key is not the releasing handler's")
    for entry in (offer.releaser_key, offer.event):
        if len(entry.signatures) != 1 or entry.signatures[0].key != key.handler.key_fingerprint:
            raise SignatureError(f"offer {event.id}: {entry.kind} entry is not signed by the releasing handler")
        try:
            verify_signature(key.public_key, entry.signatures[0].sig, entry.payload())
        except SignatureError as exc:
            raise SignatureError(f"offer {event.id}: the releasing handler's signature does not verify") from exc


def accept_offer(ledger: Ledger, offer: TransferOffer, to_key: KeyPair, *, now: datetime | None = None) -> Appended:
    """Countersign an offer with the receiving handler's key and append the transfer to ``ledger``."""
    if offer.origin != ledger.header.origin:
        raise CustodyError(f"the offer is for ledger {offer.origin!r}, not {ledger.header.origin!r}")
    check_offer(offer, to_key)
    event = offer.body
    for artefact in event.artefacts:
        head = ledger.store.head(artefact.key)
        if head is not None and head not in event.prev:
            raise CustodyError(
                f"offer {event.id} is stale: event {head} about {artefact.key} was recorded after it; "
                "ask the releasing handler for a new offer"
            )
    countersigned = offer.event.countersigned(to_key)  # recorded when appended (clock read under the lock)
    return ledger.append_signed(countersigned, [to_key], [offer.releaser_key], now=now)
