"""`scelle custody authority extend / validate / revoke`: record a change to a legal authority, signed by a handler.

Each change is an entry of its own (``custody.model.changes``); the ledger refuses, with the reasons in ``--lang``, a
change the rules of ``custody.rules.changes`` find wrong (an extension beyond the instrument's limit or after the
authority lapsed, a validation by an authority without the power to validate, any change after a revocation).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import click

from cli.custody.common import (
    lang_option,
    ledger_for_append,
    ledger_key_option,
    load_key,
    parse_time,
    refusals_in,
    render_appended,
)
from cli.options import json_option
from custody.model.vocabulary import AUTHORITY_TYPES

F = TypeVar("F", bound=Callable[..., Any])


def change_options(func: F) -> F:
    """What every change names: the ledger, the authority, the signing handler, who decided it, when, and why."""
    for option in reversed(
        [
            click.argument("ledger", type=click.Path(dir_okay=False)),
            click.argument("authority_ref", metavar="AUTHORITY"),
            click.option("--key", "key_file", required=True, type=click.Path(dir_okay=False), help="Handler's key."),
            click.option("--by", "decided_by", required=True, metavar="TEXT", help="Who decided it (court, office)."),
            click.option("--by-type", "decided_by_type", type=click.Choice(AUTHORITY_TYPES), help="Its kind."),
            click.option("--reference", metavar="REF", help="File number of the decision."),
            click.option("--at", "at", metavar="TIME", help="When it takes effect (default now)."),
            click.option(
                "--tz", "zone", metavar="ZONE", help="Time zone of times without offset (default: the host's)."
            ),
            click.option("--reason", metavar="TEXT", help="Why it was decided (as the decision states it)."),
            click.option("--document", type=click.Path(dir_okay=False), help="The decision: its SHA-256 is recorded."),
            lang_option,
            ledger_key_option,
            json_option,
        ]
    ):
        func = option(func)
    return func


def _append(change: str, o: dict[str, Any], until: str | None = None) -> None:
    from custody.ledger.drafts import new_id
    from custody.model.artefacts import artefact_from_file
    from custody.model.changes import AuthorityChange

    now = datetime.now(UTC)
    at = parse_time(o["at"], o["zone"])
    end = parse_time(until, o["zone"], end_of_day=True)
    document = None if o["document"] is None else "sha256:" + artefact_from_file(o["document"]).digests["sha256"]
    pair = load_key(o["key_file"])
    with ledger_for_append(o["ledger"], o["ledger_key"], loaded=pair) as opened, refusals_in(o["lang"], zone=o["zone"]):
        authority = opened.resolve_authority(o["authority_ref"])
        record = AuthorityChange(
            id=new_id("ac"),
            authority=authority.id,
            change=change,
            at=now if at is None else at[0],
            decided_by=o["decided_by"],
            decided_by_type=o["decided_by_type"],
            reference=o["reference"],
            valid_until=None if end is None else end[0],
            reason=o["reason"],
            document_digest=document,
            recorded_at=now,
        )
        appended = opened.change_authority(record, pair)
    from custody.i18n import CHANGES, vocabulary

    said = change if o["lang"] == "en" else vocabulary(CHANGES, change, o["lang"])
    render_appended(appended, o["as_json"], o["lang"], "appended.change", change=said, reference=authority.reference)


@click.command("extend")
@change_options
@click.option("--until", required=True, metavar="TIME", help="New end of validity (a date means its end).")
def extend(until: str, **opts: Any) -> None:
    """Extend an authority (a preservation beyond its first period, an EPOC-PR by 30 days)."""
    _append("extend", opts, until)


@click.command("validate")
@change_options
def validate(**opts: Any) -> None:
    """Record the validation of an order by the judicial authority it needs (Reg. (EU) 2023/1543 Art. 4)."""
    _append("validate", opts)


@click.command("revoke")
@change_options
def revoke(**opts: Any) -> None:
    """Revoke an authority: no action may rely on it from --at on."""
    _append("revoke", opts)
