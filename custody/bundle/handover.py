"""Handover between two ledgers by file: ``offer`` (sending state), ``receive`` (receiving state), ``complete``.

Each state keeps its own ledger and only files travel (``custody.bundle.handover_file``):

1. ``offer_handover``: the sending ledger records an ``offered`` event naming the recipient (signed by the
   releasing handler, under an authority that permits handing the evidence abroad); the offer file carries that
   event with its inclusion proof and the signed checkpoint, the artefact's history as a bundle, and the
   ``transferred`` event the releasing handler signs now and the receiving handler will countersign.
2. ``receive_handover``: the receiving state verifies the offer offline with the sending ledger's trusted key and
   the same verifier as any bundle, records a ``received`` event whose signed ``handover`` names the sending
   ledger's origin, checkpoint and offered event, keeps the sending ledger's bundle (a later export links it), and
   writes the receipt: the transfer countersigned, its key, its ledger's checkpoint and the received event's proof.
3. ``complete_handover``: the sending ledger checks the receipt (the receiver key must be the one its offer named)
   and appends the transfer signed by both handlers, recorded now (``signed_at``: when they signed it, see
   ``custody.model.handover``), so the sending ledger may go on recording other events between offer and receipt.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from custody import fastpath
from custody.bundle.export import export_bundle
from custody.bundle.format import BundleEntry
from custody.bundle.handover_file import OfferFile, ReceiptFile
from custody.bundle.outcome import BundleReport
from custody.bundle.verify import verify_parsed
from custody.errors import CustodyError, ProofError, RecordError, SignatureError
from custody.ledger.drafts import Appended, EventDraft, now_or_clock
from custody.ledger.ledger import Ledger
from custody.model.entries import KeyEntry, LedgerHeader, SignedEntry, parse_leaf, sign_entry
from custody.model.handover import HandoverLink
from custody.model.keys import KeyPair, PublicKeyInfo, verify_signature
from custody.model.records import Event
from custody.model.trust import Trust, trusted_key
from custody.tlog.merkle import leaf_hash, verify_inclusion
from custody.tlog.notes import Checkpoint, NoteError, open_note, parse_checkpoint, parse_note

LINKED_META = "linked/"
"""Ledger metadata name prefix of a sending ledger's bundle kept by the receiving ledger (+ the offered event id)."""
RECEIPT_META = "receipt/"
"""Ledger metadata name prefix of a receipt kept by the sending ledger (+ the transfer id): the other side's
checkpoint, kept as evidence of what the receiving ledger showed."""


class HandoverError(CustodyError):
    """An offer or a receipt that does not hold: not for this ledger, this key, or not what was offered."""

    kind = "error.kind.handover"


@dataclass(frozen=True, slots=True, kw_only=True)
class Received:
    """What ``receive_handover`` did: the received event appended, the receipt to send back, the offer's report."""

    appended: Appended
    receipt: ReceiptFile
    report: BundleReport


def _event(entry: SignedEntry, what: str) -> Event:
    if not isinstance(entry.body, Event):
        raise HandoverError(f"{what} is not an event")
    return entry.body


def _snapshot(ledger: Ledger) -> tuple[list[bytes], str]:
    with ledger.store.snapshot():
        leaves = [leaf for _seq, _kind, _id, leaf, _hash in ledger.store.entries()]
        return leaves, ledger.latest_checkpoint()


def offer_handover(
    ledger: Ledger, from_key: KeyPair, to: PublicKeyInfo, draft: EventDraft, *, now: datetime | None = None
) -> OfferFile:
    """Record the ``offered`` event of ``draft``'s artefacts to ``to`` and make the offer file (see the module)."""
    moment = now_or_clock(now)
    transfer_draft = replace(draft, action="transferred", recipient=None, handover=None)
    # Refuse before anything is written when the handover itself would be refused (authority, identity, order).
    ledger.check_event(
        ledger.build_event(transfer_draft, from_key.info.handler, counter_party=to.handler, now=moment),
        [from_key.info.handler, to.handler],
    )
    offered = ledger.record(from_key, replace(draft, action="offered", recipient=to.handler), now=moment)
    transfer = ledger.build_event(transfer_draft, from_key.info.handler, counter_party=to.handler, now=moment)
    ledger.check_event(transfer, [from_key.info.handler, to.handler])
    leaves, checkpoint = _snapshot(ledger)
    artefacts = [a.key for a in transfer.artefacts]
    bundle = export_bundle(leaves, checkpoint, artefacts=artefacts).bundle
    verify_parsed(bundle, ledger.header.public_key, name="offer bundle")  # never hand out a bad one
    entry = next(e for e in bundle.entries if e.index == offered.index)
    return OfferFile(
        checkpoint=checkpoint, offer=entry, transfer=sign_entry("event", transfer, [from_key]), bundle=bundle
    )


