"""`scelle custody offer / accept / receive / complete`: handing evidence over, on one ledger or between two.

``offer`` records the offer in the sending ledger and writes the offer file. On the same ledger the receiving
handler runs ``accept``; across a border the receiving state runs ``receive`` on its own ledger, which writes a
receipt, and the sending state runs ``complete`` with it (``custody.bundle.handover``).
"""

from __future__ import annotations

import os
from typing import Any

import click

from cli.custody.common import (
    emit,
    lang_option,
    ledger_for_append,
    ledger_key_option,
    load_key,
    now_in,
    parse_time,
    refusals_in,
    render_appended,
)
from cli.custody.events import _draft, event_options
from cli.options import json_option
from custody.i18n.said import SaidUsageError


def _fresh(path: str) -> None:
    """Refuse an output path that exists before anything is recorded (a handover file is never overwritten)."""
    if os.path.lexists(path):
        raise SaidUsageError("handover.exists", path=path)


@click.command()
@click.argument("ledger", type=click.Path(dir_okay=False))
@click.option("--from-key", required=True, type=click.Path(dir_okay=False), help="Releasing handler's key.")
@click.option("--to", "to_pub", required=True, type=click.Path(dir_okay=False), help="Receiver's public key file.")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="Offer file to write (offer.scelle).")
@event_options
def offer(
    ledger: str, from_key: str, to_pub: str, out: str, ledger_key: str | None, as_json: bool, lang: str, **opts: Any
) -> None:
    """Offer the artefacts to the receiving handler: record the offer in LEDGER and write the offer file (the
    offered event with its proof and checkpoint, the artefacts' history, the transfer to countersign)."""
    from custody.bundle.handover import offer_handover
    from custody.bundle.handover_file import write_new
    from custody.model.keys import load_public_key

    _fresh(out)
    releasing = load_key(from_key)
    receiver = load_public_key(to_pub)
    with ledger_for_append(ledger, ledger_key, loaded=releasing) as opened, refusals_in(lang):
        made = offer_handover(opened, releasing, receiver, _draft(opened, "offered", opts))
    write_new(out, made.to_bytes(), "offer")
    transfer = made.transfer.entry_id
    if as_json:
        emit({"id": transfer, "offer": out})
    else:
        from custody.i18n import message

        click.echo(message("offer.written", lang, out=out, transfer=transfer))


@click.command()
@click.argument("ledger", type=click.Path(dir_okay=False))
@click.argument("offer_file", type=click.Path(dir_okay=False))
@click.option("--key", "key_file", required=True, type=click.Path(dir_okay=False), help="Receiving handler's key.")
@lang_option
@ledger_key_option
@json_option
def accept(ledger: str, offer_file: str, key_file: str, lang: str, ledger_key: str | None, as_json: bool) -> None:
    """Accept an offer of this same ledger: check it, countersign it with the receiving key, append the transfer."""
    from custody.bundle.handover import accept_handover
    from custody.bundle.handover_file import OFFER_FORMAT, OfferFile, read_file
    from custody.ledger.transfer import TransferOffer, accept_offer

    data = read_file(offer_file, "offer")
    receiving = load_key(key_file)
    with ledger_for_append(ledger, ledger_key, loaded=receiving) as opened, refusals_in(lang):
        if OFFER_FORMAT.encode() in data:
            appended = accept_handover(opened, OfferFile.from_bytes(data, offer_file), receiving)
        else:  # an offer file of the first format (the transfer only)
            appended = accept_offer(opened, TransferOffer.load(offer_file), receiving)
    render_appended(appended, as_json, lang, "appended.accepted")


@click.command()
@click.argument("offer_file", type=click.Path(dir_okay=False))
@click.option("--ledger", "ledger", required=True, type=click.Path(dir_okay=False), help="Your own ledger.")
@click.option("--key", "key_file", required=True, type=click.Path(dir_okay=False), help="Receiving handler's key.")
@click.option(
    "--trust",
    "trust",
    multiple=True,
    required=True,
    metavar="SENDER_LEDGER_PUB",
    help="The sending ledger's public key, obtained out of band (repeat for a history that crossed several borders).",
)
@click.option("--authority", "authorities", multiple=True, metavar="ID", help="Your authority relied on. Repeatable.")
@click.option("--at", "at", metavar="TIME", help="When it was received (RFC 3339 with offset; default now).")
@click.option("--tz", "zone", metavar="ZONE", help="Original time zone (default: the host's).")
@click.option("--location", help="Where it was received.")
@click.option("--note", "notes", multiple=True, help="A note. Repeatable.")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="Receipt file to write.")
@lang_option
@ledger_key_option
@json_option
def receive(
    offer_file: str,
    ledger: str,
    key_file: str,
    trust: tuple[str, ...],
    authorities: tuple[str, ...],
    at: str | None,
    zone: str | None,
    location: str | None,
    notes: tuple[str, ...],
    out: str,
    lang: str,
    ledger_key: str | None,
    as_json: bool,
) -> None:
    """Receive an offer from another state's ledger: verify it offline against --trust, record its receipt in
    --ledger, and write the receipt file for the sending state (`scelle custody complete`)."""
    from custody.bundle.handover import receive_handover
    from custody.bundle.handover_file import OfferFile, read_file, write_new
    from custody.ledger.drafts import EventDraft
    from custody.model.trust import read_trust

    _fresh(out)
    made = OfferFile.from_bytes(read_file(offer_file, "offer"), offer_file)
    trusted = [read_trust(t) for t in trust]
    receiving = load_key(key_file)
    when = parse_time(at, zone) or now_in(zone)
    with ledger_for_append(ledger, ledger_key, loaded=receiving) as opened, refusals_in(lang, zone=zone):
        draft = EventDraft(
            action="received",
            artefacts=(),
            occurred_at=when[0],
            occurred_tz=when[1],
            authorities=tuple(opened.resolve_authority(ref).id for ref in authorities),
            location=location,
            notes=notes,
        )
        result = receive_handover(opened, made, receiving, trusted, draft)
    write_new(out, result.receipt.to_bytes(), "receipt")
    render_appended(result.appended, as_json, lang, "appended.received", out=out)


@click.command()
@click.argument("ledger", type=click.Path(dir_okay=False))
@click.argument("receipt_file", type=click.Path(dir_okay=False))
@click.option(
    "--trust", metavar="RECEIVER_LEDGER_PUB", help="The receiving ledger's public key, if you have it (checked too)."
)
@lang_option
@ledger_key_option
@json_option
def complete(
    ledger: str, receipt_file: str, trust: str | None, lang: str, ledger_key: str | None, as_json: bool
) -> None:
    """Complete a handover: check the receipt against the offer LEDGER recorded (the receiver's key must be the one
    it named) and append the transfer signed by both handlers."""
    from custody.bundle.handover import complete_handover
    from custody.bundle.handover_file import ReceiptFile, read_file
    from custody.model.trust import read_trust

    receipt = ReceiptFile.from_bytes(read_file(receipt_file, "receipt"), receipt_file)
    trusted = None if trust is None else read_trust(trust)
    with ledger_for_append(ledger, ledger_key) as opened, refusals_in(lang):
        appended = complete_handover(opened, receipt, trusted=trusted)
    render_appended(appended, as_json, lang, "appended.completed")
