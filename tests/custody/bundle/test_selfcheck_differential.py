"""One verifier, two implementations: the browser's (verifier.js) and Python's must give the same verdict.

The valid bundles (the whole case, each artefact alone, one with a witness's cosignature) and more than 300
mutants go through ``verify_bundle`` and through verifier.js in headless Chromium (one page runs them all, offline):
byte flips in leaves, proofs, signatures, the checkpoint and keys, anywhere in the file, removed and reordered
entries, leaves swapped, and a wrong trusted key. Every mutant must fail, every valid bundle pass, and both verdicts
agree on each.
"""

from __future__ import annotations

import base64
import json
import random
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from custody.bundle.export import export_bundle
from custody.bundle.format import Bundle
from custody.bundle.selfcheck import facts, verifier_source
from custody.bundle.verify import verify_bundle
from custody.errors import CustodyError
from custody.model.entries import sign_entry
from custody.model.keys import generate_key
from custody.model.records import Event
from custody.model.trust import TrustedKey
from custody.tlog.notes import add_signature, key_name_for
from evidence.common.report import VerificationError
from tests.custody.support.browser import dump_dom, offline
from tests.custody.support.bundle_scenario import Scenario, build

SEED = 13
HARNESS = """
(async () => {
  const cases = JSON.parse(document.getElementById("cases").textContent);
  const facts = JSON.parse(document.getElementById("facts").textContent);
  const out = [];
  for (const c of cases) {
    try {
      const trust = c.keys.map((k) => ({ name: k.name, publicKey: ScelleVerifier.b64decode(k.key) }));
      const result = await ScelleVerifier.verify(ScelleVerifier.b64decode(c.bundle), trust, facts);
      out.push(result.ok ? "pass" : "fail");
    } catch (e) {
      out.push("error: " + e.message);
    }
  }
  document.getElementById("results").textContent = JSON.stringify(out);
})();
"""


@pytest.fixture(scope="module")
def scenario(tmp_path_factory: pytest.TempPathFactory) -> Scenario:
    return build(tmp_path_factory.mktemp("differential"))


def python_verdict(data: bytes, trusted: TrustedKey | Sequence[TrustedKey]) -> str:
    try:
        verify_bundle(data, trusted)
    except (VerificationError, CustodyError):
        return "fail"
    return "pass"


def string_spans(data: bytes, member: bytes) -> list[tuple[int, int]]:
    """(start, end) of the value of every ``"member": "..."`` string in the file."""
    return [(m.start(1), m.end(1)) for m in re.finditer(b'"' + member + rb'": "((?:[^"\\]|\\.)*)"', data)]


def substitute(data: bytes, position: int, rng: random.Random) -> bytes:
    """Replace one printable ASCII byte by another of the same class (a base64 digit by another, a letter...)."""
    alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    old = data[position]
    new = rng.choice([c for c in alphabet if c != old])
    return data[:position] + bytes([new]) + data[position + 1 :]


