"""`scelle custody ...` unchanged on a ledger in PostgreSQL, `custody copy` both ways, and clean errors."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from click.testing import CliRunner

from cli.main import cli
from tests.cli.custody.test_custody_cli import ORIGIN, clean_error, keys, ok, run
from tests.support.postgres import PgServer

__all__ = ["keys"]  # the key files fixture, shared with the file-ledger tests


def test_custody_commands_work_on_a_postgresql_ledger_and_copy_both_ways(
    pg_server: PgServer, keys: dict[str, Path], tmp_path: Path
) -> None:
    location = pg_server.url("case-" + uuid.uuid4().hex[:12])
    ok("init", location, "--case", "MA-2026-0042", "--origin", ORIGIN, "--key", str(keys["ledger"]))
    clean_error(
        run("init", location, "--case", "C", "--origin", "o", "--key", str(keys["ledger"])), 1, "already exists"
    )
    ok(
        *("authority", "add", location, "--key", str(keys["amina"]), "--instrument", "domestic-order"),
        *("--issuing-state", "MA", "--issuing-authority", "TPI Rabat", "--issuing-authority-type", "court"),
        *("--reference", "TPI-2026-117", "--issued", "2026-03-01", "--valid-until", "2099-06-01"),
        *("--offence", "fraude informatique", "--scope", "content"),
    )
    disk = tmp_path / "disk.img"
    disk.write_bytes(b"evidence")
    recorded = ok(
        *("record", location, "--key", str(keys["amina"]), "--action", "seized", "--artefact", str(disk)),
        *("--authority", "TPI-2026-117", "--seal", "SC-17", "--category", "content", "--json"),
    )
    event = json.loads(recorded.output)["id"]
    assert event in ok("show", location).output
    vkey = ok("key", "show", str(keys["ledger"]), "--vkey").output.strip()
    verified = json.loads(ok("verify", location, "--trust", vkey, "--json").output)
    bundle = tmp_path / "bundle.json"
    ok("export", location, "--out", str(bundle))
    assert "Verdict: VERIFIED" in ok("verify", str(bundle), "--trust", vkey).output

    as_file, back = tmp_path / "copy.ledger", pg_server.url("case-" + uuid.uuid4().hex[:12])
    copied = json.loads(ok("copy", location, str(as_file), "--json").output)
    assert copied == json.loads(ok("copy", str(as_file), back, "--json").output)
    assert (copied["entries"], copied["size"]) == (4, 4)
    for where in (as_file, back):
        again = json.loads(ok("verify", str(where), "--trust", vkey, "--json").output)
        assert {k: v for k, v in again.items() if k != "ledger"} == {k: v for k, v in verified.items() if k != "ledger"}
        assert ok("checkpoint", str(where)).output == ok("checkpoint", location).output
    french = ok("copy", location, str(tmp_path / "fr.ledger"), "--lang", "fr").output
    assert "entrées et" in french and "points de contrôle copiés" in french


def test_a_password_on_the_command_line_is_refused_in_the_message_language() -> None:
    location = "postgresql://amina:s3cret@db.lab/scelle?ledger=c1"
    result = CliRunner().invoke(cli, ["custody", "show", location], env={"SCELLE_LANG": "fr"})
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "mot de passe dans l'adresse du registre est refusé" in result.output and "s3cret" not in result.output
    clean_error(run("show", "postgresql://db.lab/scelle"), 1, "?ledger=NAME")
