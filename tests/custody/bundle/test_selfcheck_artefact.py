"""The reader's artefact check: the page's incremental SHA-256 against hashlib, and the file input of the real page."""

from __future__ import annotations

import base64
import hashlib
import html
import json
from importlib import resources
from pathlib import Path

import pytest

from custody.bundle.export import export_bundle
from custody.bundle.report import render_html
from custody.bundle.verify import verify_bundle
from tests.custody.support.browser import DevTools
from tests.custody.support.bundle_scenario import Scenario, build

MIB = 1024 * 1024
SIZES = [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000, MIB - 1, MIB, MIB + 1]
HARNESS = """
(async () => {
  const pattern = (n) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7 + (i >> 8)) & 255);
  const hex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  const out = {};
  for (const size of SIZES) {
    const data = pattern(size);
    const whole = hex(new Sha256().update(data).digest());
    const pieces = new Sha256();
    for (let at = 0, step = 1; at < size; at += step, step = ((step * 7 + 3) % 200) + 1)
      pieces.update(data.subarray(at, at + step));
    const sliced = await sha256Blob(new Blob([data]), () => {}, size > 5000 ? 65536 : 7);
    out[size] = [whole, hex(pieces.digest()), sliced];
  }
  return out;
})()
"""


def pattern(size: int) -> bytes:
    return bytes((i * 31 + 7 + (i >> 8)) & 255 for i in range(size))


@pytest.mark.external
def test_incremental_sha256_matches_hashlib_on_edge_sizes(tmp_path: Path) -> None:
    source = resources.files("custody.bundle").joinpath("sha256.js").read_text(encoding="utf-8")
    page = tmp_path / "sha.html"
    page.write_text(f'<!DOCTYPE html><meta charset="utf-8"><script>{source}</script>', encoding="utf-8")
    browser = DevTools(tmp_path / "profile")
    try:
        browser.open(page)
        results = browser.evaluate(f"const SIZES = {json.dumps(SIZES)};\n" + HARNESS)
    finally:
        browser.close()
    for size in SIZES:
        expected = hashlib.sha256(pattern(size)).hexdigest()
        assert results[str(size)] == [expected] * 3, size


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    return build(tmp_path_factory.mktemp("artefact"))


def chosen(scenario: Scenario, content: bytes, tmp_path: Path) -> tuple[str, list[int]]:
    """The real report page (unchanged) with a file of ``content`` chosen in its file input, as a reader would."""
    bundle = export_bundle(scenario.leaves, scenario.checkpoint()).bundle.to_bytes()
    tmp_path.mkdir(exist_ok=True)
    page = tmp_path / "rapport.html"
    page.write_text(
        render_html(verify_bundle(bundle, scenario.ledger_key.info.public_key), "fr", bundle=bundle), "utf-8"
    )
    browser = DevTools(tmp_path / "profile")
    try:
        browser.open(page)
        browser.evaluate(
            "new Promise((done) => { (function wait() { const input = document.getElementById('artefact-file');"
            " if (input.disabled) return setTimeout(wait, 20);"
            f" const bytes = Uint8Array.from(atob('{base64.b64encode(content).decode()}'), (c) => c.charCodeAt(0));"
            " const transfer = new DataTransfer(); transfer.items.add(new File([bytes], 'image.E01'));"
            " input.files = transfer.files; input.dispatchEvent(new Event('change'));"
            " (function finished() { const out = document.getElementById('artefact-result');"
            " if (out.dataset.state === 'running' || !out.dataset.state) return setTimeout(finished, 20);"
            " done(); })(); })(); })"
        )
        progress = browser.evaluate("(({ value, max }) => [value, max])(document.getElementById('artefact-progress'))")
        return html.unescape(browser.evaluate("document.documentElement.outerHTML")), progress
    finally:
        browser.close()


@pytest.mark.external
def test_the_page_checks_the_chosen_file(scenario: Scenario, tmp_path: Path) -> None:
    content = scenario.laptop.read_bytes()
    dom, progress = chosen(scenario, content, tmp_path)
    digest = hashlib.sha256(content).hexdigest()
    assert f'data-state="match" data-sha256="{digest}"' in dom
    assert "Le fichier image.E01 correspond à l'empreinte enregistrée de" in dom
    assert progress == [len(content), len(content)]
    other = content[:-1] + bytes([content[-1] ^ 1])
    dom, _ = chosen(scenario, other, tmp_path / "other")
    assert f'data-state="nomatch" data-sha256="{hashlib.sha256(other).hexdigest()}"' in dom
    assert "ne correspond à AUCUN élément du dossier" in dom
