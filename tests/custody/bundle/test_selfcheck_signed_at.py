"""The page verifies a transfer recorded after its handlers signed it (``signed_at``) as Python does: its signatures
cover the event as it was signed (``custody.model.entries.as_signed``), and the ledger order rules use both times."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from custody.bundle.export import export_bundle
from custody.bundle.handover import accept_handover
from custody.bundle.handover_file import OfferFile
from custody.bundle.io import read_ledger
from custody.ledger.ledger import Ledger
from custody.model.entries import KeyEntry, retimed, sign_entry
from custody.model.keys import KeyPair
from custody.model.records import Event
from custody.model.trust import TrustedKey
from tests.custody.bundle.test_handover_timing import offer_in_april
from tests.custody.bundle.test_selfcheck_differential import python_verdict, run_in_browser
from tests.custody.conftest import draft
from tests.custody.support.browser import offline
from tests.custody.support.factories import artefact, utc

PHONE = artefact(b"phone image")


def _offered(ledger: Ledger, keys: dict[str, KeyPair]) -> OfferFile:
    """Seized, acquired, offered to the French examiner on 1 April; another item seized meanwhile: the transfer
    completing the offer is signed on 1 April, and recorded later."""
    made = offer_in_april(ledger, keys)
    ledger.record(keys["amina"], draft("seized", item=PHONE, at=(2026, 4, 3, 9)), now=utc(2026, 4, 3, 10))
    return made


def _bundle(ledger: Ledger) -> bytes:
    leaves, checkpoint, _ = read_ledger(Path(ledger.store.path))
    return export_bundle(leaves, checkpoint).bundle.to_bytes()


@pytest.mark.external
def test_browser_and_python_agree_on_transfers_recorded_after_they_were_signed(
    new_ledger: Callable[[], Ledger], keys: dict[str, KeyPair], tmp_path: Path
) -> None:
    assert offline() or pytest.skip("cannot run Chromium without a network here (unshare -n)")
    accepted, forced = new_ledger("accepted.db"), new_ledger("forced.db")
    pierre = keys["pierre"]
    # accepted four days after it was signed: recorded with signed_at, its signatures over the event as signed
    accept_handover(accepted, _offered(accepted, keys), pierre, now=utc(2026, 4, 5))
    assert b'"signed_at"' in _bundle(accepted)
    signed = _offered(forced, keys).transfer.body
    assert isinstance(signed, Event)
    own = KeyEntry(handler=pierre.info.handler, public_key=pierre.info.public_key, registered_at=utc(2026, 4, 5))
    early = replace(signed, recorded_at=utc(2026, 3, 31))  # signed before the offer it completes was recorded
    with forced.store.transaction():
        forced._write([sign_entry("key", own, [pierre])])
        forced._write([retimed(sign_entry("event", early, [keys["amina"], pierre]), utc(2026, 4, 5))])
    trusted = TrustedKey(None, keys["ledger"].info.public_key)
    cases = [(_bundle(accepted), trusted), (_bundle(forced), trusted)]
    assert [python_verdict(data, key) for data, key in cases] == ["pass", "fail"]
    assert run_in_browser(cases, tmp_path) == ["pass", "fail"]
