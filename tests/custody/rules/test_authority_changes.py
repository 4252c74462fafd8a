"""Authorities change over time: an extension, a validation, a revocation, each a signed ledger entry, applied to
each event at its own time by recording, ledger verification, export and bundle verification alike."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from custody.bundle.export import export_bundle
from custody.bundle.format import Bundle
from custody.bundle.io import export_ledger, read_ledger
from custody.bundle.report import render_html
from custody.bundle.summary import text_summary
from custody.errors import AuthorityError
from custody.ledger.ledger import Ledger
from custody.ledger.verify import verify_ledger
from custody.model.changes import AuthorityChange
from custody.model.entries import sign_entry
from custody.model.keys import KeyPair
from custody.model.records import Offence, Scope
from custody.rules.breach import RecordRefusedError
from custody.rules.events import AuthorityRefusedError
from evidence.common.report import VerificationError
from tests.custody.conftest import draft
from tests.custody.support.factories import domestic_order, preservation_request, utc
from tests.custody.support.verdicts import bundle_report, failed_codes, ledger_findings, ledger_ok, outcome


def change(kind: str, at: tuple[int, ...], **fields: Any) -> AuthorityChange:
    values: dict[str, Any] = {
        "id": f"ac-{kind}-{'-'.join(map(str, at))}",
        "authority": "au-ma-order",
        "change": kind,
        "at": utc(*at),
        "decided_by": "Tribunal de première instance de Rabat",
        "decided_by_type": "court",
        "reference": f"DEC-{kind.upper()}",
        "recorded_at": utc(*at),
    }
    values.update(fields)
    return AuthorityChange(**values)


def epoc_pr(**fields: Any) -> Any:
    values: dict[str, Any] = {
        "id": "au-epoc-pr",
        "instrument": "eu-epoc-pr",
        "issuing_state": "FR",
        "issuing_authority": "Parquet de Paris",
        "issuing_authority_type": "prosecutor",
        "reference": "EPOC-PR-1",
        "issued": utc(2026, 9, 1),
        "valid_from": utc(2026, 9, 1),
        "valid_until": utc(2026, 10, 31),
        "requested_state": "BE",
        "addressee": "Provider SA",
        "offence": Offence(description="escroquerie"),
    }
    values.update(fields)
    return preservation_request(**values)


def epoc_for_content() -> Any:
    """An EPOC for content data issued by a prosecutor: it needs a judge's validation (Art. 4(2))."""
    return epoc_pr(
        id="au-epoc",
        instrument="eu-epoc",
        reference="EPOC-1",
        scope=Scope(categories=("content",)),
        offence=Offence(description="escroquerie en bande organisée", max_penalty_months=120),
    )


def _force(ledger: Ledger, key: KeyPair, kind: str, body: Any) -> None:
    """Append an entry without the rules, as a scelle that did not check them would have written it."""
    with ledger.store.transaction():
        ledger._write([sign_entry(kind, body, [key])])


def _force_event(ledger: Ledger, key: KeyPair, action: str, at: tuple[int, ...], **fields: Any) -> None:
    event = ledger.build_event(draft(action, at=at, **fields), key.info.handler, now=utc(*at, 1))
    _force(ledger, key, "event", event)


def _bundle(ledger: Ledger) -> bytes:
    leaves, checkpoint, _ = read_ledger(Path(ledger.store.path))
    return export_bundle(leaves, checkpoint).bundle.to_bytes()


@pytest.fixture
def ordered(new_ledger: Callable[[], Ledger], keys: dict[str, KeyPair]) -> Ledger:
    """The Rabat order (1 March to 1 June 2026) and the disk seized under it on 3 March."""
    ledger = new_ledger()
    ledger.add_authority(domestic_order(), keys["amina"], now=utc(2026, 3, 1, 12))
    ledger.record(keys["amina"], draft("seized", seal="SC-17"), now=utc(2026, 3, 3, 10))
    return ledger


# Revocation


