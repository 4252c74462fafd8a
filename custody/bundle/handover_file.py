"""The two files of a cross-border handover: the offer (sender to receiver) and the receipt (receiver to sender).

Each state keeps its own ledger; only these files travel (24/7 network, central authority, diplomatic bag, USB
stick). Both are RFC 8785 canonical JSON (compact, one line: an offer carries a whole history, and the file is for
scelle, while people read the bundle and its report), versioned and read strictly: any byte other than whitespace
between tokens that changes makes the file unreadable, and what it carries is signed.

Offer (``scelle-custody-offer``, version 1)::

    {"bundle": <the artefact's history: a bundle of the sending ledger, against "checkpoint">,
     "checkpoint": "<the sending ledger's signed checkpoint>", "format": "scelle-custody-offer",
     "offer": {"index": N, "leaf": {<the offered event entry>}, "proof": [...]},
     "transfer": {<the transferred event, signed by the releasing handler, waiting for the receiver's signature>},
     "version": 1}

Receipt (``scelle-custody-receipt``, version 1)::

    {"checkpoint": "<the receiving ledger's signed checkpoint>", "format": "scelle-custody-receipt",
     "ledger": {"index": 0, "leaf": {<the receiving ledger's header>}, "proof": [...]},
     "received": {"index": N, "leaf": {<the received event entry>}, "proof": [...]},
     "receiver_key": {<the receiver's self-signed key entry>},
     "sender_checkpoint": "<the sending ledger's checkpoint the offer came with, as the receiver saw it>",
     "transfer": {<the transferred event, signed by both handlers>}, "version": 1}

Both files carry a checkpoint of each ledger they come from, and the receipt also hands the sending ledger's back,
so either can be given to ``custody verify LEDGER --since FILE`` on either side: a ledger cut back to before the
handover fails. ``sender_checkpoint`` is optional in the format (receipts written before it lack it).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from custody import fastpath
from custody.bundle.fastread import SplitOffer, split_offer
from custody.bundle.format import (
    MAX_BUNDLE_BYTES,
    Bundle,
    BundleEntry,
    BundleFormatError,
    entry_from_json,
    is_canonical_text,
)
from custody.bundle.format import from_json as bundle_from_json
from custody.errors import RecordError
from custody.i18n.said import SaidError
from custody.model.entries import SignedEntry, encode_json, parse_leaf
from custody.model.fields import Fields
from custody.tlog.notes import NoteError
from evidence.common import canonical
from evidence.common.files import write_atomic
from evidence.common.reasons import os_reason

OFFER_FORMAT = "scelle-custody-offer"
RECEIPT_FORMAT = "scelle-custody-receipt"
HANDOVER_VERSION = 1


class HandoverFormatError(BundleFormatError):
    """A file is not a readable offer or receipt: not JSON, truncated, changed, another format or version."""

    kind = "error.kind.handover"


def _to_bytes(value: dict[str, Any]) -> bytes:
    return encode_json(value) + b"\n"


def _read(data: bytes, kind: str, *, compact: bool = False) -> Fields:
    """The top-level members of an offer or receipt file, after the format, version and canonical-form checks
    (``compact``: the file must be the compact form exactly, a final newline aside)."""
    if len(data) > MAX_BUNDLE_BYTES or not data.strip():
        raise HandoverFormatError("empty or too large")
    text = data.decode("utf-8")
    try:
        obj = canonical.decode(text)
    except canonical.CanonicalError as exc:
        raise HandoverFormatError(f"not a complete JSON document (truncated or not JSON): {exc}") from exc
    if not isinstance(obj, dict) or obj.get("format") != kind:
        raise HandoverFormatError(f'not a {kind} file (no "format": "{kind}")')
    version = obj.get("version")
    if version != HANDOVER_VERSION or isinstance(version, bool):
        raise HandoverFormatError(f"unknown {kind} version {version!r}; this scelle reads {HANDOVER_VERSION}")
    if not (text.rstrip("\n").encode("utf-8") == encode_json(obj) if compact else is_canonical_text(text, obj)):
        raise HandoverFormatError("not in canonical form (RFC 8785): bytes other than whitespace were changed")
    f = Fields(obj, kind)
    f.text("format")
    f.opt_int("version")
    return f


def _signed(value: object, what: str) -> SignedEntry:
    if not isinstance(value, dict):
        raise HandoverFormatError(f"{what}: expected a ledger entry object")
    return parse_leaf(encode_json(value))[0]


def _parse(data: bytes, name: str, kind: str, build: Any, *, compact: bool = False) -> Any:
    try:
        return build(_read(data, kind, compact=compact))
    except UnicodeDecodeError as exc:
        raise HandoverFormatError(f"{name}: not UTF-8 text (byte {exc.start})") from exc
    except (RecordError, canonical.CanonicalError, NoteError, BundleFormatError) as exc:
        raise HandoverFormatError(f"{name}: not a valid {kind} file: {exc}") from exc


def read_file(path: str | os.PathLike[str], what: str) -> bytes:
    """The bytes of an offer or receipt file, or a ``CustodyError`` naming it."""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise SaidError(f"{what}.unreadable", path=path, reason=os_reason(exc)) from exc


def write_new(path: str | os.PathLike[str], data: bytes, what: str) -> None:
    """Write a handover file whole, never over an existing file."""
    try:
        write_atomic(Path(path), data, mode=0o644, exclusive=True)
    except OSError as exc:
        raise SaidError(f"{what}.unwritable", path=path, reason=os_reason(exc)) from exc


@dataclass(frozen=True, slots=True, kw_only=True)
class OfferFile:
    """What the sending state hands over: its offered event with proof, the transfer to countersign, the history."""

    checkpoint: str
    offer: BundleEntry
    transfer: SignedEntry
    bundle: Bundle
    bundle_json: bytes | None = field(default=None, compare=False, repr=False)
    """The bundle's canonical bytes as the file carried them (read once: a history can be large)."""

    def bundle_bytes(self) -> bytes:
        """The bundle as canonical JSON bytes (what a receiving ledger keeps to link it)."""
        return self.bundle_json if self.bundle_json is not None else encode_json(self.bundle.to_json())

    def to_bytes(self) -> bytes:
        """The file's bytes."""
        return _to_bytes(
            {
                "bundle": self.bundle.to_json(),
                "checkpoint": self.checkpoint,
                "format": OFFER_FORMAT,
                "offer": self.offer.to_json(),
                "transfer": self.transfer.to_json(),
                "version": HANDOVER_VERSION,
            }
        )

    @classmethod
    def from_bytes(cls, data: bytes, name: str = "offer") -> OfferFile:
        """Read an offer file strictly (nothing verified yet: ``custody.bundle.handover.receive_handover``)."""
        with fastpath.collector_paused():
            return cls._read(data, name)

    @classmethod
    def _read(cls, data: bytes, name: str) -> OfferFile:
        def build(f: Fields, split: SplitOffer | None = None) -> OfferFile:
            bundle, checkpoint = f.raw("bundle"), f.text("checkpoint", max_len=64 * 1024)
            offer, transfer = f.raw("offer"), f.raw("transfer")
            f.finish()
            if split is None:
                bundle_json = encode_json(bundle)
            else:  # the original text is compact canonical: '{"bundle":' BUNDLE ',"checkpoint":' ... (see fastread)
                rest = {"checkpoint": checkpoint, "format": OFFER_FORMAT, "offer": offer, "transfer": transfer}
                tail = encode_json({**rest, "version": HANDOVER_VERSION})
                end = len(data)
                while data.endswith(b"\n", 0, end):  # the final newlines, without copying the file to strip them
                    end -= 1
                bundle_json = data[len(b'{"bundle":') : end - len(tail)]
            return cls(
                checkpoint=checkpoint,
                offer=entry_from_json(offer, 0),
                transfer=_signed(transfer, "offer.transfer"),
                bundle=bundle_from_json(bundle, cut=None if split is None else split.entries),
                bundle_json=bundle_json,
            )

        split = _split(data)
        if split is not None:
            try:
                fast: OfferFile = _parse(split.skeleton, name, OFFER_FORMAT, lambda f: build(f, split), compact=True)
            except HandoverFormatError:
                pass  # the plain reading says what is wrong
            else:
                return fast
        result: OfferFile = _parse(data, name, OFFER_FORMAT, build)
        return result


