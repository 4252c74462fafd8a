"""The self-verifying report: the page checks the embedded bundle itself in headless Chromium, offline."""

from __future__ import annotations

import base64
import hashlib
import html
import re
from pathlib import Path

import pytest

from custody.bundle.export import export_bundle
from custody.bundle.report import render_html
from custody.bundle.selfcheck import page_script, script_hash
from custody.bundle.verify import BundleReport, verify_bundle
from custody.model.keys import generate_key
from custody.model.trust import TrustedKey
from tests.custody.support import verdicts
from tests.custody.support.browser import browser_verdict, dump_dom, page_requests
from tests.custody.support.bundle_scenario import Scenario, build


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    return build(tmp_path_factory.mktemp("selfcheck"))


@pytest.fixture(scope="module")
def bundle(scenario: Scenario) -> bytes:
    return export_bundle(scenario.leaves, scenario.checkpoint()).bundle.to_bytes()


def page(scenario: Scenario, bundle: bytes, lang: str, trusted: bytes | None = None) -> str:
    key = trusted or scenario.ledger_key.info.public_key
    if trusted is None:
        report = verify_bundle(bundle, key)
    else:
        report = verdicts.refused(lambda: verify_bundle(bundle, key))
    assert isinstance(report, BundleReport)
    return render_html(report, lang, bundle=bundle, key_source="ledger.db", sender=True)


def test_page_embeds_the_exact_bundle_and_allows_only_its_own_script(scenario: Scenario, bundle: bytes) -> None:
    text = page(scenario, bundle, "en")
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', text)
    assert policy is not None
    rules = dict(rule.strip().split(" ", 1) for rule in policy.group(1).split(";"))
    assert rules["default-src"] == "'none'" and "connect-src" not in rules
    assert rules["script-src"] == script_hash(page_script())
    scripts = re.findall(r"<script>(.*?)</script>", text, re.DOTALL)
    assert scripts == [page_script()]  # the only script that runs is the one the policy names
    assert not re.search(r"<link|<img|<iframe|@import|url\(|\b(src|href)\s*=", text, re.IGNORECASE)
    assert "http://" not in text and "https://" not in text
    assert "<noscript>" in text
    fingerprint = "sha256:" + hashlib.sha256(scenario.ledger_key.info.public_key).hexdigest()
    assert fingerprint in html.unescape(text)


def test_no_script_no_verdict(scenario: Scenario, bundle: bytes) -> None:
    text = page(scenario, bundle, "fr")
    assert 'data-verdict="none"' in text  # what a browser without JavaScript keeps
    assert "Aucun verdict du navigateur : JavaScript est désactivé" in html.unescape(text)


@pytest.mark.external
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_browser_verifies_the_valid_bundle(scenario: Scenario, bundle: bytes, lang: str, tmp_path: Path) -> None:
    path = tmp_path / "rapport.html"
    path.write_text(page(scenario, bundle, lang), encoding="utf-8")
    dom = dump_dom(path, tmp_path / "profile")
    assert browser_verdict(dom) == "pass"
    states = re.findall(r'data-code="([\w.]+)" data-state="(\w+)"', dom)
    assert ("signatures.ok", "ok") in states and ("proofs.ok", "ok") in states and ("checkpoint.ok", "ok") in states
    assert all(state != "fail" for _, state in states)
    notes = re.findall(r'<p [^>]*data-shown="fail"[^>]*>', dom)
    assert len(notes) == 4 and all("hidden" in tag for tag in notes)  # no warning on a verified bundle
    word = "Verdict du navigateur : VÉRIFIÉ" if lang == "fr" else "Browser verdict: VERIFIED"
    text = html.unescape(re.sub(r"<script\b.*?</script>", "", dom, flags=re.DOTALL))  # what a reader sees
    assert word in text
    assert "[[" not in text  # every count took its form, in the page's own findings too
    counts = r"\d+ événements? \(dont \d+ remises? signées? par les deux parties\)" if lang == "fr" else r"\d+ events?"
    assert len(re.findall(counts, text)) >= 2, text  # the browser's finding and scelle's printed one


