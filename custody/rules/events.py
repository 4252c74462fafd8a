"""The rules an event must meet against the entries before it: one set, for recording, ledger and bundle verification.

The ledger refuses to record an event that breaks any of them (``EventRefusedError``, which states each reason from the
message catalogue), ledger verification replays the ledger and reports every breach, and bundle verification replays
the bundle's entries through the same functions. Holding all three to the same code means that what scelle records
verifies, and that a case cannot get stuck: what an export would refuse is refused when it is recorded, with the
reason, while the examiner can still correct it.

Each breach is a message code of ``custody.i18n.FINDINGS`` with its parameters. The previous-event links are the one
rule a bundle cannot replay (it holds a selection, not the whole ledger): ``custody.rules.chain`` checks the links
within a bundle instead.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import timedelta
from typing import Protocol

from custody import i18n
from custody.errors import AuthorityError, CustodyError
from custody.i18n.words import SEMICOLON
from custody.model.changes import AuthorityChange
from custody.model.identity import Handler
from custody.model.legal import Authority
from custody.model.records import Event
from custody.model.times import format_utc
from custody.rules.authority import Use, find_cover
from custody.rules.breach import Breach, breach
from evidence.common.stated import Stated

CLOCK_SKEW = timedelta(minutes=5)
"""How far an event may claim to have happened after it was recorded (clocks of two machines differ a little)."""


class LedgerView(Protocol):
    """What the rules need to know about the entries before the one being checked."""

    case: str | None
    """The ledger's case (None when unknown: a bundle without its header)."""

    def registered(self, fingerprint: str) -> Handler | None:
        """The identity registered with this key, or None."""

    def authority(self, authority_id: str) -> Authority | None:
        """An authority entry by id, or None."""

    def authority_problems(self, authority: Authority) -> list[Breach]:
        """``check_authority`` findings for an authority of this ledger (may be cached)."""

    def changes(self, authority_id: str) -> Sequence[AuthorityChange]:
        """The changes recorded to an authority before this entry, in ledger order."""

    def head(self, artefact: str) -> Event | None:
        """The latest event about ``artefact``, or None (also when the view cannot know it)."""

    def last_event(self) -> Event | None:
        """The latest event of all, or None."""

    def digests(self, artefact: str, algorithms: Collection[str]) -> Mapping[str, str]:
        """The digests earlier events give for ``artefact``: at least those of ``algorithms`` that any gives."""


def expected_prev(event: Event, view: LedgerView) -> tuple[str, ...]:
    """The ``prev`` links an event must carry: the latest event of each of its artefacts, in artefact order."""
    found: list[str] = []
    for artefact in event.artefacts:
        head = view.head(artefact.key)
        if head is not None and head.id not in found:
            found.append(head.id)
    return tuple(found)


def _identity(event: Event, handler: Handler, view: LedgerView) -> list[Breach]:
    registered = view.registered(handler.key_fingerprint)
    if registered is None:
        return [breach("identity.unregistered", id=event.id, name=handler.name, key=handler.key_fingerprint)]
    if registered != handler:
        detail = f"{registered.name}, {registered.role}, {registered.organisation}, {registered.country}"
        return [breach("identity.bad", id=event.id, name=handler.name, registered=detail)]
    return []


def _times(event: Event, view: LedgerView) -> list[Breach]:
    found = []
    if event.occurred_at > event.recorded_at + CLOCK_SKEW:
        found.append(
            breach(
                "order.recorded",
                id=event.id,
                occurred=format_utc(event.occurred_at),
                recorded=format_utc(event.recorded_at),
                skew=CLOCK_SKEW // timedelta(minutes=1),
            )
        )
    last = view.last_event()
    if last is not None and event.recorded_at < last.recorded_at:
        found.append(
            breach(
                "order.ledger",
                id=event.id,
                recorded=format_utc(event.recorded_at),
                previous=last.id,
                before=format_utc(last.recorded_at),
            )
        )
    if event.late_reason is None:
        for artefact in event.artefacts:
            head = view.head(artefact.key)
            if head is not None and event.occurred_at < head.occurred_at:
                found.append(
                    breach(
                        "order.artefact",
                        id=event.id,
                        action=event.action,
                        occurred=format_utc(event.occurred_at),
                        previous=head.id,
                        before=format_utc(head.occurred_at),
                        artefact=artefact.key,
                    )
                )
    return found


def _handovers(event: Event, view: LedgerView) -> list[Breach]:
    """While an item's latest event is an offer, only the transfer that completes it (or a new offer) may follow:
    the offer and the receiving state's receipt name that transfer, so another event would strand the handover. A
    transfer recorded after it was signed (``signed_at``) was signed after the latest event on each of its items."""
    found = []
    for artefact in event.artefacts:
        head = view.head(artefact.key)
        if head is None:
            continue
        if event.signed_at is not None and event.signed_at < head.recorded_at:
            signed, before = format_utc(event.signed_at), format_utc(head.recorded_at)
            found.append(breach("order.signed", id=event.id, signed=signed, previous=head.id, before=before))
        if head.action != "offered" or event.action == "offered":
            continue
        completes = head.id in event.prev and (event.action, event.handler, event.counter_party) == (
            "transferred",
            head.handler,
            head.recipient,
        )
        if not completes:
            name = head.recipient.name if head.recipient is not None else "?"
            found.append(breach("offer.pending", id=event.id, artefact=artefact.key, offer=head.id, recipient=name))
    return found