def test_event_after_revocation_is_refused_and_before_it_is_recorded(ordered: Ledger, keys: dict[str, KeyPair]) -> None:
    amina = keys["amina"]
    authority_leaf = ordered.store.leaf_at(2)
    ordered.change_authority(change("revoke", (2026, 4, 1), reason="annulation de la procédure"), amina)
    assert ordered.store.leaf_at(2) == authority_leaf  # the authority entry is left as it was
    with pytest.raises(AuthorityRefusedError, match=r"revoked from 2026-04-01T00:00:00Z by Tribunal") as refused:
        ordered.record(amina, draft("acquired", at=(2026, 4, 2)), now=utc(2026, 4, 2, 1))
    french = refused.value.explain("fr")
    assert "révoquée à compter du 2026-04-01T00:00:00Z par Tribunal de première instance de Rabat" in french
    assert french.startswith("événement refusé (copie forensique réalisée) : L'événement")
    # An acquisition made before the revocation, written up after it, is still covered.
    ordered.record(amina, draft("acquired", at=(2026, 3, 20)), now=utc(2026, 4, 3))
    path = Path(ordered.store.path)
    assert ledger_ok(path, keys["ledger"]), ledger_findings(path, keys["ledger"])
    data = export_ledger(path).data
    report = bundle_report(data, keys["ledger"])
    assert report.ok, failed_codes(report)
    assert [c.change for c in report.contents.changes["au-ma-order"]] == ["revoke"]
    html = render_html(report, "fr")
    assert "Révoquée par Tribunal de première instance de Rabat (juridiction) à compter du 2026-04-01 00:00 UTC" in html
    assert "annulation de la procédure" in html
    summary = text_summary(report, "en")
    assert "Revoked by Tribunal de première instance de Rabat (court) from 2026-04-01 00:00 UTC" in summary


def test_event_after_revocation_fails_ledger_and_bundle_verification(ordered: Ledger, keys: dict[str, KeyPair]) -> None:
    ordered.change_authority(change("revoke", (2026, 4, 1)), keys["amina"])
    _force_event(ordered, keys["amina"], "acquired", (2026, 4, 2))
    path = Path(ordered.store.path)
    report = outcome(lambda: verify_ledger(str(path), trust=keys["ledger"].info.vkey))
    assert len(report.findings) == 1 and "revoked from 2026-04-01" in report.findings[0]
    (french,) = report.texts("fr")
    assert french.startswith("entrée 5 (événement ev-") and "révoquée à compter du 2026-04-01T00:00:00Z" in french
    bundle = bundle_report(_bundle(ordered), keys["ledger"])
    assert failed_codes(bundle) == {"authority.cover"}
    (cover,) = [f for f in bundle.findings if not f.ok]
    assert "n'est couvert par aucune autorisation légale valide" in cover.text("fr")
    assert "révoquée à compter du" in cover.text("fr")
    with pytest.raises(VerificationError):
        export_ledger(path)


def test_a_change_is_refused_after_a_revocation_or_before_the_issue(ordered: Ledger, keys: dict[str, KeyPair]) -> None:
    amina = keys["amina"]
    with pytest.raises(RecordRefusedError, match="before the authority was issued") as early:
        ordered.change_authority(change("revoke", (2026, 2, 1), recorded_at=utc(2026, 3, 5)), amina)
    assert "prend effet le 2026-02-01T00:00:00Z, avant l'émission" in early.value.localised("fr").args[0]
    ordered.change_authority(change("revoke", (2026, 4, 1)), amina)
    with pytest.raises(AuthorityError, match="the authority is revoked from 2026-04-01"):
        ordered.change_authority(change("revoke", (2026, 4, 2)), amina)
    with pytest.raises(RecordRefusedError, match="changes unknown authority au-nowhere"):
        ordered.change_authority(change("revoke", (2026, 4, 2), authority="au-nowhere"), amina)


# Extension


@pytest.fixture
def preserved(new_ledger: Callable[[], Ledger], keys: dict[str, KeyPair]) -> Ledger:
    """An EPOC-PR: 60 days from 1 September 2026, the disk secured under it on 2 September."""
    ledger = new_ledger()
    ledger.add_authority(epoc_pr(), keys["amina"], now=utc(2026, 9, 1, 12))
    ledger.record(keys["amina"], draft("seized", at=(2026, 9, 2), authorities=("au-epoc-pr",)), now=utc(2026, 9, 2, 1))
    return ledger


