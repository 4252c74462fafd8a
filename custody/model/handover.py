"""The signed link between two ledgers that a cross-border handover leaves in the receiving ledger.

Each state keeps its own ledger; only files travel. The sending ledger records an ``offered`` event naming the
``recipient`` (the receiving handler, who is not registered there: they never sign in that ledger before the
handover completes). The receiving ledger records a ``received`` event whose ``handover`` names the sending ledger's
origin, the checkpoint the offer came with (size and root) and the offered event's id: a verifier holding both
ledgers' keys can then tie the two chains together, and the receiving side keeps signed evidence of what the sending
ledger showed. Both members are left out of the JSON when absent, so every other event's leaf is unchanged.

The ``transferred`` event that completes a handover is signed when the offer is made (by the releasing handler) and
when it is received (by the receiving handler), but the sending ledger records it only when the receipt comes back,
days later, after other events. It is then recorded with its own ``recorded_at`` (when the ledger appended it) and
``signed_at``: the record time both handlers signed. Their signatures cover the event as they signed it, with
``recorded_at`` equal to ``signed_at`` and no ``signed_at`` member (``custody.model.entries.as_signed``), so the
ledger's record times still never go backwards and the handlers' signatures stay what they signed. Absent, the member
is left out of the JSON (every earlier leaf is unchanged).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from custody.errors import RecordError
from custody.model.fields import Fields, Record, check_ident, check_text
from custody.model.identity import Handler

ROOT_SIZE = 32


@dataclass(frozen=True, slots=True, kw_only=True)
class HandoverLink(Record):
    """Where a received artefact comes from: the sending ledger's ``origin``, its checkpoint (``size``, ``root``) as
    the offer carried it, and the id of the ``offered`` event in that ledger (``offer``)."""

    origin: str
    size: int
    root: bytes
    offer: str

    def __post_init__(self) -> None:
        check_text(self.origin, "handover.origin", max_len=256)
        check_ident(self.offer, "handover.offer")
        if isinstance(self.size, bool) or not isinstance(self.size, int) or not 0 < self.size < 2**53:
            raise RecordError(f"handover.size: expected a tree size, got {self.size!r}")
        if not isinstance(self.root, bytes) or len(self.root) != ROOT_SIZE:
            raise RecordError(f"handover.root: a tree root is {ROOT_SIZE} bytes")

    def to_json(self) -> dict[str, Any]:
        return {
            "offer": self.offer,
            "origin": self.origin,
            "root": base64.b64encode(self.root).decode("ascii"),
            "size": self.size,
        }

    @classmethod
    def from_json(cls, obj: object) -> HandoverLink:
        f = Fields(obj, "handover")
        offer, origin, root, size = f.text("offer"), f.text("origin"), f.text("root"), f.opt_int("size")
        f.finish()
        try:
            raw = base64.b64decode(root, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise RecordError("handover.root: not valid base64") from exc
        if base64.b64encode(raw).decode("ascii") != root:
            raise RecordError("handover.root: not in canonical base64")
        if size is None:
            raise RecordError("handover.size: required")
        return cls(origin=origin, size=size, root=raw, offer=offer)


def check_handover_members(action: str, recipient: Handler | None, handover: HandoverLink | None) -> None:
    """An ``offered`` event names its recipient, a ``received`` event its handover link; no other event does."""
    if (action == "offered") != (recipient is not None):
        raise RecordError("event: a recipient is required for, and only for, an offered event")
    if (action == "received") != (handover is not None):
        raise RecordError("event: a handover link is required for, and only for, a received event")
    if recipient is not None and not isinstance(recipient, Handler):
        raise RecordError("event.recipient: expected a handler")
    if handover is not None and not isinstance(handover, HandoverLink):
        raise RecordError("event.handover: expected a handover link")


def check_signed_at(action: str, signed_at: datetime, recorded_at: datetime) -> None:
    """Only a ``transferred`` event is signed before it is recorded, and then strictly before (one leaf per signed
    event: a transfer recorded when it was signed carries no ``signed_at``)."""
    if action != "transferred":
        raise RecordError("event.signed_at: only a transferred event is signed before it is recorded")
    if not isinstance(signed_at, datetime) or signed_at.utcoffset() is None:
        raise RecordError("event.signed_at: expected an aware time")
    if not signed_at < recorded_at:
        raise RecordError("event.signed_at: a transfer is signed before it is recorded, or carries no signed_at")
