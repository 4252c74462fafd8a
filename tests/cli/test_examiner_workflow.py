"""The examiner's day: acquire --verify, the human-readable log, verify --expect, verify --ledger (real runs)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cli.acquire_log import log_path_for, read_back, render_log
from cli.main import cli
from custody.ledger.ledger import Ledger
from custody.ledger.verify import verify_ledger
from custody.model.keys import generate_key, save_private_key
from custody.model.records import Event
from evidence.acquisition.record import load_record, record_path_for
from evidence.common.progress import NULL_PROGRESS
from tests.custody.support.factories import domestic_order, utc

PASS = "examiner passphrase"  # noqa: S105 - a test passphrase
MiB = 1 << 20


def run(*args: str, **env: str) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args], env={"SCELLE_PASSPHRASE": PASS, **env})


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "usb.bin"
    path.write_bytes(os.urandom(3 * MiB + 512))
    return path


def test_acquire_verify_reads_the_image_back_and_logs_it_in_english(source: Path, tmp_path: Path) -> None:
    out = tmp_path / "cle2"
    result = run(
        "acquire", source, out, "--verify", "--quiet", "--lang", "en", "--case", "2026/117", "--examiner", "A. Diallo"
    )
    assert result.exit_code == 0, result.output
    assert f"verify: {out}: verified" in result.stdout
    log = (tmp_path / "cle2.acquisition.txt").read_text(encoding="utf-8")
    record_bytes = (tmp_path / "cle2.acquisition.json").read_bytes()
    record = load_record(tmp_path / "cle2.acquisition.json")
    assert "Status: complete" in log
    # the tests run under TZ=UTC: the record's instant, shown in that zone with its offset
    started = record.started_at.replace("T", " ").replace("Z", " UTC+00:00")
    assert "Times shown in: UTC" in log and f"Started: {started}" in log
    assert "Case number: 2026/117" in log and "Examiner: A. Diallo" in log
    assert f"sha256:{hashlib.sha256(source.read_bytes()).hexdigest()}" in log
    assert f"Media size: {3 * MiB + 512} bytes" in log
    assert "Verification after acquisition: image re-read: match" in log
    assert f"cle2.acquisition.json (sha256:{hashlib.sha256(record_bytes).hexdigest()})" in log


def test_acquire_verify_source_e01_log_in_french(source: Path, tmp_path: Path) -> None:
    out = tmp_path / "scelle7"
    result = run(
        "acquire", source, out, "--format", "e01", "--verify-source", "-q", "--notes", "sac n° 7", LANG="fr_FR.UTF-8"
    )
    assert result.exit_code == 0, result.output
    assert "journal : " in result.stdout
    log = (tmp_path / "scelle7.acquisition.txt").read_text(encoding="utf-8")
    assert log.startswith("Journal d'acquisition\n")
    assert "État : terminée" in log and "Observations : sac n° 7" in log
    assert "Vérification après acquisition : relecture de l'image et de la source : concordance" in log
    assert "  stockée dans l'image : md5:" in log and "  source : sha256:" in log
    assert "DISCORDANCE" not in log


def test_without_verify_the_log_says_it_was_not_done(source: Path, tmp_path: Path) -> None:
    result = run("acquire", source, tmp_path / "x.raw", "-q", "--lang", "en")
    assert result.exit_code == 0, result.output
    log = (tmp_path / "x.raw.acquisition.txt").read_text(encoding="utf-8")
    assert "Verification after acquisition: not done" in log


def test_a_corrupted_image_read_back_is_a_mismatch_in_the_log(source: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.raw"
    assert run("acquire", source, out, "-q").exit_code == 0
    with out.open("r+b") as handle:  # a bit flipped on the destination disk after writing
        handle.seek(MiB)
        byte = handle.read(1)
        handle.seek(MiB)
        handle.write(bytes([byte[0] ^ 1]))
    record_path = record_path_for(out)
    report = read_back(load_record(record_path), None, NULL_PROGRESS)
    assert not report.ok
    log = render_log(load_record(record_path), record_path, "fr", report)
    assert "relecture de l'image : DISCORDANCE" in log
    assert log_path_for(record_path).name == "x.raw.acquisition.txt"


def test_verify_expect_checks_a_digest_from_a_seizure_form(source: Path, tmp_path: Path) -> None:
    sha256 = hashlib.sha256(source.read_bytes()).hexdigest()
    md5 = hashlib.md5(source.read_bytes()).hexdigest()  # noqa: S324 - the digest a form may carry
    # a raw image with no record at all: the expectation alone is the reference
    ok = run("verify", source, "--expect", f"SHA256:{sha256.upper()}", "--expect", f"md5:{md5}", "-q")
    assert ok.exit_code == 0, ok.output
    given = "digest given (--expect)"
    assert f"{given}: sha256:{sha256} ok" in ok.stdout and f"{given}: md5:{md5} ok" in ok.stdout
    wrong = "0" * 64
    bad = run("verify", source, "--expect", f"sha256:{wrong}", "-q")
    assert bad.exit_code == 3
    assert f"{given}: expected sha256:{wrong}, got sha256:{sha256}" in bad.stderr  # not "expected: expected"
    french = run("verify", source, "--expect", f"sha256:{wrong}", "-q", "--lang", "fr")
    assert f"empreinte indiquée (--expect) : attendue sha256:{wrong}, obtenue sha256:{sha256}" in french.stderr


def test_verify_expect_with_an_e01_and_its_record(source: Path, tmp_path: Path) -> None:
    out = tmp_path / "ev"
    assert run("acquire", source, out, "--format", "e01", "-q").exit_code == 0
    sha1 = hashlib.sha1(source.read_bytes()).hexdigest()  # noqa: S324 - the digest an E01 stores
    blake = load_record(tmp_path / "ev.acquisition.json").media_digests["blake3"]
    result = run(
        "verify",
        tmp_path / "ev.E01",
        "--expect",
        f"blake3:{blake}",
        "--expect",
        f"sha1:{sha1}",
        "-q",
    )
    assert result.exit_code == 0, result.output
    assert "digest given (--expect): sha1:" in result.stdout and "digest given (--expect): blake3:" in result.stdout


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("sha256:abc", "a sha256 digest is 64 hexadecimal digits, got 3"),
        ("crc32:00000000", "expected ALGORITHM:HEX"),
        ("sha256", "expected ALGORITHM:HEX"),
        ("md5:" + "z" * 32, "a md5 digest is 32 hexadecimal digits"),
    ],
)
def test_a_malformed_expectation_is_a_one_line_error_before_reading(source: Path, value: str, words: str) -> None:
    result = run("verify", source, "--expect", value, "-q")
    assert result.exit_code == 1
    assert words in result.stderr and len(result.stderr.splitlines()) == 1


def test_two_different_values_for_one_algorithm_are_refused(source: Path) -> None:
    result = run("verify", source, "--expect", "md5:" + "0" * 32, "--expect", "md5:" + "1" * 32, "-q")
    assert result.exit_code == 1 and "two different md5 values" in result.stderr


@pytest.fixture
def ledger(tmp_path: Path) -> dict[str, Path]:
    paths = {name: tmp_path / f"{name}.key" for name in ("ledger", "amina")}
    ledger_key = generate_key(name="scelle.example/MA-2026-0042", role="ledger", organisation="DGSN", country="MA")
    amina = generate_key(name="Amina El Idrissi", role="examiner", organisation="DGSN", country="MA")
    save_private_key(ledger_key, paths["ledger"], PASS.encode(), rounds=4)
    save_private_key(amina, paths["amina"], PASS.encode(), rounds=4)
    paths["db"] = tmp_path / "case.db"
    with Ledger.create(
        paths["db"],
        case="MA-2026-0042",
        origin="scelle.example/MA-2026-0042",
        ledger_key=ledger_key,
        key_file=str(paths["ledger"]),
    ) as opened:
        opened.add_authority(domestic_order(valid_until=utc(2099, 1, 1)), amina, now=utc(2026, 3, 1))
    return paths


def test_verify_records_the_verified_event_after_the_acquired_one(
    ledger: dict[str, Path], source: Path, tmp_path: Path
) -> None:
    out = tmp_path / "disk.raw"
    custody = ["--ledger", ledger["db"], "--key", ledger["amina"], "--authority", "TPI-RABAT-2026-117"]
    assert run("acquire", source, out, *custody, "-q").exit_code == 0
    result = run("verify", out, *custody, "--seal", "SC-17", "--tz", "Africa/Casablanca", "-q")
    assert result.exit_code == 0, result.output
    assert "custody: recorded verified ev-" in result.stdout
    with Ledger.open(ledger["db"]) as opened:
        events = [e.body for e in opened.entries() if isinstance(e.body, Event)]
    acquired, verified = events[-2], events[-1]
    assert (acquired.action, verified.action) == ("acquired", "verified")
    assert verified.artefacts == acquired.artefacts  # the same image, named through the same record
    assert verified.prev == (acquired.id,)
    assert verified.seal == "SC-17" and verified.occurred_tz == "Africa/Casablanca"
    assert verified.tool is not None and verified.tool.endswith(" verify")
    verify_ledger(ledger["db"], unsafe_trust_embedded_key=True)


def test_a_mismatch_records_nothing(ledger: dict[str, Path], source: Path, tmp_path: Path) -> None:
    custody = ["--ledger", ledger["db"], "--key", ledger["amina"]]
    with Ledger.open(ledger["db"]) as opened:
        size = len(opened.entries())
    result = run("verify", source, "--expect", "sha256:" + "0" * 64, *custody, "-q")
    assert result.exit_code == 3
    with Ledger.open(ledger["db"]) as opened:
        assert len(opened.entries()) == size


def test_a_wrong_passphrase_fails_before_the_image_is_read(ledger: dict[str, Path], source: Path) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "verify",
            str(source),
            "--ledger",
            str(ledger["db"]),
            "--key",
            str(ledger["amina"]),
            "--expect",
            "md5:" + "0" * 32,
        ],
        env={"SCELLE_PASSPHRASE": "not it", "SCELLE_PROGRESS_INTERVAL": "0"},
    )
    assert result.exit_code == 1
    assert "verifying" not in result.stderr  # no progress: the image was never read
    assert len(result.stderr.splitlines()) == 1


def test_verify_without_sha256_cannot_name_the_artefact(ledger: dict[str, Path], source: Path) -> None:
    md5 = hashlib.md5(source.read_bytes()).hexdigest()  # noqa: S324
    result = run("verify", source, "--expect", f"md5:{md5}", "--ledger", ledger["db"], "--key", ledger["amina"], "-q")
    assert result.exit_code == 1
    assert "give --expect sha256:HEX" in result.stderr


def test_no_terminal_and_no_variable_names_the_variable_to_set(ledger: dict[str, Path], source: Path) -> None:
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("SCELLE_")}
    proc = subprocess.run(  # no controlling terminal (a new session), stdin from /dev/null: a service or cron job
        [
            sys.executable,
            "-m",
            "cli",
            "verify",
            str(source),
            "--ledger",
            str(ledger["db"]),
            "--key",
            str(ledger["amina"]),
        ],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        start_new_session=True,
        check=False,
    )
    assert proc.returncode == 1
    assert (
        proc.stderr == f"scelle: error: {ledger['amina']}: no terminal to ask its passphrase: set SCELLE_PASSPHRASE\n"
    )


def test_help_names_the_passphrase_variables() -> None:
    text = CliRunner().invoke(cli, ["--help"]).output
    assert "SCELLE_PASSPHRASE " in text and "SCELLE_LEDGER_PASSPHRASE" in text
    verify_help = CliRunner().invoke(cli, ["verify", "--help"]).output
    assert "SCELLE_LEDGER_PASSPHRASE" in verify_help and "--expect" in verify_help


@pytest.mark.parametrize(
    ("issued", "until", "lang", "words"),
    [
        ("2020-01-01", "2020-06-01", "en", "warning: OLD-1 expired on 2020-06-01 23:59:59 UTC+00:00"),
        ("2020-01-01", "2020-06-01", "fr", "avertissement : OLD-1 a expiré le 2020-06-01 23:59:59 UTC+00:00"),
        ("2098-01-01", "2099-06-01", "en", "warning: OLD-1 is valid only from 2098-01-01 00:00:00 UTC+00:00"),
        ("2020-01-01", "2099-06-01", "en", None),
    ],
)
def test_authority_add_warns_when_the_window_does_not_contain_today(
    ledger: dict[str, Path], issued: str, until: str, lang: str, words: str | None
) -> None:
    result = run(
        "custody", "authority", "add", ledger["db"], "--key", ledger["amina"], "--instrument", "domestic-order",
        "--issuing-state", "MA", "--issuing-authority", "TPI Rabat", "--reference", "OLD-1", "--issued", issued,
        "--valid-until", until, "--offence", "fraude", "--scope", "content", "--tz", "Z", "--lang", lang,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    recorded = "autorisation OLD-1 enregistrée sous" if lang == "fr" else "recorded authority OLD-1 as"
    assert recorded in result.stdout  # the confirmation in the language asked for, like the warning
    if words is None:
        assert "warning" not in result.stderr
    else:
        assert f"scelle: {words}" in result.stderr
