"""Two-party transfers: both keys at once, or an offer signed on one machine and accepted on another."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from custody.errors import CustodyError, RecordError, SignatureError
from custody.ledger.ledger import Ledger
from custody.ledger.transfer import TransferOffer, accept_offer, make_offer
from custody.ledger.verify import verify_ledger
from custody.model.keys import KeyPair
from custody.model.records import Event, Signature
from tests.custody.conftest import draft
from tests.custody.support.factories import domestic_order, mla_request, utc


@pytest.fixture
def ledger(new_ledger: Callable[[], Ledger], keys: dict[str, KeyPair]) -> Ledger:
    ledger = new_ledger()
    ledger.add_authority(domestic_order(), keys["amina"], now=utc(2026, 3, 1, 12))
    ledger.add_authority(mla_request(), keys["amina"], now=utc(2026, 3, 21))
    ledger.record(keys["amina"], draft("acquired"), now=utc(2026, 3, 3, 12))
    return ledger


def _offer(ledger: Ledger, keys: dict[str, KeyPair]) -> TransferOffer:
    return make_offer(
        ledger,
        keys["amina"],
        keys["pierre"].info,
        draft("transferred", at=(2026, 4, 1, 9), authorities=("au-fr-31",)),
        now=utc(2026, 4, 1, 9, 5),
    )


def test_offer_travels_as_a_file_and_is_accepted(ledger: Ledger, keys: dict[str, KeyPair], tmp_path: Path) -> None:
    _offer(ledger, keys).save(tmp_path / "offer.json")
    loaded = TransferOffer.load(tmp_path / "offer.json")
    appended = accept_offer(ledger, loaded, keys["pierre"], now=utc(2026, 4, 1, 10))
    event = appended.entry.body
    assert isinstance(event, Event) and event.counter_party == keys["pierre"].info.handler
    assert [s.key for s in appended.entry.signatures] == [
        keys["amina"].info.fingerprint,
        keys["pierre"].info.fingerprint,
    ]
    assert verify_ledger(str(ledger.store.path), trust=ledger.vkey).ok


def test_offer_file_is_never_overwritten(ledger: Ledger, keys: dict[str, KeyPair], tmp_path: Path) -> None:
    (tmp_path / "offer.json").write_text("precious")
    with pytest.raises(CustodyError, match="cannot write"):
        _offer(ledger, keys).save(tmp_path / "offer.json")
    assert (tmp_path / "offer.json").read_text() == "precious"


def test_offer_for_someone_else_is_refused(ledger: Ledger, keys: dict[str, KeyPair]) -> None:
    with pytest.raises(SignatureError, match="not a transfer to Youssef"):
        accept_offer(ledger, _offer(ledger, keys), keys["youssef"])


def test_forged_releasing_signature_is_refused(ledger: Ledger, keys: dict[str, KeyPair]) -> None:
    offer = _offer(ledger, keys)
    bad = Signature(key=keys["amina"].info.fingerprint, sig=keys["pierre"].sign(offer.event.payload()))
    forged = replace(offer, event=replace(offer.event, signatures=(bad,)))
    with pytest.raises(SignatureError, match="does not verify"):
        accept_offer(ledger, forged, keys["pierre"])


def test_altered_offer_is_refused(ledger: Ledger, keys: dict[str, KeyPair], tmp_path: Path) -> None:
    offer = _offer(ledger, keys)
    body = replace(offer.body, location="somewhere else")
    with pytest.raises(SignatureError, match="does not verify"):
        accept_offer(ledger, replace(offer, event=replace(offer.event, body=body)), keys["pierre"])
    path = tmp_path / "offer.json"
    path.write_bytes(offer.encode().replace(b'"transferred"', b'"returned"'))
    with pytest.raises(RecordError, match="not a valid transfer offer"):
        TransferOffer.load(path)


def test_stale_offer_is_refused(ledger: Ledger, keys: dict[str, KeyPair]) -> None:
    offer = _offer(ledger, keys)
    ledger.record(keys["amina"], draft("verified", authorities=(), at=(2026, 3, 4)), now=utc(2026, 4, 1, 9, 30))
    with pytest.raises(CustodyError, match="stale"):
        accept_offer(ledger, offer, keys["pierre"])


def test_offer_for_another_ledger_is_refused(
    ledger: Ledger, new_ledger: Callable[..., Ledger], keys: dict[str, KeyPair]
) -> None:
    offer = replace(_offer(ledger, keys), origin="scelle.example/other")
    with pytest.raises(CustodyError, match="is for ledger"):
        accept_offer(ledger, offer, keys["pierre"])


def test_offer_without_cover_is_refused_when_made(ledger: Ledger, keys: dict[str, KeyPair]) -> None:
    with pytest.raises(CustodyError, match="does not permit handing the evidence to another State"):
        make_offer(
            ledger,
            keys["amina"],
            keys["pierre"].info,
            draft("transferred", at=(2026, 4, 1, 9)),
            now=utc(2026, 4, 1, 9, 5),
        )
    with pytest.raises(RecordError, match="an offer is for a transferred event"):
        make_offer(ledger, keys["amina"], keys["pierre"].info, draft("acquired"))


def test_a_transfer_cannot_be_appended_with_one_signature(ledger: Ledger, keys: dict[str, KeyPair]) -> None:
    offer = _offer(ledger, keys)
    with pytest.raises(SignatureError, match="must be signed by"):
        ledger.append_signed(offer.event, [keys["pierre"]], [offer.releaser_key])
