"""`scelle custody authority add / record / transfer`: the commands that append to a ledger (offer and accept:
``cli.custody.handover``)."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

import click

from cli.custody.authority_window import warn_window
from cli.custody.common import (
    lang_option,
    ledger_for_append,
    ledger_key_option,
    load_key,
    parse_time,
    refusals_in,
    render_appended,
    split_values,
)
from cli.options import json_option
from custody.errors import CustodyError
from custody.model.vocabulary import ACTIONS, AUTHORITY_TYPES, CHANNELS, INSTRUMENT_NAMES

if TYPE_CHECKING:
    from custody.ledger.drafts import EventDraft
    from custody.ledger.ledger import Ledger
    from custody.model.legal import Authority

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
            click.option("--tz", "zone", metavar="ZONE", help="Original time zone (IANA name or +HH:MM)."),
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
    when = parse_time(opts["at"], opts["zone"]) or (datetime.now(UTC), opts["zone"] or "Z")
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
        raise click.UsageError("a transfer needs both handlers: use `scelle custody transfer` or `offer`/`accept`")
    pair = load_key(key_file)
    with ledger_for_append(ledger, ledger_key, loaded=pair) as opened, refusals_in(lang):
        appended = opened.record(pair, _draft(opened, action, opts, lang))
    render_appended(appended, as_json, f"recorded {action}")


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
    with ledger_for_append(ledger, ledger_key, loaded=releasing) as opened, refusals_in(lang):
        appended = opened.record(releasing, _draft(opened, "transferred", opts), counter_key=receiving)
    render_appended(appended, as_json, "recorded transfer")


def authority_options(func: F) -> F:
    """The fields of a legal-authority record (T-CY(2018)10/11 templates, EPOC/EPOC-PR certificates)."""
    t = click.Path(dir_okay=False)
    for option in reversed(
        [
            click.option("--instrument", required=True, type=click.Choice(INSTRUMENT_NAMES)),
            click.option("--issuing-state", required=True, metavar="CC"),
            click.option("--issuing-authority", required=True, metavar="TEXT"),
            click.option("--issuing-authority-type", type=click.Choice(AUTHORITY_TYPES)),
            click.option("--reference", required=True, metavar="REF", help="The issuing authority's file number."),
            click.option("--issued", required=True, metavar="TIME", help="Issue date or time."),
            click.option("--valid-from", metavar="TIME", help="Start of validity (default: --issued)."),
            click.option(
                "--valid-until", required=True, metavar="TIME", help="End of validity (a date means its end)."
            ),
            click.option("--tz", "zone", metavar="ZONE", help="Time zone of the times given without offset."),
            click.option("--legal-basis", metavar="TEXT"),
            click.option("--requesting-state", metavar="CC"),
            click.option("--requested-state", metavar="CC"),
            click.option("--executing-authority", metavar="TEXT"),
            click.option("--channel", type=click.Choice(CHANNELS)),
            click.option("--addressee", metavar="TEXT", help="Person, provider or registry the order is addressed to."),
            click.option("--signatory", metavar="TEXT"),
            click.option("--contact", metavar="TEXT"),
            click.option("--validated-by", metavar="TEXT"),
            click.option("--validation-type", type=click.Choice(AUTHORITY_TYPES)),
            click.option("--validation-ref", metavar="REF"),
            click.option("--validation-date", metavar="TIME"),
            click.option("--offence", metavar="TEXT"),
            click.option("--provision", "provisions", multiple=True),
            click.option("--max-penalty-months", type=click.IntRange(min=0)),
            click.option("--eu-listed-offence", is_flag=True, help="Offence listed in Reg. 2023/1543 Art. 5(4)(d)."),
            click.option("--facts", metavar="TEXT"),
            click.option("--necessity", metavar="TEXT"),
            click.option("--scope", "categories", multiple=True, metavar="CATS", help="subscriber,traffic,content,..."),
            click.option("--identifier", "identifiers", multiple=True, help="Account, device, IP address. Repeatable."),
            click.option("--data-from", metavar="TIME"),
            click.option("--data-until", metavar="TIME"),
            click.option("--custodian", metavar="TEXT", help="Custodian or location of the data."),
            click.option("--emergency", is_flag=True),
            click.option("--mla-to-follow", is_flag=True),
            click.option("--consent-by", metavar="TEXT", help="Who consented (name, capacity)."),
            click.option("--extends", metavar="ID", help="Authority this one extends or renews."),
            click.option("--related", multiple=True, metavar="REF", help="Earlier request references. Repeatable."),
            click.option("--confidential", is_flag=True),
            click.option("--use-limitation", metavar="TEXT"),
            click.option("--dual-criminality/--no-dual-criminality", default=None),
            click.option("--condition", "other_conditions", multiple=True),
            click.option("--document", type=t, help="Scanned or signed order: its SHA-256 is recorded."),
            ledger_key_option,
            json_option,
        ]
    ):
        func = option(func)
    return func


def _authority(o: dict[str, Any]) -> Authority:
    from custody.ledger.drafts import new_id
    from custody.model.artefacts import artefact_from_file
    from custody.model.legal import Authority, Conditions, Offence, Scope, Validation

    zone = o["zone"]

    def at(name: str, *, end: bool = False) -> datetime | None:
        parsed = parse_time(o[name], zone, end_of_day=end)
        return None if parsed is None else parsed[0]

    def required(name: str, *, end: bool = False) -> datetime:
        value = at(name, end=end)
        if value is None:
            raise click.UsageError(f"--{name.replace('_', '-')} is required")
        return value

    issued = required("issued")
    validation = (
        None
        if o["validated_by"] is None
        else Validation(
            authority=o["validated_by"],
            date=at("validation_date") or issued,
            reference=o["validation_ref"],
            authority_type=o["validation_type"],
        )
    )
    offence = (
        None
        if o["offence"] is None
        else Offence(
            description=o["offence"],
            provisions=tuple(o["provisions"]),
            max_penalty_months=o["max_penalty_months"],
            eu_listed=o["eu_listed_offence"],
        )
    )
    document = None if o["document"] is None else "sha256:" + artefact_from_file(o["document"]).digests["sha256"]
    return Authority(
        id=new_id("au"),
        instrument=o["instrument"],
        issuing_state=o["issuing_state"].upper(),
        issuing_authority=o["issuing_authority"],
        issuing_authority_type=o["issuing_authority_type"],
        reference=o["reference"],
        issued=issued,
        valid_from=at("valid_from") or issued,
        valid_until=required("valid_until", end=True),
        legal_basis=o["legal_basis"],
        signatory=o["signatory"],
        contact=o["contact"],
        requesting_state=o["requesting_state"],
        requested_state=o["requested_state"],
        executing_authority=o["executing_authority"],
        channel=o["channel"],
        addressee=o["addressee"],
        validation=validation,
        offence=offence,
        facts=o["facts"],
        necessity=o["necessity"],
        scope=Scope(
            categories=split_values(o["categories"]),
            identifiers=tuple(o["identifiers"]),
            time_from=at("data_from"),
            time_until=at("data_until", end=True),
            custodian=o["custodian"],
        ),
        emergency=o["emergency"],
        mla_to_follow=o["mla_to_follow"],
        consent_by=o["consent_by"],
        extends=o["extends"],
        related=tuple(o["related"]),
        document_digest=document,
        conditions=Conditions(
            confidential=o["confidential"],
            use_limitation=o["use_limitation"],
            dual_criminality=o["dual_criminality"],
            other=tuple(o["other_conditions"]),
        ),
    )


@click.group()
def authority() -> None:
    """Legal authorities (orders, requests, consent) that permit custody actions."""


@authority.command("add")
@click.argument("ledger", type=click.Path(dir_okay=False))
@click.option("--key", "key_file", required=True, type=click.Path(dir_okay=False), help="Registering handler's key.")
@authority_options
@lang_option
def authority_add(ledger: str, key_file: str, ledger_key: str | None, as_json: bool, lang: str, **opts: Any) -> None:
    """Record a legal authority, signed by the handler who registers it; refused when its instrument's rules fail."""
    record_ = _authority(opts)
    pair = load_key(key_file)
    with ledger_for_append(ledger, ledger_key, loaded=pair) as opened, refusals_in(lang):
        appended = opened.add_authority(record_, pair)
    render_appended(appended, as_json, f"recorded authority {record_.reference} as")
    warn_window(record_.reference, record_.valid_from, record_.valid_until, lang)
