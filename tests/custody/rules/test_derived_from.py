"""A derived item names what it was taken from (issue 17, item 3): signed in the event, one rule (the source is in
custody before the derived event) applied by recording, ledger verification, export and bundle verification, in
Python and in the report's own verifier, and shown in the summary and the report."""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from custody.bundle.export import export_bundle
from custody.bundle.io import export_ledger, read_ledger
from custody.bundle.report import render_html
from custody.bundle.summary import text_summary
from custody.errors import RecordError
from custody.ledger.drafts import EventDraft
from custody.ledger.ledger import Ledger
from custody.model.entries import sign_entry
from custody.model.identity import Handler
from custody.model.keys import KeyPair
from custody.model.records import Event
from custody.rules.events import EventRefusedError
from evidence.common.report import VerificationError
from tests.custody.conftest import draft
from tests.custody.support.browser import browser_verdict, dump_dom
from tests.custody.support.factories import artefact, domestic_order, utc
from tests.custody.support.verdicts import bundle_ok, bundle_report, failed_codes, ledger_findings, ledger_ok

DISK = artefact()
MAIL = artefact(b"mailbox.pst", name="mailbox.pst")
OTHER = artefact(b"another disk", name="other.E01")


@pytest.fixture
def acquired(new_ledger: Callable[[], Ledger], keys: dict[str, KeyPair]) -> Ledger:
    ledger = new_ledger()
    ledger.add_authority(domestic_order(), keys["amina"], now=utc(2026, 3, 1, 12))
    ledger.record(keys["amina"], draft("acquired", at=(2026, 3, 4, 10)), now=utc(2026, 3, 4, 11))
    return ledger


def derived(*sources: str, at: tuple[int, ...] = (2026, 3, 5, 9)) -> EventDraft:
    return draft("derived", at=at, item=MAIL, derived_from=sources)


def _force(ledger: Ledger, key: KeyPair, event_draft: EventDraft, now: datetime) -> None:
    """Append without the rules, as a scelle that did not check them would have."""
    event = ledger.build_event(event_draft, key.info.handler, now=now)
    with ledger.store.transaction():
        ledger._write([sign_entry("event", event, [key])])


def test_derived_event_names_its_source_signed_and_exported_with_it(acquired: Ledger, keys: dict[str, KeyPair]) -> None:
    acquired.record(keys["amina"], derived(DISK.key), now=utc(2026, 3, 5, 10))
    path = Path(acquired.store.path)
    assert ledger_ok(path, keys["ledger"]), ledger_findings(path, keys["ledger"])
    leaves, checkpoint, _ = read_ledger(path)
    leaf = json.loads(leaves[-1])
    assert leaf["body"]["derived_from"] == [DISK.key]
    bundle = export_bundle(leaves, checkpoint, artefacts=[MAIL.key]).bundle
    assert set(bundle.selection) == {MAIL.key, DISK.key}  # the source's history travels with the derived item
    data = bundle.to_bytes()
    report = bundle_report(data, keys["ledger"])
    assert report.ok and "order.ok" in {f.code for f in report.findings if f.ok}
    assert f"Extrait de\u00a0: {DISK.key}" in text_summary(report, "fr")
    assert f"Taken from: {DISK.key}" in html.unescape(render_html(report, "en", bundle=data))
    at = data.rfind(DISK.digests["sha256"].encode(), 0, data.rfind(DISK.digests["sha256"].encode()))
    assert data[:at].endswith(b'"derived_from": [\n      "sha256:')  # the leaf of the derived event, not the selection
    swapped = data[:at] + OTHER.digests["sha256"].encode() + data[at + 64 :]
    assert not bundle_ok(swapped, keys["ledger"])


def test_unknown_source_is_refused_when_recorded(acquired: Ledger, keys: dict[str, KeyPair]) -> None:
    with pytest.raises(EventRefusedError) as refused:
        acquired.record(keys["amina"], derived(OTHER.key), now=utc(2026, 3, 5, 10))
    assert [b.code for b in refused.value.breaches] == ["chain.source"]
    assert "no earlier event concerns that item" in str(refused.value)
    assert "aucun événement antérieur ne concerne cet élément" in refused.value.explain("fr")


