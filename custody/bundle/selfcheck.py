"""The report verifies itself: the bundle's exact bytes and a JavaScript verifier, inlined in the HTML report.

``verifier.js`` is a second implementation of ``custody.bundle.verify`` (codes and parameters of the same findings)
and ``selfcheck.js`` runs it when the page opens and writes the browser's own verdict. Both are package files,
inlined at export so the page needs nothing else; the page's Content-Security-Policy allows only that script (by its
SHA-256) and inline style, and forbids any request (``default-src 'none'``, no ``connect-src``, no form, no base).

The facts the verifier needs from the rules (which actions need an authority, which actions each instrument permits
and whether it lets evidence go abroad) come from ``custody.rules`` and ``custody.model.vocabulary``, the one place
they are stated, and travel in the page's data block with the words of the report's language.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from functools import cache
from html import escape
from importlib import resources
from typing import Any

from custody import i18n
from custody.bundle.format import MAX_LINK_DEPTH
from custody.bundle.outcome import REASONS_SHOWN
from custody.bundle.schema import bundle_members, record_forms
from custody.bundle.verify import ORDER_CODES
from custody.i18n.browser import BROWSER_FINDINGS, BROWSER_WORDS
from custody.i18n.findings import PARAMETER_WORDS
from custody.i18n.words import SEMICOLON, singular
from custody.model.changes import CHANGE_KINDS
from custody.model.entries import LEDGER_FORMAT
from custody.model.trust import TrustedKey
from custody.model.vocabulary import ACTIONS_NEEDING_AUTHORITY
from custody.rules.authority import JUDGES_ONLY_DATA, JUDGES_ONLY_ORDER, VALIDATED_INSTRUMENTS
from custody.rules.events import CLOCK_SKEW
from custody.rules.instruments import (
    EMERGENCY,
    INSTRUMENTS,
    JUDICIAL,
    JUDICIAL_OR_PROSECUTOR,
    MIN_PENALTY_MONTHS_EPOC,
    Instrument,
)
from custody.tlog.notes import MAX_SIGNATURES, MAX_TREE_SIZE

CSS = """
.browser{border:2px solid #334;padding:4px 12px 8px;margin:12px 0}
.python-label{font-size:9.5pt;font-style:italic;margin:10px 0 0}
.mark.na{color:#6a4b00}
#browser-checks li{grid-template-columns:9em 1fr}
ul.checks li span{overflow-wrap:anywhere}
.compare,.browser .small{overflow-wrap:anywhere}
#browser-checks li.sub{display:block;margin:0 0 6px 2em;border-left:3px solid #99a;padding-left:8px}
ul.linked{margin:2px 0;padding:0}
#browser-checks ul.linked li{grid-template-columns:9em 1fr}
.verdict.ok::before{content:"\\2714  "}.verdict.bad::before{content:"\\2718  "}
tr.failed td{background:#fbeeee;outline:2px solid #a4161a}
.warning{border:2px dashed #a4161a;color:#a4161a;background:#fff6f6;padding:4px 8px;margin:4px 0;font-weight:bold}
.warning::before{content:"\\26A0  "}
.checked{color:#1b6e2a;font-weight:bold;margin:4px 0}.checked::before{content:"\\2714  "}
progress{width:100%;height:1.2em}
@page{@bottom-right{content:counter(page) " / " counter(pages);font-size:8pt}}
@media print{.controls,noscript{display:none}td,th{overflow-wrap:anywhere}.warning{break-after:avoid}
 thead{display:table-header-group}
 .warning,tr.failed td{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
"""


VERIFIER_FILES = ("rules.js", "verifier.js")
"""The browser verifier's source files, in the order they are inlined (each uses only those before it)."""


@cache
def verifier_source() -> str:
    """The browser verifier (plain JavaScript, no dependency)."""
    package = resources.files("custody.bundle")
    return "\n".join(package.joinpath(name).read_text(encoding="utf-8") for name in VERIFIER_FILES)


@cache
def page_script() -> str:
    """The one inline script of the page: the verifier, then the code that runs it and shows the verdict."""
    package = resources.files("custody.bundle")
    sha256, glue = (package.joinpath(name).read_text(encoding="utf-8") for name in ("sha256.js", "selfcheck.js"))
    return sha256 + "\n" + verifier_source() + "\n" + glue


def script_hash(script: str) -> str:
    """The CSP source of an inline script: ``'sha256-<base64>'`` of its UTF-8 text."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"


def csp_meta(script: str | None) -> str:
    """The Content-Security-Policy: nothing may be loaded or sent; only this script runs, and inline style applies."""
    scripts = f"script-src {script_hash(script)}; " if script is not None else ""
    policy = f"default-src 'none'; {scripts}style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
    return f'<meta http-equiv="Content-Security-Policy" content="{policy}">'


def facts() -> dict[str, Any]:
    """What the verifier needs from the rules, stated once in ``custody.rules``: the actions needing an authority,
    each instrument's rules (``custody.rules.instruments.Instrument``; times in microseconds since 1970) and who
    issues or validates EU orders, the findings that deny ``order.ok``; and from the records, the change kinds, the
    ledger format, the members of a bundle, of its entries and leaves, and the form of every record an entry holds
    (``custody.bundle.schema``)."""
    return {
        "changes": list(CHANGE_KINDS),
        "ledgerFormat": LEDGER_FORMAT,
        "bundle": bundle_members(),
        "forms": record_forms(),
        "needsAuthority": sorted(ACTIONS_NEEDING_AUTHORITY),
        "orderCodes": sorted(ORDER_CODES),
        "instruments": {name: _instrument(rules) for name, rules in INSTRUMENTS.items()},
        "eu": {
            "validated": list(VALIDATED_INSTRUMENTS),
            "judgesOnly": {"order": JUDGES_ONLY_ORDER, "data": sorted(JUDGES_ONLY_DATA)},
            "judicial": sorted(JUDICIAL),
            "judicialOrProsecutor": sorted(JUDICIAL_OR_PROSECUTOR),
            "emergencyHours": EMERGENCY // timedelta(hours=1),
            "minPenaltyMonths": MIN_PENALTY_MONTHS_EPOC,
        },
        "limits": {
            "clockSkewMinutes": CLOCK_SKEW // timedelta(minutes=1),
            "maxLinkDepth": MAX_LINK_DEPTH,
            "maxSignatures": MAX_SIGNATURES,
            "maxTreeSize": MAX_TREE_SIZE,
            "reasonsShown": REASONS_SHOWN,
        },
    }


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _instrument(rules: Instrument) -> dict[str, Any]:
    start = rules.applies_from
    return {
        "name": rules.name,
        "actions": sorted(rules.actions),
        "abroad": rules.abroad,
        "required": list(rules.required),
        "categories": None if rules.categories is None else sorted(rules.categories),
        "cross_border": rules.cross_border,
        "min_days": rules.min_days,
        "max_days": rules.max_days,
        "extendable": rules.extendable,
        "extension_days": rules.extension_days,
        "extensions_allowed": rules.extensions_allowed,
        "applies_from": None if start is None else (start - _EPOCH) // timedelta(microseconds=1),
    }


def words(lang: str) -> dict[str, Any]:
    """The page's words in ``lang``: every finding sentence, verdicts, marks, action names."""
    findings = {code: i18n.pick(pair, lang) for code, pair in {**i18n.FINDINGS, **BROWSER_FINDINGS}.items()}
    return {
        "findings": findings,
        "params": {  # the parameters custody.i18n.finding translates, by name, and the separator of a list
            name: {
                "words": {k: i18n.pick(pair, lang) for k, pair in table.items()},
                "join": joiner and i18n.pick(joiner, lang),
            }
            for name, (table, joiner) in PARAMETER_WORDS.items()
        },
        "seal": i18n.label("seal", lang),
        "decimal": "," if lang == "fr" else ".",
        "zeroSingular": singular(0, lang),
        "semicolon": i18n.pick(SEMICOLON, lang),
        "verdict": {k: word(k, lang) for k in ("passed", "passed_partly", "failed", "error")},
        "artefact": {k: word(f"artefact_{k}", lang) for k in ("match", "nomatch", "unverified")},
        "marks": {
            "ok": word("mark_ok", lang),
            "fail": word("mark_fail", lang),
            "unchecked": word("mark_unchecked", lang),
        },
    }


def word(key: str, lang: str) -> str:
    """One word or sentence of the page's own check in ``lang``."""
    return i18n.pick(BROWSER_WORDS[key], lang)


def page_data(
    bundle: bytes,
    trusted: Sequence[TrustedKey],
    lang: str,
    witnesses: Sequence[str] = (),
    quorum: int = 0,
    zone: str = "UTC",
) -> dict[str, Any]:
    """The data block: the bundle's exact bytes (base64), the trusted keys (one per ledger of a linked history), the
    witness verifier keys and quorum the report was made with (``verify --witness``), the rules' facts, the words,
    and the zone the report shows its times in (the page states the browser's findings in it too)."""
    return {
        "zone": zone,
        "bundle": base64.b64encode(bundle).decode("ascii"),
        "trust": [{"name": t.name, "public_key": base64.b64encode(t.public_key).decode("ascii")} for t in trusted],
        "witnesses": list(witnesses),
        "quorum": quorum,
        "facts": facts(),
        "words": words(lang),
    }


def data_block(value: dict[str, Any]) -> str:
    """A JSON data block (not run, so the CSP does not concern it); ``<`` is escaped so no text can close it."""
    text = json.dumps(value, ensure_ascii=True, sort_keys=True).replace("<", "\\u003c")
    return f'<script type="application/json" id="scelle-data">{text}</script>'


def _e(text: str) -> str:
    return escape(text, quote=False)


def section(trusted: Sequence[tuple[TrustedKey, str]], lang: str) -> str:
    """The page's own check: what it does, the fingerprint of each ledger key (with the ledger's origin) to compare,
    its verdict (filled in by the script), what it does not prove, and what the reader sees when JavaScript does not
    run."""
    sha = hashlib.sha256(verifier_source().encode("utf-8")).hexdigest()
    fingerprints = " ; ".join(f"{key.fingerprint} ({origin})" if origin else key.fingerprint for key, origin in trusted)
    return (
        '<section class="browser" aria-labelledby="browser-heading">'
        f'<h2 id="browser-heading">{_e(word("heading", lang))}</h2>'
        f"<p>{_e(word('intro', lang))}</p>"
        f'<p class="compare"><strong>{_e(word("compare", lang).format(fingerprint=fingerprints))}</strong></p>'
        f'<div id="browser-verdict" class="verdict bad" role="status" aria-live="polite" data-verdict="none">'
        f"{_e(word('running', lang))}</div>"
        f'<noscript><div class="verdict bad" data-verdict="noscript">{_e(word("noscript", lang))}</div></noscript>'
        f'<ul class="checks" id="browser-checks"></ul>'
        '<div class="controls"><h3 id="artefact-heading">' + _e(word("artefact_heading", lang)) + "</h3>"
        f'<p><label for="artefact-file">{_e(word("artefact_label", lang))}</label> '
        '<input type="file" id="artefact-file" disabled></p>'
        f'<progress id="artefact-progress" max="1" value="0" aria-labelledby="artefact-heading"></progress>'
        '<p id="artefact-result" role="status" aria-live="polite"></p></div>'
        f"<p class=small>{_e(word('not_proven', lang).format(script=sha))}</p>"
        f"<p class=small>{_e(word('tables_note', lang))}</p></section>"
    )


def notes(part: str, lang: str) -> str:
    """A data section of the report with the notes the page shows once it has checked the bundle, hidden until then
    (the script reveals those of its outcome, ``data-shown``): that the browser did not verify the bundle, and on
    the timeline, that its rows were checked against the verified events, or replaced by them."""
    shown = {"fail": ("warning", "unverified_browser")}
    if 'id="timeline-heading"' in part:
        shown |= {"checked": ("checked", "timeline_checked"), "replaced": ("warning", "timeline_replaced")}
    role = {"fail": ' role="alert"'}
    html = "".join(
        f'<p class="{css}"{role.get(when, "")} data-shown="{when}" hidden>{_e(word(key, lang))}</p>'
        for when, (css, key) in shown.items()
    )
    return part.replace("</h2>", "</h2>" + html, 1)


def script_tags(
    bundle: bytes,
    trusted: Sequence[TrustedKey],
    lang: str,
    witnesses: Sequence[str] = (),
    quorum: int = 0,
    zone: str = "UTC",
) -> str:
    """The data block and the inline script, to put at the end of the body."""
    data = page_data(bundle, trusted, lang, witnesses, quorum, zone)
    return data_block(data) + f"<script>{page_script()}</script>"
