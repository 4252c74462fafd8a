"""`scelle verify IMAGE...`: re-hash an image and compare it with its acquisition record or stored E01 hashes."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from cli.custody.common import recorded_line
from cli.custody.verified import custody_for_verification
from cli.lang import lang_choice
from cli.options import examiner_ledger_options, image_arguments, json_option, quiet_option
from cli.progress import progress_for
from cli.signals import terminate_as_interrupt
from cli.zone import user_zone

if TYPE_CHECKING:
    from evidence.acquisition.verify import VerificationReport


@click.command()
@image_arguments
@click.option("--source", type=click.Path(dir_okay=False), help="Also re-read the source device and compare it.")
@click.option(
    "--expect",
    "expected",
    multiple=True,
    metavar="ALG:HEX",
    help="A digest the media must have, e.g. from a seizure form (md5, sha1, sha256, blake3). Repeatable.",
)
@examiner_ledger_options("verified", "the verification")
@json_option
@quiet_option
@lang_choice
def verify(
    images: tuple[str, ...],
    source: str | None,
    expected: tuple[str, ...],
    ledger: str | None,
    key_file: str | None,
    authorities: tuple[str, ...],
    ledger_key: str | None,
    location: str | None,
    seal: str | None,
    zone: str | None,
    as_json: bool,
    quiet: bool,
    lang: str,
) -> None:
    """Verify IMAGE against OUTPUT.acquisition.json (and, for E01, the MD5/SHA-1 stored inside).

    With --expect ALG:HEX, the media's digest must also equal that value (a raw image with no record can be
    verified against --expect alone).

    With --ledger and --key, a `verified` custody event is appended when everything matched (the ledger and keys
    are opened first; passphrases from SCELLE_PASSPHRASE and SCELLE_LEDGER_PASSPHRASE, else a prompt).

    Exit 0 when everything matches, 3 on any mismatch (the first mismatching window is named; nothing recorded).
    """
    from cli.language import message_language

    lang = message_language()  # --lang given, else SCELLE_LANG, else the locale: as the error lines
    # imported here: other commands start faster
    from evidence.acquisition.verify import VerificationReport, verify_image
    from evidence.common.report import VerificationError
    from evidence.common.version import TOOL_NAME, __version__
    from evidence.hashing.expected import parse_expected

    expect = parse_expected(expected)
    with custody_for_verification(ledger, key_file, authorities, ledger_key, zone, location, seal) as custody:
        try:
            with terminate_as_interrupt(), progress_for(quiet, lang, user_zone(zone)) as progress:
                report = verify_image(images, source=source, progress=progress, expect=expect)
        except VerificationError as exc:
            if isinstance(exc.report, VerificationReport):
                _render(exc.report, as_json, lang)
                raise VerificationError(exc.report, exc.report.failure_message(lang)) from exc
            raise
        appended = None if custody is None else custody.append(report, tool=f"{TOOL_NAME} {__version__} verify")
    _render(report, as_json, lang)
    if appended is not None:
        click.echo(recorded_line("verified", appended.entry.entry_id, ledger, lang), err=as_json)


def _render(report: VerificationReport, as_json: bool, lang: str) -> None:
    from cli.acquire_log import subject_text
    from custody.i18n.messages import message
    from evidence.common.messages import Notice
    from evidence.hashing.digest import labelled

    for notice in report.notices:  # on stderr too, so that a --json reader or a log sees it
        click.echo(Notice("cli.warning", text=notice).text(lang), err=True)
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False))
        return
    status = "verify.verified" if report.ok else "verify.mismatch"
    click.echo(message(status, lang, image=report.image, format=report.format, size=report.media_size))
    for check in report.checks:
        subject, digest = subject_text(check.subject, lang), labelled(check.algorithm, check.expected)
        if check.ok:
            click.echo("  " + message("verify.check.ok", lang, subject=subject, digest=digest))
            continue
        computed = labelled(check.algorithm, check.computed) if check.computed else message("verify.nothing", lang)
        click.echo("  " + message("verify.check.mismatch", lang, subject=subject, digest=digest, computed=computed))
    for mismatch in report.first_mismatch:
        click.echo(
            "  "
            + message(
                "verify.first_mismatch",
                lang,
                subject=subject_text(mismatch.subject, lang),
                index=mismatch.index,
                start=mismatch.start,
                end=mismatch.end,
            )
        )
    for problem in report.problems:
        click.echo("  " + message("verify.problem", lang, problem=problem.text(lang)))
    for notice in report.notices:
        click.echo("  " + message("verify.note", lang, note=notice.text(lang)))
