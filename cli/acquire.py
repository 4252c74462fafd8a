"""`scelle acquire SOURCE OUTPUT`: image a file or block device, hashing it on the way, and record it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from cli.acquire_log import logged_on_failure, read_back, write_log
from cli.custody.common import custody_for_acquisition, recorded_line
from cli.lang import lang_choice
from cli.options import examiner_ledger_options, json_option, quiet_option
from cli.progress import progress_for
from cli.signals import terminate_as_interrupt
from cli.zone import user_zone
from custody.i18n.messages import message
from evidence.common.errors import UsageError
from evidence.ewf.format import MediaType

if TYPE_CHECKING:
    from evidence.acquisition.record import AcquisitionRecord
    from evidence.acquisition.verify import VerificationReport


def _size(what: str, value: str | None) -> int | None:
    from evidence.common.units import parse_size

    return None if value is None else parse_size(value, what=what)


def _split_size(output_format: str, split: str | None, segment_size: str | None) -> int | None:
    if segment_size is not None and output_format != "e01":
        raise UsageError("--segment-size is for --format e01; split raw output with --split")
    if segment_size is not None and split is not None:
        raise UsageError("give --split or --segment-size, not both")
    return _size("--segment-size", segment_size) if segment_size is not None else _size("--split", split)


@click.command()
@click.argument("source", type=click.Path(dir_okay=False))
@click.argument("output", type=click.Path(dir_okay=False))
@click.option("--format", "output_format", type=click.Choice(["raw", "e01"]), default="raw", show_default=True)
@click.option("--split", "split", metavar="SIZE", help="Split raw output into OUTPUT.001, .002, ... of SIZE (2GiB).")
@click.option(
    "--hash", "extra_hashes", default="", metavar="ALGS", help="Add digests: md5,sha1 (sha256+blake3 always)."
)
@click.option("--case", "case_number", help="Case number.")
@click.option("--evidence", "evidence_number", help="Evidence number.")
@click.option("--examiner", help="Examiner name.")
@click.option("--description", help="Description of the evidence.")
@click.option("--notes", help="Notes.")
@click.option(
    "--compress",
    type=click.Choice(["none", "fast", "best"]),
    default=None,
    help="E01 chunk compression (default fast; raw images are never compressed).",
)
@click.option("--segment-size", metavar="SIZE", help="E01 segment size: OUTPUT.E01, .E02, ... (default 1500MiB).")
@click.option(
    "--media-type",
    type=click.Choice([kind.name.lower() for kind in MediaType]),
    default=None,
    help="E01 media type, as ewfacquire -m (default fixed; a USB stick or card is removable).",
)
@click.option(
    "--physical/--logical",
    "physical",
    default=None,
    help="E01 media flag, as ewfacquire -M: a whole device or a partition/logical volume (default: physical "
    "for a block device, logical for a file).",
)
@click.option(
    "--resume",
    is_flag=True,
    help="Continue an interrupted acquisition to OUTPUT (raw or E01) from the part its record vouches for "
    "(re-read and compared first); same SOURCE, OUTPUT and options.",
)
@click.option("--window", default=None, metavar="SIZE", help="Piecewise digest window (default 64MiB).")
@click.option("--retries", type=click.IntRange(min=0), default=2, show_default=True, help="Retries per read error.")
@examiner_ledger_options("acquired", "the acquisition")
@click.option("--verify", "verify_image", is_flag=True, help="Re-read the written image and compare its digests.")
@click.option(
    "--verify-source", is_flag=True, help="Also re-read the source and compare it (implies --verify; exit 3 if not)."
)
@json_option
@quiet_option
@lang_choice
def acquire(
    source: str,
    output: str,
    output_format: str,
    split: str | None,
    extra_hashes: str,
    case_number: str | None,
    evidence_number: str | None,
    examiner: str | None,
    description: str | None,
    notes: str | None,
    compress: str | None,
    segment_size: str | None,
    media_type: str | None,
    physical: bool | None,
    resume: bool,
    window: str | None,
    retries: int,
    ledger: str | None,
    key_file: str | None,
    authorities: tuple[str, ...],
    ledger_key: str | None,
    location: str | None,
    seal: str | None,
    zone: str | None,
    verify_image: bool,
    verify_source: bool,
    as_json: bool,
    quiet: bool,
    lang: str,
) -> None:
    """Acquire SOURCE (a file or block device, opened read-only) into OUTPUT with SHA-256 + BLAKE3 digests.

    With --format e01, OUTPUT.E01 (.E02, ...) is an EnCase 6 image holding the case metadata and the media MD5 and
    SHA-1, readable by libewf, EnCase, FTK and X-Ways.

    The acquisition record is written next to the output as OUTPUT.acquisition.json, and the same facts for a
    person, in --lang, as OUTPUT.acquisition.txt. Unreadable sectors are retried, then zero-filled and listed in the
    record. Ctrl-C or SIGTERM leaves a record marked incomplete (exit 143 for SIGTERM, 130 for Ctrl-C).

    With --verify the written image is read back and compared with the record (--verify-source re-reads the source
    too); a mismatch exits 3 after the record, the log and any custody event are written.

    With --ledger, --key and --authority, the `acquired` custody event carrying the record's digests is appended
    in the same run; a wrong key, ledger or authority is refused before the source is read.
    """
    from cli.language import message_language

    lang = message_language()  # --lang given, else SCELLE_LANG, else the locale: as the error lines
    # The library is imported here, not at module level, so `scelle --help` and the other commands start faster.
    from evidence.acquisition.acquire import acquire_image
    from evidence.acquisition.record import CaseMetadata, record_path_for
    from evidence.hashing.digest import DEFAULT_WINDOW

    case = CaseMetadata(
        case_number=case_number,
        evidence_number=evidence_number,
        examiner=examiner,
        description=description,
        notes=notes,
    )
    record_path = record_path_for(output)
    shown_zone = user_zone(zone)  # the log, the status lines and the messages: one zone, with its offset
    with custody_for_acquisition(ledger, key_file, authorities, ledger_key, zone, location, seal) as custody:
        with (
            terminate_as_interrupt(),
            progress_for(quiet, lang, shown_zone) as progress,
            logged_on_failure(record_path, lang, shown_zone),
        ):
            record = acquire_image(
                source,
                output,
                output_format=output_format,
                split_size=_split_size(output_format, split, segment_size),
                extra_algorithms=extra_hashes.split(","),
                compress=compress,
                case=case,
                window=_size("--window", window) or DEFAULT_WINDOW,
                retries=retries,
                progress=progress,
                media_type=media_type,
                physical=physical,
                resume=resume,
            )
            check = (
                read_back(record, source if verify_source else None, progress)
                if verify_image or verify_source
                else None
            )
        log = write_log(record, record_path, lang, check, with_source=verify_source, zone=shown_zone)
        appended = None if custody is None else custody.append(record_path, tool=f"{record.tool} {record.version}")
    if as_json:
        click.echo(record.encode(record_path.parent).decode("utf-8"))
    else:
        _render(record, str(record_path), lang)
        click.echo("  " + message("log.written", lang, path=log))
    if appended is not None:
        click.echo(recorded_line("acquired", appended.entry.entry_id, ledger, lang), err=as_json)
    if check is not None:
        _render_check(check, as_json, lang)
        if not check.ok:  # the final error line in the language of the rest
            from evidence.common.report import VerificationError

            raise VerificationError(check, check.failure_message(lang))


def _render_check(report: VerificationReport, as_json: bool, lang: str) -> None:
    from cli.acquire_log import subject_text
    from evidence.hashing.digest import labelled

    status = message("verify.status.ok" if report.ok else "verify.status.mismatch", lang)
    click.echo(message("verify.after", lang, image=report.image, status=status), err=as_json)
    for item in report.checks:
        subject, digest = subject_text(item.subject, lang), labelled(item.algorithm, item.expected)
        code = "verify.check.ok" if item.ok else "verify.check.mismatch"
        line = message(code, lang, subject=subject, digest=digest, computed=item.computed)
        click.echo("  " + line, err=as_json)


def _render(record: AcquisitionRecord, record_path: str, lang: str) -> None:
    from cli.progress import size_text
    from evidence.hashing.digest import labelled

    size = size_text(record.media_size, lang)  # 768,0 Mio in French, as the progress bar says it
    click.echo(message("acquire.acquired", lang, source=record.source.path, size=size, count=record.media_size))
    for name, value in record.media_digests.items():
        click.echo(f"  {labelled(name, value)}")
    for output in record.outputs:
        click.echo("  " + message("acquire.wrote", lang, path=output.path, count=output.size))
    if record.unreadable:
        total, ranges = sum(r.length for r in record.unreadable), len(record.unreadable)
        code = "acquire.unreadable.one" if ranges == 1 else "acquire.unreadable"
        click.echo("  " + message(code, lang, ranges=ranges, count=total))
    click.echo("  " + message("acquire.record", lang, path=record_path))
