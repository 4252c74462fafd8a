"""Issue 12 loose end: the sending ledger goes on being used between an offer and its completion.

The transfer that completes a handover is signed when the offer is made, and recorded when the receipt comes back
(across a border, days later, after other events): it is recorded with its own ``recorded_at`` and ``signed_at``, so
the ledger order rule holds unchanged. The item offered takes no other event in the meantime (``offer.pending``).
Recording, ledger verification and bundle verification apply the same rules (library level, real ledgers and keys).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from custody.bundle.export import export_bundle
from custody.bundle.handover import (
    HandoverError,
    accept_handover,
    check_offer,
    complete_handover,
    offer_handover,
    receive_handover,
)
from custody.bundle.handover_file import OfferFile
from custody.bundle.io import export_ledger, read_ledger
from custody.bundle.verify import verify_bundle
from custody.ledger.ledger import Ledger
from custody.ledger.transfer import accept_offer, make_offer
from custody.model.entries import KeyEntry, SignedEntry, retimed, sign_entry
from custody.model.keys import KeyPair, generate_key
from custody.model.records import Event
from custody.rules.events import EventRefusedError
from tests.custody.conftest import draft
from tests.custody.support.factories import artefact, domestic_order, mla_request, utc
from tests.custody.support.verdicts import bundle_ok, bundle_report, failed_codes, ledger_findings, ledger_ok

FR_ORIGIN = "scelle.example/FR-JI-2026-77"
PHONE = artefact(b"phone image")


def offer_in_april(ledger: Ledger, keys: dict[str, KeyPair]) -> OfferFile:
    """Morocco: seized and acquired, then offered to the French examiner on 1 April, 10:00."""
    amina = keys["amina"]
    ledger.add_authority(domestic_order(), amina, now=utc(2026, 3, 1, 12))
    ledger.add_authority(mla_request(), amina, now=utc(2026, 3, 21))
    ledger.record(amina, draft("seized", seal="SC-17"), now=utc(2026, 3, 3, 10))
    ledger.record(amina, draft("acquired", at=(2026, 3, 3, 11)), now=utc(2026, 3, 3, 12))
    offer = draft("offered", at=(2026, 4, 1, 9), authorities=("au-fr-31",))
    return offer_handover(ledger, amina, keys["pierre"].info, offer, now=utc(2026, 4, 1, 10))


@pytest.fixture
def offered(new_ledger: Callable[[], Ledger], keys: dict[str, KeyPair]) -> tuple[Ledger, OfferFile]:
    """Morocco: seized and acquired, then offered to the French examiner on 1 April, 10:00."""
    ledger = new_ledger()
    return ledger, offer_in_april(ledger, keys)


def _meanwhile(ledger: Ledger, keys: dict[str, KeyPair]) -> None:
    """Two days later, Morocco seizes another item; the one offered takes no other event."""
    ledger.record(keys["amina"], draft("seized", item=PHONE, at=(2026, 4, 3, 9)), now=utc(2026, 4, 3, 10))
    size = ledger.store.get_meta("size")
    with pytest.raises(EventRefusedError, match=r"is offered to Pierre Martin \(event ev-") as refused:
        ledger.record(keys["amina"], draft("analysed", at=(2026, 4, 3, 11)), now=utc(2026, 4, 3, 12))
    assert [b.code for b in refused.value.breaches] == ["offer.pending"]
    assert "seul le transfert qui l'achève" in refused.value.explain("fr")
    assert ledger.store.get_meta("size") == size


def _france(tmp_path: Path, pierre: KeyPair) -> tuple[Ledger, KeyPair]:
    key = generate_key(name=FR_ORIGIN, role="ledger", organisation="OFAC", country="FR")
    ledger = Ledger.create(
        tmp_path / "fr.db", case="FR-JI-2026-77", origin=FR_ORIGIN, ledger_key=key, now=utc(2026, 3, 1)
    )
    order = domestic_order(id="au-fr-order", issuing_state="FR", issuing_authority="JI Paris", reference="JI-77")
    ledger.add_authority(order, pierre, now=utc(2026, 3, 2))
    return ledger, key


def _transfer(ledger: Ledger) -> Event:
    body = ledger.entries()[-1].body
    assert isinstance(body, Event) and body.action == "transferred"
    return body


def test_complete_after_other_events_in_the_sending_ledger(
    offered: tuple[Ledger, OfferFile], keys: dict[str, KeyPair], tmp_path: Path
) -> None:
    ma, offer = offered
    _meanwhile(ma, keys)
    fr, fr_key = _france(tmp_path, keys["pierre"])
    received = draft("received", at=(2026, 4, 4, 9), authorities=("au-fr-order",))
    done = receive_handover(fr, offer, keys["pierre"], keys["ledger"].info.vkey, received, now=utc(2026, 4, 4, 10))
    complete_handover(ma, done.receipt, trusted=fr_key.info.vkey, now=utc(2026, 4, 6))
    transfer = _transfer(ma)
    assert (transfer.signed_at, transfer.recorded_at) == (utc(2026, 4, 1, 10), utc(2026, 4, 6))
    assert ledger_ok(Path(ma.store.path), keys["ledger"]), ledger_findings(Path(ma.store.path), keys["ledger"])
    assert bundle_ok(export_ledger(ma.store.path).data, keys["ledger"])  # export from the sending side
    fr.record(
        keys["pierre"], draft("analysed", at=(2026, 4, 7, 9), authorities=("au-fr-order",)), now=utc(2026, 4, 7, 10)
    )
    assert ledger_ok(Path(fr.store.path), fr_key)
    linked = verify_bundle(export_ledger(fr.store.path).data, [keys["ledger"].info.vkey, fr_key.info.vkey])
    assert [e.action for e in linked.contents.events] == ["received", "analysed"]
    fr.close()


def test_accept_on_one_ledger_after_other_events(offered: tuple[Ledger, OfferFile], keys: dict[str, KeyPair]) -> None:
    ma, offer = offered
    _meanwhile(ma, keys)
    accept_handover(ma, offer, keys["pierre"], now=utc(2026, 4, 5))
    transfer = _transfer(ma)
    assert (transfer.signed_at, transfer.recorded_at) == (utc(2026, 4, 1, 10), utc(2026, 4, 5))
    assert ledger_ok(Path(ma.store.path), keys["ledger"])
    report = bundle_report(export_ledger(ma.store.path).data, keys["ledger"])
    assert report.ok and [e.action for e in report.contents.events][-1] == "transferred"


def test_accepted_at_once_keeps_the_leaf_it_always_had(
    offered: tuple[Ledger, OfferFile], keys: dict[str, KeyPair]
) -> None:
    ma, offer = offered
    appended = accept_handover(ma, offer, keys["pierre"], now=utc(2026, 4, 1, 10))
    assert appended.entry.leaf() == offer.transfer.countersigned(keys["pierre"]).leaf()
    assert b"signed_at" not in appended.entry.leaf() and _transfer(ma).signed_at is None


def test_a_transfer_offered_by_file_is_accepted_after_other_events(
    new_ledger: Callable[[], Ledger], keys: dict[str, KeyPair]
) -> None:
    ledger = new_ledger()
    amina, pierre = keys["amina"], keys["pierre"]
    ledger.add_authority(domestic_order(), amina, now=utc(2026, 3, 1, 12))
    ledger.add_authority(mla_request(), amina, now=utc(2026, 3, 21))
    ledger.record(amina, draft("seized"), now=utc(2026, 3, 3, 10))
    transfer = draft("transferred", at=(2026, 4, 1, 9), authorities=("au-fr-31",))
    offer = make_offer(ledger, amina, pierre.info, transfer, now=utc(2026, 4, 1, 10))
    ledger.record(amina, draft("seized", item=PHONE, at=(2026, 4, 2, 9)), now=utc(2026, 4, 2, 10))
    accept_offer(ledger, offer, pierre, now=utc(2026, 4, 3))
    assert _transfer(ledger).signed_at == utc(2026, 4, 1, 10)
    assert ledger_ok(Path(ledger.store.path), keys["ledger"])


def _force(ledger: Ledger, entry: SignedEntry) -> None:
    """Append without the rules, as a scelle that did not check them would have written it."""
    with ledger.store.transaction():
        ledger._write([entry])


def _codes(ledger: Ledger, keys: dict[str, KeyPair]) -> tuple[tuple[str, ...], set[str]]:
    path = Path(ledger.store.path)
    leaves, checkpoint, _ = read_ledger(path)
    report = bundle_report(export_bundle(leaves, checkpoint).bundle.to_bytes(), keys["ledger"])
    return ledger_findings(path, keys["ledger"]), failed_codes(report)


def test_verify_and_export_refuse_an_event_on_an_item_while_it_is_offered(
    offered: tuple[Ledger, OfferFile], keys: dict[str, KeyPair]
) -> None:
    ma, _offer = offered
    amina = keys["amina"]
    analysed = ma.build_event(draft("analysed", at=(2026, 4, 2, 9)), amina.info.handler, now=utc(2026, 4, 2, 10))
    _force(ma, sign_entry("event", analysed, [amina]))
    findings, codes = _codes(ma, keys)
    assert len(findings) == 1 and "is offered to Pierre Martin" in findings[0], findings
    assert codes == {"offer.pending"}


def test_verify_and_export_refuse_a_transfer_signed_before_the_event_it_follows(
    offered: tuple[Ledger, OfferFile], keys: dict[str, KeyPair]
) -> None:
    ma, offer = offered
    amina, pierre = keys["amina"], keys["pierre"]
    own = KeyEntry(handler=pierre.info.handler, public_key=pierre.info.public_key, registered_at=utc(2026, 4, 5))
    signed = offer.transfer.body
    assert isinstance(signed, Event)
    early = replace(signed, recorded_at=utc(2026, 3, 31))  # before the offer it completes was recorded
    _force(ma, sign_entry("key", own, [pierre]))
    _force(ma, retimed(sign_entry("event", early, [amina, pierre]), utc(2026, 4, 5)))
    findings, codes = _codes(ma, keys)
    assert len(findings) == 1 and "was signed (2026-03-31T00:00:00Z) before ev-" in findings[0], findings
    assert codes == {"order.signed"}


def test_an_offer_whose_offered_entry_is_not_in_its_bundle_is_refused(
    offered: tuple[Ledger, OfferFile], keys: dict[str, KeyPair]
) -> None:
    """The offered entry, proved against the checkpoint, must also be the bundle's entry of that index (found by its
    index, then compared whole): left out of the bundle, or carried with another proof, the offer is refused."""
    ledger, made = offered
    trusted = ledger.header.public_key
    assert check_offer(made, keys["pierre"], trusted).offered.action == "offered"
    others = tuple(e for e in made.bundle.entries if e.index != made.offer.index)
    assert len(others) == len(made.bundle.entries) - 1
    missing = replace(made, bundle=replace(made.bundle, entries=others))
    longer = replace(made, offer=replace(made.offer, proof=(*made.offer.proof, made.offer.proof[0])))
    for changed, reason in ((missing, "is not an offered event of its bundle"), (longer, "inclusion proof")):
        with pytest.raises(HandoverError, match=reason):
            check_offer(changed, keys["pierre"], trusted)
