"""A bundle carries the RFC 3161 time-stamps of its checkpoint; verification checks them against trusted TSA roots."""

from __future__ import annotations

import base64
import json

import pytest

from custody.bundle.format import Bundle, BundleFormatError
from custody.bundle.io import export_ledger
from custody.bundle.outcome import BundleReport
from custody.bundle.summary import text_summary
from custody.bundle.verify import verify_bundle
from custody.ledger.ledger import Ledger
from custody.ledger.timestamps import read_tsa_certs, timestamp_ledger
from custody.model.keys import KeyPair
from evidence.common.report import VerificationError
from tests.custody.conftest import draft
from tests.custody.support.factories import utc
from tests.custody.support.tsa import LocalTsa, tsas_fixture  # noqa: F401 - the `tsas` fixture


def _stamp(ledger: Ledger, tsa: LocalTsa) -> None:
    with tsa.serve() as url:
        timestamp_ledger(ledger.store.path, tsa_url=url)


def _codes(report: BundleReport) -> dict[str, bool]:
    return {f.code: f.ok for f in report.findings if f.code.startswith("timestamp.")}


def test_the_bundle_carries_the_checkpoint_token_and_shows_the_tsa_time(
    scenario: Ledger, keys: dict[str, KeyPair], tsas: dict[str, LocalTsa]
) -> None:
    _stamp(scenario, tsas["trusted"])
    data = export_ledger(scenario.store.path).data
    assert len(Bundle.from_bytes(data).timestamps) == 1
    report = verify_bundle(data, keys["ledger"].info, tsa=read_tsa_certs([tsas["trusted"].ca]))
    assert _codes(report) == {"timestamp.ok": True}
    assert [c.status for c in report.contents.timestamps] == ["verified"]
    french = text_summary(report, "fr")
    assert "L'état signé du registre existait le 20" in french and "CN=Trusted TSA" in french
    # Without roots: carried, not checked, and no finding reads as verified.
    plain = verify_bundle(data, keys["ledger"].info)
    assert _codes(plain) == {} and [c.status for c in plain.contents.timestamps] == ["not checked"]


def test_a_token_from_an_untrusted_tsa_fails_the_bundle(
    scenario: Ledger, keys: dict[str, KeyPair], tsas: dict[str, LocalTsa]
) -> None:
    _stamp(scenario, tsas["rogue"])
    data = export_ledger(scenario.store.path).data
    with pytest.raises(VerificationError) as caught:
        verify_bundle(data, keys["ledger"].info, tsa=read_tsa_certs([tsas["trusted"].ca]))
    assert "unable to get local issuer certificate" in str(caught.value)
    assert _codes(caught.value.report) == {"timestamp.bad": False}  # type: ignore[arg-type]


def test_a_token_over_another_checkpoint_fails_the_bundle(
    scenario: Ledger, keys: dict[str, KeyPair], tsas: dict[str, LocalTsa]
) -> None:
    _stamp(scenario, tsas["trusted"])
    old = Bundle.from_bytes(export_ledger(scenario.store.path).data).timestamps
    scenario.record(
        keys["pierre"], draft("analysed", at=(2026, 4, 3, 9), authorities=("au-fr-31",)), now=utc(2026, 4, 3, 12)
    )
    fresh = export_ledger(scenario.store.path).data
    assert Bundle.from_bytes(fresh).timestamps == ()  # the latest checkpoint was not time-stamped
    with pytest.raises(VerificationError, match="carries no RFC 3161 time-stamp"):
        verify_bundle(fresh, keys["ledger"].info, tsa=read_tsa_certs([tsas["trusted"].ca]))
    # The earlier token put into the new bundle (its bytes stay canonical): named as covering another checkpoint.
    obj = json.loads(fresh)
    obj["timestamps"] = [base64.b64encode(old[0]).decode("ascii")]
    moved = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    with pytest.raises(VerificationError) as caught:
        verify_bundle(moved, keys["ledger"].info, tsa=read_tsa_certs([tsas["trusted"].ca]))
    assert "not this checkpoint" in str(caught.value)


def test_a_malformed_timestamps_member_is_refused(scenario: Ledger, tsas: dict[str, LocalTsa]) -> None:
    _stamp(scenario, tsas["trusted"])
    obj = json.loads(export_ledger(scenario.store.path).data)
    for bad in ([], ["not base64!"], [obj["timestamps"][0] + "="], "abc", [1]):
        obj["timestamps"] = bad
        data = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        with pytest.raises(BundleFormatError, match=r"bundle\.timestamps"):
            Bundle.from_bytes(data)
