"""DESIGN.md layers for the custody package: no CLI library, and offline verification needs no ledger store."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.evidence.test_layers import modules

ROOT = Path(__file__).resolve().parents[2]


def test_custody_does_not_import_cli_libraries() -> None:
    for name, used in modules().items():
        if name.startswith("custody/"):
            assert not used & {"click", "rich", "cli"}, name


def test_offline_verification_loads_no_ledger_store_and_no_cli() -> None:
    """What a court runs (verify, report, summary, CASE/UCO) imports neither the SQLite store nor click."""
    code = ("import sys, custody.bundle.verify, custody.bundle.report, custody.bundle.summary, custody.bundle.caseuco; "
            "print(' '.join(sorted(m for m in sys.modules if m in ('custody.ledger.ledger', 'custody.ledger.store', "
            "'sqlite3', 'click', 'rich'))))")
    loaded = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == ""
