"""Linked history: a bundle that carries the bundles of the ledgers its artefacts came from across a border.

After a handover (``custody.bundle.handover``) the receiving ledger records a ``received`` event whose signed
``handover`` names the sending ledger's origin, the checkpoint its offer came with (size and root) and the offered
event. Its export links the sending ledger's bundle, so that one file shows the whole chain from the seizure in one
state to the analysis in another. Each linked bundle is verified with its own ledger's trusted key (one key per
ledger: the verifier gives them all, ``--trust`` repeated), and tied to the received event here: same checkpoint,
an offered event with that id, addressed to the handler who received it, about the same artefacts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from custody.bundle.format import BundleSource
from custody.errors import CustodyError, RecordError
from custody.model.entries import LedgerHeader, parse_leaf
from custody.model.records import Event
from custody.model.times import format_utc
from custody.model.trust import Trust, TrustedKey, trusted_key
from custody.tlog.notes import Checkpoint

LinkFinding = tuple[str, bool, dict[str, object]]


def trusted_keys(trusted: Trust | Sequence[Trust]) -> list[TrustedKey]:
    """One trusted key or several (one per ledger of a linked history); never none (fail closed)."""
    items = trusted if isinstance(trusted, list | tuple) else [cast(Trust, trusted)]
    keys = [trusted_key(t) for t in items]
    if not keys:
        raise CustodyError("no trusted ledger key given: a bundle is verified against the keys you trust")
    return keys


def _header(bundle: BundleSource) -> LedgerHeader | None:
    try:
        body = parse_leaf(bundle.first.leaf)[0].body
    except RecordError:
        return None
    return body if isinstance(body, LedgerHeader) else None


def header_key(bundle: BundleSource) -> bytes | None:
    """The public key the bundle's ledger header names (not a trust root: see ``choose_key``)."""
    header = _header(bundle)
    return None if header is None else header.public_key


def choose_key(bundle: BundleSource, keys: Sequence[TrustedKey], *, top: bool) -> tuple[TrustedKey, str | None]:
    """The trusted key of the ledger ``bundle`` comes from, and the ledger's origin when none of ``keys`` is its key.

    A bundle verified with one key keeps that key whatever the bundle says (its findings then say the key differs);
    a linked bundle, or a bundle verified with several keys, takes the key its header names if it is trusted."""
    header = _header(bundle)
    for key in keys:
        if header is not None and key.public_key == header.public_key:
            return key, None
    if top and len(keys) == 1:
        return keys[0], None
    return keys[0], header.origin if header is not None else "(a ledger without a header entry)"


@dataclass(frozen=True, slots=True, kw_only=True)
class LinkedView:
    """What the link check needs of a linked bundle's verification."""

    origin: str
    checkpoint: Checkpoint | None
    events: Sequence[Event]
    ok: bool
    reasons: str


def _named(point: Checkpoint) -> tuple[str, int, bytes]:
    return point.origin, point.size, point.root


def _problem(received: Event, offered: Event | None) -> str | None:
    if offered is None or offered.action != "offered":
        return "the offered event is not in the linked history"
    if offered.recipient != received.handler:
        name = offered.recipient.name if offered.recipient else "nobody"
        return f"it was offered to {name}, not to {received.handler.name}"
    offered_digests = {a.key: dict(a.digests) for a in offered.artefacts}
    if any(offered_digests.get(a.key) != dict(a.digests) for a in received.artefacts):
        return "it names artefacts or digests other than those offered"
    if received.occurred_at < offered.occurred_at:
        return "it was received before it was offered"
    return None


def link_findings(events: Sequence[Event], linked: Sequence[LinkedView]) -> list[LinkFinding]:
    """The findings that tie the ``received`` events of a bundle to its linked bundles, then one per linked bundle."""
    found: list[LinkFinding] = []
    used: set[int] = set()
    for received in events:
        link = received.handover
        if link is None:
            continue
        point = (link.origin, link.size, link.root)
        match = [i for i, view in enumerate(linked) if view.checkpoint and _named(view.checkpoint) == point]
        if not match:
            found.append(("handover.missing", False, {"id": received.id, "origin": link.origin, "size": link.size}))
            continue
        used.add(match[0])
        offered = next((e for e in linked[match[0]].events if e.id == link.offer), None)
        problem = _problem(received, offered)
        if problem is not None:
            found.append(("handover.bad", False, {"id": received.id, "origin": link.origin, "detail": problem}))
        else:
            when = format_utc(received.occurred_at)
            params: dict[str, object] = {"id": received.id, "offer": link.offer, "origin": link.origin, "at": when}
            found.append(("handover.ok", True, params))
    for i, view in enumerate(linked):
        if view.ok:
            found.append(("link.ok", True, {"origin": view.origin, "events": len(view.events)}))
        else:
            found.append(("link.bad", False, {"origin": view.origin, "detail": view.reasons}))
        if i not in used:
            found.append(("link.unused", False, {"origin": view.origin}))
    return found