@pytest.mark.external
def test_browser_refuses_a_wrong_key_and_a_flipped_byte(scenario: Scenario, bundle: bytes, tmp_path: Path) -> None:
    other = generate_key(name="Autre", role="ledger", organisation="X", country="FR").info.public_key
    path = tmp_path / "wrong-key.html"
    path.write_text(page(scenario, bundle, "fr", trusted=other), encoding="utf-8")
    assert browser_verdict(dump_dom(path, tmp_path / "p1")) == "fail"
    at = bundle.index(b'"location": "') + 15
    flipped = bundle[:at] + bytes([bundle[at] ^ 0x01]) + bundle[at + 1 :]
    text = page(scenario, bundle, "en").replace(base64.b64encode(bundle).decode(), base64.b64encode(flipped).decode())
    path = tmp_path / "flipped.html"
    path.write_text(text, encoding="utf-8")
    dom = dump_dom(path, tmp_path / "p2")
    assert browser_verdict(dom) == "fail"
    assert 'data-code="signature.bad" data-state="fail"' in dom


def test_trusted_key_name_travels(scenario: Scenario, bundle: bytes) -> None:
    trusted = TrustedKey(scenario.key_name, scenario.ledger_key.info.public_key)
    report = verify_bundle(bundle, trusted)
    assert scenario.key_name in render_html(report, "en", bundle=bundle)


@pytest.mark.external
def test_page_makes_no_request(scenario: Scenario, bundle: bytes, tmp_path: Path) -> None:
    path = tmp_path / "rapport.html"
    path.write_text(page(scenario, bundle, "fr"), encoding="utf-8")
    assert page_requests(path, tmp_path / "p1", tmp_path / "net.json") == []
    # The detector sees a page that does ask for something (the same report with an image and a script added).
    leaky = tmp_path / "leaky.html"
    text = path.read_text(encoding="utf-8").replace("<body>", '<body><img src="http://example.invalid/i.png">', 1)
    text = text.replace("default-src 'none'", "default-src *", 1)
    leaky.write_text(text, encoding="utf-8")
    assert page_requests(leaky, tmp_path / "p2", tmp_path / "net2.json") == ["http://example.invalid/i.png"]


@pytest.mark.external
def test_failed_browser_check_warns_on_every_table_and_marks_the_failed_rows(
    scenario: Scenario, bundle: bytes, tmp_path: Path
) -> None:
    at = bundle.index(b'"location": "') + 15
    flipped = bundle[:at] + bytes([bundle[at] ^ 0x01]) + bundle[at + 1 :]
    text = page(scenario, bundle, "fr").replace(base64.b64encode(bundle).decode(), base64.b64encode(flipped).decode())
    path = tmp_path / "flipped.html"
    path.write_text(text, encoding="utf-8")
    dom = html.unescape(dump_dom(path, tmp_path / "p"))
    sections = re.findall(r'<section class="data">(.*?)</section>', dom, re.DOTALL)
    assert len(sections) == 4
    assert all("votre navigateur n'a PAS vérifié le dossier" in part for part in sections)
    shown = [re.findall(r'<p [^>]*data-shown="fail"[^>]*>', part) for part in sections]
    assert all(len(tags) == 1 and "hidden" not in tags[0] for tags in shown)  # revealed by the page's script
    assert '<tr class="failed">' in dom


def test_export_report_is_the_senders_and_says_where_its_key_came_from(scenario: Scenario, bundle: bytes) -> None:
    text = html.unescape(page(scenario, bundle, "fr"))
    assert "Verdict de scelle sur l'ordinateur de l'expéditeur, à l'export" in text
    assert "(fichier ledger.db)" in text and "pas une vérification indépendante" in text
    report = verify_bundle(bundle, scenario.ledger_key.info.public_key)
    reader = html.unescape(render_html(report, "en", bundle=bundle, key_source="ledger.pub"))
    assert "against the key given with --trust (ledger.pub)" in reader


@pytest.mark.external
def test_print_is_a4(scenario: Scenario, bundle: bytes, tmp_path: Path) -> None:
    path = tmp_path / "rapport.html"
    path.write_text(page(scenario, bundle, "fr"), encoding="utf-8")
    pdf = tmp_path / "rapport.pdf"
    dump_dom(path, tmp_path / "p", extra=(f"--print-to-pdf={pdf}", "--no-pdf-header-footer"))
    boxes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf.read_bytes())
    assert len(boxes) >= 2  # several pages
    for width, height in boxes:  # A4 is 595.28 x 841.89 points
        assert abs(float(width) - 595.3) < 1.5 and abs(float(height) - 841.9) < 1.5
