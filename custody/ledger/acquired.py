"""Acquisition meets custody: the ``acquired`` event is appended in the same run as the acquisition.

An examiner who images a disk with ``scelle acquire ... --ledger LEDGER --key KEY --authority ID`` cannot forget the
custody record: everything that could make the append fail (ledger, keys, identity, authority and its window) is
checked *before* the source is read (``AcquisitionCustody.check``), and the event carrying the media digests of the
acquisition record, and the digest of the record itself, is appended as soon as the record is complete.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from custody.errors import AuthorityError, CustodyError
from custody.ledger.drafts import Appended, EventDraft, now_or_clock
from custody.ledger.ledger import Ledger
from custody.model.artefacts import artefact_from_record
from custody.model.keys import KeyPair
from custody.model.records import Artefact
from custody.model.times import parse_utc
from custody.rules.authority import Use, check_authority, find_cover
from evidence.acquisition.record import load_record


def append_acquired_event(
    ledger: Ledger,
    key: KeyPair,
    authority_id: str | Sequence[str],
    record_digests: Mapping[str, str],
    *,
    occurred_at: datetime,
    occurred_tz: str = "Z",
    size: int | None = None,
    name: str | None = None,
    acquisition_record: str | None = None,
    location: str | None = None,
    seal: str | None = None,
    tool: str | None = None,
    categories: tuple[str, ...] = ("content",),
    now: datetime | None = None,
) -> Appended:
    """Append the ``acquired`` event of an image with media digests ``record_digests`` (``algorithm -> hex``)."""
    ids = (authority_id,) if isinstance(authority_id, str) else tuple(authority_id)
    item = Artefact(digests=dict(record_digests), name=name, size=size, acquisition_record=acquisition_record)
    draft = EventDraft(
        action="acquired",
        artefacts=(item,),
        occurred_at=occurred_at,
        occurred_tz=occurred_tz,
        authorities=ids,
        location=location,
        seal=seal,
        tool=tool,
        categories=categories,
    )
    return ledger.record(key, draft, now=now)


@dataclass(slots=True)
class AcquisitionCustody:
    """A ledger opened with its key, the examiner's key and the authorities for one acquisition."""

    ledger: Ledger
    key: KeyPair
    authorities: tuple[str, ...]
    occurred_tz: str = "Z"
    location: str | None = None
    seal: str | None = None

    @classmethod
    def prepare(
        cls,
        ledger: Ledger,
        key: KeyPair,
        authority_refs: Sequence[str],
        *,
        at: datetime | None = None,
        occurred_tz: str = "Z",
        location: str | None = None,
        seal: str | None = None,
    ) -> AcquisitionCustody:
        """Resolve the authorities and check, before anything is read, that the acquired event will be accepted."""
        if not authority_refs:
            raise AuthorityError("acquiring into a ledger needs --authority (acquired needs a legal authority)")
        ids = tuple(ledger.resolve_authority(ref).id for ref in authority_refs)
        custody = cls(ledger=ledger, key=key, authorities=ids, occurred_tz=occurred_tz, location=location, seal=seal)
        custody.check(now_or_clock(at))
        return custody

    def check(self, at: datetime) -> None:
        """Raise unless ``key`` may record ``acquired`` at ``at`` under the authorities (and the ledger can append)."""
        ledger = self.ledger
        ledger.writable()
        known = ledger.registered_key(self.key.info.fingerprint)
        if known is not None and known.handler != self.key.info.handler:
            raise CustodyError(
                f"key {self.key.info.fingerprint} is registered as {known.handler.name!r}, not {self.key.info.name!r}"
            )
        earlier = ledger.authorities_by_id()
        authorities = [earlier[i] for i in self.authorities]
        reasons = find_cover(
            Use(action="acquired", at=at, categories=("content",)),
            authorities,
            lambda a: check_authority(a, earlier),
            ledger.authority_changes,
        )
        if reasons:
            detail = " | ".join(str(reason) for reason in reasons)
            raise AuthorityError(f"acquired would not be covered by a valid authority: {detail}")

    def append(
        self, record_path: str | os.PathLike[str], *, tool: str | None = None, now: datetime | None = None
    ) -> Appended:
        """Append the acquired event for the complete acquisition record at ``record_path``."""
        item = artefact_from_record(record_path)
        started = parse_utc(load_record(Path(record_path)).started_at, field="acquisition record started_at")
        return append_acquired_event(
            self.ledger,
            self.key,
            self.authorities,
            item.digests,
            occurred_at=started,
            occurred_tz=self.occurred_tz,
            size=item.size,
            name=item.name,
            acquisition_record=item.acquisition_record,
            location=self.location,
            seal=self.seal,
            tool=tool,
            now=now,
        )
