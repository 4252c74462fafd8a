"""Witnesses' cosignatures checked in the page (custody/bundle/verifier.js) as ``verify --witness`` checks them: the
same verdict and the same finding codes on a 2-of-3 quorum met and missed, a corrupted or misdirected cosignature,
a witness counted once, and lines from keys nobody trusts; and a report made with witnesses carries them to the page.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from custody.bundle.export import export_bundle
from custody.bundle.format import Bundle
from custody.bundle.report import render_html
from custody.bundle.selfcheck import facts, verifier_source
from custody.bundle.verify import verify_bundle
from custody.model.keys import KeyPair, generate_key
from custody.tlog.cosignature import WitnessKey, attach, cosign
from custody.tlog.notes import parse_note
from tests.custody.support.browser import browser_verdict, dump_dom, offline
from tests.custody.support.bundle_scenario import Scenario, build
from tests.custody.support.verdicts import outcome

T = 1_775_000_000
HARNESS = """
(async () => {
  const cases = JSON.parse(document.getElementById("cases").textContent);
  const facts = JSON.parse(document.getElementById("facts").textContent);
  const out = [];
  for (const c of cases) {
    const key = { name: null, publicKey: ScelleVerifier.b64decode(c.key) };
    const options = { witnesses: c.witnesses, quorum: c.quorum };
    const result = await ScelleVerifier.verify(ScelleVerifier.b64decode(c.bundle), key, facts, options);
    const failed = result.findings.filter((f) => f.ok === false).map((f) => f.code);
    out.push([result.ok ? "pass" : "fail", [...new Set(failed)].sort()]);
  }
  document.getElementById("results").textContent = JSON.stringify(out);
})();
"""
Case = tuple[str, bytes, list[str], int]


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    return build(tmp_path_factory.mktemp("witness"))


def _witness(name: str) -> tuple[KeyPair, str]:
    key = generate_key(name=name, role="witness", organisation="Témoin", country="SN")
    return key, WitnessKey(name, key.info.public_key).vkey


def cases(bundle: Bundle) -> list[Case]:
    (w1, v1), (w2, v2), (_, v3), (w4, _) = (_witness(n) for n in ("temoin-a", "temoin-b", "temoin-c", "inconnu"))
    text = parse_note(bundle.checkpoint)[0]
    line = {name: cosign(text, name, key.private_key, T) for name, key in (("temoin-a", w1), ("temoin-b", w2))}
    two = replace(bundle, checkpoint=attach(bundle.checkpoint, list(line.values()))).to_bytes()
    origin, _, root = text.splitlines()[:3]
    elsewhere = cosign(f"{origin}\n1\n{root}\n", "temoin-a", w1.private_key, T)  # a checkpoint of another size
    sig = bytearray(line["temoin-b"].signature)
    sig[20] ^= 1
    corrupted = replace(line["temoin-b"], signature=bytes(sig))
    stranger = cosign(text, "inconnu", w4.private_key, T)
    renamed = replace(cosign(text, "temoin-c", w4.private_key, T), key_id=bytes(4))
    note = lambda *lines: replace(bundle, checkpoint=attach(bundle.checkpoint, list(lines))).to_bytes()  # noqa: E731
    every = [v1, v2, v3]
    return [
        ("two of three, quorum 2", two, every, 2),
        ("two of three, quorum 1", two, every, 1),
        ("two of three, quorum 3", two, every, 3),
        ("only the third trusted", two, [v3], 1),
        ("one witness corrupted", note(line["temoin-a"], corrupted), every, 1),
        ("one witness over another checkpoint", note(elsewhere, line["temoin-b"]), every, 1),
        ("a stranger's cosignature only", note(stranger), [v1], 1),
        ("a stranger's cosignature beside two", note(line["temoin-a"], stranger, line["temoin-b"]), every, 2),
        ("a line under a trusted name with another key ID", note(renamed, line["temoin-a"]), every, 1),
        ("no cosignature, quorum 1", bundle.to_bytes(), every, 1),
    ]


def python_result(data: bytes, key: bytes, witnesses: list[str], quorum: int) -> list[Any]:
    report = outcome(lambda: verify_bundle(data, key, witnesses=witnesses, quorum=quorum))
    return ["pass" if report.ok else "fail", sorted({f.code for f in report.failures()})]


def browser_results(items: list[Case], key: bytes, tmp_path: Path) -> list[Any]:
    data = [
        {"bundle": base64.b64encode(b).decode(), "key": base64.b64encode(key).decode(), "witnesses": w, "quorum": q}
        for _, b, w, q in items
    ]
    page = tmp_path / "witness.html"
    page.write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>'
        f'<script type="application/json" id="cases">{json.dumps(data)}</script>'
        f'<script type="application/json" id="facts">{json.dumps(facts())}</script>'
        f'<pre id="results"></pre><script>{verifier_source()}\n{HARNESS}</script></body></html>',
        encoding="utf-8",
    )
    found = re.search(r'<pre id="results">(.*?)</pre>', dump_dom(page, tmp_path / "profile"), re.DOTALL)
    assert found is not None and found.group(1), "the verifier did not finish in the browser"
    results: list[Any] = json.loads(found.group(1))
    return results


@pytest.mark.external
def test_browser_checks_cosignatures_as_verify_witness_does(scenario: Scenario, tmp_path: Path) -> None:
    assert offline() or pytest.skip("cannot run Chromium without a network here (unshare -n)")
    key = scenario.ledger_key.info.public_key
    bundle = export_bundle(scenario.leaves, scenario.checkpoint()).bundle
    items = cases(bundle)
    python = [python_result(data, key, w, q) for _, data, w, q in items]
    browser = browser_results(items, key, tmp_path)
    assert [(name, p, b) for (name, *_), p, b in zip(items, python, browser, strict=True) if p != b] == []
    verdicts = {name: p[0] for (name, *_), p in zip(items, python, strict=True)}
    assert [name for name, v in verdicts.items() if v == "pass"] == [
        "two of three, quorum 2",
        "two of three, quorum 1",
        "a stranger's cosignature beside two",
        "a line under a trusted name with another key ID",
    ]
    assert {code for p in python for code in p[1]} == {"checkpoint.quorum", "checkpoint.cosignature_bad"}


@pytest.mark.external
def test_report_made_with_witnesses_checks_them_in_the_page(scenario: Scenario, tmp_path: Path) -> None:
    assert offline() or pytest.skip("cannot run Chromium without a network here (unshare -n)")
    key = scenario.ledger_key.info.public_key
    bundle = export_bundle(scenario.leaves, scenario.checkpoint()).bundle
    _, data, witnesses, _ = cases(bundle)[0]
    for quorum, verdict in ((2, "pass"), (3, "fail")):
        report = outcome(lambda q=quorum: verify_bundle(data, key, witnesses=witnesses, quorum=q))
        page = tmp_path / f"rapport-{quorum}.html"
        page.write_text(render_html(report, "fr", bundle=data, key_source="registre.pub"), encoding="utf-8")
        dom = dump_dom(page, tmp_path / f"p{quorum}")
        assert browser_verdict(dom) == verdict
        code = "checkpoint.witnessed" if verdict == "pass" else "checkpoint.quorum"
        assert f'data-code="{code}"' in dom and 'data-code="browser.cosignatures"' not in dom