def _extend(until: tuple[int, ...], at: tuple[int, ...] = (2026, 10, 20)) -> AuthorityChange:
    return change(
        "extend",
        at,
        authority="au-epoc-pr",
        valid_until=utc(*until),
        decided_by="Parquet de Paris",
        decided_by_type="prosecutor",
    )


def test_epoc_pr_extended_by_30_days_covers_the_event_inside_the_new_window(
    preserved: Ledger, keys: dict[str, KeyPair]
) -> None:
    amina = keys["amina"]
    late = draft("acquired", at=(2026, 11, 10), authorities=("au-epoc-pr",))
    with pytest.raises(AuthorityRefusedError, match="not valid at 2026-11-10"):
        preserved.record(amina, late, now=utc(2026, 11, 10, 1))
    with pytest.raises(RecordRefusedError, match=r"more than the 30 days") as too_long:
        preserved.change_authority(_extend((2026, 12, 2)), amina)
    assert "au-delà des 30 jours permis" in too_long.value.localised("fr").args[0]
    with pytest.raises(RecordRefusedError, match="after the authority lapsed"):
        preserved.change_authority(_extend((2026, 11, 30), at=(2026, 11, 2)), amina)
    preserved.change_authority(_extend((2026, 11, 30)), amina)
    with pytest.raises(RecordRefusedError, match="may be extended 1 time"):
        preserved.change_authority(_extend((2026, 12, 20), at=(2026, 11, 20)), amina)
    preserved.record(amina, late, now=utc(2026, 11, 10, 1))
    with pytest.raises(AuthorityRefusedError, match="not valid at 2026-12-01"):
        preserved.record(amina, draft("seized", at=(2026, 12, 1), authorities=("au-epoc-pr",)), now=utc(2026, 12, 1, 1))
    path = Path(preserved.store.path)
    assert ledger_ok(path, keys["ledger"]), ledger_findings(path, keys["ledger"])
    report = bundle_report(export_ledger(path).data, keys["ledger"])
    assert report.ok, failed_codes(report)
    html = render_html(report, "fr")
    extended = "Prolongée jusqu'au 2026-11-30 00:00 UTC+00:00 par Parquet de Paris (procureur), à compter du 2026-10-20"
    assert extended in html


def test_bundle_without_the_extension_fails_closed(preserved: Ledger, keys: dict[str, KeyPair]) -> None:
    preserved.change_authority(_extend((2026, 11, 30)), keys["amina"])
    preserved.record(
        keys["amina"], draft("acquired", at=(2026, 11, 10), authorities=("au-epoc-pr",)), now=utc(2026, 11, 10, 1)
    )
    bundle = Bundle.from_bytes(_bundle(preserved), "bundle")
    kinds = [e.leaf for e in bundle.entries if b'"kind":"authority-change"' in e.leaf]
    assert len(kinds) == 1  # export carries the change of the cited authority
    stripped = Bundle(
        checkpoint=bundle.checkpoint,
        selection=bundle.selection,
        entries=tuple(e for e in bundle.entries if b'"kind":"authority-change"' not in e.leaf),
    )
    report = bundle_report(stripped.to_bytes(), keys["ledger"])
    assert failed_codes(report) == {"authority.cover"}
    assert any("non valide le 2026-11-10" in f.text("fr") for f in report.findings if not f.ok)


def test_budapest_29_preservation_is_extended_beyond_60_days(
    new_ledger: Callable[[], Ledger], keys: dict[str, KeyPair]
) -> None:
    ledger = new_ledger()
    amina = keys["amina"]
    ledger.add_authority(preservation_request(), amina, now=utc(2026, 3, 2, 12))
    extension = change(
        "extend", (2026, 4, 30), authority="au-fr-29", valid_until=utc(2026, 7, 1), decided_by="Parquet de Paris"
    )
    ledger.change_authority(extension, amina)
    ledger.record(amina, draft("seized", at=(2026, 6, 1), authorities=("au-fr-29",)), now=utc(2026, 6, 1, 1))
    assert ledger_ok(Path(ledger.store.path), keys["ledger"])


