"""`scelle custody authority add` for a person (issue 17, item 5): every option has its help, a refused value or a
missing field is named by its option in English and French, and the README's example runs as printed."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest

from cli.custody.authority_add import authority_add
from tests.cli.custody.test_late_events_cli import PASS, keys, ok, one_line_error, run
from tests.support.tools import tool

__all__ = ["keys"]
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def ledger(tmp_path: Path, keys: dict[str, Path]) -> Path:
    path = tmp_path / "case.ledger"
    ok(
        "custody",
        "init",
        str(path),
        "--case",
        "MA-2026-0042",
        "--origin",
        "scelle.example/MA",
        "--key",
        str(keys["ledger"]),
    )
    return path


def add(ledger: Path, keys: dict[str, Path], *extra: str, instrument: str = "domestic-order") -> list[str]:
    base = ["custody", "authority", "add", str(ledger), "--key", str(keys["amina"]), "--instrument", instrument]
    fields = {
        "--issuing-state": "MA",
        "--issuing-authority": "TPI Rabat",
        "--reference": "TPI-2026-117",
        "--issued": "2026-12-01",
        "--valid-until": "2027-03-01",
        "--offence": "fraude informatique",
    }
    given = set(extra[::2])
    return base + [x for k, v in fields.items() if k not in given for x in (k, v)] + list(extra)


def test_every_option_has_its_help() -> None:
    options = [p for p in authority_add.params if isinstance(p, click.Option)]
    assert len(options) > 40
    assert [p.opts[0] for p in options if not p.help] == []


@pytest.mark.parametrize(
    ("extra", "english", "french"),
    [
        (
            ("--issuing-state", "XX"),
            "--issuing-state XX: not an ISO 3166-1 alpha-2 country code",
            "--issuing-state XX : ce n'est pas un code de pays ISO 3166-1 alpha-2",
        ),
        (
            ("--requested-state", "ZZ"),
            "--requested-state ZZ: not an ISO 3166-1 alpha-2 country code",
            "--requested-state ZZ : ce n'est pas un code de pays",
        ),
        (("--reference", "TPI 117"), "--reference TPI 117: use only letters", "--reference TPI 117 : n'utilisez que"),
        (("--valid-until", "2026-01-01"), "--valid-from is after --valid-until", "--valid-from est postérieur"),
        (
            ("--data-from", "2026-05-01", "--data-until", "2026-01-01"),
            "--data-from is after --data-until",
            "--data-from est postérieur à --data-until",
        ),
        (("--scope", "emails"), "--scope emails: unknown data category", "--scope emails : catégorie de données"),
        (("--issued", "2026-13-01"), "--issued: not a valid date", "--issued : not a valid date"),
    ],
)
def test_a_refused_value_is_named_by_its_option(
    ledger: Path, keys: dict[str, Path], extra: tuple[str, ...], english: str, french: str
) -> None:
    assert english in one_line_error(run(*add(ledger, keys, *extra, "--lang", "en")), 1)
    assert french in one_line_error(run(*add(ledger, keys, *extra, "--lang", "fr")), 1)


def test_missing_fields_of_an_instrument_are_named_by_their_options(ledger: Path, keys: dict[str, Path]) -> None:
    line = one_line_error(run(*add(ledger, keys, "--lang", "en", instrument="budapest-29")), 1)
    assert "requires the identifiers covered (accounts, devices, IP addresses) (give --identifier)" in line
    for option in ("--requested-state", "--facts", "--custodian", "--necessity", "--mla-to-follow"):
        assert f"(give {option})" in line
    assert "scope.identifiers" not in line
    french = one_line_error(run(*add(ledger, keys, "--lang", "fr", instrument="budapest-29")), 1)
    assert "il manque les identifiants visés (comptes, appareils, adresses IP) (à indiquer avec --identifier)" in french


@pytest.mark.external  # bash and date(1), as a reader of the README runs it
def test_readme_authority_example_runs_as_printed(ledger: Path, keys: dict[str, Path]) -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"^scelle custody authority add case.ledger --key .*?(?<!\\)\n", text, flags=re.M | re.S)
    assert found is not None
    command = found.group(0).replace("case.ledger", str(ledger)).replace("amina.key", str(keys["amina"]))
    scelle = Path(sys.executable).parent
    env = {**os.environ, "PATH": f"{scelle}{os.pathsep}{os.environ['PATH']}", "SCELLE_PASSPHRASE": PASS}
    tool("date")
    done = subprocess.run([tool("bash"), "-c", command], capture_output=True, text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr
    assert "recorded authority TPI-2026-117" in done.stdout and "warning" not in done.stderr.lower()
