"""The report a prosecutor or judge reads: a self-contained, printable HTML page in French or English.

One file, no external resource (no font, script, image or stylesheet from anywhere: it must open on an air-gapped
court computer and print the same), every value escaped. It states the case, the verdict and each check, each
evidence item with its digests and seals, the timeline of custody (who, role, organisation, country, when, in the
report's one time zone with its offset and the zone it was given in, where, what, under which instrument and
reference), the legal authorities with their validity windows, the handlers' key fingerprints, and how to re-check
it all without the sender's software.
Words come from ``custody.i18n``; ``custody.bundle.summary`` prints the same content as plain text.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from html import escape

from custody import i18n
from custody.bundle import selfcheck
from custody.bundle.clock import date, when
from custody.bundle.outcome import BundleReport, Contents
from custody.i18n import label
from custody.i18n.words import counted
from custody.model.records import Artefact, Authority, Event
from custody.model.trust import TrustedKey

_CSS = """
*{box-sizing:border-box}
body{font:10.5pt/1.45 "DejaVu Sans","Liberation Sans",Arial,sans-serif;color:#111;margin:0 auto;max-width:1100px;
 padding:18px 24px}
h1{font-size:17pt;margin:0 0 4px}h2{font-size:12.5pt;margin:22px 0 6px;border-bottom:2px solid #223;
 padding-bottom:2px}
