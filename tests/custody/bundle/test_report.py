"""The prosecutor's report (HTML, French and English), the terminal summary, and the translation tables."""

from __future__ import annotations

import re
import struct
import subprocess
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from custody import i18n
from custody.bundle.export import export_bundle
from custody.bundle.outcome import BundleReport
from custody.bundle.report import render_html
from custody.bundle.summary import text_summary
from custody.bundle.verify import verify_bundle
from custody.model.keys import generate_key
from custody.model.vocabulary import ACTIONS, AUTHORITY_TYPES, DATA_CATEGORIES, INSTRUMENT_NAMES
from custody.rules.instruments import INSTRUMENTS
from tests.custody.support import verdicts
from tests.custody.support.bundle_scenario import Scenario, authorities, build
from tests.support.tools import tool

ROOT = Path(__file__).resolve().parents[3]
CHECKED = datetime(2026, 5, 4, 9, 30, tzinfo=UTC)


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    return build(tmp_path_factory.mktemp("report"))


@pytest.fixture(scope="module")
def report(scenario: Scenario) -> BundleReport:
    data = export_bundle(scenario.leaves, scenario.checkpoint()).bundle.to_bytes()
    result = verify_bundle(data, scenario.ledger_key.info.public_key, [scenario.laptop])
    assert result.ok
    return result


def refused(scenario: Scenario) -> BundleReport:
    other = generate_key(name="Autre", role="ledger", organisation="X", country="FR")
    data = export_bundle(scenario.leaves, scenario.checkpoint()).bundle.to_bytes()
    report: BundleReport = verdicts.refused(lambda: verify_bundle(data, other.info.public_key))
    return report


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_report_is_self_contained_html_in_its_language(report: BundleReport, lang: str) -> None:
    page = render_html(report, lang, checked_at=CHECKED, tool="scelle test")
    assert page.startswith("<!DOCTYPE html>")
    assert f'<html lang="{lang}">' in page
    assert not re.search(r"<script|<link|<img|<iframe|@import|url\(|\b(src|href)\s*=", page, re.IGNORECASE)
    assert "http://" not in page and "https://" not in page
    assert '<meta charset="utf-8">' in page and "@media print" in page


def test_french_report_says_everything_in_french(report: BundleReport) -> None:
    page = render_html(report, "fr", checked_at=CHECKED)
    for text in (
        "Chaîne de possession",
        "Verdict\u00a0: VÉRIFIÉ",
        "Convention de Budapest, art. 29 (conservation rapide)",
        "remis",
        "Reçu par",
        "Maroc (MA)",
        "France (FR)",
        "juge d'instruction",
        "données de contenu",
        "Comment le vérifier de façon indépendante",
        "2026-05-04 09:30 UTC",
    ):
        assert text in page, text
    assert "VERIFIED" not in page and "Timeline" not in page


def test_english_report_says_everything_in_english(report: BundleReport) -> None:
    page = render_html(report, "en", checked_at=CHECKED)
    for text in (
        "Chain of custody",
        "Verdict: VERIFIED",
        "Budapest Convention, Art. 31",
        "handed over",
        "Received by",
        "Morocco (MA)",
        "How to check this independently",
    ):
        assert text in page, text
    assert "VÉRIFIÉ" not in page


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_report_lists_every_artefact_event_and_authority(report: BundleReport, lang: str) -> None:
    page = render_html(report, lang)
    contents = report.contents
    for event in contents.events:
        assert event.id in page
        assert event.handler.name in page and event.handler.organisation in page
        assert event.occurred_tz in page
    for artefact in (a for e in contents.events for a in e.artefacts):
        for value in artefact.digests.values():
            assert value in page
    for authority in contents.authorities.values():
        assert authority.reference in page
        assert f"{authority.valid_until:%Y-%m-%d %H:%M} UTC" in page
    for key in contents.keys:
        assert key in page
    assert "SC-2026-17" in page


def test_transfer_shows_the_report_zone_and_the_original_zone_with_offsets(report: BundleReport) -> None:
    # 2026-04-02 09:00 UTC is 10:00 in Casablanca (UTC+01:00 after Ramadan): the report's one zone first, then the
    # zone the handler gave, with the time there
    page = render_html(report, "en")
    assert "2026-04-02 09:00 UTC+00:00" in page
    assert "original zone: Africa/Casablanca, 2026-04-02 10:00 UTC+01:00" in page
    paris = render_html(report, "fr", zone="Europe/Paris")
    assert "2026-04-02 11:00 UTC+02:00" in paris and "fuseau d'origine\u00a0: Africa/Casablanca, 2026-04-02" in paris
    assert "2026-04-02 09:00 UTC+00:00" not in paris


