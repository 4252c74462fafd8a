"""The rules' view of an open ledger (``custody.rules.events.LedgerView``): what the entries before a new one say,
read from the store inside the caller's transaction, plus the keys about to be registered with the new entry."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Protocol

from custody.ledger.backend import LedgerStore
from custody.model.changes import AuthorityChange
from custody.model.entries import KeyEntry, LedgerHeader, parse_leaf
from custody.model.identity import Handler
from custody.model.legal import Authority
from custody.model.records import Event
from custody.rules.authority import check_authority
from custody.rules.breach import Breach
from custody.rules.events import LedgerView


class Source(Protocol):
    """What the view reads of a ``custody.ledger.ledger.Ledger``."""

    store: LedgerStore
    header: LedgerHeader

    def registered_key(self, fingerprint: str) -> KeyEntry | None: ...
    def find_authority(self, authority_id: str) -> Authority | None: ...
    def authorities_by_id(self) -> dict[str, Authority]: ...
    def authority_changes(self, authority_id: str) -> list[AuthorityChange]: ...
    def event(self, event_id: str) -> Event: ...


class LedgerState(LedgerView):
    """The rules' view of the ledger, read from the store (inside the caller's transaction), plus pending keys."""

    def __init__(self, ledger: Source, pending: Sequence[Handler] = ()) -> None:
        self.case = ledger.header.case
        self._ledger = ledger
        self._pending = {h.key_fingerprint: h for h in pending}
        self._read: dict[str, Event] = {}  # events read by id (the rules ask for a head more than once)

    def _event(self, event_id: str) -> Event:
        found = self._read.get(event_id)
        if found is None:
            found = self._read[event_id] = self._ledger.event(event_id)
        return found

    def registered(self, fingerprint: str) -> Handler | None:
        known = self._ledger.registered_key(fingerprint)
        return known.handler if known is not None else self._pending.get(fingerprint)

    def authority(self, authority_id: str) -> Authority | None:
        return self._ledger.find_authority(authority_id)

    def authority_problems(self, authority: Authority) -> list[Breach]:
        return check_authority(authority, self._ledger.authorities_by_id())

    def changes(self, authority_id: str) -> list[AuthorityChange]:
        return self._ledger.authority_changes(authority_id)

    def head(self, artefact: str) -> Event | None:
        head = self._ledger.store.head(artefact)
        return None if head is None else self._event(head)

    def last_event(self) -> Event | None:
        leaf = self._ledger.store.last_leaf("event")
        body = None if leaf is None else parse_leaf(leaf)[0].body
        return body if isinstance(body, Event) else None

    def digests(self, artefact: str, algorithms: Collection[str]) -> Mapping[str, str]:
        """Walk back the artefact's events (each names the one before it in ``prev``) until every one of
        ``algorithms`` is found; the ledger refuses conflicting digests, so the latest values stand for all."""
        found: dict[str, str] = {}
        event = self.head(artefact)
        while event is not None:
            for item in event.artefacts:
                if item.key == artefact:
                    for algorithm, value in item.digests.items():
                        found.setdefault(algorithm, value)
            if all(algorithm in found for algorithm in algorithms):
                break
            earlier = (self._event(p) for p in event.prev)
            event = next((e for e in earlier if any(a.key == artefact for a in e.artefacts)), None)
        return found
