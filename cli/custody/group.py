"""`scelle custody`: keys, the ledger, and what a court checks (show, prove, checkpoint, verify).

Passphrases come from SCELLE_PASSPHRASE (handler keys) and SCELLE_LEDGER_PASSPHRASE (the ledger key; default
SCELLE_PASSPHRASE) or a hidden prompt; never from an option, so they stay out of shell history and process lists.
"""

from __future__ import annotations

import base64
import os
from typing import TYPE_CHECKING

import click

from cli.custody.bundle import bundle_verify_options, export, verify_bundle
from cli.custody.common import LEDGER_PASSPHRASE_ENV, emit, lang_option, load_key, passphrase
from cli.custody.timestamps import read_tsa, render_timestamps, timestamps_json, tsa_cert_option
from cli.lang import lang_choice
from cli.options import json_option
from cli.zone import display_zone_option, user_zone
from custody.i18n.said import SaidUsageError

if TYPE_CHECKING:
    from custody.ledger.report import LedgerReport


@click.group()
def custody() -> None:
    """Signed custody ledger: who handled which evidence, when, where, under which legal authority."""


@custody.group()
def key() -> None:
    """Handler and ledger keys (Ed25519, encrypted at rest)."""


@key.command("new")
@click.option("--name", required=True, help="Handler's full name (or the ledger's name).")
@click.option("--role", required=True, help="examiner, first responder, custodian, courier, prosecutor, ledger...")
@click.option("--org", "organisation", required=True, help="Organisation.")
@click.option("--country", required=True, help="ISO 3166-1 alpha-2 code of the organisation's country.")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="Private key file to create.")
@json_option
@lang_choice
def key_new(name: str, role: str, organisation: str, country: str, out: str, as_json: bool, lang: str) -> None:
    """Create a key pair; the private key is encrypted with a passphrase. Prints the fingerprint."""
    from custody.model.identity import check_country
    from custody.model.keys import generate_key, save_private_key

    check_country(country)
    if os.path.lexists(out):
        raise SaidUsageError("key.exists", path=out)
    pair = generate_key(name=name, role=role, organisation=organisation, country=country)
    save_private_key(pair, out, passphrase(out, confirm=True))
    if as_json:
        emit({"id": pair.info.fingerprint, "fingerprint": pair.info.fingerprint, "vkey": pair.info.vkey, "file": out})
    else:
        click.echo(pair.info.fingerprint)


@key.command("show")
@click.argument("key_file", type=click.Path(dir_okay=False))
@click.option("--public", "export", is_flag=True, help="Write the public key to --out.")
@click.option("--out", type=click.Path(dir_okay=False), help="Public key file to write (with --public).")
@click.option("--vkey", "show_vkey", is_flag=True, help="Print the signed-note verifier key only.")
@json_option
@lang_choice
def key_show(key_file: str, export: bool, out: str | None, show_vkey: bool, as_json: bool, lang: str) -> None:
    """Show a key's identity, fingerprint and verifier key (no passphrase needed)."""
    from custody.model.keys import load_public_key, save_public_key

    info = load_public_key(key_file)
    if export:
        if out is None:
            raise SaidUsageError("key.public_needs_out")
        save_public_key(info, out)
    if show_vkey:
        click.echo(info.vkey)
    elif as_json:
        emit(
            {
                "id": info.fingerprint,
                "name": info.name,
                "role": info.role,
                "organisation": info.organisation,
                "country": info.country,
                "fingerprint": info.fingerprint,
                "vkey": info.vkey,
            }
        )
    else:
        from custody.i18n import ROLES, message, vocabulary

        role = vocabulary(ROLES, info.role, lang) if lang != "en" else info.role
        identity = dict(name=info.name, role=role, organisation=info.organisation, country=info.country)
        click.echo(message("key.identity", lang, **identity))
        click.echo(message("key.fingerprint", lang, value=info.fingerprint))
        click.echo(message("key.vkey", lang, value=info.vkey))


