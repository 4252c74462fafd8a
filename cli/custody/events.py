"""`scelle custody record / transfer`: the commands that append a custody event to a ledger (offer and accept:
``cli.custody.handover``; authorities: ``cli.custody.authority_add``)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from cli.custody.common import (
    lang_option,
    ledger_for_append,
    ledger_key_option,
    load_key,
    now_in,
    parse_time,
    refusals_in,
    render_appended,
    split_values,
)
from cli.options import json_option
from cli.usage import usage_error
from custody.errors import CustodyError
from custody.model.vocabulary import ACTIONS

if TYPE_CHECKING:
    from custody.ledger.drafts import EventDraft
    from custody.ledger.ledger import Ledger

F = TypeVar("F", bound=Callable[..., Any])


def event_options(func: F) -> F:
    """Options every event command takes: artefacts, authorities, time, place, seal, notes."""
    for option in reversed(
        [
            click.option(
                "--artefact",
                "artefacts",
                multiple=True,
                required=True,
                metavar="PATH_OR_DIGEST",
                help="A file to hash, an acquisition record (*.acquisition.json) or sha256:<hex>. Repeatable.",
            ),
            click.option(
                "--authority",
                "authorities",
                multiple=True,
                metavar="ID",
                help="Authority id (or its reference) relied on. Repeatable.",
            ),
            click.option("--at", "at", metavar="TIME", help="When it happened (RFC 3339 with offset; default now)."),
            click.option(
                "--tz", "zone", metavar="ZONE", help="Original time zone (IANA name or +HH:MM; default: the host's)."
            ),
            click.option("--location", help="Where it happened."),
            click.option("--purpose", help="Why (e.g. analysis requested by the investigating judge)."),
            click.option("--seal", help="Seal or exhibit number."),
            click.option("--tool", help="Tool and version used."),
            click.option(
                "--category",
                "categories",
                multiple=True,
                metavar="CATS",
                help="Data categories concerned: subscriber, identification, traffic, content.",
            ),
            click.option("--note", "notes", multiple=True, help="A note. Repeatable."),
            click.option(
                "--derived-from",
                "derived_from",
                multiple=True,
                metavar="ID_OR_ARTEFACT",
                help="Of a derived event: what the items were taken from, named by an event id (its items), an "
                "image, an acquisition record or sha256:<hex>; it must be in the ledger already. Repeatable.",
            ),
            click.option(
                "--late-reason",
                metavar="TEXT",
                help="Why this event is recorded after a later one about the same artefact (e.g. a seizure "
                "written up after the acquisition); signed and shown in the bundle.",
            ),
            lang_option,
            ledger_key_option,
            json_option,
        ]
    ):
        func = option(func)
    return func


def _sources(ledger: Ledger, action: str, refs: tuple[str, ...], lang: str) -> tuple[str, ...]:
    """The keys ``--derived-from`` names: an event id stands for the items of that event."""
    from custody.i18n import message
    from custody.model.artefacts import artefact_from_ref
    from custody.model.fields import is_ident

    if refs and action != "derived":
        raise click.UsageError(message("derived.action", lang))
    keys: list[str] = []
    for ref in refs:
        if ref.startswith("ev-") and is_ident(ref) and not os.path.exists(ref):
            event = ledger.find_event(ref)
            if event is None:
                raise CustodyError(message("derived.no_event", lang, ref=ref))
            found = [a.key for a in event.artefacts]
        else:
            found = [artefact_from_ref(ref).key]
        keys += [key for key in found if key not in keys]
    return tuple(keys)


def _draft(ledger: Ledger, action: str, opts: dict[str, Any], lang: str = "en") -> EventDraft:
    from custody.i18n import message
    from custody.ledger.drafts import EventDraft
    from custody.model.artefacts import artefact_from_ref

    artefacts = tuple(artefact_from_ref(a) for a in opts["artefacts"])
    sources = _sources(ledger, action, opts["derived_from"], lang)
    for source in set(sources) & {a.key for a in artefacts}:
        raise click.UsageError(message("derived.self", lang, source=source))
    when = parse_time(opts["at"], opts["zone"]) or now_in(opts["zone"])
    ids = tuple(ledger.resolve_authority(ref).id for ref in split_values(opts["authorities"]))
    return EventDraft(
        action=action,
        artefacts=artefacts,
        occurred_at=when[0],
        occurred_tz=when[1],
        authorities=ids,
        location=opts["location"],
        purpose=opts["purpose"],
        seal=opts["seal"],
        tool=opts["tool"],
        categories=split_values(opts["categories"]),
        notes=tuple(opts["notes"]),
        late_reason=opts["late_reason"],
        derived_from=sources,
    )


@click.command()
@click.argument("ledger", type=click.Path(dir_okay=False))
@click.option("--key", "key_file", required=True, type=click.Path(dir_okay=False), help="Handler's private key.")
@click.option("--action", required=True, type=click.Choice(ACTIONS), help="What was done.")
@event_options
def record(
    ledger: str, key_file: str, action: str, ledger_key: str | None, as_json: bool, lang: str, **opts: Any
) -> None:
    """Record a custody event signed by the handler's key; refused, with the reasons, when it breaks a rule that
    verification and export apply (no valid authority, out of time order without --late-reason...)."""
    if action == "transferred":
        raise usage_error("usage.transfer")
    pair = load_key(key_file)
    with ledger_for_append(ledger, ledger_key, loaded=pair) as opened, refusals_in(lang, zone=opts["zone"]):
        appended = opened.record(pair, _draft(opened, action, opts, lang))
    render_appended(appended, as_json, lang, "appended.event", action=_action_word(action, lang))


@click.command()
@click.argument("ledger", type=click.Path(dir_okay=False))
@click.option("--from-key", required=True, type=click.Path(dir_okay=False), help="Releasing handler's key.")
@click.option("--to-key", required=True, type=click.Path(dir_okay=False), help="Receiving handler's key.")
@event_options
def transfer(
    ledger: str, from_key: str, to_key: str, ledger_key: str | None, as_json: bool, lang: str, **opts: Any
) -> None:
    """Record a transfer signed by both handlers, whose keys are both here (else use offer/accept)."""
    releasing = load_key(from_key)
    receiving = load_key(to_key)
    with ledger_for_append(ledger, ledger_key, loaded=releasing) as opened, refusals_in(lang, zone=opts["zone"]):
        appended = opened.record(releasing, _draft(opened, "transferred", opts), counter_key=receiving)
    render_appended(appended, as_json, lang, "appended.transfer")


def _action_word(action: str, lang: str) -> str:
    """The event's action as ``recorded_line`` names it: its code in English, its word in French."""
    from custody.i18n import ACTIONS, vocabulary

    return action if lang == "en" else vocabulary(ACTIONS, action, lang)
