"""`scelle custody export` and `scelle custody verify BUNDLE --trust KEY` on a ledger recorded through the real ledger:
Morocco seizes and images a laptop and a phone, France asks (Art. 29, then Art. 31), the laptop goes to France."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cli.main import cli
from custody.bundle.verify import verify_bundle
from custody.model.keys import generate_key, save_public_key
from tests.custody.support.ledger_scenario import LedgerScenario, build_ledger


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> LedgerScenario:
    return build_ledger(tmp_path_factory.mktemp("ledger"))


@pytest.fixture(scope="module")
def laptop_bundle(ledger: LedgerScenario, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out") / "laptop.json"
    result = run("custody", "export", str(ledger.ledger), "--out", str(out), "--artefact", str(ledger.laptop))
    assert result.exit_code == 0, result.output
    return out


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def clean_failure(result: Result, code: int, message: str) -> None:
    assert result.exit_code == code, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith(("scelle: error:", "scelle: erreur :"))]
    assert len(errors) == 1 and message in errors[0], result.stderr


def test_export_writes_bundle_report_and_case_uco(ledger: LedgerScenario, tmp_path: Path) -> None:
    out, html, jsonld = tmp_path / "all.json", tmp_path / "rapport.html", tmp_path / "case.jsonld"
    result = run(
        "custody",
        "export",
        str(ledger.ledger),
        "--out",
        str(out),
        "--report",
        str(html),
        "--lang",
        "fr",
        "--case-uco",
        str(jsonld),
    )
    assert result.exit_code == 0, result.output
    assert "VÉRIFIÉ" in result.output and f"{out} écrit (" in result.output  # asked for in French
    assert verify_bundle(out.read_bytes(), ledger.ledger_key.info.public_key).ok
    page = html.read_text(encoding="utf-8")
    assert '<html lang="fr">' in page
    assert base64.b64encode(out.read_bytes()).decode() in page  # the exact bundle, for the page's own check
    assert f"(fichier {ledger.ledger})" in page and "l'ordinateur de l'expéditeur" in page
    graph = json.loads(jsonld.read_text(encoding="utf-8"))["@graph"]
    assert sum(n["@type"] == "case-investigation:InvestigativeAction" for n in graph) == 6


def test_verify_prints_verdict_and_one_line_per_check(ledger: LedgerScenario, laptop_bundle: Path) -> None:
    result = run(
        "custody", "verify", str(laptop_bundle), "--trust", str(ledger.ledger_pub), "--artefact", str(ledger.laptop)
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[1] == "Verdict: VERIFIED"
    checks = [line for line in lines if line.startswith("  [OK] ")]
    assert len(checks) == 7 and any("SHA-256, BLAKE3" in line for line in checks)


def test_verify_in_french_with_report(ledger: LedgerScenario, laptop_bundle: Path, tmp_path: Path) -> None:
    html = tmp_path / "r.html"
    result = run(
        "custody",
        "verify",
        str(laptop_bundle),
        "--trust",
        ledger.ledger_key.info.vkey,
        "--report",
        str(html),
        "--lang",
        "fr",
    )
    assert result.exit_code == 0, result.output
    assert "Verdict\u00a0: VÉRIFIÉ" in result.stdout
    page = html.read_text(encoding="utf-8")
    assert "Chaîne de possession" in page and base64.b64encode(laptop_bundle.read_bytes()).decode() in page
    assert "avec la clé indiquée par --trust" in page


def test_laptop_bundle_holds_nothing_about_the_phone(ledger: LedgerScenario, laptop_bundle: Path) -> None:
    text = laptop_bundle.read_text(encoding="utf-8")
    assert hashlib.sha256(ledger.phone.read_bytes()).hexdigest() not in text
    assert ledger.phone.name not in text and "SC-2026-18" not in text
    assert hashlib.sha256(ledger.laptop.read_bytes()).hexdigest() in text


def test_wrong_trusted_key_exits_3(ledger: LedgerScenario, laptop_bundle: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.pub"
    save_public_key(generate_key(name="Faux registre", role="ledger", organisation="X", country="MA").info, other)
    result = run("custody", "verify", str(laptop_bundle), "--trust", str(other))
    clean_failure(result, 3, "NOT VERIFIED")
    assert "Verdict: NOT VERIFIED" in result.stdout and "[FAILED]" in result.stdout


def test_modified_artefact_exits_3_and_still_writes_the_report(
    ledger: LedgerScenario, laptop_bundle: Path, tmp_path: Path
) -> None:
    changed = tmp_path / ledger.laptop.name
    data = bytearray(ledger.laptop.read_bytes())
    data[-1] ^= 0xFF
    changed.write_bytes(bytes(data))
    html = tmp_path / "refus.html"
    result = run(
        "custody",
        "verify",
        str(laptop_bundle),
        "--trust",
        str(ledger.ledger_pub),
        "--artefact",
        str(changed),
        "--report",
        str(html),
        "--lang",
        "fr",
    )
    clean_failure(result, 3, "file.bad")
    assert "NON VÉRIFIÉ" in html.read_text(encoding="utf-8")


def test_json_output(ledger: LedgerScenario, laptop_bundle: Path) -> None:
    result = run("custody", "verify", str(laptop_bundle), "--trust", str(ledger.ledger_pub), "--json")
    assert result.exit_code == 0
    described = json.loads(result.stdout)
    assert described["verified"] is True and all(f["ok"] for f in described["findings"])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "not a complete JSON document"),
        (b"PK\x03\x04 not json", "not a complete JSON document"),
        (b'{"format": "scelle-custody-bundle", "version": 7}', "unknown bundle version 7"),
    ],
)
def test_bad_bundle_is_a_clean_error(
    ledger: LedgerScenario, laptop_bundle: Path, tmp_path: Path, content: bytes | None, message: str
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(laptop_bundle.read_bytes()[:500] if content is None else content)
    result = run("custody", "verify", str(bad), "--trust", str(ledger.ledger_pub))
    clean_failure(result, 1, message)
    assert str(bad) in result.stderr


def test_missing_files_are_clean_errors(ledger: LedgerScenario, laptop_bundle: Path, tmp_path: Path) -> None:
    clean_failure(
        run("custody", "verify", str(laptop_bundle), "--trust", str(tmp_path / "none.pub")), 1, "no such key file"
    )
    clean_failure(
        run("custody", "verify", str(tmp_path / "none.json"), "--trust", str(ledger.ledger_pub)),
        1,
        "cannot read the bundle",
    )
    clean_failure(
        run(
            "custody",
            "verify",
            str(laptop_bundle),
            "--trust",
            str(ledger.ledger_pub),
            "--artefact",
            str(tmp_path / "none.E01"),
        ),
        1,
        "cannot read the artefact file",
    )
    clean_failure(
        run("custody", "export", str(tmp_path / "none.ledger"), "--out", str(tmp_path / "x.json")),
        1,
        "no such ledger file",
    )


def test_export_of_an_unknown_artefact_is_refused(ledger: LedgerScenario, tmp_path: Path) -> None:
    out = tmp_path / "x.json"
    result = run("custody", "export", str(ledger.ledger), "--out", str(out), "--artefact", "sha256:" + "ab" * 32)
    clean_failure(result, 1, "no event of the ledger concerns artefact")
    assert not out.exists()


def test_verify_without_trust_is_a_one_line_usage_error(ledger: LedgerScenario, laptop_bundle: Path) -> None:
    for target in (laptop_bundle, ledger.ledger):
        result = run("custody", "verify", str(target))
        clean_failure(result, 2, f"{target}: no trusted ledger key: give --trust LEDGER_PUBKEY")
        assert result.stdout == "" and "Usage:" not in result.output
    french = run("custody", "verify", str(ledger.ledger), "--lang", "fr")
    clean_failure(french, 2, "aucune clé de registre de confiance : indiquez --trust CLE_PUBLIQUE_REGISTRE")


def test_verify_takes_the_same_trust_for_a_ledger_and_refuses_bundle_options_for_it(ledger: LedgerScenario) -> None:
    for trust in (str(ledger.ledger_pub), ledger.ledger_key.info.vkey):
        result = run("custody", "verify", str(ledger.ledger), "--trust", trust)
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith(f"{ledger.ledger}: verified ") and result.stderr == ""
    clean_failure(
        run(
            "custody", "verify", str(ledger.ledger), "--trust", str(ledger.ledger_pub), "--artefact", str(ledger.laptop)
        ),
        1,
        "apply to a bundle, not to a ledger",
    )


def test_verify_ledger_against_another_key_is_refused(ledger: LedgerScenario, tmp_path: Path) -> None:
    other = tmp_path / "other.pub"
    save_public_key(generate_key(name="Autre registre", role="ledger", organisation="X", country="MA").info, other)
    result = run("custody", "verify", str(ledger.ledger), "--trust", str(other))
    clean_failure(result, 3, "note is not signed by any trusted key")
    assert "the ledger header names key" in result.stdout and "not the trusted key" in result.stdout


def test_verify_ledger_against_its_own_key_only_when_asked(ledger: LedgerScenario) -> None:
    result = run("custody", "verify", str(ledger.ledger), "--unsafe-trust-embedded-key", "--lang", "fr")
    assert result.exit_code == 0, result.output
    assert (
        result.stdout.startswith(f"{ledger.ledger} : ")
        and "registre vérifié : 13 entrées (6 événements)" in result.stdout
    )
    assert result.stderr.startswith("remarque : vérifié avec la clé que le registre désigne lui-même")
    as_json = json.loads(run("custody", "verify", str(ledger.ledger), "--unsafe-trust-embedded-key", "--json").stdout)
    assert as_json["ok"] and not as_json["key_trusted"]
    clean_failure(
        run("custody", "verify", str(ledger.ledger), "--unsafe-trust-embedded-key", "--trust", str(ledger.ledger_pub)),
        1,
        "exclude each other",
    )
    bundle = run(
        "custody",
        "verify",
        str(ledger.ledger.parent / "x.json"),
        "--unsafe-trust-embedded-key",
        "--artefact",
        str(ledger.laptop),
    )
    clean_failure(bundle, 1, "applies to a ledger; a bundle is checked only against --trust")


def test_ledger_key_options_also_trust_a_bundle(ledger: LedgerScenario, laptop_bundle: Path) -> None:
    by_file = run("custody", "verify", str(laptop_bundle), "--ledger-pub", str(ledger.ledger_pub))
    by_vkey = run("custody", "verify", str(laptop_bundle), "--vkey", ledger.ledger_key.info.vkey)
    assert by_file.exit_code == 0 and by_vkey.exit_code == 0
    assert "Verdict: VERIFIED" in by_vkey.stdout
    for option, value in (("--ledger-pub", str(ledger.ledger_pub)), ("--vkey", ledger.ledger_key.info.vkey)):
        assert run("custody", "verify", str(ledger.ledger), option, value).exit_code == 0  # former names, hidden
        assert option not in run("custody", "verify", "--help").output
    clean_failure(
        run(
            "custody",
            "verify",
            str(ledger.ledger),
            "--trust",
            str(ledger.ledger_pub),
            "--vkey",
            ledger.ledger_key.info.vkey,
        ),
        1,
        "give the trusted ledger key once",
    )