def _split(data: bytes) -> SplitOffer | None:
    """The fast reading's split of an offer file (``custody.bundle.fastread``), when the fast paths are on."""
    if not fastpath.ENABLED or len(data) > MAX_BUNDLE_BYTES:
        return None
    return split_offer(data)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReceiptFile:
    """What the receiving state sends back: the transfer signed by both, its key, its ledger's proof of receipt."""

    checkpoint: str
    ledger: BundleEntry
    received: BundleEntry
    receiver_key: SignedEntry
    transfer: SignedEntry
    sender_checkpoint: str | None = None
    """The sending ledger's checkpoint that came with the offer (``--since`` evidence for the sending state)."""

    def to_bytes(self) -> bytes:
        """The file's bytes."""
        sender = {} if self.sender_checkpoint is None else {"sender_checkpoint": self.sender_checkpoint}
        return _to_bytes(
            {
                "checkpoint": self.checkpoint,
                "format": RECEIPT_FORMAT,
                "ledger": self.ledger.to_json(),
                "received": self.received.to_json(),
                "receiver_key": self.receiver_key.to_json(),
                **sender,
                "transfer": self.transfer.to_json(),
                "version": HANDOVER_VERSION,
            }
        )

    @classmethod
    def from_bytes(cls, data: bytes, name: str = "receipt") -> ReceiptFile:
        """Read a receipt file strictly (nothing verified yet: ``custody.bundle.handover.check_receipt``)."""

        def build(f: Fields) -> ReceiptFile:
            checkpoint, ledger = f.text("checkpoint", max_len=64 * 1024), f.raw("ledger")
            received, key, transfer = f.raw("received"), f.raw("receiver_key"), f.raw("transfer")
            sender = f.opt_text("sender_checkpoint", max_len=64 * 1024)
            f.finish()
            return cls(
                checkpoint=checkpoint,
                ledger=entry_from_json(ledger, 0),
                received=entry_from_json(received, 1),
                receiver_key=_signed(key, "receipt.receiver_key"),
                transfer=_signed(transfer, "receipt.transfer"),
                sender_checkpoint=sender,
            )

        result: ReceiptFile = _parse(data, name, RECEIPT_FORMAT, build)
        return result