def _proved(entry: BundleEntry, point: Checkpoint, what: str) -> SignedEntry:
    try:
        verify_inclusion(leaf_hash(entry.leaf), entry.index, point.size, list(entry.proof), point.root)
        return parse_leaf(entry.leaf)[0]
    except (ProofError, RecordError) as exc:
        raise HandoverError(f"{what}: {exc}") from exc


def _check_transfer(transfer: SignedEntry, offered: Event, releaser: KeyEntry) -> Event:
    """The transfer the releasing handler signed is the offered one: same handlers, artefacts, authorities, after it."""
    body = _event(transfer, "the offer's transfer")
    same = (body.handler, body.artefacts, body.authorities, body.case) == (
        offered.handler,
        offered.artefacts,
        offered.authorities,
        offered.case,
    )
    if body.action != "transferred" or body.counter_party != offered.recipient or not same:
        raise HandoverError(f"the transfer {body.id} is not the one offered by event {offered.id}")
    if body.prev != (offered.id,):
        raise HandoverError(f"the transfer {body.id} does not follow the offered event {offered.id}")
    signatures = transfer.signatures
    if len(signatures) != 1 or signatures[0].key != releaser.handler.key_fingerprint:
        raise HandoverError(f"the transfer {body.id} must be signed by the releasing handler only")
    try:
        verify_signature(releaser.public_key, signatures[0].sig, transfer.payload())
    except SignatureError as exc:
        raise HandoverError(f"the transfer {body.id}: the releasing handler's signature does not verify") from exc
    return body


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckedOffer:
    """An offer that verified: its bundle's report, the sending ledger's header and checkpoint, the offered event."""

    report: BundleReport
    header: LedgerHeader
    checkpoint: Checkpoint
    offered: Event


def check_offer(made: OfferFile, key: KeyPair, trusted: Trust | Sequence[Trust]) -> CheckedOffer:
    """Verify an offer offline for the receiving handler ``key``: its bundle with the trusted key of the sending
    ledger (``custody.bundle.verify``: raises ``VerificationError``), then that the offered event it proves is
    addressed to ``key`` and the transfer to countersign is the one offered."""
    report = verify_parsed(made.bundle, trusted, name="offer")
    point, header = report.contents.checkpoint, report.contents.header
    if point is None or header is None or made.checkpoint != made.bundle.checkpoint:
        raise HandoverError("the offer's checkpoint is not its bundle's")
    entry = _proved(made.offer, point, "the offered event's inclusion proof")
    offered = _event(entry, "the offered entry")
    # ``made.offer in made.bundle.entries``, with only the entries of its index compared (equal entries have equal
    # indexes; comparing thousands of whole entries was a measurable part of a receive).
    same_index = [e for e in made.bundle.entries if e.index == made.offer.index]
    if made.offer not in same_index or offered.action != "offered":
        raise HandoverError(f"entry {made.offer.index} of the offer is not an offered event of its bundle")
    if offered.recipient != key.info.handler:
        named = offered.recipient.name if offered.recipient else "nobody"
        raise HandoverError(f"the offer {offered.id} is addressed to {named}, not to the holder of this key")
    releaser = report.contents.keys.get(offered.handler.key_fingerprint)
    if releaser is None:  # pragma: no cover - the verified bundle holds every signer's key
        raise HandoverError(f"the offer {offered.id}: the releasing handler's key is not in it")
    _check_transfer(made.transfer, offered, releaser)
    return CheckedOffer(report=report, header=header, checkpoint=point, offered=offered)


def _already_received(ledger: Ledger, origin: str, offer_id: str) -> str | None:
    for _seq, _kind, _id, leaf, _hash in ledger.store.entries("event"):
        body = parse_leaf(leaf)[0].body
        if (
            isinstance(body, Event)
            and body.handover is not None
            and (body.handover.origin, body.handover.offer)
            == (
                origin,
                offer_id,
            )
        ):
            return body.id
    return None