@custody.command("init")
@click.argument("ledger", type=click.Path(dir_okay=False))
@click.option("--case", "case", required=True, help="Case identifier, e.g. MA-2026-0042.")
@click.option("--origin", required=True, help="Log name in checkpoints, e.g. scelle.example/MA-2026-0042.")
@click.option("--key", "key_file", required=True, type=click.Path(dir_okay=False), help="Ledger private key.")
@json_option
@lang_option
def init(ledger: str, case: str, origin: str, key_file: str, as_json: bool, lang: str) -> None:
    """Create a ledger for one case; the ledger key signs every checkpoint.

    LEDGER is a file, or a ledger in a lab's PostgreSQL database: postgresql://HOST/DATABASE?ledger=NAME (the
    password comes from PGPASSWORD, ~/.pgpass or a service file, never from the command line)."""
    from pathlib import Path

    from custody.ledger.ledger import Ledger

    pair = load_key(key_file, env=LEDGER_PASSPHRASE_ENV)
    hint = str(Path(key_file).resolve())
    with Ledger.create(ledger, case=case, origin=origin, ledger_key=pair, key_file=hint) as new:
        if as_json:
            emit({"id": new.header.origin, "case": case, "origin": origin, "vkey": new.vkey})
        else:
            from custody.i18n import message

            click.echo(message("ledger.created", lang, ledger=ledger, case=case, vkey=new.vkey))


@custody.command("show")
@click.argument("ledger", type=click.Path(dir_okay=False))
@json_option
@display_zone_option
@lang_choice
def show(ledger: str, as_json: bool, display_tz: str | None, lang: str) -> None:
    """List every entry of a ledger (it is not verified: use `scelle custody verify`).

    The JSON holds the entries as stored (UTC); the text shows every time in --tz with its offset, and the zone
    each event was given in between brackets.
    """
    from cli.custody.entry_lines import entry_line
    from custody.ledger.ledger import Ledger

    zone = user_zone(display_tz)
    with Ledger.open(ledger) as opened:
        entries = opened.entries()
        header = opened.header
    if as_json:
        emit(
            {
                "origin": header.origin,
                "case": header.case,
                "vkey": header.vkey,
                "entries": [
                    {"index": i, "id": e.entry_id, "kind": e.kind, "body": e.body.to_json()}
                    for i, e in enumerate(entries)
                ],
            }
        )
        return
    from custody.i18n.words import ENTRY_KINDS, vocabulary

    kinds = {entry.kind: vocabulary(ENTRY_KINDS, entry.kind, lang) for entry in entries}
    width = max(9, *(len(kind) for kind in kinds.values()))
    for index, entry in enumerate(entries):
        click.echo(f"{index:>6} {kinds[entry.kind]:<{width}} {entry.entry_id}  {entry_line(entry, zone, lang)}")


@custody.command("prove")
@click.argument("ledger", type=click.Path(dir_okay=False))
@click.option("--event", "entry_id", help="Event (or authority) id: an inclusion proof.")
@click.option(
    "--consistency-from",
    "old_size",
    type=click.IntRange(min=1),
    help="A consistency proof from the first N entries to the latest checkpoint (for a witness).",
)
@lang_choice
def prove(ledger: str, entry_id: str | None, old_size: int | None, lang: str) -> None:
    """Print an inclusion proof of one entry, or a consistency proof, against the latest signed checkpoint (JSON)."""
    from custody.i18n import message
    from custody.ledger.ledger import Ledger
    from evidence.common.errors import UsageError

    if (entry_id is None) == (old_size is None):
        raise UsageError(message("prove.choose", lang))
    if old_size is not None:
        from custody.ledger.witness import consistency_proof

        emit(consistency_proof(ledger, old_size).to_json())
        return
    assert entry_id is not None  # noqa: S101 - checked above
    with Ledger.open(ledger) as opened:
        proof = opened.prove(entry_id)
        vkey = opened.vkey
    emit(
        {
            "id": proof.entry_id,
            "index": proof.index,
            "size": proof.size,
            "leaf": base64.b64encode(proof.leaf).decode("ascii"),
            "proof": [base64.b64encode(h).decode("ascii") for h in proof.proof],
            "checkpoint": proof.checkpoint,
            "vkey": vkey,
        }
    )


