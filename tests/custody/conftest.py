"""Real keys and real ledger files for the custody tests (the issue's scenario: Morocco seizes, France analyses)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from custody.ledger.drafts import EventDraft
from custody.ledger.ledger import Ledger
from custody.model.keys import KeyPair, generate_key
from custody.model.records import Artefact
from tests.custody.support.factories import artefact, domestic_order, mla_request, utc

ORIGIN = "scelle.example/MA-2026-0042"
CASE = "MA-2026-0042"


@pytest.fixture(scope="session")
def keys() -> dict[str, KeyPair]:
    return {
        "ledger": generate_key(name=ORIGIN, role="ledger", organisation="DGSN", country="MA"),
        "amina": generate_key(name="Amina El Idrissi", role="examiner", organisation="DGSN Laboratoire", country="MA"),
        "youssef": generate_key(name="Youssef Benali", role="custodian", organisation="DGSN Scellés", country="MA"),
        "pierre": generate_key(name="Pierre Martin", role="examiner", organisation="OFAC", country="FR"),
    }


def draft(
    action: str,
    *,
    at: tuple[int, ...] = (2026, 3, 3, 9, 30),
    authorities: tuple[str, ...] = ("au-ma-order",),
    item: Artefact | None = None,
    **changes: object,
) -> EventDraft:
    fields: dict[str, object] = {
        "action": action,
        "artefacts": (item or artefact(),),
        "occurred_at": utc(*at),
        "occurred_tz": "Africa/Casablanca",
        "authorities": authorities,
        "categories": ("content",),
    }
    fields.update(changes)
    return EventDraft(**fields)  # type: ignore[arg-type]


@pytest.fixture
def new_ledger(tmp_path: Path, keys: dict[str, KeyPair]) -> Iterator[Callable[[], Ledger]]:
    opened: list[Ledger] = []

    def make(name: str = "ledger.db") -> Ledger:
        ledger = Ledger.create(
            tmp_path / name, case=CASE, origin=ORIGIN, ledger_key=keys["ledger"], now=utc(2026, 3, 1)
        )
        opened.append(ledger)
        return ledger

    yield make
    for ledger in opened:
        ledger.close()


@pytest.fixture
def scenario(new_ledger: Callable[[], Ledger], keys: dict[str, KeyPair]) -> Ledger:
    """Seized and acquired in Rabat, handed to France under the MLA request, analysed in Paris."""
    return play_scenario(new_ledger(), keys)


def play_scenario(ledger: Ledger, keys: dict[str, KeyPair]) -> Ledger:
    """Record the scenario's authorities and events in ``ledger`` (a file or a database)."""
    amina, pierre = keys["amina"], keys["pierre"]
    ledger.add_authority(domestic_order(), amina, now=utc(2026, 3, 1, 12))
    ledger.add_authority(mla_request(), amina, now=utc(2026, 3, 21))
    ledger.record(amina, draft("seized", seal="SC-17"), now=utc(2026, 3, 3, 10))
    ledger.record(amina, draft("acquired", at=(2026, 3, 3, 11)), now=utc(2026, 3, 3, 12))
    ledger.record(
        amina,
        draft("transferred", at=(2026, 4, 1, 9), authorities=("au-fr-31",)),
        counter_key=pierre,
        now=utc(2026, 4, 1, 10),
    )
    ledger.record(pierre, draft("analysed", at=(2026, 4, 2, 9), authorities=("au-fr-31",)), now=utc(2026, 4, 2, 12))
    return ledger