def receive_handover(
    ledger: Ledger,
    made: OfferFile,
    key: KeyPair,
    trusted: Trust | Sequence[Trust],
    draft: EventDraft,
    *,
    now: datetime | None = None,
) -> Received:
    """Verify an offer, record its ``received`` event in ``ledger`` (``draft`` gives time, place, authorities) and
    make the receipt. The sending ledger's bundle is kept, so that an export from ``ledger`` links it."""
    ledger.writable()
    with fastpath.collector_paused():
        checked = check_offer(made, key, trusted)
    header, point, offered = checked.header, checked.checkpoint, checked.offered
    done = _already_received(ledger, header.origin, offered.id)
    if done is not None:
        raise HandoverError(f"offer {offered.id} of {header.origin} was already received (event {done})")
    link = HandoverLink(origin=header.origin, size=point.size, root=point.root, offer=offered.id)
    moment = now_or_clock(now)
    received_draft = replace(draft, action="received", artefacts=offered.artefacts, handover=link, recipient=None)
    ledger.check_event(ledger.build_event(received_draft, key.info.handler, now=moment), [key.info.handler])
    with ledger.store.transaction():  # kept first: a received event is never without the history it links
        ledger.store.set_meta(LINKED_META + offered.id, made.bundle_bytes())
    appended = ledger.record(key, received_draft, now=moment)
    received, header_proof = ledger.prove(appended.entry.entry_id), ledger.prove("ledger")
    own_key = KeyEntry(handler=key.info.handler, public_key=key.info.public_key, registered_at=moment)
    receipt = ReceiptFile(
        checkpoint=received.checkpoint,
        ledger=BundleEntry(index=0, leaf=header_proof.leaf, proof=header_proof.proof),
        received=BundleEntry(index=received.index, leaf=received.leaf, proof=received.proof),
        receiver_key=sign_entry("key", own_key, [key]),
        transfer=made.transfer.countersigned(key),
        sender_checkpoint=made.checkpoint,
    )
    return Received(appended=appended, receipt=receipt, report=checked.report)


def _receiving_side(receipt: ReceiptFile, trusted: Trust | None) -> Event:
    """The receiving ledger's header and received event, proved against its checkpoint, signed by its key."""
    try:
        point = parse_checkpoint(parse_note(receipt.checkpoint)[0])
    except NoteError as exc:
        raise HandoverError(f"the receipt's checkpoint: {exc}") from exc
    header = _proved(receipt.ledger, point, "the receiving ledger's header").body
    if receipt.ledger.index != 0 or not isinstance(header, LedgerHeader) or header.origin != point.origin:
        raise HandoverError("the receipt does not carry its ledger's header")
    if trusted is not None and trusted_key(trusted).public_key != header.public_key:
        raise HandoverError(f"the receiving ledger {header.origin} is not signed by the trusted key given")
    try:
        open_note(receipt.checkpoint, {header.key_name: header.public_key})
    except (NoteError, SignatureError) as exc:
        raise HandoverError(f"the receipt's checkpoint is not signed by its ledger's key: {exc}") from exc
    entry = _proved(receipt.received, point, "the received event's inclusion proof")
    return _event(entry, "the receipt's received entry")


def _not_stale(ledger: Ledger, transfer: Event, offer_id: str) -> None:
    for artefact in transfer.artefacts:
        head = ledger.store.head(artefact.key)
        if head is not None and head not in transfer.prev:
            raise HandoverError(
                f"the offer {offer_id} is stale: event {head} about {artefact.key} was recorded after it; "
                "ask the releasing handler for a new offer"
            )


def _echoed(ledger: Ledger, note: str, link: HandoverLink) -> None:
    """The receipt's copy of this ledger's checkpoint is signed by this ledger's key and is the one the received event
    names (what the offer came with)."""
    try:
        point = parse_checkpoint(open_note(note, {ledger.header.key_name: ledger.header.public_key})[0])
    except (NoteError, SignatureError) as exc:
        raise HandoverError(f"the receipt's checkpoint of this ledger is not signed by its key: {exc}") from exc
    if (point.origin, point.size, point.root) != (link.origin, link.size, link.root):
        raise HandoverError("the receipt's checkpoint of this ledger is not the one its offer came with")