def _digests(event: Event, view: LedgerView) -> list[Breach]:
    found = []
    for artefact in event.artefacts:
        known = view.digests(artefact.key, artefact.digests.keys())
        if known == artefact.digests:  # the usual case, told at once: every digest agrees
            continue
        if any(known.get(algorithm, value) != value for algorithm, value in artefact.digests.items()):
            found.append(breach("digests.bad", id=event.id, artefact=artefact.key))
    return found


def _sources(event: Event, view: LedgerView) -> list[Breach]:
    """A derived item names the artefacts it came from (``Event.derived_from``); each must already be in custody,
    that is, some earlier event concerns it, so that its provenance can be followed back (and an export of the
    derived item carries the source's history: ``custody.bundle.export``)."""
    return [
        breach("chain.source", id=event.id, source=source) for source in event.derived_from if view.head(source) is None
    ]


def _authorities(event: Event, view: LedgerView) -> list[Breach]:
    found = []
    authorities = []
    for authority_id in event.authorities:
        authority = view.authority(authority_id)
        if authority is None:
            found.append(breach("authority.missing", id=event.id, authority=authority_id))
        else:
            authorities.append(authority)
    if event.needs_authority:
        counter = event.counter_party or event.recipient  # an offer abroad needs the same cover as the handover
        abroad = counter.country if counter is not None and counter.country != event.handler.country else None
        use = Use(action=event.action, at=event.occurred_at, categories=event.categories, abroad_to=abroad)
        reasons = find_cover(use, authorities, view.authority_problems, view.changes)
        if reasons:
            found.append(breach("authority.cover", *reasons, id=event.id, action=event.action))
    return found


def event_findings(event: Event, view: LedgerView, *, links: bool = True) -> list[Breach]:
    """Every rule ``event`` breaks given the entries before it (empty when it may be recorded).

    ``links=False`` leaves out the previous-event links, for a view that holds only a selection of the ledger."""
    found = []
    if view.case is not None and event.case != view.case:
        found.append(breach("case.bad", id=event.id, expected=view.case, got=event.case))
    found += _identity(event, event.handler, view)
    if event.counter_party is not None:
        found += _identity(event, event.counter_party, view)
    if links:
        prev = expected_prev(event, view)
        if event.prev != prev:
            found.append(breach("chain.links", id=event.id, got=list(event.prev), expected=list(prev)))
    found += _times(event, view)
    found += _handovers(event, view)
    found += _digests(event, view)
    found += _sources(event, view)
    found += _authorities(event, view)
    return found


class EventRefusedError(CustodyError):
    """The ledger refused to record an event: ``breaches`` are the rules it breaks, stated in English; ``explain``
    states them in another language."""

    def __init__(
        self,
        event: Event,
        breaches: Sequence[Breach],
        *,
        lang: str = "en",
        how: str = "late_reason",
        zone: str | None = None,
    ) -> None:
        self.event = event
        self.breaches = tuple(breaches)
        self.how = how
        super().__init__(self.explain(lang, zone))

    def explain(self, lang: str, zone: str | None = None) -> str:
        """One line: the action, every rule it breaks (times in ``zone`` when given, else as stored), and how to
        justify an event written up late if that is why."""
        reasons = [b.text(lang, zone) for b in self.breaches]
        if any(b.code == "order.artefact" for b in self.breaches):
            reasons.append(i18n.pick(i18n.REFUSAL["late"], lang).format(how=self.how))
        action = i18n.vocabulary(i18n.ACTIONS, self.event.action, lang)
        text = i18n.pick(i18n.REFUSAL["refused"], lang).format(
            action=action, reasons=i18n.pick(SEMICOLON, lang).join(reasons)
        )
        return Stated(text)

    def localised(self, lang: str, *, how: str | None = None, zone: str | None = None) -> EventRefusedError:
        """The same refusal stated in ``lang`` (``how``: the option that records a late reason), its times in
        ``zone`` with their offset."""
        return type(self)(self.event, self.breaches, lang=lang, how=how or self.how, zone=zone)


class AuthorityRefusedError(EventRefusedError, AuthorityError):
    """An event refused only because no valid legal authority covers it."""


def refusal(event: Event, breaches: Sequence[Breach]) -> EventRefusedError:
    """The error for an event that breaks ``breaches`` (``AuthorityRefusedError`` when they are all about authority)."""
    only_authority = all(b.code.startswith("authority.") for b in breaches)
    return (AuthorityRefusedError if only_authority else EventRefusedError)(event, breaches)