def test_source_recorded_after_the_derived_item_does_not_count(
    new_ledger: Callable[[], Ledger], keys: dict[str, KeyPair]
) -> None:
    ledger = new_ledger()
    ledger.add_authority(domestic_order(), keys["amina"], now=utc(2026, 3, 1, 12))
    _force(ledger, keys["amina"], derived(DISK.key, at=(2026, 3, 4, 9)), utc(2026, 3, 4, 10))
    ledger.record(keys["amina"], draft("acquired", at=(2026, 3, 4, 10)), now=utc(2026, 3, 4, 11))
    path = Path(ledger.store.path)
    assert any("names " + DISK.key + " as its source" in f for f in ledger_findings(path, keys["ledger"]))
    leaves, checkpoint, _ = read_ledger(path)
    report = bundle_report(export_bundle(leaves, checkpoint).bundle.to_bytes(), keys["ledger"])
    assert failed_codes(report) == {"chain.source"}
    with pytest.raises(VerificationError, match=r"chain\.source"):
        export_ledger(path)


def test_only_a_derived_event_names_a_source() -> None:
    base = {"id": "ev-1", "case": "C-1", "artefacts": (MAIL,), "occurred_tz": "Z"}
    who = Handler(name="A", role="examiner", organisation="O", country="MA", key_fingerprint="sha256:" + "0" * 64)
    when = utc(2026, 3, 5)
    with pytest.raises(RecordError, match="only a derived event"):
        Event(**base, action="analysed", handler=who, occurred_at=when, recorded_at=when, derived_from=(DISK.key,))
    with pytest.raises(RecordError, match="derived from itself"):
        Event(**base, action="derived", handler=who, occurred_at=when, recorded_at=when, derived_from=(MAIL.key,))
    with pytest.raises(RecordError, match="derived_from"):
        Event(**base, action="derived", handler=who, occurred_at=when, recorded_at=when, derived_from=("md5:00",))
    plain = Event(**base, action="derived", handler=who, occurred_at=when, recorded_at=when)
    assert "derived_from" not in plain.to_json()  # leaves without a source stay as they were written


@pytest.mark.external
def test_the_report_verifier_applies_the_same_rule(
    new_ledger: Callable[[], Ledger], keys: dict[str, KeyPair], tmp_path: Path
) -> None:
    good = new_ledger("good.db")
    good.add_authority(domestic_order(), keys["amina"], now=utc(2026, 3, 1, 12))
    good.record(keys["amina"], draft("acquired", at=(2026, 3, 4, 10)), now=utc(2026, 3, 4, 11))
    good.record(keys["amina"], derived(DISK.key), now=utc(2026, 3, 5, 10))
    bad = new_ledger("bad.db")
    bad.add_authority(domestic_order(), keys["amina"], now=utc(2026, 3, 1, 12))
    _force(bad, keys["amina"], derived(DISK.key, at=(2026, 3, 4, 9)), utc(2026, 3, 4, 10))
    bad.record(keys["amina"], draft("acquired", at=(2026, 3, 4, 10)), now=utc(2026, 3, 4, 11))
    for ledger, verdict in ((good, "pass"), (bad, "fail")):
        leaves, checkpoint, _ = read_ledger(Path(ledger.store.path))
        data = export_bundle(leaves, checkpoint).bundle.to_bytes()
        page = tmp_path / f"{verdict}.html"
        page.write_text(render_html(bundle_report(data, keys["ledger"]), "en", bundle=data), encoding="utf-8")
        dom = dump_dom(page, tmp_path / f"profile-{verdict}")
        assert browser_verdict(dom) == verdict
        assert ('data-code="chain.source" data-state="fail"' in dom) == (verdict == "fail")