def test_values_are_escaped(tmp_path: Path) -> None:
    s = build(tmp_path)
    sealed = next(e.body for e in s.entries if e.kind == "event" and e.body.id == "ev-005")  # type: ignore[union-attr]
    hostile = '<script>alert("x")</script> & <b>bold</b>'
    s.add_event(replace(sealed, id="ev-009", location=hostile), s.examiner_ma)  # type: ignore[arg-type]
    data = export_bundle(s.leaves, s.checkpoint()).bundle.to_bytes()
    result = verdicts.outcome(lambda: verify_bundle(data, s.ledger_key.info.public_key))  # refused (out of order)
    page = render_html(result, "fr")
    assert "<script>" not in page and "<b>bold</b>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_refused_bundle_report_says_not_verified(scenario: Scenario, lang: str) -> None:
    result = refused(scenario)
    page = render_html(result, lang)
    word = i18n.pick(i18n.VERDICT[False], lang)
    assert f"{word}</div>" in page and 'class="verdict bad"' in page
    for finding in result.failures():
        assert i18n.finding(finding.code, finding.params, lang).split(":")[0] in page
    summary = text_summary(result, lang)
    assert word in summary.splitlines()[1]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_summary_has_verdict_then_one_line_per_finding(report: BundleReport, lang: str) -> None:
    lines = text_summary(report, lang).splitlines()
    assert report.contents.header is not None and report.contents.header.case in lines[0]
    assert lines[1].endswith(i18n.pick(i18n.VERDICT[True], lang))
    marks = [line for line in lines if line.startswith(f"  [{i18n.label('ok', lang)}]")]
    assert len(marks) == len(report.findings)


def test_every_vocabulary_value_is_translated() -> None:
    assert set(i18n.ACTIONS) == set(ACTIONS)
    assert set(i18n.INSTRUMENTS) == set(INSTRUMENT_NAMES) == set(INSTRUMENTS)
    assert set(i18n.CATEGORIES) == set(DATA_CATEGORIES)
    assert set(i18n.AUTHORITY_TYPES) == set(AUTHORITY_TYPES)
    for table in (i18n.ACTIONS, i18n.INSTRUMENTS, i18n.CATEGORIES, i18n.AUTHORITY_TYPES, i18n.LABELS, i18n.FINDINGS):
        for english, french in table.values():
            assert english.strip() and french.strip()
    assert i18n.label("title", "fr") == "Chaîne de possession : rapport de vérification"
    assert i18n.INSTRUMENTS["budapest-29"][1] == "Convention de Budapest, art. 29 (conservation rapide)"


def test_every_finding_code_has_a_message_with_its_parameters() -> None:
    sources = (ROOT / "custody/bundle/verify.py").read_text() + (ROOT / "custody/rules/chain.py").read_text()
    codes = set(re.findall(r'"([a-z]+\.[a-z]+)"', sources)) - {"b.json"}
    assert len(codes) >= 25
    assert codes <= set(i18n.FINDINGS), codes - set(i18n.FINDINGS)
    for english, french in i18n.FINDINGS.values():
        assert set(re.findall(r"{(\w+)}", english)) == set(re.findall(r"{(\w+)}", french))


def test_unknown_language_is_refused(report: BundleReport) -> None:
    with pytest.raises(i18n.LanguageError, match="'de'"):
        render_html(report, "de")


def test_authority_instrument_titles_are_used(report: BundleReport) -> None:
    page = render_html(report, "fr")
    for authority in authorities():
        assert i18n.pick(i18n.INSTRUMENTS[authority.instrument], "fr") in page


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


@pytest.mark.external
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_report_renders_in_headless_chromium(report: BundleReport, lang: str, tmp_path: Path) -> None:
    chromium = tool("chromium")
    page = tmp_path / f"report-{lang}.html"
    page.write_text(render_html(report, lang, checked_at=CHECKED), encoding="utf-8")
    shot = tmp_path / "x.png"
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={shot}",
            "--window-size=1200,1600",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    assert png_size(shot) == (1200, 1600)
    # A blank 1200x1600 page compresses to a few kilobytes; a page of tables and text is far larger.
    assert shot.stat().st_size > 60_000
