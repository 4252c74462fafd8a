"""What goes into a ledger and what comes back: the event a handler drafts, the append's receipt, an inclusion proof."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from custody.model.entries import SignedEntry
from custody.model.handover import HandoverLink
from custody.model.identity import Handler
from custody.model.records import Artefact


def new_id(prefix: str) -> str:
    """A fresh random record id such as ``ev-3f9c0a1b2c3d4e5f`` (64 random bits)."""
    return f"{prefix}-{secrets.token_hex(8)}"


def now_or_clock(now: datetime | None) -> datetime:
    """``now`` when given, else the clock (the only place the ledger reads it)."""
    return datetime.now(UTC) if now is None else now


@dataclass(frozen=True, slots=True, kw_only=True)
class EventDraft:
    """What a handler says about an event; the ledger adds id, case, handler, previous-event links and times."""

    action: str
    artefacts: tuple[Artefact, ...]
    occurred_at: datetime | None
    """When it happened; None: the moment the ledger records it, read after the ledger's lock, so that writers kept
    waiting for one another record times in the order they commit (an event stated as happening "now" is never
    refused as earlier than one that committed first)."""
    occurred_tz: str
    authorities: tuple[str, ...] = ()
    location: str | None = None
    purpose: str | None = None
    seal: str | None = None
    tool: str | None = None
    categories: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    late_reason: str | None = None
    """Why an event is written up after a later one about the same artefact (without it, it is refused)."""
    recipient: Handler | None = None
    """The receiving handler of an ``offered`` event (a handover to another ledger)."""
    handover: HandoverLink | None = None
    """Of a ``received`` event: the sending ledger, its checkpoint and the offered event."""
    derived_from: tuple[str, ...] = ()
    """Of a ``derived`` event: the keys of the artefacts its items were taken from (already in the ledger)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Appended:
    """What one append stored: the entry, its position, the new tree size and the checkpoint signed for it."""

    entry: SignedEntry
    index: int
    size: int
    checkpoint: str


@dataclass(frozen=True, slots=True, kw_only=True)
class InclusionProof:
    """Evidence that one entry is in the ledger: its leaf, its index, the audit path and the signed checkpoint."""

    entry_id: str
    index: int
    size: int
    leaf: bytes
    proof: tuple[bytes, ...]
    checkpoint: str
