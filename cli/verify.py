"""`scelle verify IMAGE...`: re-hash an image and compare it with its acquisition record or stored E01 hashes."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from cli.lang import lang_choice
from cli.options import image_arguments, json_option, quiet_option
from cli.progress import progress_for
from cli.signals import terminate_as_interrupt

if TYPE_CHECKING:
    from evidence.acquisition.verify import VerificationReport


@click.command()
@image_arguments
@click.option("--source", type=click.Path(dir_okay=False), help="Also re-read the source device and compare it.")
@json_option
@quiet_option
@lang_choice
def verify(images: tuple[str, ...], source: str | None, as_json: bool, quiet: bool, lang: str) -> None:
    """Verify IMAGE against OUTPUT.acquisition.json (and, for E01, the MD5/SHA-1 stored inside).

    Exit 0 when everything matches, 3 on any mismatch (the first mismatching window is named).
    """
    # imported here: other commands start faster
    from evidence.acquisition.verify import VerificationReport, verify_image
    from evidence.common.report import VerificationError

    try:
        with terminate_as_interrupt(), progress_for(quiet, lang) as progress:
            report = verify_image(images, source=source, progress=progress)
    except VerificationError as exc:
        if isinstance(exc.report, VerificationReport):
            _render(exc.report, as_json)
        raise
    _render(report, as_json)


def _render(report: VerificationReport, as_json: bool) -> None:
    from evidence.hashing.digest import labelled

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
