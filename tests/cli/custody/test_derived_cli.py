"""`scelle custody record --derived-from` at the command line (issue 17, item 3): by event id, by file or digest;
refused with a one-line reason in English or French when the source is unknown or the action is not `derived`."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import Result

from tests.cli.custody.test_late_events_cli import keys, ledger, ok, one_line_error, record, run
from tests.custody.support.verdicts import cli_verify_args

__all__ = ["keys", "ledger"]  # the fixtures, shared with the late-event tests


def derive(ledger: Path, keys: dict[str, Path], *extra: str) -> Result:
    mail = ledger.parent / "mail.pst"
    mail.write_bytes(b"!BDN mailbox taken from the disk")
    return run(
        "custody",
        "record",
        str(ledger),
        "--key",
        str(keys["amina"]),
        "--action",
        "derived",
        "--artefact",
        str(mail),
        "--authority",
        "TPI-2026-117",
        "--category",
        "content",
        "--at",
        "2026-03-05T10:00:00Z",
        "--json",
        *extra,
    )


def _events(ledger: Path) -> list[dict[str, object]]:
    shown = json.loads(ok("custody", "show", str(ledger), "--json").stdout)
    return [e["body"] for e in shown["entries"] if e["kind"] == "event"]


def test_derived_from_an_event_id_and_a_file_is_signed_shown_and_exported(ledger: Path, keys: dict[str, Path]) -> None:
    acquired = _events(ledger)[0]
    disk_key = "sha256:" + acquired["artefacts"][0]["digests"]["sha256"]  # type: ignore[index]
    result = derive(ledger, keys, "--derived-from", str(acquired["id"]))
    assert result.exit_code == 0, result.output
    assert _events(ledger)[-1]["derived_from"] == [disk_key]
    assert f"from {disk_key}" in ok("custody", "show", str(ledger)).stdout
    again = derive(ledger, keys, "--derived-from", str(ledger.parent / "disk.img"), "--at", "2026-03-05T11:00:00Z")
    assert again.exit_code == 0, again.output
    ok(*cli_verify_args(ledger, keys["ledger.pub"]))
    bundle = ledger.parent / "mail.bundle.json"
    ok("custody", "export", str(ledger), "--out", str(bundle), "--artefact", str(ledger.parent / "mail.pst"))
    verified = ok(*cli_verify_args(bundle, keys["ledger.pub"]), "--lang", "fr")
    assert f"Extrait de\u00a0: {disk_key}" in verified.stdout and "VÉRIFIÉ" in verified.stdout


def test_unknown_source_is_refused_in_english_and_french(ledger: Path, keys: dict[str, Path]) -> None:
    unknown = "sha256:" + "ab" * 32
    line = one_line_error(derive(ledger, keys, "--derived-from", unknown), 1)
    assert f"names {unknown} as its source, but no earlier event concerns that item" in line
    french = one_line_error(derive(ledger, keys, "--derived-from", unknown, "--lang", "fr"), 1)
    assert f"désigne {unknown} comme source, alors qu'aucun événement antérieur ne concerne cet élément" in french
    missing = one_line_error(derive(ledger, keys, "--derived-from", "ev-0123456789abcdef", "--lang", "fr"), 1)
    assert "le registre ne contient aucun événement portant cet identifiant" in missing
    assert len(_events(ledger)) == 1


def test_derived_from_needs_the_derived_action(ledger: Path, keys: dict[str, Path]) -> None:
    result = record(ledger, keys, "analysed", "2026-03-05T10:00:00Z", "--derived-from", str(ledger.parent / "disk.img"))
    assert result.exit_code == 2 and "use it with --action derived" in result.output
    mail = derive(ledger, keys, "--derived-from", str(ledger.parent / "mail.pst"))
    assert mail.exit_code == 2 and "cannot be derived from itself" in mail.output
