"""The rules an entry must meet against what the ledger already holds, shared by appending and verifying.

Appending refuses an entry with any finding; verification replays the ledger and reports every finding. Using the
same function for both means a ledger written by scelle verifies, and one written or edited by anything else is held
to the same rules.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Protocol

from custody.model.identity import Handler
from custody.model.legal import Authority
from custody.model.records import Event
from custody.rules.instruments import Use, check_authority, find_cover

CLOCK_SKEW = timedelta(minutes=5)
"""How far an event may claim to have happened after it was recorded (clocks of two machines differ a little)."""


class LedgerView(Protocol):
    """What the rules need to know about the entries before the one being checked."""

    case: str

    def registered(self, fingerprint: str) -> Handler | None:
        """The identity registered with this key, or None."""

    def authority(self, authority_id: str) -> Authority | None:
        """An authority entry by id, or None."""

    def authority_problems(self, authority: Authority) -> list[str]:
        """``check_authority`` findings for an authority of this ledger (may be cached)."""

    def head(self, artefact: str) -> str | None:
        """Id of the latest event about ``artefact``, or None."""


def expected_prev(event: Event, view: LedgerView) -> tuple[str, ...]:
    """The ``prev`` links an event must carry: the latest event of each of its artefacts, in artefact order."""
    found: list[str] = []
    for artefact in event.artefacts:
        head = view.head(artefact.key)
        if head is not None and head not in found:
            found.append(head)
    return tuple(found)


def _identity_findings(who: str, handler: Handler, view: LedgerView) -> list[str]:
    registered = view.registered(handler.key_fingerprint)
    if registered is None:
        return [f"{who} key {handler.key_fingerprint} is not registered in the ledger"]
    if registered != handler:
        return [f"{who} {handler.name!r} does not match the identity registered with key {handler.key_fingerprint} "
                f"({registered.name!r}, {registered.role}, {registered.organisation}, {registered.country})"]
    return []


def event_findings(event: Event, view: LedgerView) -> list[str]:
    """Everything wrong with ``event`` given the earlier entries (empty when it may be appended)."""
    found = []
    if event.case != view.case:
        found.append(f"belongs to case {event.case}, the ledger to case {view.case}")
    found += _identity_findings("handler", event.handler, view)
    if event.counter_party is not None:
        found += _identity_findings("receiving handler", event.counter_party, view)
    prev = expected_prev(event, view)
    if event.prev != prev:
        found.append(f"previous-event links are {list(event.prev)}, expected {list(prev)} (an event about this "
                     "artefact was removed, reordered or is missing)")
    if event.occurred_at > event.recorded_at + CLOCK_SKEW:
        found.append("occurred after it was recorded")
    authorities = []
    for authority_id in event.authorities:
        authority = view.authority(authority_id)
        if authority is None:
            found.append(f"relies on unknown authority {authority_id}")
        else:
            authorities.append(authority)
    if event.needs_authority:
        counter = event.counter_party
        abroad = counter.country if counter is not None and counter.country != event.handler.country else None
        use = Use(action=event.action, at=event.occurred_at, categories=event.categories, abroad_to=abroad)
        reasons = find_cover(use, authorities, view.authority_problems)
        if reasons:
            found.append(f"{event.action} is not covered by a valid authority: {' | '.join(reasons)}")
    return found


def authority_findings(authority: Authority, earlier: dict[str, Authority]) -> list[str]:
    """Findings for an authority entry: its instrument rules, checked against the authorities before it."""
    return check_authority(authority, earlier)
