"""Provenance of derived data: a ``derived`` event names the artefacts its items were taken from
(``Event.derived_from``). The record checks only the form here; that each source is in custody before the derived
event is a rule of the ledger (``custody.rules.events``), applied by recording and every verification."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from custody.errors import RecordError
from custody.model.vocabulary import parse_digest_ref


def check_derived_from(action: str, sources: Sequence[str], artefacts: Collection[str]) -> None:
    """Refuse sources on another action than ``derived``, a source that is not ``sha256:<hex>``, one listed twice,
    or one that is also among the event's own ``artefacts`` (keys)."""
    if action != "derived":
        raise RecordError("event.derived_from: only a derived event names the artefacts it came from")
    for source in sources:
        if not isinstance(source, str) or parse_digest_ref(source, "event.derived_from")[0] != "sha256":
            raise RecordError(f"event.derived_from: expected sha256:<hex>, got {source!r}")
    if len(set(sources)) != len(sources):
        raise RecordError("event.derived_from: an artefact is listed twice")
    if set(sources) & set(artefacts):
        raise RecordError("event.derived_from: an artefact cannot be derived from itself")
