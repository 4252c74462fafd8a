"""The report page's JavaScript stays small and readable, and takes its facts and words from Python's data block."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from importlib import resources

from custody import i18n
from custody.bundle.format import Bundle, BundleEntry
from custody.bundle.selfcheck import VERIFIER_FILES, facts, page_script, verifier_source, words
from custody.bundle.verify import ORDER_CODES
from custody.i18n.browser import BROWSER_FINDINGS
from custody.i18n.findings import PARAMETER_WORDS
from custody.model.changes import CHANGE_KINDS
from custody.model.handover import HandoverLink
from custody.model.identity import Handler
from custody.model.records import ENTRY_KINDS, Signature

MAX_TOTAL_LINES = 1053
"""The page's JavaScript, every file counted (1,214 lines in six files before issue 13 asked for fewer, 1,065 within
130 columns before the limit below): raise it only with a reason, never to fit code squeezed into long lines. 1,043
until issue 17: the page states the times of its own findings in the report's zone (``inZone`` in selfcheck.js);
1,064 until its counts took their singular or plural form (``[[count|one|many]]``, as ``custody.i18n.words``)
and its French lists a space before « ; »; 1,068 until entries were checked against the forms Python derives from
its records (``custody.bundle.schema``: stricter, and not shorter) and the page's notes were written by Python."""

MAX_LINE = 110
"""No line longer than this: the line budget must not be met by cramming."""


def _sources() -> dict[str, str]:
    package = resources.files("custody.bundle")
    return {p.name: p.read_text(encoding="utf-8") for p in package.iterdir() if p.name.endswith(".js")}


def test_the_page_script_is_every_javascript_file_of_the_package_and_nothing_else() -> None:
    sources = _sources()
    assert set(sources) == {"sha256.js", "selfcheck.js", *VERIFIER_FILES}
    assert page_script() == "\n".join([sources["sha256.js"], verifier_source(), sources["selfcheck.js"]])


def test_the_javascript_stays_within_its_line_budget_without_long_lines() -> None:
    sources = _sources()
    total = sum(len(text.splitlines()) for text in sources.values())
    assert total <= MAX_TOTAL_LINES, f"{total} lines of JavaScript, more than {MAX_TOTAL_LINES}"
    long = [
        (name, n)
        for name, text in sources.items()
        for n, line in enumerate(text.splitlines(), 1)
        if len(line) > MAX_LINE
    ]
    assert long == []


def test_every_function_has_a_one_line_comment() -> None:
    """A named function (``function f``, ``async function f``, or a method) follows a comment of one line."""
    for name, text in _sources().items():
        lines = text.splitlines()
        for n, line in enumerate(lines):
            if re.match(r"\s*(async )?function \w+\(", line) or re.match(r"  (update|digest|compress)\(", line):
                before = lines[n - 1].strip()
                one_line = (before.startswith("/**") and before.endswith("*/")) or before.startswith("//")
                assert one_line, f"{name}:{n + 1}: {line.strip()}"


def test_limits_and_translated_parameters_come_from_python() -> None:
    limits = facts()["limits"]
    assert limits == {
        "clockSkewMinutes": 5,
        "maxLinkDepth": 8,
        "maxSignatures": 100,
        "maxTreeSize": 2**63 - 1,
        "reasonsShown": 3,
    }
    for lang, joiner in (("en", " or "), ("fr", " ou ")):
        params = words(lang)["params"]
        assert set(params) == set(PARAMETER_WORDS)
        assert params["who"]["join"] == joiner and params["action"]["join"] is None
        assert params["action"]["words"]["seized"] == i18n.pick(i18n.ACTIONS["seized"], lang)


def test_every_finding_the_page_states_is_in_the_catalogue_and_every_browser_sentence_is_used() -> None:
    script = page_script()
    stated = set(re.findall(r'(?:\b(?:add|problem|breach|why)\(|\? |: )"([a-z]+\.[a-z_]+)"', script))
    assert {"checkpoint.witnessed", "checkpoint.quorum", "cover.none", "detail.signers"} <= stated
    assert stated - {*i18n.FINDINGS, *BROWSER_FINDINGS} == set()
    assert [code for code in BROWSER_FINDINGS if f'"{code}"' not in script] == []  # no dead sentence


def test_the_members_the_page_reads_strictly_are_those_the_records_write() -> None:
    """A bundle, its entries and leaves by their members; any record an entry holds by its form (more in _forms)."""
    entry = BundleEntry(index=0, leaf=b'{"body":{},"kind":"ledger","signatures":[]}', proof=())
    one = Bundle(checkpoint="c", selection=("s",), entries=(entry,))
    full = replace(one, timestamps=(b"t",), linked=(one,))
    bundle = facts()["bundle"]
    assert (bundle["format"], bundle["version"]) == (one.to_json()["format"], one.to_json()["version"])
    assert sorted(bundle["required"]) == sorted(one.to_json())
    assert sorted(bundle["required"] + bundle["optional"]) == sorted(full.to_json())
    assert sorted(bundle["entry"]) == sorted(entry.to_json())
    assert bundle["leaf"] == sorted(json.loads(entry.leaf))
    fingerprint = "sha256:" + "0" * 64
    records = facts()["forms"]["records"]
    for record in (
        Signature(key=fingerprint, sig=bytes(64)),
        Handler(name="A", role="B", organisation="C", country="FR", key_fingerprint=fingerprint),
        HandoverLink(origin="o", size=1, root=bytes(32), offer="ev-1"),
    ):
        assert sorted(records[type(record).__name__]) == sorted(record.to_json())
    assert list(facts()["forms"]["bodies"]) == list(ENTRY_KINDS) and facts()["changes"] == list(CHANGE_KINDS)
    assert facts()["orderCodes"] == sorted(ORDER_CODES)