table{border-collapse:collapse;width:100%;margin:4px 0 8px}
th,td{border:1px solid #999;padding:3px 5px;vertical-align:top;text-align:left}
th{background:#e8eaf0;font-weight:bold}
tr{page-break-inside:avoid;break-inside:avoid}
.meta th{width:24%;font-weight:bold;background:#f4f5f8}
.digest{font-family:"DejaVu Sans Mono","Liberation Mono",monospace;font-size:8.5pt;word-break:break-all}
.small{font-size:8.5pt;color:#333}
.nw{white-space:nowrap}
.verdict{border:3px solid;padding:8px 12px;margin:12px 0;font-size:15pt;font-weight:bold}
.verdict.ok{border-color:#1b6e2a;color:#1b6e2a;background:#eef8ef}
.verdict.bad{border-color:#a4161a;color:#a4161a;background:#fbeeee}
ul.checks{list-style:none;padding:0;margin:4px 0}
ul.checks li{display:grid;grid-template-columns:5.5em 1fr;padding:2px 0;page-break-inside:avoid}
.mark{font-weight:bold}
.mark.ok{color:#1b6e2a}.mark.bad{color:#a4161a}
ol li{margin-bottom:4px}
@page{size:A4;margin:14mm}
@media print{body{padding:0;max-width:none}h2{page-break-after:avoid;break-after:avoid}
 .verdict{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
"""


def colon(lang: str) -> str:
    """A colon as each language writes it (French puts a no-break space before it)."""
    return "\u00a0: " if lang == "fr" else ": "


def _e(value: object) -> str:
    """Escape for HTML text and double-quoted attributes (apostrophes, frequent in French, need no escaping)."""
    return escape(str(value), quote=False).replace('"', "&quot;")


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]], css: str = "") -> str:
    """A table whose cells are already-escaped HTML."""
    head = "".join(f'<th scope="col">{h}</th>' for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    cls = f' class="{css}"' if css else ""
    return f"<table{cls}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def artefacts_of(contents: Contents) -> list[tuple[Artefact, list[str]]]:
    """The selected artefacts (with every digest recorded for them) and the seal numbers their events give."""
    merged: dict[str, dict[str, str]] = {}
    names: dict[str, Artefact] = {}
    seals: dict[str, list[str]] = {}
    for event in contents.events:
        for artefact in event.artefacts:
            if artefact.key not in contents.selection:
                continue
            merged.setdefault(artefact.key, {}).update(artefact.digests)
            names.setdefault(artefact.key, artefact)
            if event.seal and event.seal not in seals.setdefault(artefact.key, []):
                seals[artefact.key].append(event.seal)
    result = []
    for key in contents.selection:
        if key in names:
            first = names[key]
            full = Artefact(
                digests=merged[key], name=first.name, size=first.size, acquisition_record=first.acquisition_record
            )
            result.append((full, seals.get(key, [])))
    return result


def digest_lines(digests: Mapping[str, str]) -> list[str]:
    """``algorithm:hex`` lines, SHA-256 first then BLAKE3 then the rest."""
    order = sorted(digests, key=lambda a: (a != "sha256", a != "blake3", a))
    return [f"{a}:{digests[a]}" for a in order]


def authority_title(authority: Authority, lang: str) -> str:
    """Instrument name in ``lang`` and the reference: what the timeline cites."""
    return f"{i18n.vocabulary(i18n.INSTRUMENTS, authority.instrument, lang)}, {authority.reference}"


def party(handler: object, lang: str) -> tuple[str, str]:
    """``(name, "role, organisation, country")`` of a handler."""
    name, role = getattr(handler, "name", ""), getattr(handler, "role", "")
    detail = ", ".join(
        [
            i18n.vocabulary(i18n.ROLES, role, lang),
            getattr(handler, "organisation", ""),
            i18n.country(getattr(handler, "country", ""), lang),
        ]
    )
    return name, detail


def _meta(report: BundleReport, lang: str, checked_at: datetime | None, tool: str, zone: str) -> str:
    c = report.contents
    rows = []
    if c.header is not None:
        rows.append((label("case", lang), f"<b>{_e(c.header.case)}</b>"))
        rows.append((label("ledger", lang), _e(c.header.origin)))
    if c.trusted is not None:
        rows.append((label("ledger_key", lang), f'<span class="digest">{_e(c.trusted.fingerprint)}</span>'))
    if c.checkpoint is not None:
        root = base64.b64encode(c.checkpoint.root).decode("ascii")
        rows.append(
            (
                label("checkpoint", lang),
                label("checkpoint_state", lang).format(entries=counted(c.checkpoint.size, "entry", lang)) + " "
                f'<span class="digest">{_e(root)}</span>',
            )
        )
    if checked_at is not None:
        rows.append((label("verified_at", lang), _e(date(checked_at, zone))))
    rows.append((label("tool", lang), _e(tool)))
    rows.append((label("time_zone", lang), _e(zone)))
    body = "".join(f'<tr><th scope="row">{_e(k)}</th><td>{v}</td></tr>' for k, v in rows)
    return f'<table class="meta"><tbody>{body}</tbody></table>'


def _verdict(report: BundleReport, lang: str, zone: str) -> str:
    ok = report.ok
    items = []
    for f in report.findings:
        mark = label("ok", lang) if f.ok else label("fail", lang)
        css = "ok" if f.ok else "bad"
        items.append(f'<li><span class="mark {css}">{_e(mark)}</span><span>{_e(f.text(lang, zone))}</span></li>')
    return (
        f'<div class="verdict {"ok" if ok else "bad"}">{_e(label("verdict", lang))}{colon(lang)}'
        f"{_e(i18n.pick(i18n.VERDICT[ok], lang))}</div>"
        f'<h2>{_e(label("findings", lang))}</h2><ul class="checks">{"".join(items)}</ul>'
    )


def _artefacts(report: BundleReport, lang: str) -> str:
    files = {f.artefact: f.path for f in report.contents.files if f.artefact}
    rows = []
    for artefact, seals in artefacts_of(report.contents):
        size = "" if artefact.size is None else f"{artefact.size:,} {label('bytes', lang)}".replace(",", "\u202f")
        digests = "<br>".join(_e(line) for line in digest_lines(artefact.digests))
        checked = (
            f"{_e(files[artefact.key])}: {_e(label('file_match', lang))}"
            if artefact.key in files
            else _e(label("not_checked", lang))
        )
        rows.append(
            (
                _e(artefact.name or "—"),
                _e(size),
                f'<span class="digest">{digests}</span>',
                "<br>".join(f"<span class=nw>{_e(x)}</span>" for x in seals) or "—",
                checked,
            )
        )
    headers = [label(k, lang) for k in ("name", "size", "digests", "seals", "file_check")]
    return f"<h2>{_e(label('artefacts', lang))}</h2>" + _table([_e(h) for h in headers], rows)


def _event_row(event: Event, contents: Contents, lang: str, zone: str) -> list[str]:
    local, given = when(event.occurred_at, event.occurred_tz, zone, lang)
    name, detail = party(event.handler, lang)
    who = f"<b>{_e(name)}</b><br><span class=small>{_e(detail)}</span>"
    if event.counter_party is not None:
        other, other_detail = party(event.counter_party, lang)
        who += (
            f"<br>{_e(label('received_by', lang))}{colon(lang)}<b>{_e(other)}</b><br>"
            f"<span class=small>{_e(other_detail)}</span>"
        )
    cited = [
        authority_title(contents.authorities[a], lang) if a in contents.authorities else a for a in event.authorities
    ]
    action = f"<b>{_e(i18n.vocabulary(i18n.ACTIONS, event.action, lang))}</b><br><span class=small>{_e(event.id)}"
    if event.seal:
        action += f"<br>{_e(label('seal', lang))} {_e(event.seal)}"
    for name, said in (("late_reason", event.late_reason), ("derived_from", ", ".join(event.derived_from))):
        action += f"<br>{_e(label(name, lang))}{colon(lang)}{_e(said)}" if said else ""
    extra = [x for x in (event.purpose, event.tool) if x]
    categories = ", ".join(i18n.vocabulary(i18n.CATEGORIES, c, lang) for c in event.categories)
    where = _e(event.location or "—") + ("<br><span class=small>" + _e("; ".join(extra)) + "</span>" if extra else "")
    return [
        f"<span class=nw>{_e(local)}</span><br><span class=small>{_e(given)}</span>",
        action + "</span>",
        who,
        where,
        "<br>".join(_e(c) for c in cited)
        or _e(label("none", lang)) + (f"<br><span class=small>{_e(categories)}</span>" if categories else ""),
    ]


def ledger_events(report: BundleReport) -> list[tuple[str, Event, Contents]]:
    """Every event with the origin of the ledger it comes from: the linked ledgers' histories first (they are
    earlier: the evidence came from there), then this bundle's own events."""
    found = [item for linked in report.linked for item in ledger_events(linked)]
    origin = report.contents.header.origin if report.contents.header else "?"
    return found + [(origin, event, report.contents) for event in report.contents.events]


def crossing(event: Event, lang: str) -> str | None:
    """For an event received across a border: where it came from and the offered event there."""
    link = event.handover
    if link is None:
        return None
    return f"{label('came_from', lang)}{colon(lang)}{link.origin} ({link.offer})"


def _timeline(report: BundleReport, lang: str, zone: str) -> str:
    keys: tuple[str, ...] = ("when", "action", "who", "where", "authority")
    if not report.linked:
        rows = [_event_row(e, report.contents, lang, zone) for e in report.contents.events]
    else:  # a linked history: say which ledger each event comes from, and where the chain crossed the border
        keys = ("ledger", *keys)
        rows = []
        for origin, event, contents in ledger_events(report):
            row = _event_row(event, contents, lang, zone)
            came = crossing(event, lang)
            if came is not None:
                row[1] += f"<br><b>{_e(came)}</b>"
            rows.append([f"<span class=small>{_e(origin)}</span>", *row])
    headers = [label(k, lang) for k in keys]
    return f'<h2 id="timeline-heading">{_e(label("timeline", lang))}</h2>' + _table([_e(h) for h in headers], rows)


def change_lines(a: Authority, contents: Contents, lang: str, zone: str) -> list[str]:
    """The changes recorded to an authority, one sentence each: ``Extended until …``, ``Validated by …``,
    ``Revoked from …``, with who decided, its file number, and the reason."""
    lines = []
    for change in contents.changes.get(a.id, []):
        kind = i18n.vocabulary(i18n.AUTHORITY_TYPES, change.decided_by_type or "", lang)
        by = change.decided_by + (f" ({kind})" if change.decided_by_type else "")
        until = date(change.valid_until, zone) if change.valid_until else ""
        text = i18n.pick(i18n.CHANGE_LINES[change.change], lang).format(at=date(change.at, zone), by=by, until=until)
        extra = [x for x in (change.reference, change.reason) if x]
        lines.append(text + (f" — {'; '.join(extra)}" if extra else ""))
    return lines


def _authority_row(a: Authority, contents: Contents, lang: str, zone: str) -> list[str]:
    kind = i18n.vocabulary(i18n.AUTHORITY_TYPES, a.issuing_authority_type or "", lang)
    issuer = f"{a.issuing_authority}" + (f" ({kind})" if a.issuing_authority_type else "")
    states = [f"{label('requesting', lang)}: {i18n.country(a.requesting_state or a.issuing_state, lang)}"]
    if a.requested_state:
        states.append(f"{label('requested', lang)}: {i18n.country(a.requested_state, lang)}")
    scope = [i18n.vocabulary(i18n.CATEGORIES, c, lang) for c in a.scope.categories] + list(a.scope.identifiers)
    offence = "—"
    if a.offence is not None:
        offence = "; ".join([a.offence.description, *a.offence.provisions])
    conditions = []
    if a.conditions.confidential:
        conditions.append(label("confidential", lang))
    if a.conditions.use_limitation:
        conditions.append(f"{label('use_limitation', lang)} {a.conditions.use_limitation}")
    if a.extends:
        conditions.append(f"{label('extends', lang)} {a.extends}")
    changes = "".join(f"<br><b>{_e(line)}</b>" for line in change_lines(a, contents, lang, zone))
    given = when(a.issued, a.tz, zone, lang)[1]
    title = i18n.vocabulary(i18n.INSTRUMENTS, a.instrument, lang)
    basis = a.legal_basis or ""
    return [
        f"<b>{_e(a.reference)}</b><br><span class=small>{_e(a.id)}</span>",
        _e(title) + (f"<br><span class=small>{_e(basis)}</span>" if basis else ""),
        _e(issuer) + "<br><span class=small>" + "<br>".join(_e(s) for s in states) + "</span>",
        f"{_e(label('from', lang))} <span class=nw>{_e(date(a.valid_from, zone))}</span><br>"
        f"{_e(label('until', lang))} <span class=nw>{_e(date(a.valid_until, zone))}</span><br>"
        f"<span class=small>{_e(label('issued', lang))} <span class=nw>{_e(date(a.issued, zone))}</span>"
        + (f"<br>{_e(given)}" if given else "")
        + "</span>"
        + changes,
        _e("; ".join(scope) or "—")
        + f"<br><span class=small>{_e(offence)}</span>"
        + ("<br>" + _e("; ".join(conditions)) if conditions else ""),
    ]


def _authorities(report: BundleReport, lang: str, zone: str) -> str:
    rows = [_authority_row(a, report.contents, lang, zone) for a in report.contents.authorities.values()]
    headers = [label(k, lang) for k in ("reference", "instrument", "issued_by", "validity", "scope")]
    return f"<h2>{_e(label('authorities', lang))}</h2>" + _table([_e(h) for h in headers], rows)


def _handlers(report: BundleReport, lang: str) -> str:
    rows = []
    for entry in report.contents.keys.values():
        h = entry.handler
        rows.append(
            [
                f"<b>{_e(h.name)}</b>",
                _e(i18n.vocabulary(i18n.ROLES, h.role, lang)),
                _e(h.organisation),
                _e(i18n.country(h.country, lang)),
                f'<span class="digest">{_e(h.key_fingerprint)}</span>',
            ]
        )
    headers = [label(k, lang) for k in ("name", "role", "organisation", "country", "fingerprint")]
    return f"<h2>{_e(label('handlers', lang))}</h2>" + _table([_e(h) for h in headers], rows)


def _how(report: BundleReport, lang: str) -> str:
    key = report.contents.trusted.fingerprint if report.contents.trusted else "?"
    steps = "".join(f"<li>{_e(s.format(fingerprint=key))}</li>" for s in i18n.RECHECK[lang])
    limits = "".join(f"<li>{_e(s)}</li>" for s in i18n.LIMITS[lang])
    return f"<h2>{_e(label('recheck', lang))}</h2><ol>{steps}</ol><h2>{_e(label('limits', lang))}</h2><ul>{limits}</ul>"


def ledger_keys(report: BundleReport) -> list[tuple[TrustedKey, str]]:
    """The trusted key of each ledger of the report (the bundle's, then its linked ones'), with the ledger's origin."""
    key, header = report.contents.trusted, report.contents.header
    found = [] if key is None else [(key, header.origin if header is not None else "")]
    for linked in report.linked:
        found += [item for item in ledger_keys(linked) if item[0] not in [k for k, _ in found]]
    return found


def render_html(
    report: BundleReport,
    lang: str = "en",
    *,
    checked_at: datetime | None = None,
    tool: str = "scelle",
    bundle: bytes | None = None,
    key_source: str | None = None,
    sender: bool = False,
    zone: str = "UTC",
) -> str:
    """The whole report page in ``lang`` (``en`` or ``fr``); ``checked_at`` is when verification ran. Every time
    is shown in ``zone`` with its offset (``custody.bundle.clock``).

    With ``bundle`` (its exact bytes) the page embeds it and checks it itself in the reader's browser
    (``custody.bundle.selfcheck``). ``key_source`` says where the trusted key came from; ``sender`` labels the
    printed verdict as the sender's own (an export report), not an independent verification.
    """
    i18n.check_lang(lang)
    case = report.contents.header.case if report.contents.header else ""
    title = f"{label('title', lang)} — {case}" if case else label("title", lang)
    trusted = report.contents.trusted
    keys = ledger_keys(report)
    selfchecking = bundle is not None and trusted is not None
    python_label = ""
    if key_source is not None:
        said = selfcheck.word("python_sender" if sender else "python_reader", lang).format(source=key_source)
        python_label = f'<p class="python-label">{_e(said)}</p>'
    data = [
        _artefacts(report, lang),
        _timeline(report, lang, zone),
        _authorities(report, lang, zone),
        _handlers(report, lang),
    ]
    if not report.ok:  # nothing built from an unverified bundle is shown without a warning
        warning = f'<p class="warning" role="alert">{_e(selfcheck.word("unverified", lang))}</p>'
        data = [part.replace("</h2>", "</h2>" + warning, 1) for part in data]
    data = [f'<section class="data">{selfcheck.notes(part, lang) if selfchecking else part}</section>' for part in data]
    parts = [
        _meta(report, lang, checked_at, tool, zone),
        selfcheck.section(keys, lang) if selfchecking else "",
        python_label + _verdict(report, lang, zone),
        *data,
        _how(report, lang),
    ]
    script = selfcheck.page_script() if selfchecking else None
    c = report.contents
    tail = (
        selfcheck.script_tags(bundle, [k for k, _ in keys], lang, c.witnesses, c.quorum, zone)
        if bundle and selfchecking
        else ""
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n{selfcheck.csp_meta(script)}\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{_e(title)}</title>\n'
        f"<style>{_CSS}{selfcheck.CSS}</style>\n</head>\n<body>\n<h1>{_e(title)}</h1>\n"
        + "\n".join(p for p in parts if p)
        + f"\n{tail}\n</body>\n</html>\n"
    )
