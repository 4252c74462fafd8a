"""`scelle custody authority extend / validate / revoke` on real files, and their findings in French."""

from __future__ import annotations

from pathlib import Path

from custody.ledger.ledger import Ledger
from custody.model.entries import sign_entry
from custody.model.keys import load_private_key
from tests.cli.custody.test_custody_cli import PASS, clean_error, keys, ledger, ok, run
from tests.custody.conftest import draft
from tests.custody.support.factories import utc

__all__ = ["keys", "ledger"]  # the fixtures this module uses


def _seized(ledger: Path, keys: dict[str, Path], *extra: str) -> None:
    ok(
        "record",
        str(ledger),
        "--key",
        str(keys["amina"]),
        "--action",
        "seized",
        "--artefact",
        "sha256:" + "ab" * 32,
        "--authority",
        "TPI-2026-117",
        "--at",
        "2026-03-03T10:00:00Z",
        *extra,
    )


def _revoke(ledger: Path, keys: dict[str, Path]) -> str:
    result = ok(
        "authority",
        "revoke",
        str(ledger),
        "TPI-2026-117",
        "--key",
        str(keys["amina"]),
        "--by",
        "Tribunal de première instance de Rabat",
        "--by-type",
        "court",
        "--reference",
        "TPI-2026-117-R",
        "--at",
        "2026-04-01",
        "--tz",
        "Africa/Casablanca",
    )
    return result.output


def test_revoked_order_refuses_the_next_event_in_french(ledger: Path, keys: dict[str, Path]) -> None:
    _seized(ledger, keys)
    assert "recorded revoke of authority TPI-2026-117 as ac-" in _revoke(ledger, keys)
    refused = run(
        "record",
        str(ledger),
        "--key",
        str(keys["amina"]),
        "--action",
        "acquired",
        "--artefact",
        "sha256:" + "ab" * 32,
        "--authority",
        "TPI-2026-117",
        "--at",
        "2026-04-02T10:00:00Z",
        "--lang",
        "fr",
    )
    clean_error(refused, 1, "événement refusé (copie forensique réalisée)")
    assert (
        "révoquée à compter du 2026-03-31 23:00:00 UTC+00:00 par Tribunal de première instance de Rabat"
        in refused.output
    )
    shown = ok("show", str(ledger)).output
    assert "revoke au-" in shown


def test_extension_refused_in_french_and_validation_needs_an_eu_order(ledger: Path, keys: dict[str, Path]) -> None:
    common = ("--key", str(keys["amina"]), "--by", "Tribunal de Rabat", "--at", "2026-05-01T00:00:00Z")
    extended = run("authority", "extend", str(ledger), "TPI-2026-117", *common, "--until", "2026-07-01", "--lang", "fr")
    clean_error(extended, 1, "prolongation de l'autorisation TPI-2026-117 refusée")
    assert "aucune prolongation n'est prévue" in extended.output
    validated = run("authority", "validate", str(ledger), "TPI-2026-117", *common, "--by-type", "judge")
    clean_error(validated, 1, "issued by this authority needs no validation")
    clean_error(run("authority", "revoke", str(ledger), "NO-SUCH-REF", *common), 1, "no authority")


def test_ledger_verify_states_the_authority_finding_in_french(ledger: Path, keys: dict[str, Path]) -> None:
    _seized(ledger, keys)
    _revoke(ledger, keys)
    signer = load_private_key(keys["amina"], PASS.encode())
    with Ledger.open(ledger, ledger_key=load_private_key(keys["ledger"], PASS.encode())) as opened:
        event = opened.build_event(
            draft("acquired", at=(2026, 4, 2), authorities=(opened.resolve_authority("TPI-2026-117").id,)),
            signer.info.handler,
            now=utc(2026, 4, 2, 1),
        )
        with opened.store.transaction():  # as a scelle that did not apply the rules would have written it
            opened._write([sign_entry("event", event, [signer])])
    vkey = ok("key", "show", str(keys["ledger"]), "--vkey").output.strip()
    french = run("verify", str(ledger), "--trust", vkey, "--lang", "fr")
    assert french.exit_code == 3, french.output
    assert "n'est couvert par aucune autorisation légale valide" in french.output
    assert "révoquée à compter du 2026-03-31 23:00:00 UTC+00:00" in french.output
    english = run("verify", str(ledger), "--trust", vkey)
    assert "revoked from 2026-03-31 23:00:00 UTC+00:00" in english.output
