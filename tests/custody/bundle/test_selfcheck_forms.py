"""The page reads entries by the forms Python derives from its records (custody.bundle.schema), and its one generic
checker refuses exactly what the records' own readers refuse when a member is missing, unknown or of another type."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from custody.bundle.schema import record_forms
from custody.bundle.selfcheck import facts, verifier_source
from custody.errors import CustodyError
from custody.model.changes import AuthorityChange
from custody.model.entries import BODY_TYPES
from tests.custody.support.browser import dump_dom, offline
from tests.custody.support.bundle_scenario import Scenario, build
from tests.custody.support.factories import utc

WRONG = {"text": 7, "int": "7", "flag": "yes", "time": 7, "b64": 7, "map": ["sha256"]}
"""A value of another JSON type than each scalar form; a list or a record gets a string."""

HARNESS = """
(async () => {
  const data = JSON.parse(document.getElementById("cases").textContent);
  const out = [];
  for (const [kind, body] of data.cases) {
    const leaf = { body, kind, signatures: [] };
    const item = { index: 0, leaf, bytes: new TextEncoder().encode(JSON.stringify(leaf)), proof: [] };
    try {
      await ScelleVerifier.parseLeaf(item, data.facts);
      out.push("read");
    } catch (e) {
      out.push("refused");
    }
  }
  document.getElementById("results").textContent = JSON.stringify(out);
})();
"""


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    return build(tmp_path_factory.mktemp("forms"))


def bodies(scenario: Scenario) -> list[tuple[str, dict[str, Any]]]:
    """The body of every entry of the scenario's ledger, as its leaf holds it, and an extension of an authority
    with every member of a change."""
    extension = AuthorityChange(
        id="ac-1",
        authority="au-fr-29",
        change="extend",
        at=utc(2026, 5, 1),
        decided_by="Parquet de Paris",
        recorded_at=utc(2026, 5, 1, 1),
        decided_by_type="prosecutor",
        reference="PQ-2026-7",
        valid_until=utc(2026, 7, 1),
        reason="enquête en cours",
        document_digest="sha256:" + "ab" * 32,
    )
    written = [(entry.kind, json.loads(entry.leaf())["body"]) for entry in scenario.entries]
    return [*written, ("authority-change", extension.to_json())]


def test_the_page_carries_the_forms_python_derives_and_they_are_what_records_write(scenario: Scenario) -> None:
    forms = record_forms()
    assert facts()["forms"] == forms
    assert forms["bodies"] == {kind: cls.__name__ for kind, cls in BODY_TYPES.items()}
    assert list(forms["records"]["Handler"])[:4] == ["name", "role", "organisation", "country"]  # identity.bad
    written: dict[str, set[str]] = {}
    for kind, body in bodies(scenario):
        form = forms["records"][forms["bodies"][kind]]
        required = {name for name, type_ in form.items() if not type_.endswith("?")}
        assert required <= set(body) <= set(form), kind
        written.setdefault(kind, set()).update(body)
    assert set(written) == set(BODY_TYPES)  # the scenario writes every kind of entry


def test_the_javascript_names_no_member_list_of_its_own() -> None:
    """Records are checked by ``check`` against the forms; the only record named in the script exists there."""
    script = verifier_source()
    assert script.count("members(") == 5  # its definition, check's call, the bundle, an entry of it, a leaf
    named = {name for name in record_forms()["records"] if re.search(rf'"{name}\b|\.{name}\b', script)}
    assert named == {"Signature", "Handler"}  # a leaf's signatures; a handler's members in the order they show


def variants(kind: str, body: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each member left out, set to null, set to a value of another type; and an unknown member added."""
    form = record_forms()["records"][BODY_TYPES[kind].__name__]
    yield "as written", body
    yield "unknown member", {**body, "unknown": "x"}
    for name, type_ in form.items():
        yield f"{name} left out", {k: v for k, v in body.items() if k != name}
        yield f"{name} null", {**body, name: None}
        base = type_.rstrip("?")
        wrong = "x" if base.endswith("[]") or base[0].isupper() else WRONG[base]
        yield f"{name} of another type", {**body, name: wrong}


def python_reads(kind: str, body: dict[str, Any]) -> str:
    try:
        BODY_TYPES[kind].from_json(body)
    except (CustodyError, TypeError, ValueError):
        return "refused"
    return "read"


@pytest.mark.external
def test_the_generic_checker_refuses_what_the_records_readers_refuse(scenario: Scenario, tmp_path: Path) -> None:
    assert offline() or pytest.skip("cannot run Chromium without a network here (unshare -n)")
    seen: set[str] = set()
    cases = []
    for kind, body in bodies(scenario):
        if kind in seen and kind != "event":
            continue
        seen.add(kind)
        cases += [(kind, name, variant) for name, variant in variants(kind, body)]
    data = {"facts": facts(), "cases": [[kind, variant] for kind, _, variant in cases]}
    page = tmp_path / "forms.html"
    page.write_text(
        '<!doctype html><meta charset="utf-8"><script type="application/json" id="cases">'
        + json.dumps(data).replace("<", "\\u003c")
        + '</script><pre id="results"></pre><script>'
        + verifier_source()
        + HARNESS
        + "</script>",
        encoding="utf-8",
    )
    dom = dump_dom(page, tmp_path / "profile")
    start = dom.index('<pre id="results">') + len('<pre id="results">')
    browser = json.loads(dom[start : dom.index("</pre>", start)])
    python = [python_reads(kind, variant) for kind, _, variant in cases]
    disagree = [(kind, name, p, b) for (kind, name, _), p, b in zip(cases, python, browser, strict=True) if p != b]
    assert disagree == []
    assert len(cases) > 200 and python.count("refused") > 100 and python.count("read") > 20