def mutants(scenario: Scenario, bundle: bytes, trusted: TrustedKey) -> Iterator[tuple[str, bytes, TrustedKey]]:
    rng = random.Random(SEED)
    ascii_in = lambda s, e: [p for p in range(s, e) if chr(bundle[p]).isalnum()]  # noqa: E731
    leaves = [m for m in re.finditer(rb'"leaf": \{', bundle)]
    leaf_spans = [(m.end(), bundle.index(b'"proof": [', m.end())) for m in leaves]
    leaf_positions = [p for s, e in leaf_spans for p in ascii_in(s, e)]
    groups = {
        "leaf": leaf_positions,
        "proof": [p for m in re.finditer(rb'"proof": \[([^\]]*)\]', bundle) for p in ascii_in(m.start(1), m.end(1))],
        "signature": [p for s, e in string_spans(bundle, b"sig") for p in ascii_in(s, e)],
        "checkpoint": [p for s, e in string_spans(bundle, b"checkpoint") for p in ascii_in(s, e)],
        "key": [p for s, e in string_spans(bundle, b"public_key") for p in ascii_in(s, e)],
        "fingerprint": [p for s, e in string_spans(bundle, b"key_fingerprint") for p in ascii_in(s, e)],
        "selection": [p for s, e in string_spans(bundle, b"selection") for p in ascii_in(s, e)]
        + [p for m in re.finditer(rb'"selection": \[([^\]]*)\]', bundle) for p in ascii_in(m.start(1), m.end(1))],
    }
    counts = {"leaf": 90, "proof": 40, "signature": 40, "checkpoint": 30, "key": 20, "fingerprint": 15, "selection": 10}
    for group, count in counts.items():
        for position in rng.sample(groups[group], min(count, len(groups[group]))):
            yield f"{group} char at {position}", substitute(bundle, position, rng), trusted
    significant = [p for p in range(len(bundle)) if bundle[p] not in b" \n\t\r"]
    for position in rng.sample(significant, 40):
        mask = 1 << rng.randrange(8)
        changed = bytearray(bundle)
        changed[position] ^= mask
        yield f"bit flip {mask:#x} at {position}", bytes(changed), trusted
    parsed = Bundle.from_bytes(bundle)
    entries = parsed.entries
    named = {ident for e in entries for ident in json.loads(e.leaf)["body"].get("prev", [])}
    for i in range(len(entries)):
        kept = entries[:i] + entries[i + 1 :]
        ident = json.loads(entries[i].leaf)["body"].get("id")
        if ident is None or ident in named or json.loads(entries[i].leaf)["kind"] != "event":
            yield f"entry {i} removed", replace(parsed, entries=kept).to_bytes(), trusted
    for _ in range(12):
        i, j = sorted(rng.sample(range(len(entries)), 2))
        a, b = entries[i], entries[j]
        swapped = list(entries)
        swapped[i], swapped[j] = replace(a, leaf=b.leaf), replace(b, leaf=a.leaf)
        yield f"leaves {i} and {j} swapped", replace(parsed, entries=tuple(swapped)).to_bytes(), trusted
        moved = list(entries)
        moved[i], moved[j] = replace(b, index=a.index), replace(a, index=b.index)
        yield f"entries {i} and {j} reordered", replace(parsed, entries=tuple(moved)).to_bytes(), trusted
    for i in range(1, len(entries)):
        reproved = list(entries)
        reproved[i] = replace(entries[i], proof=entries[i].proof[::-1]) if len(entries[i].proof) > 1 else entries[i]
        if reproved[i] != entries[i]:
            yield f"proof of {i} reversed", replace(parsed, entries=tuple(reproved)).to_bytes(), trusted
    # A ledger operator who alters an entry and signs a new checkpoint with the ledger key: the proofs hold, the
    # entry's own signature (by a handler, or by the key it registers) does not.
    rerooted = 0
    while rerooted < 45:
        index = rng.randrange(1, len(scenario.leaves))
        leaf = scenario.leaves[index]
        position = rng.choice([p for p in range(len(leaf)) if chr(leaf[p]).isalnum()])
        leaves = list(scenario.leaves)
        leaves[index] = substitute(leaf, position, rng)
        altered = replace(scenario, leaves=leaves)
        try:
            data = export_bundle(leaves, altered.checkpoint()).bundle.to_bytes()
        except CustodyError:
            continue  # the alteration made the entry unreadable: the exporter refuses such a ledger
        rerooted += 1
        yield f"entry {index} altered at {position} under a new checkpoint", data, trusted
    other = generate_key(name="Autre registre", role="ledger", organisation="X", country="FR")
    yield "wrong trusted key", bundle, TrustedKey(None, other.info.public_key)
    yield "wrong trusted key, same name", bundle, TrustedKey(scenario.key_name, other.info.public_key)
    yield "trusted key under another name", bundle, TrustedKey("autre", trusted.public_key)
    yield "truncated", bundle[: len(bundle) // 2], trusted
    yield "empty", b"", trusted


def run_in_browser(cases: Sequence[tuple[bytes, TrustedKey | Sequence[TrustedKey]]], tmp_path: Path) -> list[str]:
    """The browser's verdict on each bundle, against its trusted key (or keys, one per ledger of a linked history)."""
    data = [
        {
            "bundle": base64.b64encode(b).decode(),
            "keys": [
                {"key": base64.b64encode(k.public_key).decode(), "name": k.name}
                for k in (t if isinstance(t, list | tuple) else [t])
            ],
        }
        for b, t in cases
    ]
    page = tmp_path / "differential.html"
    page.write_text(
        '<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>'
        f'<script type="application/json" id="cases">{json.dumps(data)}</script>'
        f'<script type="application/json" id="facts">{json.dumps(facts())}</script>'
        f'<pre id="results"></pre><script>{verifier_source()}\n{HARNESS}</script></body></html>',
        encoding="utf-8",
    )
    dom = dump_dom(page, tmp_path / "profile", budget_ms=600_000)
    found = re.search(r'<pre id="results">(.*?)</pre>', dom, re.DOTALL)
    assert found is not None and found.group(1), "the verifier did not finish in the browser"
    results: list[str] = json.loads(found.group(1))
    return results


def rule_mutants(scenario: Scenario, trusted: TrustedKey) -> Iterator[tuple[str, bytes, TrustedKey]]:
    """Events changed and signed again by their own handlers, under a checkpoint signed by the ledger key: every
    signature holds, so only the rules (time order, chain, case, authority, identity) can tell."""
    signers = {k.info.fingerprint: k for k in (scenario.officer, scenario.examiner_ma, scenario.examiner_fr)}
    hour = timedelta(hours=1)
    changes: dict[str, Callable[[Event], Event]] = {
        "occurred a year earlier": lambda e: replace(e, occurred_at=e.occurred_at - 365 * 24 * hour),
        "occurred a day after recording": lambda e: replace(e, occurred_at=e.recorded_at + 24 * hour),
        "recorded a year earlier": lambda e: replace(e, recorded_at=e.recorded_at - 365 * 24 * hour),
        "occurred an hour later": lambda e: replace(e, occurred_at=e.occurred_at + hour),
        "no authority": lambda e: replace(e, authorities=()),
        "unknown authority": lambda e: replace(e, authorities=("au-nowhere",)),
        "no previous event": lambda e: replace(e, prev=()),
        "unknown previous event": lambda e: replace(e, prev=("ev-999",)),
        "other case": lambda e: replace(e, case="FR-2026-0001"),
        "traffic data": lambda e: replace(e, categories=("traffic",)),
        "handler renamed": lambda e: replace(e, handler=replace(e.handler, name="Quelqu'un d'autre")),
        "late reason given": lambda e: replace(e, late_reason="consigné tardivement"),
    }
    for index, entry in enumerate(scenario.entries):
        if not isinstance(entry.body, Event):
            continue
        for name, change in changes.items():
            body = change(entry.body)
            keys = [signers[f] for f in entry.body.signer_fingerprints()]
            leaves = list(scenario.leaves)
            leaves[index] = sign_entry("event", body, keys).leaf()
            altered = replace(scenario, leaves=leaves)
            try:
                data = export_bundle(leaves, altered.checkpoint()).bundle.to_bytes()
            except CustodyError:
                continue
            yield f"entry {index}: {name}, signed again", data, trusted


@pytest.mark.external
def test_browser_and_python_agree_on_valid_bundles_and_mutants(scenario: Scenario, tmp_path: Path) -> None:
    assert offline() or pytest.skip("cannot run Chromium without a network here (unshare -n)")
    trusted = TrustedKey(None, scenario.ledger_key.info.public_key)
    bundle = export_bundle(scenario.leaves, scenario.checkpoint()).bundle.to_bytes()
    valid = [("whole case", bundle, trusted), ("named key", bundle, TrustedKey(scenario.key_name, trusted.public_key))]
    for key in Bundle.from_bytes(bundle).selection:
        one = export_bundle(scenario.leaves, scenario.checkpoint(), artefacts=[key]).bundle.to_bytes()
        valid.append((f"only {key}", one, trusted))
    parsed = Bundle.from_bytes(bundle)
    # A cosignature by a key nobody named (a witness) is ignored by both, as C2SP notes require.
    witness = generate_key(name="Témoin", role="witness", organisation="X", country="FR")
    cosigned = add_signature(parsed.checkpoint, key_name_for("Témoin"), witness.private_key)
    valid.append(("foreign cosignature", replace(parsed, checkpoint=cosigned).to_bytes(), trusted))
    # The latest event on an item can be left out unseen (no bundle proves that no later event exists; the report
    # says so): both verifiers must accept those bundles, as they accept the valid ones.
    named = {ident for e in parsed.entries for ident in json.loads(e.leaf)["body"].get("prev", [])}
    for i, entry in enumerate(parsed.entries):
        leaf = json.loads(entry.leaf)
        if leaf["kind"] == "event" and leaf["body"]["id"] not in named:
            kept = parsed.entries[:i] + parsed.entries[i + 1 :]
            valid.append((f"latest event {i} left out", replace(parsed, entries=kept).to_bytes(), trusted))
    bad = list(mutants(scenario, bundle, trusted))
    assert len(bad) >= 300
    ruled = list(rule_mutants(scenario, trusted))
    cases = valid + bad + ruled
    python = [python_verdict(data, key) for _, data, key in cases]
    browser = run_in_browser([(data, key) for _, data, key in cases], tmp_path)
    assert len(browser) == len(cases)
    disagree = [(name, p, b) for (name, _, _), p, b in zip(cases, python, browser, strict=True) if p != b]
    assert disagree == []
    assert python[: len(valid)] == ["pass"] * len(valid)
    assert [
        name for (name, _, _), p in zip(bad, python[len(valid) : len(valid) + len(bad)], strict=True) if p == "pass"
    ] == []
    assert python[len(valid) + len(bad) :].count("fail") > len(ruled) // 2  # the rules are exercised, not skipped
