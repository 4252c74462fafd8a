"""The plain-text summary of a verified (or refused) bundle, printed on the terminal in French or English.

It carries the same facts as the HTML report in a form that reads in a terminal or a plain e-mail: verdict, one line
per check, the evidence items with their digests, and the timeline with the instrument and reference of each action.
"""

from __future__ import annotations

from custody import i18n
from custody.bundle.clock import when
from custody.bundle.outcome import BundleReport
from custody.bundle.report import (
    artefacts_of,
    authority_title,
    change_lines,
    colon,
    crossing,
    digest_lines,
    ledger_events,
    party,
)
from custody.i18n import label


def verdict_lines(report: BundleReport, lang: str, zone: str) -> list[str]:
    """The verdict, then one line per finding marked ``[OK]`` or ``[FAILED]``/``[ÉCHEC]``, its times in ``zone``."""
    lines = [f"{label('verdict', lang)}{colon(lang)}{i18n.pick(i18n.VERDICT[report.ok], lang)}"]
    for f in report.findings:
        mark = label("ok", lang) if f.ok else label("fail", lang)
        lines.append(f"  [{mark}] {f.text(lang, zone)}")
    return lines


def text_summary(report: BundleReport, lang: str = "en", zone: str = "UTC") -> str:
    """Verdict, checks, evidence items and timeline as plain text in ``lang``, every time in ``zone`` with its
    offset and, for an event, the zone it was given in."""
    i18n.check_lang(lang)
    sep = colon(lang)
    c = report.contents
    lines = []
    if c.header is not None:
        lines.append(f"{label('summary_title', lang)} — {label('case', lang)} {c.header.case} ({c.header.origin})")
    lines += verdict_lines(report, lang, zone)
    lines.append(f"{label('artefacts', lang)}{sep}".rstrip())
    for artefact, seals in artefacts_of(c):
        seal = f" [{label('seals', lang)}{sep}{', '.join(seals)}]" if seals else ""
        lines.append(f"  {artefact.name or '—'}{seal}")
        lines += [f"    {line}" for line in digest_lines(artefact.digests)]
    lines.append(f"{label('timeline', lang)} ({label('time_zone', lang).lower()} {zone}){sep}".rstrip())
    shown = None
    for origin, event, contents in ledger_events(report):
        if report.linked and origin != shown:  # a linked history: which ledger each event comes from
            shown = origin
            lines.append(f" {label('ledger', lang)}{sep}{origin}")
        local, given = when(event.occurred_at, event.occurred_tz, zone, lang)
        name, detail = party(event.handler, lang)
        action = i18n.vocabulary(i18n.ACTIONS, event.action, lang)
        lines.append(f"  {local}  {action}  {name} ({detail}) [{given}]")
        came = crossing(event, lang)
        if came is not None:
            lines.append(f"      {came}")
        if event.counter_party is not None:
            other, other_detail = party(event.counter_party, lang)
            lines.append(f"      {label('received_by', lang)}{sep}{other} ({other_detail})")
        known = contents.authorities
        cited = [authority_title(known[a], lang) if a in known else a for a in event.authorities]
        if cited:
            lines.append(f"      {label('authority', lang)}{sep}{'; '.join(cited)}")
        if event.late_reason:
            lines.append(f"      {label('late_reason', lang)}{sep}{event.late_reason}")
        if event.derived_from:
            lines.append(f"      {label('derived_from', lang)}{sep}{', '.join(event.derived_from)}")
    changed = [(a, change_lines(a, c, lang, zone)) for a in c.authorities.values()]
    if any(lines_ for _, lines_ in changed):
        lines.append(f"{label('authorities', lang)}{sep}".rstrip())
        for authority, lines_ in changed:
            lines += [f"  {authority_title(authority, lang)}{sep}{line}" for line in lines_]
    return "\n".join(lines) + "\n"
