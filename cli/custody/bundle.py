"""`scelle custody export` and the bundle half of `scelle custody verify`: the prosecutor bundle.

``export`` writes BUNDLE.json (and optionally the HTML report and the CASE/UCO JSON-LD) from a ledger; ``verify_bundle``
checks a bundle offline against a trusted ledger key, prints the verdict and one line per check, and exits 0 only
on VERIFIED (3 otherwise). ``cli.custody.group`` registers ``export``, and its ``verify`` command takes the options of
``bundle_verify_options`` and calls ``verify_bundle`` when its argument is a bundle rather than a ledger.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

import click

from cli.lang import locale_lang, remember_lang
from cli.options import quiet_option
from cli.zone import display_zone_option, user_zone
from evidence.common.version import __version__

if TYPE_CHECKING:
    from custody.bundle.outcome import BundleReport
    from custody.ledger.rfc3161 import TsaTrust

LANG = click.Choice(["en", "fr"])
F = TypeVar("F", bound=Callable[..., Any])


def _outputs(
    report_path: str | None,
    case_uco: str | None,
    lang: str,
    result: BundleReport,
    *,
    bundle: bytes | None = None,
    key_source: str | None = None,
    sender: bool = False,
    zone: str = "UTC",
) -> None:
    from custody.bundle.caseuco import case_uco_bytes
    from custody.bundle.io import write_whole
    from custody.bundle.report import render_html

    if report_path:
        html = render_html(
            result,
            lang,
            checked_at=datetime.now(UTC),
            tool=f"scelle {__version__}",
            bundle=bundle,
            key_source=key_source,
            sender=sender,
            zone=zone,
        )
        write_whole(report_path, html.encode("utf-8"))
    if case_uco:
        write_whole(case_uco, case_uco_bytes(result.contents))


@click.command("export")
@click.argument("ledger", type=click.Path(dir_okay=False))
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False), help="Bundle file to write (JSON).")
@click.option(
    "--artefact",
    "artefacts",
    multiple=True,
    metavar="PATH_OR_DIGEST",
    help="Only this artefact (a file, or sha256:/blake3: digest); repeat for more. Default: all.",
)
@click.option("--report", "report_path", type=click.Path(dir_okay=False), help="Also write the HTML report.")
@click.option(
    "--lang",
    type=LANG,
    default=locale_lang,
    callback=remember_lang,
    show_default="the locale's",
    help="Language of the report and summary.",
)
@click.option("--case-uco", "case_uco", type=click.Path(dir_okay=False), help="Also write a CASE/UCO JSON-LD file.")
@display_zone_option
@quiet_option
def export(
    ledger: str,
    out: str,
    artefacts: tuple[str, ...],
    report_path: str | None,
    lang: str,
    case_uco: str | None,
    display_tz: str | None,
    quiet: bool,
) -> None:
    """Export from LEDGER the bundle a prosecutor or judge abroad verifies offline (an artefact file given is
    hashed, with its progress on stderr).

    The bundle holds UTC instants; the report and summary show them in --tz, each with its offset.
    """
    from cli.progress import progress_for
    from custody.bundle.io import export_ledger, write_whole
    from custody.bundle.summary import text_summary

    zone = user_zone(display_tz)
    with progress_for(quiet, lang) as progress:
        result = export_ledger(ledger, artefacts, progress=progress)
    write_whole(out, result.data)
    _outputs(report_path, case_uco, lang, result.report, bundle=result.data, key_source=ledger, sender=True, zone=zone)
    click.echo(text_summary(result.report, lang, zone), nl=False)
    from custody.i18n import message
    from custody.i18n.words import counted

    for key in result.export.also_named:
        click.echo(message("bundle.also_names", lang, out=out, key=key))
    entries = counted(len(result.export.bundle.entries), "entry", lang)
    click.echo(message("bundle.written", lang, out=out, size=len(result.data), entries=entries))


def verify_bundle(
    bundle: str,
    trust: str | list[str],
    artefacts: tuple[str, ...] = (),
    report_path: str | None = None,
    lang: str = "en",
    case_uco: str | None = None,
    as_json: bool = False,
    tsa: TsaTrust | None = None,
    witnesses: Sequence[str] = (),
    quorum: int | None = None,
    zone: str = "UTC",
) -> None:
    """Verify BUNDLE offline against the trusted ledger key ``trust`` (or keys: one per linked ledger); exit 3
    unless VERIFIED.

    The verdict, the HTML report and the CASE/UCO file are written for a refused bundle too (the report says why).
    """
    from custody.bundle.io import check_bundle_file, read_bundle_file
    from custody.bundle.outcome import BundleReport
    from custody.bundle.verify import verify_bundle as verify
    from custody.model.trust import read_trust
    from evidence.common.report import VerificationError

    # The HTML report embeds the bundle (its page checks it again in the reader's browser): then the bytes verified
    # are the bytes embedded, held once. Otherwise the file is read entry by entry, never whole (issue 18).
    check_bundle_file(bundle)
    data = read_bundle_file(bundle) if report_path else None
    given = [trust] if isinstance(trust, str) else list(trust)
    source = (data, ", ".join(given))
    try:
        keys = [read_trust(t) for t in given]
        result = verify(
            bundle if data is None else data,
            keys,
            artefacts,
            name=bundle,
            tsa=tsa,
            witnesses=witnesses,
            quorum=quorum,
            lang=lang,
        )
    except VerificationError as exc:
        if isinstance(exc.report, BundleReport):
            _render_bundle(exc.report, report_path, lang, case_uco, as_json, source, zone)
            raise VerificationError(exc.report, exc.report.failure_message(lang, zone)) from exc
        raise
    _render_bundle(result, report_path, lang, case_uco, as_json, source, zone)


def _render_bundle(
    result: BundleReport,
    report_path: str | None,
    lang: str,
    case_uco: str | None,
    as_json: bool,
    source: tuple[bytes | None, str] | None = None,
    zone: str = "UTC",
) -> None:
    from custody.bundle.outcome import describe
    from custody.bundle.summary import text_summary

    bundle, key_source = source if source is not None else (None, None)
    _outputs(report_path, case_uco, lang, result, bundle=bundle, key_source=key_source, zone=zone)
    if as_json:
        click.echo(json.dumps(describe(result), ensure_ascii=False))
    else:
        click.echo(text_summary(result, lang, zone), nl=False)
    unchecked = sum(check.status == "not checked" for check in result.contents.timestamps)
    if unchecked:  # present, never called verified (the verdict does not rest on them)
        from custody.i18n import message

        click.echo(
            message("tsa.unchecked.one" if unchecked == 1 else "tsa.unchecked", lang, count=unchecked), err=as_json
        )


def bundle_verify_options(func: F) -> F:
    """The options of bundle verification (--artefact, --report, --lang, --case-uco), to add to the
    ``custody verify`` command that also verifies ledgers (``--lang`` also chooses the language of its messages)."""
    for option in reversed(
        [
            click.option(
                "--artefact",
                "artefacts",
                multiple=True,
                type=click.Path(dir_okay=False),
                help="Bundle: an evidence file to re-hash (SHA-256 + BLAKE3) against it; repeat for more.",
            ),
            click.option(
                "--report", "report_path", type=click.Path(dir_okay=False), help="Also write the HTML report."
            ),
            click.option(
                "--lang",
                type=LANG,
                default=locale_lang,
                callback=remember_lang,
                show_default="the locale's",
                help="Language of the report, the summary and the messages.",
            ),
            click.option(
                "--case-uco", "case_uco", type=click.Path(dir_okay=False), help="Also write a CASE/UCO JSON-LD file."
            ),
            display_zone_option,
        ]
    ):
        func = option(func)
    return func
