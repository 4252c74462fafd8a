"""Order and chain checks of a bundle's entries, walked in ledger order.

A court asks whether the story is consistent: nobody signs before registering a key, nothing is recorded before it
happened, the ledger records in time order, each artefact's events follow one another in time, and each event
names the previous event about the same artefact (``Event.prev``, filled by the ledger). When an event is only about
selected artefacts, every event its ``prev`` names is about a selected artefact too, so it must be in the bundle: a
bundle that leaves out an event in the middle of a chain is caught. (No bundle can prove that no *later* event
exists; the report says so.)
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from custody.model.entries import KeyEntry, SignedEntry
from custody.model.records import Event
from custody.model.times import format_utc

Problem = tuple[str, dict[str, object]]


class ChainChecker:
    """Visit entries in ledger order; ``problems`` lists (finding code, parameters) for everything out of order."""

    def __init__(self, selection: tuple[str, ...], keys: Mapping[str, KeyEntry]) -> None:
        self.selection = set(selection)
        self.keys = keys
        self.problems: list[Problem] = []
        self.key_index: dict[str, int] = {}
        self.events: set[str] = set()
        self.last: dict[str, Event] = {}
        self.digests: dict[str, dict[str, str]] = {}
        self.recorded: Event | None = None

    def visit(self, index: int, entry: SignedEntry) -> None:
        """Check one entry against what came before it."""
        body = entry.body
        if isinstance(body, KeyEntry):
            self.key_index.setdefault(body.handler.key_fingerprint, index)
        for signature in entry.signatures:
            at = self.key_index.get(signature.key)
            if signature.key in self.keys and (at is None or at > index) and not isinstance(body, KeyEntry):
                self.problems.append(("order.key", {"id": entry.entry_id, "signer": signature.key}))
        if isinstance(body, Event):
            self._event(body)

    def _event(self, event: Event) -> None:
        if event.occurred_at > event.recorded_at:
            self.problems.append(("order.recorded", {"id": event.id, "occurred": _t(event.occurred_at),
                                                     "recorded": _t(event.recorded_at)}))
        if self.recorded is not None and event.recorded_at < self.recorded.recorded_at:
            self.problems.append(("order.ledger", {"id": event.id, "previous": self.recorded.id}))
        self.recorded = event
        keys = {a.key for a in event.artefacts}
        if not keys & self.selection:
            self.problems.append(("selection.extra", {"id": event.id}))
        for artefact in event.artefacts:
            self._digests(artefact.key, dict(artefact.digests))
            if artefact.key in self.selection:
                self._link(event, artefact.key)
        if keys <= self.selection:
            for missing in (p for p in event.prev if p not in self.events):
                self.problems.append(("chain.missing", {"id": event.id, "missing": missing}))
        self.events.add(event.id)

    def _link(self, event: Event, key: str) -> None:
        previous = self.last.get(key)
        self.last[key] = event
        if previous is None:
            return
        if event.occurred_at < previous.occurred_at:
            self.problems.append(("order.artefact", {"id": event.id, "previous": previous.id, "artefact": key}))
        if previous.id not in event.prev:
            self.problems.append(("chain.prev", {"id": event.id, "previous": previous.id, "artefact": key}))

    def _digests(self, key: str, digests: dict[str, str]) -> None:
        known = self.digests.setdefault(key, digests)
        if any(known.get(alg, value) != value for alg, value in digests.items()):
            self.problems.append(("digests.bad", {"artefact": key}))
        known.update(digests)

    def selection_problems(self) -> list[Problem]:
        """Selected artefacts that no event in the bundle concerns."""
        return [("selection.missing", {"artefact": key}) for key in sorted(self.selection - set(self.last))]


def _t(moment: datetime) -> str:
    return format_utc(moment)
