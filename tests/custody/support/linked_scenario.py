"""A linked bundle made by a real cross-border handover between two ledger files (issue 12), for the page's tests.

Morocco seizes and acquires a disk, offers it to the French examiner; France receives it on its own ledger, Morocco
completes the handover, France analyses the disk and exports: the French bundle links the Moroccan one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from custody.bundle.handover import complete_handover, offer_handover, receive_handover
from custody.bundle.io import export_ledger
from custody.ledger.ledger import Ledger
from custody.model.keys import KeyPair, generate_key
from custody.model.trust import TrustedKey
from tests.custody.conftest import CASE, ORIGIN, draft
from tests.custody.support.factories import domestic_order, mla_request, utc

FR_ORIGIN = "scelle.example/FR-JI-2026-77"


@dataclass(frozen=True)
class Linked:
    bundle: bytes
    ma_key: KeyPair
    fr_key: KeyPair
    handlers: dict[str, KeyPair]

    @property
    def trust(self) -> list[TrustedKey]:
        """Both ledgers' keys, as a reader given both by another channel holds them."""
        return [TrustedKey(None, k.info.public_key) for k in (self.ma_key, self.fr_key)]


def build_linked(directory: Path) -> Linked:
    ma_key = generate_key(name=ORIGIN, role="ledger", organisation="DGSN", country="MA")
    fr_key = generate_key(name=FR_ORIGIN, role="ledger", organisation="OFAC", country="FR")
    amina = generate_key(name="Amina El Idrissi", role="examiner", organisation="DGSN Laboratoire", country="MA")
    pierre = generate_key(name="Pierre Martin", role="examiner", organisation="OFAC", country="FR")
    ma = Ledger.create(directory / "ma.db", case=CASE, origin=ORIGIN, ledger_key=ma_key, now=utc(2026, 3, 1))
    ma.add_authority(domestic_order(), amina, now=utc(2026, 3, 1, 12))
    ma.add_authority(mla_request(), amina, now=utc(2026, 3, 21))
    ma.record(amina, draft("seized", seal="SC-17"), now=utc(2026, 3, 3, 10))
    ma.record(amina, draft("acquired", at=(2026, 3, 3, 11)), now=utc(2026, 3, 3, 12))
    offer = offer_handover(
        ma, amina, pierre.info, draft("offered", at=(2026, 4, 1, 9), authorities=("au-fr-31",)), now=utc(2026, 4, 1, 10)
    )
    fr = Ledger.create(
        directory / "fr.db", case="FR-JI-2026-77", origin=FR_ORIGIN, ledger_key=fr_key, now=utc(2026, 3, 1)
    )
    order = domestic_order(id="au-fr-order", issuing_state="FR", issuing_authority="JI Paris", reference="JI-77")
    fr.add_authority(order, pierre, now=utc(2026, 3, 2))
    received = draft("received", at=(2026, 4, 4, 9), authorities=("au-fr-order",), occurred_tz="Europe/Paris")
    done = receive_handover(fr, offer, pierre, ma_key.info.vkey, received, now=utc(2026, 4, 4, 10))
    complete_handover(ma, done.receipt, trusted=fr_key.info.vkey, now=utc(2026, 4, 6))
    analysed = draft("analysed", at=(2026, 4, 7, 9), authorities=("au-fr-order",), occurred_tz="Europe/Paris")
    fr.record(pierre, analysed, now=utc(2026, 4, 7, 10))
    bundle = export_ledger(fr.store.path).data
    for ledger in (ma, fr):
        ledger.close()
    return Linked(bundle=bundle, ma_key=ma_key, fr_key=fr_key, handlers={"amina": amina, "pierre": pierre})