def check_receipt(ledger: Ledger, receipt: ReceiptFile, *, trusted: Trust | None = None) -> Event:
    """Check a receipt against the offer ``ledger`` recorded, reading only; return the transfer it completes.

    The transfer must be the one offered, signed by the releasing handler (registered here) and by the key the offer
    named; the receiving ledger's received event must name this ledger and offer, be signed by that key, and be
    proved against the receiving ledger's checkpoint (signed by its header's key; by ``trusted`` when given)."""
    transfer = _event(receipt.transfer, "the receipt's transfer")
    if len(transfer.prev) != 1:
        raise HandoverError(f"the transfer {transfer.id} does not follow one offered event")
    offered = ledger.event(transfer.prev[0])
    same = (transfer.handler, transfer.artefacts, transfer.authorities) == (
        offered.handler,
        offered.artefacts,
        offered.authorities,
    )
    if offered.action != "offered" or transfer.counter_party != offered.recipient or not same:
        raise HandoverError(f"the transfer {transfer.id} is not the one offered by event {offered.id}")
    receiver = receipt.receiver_key.body
    if not isinstance(receiver, KeyEntry) or receiver.handler != offered.recipient:
        raise HandoverError(f"the receipt is not signed with the key that offer {offered.id} named")
    received = _receiving_side(receipt, trusted)
    link = received.handover
    if received.action != "received" or link is None or (link.origin, link.offer) != (ledger.header.origin, offered.id):
        raise HandoverError(f"the receipt's event {received.id} does not receive offer {offered.id} of this ledger")
    if received.handler != offered.recipient:
        raise HandoverError(f"the receipt's event {received.id} is not recorded by the recipient of the offer")
    if receipt.sender_checkpoint is not None:
        _echoed(ledger, receipt.sender_checkpoint, link)
    releaser = ledger.registered_key(offered.handler.key_fingerprint)
    if releaser is None:  # pragma: no cover - the ledger recorded the offer with this key
        raise HandoverError(f"the releasing handler of offer {offered.id} has no key in this ledger")
    received_entry = parse_leaf(receipt.received.leaf)[0]
    for entry, public in (
        (receipt.receiver_key, [receiver.public_key]),
        (received_entry, [receiver.public_key]),
        (receipt.transfer, [releaser.public_key, receiver.public_key]),
    ):
        if tuple(s.key for s in entry.signatures) != entry.expected_signers():
            raise HandoverError(f"the receipt's {entry.kind} entry is not signed by the handlers it must be")
        try:
            for signature, key in zip(entry.signatures, public, strict=True):
                verify_signature(key, signature.sig, entry.payload())
        except (SignatureError, ValueError) as exc:
            raise HandoverError(f"the receipt's {entry.kind} entry: a signature does not verify") from exc
    return transfer


def complete_handover(
    ledger: Ledger, receipt: ReceiptFile, *, trusted: Trust | None = None, now: datetime | None = None
) -> Appended:
    """Check a receipt (``check_receipt``) and append the transfer signed by both handlers to ``ledger``.

    ``trusted``: the receiving ledger's key, when the sender has it (its checkpoint is then checked against it too).
    """
    ledger.writable()
    transfer = check_receipt(ledger, receipt, trusted=trusted)
    if ledger.store.find(transfer.id) is not None:
        raise HandoverError(f"the transfer {transfer.id} is already in this ledger: the handover was completed")
    _not_stale(ledger, transfer, transfer.prev[0])
    with ledger.store.transaction():  # the other side's checkpoint, kept as evidence of what its ledger showed
        ledger.store.set_meta(RECEIPT_META + transfer.id, receipt.to_bytes())
    # Recorded now (append_signed reads the clock under the append lock and retimes it), after whatever the ledger
    # recorded since the offer; signed by both as the offer made it.
    return ledger.append_signed(receipt.transfer, [], [receipt.receiver_key], now=now)


def accept_handover(ledger: Ledger, made: OfferFile, key: KeyPair, *, now: datetime | None = None) -> Appended:
    """Both handlers on one ledger: check an offer of ``ledger`` itself (against its own key) and append the
    transfer countersigned by the receiving handler ``key`` (what ``custody accept`` did before offers travelled)."""
    ledger.writable()
    checked = check_offer(made, key, ledger.header.public_key)
    if checked.header.origin != ledger.header.origin:
        raise HandoverError(f"the offer is for ledger {checked.header.origin!r}, not {ledger.header.origin!r}")
    transfer = _event(made.transfer, "the offer's transfer")
    _not_stale(ledger, transfer, checked.offered.id)
    moment = now_or_clock(now)
    own = KeyEntry(handler=key.info.handler, public_key=key.info.public_key, registered_at=moment)
    countersigned = made.transfer.countersigned(key)  # recorded (retimed) under the append lock
    return ledger.append_signed(countersigned, [key], [sign_entry("key", own, [key])], now=now)
