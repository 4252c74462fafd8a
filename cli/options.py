"""Options shared by several command groups, as decorators."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def usage_error(code: str, **params: object) -> click.UsageError:
    """``cli.usage.usage_error``, imported only when a usage error is raised: a command's start-up stays light."""
    from cli.usage import usage_error as said

    return said(code, **params)


def image_arguments(func: F) -> F:
    """IMAGE...: one image given by its first segment, or all its segment files.

    Any path is accepted here: the library checks it and names the file and the problem in one line (a missing
    file, a directory, a FIFO), where click would print a multi-line usage error.
    """
    return click.argument("images", nargs=-1, required=True, type=click.Path(path_type=str))(func)


#: where --unlock leaves its value for the command's image opening (``cli.unlock.unlock_secret``)
UNLOCK_META = "scelle.unlock"


def _remember_unlock(ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    ctx.meta[UNLOCK_META] = value


def unlock_option(func: F) -> F:
    """--unlock passphrase|keyfile:FILE: read an encrypted (LUKS) volume's plaintext."""
    return click.option(
        "--unlock",
        metavar="passphrase|keyfile:FILE",
        expose_value=False,
        callback=_remember_unlock,
        help="Decrypt a LUKS1/LUKS2 volume: the passphrase (asked, or SCELLE_UNLOCK_PASSPHRASE) or a key file.",
    )(func)


def json_option(func: F) -> F:
    """--json: machine-readable output on stdout."""
    return click.option("--json", "as_json", is_flag=True, help="Print JSON on stdout.")(func)


def quiet_option(func: F) -> F:
    """--quiet: no progress bar."""
    return click.option("--quiet", "-q", is_flag=True, help="No progress display.")(func)


def examiner_ledger_options(event: str, activity: str) -> Callable[[F], F]:
    """--ledger, --key, --authority, --ledger-key, --location, --seal, --tz: a command that records ``event`` (acquired,
    verified) in a custody ledger while it does ``activity`` (the acquisition, the verification)."""
    options = (
        click.option("--ledger", type=click.Path(dir_okay=False), help=f"Custody ledger: record the {event} event."),
        click.option("--key", "key_file", type=click.Path(dir_okay=False), help="Examiner's key (with --ledger)."),
        click.option("--authority", "authorities", multiple=True, metavar="ID", help="Authority id or reference."),
        click.option("--ledger-key", type=click.Path(dir_okay=False), help="Ledger key file (default: from init)."),
        click.option("--location", help=f"Where {activity} happens (custody event)."),
        click.option("--seal", help="Seal or exhibit number (custody event)."),
        click.option(
            "--tz",
            "zone",
            metavar="ZONE",
            help="Examiner's time zone: kept with the custody event, and the zone the times shown are in, each with "
            "its offset (default: the host's).",
        ),
    )

    def decorate(func: F) -> F:
        for option in reversed(options):
            func = option(func)
        return func

    return decorate
