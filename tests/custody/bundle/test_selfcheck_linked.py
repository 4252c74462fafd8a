"""Linked bundles verify in the page too (issue 13, item 6): the browser's verifier and Python's agree on a bundle
exported after a real cross-border handover, on its valid variants and on about two hundred mutants.

Byte changes in either ledger's part (leaves, proofs, signatures, checkpoints, keys, the handover link, the
recipient), linked histories removed, repeated or cut, a missing or wrong trusted key, and received events changed
and signed again under a new checkpoint signed by the receiving ledger's key (so only the link check can tell).
"""

from __future__ import annotations

import hashlib
import html
import random
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from custody.bundle.format import Bundle, BundleEntry
from custody.bundle.report import render_html
from custody.bundle.verify import verify_bundle
from custody.model.entries import parse_leaf, sign_entry
from custody.model.keys import KeyPair, generate_key
from custody.model.records import Event
from custody.model.trust import TrustedKey
from custody.tlog.merkle import MerkleTree, leaf_hash
from custody.tlog.notes import Checkpoint, key_name_for, sign_checkpoint
from tests.custody.bundle.test_selfcheck_differential import python_verdict, run_in_browser, substitute
from tests.custody.support.browser import DevTools, browser_verdict, dump_dom, offline, page_requests
from tests.custody.support.linked_scenario import FR_ORIGIN, Linked, build_linked
from tests.custody.support.verdicts import outcome

SEED = 12
Case = tuple[str, bytes, Sequence[TrustedKey]]


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory) -> Linked:
    return build_linked(tmp_path_factory.mktemp("linked"))


def _spans(data: bytes, start: bytes, end: bytes) -> list[tuple[int, int]]:
    found = []
    for m in re.finditer(re.escape(start), data):
        found.append((m.end(), data.index(end, m.end())))
    return found


def byte_mutants(data: bytes, trust: list[TrustedKey]) -> Iterator[Case]:
    rng = random.Random(SEED)
    begin = data.index(b'"linked": [')
    end = data.index(b'\n "selection"')
    alnum = lambda spans: [p for s, e in spans for p in range(s, e) if chr(data[p]).isalnum()]  # noqa: E731

    def parts(name: str, spans: list[tuple[int, int]]) -> dict[str, list[int]]:
        positions = alnum(spans)
        return {
            f"{name} (receiving ledger)": [p for p in positions if not begin <= p < end],
            f"{name} (linked ledger)": [p for p in positions if begin <= p < end],
        }

    groups = {
        **parts("leaf", _spans(data, b'"leaf": {', b'"proof": [')),
        **parts("proof", _spans(data, b'"proof": [', b"]")),
        **parts("signature", _spans(data, b'"sig": "', b'"')),
        **parts("checkpoint", _spans(data, b'"checkpoint": "', b'"')),
        **parts("key", _spans(data, b'"public_key": "', b'"')),
        "handover link": alnum(_spans(data, b'"handover": {', b"}")),
        "recipient": alnum(_spans(data, b'"recipient": {', b"}")),
    }
    counts = [25, 35, 8, 15, 8, 15, 8, 12, 4, 6, 15, 10]
    for (group, positions), count in zip(groups.items(), counts, strict=True):
        for position in rng.sample(positions, min(count, len(positions))):
            yield f"{group} char at {position}", substitute(data, position, rng), trust
    significant = [p for p in range(len(data)) if data[p] not in b" \n\t\r"]
    for position in rng.sample(significant, 20):
        changed = bytearray(data)
        changed[position] ^= 1 << rng.randrange(8)
        yield f"bit flip at {position}", bytes(changed), trust


def structure_mutants(data: bytes, linked: Linked) -> Iterator[Case]:
    trust = linked.trust
    parsed = Bundle.from_bytes(data)
    ma = parsed.linked[0]
    other = generate_key(name="Autre registre", role="ledger", organisation="X", country="MA")
    yield "no linked history", replace(parsed, linked=()).to_bytes(), trust
    yield "linked history twice", replace(parsed, linked=(ma, ma)).to_bytes(), trust
    yield "receiving ledger's key only", data, trust[1:]
    yield "sending ledger's key only", data, trust[:1]
    yield "sending ledger's key replaced", data, [TrustedKey(None, other.info.public_key), trust[1]]
    for i in range(1, len(ma.entries)):
        cut = replace(ma, entries=ma.entries[:i] + ma.entries[i + 1 :])
        yield f"linked entry {i} removed", replace(parsed, linked=(cut,)).to_bytes(), trust
    for i in range(1, len(ma.entries) - 1):
        a, b = ma.entries[i], ma.entries[i + 1]
        moved = list(ma.entries)
        moved[i], moved[i + 1] = replace(a, leaf=b.leaf), replace(b, leaf=a.leaf)
        yield (
            f"linked leaves {i} and {i + 1} swapped",
            replace(parsed, linked=(replace(ma, entries=tuple(moved)),)).to_bytes(),
            trust,
        )
    yield "linked history linking itself", replace(parsed, linked=(replace(ma, linked=(ma,)),)).to_bytes(), trust


