"""`scelle custody authority add`: record a legal authority; every option has its help, and a value the record or
an instrument's rules refuse is named by the option that gave it (``--identifier``, not ``scope.identifiers``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
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
from cli.usage import usage_error
from custody.errors import RecordError
from custody.model.vocabulary import AUTHORITY_TYPES, CHANNELS, DATA_CATEGORIES, INSTRUMENT_NAMES

if TYPE_CHECKING:
    from custody.model.legal import Authority

F = TypeVar("F", bound=Callable[..., Any])

OPTION_OF: Mapping[str, str] = {
    "authority.id": "--reference",
    "authority.reference": "--reference",
    "authority.issuing_state": "--issuing-state",
    "authority.requesting_state": "--requesting-state",
    "authority.requested_state": "--requested-state",
    "authority.issuing_authority_type": "--issuing-authority-type",
    "authority.channel": "--channel",
    "authority.document_digest": "--document",
    "authority.extends": "--extends",
    "authority": "--valid-from/--valid-until",
    "validation.authority_type": "--validation-type",
    "scope.categories": "--scope",
    "scope.identifiers": "--identifier",
    "scope.custodian": "--custodian",
    "scope": "--data-from/--data-until",
    "requested_state": "--requested-state",
    "offence": "--offence",
    "facts": "--facts",
    "necessity": "--necessity",
    "mla_to_follow": "--mla-to-follow",
    "addressee": "--addressee",
    "consent_by": "--consent-by",
    "contact": "--contact",
    "emergency": "--emergency",
    "issuing_authority_type": "--issuing-authority-type",
    "related": "--related",
}
"""The option that gives each field of an authority record (as the record's errors and the rules name fields)."""

_TIMES = {
    "issued": ("--issued", False),
    "valid_from": ("--valid-from", False),
    "valid_until": ("--valid-until", True),
    "validation_date": ("--validation-date", False),
    "data_from": ("--data-from", False),
    "data_until": ("--data-until", True),
}


def authority_options(func: F) -> F:
    """The fields of a legal-authority record (T-CY(2018)10/11 templates, EPOC/EPOC-PR certificates)."""
    t = click.Path(dir_okay=False)
    who = "court, judge, investigating-judge, prosecutor, police or other"
    for option in reversed(
        [
            click.option(
                "--instrument",
                required=True,
                type=click.Choice(INSTRUMENT_NAMES),
                help="The kind of order or request: its rules (required fields, validity) are checked.",
            ),
            click.option("--issuing-state", required=True, metavar="CC", help="Issuing state (ISO 3166 code, MA)."),
            click.option("--issuing-authority", required=True, metavar="TEXT", help="Court, judge or office."),
            click.option("--issuing-authority-type", type=click.Choice(AUTHORITY_TYPES), help=f"What it is: {who}."),
            click.option("--reference", required=True, metavar="REF", help="The issuing authority's file number."),
            click.option("--issued", required=True, metavar="TIME", help="Issue date or time."),
            click.option("--valid-from", metavar="TIME", help="Start of validity (default: --issued)."),
            click.option(
                "--valid-until", required=True, metavar="TIME", help="End of validity (a date means its end)."
            ),
            click.option(
                "--tz",
                "zone",
                metavar="ZONE",
                help="Time zone of the dates and times given without offset (default: the host's); kept with them.",
            ),
            click.option("--legal-basis", metavar="TEXT", help="Provisions the order rests on (code, article)."),
            click.option("--requesting-state", metavar="CC", help="State that asks (a request abroad)."),
            click.option("--requested-state", metavar="CC", help="State asked to act (a request abroad)."),
            click.option("--executing-authority", metavar="TEXT", help="Authority that carries the request out."),
            click.option("--channel", type=click.Choice(CHANNELS), help="How the request was sent."),
            click.option("--addressee", metavar="TEXT", help="Person, provider or registry the order is addressed to."),
            click.option("--signatory", metavar="TEXT", help="Who signed the order (name, capacity)."),
            click.option("--contact", metavar="TEXT", help="Contact point for the order (office, telephone, e-mail)."),
            click.option("--validated-by", metavar="TEXT", help="Judicial authority that validated the order."),
            click.option("--validation-type", type=click.Choice(AUTHORITY_TYPES), help=f"Validator: {who}."),
            click.option("--validation-ref", metavar="REF", help="File number of the validation."),
            click.option("--validation-date", metavar="TIME", help="Date of the validation (default: --issued)."),
            click.option("--offence", metavar="TEXT", help="The offence investigated, as described in the order."),
            click.option(
                "--provision", "provisions", multiple=True, metavar="TEXT", help="Penal provision. Repeatable."
            ),
            click.option("--max-penalty-months", type=click.IntRange(min=0), help="Maximum penalty for it, in months."),
            click.option("--eu-listed-offence", is_flag=True, help="Offence listed in Reg. 2023/1543 Art. 5(4)(d)."),
            click.option("--facts", metavar="TEXT", help="Summary of the facts."),
            click.option("--necessity", metavar="TEXT", help="Why the measure is necessary and proportionate."),
            click.option(
                "--scope",
                "categories",
                multiple=True,
                metavar="CATS",
                help=f"Data categories covered: {', '.join(DATA_CATEGORIES)} (comma-separated or repeated).",
            ),
            click.option(
                "--identifier",
                "identifiers",
                multiple=True,
                metavar="TEXT",
                help="Account, device, IP address covered. Repeatable.",
            ),
            click.option("--data-from", metavar="TIME", help="Start of the period of the data covered."),
            click.option("--data-until", metavar="TIME", help="End of the period of the data (a date means its end)."),
            click.option("--custodian", metavar="TEXT", help="Custodian or location of the data."),
            click.option("--emergency", is_flag=True, help="Issued in an emergency (shorter deadlines apply)."),
            click.option("--mla-to-follow", is_flag=True, help="A mutual legal assistance request will follow."),
            click.option("--consent-by", metavar="TEXT", help="Who consented (name, capacity)."),
            click.option("--extends", metavar="ID", help="Authority this one extends or renews."),
            click.option("--related", multiple=True, metavar="REF", help="Earlier request references. Repeatable."),
            click.option("--confidential", is_flag=True, help="The order must be kept confidential."),
            click.option("--use-limitation", metavar="TEXT", help="Limit on the use of the data."),
            click.option(
                "--dual-criminality/--no-dual-criminality",
                default=None,
                help="Whether dual criminality is required (default: not stated).",
            ),
            click.option(
                "--condition", "other_conditions", multiple=True, metavar="TEXT", help="Other condition. Repeatable."
            ),
            click.option("--document", type=t, help="Scanned or signed order: its SHA-256 is recorded."),
            ledger_key_option,
            json_option,
        ]
    ):
        func = option(func)
    return func


_KINDS: Mapping[str, tuple[str, str]] = {
    "authority.issuing_state": ("authority.country", "issuing_state"),
    "authority.requesting_state": ("authority.country", "requesting_state"),
    "authority.requested_state": ("authority.country", "requested_state"),
    "authority.reference": ("authority.ident", "reference"),
    "authority.extends": ("authority.ident", "extends"),
    "authority": ("authority.window", ""),
    "scope": ("authority.data_window", ""),
    "scope.categories": ("authority.categories", "categories"),
}
"""Refusals stated in both languages from what was typed (the field's message code and its option's value)."""


@contextmanager
def _named_options(o: dict[str, Any], lang: str) -> Iterator[None]:
    """A value the record refuses, stated with the option that gave it (``--issuing-state XX: ...``)."""
    from custody.i18n import message

    try:
        yield
    except RecordError as exc:
        field, sep, detail = str(exc).partition(": ")
        if not sep or field not in OPTION_OF:
            raise
        if field not in _KINDS:
            raise RecordError(message("authority.option", lang, option=OPTION_OF[field], detail=detail)) from exc
        code, name = _KINDS[field]
        value = o[name] if name else ""
        value = ", ".join(value) if isinstance(value, tuple) else value
        known = ", ".join(DATA_CATEGORIES)
        raise RecordError(message(code, lang, option=OPTION_OF[field], value=value, known=known)) from exc


def _times(o: dict[str, Any], lang: str) -> dict[str, datetime | None]:
    from custody.i18n import message

    found: dict[str, datetime | None] = {}
    for name, (option, end) in _TIMES.items():
        try:
            parsed = parse_time(o[name], o["zone"], end_of_day=end)
        except RecordError as exc:
            raise RecordError(message("authority.option", lang, option=option, detail=str(exc))) from exc
        found[name] = None if parsed is None else parsed[0]
    return found


def _authority(o: dict[str, Any], lang: str) -> Authority:
    from custody.ledger.drafts import new_id
    from custody.model.artefacts import artefact_from_file
    from custody.model.legal import Authority, Conditions, Offence, Scope, Validation

    at = _times(o, lang)
    issued = at["issued"]
    until = at["valid_until"]
    if issued is None or until is None:  # click requires both; the library call can still pass None
        raise usage_error("usage.required", options="--issued, --valid-until")
    issued_tz = (parse_time(o["issued"], o["zone"]) or (issued, "Z"))[1]  # the zone the dates were given in
    validation = None
    if o["validated_by"] is not None:
        validation = Validation(
            authority=o["validated_by"],
            date=at["validation_date"] or issued,
            reference=o["validation_ref"],
            authority_type=o["validation_type"],
        )
    offence = None
    if o["offence"] is not None:
        offence = Offence(
            description=o["offence"],
            provisions=tuple(o["provisions"]),
            max_penalty_months=o["max_penalty_months"],
            eu_listed=o["eu_listed_offence"],
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
        valid_from=at["valid_from"] or issued,
        valid_until=until,
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
            time_from=at["data_from"],
            time_until=at["data_until"],
            custodian=o["custodian"],
        ),
        emergency=o["emergency"],
        mla_to_follow=o["mla_to_follow"],
        consent_by=o["consent_by"],
        extends=o["extends"],
        related=tuple(o["related"]),
        document_digest=document,
        tz=issued_tz,
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
    """Record a legal authority, signed by the handler who registers it; refused when its instrument's rules fail
    (each missing field named by its option)."""
    with _named_options(opts, lang):
        record_ = _authority(opts, lang)
    pair = load_key(key_file)
    with (
        ledger_for_append(ledger, ledger_key, loaded=pair) as opened,
        refusals_in(lang, options=OPTION_OF, zone=opts["zone"]),
    ):
        appended = opened.add_authority(record_, pair)
    render_appended(appended, as_json, lang, "appended.authority", reference=record_.reference)
    warn_window(record_.reference, record_.valid_from, record_.valid_until, lang, record_.tz or "UTC")
