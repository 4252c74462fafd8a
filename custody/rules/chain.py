"""A bundle's entries walked in ledger order: the event rules every ledger meets, then what only a bundle can miss.

A court asks whether the story is consistent. Each event is held to the rules of ``custody.rules.events``, the very
code that recording and ledger verification run (identities, case, time order, legal authority), against the
entries of the bundle before it: ``ChainChecker`` is the rules' view of the bundle. What only a bundle can get wrong
is checked here: nobody signs before registering a key, each event names the previous event about the same selected
artefact (``Event.prev``, filled by the ledger), and the selection. When an event
is only about selected artefacts, every event its ``prev`` names is about a selected artefact too, so it must be in
the bundle: a bundle that leaves out an event in the middle of a chain is caught. (No bundle can prove that no
*later* event exists; the report says so.)
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from custody.model.changes import AuthorityChange
from custody.model.entries import KeyEntry, SignedEntry
from custody.model.identity import Handler
from custody.model.legal import Authority
from custody.model.records import Event
from custody.rules.authority import check_authority
from custody.rules.breach import Breach, breach
from custody.rules.changes import check_change
from custody.rules.events import LedgerView, event_findings


class ChainChecker(LedgerView):
    """Visit entries in ledger order; ``problems`` lists every rule broken (``Breach``: a finding code and its
    parameters)."""

    def __init__(self, selection: tuple[str, ...], keys: Mapping[str, KeyEntry], case: str | None = None) -> None:
        self.case = case
        self.selection = set(selection)
        self.keys = keys
        self.problems: list[Breach] = []
        self.key_index: dict[str, int] = {}
        self.handlers: dict[str, Handler] = {}
        self.authorities: dict[str, Authority] = {}
        self.validity: dict[str, list[Breach]] = {}
        self.changed: dict[str, list[AuthorityChange]] = {}
        self.events: set[str] = set()
        self.last: dict[str, Event] = {}
        self.known: dict[str, dict[str, str]] = {}
        self.recorded: Event | None = None

    # The rules' view of the entries visited so far

    def registered(self, fingerprint: str) -> Handler | None:
        return self.handlers.get(fingerprint)

    def authority(self, authority_id: str) -> Authority | None:
        return self.authorities.get(authority_id)

    def authority_problems(self, authority: Authority) -> list[Breach]:
        found = self.validity.get(authority.id)
        return [breach("authority.unsigned")] if found is None else found

    def changes(self, authority_id: str) -> list[AuthorityChange]:
        return self.changed.get(authority_id, [])

    def head(self, artefact: str) -> Event | None:
        """The previous event about a selected artefact (the bundle holds them all; of the others, only some)."""
        return self.last.get(artefact)

    def last_event(self) -> Event | None:
        return self.recorded

    def digests(self, artefact: str, algorithms: Collection[str]) -> Mapping[str, str]:
        return self.known.get(artefact, {})

    # The walk

    def visit(self, index: int, entry: SignedEntry) -> None:
        """Check one entry against what came before it."""
        body = entry.body
        if isinstance(body, KeyEntry):
            self.key_index.setdefault(body.handler.key_fingerprint, index)
            self.handlers.setdefault(body.handler.key_fingerprint, body.handler)
        for signature in entry.signatures:
            at = self.key_index.get(signature.key)
            if signature.key in self.keys and (at is None or at > index) and not isinstance(body, KeyEntry):
                self.problems.append(breach("order.key", id=entry.entry_id, signer=signature.key))
        if isinstance(body, Authority) and body.id not in self.authorities:
            self.validity[body.id] = check_authority(body, self.authorities)
            self.authorities[body.id] = body
        if isinstance(body, AuthorityChange):
            self._change(body)
        if isinstance(body, Event):
            self._event(body)

    def _change(self, change: AuthorityChange) -> None:
        """A change applies to the events after it (as in the ledger) unless the rules refuse it."""
        earlier = self.changed.get(change.authority, [])
        problems = check_change(change, self.authorities.get(change.authority), earlier)
        if problems:
            self.problems.append(
                breach("authority.change", *problems, id=change.id, change=change.change, authority=change.authority)
            )
        else:
            self.changed.setdefault(change.authority, []).append(change)

    def _event(self, event: Event) -> None:
        self.problems += event_findings(event, self, links=False)
        self.recorded = event
        keys = {a.key for a in event.artefacts}
        if not keys & self.selection:
            self.problems.append(breach("selection.extra", id=event.id))
        for artefact in event.artefacts:
            self.known.setdefault(artefact.key, {}).update(artefact.digests)
            if artefact.key in self.selection:
                self._link(event, artefact.key)
        if keys <= self.selection:
            for missing in (p for p in event.prev if p not in self.events):
                self.problems.append(breach("chain.missing", id=event.id, missing=missing))
        self.events.add(event.id)

    def _link(self, event: Event, key: str) -> None:
        previous = self.last.get(key)
        self.last[key] = event
        if previous is not None and previous.id not in event.prev:
            self.problems.append(breach("chain.prev", id=event.id, previous=previous.id, artefact=key))

    def selection_problems(self) -> list[Breach]:
        """Selected artefacts that no event in the bundle concerns."""
        return [breach("selection.missing", artefact=key) for key in sorted(self.selection - set(self.last))]