def reroot(bundle: Bundle, leaves: list[bytes], key: KeyPair, origin: str) -> Bundle:
    """The bundle of every leaf of ``leaves`` under a new checkpoint that ``key`` signs (an operator's forgery)."""
    tree = MerkleTree(leaf_hash(leaf) for leaf in leaves)
    note = sign_checkpoint(
        Checkpoint(origin, len(leaves), tree.root(), ()), key_name_for(key.info.name), key.private_key
    )
    entries = tuple(
        BundleEntry(index=i, leaf=leaf, proof=tuple(tree.inclusion_proof(i, len(leaves))))
        for i, leaf in enumerate(leaves)
    )
    return replace(bundle, checkpoint=note, entries=entries)


def rule_mutants(data: bytes, linked: Linked) -> Iterator[tuple[str, bytes, Sequence[TrustedKey], bool | None]]:
    """Received events changed, signed again by their handler, under a checkpoint the receiving ledger's key signs.
    The last item says whether the change is harmless (True), fatal (False), or left to the verifiers (None)."""
    parsed = Bundle.from_bytes(data)
    leaves = [e.leaf for e in parsed.entries]
    assert [e.index for e in parsed.entries] == list(range(len(leaves)))  # the whole receiving ledger
    ma_events = [parse_leaf(e.leaf)[0].body for e in parsed.linked[0].entries]
    seized = next(b for b in ma_events if isinstance(b, Event) and b.action == "seized")
    index = next(i for i, leaf in enumerate(leaves) if b'"action":"received"' in leaf)
    received = parse_leaf(leaves[index])[0].body
    assert isinstance(received, Event) and received.handover is not None
    link = received.handover
    day = received.occurred_at - received.occurred_at.replace(day=received.occurred_at.day - 1)
    changes: dict[str, tuple[Callable[[Event], Event], bool | None]] = {
        "unchanged": (lambda e: e, True),
        "received an hour later": (lambda e: replace(e, occurred_at=e.occurred_at + day / 24), True),
        "names the seizure as the offer": (lambda e: replace(e, handover=replace(link, offer=seized.id)), False),
        "names no offer of that ledger": (lambda e: replace(e, handover=replace(link, offer="ev-nowhere")), False),
        "names another checkpoint size": (lambda e: replace(e, handover=replace(link, size=link.size + 1)), False),
        "names another origin": (lambda e: replace(e, handover=replace(link, origin="scelle.example/XX")), False),
        "names another root": (lambda e: replace(e, handover=replace(link, root=bytes(32))), False),
        "received before it was offered": (lambda e: replace(e, occurred_at=e.occurred_at - 10 * day), False),
        "another item received": (
            lambda e: replace(e, artefacts=(replace(e.artefacts[0], digests={"sha256": "ab" * 32}),)),
            False,
        ),
    }
    pierre = linked.handlers["pierre"]
    for name, (change, expected) in changes.items():
        altered = list(leaves)
        altered[index] = sign_entry("event", change(received), [pierre]).leaf()
        bundle = reroot(parsed, altered, linked.fr_key, FR_ORIGIN)
        yield f"received event: {name}, signed again", bundle.to_bytes(), linked.trust, expected