def test_an_order_without_extension_cannot_be_extended(ordered: Ledger, keys: dict[str, KeyPair]) -> None:
    with pytest.raises(RecordRefusedError, match="cannot be extended") as refused:
        ordered.change_authority(change("extend", (2026, 5, 1), valid_until=utc(2026, 7, 1)), keys["amina"])
    assert (
        "Mandat ou ordonnance de droit interne : aucune prolongation n'est prévue"
        in refused.value.localised("fr").args[0]
    )


# Validation


def test_epoc_used_before_validation_fails_and_after_it_passes(
    new_ledger: Callable[[], Ledger], keys: dict[str, KeyPair]
) -> None:
    ledger = new_ledger()
    amina = keys["amina"]
    ledger.add_authority(epoc_for_content(), amina, now=utc(2026, 9, 1, 12))
    early = draft("acquired", at=(2026, 9, 2), authorities=("au-epoc",))
    with pytest.raises(AuthorityRefusedError, match="not yet validated on 2026-09-02") as refused:
        ledger.record(amina, early, now=utc(2026, 9, 2, 1))
    assert "pas encore validée le 2026-09-02T00:00:00Z" in refused.value.explain("fr")
    assert "(juridiction ou juge d'instruction ou juge)" in refused.value.explain("fr")
    by_prosecutor = change(
        "validate", (2026, 9, 3), authority="au-epoc", decided_by="Parquet", decided_by_type="prosecutor"
    )
    with pytest.raises(RecordRefusedError, match="validated by a prosecutor; this order needs a court"):
        ledger.change_authority(by_prosecutor, amina)
    by_judge = change("validate", (2026, 9, 3), authority="au-epoc", decided_by="JLD Paris", decided_by_type="judge")
    ledger.change_authority(by_judge, amina)
    with pytest.raises(RecordRefusedError, match="already validated"):
        ledger.change_authority(replace_id(by_judge, "ac-again"), amina)
    # Still refused before the validation took effect, accepted after it.
    with pytest.raises(AuthorityRefusedError, match="not yet validated"):
        ledger.record(amina, early, now=utc(2026, 9, 3, 1))
    ledger.record(amina, draft("acquired", at=(2026, 9, 4), authorities=("au-epoc",)), now=utc(2026, 9, 4, 1))
    path = Path(ledger.store.path)
    assert ledger_ok(path, keys["ledger"]), ledger_findings(path, keys["ledger"])
    report = bundle_report(export_ledger(path).data, keys["ledger"])
    assert report.ok, failed_codes(report)
    assert "Validée par JLD Paris (juge) le 2026-09-03 00:00 UTC" in render_html(report, "fr")
    # An event forced in before the validation fails both verifications.
    _force_event(ledger, amina, "analysed", (2026, 9, 2, 12), authorities=("au-epoc",), late_reason="forced")
    findings = ledger_findings(path, keys["ledger"])
    assert any("not yet validated on 2026-09-02T12:00:00Z" in f for f in findings), findings
    assert "authority.cover" in failed_codes(bundle_report(_bundle(ledger), keys["ledger"]))


def replace_id(record: AuthorityChange, new_id: str) -> AuthorityChange:
    from dataclasses import replace

    return replace(record, id=new_id)


def test_a_forced_bad_change_is_reported_and_not_applied(preserved: Ledger, keys: dict[str, KeyPair]) -> None:
    _force(preserved, keys["amina"], "authority-change", _extend((2027, 1, 31)))
    _force_event(preserved, keys["amina"], "acquired", (2026, 12, 1), authorities=("au-epoc-pr",))
    findings = ledger_findings(Path(preserved.store.path), keys["ledger"])
    assert any("(authority-change ac-extend" in f and "more than the 30 days" in f for f in findings), findings
    assert any("not valid at 2026-12-01" in f for f in findings), findings
    codes = failed_codes(bundle_report(_bundle(preserved), keys["ledger"]))
    assert codes == {"authority.change", "authority.cover"}
