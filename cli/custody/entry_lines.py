"""What `scelle custody show` prints for each ledger entry: one line, its times in the zone asked for."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from custody.model.entries import SignedEntry


def entry_line(entry: SignedEntry, zone: str) -> str:
    """One line about a ledger entry, its times in ``zone`` with their offset (the original zone in brackets)."""
    from custody.model.changes import AuthorityChange
    from custody.model.entries import KeyEntry, LedgerHeader
    from custody.model.legal import Authority
    from evidence.common.zones import shown

    def at(moment: datetime) -> str:
        return shown(moment, zone)

    body = entry.body
    if isinstance(body, LedgerHeader):
        return f"ledger {body.origin} for case {body.case}, created {at(body.created_at)}"
    if isinstance(body, KeyEntry):
        h = body.handler
        return f"key of {h.name} ({h.role}, {h.organisation}, {h.country})"
    if isinstance(body, Authority):
        return (
            f"{body.instrument} {body.reference} by {body.issuing_authority} ({body.issuing_state}), valid "
            f"{at(body.valid_from)} to {at(body.valid_until)}" + (f" [{body.tz}]" if body.tz else "")
        )
    if isinstance(body, AuthorityChange):
        until = f" until {at(body.valid_until)}" if body.valid_until else ""
        return f"{body.change} {body.authority}{until} from {at(body.at)} by {body.decided_by}"
    who = f"{body.handler.name} ({body.handler.organisation}, {body.handler.country})"
    if body.counter_party is not None:
        who += f" -> {body.counter_party.name} ({body.counter_party.organisation}, {body.counter_party.country})"
    what = ", ".join(a.key for a in body.artefacts)
    where = f" at {body.location}" if body.location else ""
    seal = f" seal {body.seal}" if body.seal else ""
    under = f" under {', '.join(body.authorities)}" if body.authorities else ""
    source = f" from {', '.join(body.derived_from)}" if body.derived_from else ""
    return f"{at(body.occurred_at)} [{body.occurred_tz}] {body.action} {what}{source}{seal} by {who}{where}{under}"