@pytest.mark.external
def test_browser_and_python_agree_on_linked_bundles(linked: Linked, tmp_path: Path) -> None:
    assert offline() or pytest.skip("cannot run Chromium without a network here (unshare -n)")
    data, trust = linked.bundle, linked.trust
    names = [TrustedKey(key_name_for(k.info.name), k.info.public_key) for k in (linked.ma_key, linked.fr_key)]
    stranger = TrustedKey(
        None, generate_key(name="Tiers", role="ledger", organisation="X", country="SN").info.public_key
    )
    valid: list[Case] = [
        ("both keys", data, trust),
        ("both keys, the other way round", data, trust[::-1]),
        ("both keys by name", data, names),
        ("both keys and a third", data, [*trust, stranger]),
        ("the linked history alone, with its own key", Bundle.from_bytes(data).linked[0].to_bytes(), trust[:1]),
        ("the linked history alone, with both keys", Bundle.from_bytes(data).linked[0].to_bytes(), trust),
    ]
    bad = [*byte_mutants(data, trust), *structure_mutants(data, linked)]
    ruled = list(rule_mutants(data, linked))
    assert len(bad) >= 190
    cases: list[Case] = [*valid, *bad, *[(n, d, t) for n, d, t, _ in ruled]]
    python = [python_verdict(d, t) for _, d, t in cases]
    browser = run_in_browser([(d, list(t)) for _, d, t in cases], tmp_path)
    assert len(browser) == len(cases)
    disagree = [(name, p, b) for (name, _, _), p, b in zip(cases, python, browser, strict=True) if p != b]
    assert disagree == []
    assert python[: len(valid)] == ["pass"] * len(valid)
    passed = [
        name for (name, _, _), p in zip(bad, python[len(valid) : len(valid) + len(bad)], strict=True) if p == "pass"
    ]
    assert passed == []
    expected: dict[str, Any] = {name: want for name, _, _, want in ruled if want is not None}
    got = dict(zip([name for name, _, _, _ in ruled], python[len(valid) + len(bad) :], strict=True))
    assert {name: got[name] == "pass" for name in expected} == expected


def _page(tmp_path: Path, data: bytes, trust: Sequence[TrustedKey], lang: str, name: str, zone: str = "UTC") -> Path:
    report = outcome(lambda: verify_bundle(data, list(trust)))
    path = tmp_path / f"{name}-{lang}.html"
    page = render_html(report, lang, bundle=data, key_source="ma.pub, fr.pub", zone=zone)
    path.write_text(page, encoding="utf-8")
    return path


def _lines(dom: str) -> list[tuple[str, str, str]]:
    """(code, state, sentence) of every line of the browser's own check, linked histories' lines included."""
    checks = dom[dom.index('id="browser-checks"') : dom.index('class="controls"')]
    found = re.findall(r'<li data-code="([^"]+)" data-state="(\w+)">(.*?)</li>', checks, re.DOTALL)
    return [(code, state, html.unescape(re.sub(r"<[^>]+>", " ", text)).strip()) for code, state, text in found]


@pytest.mark.external
def test_linked_report_verifies_itself_in_french_and_states_every_line_in_french(
    linked: Linked, tmp_path: Path
) -> None:
    assert offline() or pytest.skip("cannot run Chromium without a network here (unshare -n)")
    seal = linked.bundle.index(b'"seal": "SC-17"') + 13  # a byte of the seizure, in the linked (Moroccan) history
    broken = linked.bundle[:seal] + b"8" + linked.bundle[seal + 1 :]
    for data, verdict in ((linked.bundle, "pass"), (broken, "fail")):
        pages = {lang: _page(tmp_path, data, linked.trust, lang, verdict) for lang in ("fr", "en")}
        doms = {lang: dump_dom(path, tmp_path / f"p-{verdict}-{lang}") for lang, path in pages.items()}
        assert {browser_verdict(dom) for dom in doms.values()} == {verdict}
        fr, en = _lines(doms["fr"]), _lines(doms["en"])
        assert [c for c, _, _ in fr] == [c for c, _, _ in en] and len(fr) > 12  # the linked history's lines too
        untranslated = [(code, f) for (code, _, f), (_, _, e) in zip(fr, en, strict=True) if f == e]
        assert untranslated == []
        codes = {code for code, _, _ in fr}
        assert {"handover.ok", "link.ok" if verdict == "pass" else "link.bad"} <= codes
        text = html.unescape(doms["fr"])
        for key in (linked.ma_key, linked.fr_key):  # both ledger keys, to compare by another channel
            assert "sha256:" + hashlib.sha256(key.info.public_key).hexdigest() in text
    assert "la preuve ne mène pas à la racine signée" in " ".join(f for _, _, f in fr)
    assert '<tr class="failed">' in doms["fr"]