@custody.command("checkpoint")
@click.argument("ledger", type=click.Path(dir_okay=False))
@lang_choice
def checkpoint(ledger: str, lang: str) -> None:
    """Print the latest signed checkpoint (a C2SP signed note)."""
    from custody.ledger.ledger import Ledger

    with Ledger.open(ledger) as opened:
        click.echo(opened.latest_checkpoint(), nl=False)


@custody.command("verify")
@click.argument("target", metavar="LEDGER_OR_BUNDLE", type=click.Path(dir_okay=False))
@click.option(
    "--trust",
    metavar="LEDGER_PUBKEY",
    multiple=True,
    help="The ledger's public key, obtained out of band (file from `scelle custody key show --public`, "
    "or name+id+key): for a ledger as for a bundle. A bundle that links other ledgers' histories needs one "
    "per ledger: repeat it.",
)
@click.option("--vkey", hidden=True, help="Former name of --trust, for a verifier key string.")
@click.option("--ledger-pub", hidden=True, type=click.Path(dir_okay=False), help="Former name of --trust, for a file.")
@click.option(
    "--unsafe-trust-embedded-key",
    "unsafe",
    is_flag=True,
    help="Ledger: check it against the key it names itself (shows it is consistent, not whose it is).",
)
@click.option(
    "--since",
    type=click.Path(dir_okay=False),
    help="Ledger: a checkpoint seen earlier (a note, or a bundle, offer, receipt or witness state holding one): "
    "fails on a rollback or a fork.",
)
@click.option("--witness", "witnesses", multiple=True, metavar="VKEY", help="A trusted witness key (repeat for more).")
@click.option(
    "--witness-quorum",
    "quorum",
    type=int,
    help="Cosignatures by --witness keys the latest checkpoint needs (default: all the keys given).",
)
@tsa_cert_option
@bundle_verify_options
@json_option
def verify(
    target: str,
    trust: tuple[str, ...],
    vkey: str | None,
    ledger_pub: str | None,
    unsafe: bool,
    since: str | None,
    witnesses: tuple[str, ...],
    quorum: int | None,
    tsa_certs: tuple[str, ...],
    artefacts: tuple[str, ...],
    report_path: str | None,
    lang: str,
    case_uco: str | None,
    display_tz: str | None,
    as_json: bool,
) -> None:
    """Verify a ledger (every signature, proof, checkpoint and authority) or a bundle, offline, against --trust.

    Exit 0 when all hold (a bundle: VERIFIED), 3 otherwise (the findings are printed, then the first on stderr);
    2 without --trust (or, for a ledger, --unsafe-trust-embedded-key).
    """
    from custody.bundle.io import looks_like_bundle, looks_like_ledger
    from custody.i18n import message
    from custody.ledger.report import LedgerReport
    from custody.ledger.verify import verify_ledger
    from custody.model.trust import TrustRequiredError, read_trust
    from evidence.common.errors import UsageError
    from evidence.common.report import VerificationError

    given = [*trust, *(value for value in (vkey, ledger_pub) if value)]
    if len(given) > 1 and (vkey or ledger_pub or looks_like_ledger(target)):
        raise UsageError(message("trust.twice", lang))
    # An SQLite file is a ledger; anything else is read as a bundle (and refused as one), unless only a ledger
    # makes sense: --unsafe-trust-embedded-key without bundle options, on a file that does not start like JSON.
    bundle_options = bool(artefacts or report_path or case_uco)
    is_ledger = looks_like_ledger(target) or (unsafe and not bundle_options and not looks_like_bundle(target))
    if is_ledger and bundle_options:
        raise UsageError(message("ledger.bundle_options", lang, subject=target))
    is_bundle = not is_ledger
    if is_bundle and unsafe:
        raise UsageError(message("trust.unsafe_bundle", lang, subject=target))
    if given and unsafe:
        raise UsageError(message("trust.both", lang))
    if not given and not unsafe:
        raise TrustRequiredError(target, lang=lang, code="trust.required")
    from cli.custody.witness import witness_vkey_of
    from custody.ledger.witnessed import read_since
    from custody.model.witnesses import witness_policy

    keys = [witness_vkey_of(w) for w in witnesses]
    witness_policy(keys, quorum, lang)  # usage errors before any work
    if is_bundle:
        if since is not None:
            raise UsageError(message("since.bundle", lang, subject=target))
        tsa = read_tsa(tsa_certs, lang)
        zone = user_zone(display_tz)
        verify_bundle(target, given, artefacts, report_path, lang, case_uco, as_json, tsa, keys, quorum, zone)
        return
    notes = None if since is None else read_since(since, lang)
    zone = user_zone(display_tz)
    trusted = read_trust(given[0]) if given else None
    tsa = read_tsa(tsa_certs, lang)
    try:
        report = verify_ledger(
            target,
            trust=trusted,
            unsafe_trust_embedded_key=unsafe,
            since=notes,
            witness=keys,
            witness_quorum=quorum,
            tsa=tsa,
            lang=lang,
        )
    except VerificationError as exc:
        if isinstance(exc.report, LedgerReport):
            _render_ledger(exc.report, as_json, lang, zone)
            raise VerificationError(exc.report, exc.report.failure_message(lang, zone)) from exc
        raise
    _render_ledger(report, as_json, lang, zone)


