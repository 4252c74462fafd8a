"""`scelle custody witness` (init, trust, cosign) and `scelle custody cosign`: witnesses of another state's ledger.

A witness keeps a state file (``custody.ledger.witness``) and cosigns a ledger's checkpoints only when they extend
the ones it cosigned before; the ledger's keeper attaches the cosignature lines to the stored checkpoint, and
``custody verify --witness VKEY --witness-quorum N`` counts them.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from cli.custody.bundle import LANG
from cli.custody.common import load_key
from cli.lang import locale_lang, remember_lang
from custody.i18n.said import SaidUsageError
from evidence.common.reasons import os_reason

lang_option = click.option(
    "--lang",
    type=LANG,
    default=locale_lang,
    callback=remember_lang,
    show_default="the locale's",
    help="Language of the messages (en, fr).",
)


def ledger_vkey(value: str) -> str:
    """A ledger key given as a verifier key string or a public-key file, as its verifier key string."""
    from custody.model.keys import load_public_key

    path = Path(value)
    if path.is_file():
        text = path.read_text(encoding="utf-8")
        return load_public_key(path).vkey if text.lstrip().startswith("{") else text.strip()
    if "+" not in value:
        raise SaidUsageError("key.missing", path=value)
    return value.strip()


def witness_vkey_of(value: str) -> str:
    """A witness key given as its verifier key string, a file holding it, or a scelle public or private key file."""
    from custody.model.keys import load_public_key
    from custody.tlog.cosignature import witness_vkey
    from custody.tlog.notes import key_name_for

    path = Path(value)
    if not path.is_file():
        return value.strip()
    text = path.read_text(encoding="utf-8")
    if text.lstrip().startswith("{"):
        info = load_public_key(path)
        return witness_vkey(key_name_for(info.name), info.public_key)
    return text.strip()


@click.group()
def witness() -> None:
    """Witness another ledger: cosign its checkpoints, never one that rolls back or forks (C2SP tlog-witness)."""


@witness.command("init")
@click.argument("state", type=click.Path(dir_okay=False))
@click.option("--key", "key_file", required=True, type=click.Path(dir_okay=False), help="The witness's private key.")
@click.option(
    "--trust", "trusted", multiple=True, metavar="LEDGER_PUBKEY", help="A ledger key to trust; repeat for more."
)
@lang_option
def witness_init(state: str, key_file: str, trusted: tuple[str, ...], lang: str) -> None:
    """Create a witness state file; prints the witness key (give it to verifiers as --witness)."""
    from custody.i18n import message
    from custody.ledger.witness import init_state

    pair = load_key(key_file)
    created = init_state(
        state, pair, key_file=str(Path(key_file).resolve()), trusted=[ledger_vkey(t) for t in trusted], lang=lang
    )
    click.echo(message("witness.created", lang, subject=state, vkey=created.vkey))
    click.echo(created.vkey)


@witness.command("trust")
@click.argument("state", type=click.Path(dir_okay=False))
@click.argument("keys", nargs=-1, required=True, metavar="LEDGER_PUBKEY...")
@lang_option
def witness_trust(state: str, keys: tuple[str, ...], lang: str) -> None:
    """Add ledger keys the witness trusts."""
    from custody.i18n import message
    from custody.ledger.witness import trust_keys

    updated = trust_keys(state, [ledger_vkey(k) for k in keys], lang=lang)
    click.echo(message("witness.trusting", lang, subject=state, count=len(updated.trusted)))


@witness.command("cosign")
@click.argument("state", type=click.Path(dir_okay=False))
@click.argument("checkpoint", type=click.Path(dir_okay=False))
@click.option(
    "--proof",
    "proof_file",
    type=click.Path(dir_okay=False),
    help="Consistency proof from the size last cosigned (scelle custody prove LEDGER --consistency-from N).",
)
@click.option("--key", "key_file", type=click.Path(dir_okay=False), help="Witness key (default: the state's).")
@lang_option
def witness_cosign(state: str, checkpoint: str, proof_file: str | None, key_file: str | None, lang: str) -> None:
    """Cosign CHECKPOINT (a signed note) if it extends the last one cosigned; print the cosignature line."""
    from custody.ledger.witness import ConsistencyProof, WitnessRefusedError, cosign_checkpoint, load_state

    current = load_state(state, lang=lang)
    key_path = key_file or current.key_file
    if key_path is None:
        raise SaidUsageError("witness.key_unknown", path=state)
    note = _read_text(checkpoint)
    proof = None
    if proof_file is not None:
        proof = ConsistencyProof.from_bytes(_read_bytes(proof_file), proof_file, lang=lang)
    try:
        line = cosign_checkpoint(state, note, load_key(key_path), now=int(time.time()), proof=proof, lang=lang)
    except WitnessRefusedError as exc:
        click.echo(str(exc))  # whole, with its line breaks: an equivocation shows both signed notes
        raise
    click.echo(line, nl=False)


@click.command("cosign")
@click.argument("ledger", type=click.Path(dir_okay=False))
@click.argument("lines", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--size", type=click.IntRange(min=1), help="The checkpoint's size (default: the latest stored).")
@click.option(
    "--witness",
    "witnesses",
    multiple=True,
    metavar="VKEY",
    help="A witness key (required; repeat for more): only lines that verify with one are stored.",
)
@lang_option
def cosign(ledger: str, lines: str, size: int | None, witnesses: tuple[str, ...], lang: str) -> None:
    """Attach witnesses' cosignature lines (file, or - for stdin) to a stored checkpoint of LEDGER."""
    from custody.i18n import message
    from custody.ledger.witnessed import attach_cosignatures
    from custody.tlog.cosignature import parse_witness_vkey

    text = sys.stdin.read() if lines == "-" else _read_text(lines)
    keys = [parse_witness_vkey(witness_vkey_of(w)) for w in witnesses]
    at, count = attach_cosignatures(ledger, text, size=size, witnesses=keys, lang=lang)
    click.echo(message("cosign.attached", lang, subject=ledger, count=count, size=at))


def _read_bytes(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise SaidUsageError("file.unreadable", path=path, reason=os_reason(exc)) from exc


def _read_text(path: str) -> str:
    try:
        return _read_bytes(path).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SaidUsageError("file.not_utf8", path=path) from exc
