"""`scelle verify IMAGE...`: re-hash an image and compare it with its acquisition record or stored E01 hashes."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

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
                _render(exc.report, as_json)
            raise
        appended = None if custody is None else custody.append(report, tool=f"{TOOL_NAME} {__version__} verify")
    _render(report, as_json)
    if appended is not None:
        click.echo(f"custody: recorded verified {appended.entry.entry_id} in {ledger}", err=as_json)


def _render(report: VerificationReport, as_json: bool) -> None:
    from cli.language import message_language
    from evidence.hashing.digest import labelled

    for notice in report.notices:  # on stderr too, so that a --json reader or a log sees it
        click.echo(f"scelle: warning: {notice.text(message_language())}", err=True)
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False))
        return
    status = "verified" if report.ok else "MISMATCH"
    click.echo(f"{report.image}: {status} ({report.format}, {report.media_size} bytes)")
    for check in report.checks:
        mark = "ok" if check.ok else "MISMATCH"
        line = f"  {check.subject}: {labelled(check.algorithm, check.expected)} {mark}"
        if not check.ok:
            line += f" (computed {labelled(check.algorithm, check.computed) if check.computed else 'nothing'})"
        click.echo(line)
    for mismatch in report.first_mismatch:
        click.echo(
            f"  first mismatch in {mismatch.subject}: window {mismatch.index}, bytes [{mismatch.start}, {mismatch.end})"
        )
    for problem in report.problems:
        click.echo(f"  problem: {problem}")
    for notice in report.notices:
        click.echo(f"  note: {notice.text(message_language())}")
