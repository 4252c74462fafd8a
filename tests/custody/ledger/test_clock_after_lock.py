"""The record time is read once the append lock is held: a writer kept waiting by another must not record a time
earlier than the commit it waited for (record times follow the ledger's order). Real SQLite lock, real clock."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from custody.ledger.drafts import Appended, EventDraft
from custody.ledger.ledger import Ledger
from custody.ledger.transfer import accept_offer, make_offer
from custody.ledger.verify import verify_ledger
from custody.model.keys import KeyPair
from custody.model.records import Artefact, Event
from custody.rules.events import EventRefusedError
from tests.custody.conftest import CASE, ORIGIN
from tests.custody.support.factories import domestic_order, mla_request, utc

HELD_S = 0.4


def _draft(action: str, item: Artefact, at: datetime, authority: str) -> EventDraft:
    return EventDraft(
        action=action,
        artefacts=(item,),
        occurred_at=at,
        occurred_tz="Z",
        authorities=(authority,),
        categories=("content",),
    )


def _while_locked(path: Path, append: Callable[[], Appended]) -> tuple[Appended, datetime]:
    """Run ``append`` while another connection (in a thread) holds the write lock; return it and the release time."""
    locked, released = threading.Event(), []

    def hold() -> None:
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        locked.set()
        time.sleep(HELD_S)  # the append is now waiting for the lock
        released.append(datetime.now(UTC))
        other.execute("COMMIT")
        other.close()

    holder = threading.Thread(target=hold)
    holder.start()
    assert locked.wait(timeout=30)
    appended = append()
    holder.join(timeout=30)
    return appended, released[0]


def test_a_waiting_append_reads_the_clock_after_the_lock(tmp_path: Path, keys: dict[str, KeyPair]) -> None:
    path = tmp_path / "ledger.db"
    authority = domestic_order(issued=utc(2026, 1, 1), valid_from=utc(2026, 1, 1), valid_until=utc(2099, 1, 1))
    with Ledger.create(path, case=CASE, origin=ORIGIN, ledger_key=keys["ledger"], now=utc(2026, 1, 1)) as ledger:
        added, released = _while_locked(path, lambda: ledger.add_authority(authority, keys["amina"]))
        key_entry = next(e for e in ledger.entries() if e.kind == "key")
        assert key_entry.body.registered_at >= released  # type: ignore[union-attr]
        draft = EventDraft(
            action="acquired",
            artefacts=(Artefact(digests={"sha256": "ab" * 32}),),
            occurred_at=utc(2026, 1, 2),
            occurred_tz="Z",
            authorities=(authority.id,),
            categories=("content",),
        )
        recorded, released = _while_locked(path, lambda: ledger.record(keys["amina"], draft))
        assert recorded.entry.body.recorded_at >= released  # type: ignore[union-attr]
    assert added.entry.entry_id != recorded.entry.entry_id


def test_an_accepted_offer_waiting_for_the_lock_is_recorded_after_it(tmp_path: Path, keys: dict[str, KeyPair]) -> None:
    path = tmp_path / "ledger.db"
    today = datetime.now(UTC)
    with Ledger.create(path, case=CASE, origin=ORIGIN, ledger_key=keys["ledger"], now=utc(2026, 1, 1)) as ledger:
        ledger.add_authority(mla_request(valid_until=utc(2099, 1, 1)), keys["amina"], now=utc(2026, 3, 21))
        seen = today - timedelta(minutes=2)
        item = Artefact(digests={"sha256": "cd" * 32})
        ledger.record(keys["amina"], _draft("acquired", item, seen, "au-fr-31"), now=seen)
        offer = make_offer(
            ledger, keys["amina"], keys["pierre"].info, _draft("transferred", item, today, "au-fr-31"), now=today
        )
        accepted, released = _while_locked(path, lambda: accept_offer(ledger, offer, keys["pierre"]))
        event = accepted.entry.body
        assert isinstance(event, Event)
        assert event.recorded_at >= released
        assert event.signed_at == today  # signed when offered, recorded when appended
        assert verify_ledger(str(path), trust=keys["ledger"].info.vkey).ok


def test_an_event_without_a_stated_time_happens_when_the_ledger_records_it(
    tmp_path: Path, keys: dict[str, KeyPair]
) -> None:
    # Two examiners record "now" about the same item: the one kept waiting used to carry the time it was drafted,
    # earlier than the event that committed first, and was refused as late (order.artefact).
    path = tmp_path / "ledger.db"
    today = datetime.now(UTC)
    authority = domestic_order(issued=today - timedelta(days=1), valid_from=today - timedelta(days=1),
                               valid_until=today + timedelta(days=30))  # fmt: skip
    item = Artefact(digests={"sha256": "cd" * 32})
    with Ledger.create(path, case=CASE, origin=ORIGIN, ledger_key=keys["ledger"], now=today) as ledger:
        ledger.add_authority(authority, keys["amina"])
        ledger.record(keys["amina"], _draft("acquired", item, datetime.now(UTC), authority.id))
        # both drafted now; another writer then commits an event about the same item before either is recorded
        waiting = EventDraft(action="analysed", artefacts=(item,), occurred_at=None, occurred_tz="Africa/Casablanca",
                             authorities=(authority.id,), categories=("content",))  # fmt: skip
        stated = _draft("analysed", item, datetime.now(UTC), authority.id)
        time.sleep(0.01)
        other = ledger.record(keys["amina"], _draft("verified", item, datetime.now(UTC), authority.id)).entry.body
        recorded = ledger.record(keys["amina"], waiting).entry.body
        assert isinstance(other, Event) and isinstance(recorded, Event)
        assert recorded.occurred_at == recorded.recorded_at > other.occurred_at
        assert recorded.occurred_tz == "Africa/Casablanca"
        with pytest.raises(EventRefusedError, match="takes place before"):
            ledger.record(keys["amina"], stated)  # a time stated before the other commit is still refused as late
    assert verify_ledger(str(path), trust=keys["ledger"].info.vkey).ok
