"""`scelle custody timestamp` and `custody verify --tsa-cert` end to end, against a local `openssl ts` TSA."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cli.main import cli
from custody.model.keys import generate_key, save_private_key
from tests.custody.support.tsa import LocalTsa, tsas_fixture  # noqa: F401 - the `tsas` fixture

PASS = "correct horse battery staple"  # noqa: S105 - a test passphrase
ORIGIN = "scelle.example/MA-2026-0042"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["custody", *args], env={"SCELLE_PASSPHRASE": PASS})


def ok(*args: str) -> Result:
    result = run(*args)
    assert result.exit_code == 0, (args, result.output)
    return result


def refused(result: Result, code: int, fragment: str) -> None:
    assert result.exit_code == code, result.output
    assert fragment in result.output, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception


@pytest.fixture
def ledger(tmp_path: Path) -> tuple[Path, Path]:
    """A new ledger (header and checkpoint only) and its public key file."""
    key = tmp_path / "ledger.key"
    pair = generate_key(name=ORIGIN, role="ledger", organisation="DGSN", country="MA")
    save_private_key(pair, key, PASS.encode(), rounds=4)
    ok("key", "show", str(key), "--public", "--out", str(tmp_path / "ledger.pub"))
    ok("init", str(tmp_path / "case.db"), "--case", "MA-2026-0042", "--origin", ORIGIN, "--key", str(key))
    return tmp_path / "case.db", tmp_path / "ledger.pub"


def verify(ledger: tuple[Path, Path], *extra: str) -> Result:
    return run("verify", str(ledger[0]), "--trust", str(ledger[1]), *extra)


def test_timestamp_then_verify_shows_the_tsa_time(ledger: tuple[Path, Path], tsas: dict[str, LocalTsa]) -> None:
    with tsas["trusted"].serve() as url:
        stored = ok("timestamp", str(ledger[0]), "--tsa", url)
    assert "stored an RFC 3161 time-stamp over checkpoint 1" in stored.output and "not verified here" in stored.output
    checked = verify(ledger, "--tsa-cert", str(tsas["trusted"].ca))
    assert checked.exit_code == 0, checked.output
    assert "checkpoint 1: time-stamped 20" in checked.output and "by CN=Trusted TSA" in checked.output
    french = verify(ledger, "--tsa-cert", str(tsas["trusted"].ca), "--lang", "fr")
    assert "point de contrôle 1 : horodaté le 20" in french.output
    as_json = json.loads(verify(ledger, "--tsa-cert", str(tsas["trusted"].ca), "--json").output)
    assert [(t["status"], t["checkpoint"], t["tsa"]) for t in as_json["timestamps"]] == [
        ("verified", 1, "CN=Trusted TSA")
    ]


def test_without_tsa_cert_tokens_are_present_but_not_checked(
    ledger: tuple[Path, Path], tsas: dict[str, LocalTsa]
) -> None:
    with tsas["trusted"].serve() as url:
        ok("timestamp", str(ledger[0]), "--tsa", url)
    plain = verify(ledger)
    assert plain.exit_code == 0
    assert "1 RFC 3161 time-stamp stored, NOT checked: give --tsa-cert" in plain.output
    assert "time-stamped" not in plain.output


def test_a_token_from_an_untrusted_tsa_fails_with_exit_3(ledger: tuple[Path, Path], tsas: dict[str, LocalTsa]) -> None:
    with tsas["rogue"].serve() as url:
        ok("timestamp", str(ledger[0]), "--tsa", url)
    result = verify(ledger, "--tsa-cert", str(tsas["trusted"].ca))
    refused(result, 3, "time-stamp 0 (checkpoint 1): the time-stamp does not verify against the trusted")


def test_a_token_over_another_checkpoint_is_refused(
    ledger: tuple[Path, Path], tsas: dict[str, LocalTsa], tmp_path: Path
) -> None:
    with tsas["trusted"].serve() as url:
        ok("timestamp", str(ledger[0]), "--tsa", url)
    other = tmp_path / "other.tsq"
    other_note = tmp_path / "note.txt"
    other_note.write_text("another.example/log\n1\n" + "A" * 43 + "=\n", encoding="ascii")
    request = tsas["trusted"].directory / "x.tsq"
    subprocess.run(
        [tsas["trusted"].openssl, "ts", "-query", "-data", other_note, "-sha256", "-cert", "-out", request], check=True
    )
    other.write_bytes(tsas["trusted"].reply(request.read_bytes()))
    refused(run("timestamp", str(ledger[0]), "--reply", str(other)), 1, "none of this ledger's checkpoints")
    refused(
        run("timestamp", str(ledger[0]), "--reply", str(other), "--lang", "fr"),
        1,
        "qui n'est aucun des points de contrôle de ce registre",
    )


def test_request_out_then_reply(ledger: tuple[Path, Path], tsas: dict[str, LocalTsa], tmp_path: Path) -> None:
    request = tmp_path / "checkpoint.tsq"
    written = ok("timestamp", str(ledger[0]), "--request-out", str(request))
    assert "time-stamp request for checkpoint 1" in written.output
    refused(run("timestamp", str(ledger[0]), "--request-out", str(request)), 1, "already exists")
    reply = tmp_path / "checkpoint.tsr"
    reply.write_bytes(tsas["trusted"].reply(request.read_bytes()))
    ok("timestamp", str(ledger[0]), "--reply", str(reply))
    assert verify(ledger, "--tsa-cert", str(tsas["trusted"].ca)).exit_code == 0


def test_a_corrupt_token_file_is_one_line_and_nothing_is_stored(
    ledger: tuple[Path, Path], tsas: dict[str, LocalTsa], tmp_path: Path
) -> None:
    request = tmp_path / "checkpoint.tsq"
    ok("timestamp", str(ledger[0]), "--request-out", str(request))
    good = tsas["trusted"].reply(request.read_bytes())
    for name, content in (("cut.tsr", good[:100]), ("junk.tsr", b"\x30\x03\x02\x01"), ("empty.tsr", b"")):
        (tmp_path / name).write_bytes(content)
        result = run("timestamp", str(ledger[0]), "--reply", str(tmp_path / name))
        refused(result, 1, "not an RFC 3161 time-stamp reply")
        assert len(result.output.strip().splitlines()) == 1
    refused(verify(ledger, "--tsa-cert", str(tsas["trusted"].ca)), 3, "holds no RFC 3161 time-stamp")


def test_usage_errors(ledger: tuple[Path, Path], tsas: dict[str, LocalTsa], tmp_path: Path) -> None:
    refused(run("timestamp", str(ledger[0])), 2, "give exactly one of --tsa URL, --reply FILE or --request-out FILE")
    refused(run("timestamp", str(ledger[0]), "--tsa", "ftp://tsa.example/"), 2, "must start with http://")
    refused(verify(ledger, "--tsa-cert", str(tsas["trusted"].cert)), 2, "no self-signed root certificate")
    refused(verify(ledger, "--tsa-cert", str(tmp_path / "missing.pem")), 2, "no PEM certificate could be read")
    with tsas["trusted"].serve() as url:
        pass
    refused(run("timestamp", str(ledger[0]), "--tsa", url), 1, "no time-stamp from the time-stamping authority")


def test_the_exported_bundle_carries_the_token_and_verify_checks_it(tsas: dict[str, LocalTsa], tmp_path: Path) -> None:
    from custody.ledger.ledger import Ledger
    from custody.model.keys import save_public_key
    from tests.custody.conftest import draft
    from tests.custody.support.factories import domestic_order, utc

    ledger_key = generate_key(name=ORIGIN, role="ledger", organisation="DGSN", country="MA")
    amina = generate_key(name="Amina El Idrissi", role="examiner", organisation="DGSN", country="MA")
    path = tmp_path / "case.db"
    with Ledger.create(path, case="MA-2026-0042", origin=ORIGIN, ledger_key=ledger_key, now=utc(2026, 3, 1)) as made:
        made.add_authority(domestic_order(), amina, now=utc(2026, 3, 1, 12))
        made.record(amina, draft("seized", seal="SC-17"), now=utc(2026, 3, 3, 10))
    save_public_key(ledger_key.info, tmp_path / "ledger.pub")
    with tsas["trusted"].serve() as url:
        ok("timestamp", str(path), "--tsa", url)
    bundle = tmp_path / "bundle.json"
    ok("export", str(path), "--out", str(bundle))
    trust = ("--trust", str(tmp_path / "ledger.pub"))
    html = tmp_path / "rapport.html"
    checked = ok(
        "verify", str(bundle), *trust, "--tsa-cert", str(tsas["trusted"].ca), "--lang", "fr", "--report", str(html)
    )
    assert "existait le 20" in checked.output and "CN=Trusted TSA" in checked.output
    assert "existait le 20" in html.read_text(encoding="utf-8")
    plain = ok("verify", str(bundle), *trust)
    assert "1 RFC 3161 time-stamp stored, NOT checked" in plain.output and "existed at" not in plain.output
    refused(run("verify", str(bundle), *trust, "--tsa-cert", str(tsas["rogue"].ca)), 3, "timestamp.bad")
