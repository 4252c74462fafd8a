"""`scelle custody copy SOURCE DEST`: a ledger copied between an SQLite file and a lab's PostgreSQL database."""

from __future__ import annotations

import click

from cli.custody.common import emit, lang_option
from cli.options import json_option


@click.command("copy")
@click.argument("source")
@click.argument("dest")
@lang_option
@json_option
def copy(source: str, dest: str, lang: str, as_json: bool) -> None:
    """Copy a ledger, row for row, to a new ledger: a file, or postgresql://HOST/DATABASE?ledger=NAME.

    Nothing is re-signed: the copy verifies as the source does, with the same checkpoints."""
    from custody.i18n import message
    from custody.ledger.copy import copy_ledger

    done = copy_ledger(source, dest)
    if as_json:
        emit(
            {"entries": done.entries, "checkpoints": done.checkpoints, "size": done.size, "checkpoint": done.checkpoint}
        )
    else:
        params = {"entries": done.entries, "checkpoints": done.checkpoints, "size": done.size}
        click.echo(message("copy.done", lang, source=source, target=dest, **params))
