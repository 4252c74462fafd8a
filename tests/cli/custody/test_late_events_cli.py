"""The two stuck-case bugs of issue 11 at the command line: `custody record` refuses what `custody export` would
refuse, with the reason in English or French, and what it records passes verify, export and bundle verify."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cli.main import cli
from custody.model.keys import generate_key, save_private_key
from tests.custody.support.verdicts import cli_verify_args

PASS = "correct horse battery staple"  # noqa: S105 - a test passphrase
ORIGIN = "scelle.example/MA-2026-0042"
LATE = "PV de saisie rédigé après l'acquisition"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env={"SCELLE_PASSPHRASE": PASS})


def ok(*args: str) -> Result:
    result = run(*args)
    assert result.exit_code == 0, (args, result.output)
    return result


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("keys")
    made = {}
    for name, who, role in [("ledger", ORIGIN, "ledger"), ("amina", "Amina El Idrissi", "examiner")]:
        made[name] = base / f"{name}.key"
        save_private_key(
            generate_key(name=who, role=role, organisation="DGSN", country="MA"), made[name], PASS.encode(), rounds=4
        )
    made["ledger.pub"] = base / "ledger.pub"
    ok("custody", "key", "show", str(made["ledger"]), "--public", "--out", str(made["ledger.pub"]))
    return made


@pytest.fixture
def ledger(tmp_path: Path, keys: dict[str, Path]) -> Path:
    """A ledger with a domestic order, and a disk acquired under it on 4 March at 10:00 UTC."""
    path = tmp_path / "case.db"
    ok("custody", "init", str(path), "--case", "MA-2026-0042", "--origin", ORIGIN, "--key", str(keys["ledger"]))
    ok(
        "custody",
        "authority",
        "add",
        str(path),
        "--key",
        str(keys["amina"]),
        "--instrument",
        "domestic-order",
        "--issuing-state",
        "MA",
        "--issuing-authority",
        "Tribunal de première instance de Rabat",
        "--reference",
        "TPI-2026-117",
        "--issued",
        "2026-03-01",
        "--valid-until",
        "2026-06-01",
        "--offence",
        "fraude informatique",
        "--scope",
        "content",
    )
    disk = tmp_path / "disk.img"
    disk.write_bytes(b"\x00" * 4096 + b"evidence")
    record(path, keys, "acquired", "2026-03-04T10:00:00Z")
    return path


def record(ledger: Path, keys: dict[str, Path], action: str, at: str, *extra: str) -> Result:
    return run(
        "custody",
        "record",
        str(ledger),
        "--key",
        str(keys["amina"]),
        "--action",
        action,
        "--artefact",
        str(ledger.parent / "disk.img"),
        "--authority",
        "TPI-2026-117",
        "--category",
        "content",
        "--at",
        at,
        *extra,
    )


def exported_and_verified(ledger: Path, keys: dict[str, Path], *extra: str) -> Result:
    ok(*cli_verify_args(ledger, keys["ledger.pub"]))
    bundle = ledger.parent / "bundle.json"
    exported = ok("custody", "export", str(ledger), "--out", str(bundle), *extra)
    verified = ok(*cli_verify_args(bundle, keys["ledger.pub"]))
    assert "Verdict: VERIFIED" in verified.stdout
    return exported


def one_line_error(result: Result, code: int) -> str:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    errors = result.stderr.splitlines()
    assert len(errors) == 1 and errors[0].startswith(("scelle: error: ", "scelle: erreur : ")), result.stderr
    return errors[0]


def test_back_dated_seizure_is_refused_at_record_with_the_reason(ledger: Path, keys: dict[str, Path]) -> None:
    line = one_line_error(record(ledger, keys, "seized", "2026-03-03T09:30:00Z"), 1)
    # the times in the host's zone (TZ=UTC here), with their offset
    assert "event refused (seized): Event ev-" in line
    assert "(seized, 2026-03-03 09:30:00 UTC+00:00) takes place before" in line
    assert "(2026-03-04 10:00:00 UTC+00:00), the previous event on sha256:" in line
    assert line.endswith("if it is written up late on purpose, record why with --late-reason TEXT")
    french = one_line_error(
        record(ledger, keys, "seized", "2026-03-03T10:30", "--lang", "fr", "--tz", "Europe/Paris"), 1
    )
    assert "événement refusé (saisi) : L'événement ev-" in french
    # in the zone the examiner gave (--tz), both times, never one in UTC beside one in Paris time
    assert "(saisi, 2026-03-03 10:30:00 UTC+01:00) a lieu avant" in french
    assert "(2026-03-04 11:00:00 UTC+01:00)" in french and "Z)" not in french
    assert french.endswith("s'il est consigné tardivement à dessein, en indiquer le motif avec --late-reason TEXT")
    exported_and_verified(ledger, keys)  # nothing was recorded: the case is not stuck


def test_back_dated_seizure_with_a_late_reason_is_recorded_and_exported(ledger: Path, keys: dict[str, Path]) -> None:
    assert record(ledger, keys, "seized", "2026-03-03T09:30:00Z", "--late-reason", LATE).exit_code == 0
    summary = exported_and_verified(ledger, keys).stdout
    assert f"Reason for late recording: {LATE}" in summary
    french = exported_and_verified(ledger, keys, "--lang", "fr").stdout
    assert f"Motif de l'enregistrement tardif\u00a0: {LATE}" in french


def test_event_within_the_clock_skew_verifies_and_exports(ledger: Path, keys: dict[str, Path]) -> None:
    ahead = (datetime.now(UTC) + timedelta(minutes=2)).isoformat(timespec="seconds")
    assert record(ledger, keys, "sealed", ahead).exit_code == 0
    exported_and_verified(ledger, keys)


def test_event_beyond_the_clock_skew_is_refused_at_record(ledger: Path, keys: dict[str, Path]) -> None:
    ahead = (datetime.now(UTC) + timedelta(minutes=30)).isoformat(timespec="seconds")
    line = one_line_error(record(ledger, keys, "sealed", ahead), 1)
    assert "before it took place" in line and "5 minutes allowed" in line and "--late-reason" not in line
    exported_and_verified(ledger, keys)
