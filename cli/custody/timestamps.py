"""`scelle custody timestamp`: an RFC 3161 time-stamp over a ledger's latest checkpoint (optional per ledger), and
how `custody verify` shows the time-stamps it finds (``--tsa-cert``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from cli.custody.common import emit, lang_option
from cli.options import json_option
from cli.zone import display_zone_option, user_zone
from custody.i18n.said import SaidUsageError
from evidence.common.reasons import os_reason

if TYPE_CHECKING:
    from custody.ledger.rfc3161 import TimestampCheck, TsaTrust

F = TypeVar("F", bound=Callable[..., Any])


@contextmanager
def stated_in(lang: str) -> Iterator[None]:
    """State a time-stamp error in ``lang``."""
    from custody.ledger.rfc3161 import TimestampError

    try:
        yield
    except TimestampError as exc:
        raise exc.localised(lang) from exc


@click.command("timestamp")
@click.argument("ledger", type=click.Path(dir_okay=False))
@click.option("--tsa", "tsa_url", metavar="URL", help="Time-stamping authority to ask (HTTP POST, RFC 3161).")
@click.option(
    "--reply",
    "reply_file",
    type=click.Path(dir_okay=False),
    help="A reply (TimeStampResp, DER) obtained by other means, to keep in the ledger.",
)
@click.option(
    "--request-out",
    type=click.Path(dir_okay=False),
    help="Write the request (TimeStampReq, DER) for the latest checkpoint to this new file, and stop.",
)
@click.option("--timeout", type=float, default=30.0, show_default=True, help="Seconds to wait for the TSA.")
@lang_option
@display_zone_option
@json_option
def timestamp(
    ledger: str,
    tsa_url: str | None,
    reply_file: str | None,
    request_out: str | None,
    timeout: float,
    lang: str,
    display_tz: str | None,
    as_json: bool,
) -> None:
    """Time-stamp the ledger's latest checkpoint (RFC 3161) and keep the reply in the ledger.

    The message imprint is SHA-256 of the checkpoint note as the ledger key signed it (what `scelle custody
    checkpoint` prints, without cosignature lines). The ledger key is not needed. Check the kept time-stamps with
    `scelle custody verify LEDGER --trust ... --tsa-cert TSA-ROOT.pem`.
    """
    from custody.ledger.rfc3161 import TimestampError
    from custody.ledger.timestamps import timestamp_ledger, timestamp_request
    from custody.model.times import format_utc
    from evidence.common.files import write_atomic
    from evidence.common.zones import shown_stored

    zone = user_zone(display_tz)
    with stated_in(lang):
        if sum(value is not None for value in (tsa_url, reply_file, request_out)) != 1:
            raise TimestampError("tsa.one_source", exit_code=2)
        if request_out is not None:
            size, request = timestamp_request(ledger)
            try:
                write_atomic(Path(request_out), request, mode=0o644, exclusive=True)
            except FileExistsError as exc:
                raise SaidUsageError("output.exists", path=request_out) from exc
            except OSError as exc:
                raise SaidUsageError("file.unreadable", path=request_out, reason=os_reason(exc)) from exc
            click.echo(_said("tsa.request_written", lang, subject=ledger, out=request_out, size=size))
            return
        reply = None if reply_file is None else _read_reply_file(reply_file)
        stored = timestamp_ledger(ledger, tsa_url=tsa_url, reply=reply, timeout=timeout)
    time = format_utc(stored.info.time)
    if as_json:
        emit({"ledger": ledger, "size": stored.size, "time": time, "tsa": stored.info.tsa, "verified": False})
    else:
        shown = shown_stored(time, zone)  # the TSA's time for a person: in --tz, with its offset
        click.echo(_said("tsa.stored", lang, subject=ledger, size=stored.size, time=shown, tsa=stored.info.tsa))


def _said(code: str, lang: str, **params: object) -> str:
    from custody.i18n import message

    return message(code, lang, **params)


def _read_reply_file(path: str) -> bytes:
    from custody.ledger.rfc3161 import MAX_REPLY_SIZE

    try:
        with open(path, "rb") as stream:
            return stream.read(MAX_REPLY_SIZE + 1)
    except OSError as exc:
        raise SaidUsageError("file.unreadable", path=path, reason=os_reason(exc)) from exc


def tsa_cert_option(func: F) -> F:
    """--tsa-cert (repeatable): the root certificates of the time-stamping authorities trusted by `custody verify`."""
    return click.option(
        "--tsa-cert",
        "tsa_certs",
        multiple=True,
        type=click.Path(dir_okay=False),
        help="PEM root certificate of a trusted time-stamping authority (RFC 3161); repeat for more. Without it, "
        "the time-stamps a ledger keeps or a bundle carries are counted, not checked.",
    )(func)


def read_tsa(paths: tuple[str, ...], lang: str) -> TsaTrust | None:
    """The trusted TSA certificates from ``--tsa-cert`` files (None when none is given)."""
    if not paths:
        return None
    from custody.ledger.timestamps import read_tsa_certs

    with stated_in(lang):
        return read_tsa_certs(paths)


def render_timestamps(checks: tuple[TimestampCheck, ...], lang: str, zone: str) -> list[str]:
    """The lines `custody verify` prints about time-stamps: one per verified or failed one (the TSA's time in
    ``zone`` with its offset), one count of those not checked (never called verified)."""
    from custody.i18n import message

    lines = [check.text(lang, zone) for check in checks if check.status != "not checked"]
    unchecked = sum(check.status == "not checked" for check in checks)
    if unchecked:
        lines.append(message("tsa.unchecked.one" if unchecked == 1 else "tsa.unchecked", lang, count=unchecked))
    return lines


def timestamps_json(checks: tuple[TimestampCheck, ...]) -> list[dict[str, object]]:
    """The time-stamps of a ledger report, for ``--json``."""
    from custody.model.times import format_utc

    return [
        {
            "index": check.index,
            "checkpoint": check.size,
            "status": check.status,
            "time": None if check.time is None else format_utc(check.time),
            "tsa": check.tsa,
            "problem": None if check.status != "failed" else check.text("en"),
        }
        for check in checks
    ]
