"""`scelle custody ...` end to end on real files: the issue's scenario, JSON output, and clean errors."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cli.main import cli
from custody.tlog.notes import open_checkpoint, parse_verifier_key

PASS = "correct horse battery staple"  # noqa: S105 - a test passphrase
FAST_KDF = {"rounds": 4}
ORIGIN = "scelle.example/MA-2026-0042"


def run(*args: str, env: dict[str, str] | None = None, input: str | None = None) -> Result:
    runner = CliRunner()
    return runner.invoke(cli, ["custody", *args], env={"SCELLE_PASSPHRASE": PASS, **(env or {})}, input=input)


def ok(*args: str, **kw: object) -> Result:
    result = run(*args, **kw)  # type: ignore[arg-type]
    assert result.exit_code == 0, (args, result.output, result.exception)
    return result


def clean_error(result: Result, code: int, fragment: str) -> None:
    assert result.exit_code == code, result.output
    assert fragment in result.output, result.output
    assert "Traceback" not in result.output


def _fast_key(path: Path, name: str, role: str, org: str, country: str) -> None:
    """A key file like `custody key new` writes, with a cheap KDF so the many CLI runs stay fast."""
    from custody.model.keys import generate_key, save_private_key

    save_private_key(
        generate_key(name=name, role=role, organisation=org, country=country), path, PASS.encode(), **FAST_KDF
    )


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("keys")
    made = {}
    for name, who, role, org, country in [
        ("ledger", ORIGIN, "ledger", "DGSN", "MA"),
        ("amina", "Amina El Idrissi", "examiner", "DGSN Laboratoire", "MA"),
        ("pierre", "Pierre Martin", "examiner", "OFAC", "FR"),
    ]:
        made[name] = base / f"{name}.key"
        _fast_key(made[name], who, role, org, country)
    made["pierre.pub"] = base / "pierre.pub"
    ok("key", "show", str(made["pierre"]), "--public", "--out", str(made["pierre.pub"]))
    return made


def test_key_new_prints_the_fingerprint_and_key_show_agrees(tmp_path: Path) -> None:
    out = tmp_path / "awa.key"
    created = ok(
        "key", "new", "--name", "Awa Ndiaye", "--role", "examiner", "--org", "DIC", "--country", "SN", "--out", str(out)
    ).output.strip()
    assert created.startswith("sha256:") and len(created) == 71
    shown = json.loads(ok("key", "show", str(out), "--json").output)
    assert shown["fingerprint"] == created and shown["country"] == "SN"
    clean_error(
        run("key", "new", "--name", "A", "--role", "r", "--org", "o", "--country", "SN", "--out", str(out)),
        1,
        "already exists",
    )


@pytest.fixture
def ledger(tmp_path: Path, keys: dict[str, Path]) -> Path:
    path = tmp_path / "case.db"
    ok("init", str(path), "--case", "MA-2026-0042", "--origin", ORIGIN, "--key", str(keys["ledger"]))
    ok(
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
        "--issuing-authority-type",
        "court",
        "--reference",
        "TPI-2026-117",
        "--issued",
        "2026-03-01",
        "--valid-until",
        "2026-06-01",
        "--tz",
        "Africa/Casablanca",
        "--offence",
        "fraude informatique",
        "--scope",
        "content",
    )
    ok(
        "authority",
        "add",
        str(path),
        "--key",
        str(keys["amina"]),
        "--instrument",
        "budapest-31",
        "--issuing-state",
        "FR",
        "--issuing-authority",
        "Juge d'instruction, TJ Paris",
        "--reference",
        "JI-77",
        "--issued",
        "2026-03-20",
        "--valid-until",
        "2026-12-31",
        "--requested-state",
        "MA",
        "--offence",
        "escroquerie",
        "--facts",
        "phishing campaign",
        "--scope",
        "content",
        "--identifier",
        "disk WD-XYZ",
        "--related",
        "PARQUET-J3-2026-0042",
    )
    return path


@pytest.fixture
def disk(tmp_path: Path) -> Path:
    path = tmp_path / "disk.img"
    path.write_bytes(b"\x00" * 4096 + b"evidence")
    return path


def test_the_scenario_from_seizure_to_analysis_verifies(ledger: Path, keys: dict[str, Path], disk: Path) -> None:
    before = disk.read_bytes()
    ok(
        "record",
        str(ledger),
        "--key",
        str(keys["amina"]),
        "--action",
        "seized",
        "--artefact",
        str(disk),
        "--authority",
        "TPI-2026-117",
        "--at",
        "2026-03-03T10:00:00[Africa/Casablanca]",
        "--seal",
        "SC-17",
        "--location",
        "Rabat",
        "--category",
        "content",
    )
    created = json.loads(
        ok(
            "record",
            str(ledger),
            "--key",
            str(keys["amina"]),
            "--action",
            "acquired",
            "--artefact",
            str(disk),
            "--authority",
            "TPI-2026-117",
            "--at",
            "2026-03-03T11:00:00Z",
            "--category",
            "content",
            "--json",
        ).output
    )
    assert created["id"].startswith("ev-") and created["entry"]["prev"]
    offer = ledger.parent / "offer.json"
    ok(
        "offer",
        str(ledger),
        "--from-key",
        str(keys["amina"]),
        "--to",
        str(keys["pierre.pub"]),
        "--artefact",
        str(disk),
        "--authority",
        "JI-77",
        "--at",
        "2026-04-01T09:00:00Z",
        "--out",
        str(offer),
    )
    ok("accept", str(ledger), str(offer), "--key", str(keys["pierre"]))
    ok(
        "record",
        str(ledger),
        "--key",
        str(keys["pierre"]),
        "--action",
        "analysed",
        "--artefact",
        str(disk),
        "--authority",
        "JI-77",
        "--at",
        "2026-04-02T09:00:00+02:00",
        "--category",
        "content",
        "--tool",
        "scelle 0.1.0",
    )
    assert disk.read_bytes() == before
    vkey = ok("key", "show", str(keys["ledger"]), "--vkey").output.strip()
    assert parse_verifier_key(vkey)[0] == ORIGIN
    result = ok("verify", str(ledger), "--trust", vkey)
    assert "verified" in result.output
    checkpoint = open_checkpoint(ok("checkpoint", str(ledger)).output, vkey)
    assert checkpoint.origin == ORIGIN
    shown = ok("show", str(ledger)).output
    assert "transferred" in shown and "Pierre Martin (OFAC, FR)" in shown
    proof = json.loads(ok("prove", str(ledger), "--event", created["id"]).output)
    assert proof["size"] == checkpoint.size and proof["checkpoint"].startswith(ORIGIN)
    report = json.loads(ok("verify", str(ledger), "--ledger-pub", str(keys["ledger"]), "--json").output)
    assert report["ok"] and report["events"] == 5 and report["key_trusted"]  # the offer is recorded too


def test_verify_reports_one_line_per_finding_and_exits_3(ledger: Path, keys: dict[str, Path], disk: Path) -> None:
    ok(
        "record",
        str(ledger),
        "--key",
        str(keys["amina"]),
        "--action",
        "acquired",
        "--artefact",
        str(disk),
        "--authority",
        "TPI-2026-117",
        "--at",
        "2026-03-03T11:00:00Z",
    )
    with sqlite3.connect(ledger) as db:
        db.execute("UPDATE entries SET leaf = replace(leaf, 'Rabat', 'Rabot') WHERE kind = 'authority'")
    db.close()
    result = run("verify", str(ledger), "--trust", str(keys["ledger"]))
    assert result.exit_code == 3
    errors = result.stderr.splitlines()
    assert len(errors) == 1 and errors[0].startswith(f"scelle: error: {ledger}: ") and "more)" in errors[0]
    lines = [line for line in result.stdout.splitlines() if line]
    assert len(lines) >= 3, lines
    assert any("signature by" in line and "does not verify" in line for line in lines)
    assert any("not covered by a valid legal authority" in line and "not validly signed" in line for line in lines)


def test_action_without_authority_is_refused_cleanly(ledger: Path, keys: dict[str, Path], disk: Path) -> None:
    clean_error(
        run(
            "record",
            str(ledger),
            "--key",
            str(keys["amina"]),
            "--action",
            "acquired",
            "--artefact",
            str(disk),
            "--at",
            "2026-03-03T11:00:00Z",
        ),
        1,
        "needs a legal authority",
    )
    clean_error(
        run(
            "record",
            str(ledger),
            "--key",
            str(keys["amina"]),
            "--action",
            "acquired",
            "--artefact",
            str(disk),
            "--authority",
            "TPI-2026-117",
            "--at",
            "2026-07-01T00:00:00Z",
        ),
        1,
        "not valid at",
    )
    clean_error(
        run(
            "transfer",
            str(ledger),
            "--from-key",
            str(keys["amina"]),
            "--to-key",
            str(keys["pierre"]),
            "--artefact",
            str(disk),
            "--authority",
            "TPI-2026-117",
            "--at",
            "2026-04-01T00:00:00Z",
        ),
        1,
        "does not permit handing the evidence to another State",
    )


def test_wrong_passphrase_is_a_clear_error(ledger: Path, keys: dict[str, Path], disk: Path) -> None:
    result = run(
        "record",
        str(ledger),
        "--key",
        str(keys["amina"]),
        "--action",
        "stored",
        "--artefact",
        str(disk),
        env={"SCELLE_PASSPHRASE": "wrong"},
    )
    clean_error(result, 1, "passphrase")


def test_passphrase_is_prompted_when_not_in_the_environment(tmp_path: Path) -> None:
    out = tmp_path / "k.key"
    runner = CliRunner()
    result = runner.invoke(
        cli,
        [
            "custody",
            "key",
            "new",
            "--name",
            "Awa Ndiaye",
            "--role",
            "examiner",
            "--org",
            "DIC",
            "--country",
            "SN",
            "--out",
            str(out),
        ],
        env={"SCELLE_PASSPHRASE": None},
        input="s3cret phrase\ns3cret phrase\n",
    )
    assert result.exit_code == 0, result.output
    assert "s3cret" not in result.stdout
    info = runner.invoke(cli, ["custody", "key", "show", str(out), "--json"])
    assert json.loads(info.output)["name"] == "Awa Ndiaye"


def test_wrong_ledger_key_is_refused(ledger: Path, keys: dict[str, Path], disk: Path) -> None:
    clean_error(
        run(
            "record",
            str(ledger),
            "--key",
            str(keys["amina"]),
            "--action",
            "stored",
            "--artefact",
            str(disk),
            "--ledger-key",
            str(keys["pierre"]),
        ),
        1,
        "not this ledger's key",
    )


@pytest.mark.parametrize(
    ("args", "code", "fragment"),
    [
        (
            ("key", "new", "--name", "X", "--role", "r", "--org", "o", "--country", "ZZ", "--out", "{tmp}/x.key"),
            1,
            "ZZ",
        ),
        (
            ("record", "{ledger}", "--key", "{amina}", "--action", "stored", "--artefact", "{tmp}/missing.img"),
            1,
            "no such file",
        ),
        (
            ("record", "{ledger}", "--key", "{amina}", "--action", "stored", "--artefact", "sha256:1234"),
            1,
            "64 lower-case hex",
        ),
        (
            (
                "record",
                "{ledger}",
                "--key",
                "{amina}",
                "--action",
                "stored",
                "--artefact",
                "{disk}",
                "--at",
                "2026-03-03T10:00:00",
                "--tz",
                "Mars/Olympus",
            ),
            1,
            "unknown time zone",
        ),
        (("record", "{ledger}", "--key", "{amina}", "--action", "looked", "--artefact", "{disk}"), 2, "looked"),
        (
            ("record", "{ledger}", "--key", "{tmp}/nokey", "--action", "stored", "--artefact", "{disk}"),
            1,
            "no such key file",
        ),
        (("record", "{disk}", "--key", "{amina}", "--action", "stored", "--artefact", "{disk}"), 1, "not a"),
        (
            (
                "record",
                "{ledger}",
                "--key",
                "{amina}",
                "--action",
                "acquired",
                "--artefact",
                "{disk}",
                "--authority",
                "NOPE",
            ),
            1,
            "no authority with id or reference 'NOPE'",
        ),
        (
            (
                "authority",
                "add",
                "{ledger}",
                "--key",
                "{amina}",
                "--instrument",
                "budapest-29",
                "--issuing-state",
                "FR",
                "--issuing-authority",
                "Parquet",
                "--reference",
                "P-1",
                "--issued",
                "2026-03-02",
                "--valid-until",
                "2026-03-30",
                "--requested-state",
                "MA",
            ),
            1,
            "at least 60 days",
        ),
        (
            (
                "authority",
                "add",
                "{ledger}",
                "--key",
                "{amina}",
                "--instrument",
                "budapest-99",
                "--issuing-state",
                "FR",
                "--issuing-authority",
                "P",
                "--reference",
                "P-1",
                "--issued",
                "2026-03-02",
                "--valid-until",
                "2026-05-30",
            ),
            2,
            "budapest-99",
        ),
        (("accept", "{ledger}", "{disk}", "--key", "{pierre}"), 1, "not a valid transfer offer"),
        (("prove", "{ledger}", "--event", "ev-missing"), 1, "no entry"),
        (("init", "{ledger}", "--case", "C", "--origin", "o", "--key", "{ledger_key}"), 1, "already exists"),
    ],
)
def test_malformed_input_gives_a_clean_error(
    ledger: Path, keys: dict[str, Path], disk: Path, tmp_path: Path, args: tuple[str, ...], code: int, fragment: str
) -> None:
    names = {
        "ledger": ledger,
        "amina": keys["amina"],
        "pierre": keys["pierre"],
        "ledger_key": keys["ledger"],
        "tmp": tmp_path,
        "disk": disk,
    }
    clean_error(run(*(a.format(**names) for a in args)), code, fragment)