@pytest.mark.external
def test_linked_report_makes_no_request_and_prints_on_a4_without_overflow(linked: Linked, tmp_path: Path) -> None:
    assert offline() or pytest.skip("cannot run Chromium without a network here (unshare -n)")
    path = _page(tmp_path, linked.bundle, linked.trust, "fr", "linked")
    assert page_requests(path, tmp_path / "p1", tmp_path / "net.json") == []
    width = round((210 - 2 * 14) / 25.4 * 96)  # A4 less the page's 14 mm margins, in CSS pixels
    browser = DevTools(tmp_path / "p2")
    try:
        browser.open(path)
        browser.call("Emulation.setEmulatedMedia", {"media": "print"})
        browser.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": 1000, "deviceScaleFactor": 1, "mobile": False},
        )
        overflowing = browser.evaluate(
            "(() => { const w = document.documentElement.clientWidth; return [...document.querySelectorAll('body *')]"
            ".filter((e) => e.getBoundingClientRect().right > w + 0.5 || e.scrollWidth > e.clientWidth + 1"
            " && getComputedStyle(e).display !== 'inline').map((e) => e.tagName + '.' + e.className); })()"
        )
        widths = browser.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    finally:
        browser.close()
    assert overflowing == []  # long fingerprints and roots wrap inside the A4 width
    assert widths[0] <= widths[1] <= width


@pytest.mark.external
def test_an_edited_timeline_is_replaced_by_the_verified_events(linked: Linked, tmp_path: Path) -> None:
    assert offline() or pytest.skip("cannot run Chromium without a network here (unshare -n)")
    path = _page(tmp_path, linked.bundle, linked.trust, "fr", "linked")
    text = path.read_text(encoding="utf-8")
    start = text.index('id="timeline-heading"')
    edits = {
        "checked": text,
        "handler renamed": text[:start] + text[start:].replace("Pierre Martin", "Pierre Marton", 1),
        "date changed": text[:start] + text[start:].replace("2026-04-07 09:00 UTC", "2026-04-08 09:00 UTC", 1),
        "row removed": re.sub(r"(<tbody>)<tr>.*?</tr>", r"\1", text[start:], count=1, flags=re.DOTALL),
    }
    edits["row removed"] = text[:start] + edits["row removed"]
    for name, page in edits.items():
        assert name == "checked" or page != text
        edited = tmp_path / f"{name}.html"
        edited.write_text(page, encoding="utf-8")
        dom = html.unescape(dump_dom(edited, tmp_path / f"p-{name}"))
        timeline = dom[dom.index('id="timeline-heading"') : dom.index("</table>", dom.index('id="timeline-heading"'))]
        assert browser_verdict(dom) == "pass"  # the bundle itself is intact
        assert re.search(r'<table data-state="(\w+)">', timeline).group(1) == (
            "checked" if name == "checked" else "replaced"
        )
        assert "Pierre Marton" not in timeline and "2026-04-08 09:00 UTC" not in timeline
        assert timeline.count("<tr>") == 1 + 5  # the header, the three Moroccan and the two French events
        assert "Pierre Martin" in timeline and "scelle.example/MA-2026-0042" in timeline


@pytest.mark.external
def test_a_timeline_shown_in_another_zone_is_checked_against_the_verified_instants(
    linked: Linked, tmp_path: Path
) -> None:
    assert offline() or pytest.skip("cannot run Chromium without a network here (unshare -n)")
    text = _page(tmp_path, linked.bundle, linked.trust, "en", "ny", zone="America/New_York").read_text("utf-8")
    start = text.index('id="timeline-heading"')
    assert "2026-04-07 05:00 UTC-04:00" in text[start:]  # 09:00 UTC, in New York (summer time)
    edits = {
        "checked": text,
        "offset changed": text[:start]
        + text[start:].replace("2026-04-07 05:00 UTC-04:00", "2026-04-07 05:00 UTC-05:00", 1),
    }
    for name, page in edits.items():
        edited = tmp_path / f"ny-{name}.html"
        edited.write_text(page, encoding="utf-8")
        dom = html.unescape(dump_dom(edited, tmp_path / f"p-ny-{name}"))
        timeline = dom[dom.index('id="timeline-heading"') : dom.index("</table>", dom.index('id="timeline-heading"'))]
        assert browser_verdict(dom) == "pass"
        assert re.search(r'<table data-state="(\w+)">', timeline).group(1) == (  # type: ignore[union-attr]
            "checked" if name == "checked" else "replaced"
        )
