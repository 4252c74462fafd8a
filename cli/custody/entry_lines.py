"""What `scelle custody show` prints for each ledger entry: one line in the language asked for, its times in the
zone asked for. Free text (names, places) and identifiers are shown as recorded; the action, instrument, change and
role in the words of the catalogue (``custody.i18n``)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from custody.model.entries import SignedEntry


def entry_line(entry: SignedEntry, zone: str, lang: str = "en") -> str:
    """One line about a ledger entry, its times in ``zone`` with their offset (the original zone in brackets)."""
    from custody.i18n import ACTIONS, CHANGES, INSTRUMENTS, ROLES, message, vocabulary
    from custody.model.changes import AuthorityChange
    from custody.model.entries import KeyEntry, LedgerHeader
    from custody.model.legal import Authority
    from evidence.common.zones import shown

    def at(moment: datetime) -> str:
        return shown(moment, zone)

    body = entry.body
    if isinstance(body, LedgerHeader):
        return message("show.ledger", lang, origin=body.origin, case=body.case, at=at(body.created_at))
    if isinstance(body, KeyEntry):
        h = body.handler
        role = vocabulary(ROLES, h.role, lang) if lang != "en" else h.role
        who = message("key.identity", lang, name=h.name, role=role, organisation=h.organisation, country=h.country)
        return message("show.key", lang, who=who)
    if isinstance(body, Authority):
        line = message(
            "show.authority",
            lang,
            instrument=vocabulary(INSTRUMENTS, body.instrument, lang) if lang != "en" else body.instrument,
            reference=body.reference,
            authority=body.issuing_authority,
            state=body.issuing_state,
            start=at(body.valid_from),
            end=at(body.valid_until),
        )
        return line + (f" [{body.tz}]" if body.tz else "")
    if isinstance(body, AuthorityChange):
        until = message("show.until", lang, at=at(body.valid_until)) if body.valid_until else ""
        change = vocabulary(CHANGES, body.change, lang) if lang != "en" else body.change
        by = body.decided_by
        return message("show.change", lang, change=change, authority=body.authority, until=until, at=at(body.at), by=by)
    who = f"{body.handler.name} ({body.handler.organisation}, {body.handler.country})"
    if body.counter_party is not None:
        who += f" -> {body.counter_party.name} ({body.counter_party.organisation}, {body.counter_party.country})"
    details = ""
    if body.derived_from:
        details += message("show.from", lang, ids=", ".join(body.derived_from))
    if body.seal:
        details += message("show.seal", lang, seal=body.seal)
    tail = message("show.at", lang, location=body.location) if body.location else ""
    if body.authorities:
        tail += message("show.under", lang, ids=", ".join(body.authorities))
    action = vocabulary(ACTIONS, body.action, lang) if lang != "en" else body.action
    what = ", ".join(a.key for a in body.artefacts)
    line = message("show.event", lang, at=at(body.occurred_at), tz=body.occurred_tz, action=action, what=what,
                   details=details, who=who)  # fmt: skip
    return line + tail
