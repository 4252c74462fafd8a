"""One rule set: what an export would refuse is refused when it is recorded, and what is recorded verifies everywhere.

The two bugs of issue 11, through record, ledger verification, export and bundle verification (library level):
an event within the allowed clock skew after its record time verified in the ledger but was refused at export, and a
back-dated event was accepted and verified, then made every export of the case fail.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from custody.bundle.caseuco import case_uco_bytes
from custody.bundle.export import export_bundle
from custody.bundle.io import export_ledger, read_ledger
from custody.bundle.report import render_html
from custody.bundle.summary import text_summary
from custody.errors import AuthorityError, CustodyError
from custody.ledger.drafts import EventDraft
from custody.ledger.ledger import Ledger
from custody.model.entries import sign_entry
from custody.model.keys import KeyPair
from custody.rules.events import CLOCK_SKEW, AuthorityRefusedError, EventRefusedError
from evidence.common.report import VerificationError
from tests.custody.conftest import draft
from tests.custody.support.factories import artefact, domestic_order, utc
from tests.custody.support.verdicts import bundle_ok, bundle_report, failed_codes, ledger_findings, ledger_ok

LATE = "Procès-verbal de saisie rédigé après l'acquisition"


@pytest.fixture
def acquired(new_ledger: Callable[[], Ledger], keys: dict[str, KeyPair]) -> Ledger:
    """A ledger whose disk was acquired on 4 March, 10:00 UTC."""
    ledger = new_ledger()
    ledger.add_authority(domestic_order(), keys["amina"], now=utc(2026, 3, 1, 12))
    ledger.record(keys["amina"], draft("acquired", at=(2026, 3, 4, 10)), now=utc(2026, 3, 4, 11))
    return ledger


def _exported(ledger: Ledger, ledger_key: KeyPair) -> bytes:
    path = Path(ledger.store.path)
    assert ledger_ok(path, ledger_key), ledger_findings(path, ledger_key)
    data = export_ledger(path).data
    assert bundle_ok(data, ledger_key)
    return data


def test_event_within_the_clock_skew_verifies_and_exports(acquired: Ledger, keys: dict[str, KeyPair]) -> None:
    recorded = utc(2026, 3, 5, 9)
    acquired.record(keys["amina"], draft("stored", at=(2026, 3, 5, 9, 3)), now=recorded)
    _exported(acquired, keys["ledger"])


def test_event_beyond_the_clock_skew_is_refused_when_recorded(acquired: Ledger, keys: dict[str, KeyPair]) -> None:
    recorded = utc(2026, 3, 5, 9)
    too_late = recorded + CLOCK_SKEW + timedelta(seconds=1)
    size = acquired.store.get_meta("size")
    with pytest.raises(EventRefusedError, match="before it took place") as refused:
        acquired.record(keys["amina"], draft("stored", at=too_late.timetuple()[:6]), now=recorded)
    assert [b.code for b in refused.value.breaches] == ["order.recorded"]
    assert acquired.store.get_meta("size") == size


def test_back_dated_event_is_refused_with_the_readable_reason(acquired: Ledger, keys: dict[str, KeyPair]) -> None:
    size = acquired.store.get_meta("size")
    with pytest.raises(EventRefusedError) as refused:
        acquired.record(keys["amina"], draft("seized", at=(2026, 3, 3, 9, 30)), now=utc(2026, 3, 5))
    error = refused.value
    assert not isinstance(error, AuthorityError)
    assert [b.code for b in error.breaches] == ["order.artefact"]
    message = str(error)
    assert "\n" not in message
    assert "event refused (seized)" in message and "2026-03-03T09:30:00Z" in message
    assert "takes place before" in message and "2026-03-04T10:00:00Z" in message and "late_reason" in message
    french = error.localised("fr", how="--late-reason TEXTE").args[0]
    assert french.startswith("événement refusé (saisi) : L'événement")
    assert "a lieu avant" in french and "en indiquer le motif avec --late-reason TEXTE" in french
    assert acquired.store.get_meta("size") == size


def test_back_dated_event_with_a_late_reason_is_recorded_verified_and_exported(
    acquired: Ledger, keys: dict[str, KeyPair]
) -> None:
    acquired.record(keys["amina"], draft("seized", at=(2026, 3, 3, 9, 30), late_reason=LATE), now=utc(2026, 3, 5))
    report = bundle_report(_exported(acquired, keys["ledger"]), keys["ledger"])
    seized = next(e for e in report.contents.events if e.action == "seized")
    assert seized.late_reason == LATE
    assert f"Reason for late recording: {LATE}" in text_summary(report, "en")
    assert f"Motif de l'enregistrement tardif\u00a0: {LATE}" in text_summary(report, "fr")
    assert f"Motif de l'enregistrement tardif\u00a0: {LATE}" in render_html(report, "fr")
    described = [
        n["uco-core:description"]
        for n in json.loads(case_uco_bytes(report.contents))["@graph"]
        if n["@type"] == "case-investigation:InvestigativeAction"
    ]
    assert any(f"Reason for late recording: {LATE}" in d for d in described)


def test_late_reason_is_signed(acquired: Ledger, keys: dict[str, KeyPair]) -> None:
    acquired.record(keys["amina"], draft("seized", at=(2026, 3, 3, 9, 30), late_reason=LATE), now=utc(2026, 3, 5))
    data = _exported(acquired, keys["ledger"])
    edited = data.replace(LATE.encode(), b"Autre motif, ajoute apres coup")
    assert edited != data and not bundle_ok(edited, keys["ledger"])


def test_event_without_late_reason_keeps_its_leaf_byte_for_byte(acquired: Ledger) -> None:
    leaf = acquired.store.last_leaf("event")
    assert leaf is not None and b"late_reason" not in leaf


def _force(ledger: Ledger, key: KeyPair, event_draft: EventDraft, now: datetime) -> None:
    """Append an event without the rules, as a scelle that did not check them would have written it."""
    event = ledger.build_event(event_draft, key.info.handler, now=now)
    with ledger.store.transaction():
        ledger._write([sign_entry("event", event, [key])])


def test_ledger_written_before_the_rule_is_reported_by_verify_and_export(
    acquired: Ledger, keys: dict[str, KeyPair]
) -> None:
    _force(acquired, keys["amina"], draft("seized", at=(2026, 3, 3, 9, 30)), utc(2026, 3, 5))
    path = Path(acquired.store.path)
    assert any("takes place before" in f for f in ledger_findings(path, keys["ledger"]))
    with pytest.raises(VerificationError, match=r"\(order\.artefact\); Event ev-\S+ \(seized, 2026-03-03"):
        export_ledger(path)


def test_event_recorded_before_the_latest_one_is_refused(acquired: Ledger, keys: dict[str, KeyPair]) -> None:
    with pytest.raises(EventRefusedError, match="earlier than the event before it") as refused:
        acquired.record(keys["amina"], draft("stored", at=(2026, 3, 4, 10, 30)), now=utc(2026, 3, 4, 10, 45))
    assert [b.code for b in refused.value.breaches] == ["order.ledger"]


def test_authority_only_refusal_is_still_an_authority_error(acquired: Ledger, keys: dict[str, KeyPair]) -> None:
    with pytest.raises(AuthorityRefusedError, match="not covered by a valid legal authority"):
        acquired.record(keys["amina"], draft("analysed", at=(2026, 7, 1), authorities=()), now=utc(2026, 7, 1, 1))
    with pytest.raises(CustodyError, match="unknown authority au-nowhere"):
        acquired.record(
            keys["amina"], draft("analysed", at=(2026, 4, 1), authorities=("au-nowhere",)), now=utc(2026, 4, 1, 1)
        )


def test_bundle_verify_applies_the_same_rules(acquired: Ledger, keys: dict[str, KeyPair]) -> None:
    _force(acquired, keys["amina"], draft("seized", at=(2026, 3, 3, 9, 30)), utc(2026, 3, 5))
    _force(acquired, keys["amina"], draft("stored", at=(2026, 3, 6, 9, 3)), utc(2026, 3, 6, 9))
    _force(acquired, keys["amina"], draft("sealed", at=(2026, 3, 7)), utc(2026, 3, 5, 12))
    path = Path(acquired.store.path)
    leaves, checkpoint, _ = read_ledger(path)
    report = bundle_report(export_bundle(leaves, checkpoint).bundle.to_bytes(), keys["ledger"])
    assert failed_codes(report) == {"order.artefact", "order.ledger", "order.recorded"}
    from_ledger = ledger_findings(path, keys["ledger"])
    assert len(from_ledger) == 3
    for finding in (f for f in report.findings if not f.ok):
        assert any(finding.params["id"] in line for line in from_ledger)


def test_other_digests_for_the_same_artefact_are_refused_when_recorded(
    new_ledger: Callable[[], Ledger], keys: dict[str, KeyPair]
) -> None:
    ledger = new_ledger()
    first = artefact(digests={"sha256": "a" * 64, "blake3": "b" * 64})
    ledger.record(keys["amina"], draft("identified", item=first, authorities=()), now=utc(2026, 3, 3, 10))
    only_sha256 = artefact(digests={"sha256": "a" * 64})
    ledger.record(keys["amina"], draft("sealed", item=only_sha256, authorities=()), now=utc(2026, 3, 3, 11))
    other = artefact(digests={"sha256": "a" * 64, "blake3": "c" * 64})
    with pytest.raises(EventRefusedError, match="other digests than the events before it") as refused:
        ledger.record(keys["amina"], draft("stored", item=other, authorities=()), now=utc(2026, 3, 3, 12))
    assert [b.code for b in refused.value.breaches] == ["digests.bad"]
    _force(ledger, keys["amina"], draft("stored", item=other, authorities=()), utc(2026, 3, 3, 12))
    path = Path(ledger.store.path)
    assert any("other digests" in f for f in ledger_findings(path, keys["ledger"]))
    with pytest.raises(VerificationError, match=r"digests\.bad"):
        export_ledger(path)