def _render_ledger(report: LedgerReport, as_json: bool, lang: str, zone: str) -> None:
    """The findings (times in ``zone``), the time-stamps and the verdict; or the JSON (times as stored, UTC)."""
    from custody.i18n import message
    from custody.i18n.words import counted

    if as_json:
        emit(
            {
                "ok": report.ok,
                "ledger": report.path,
                "origin": report.origin,
                "case": report.case,
                "vkey": report.vkey,
                "key_trusted": report.key_trusted,
                "entries": report.entries,
                "events": report.events,
                "checkpoints": report.checkpoints,
                "findings": list(report.findings),
                "timestamps": timestamps_json(report.timestamps),
                "witnessed": report.witnessed,
            }
        )
    else:
        stamp_findings = {check.text("en") for check in report.timestamps if check.status == "failed"}
        for finding in report.texts(lang, zone):
            if finding not in stamp_findings:  # said below, in the report's language
                click.echo(finding)
        for line in render_timestamps(report.timestamps, lang, zone):
            click.echo(line)
        if report.ok:
            click.echo(
                message(
                    "ledger.verified",
                    lang,
                    subject=report.path,
                    entries=counted(report.entries, "entry", lang),
                    events=counted(report.events, "event", lang),
                    checkpoints=counted(report.checkpoints, "checkpoint", lang),
                )
            )
    if not report.key_trusted:
        click.echo(message("trust.embedded", lang, vkey=report.vkey), err=True)


def _register() -> None:
    from cli.custody.authority_add import authority
    from cli.custody.changes import extend, revoke, validate
    from cli.custody.copy import copy
    from cli.custody.events import record, transfer
    from cli.custody.handover import accept, complete, offer, receive
    from cli.custody.timestamps import timestamp
    from cli.custody.witness import cosign, witness

    commands = (authority, record, transfer, offer, accept, receive, complete, export, timestamp, witness, cosign, copy)
    for command in commands:
        custody.add_command(command)
    for command in (extend, validate, revoke):
        authority.add_command(command)


_register()
