"""DESIGN.md layers for the custody package: no CLI library, and offline verification needs no ledger store."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.evidence.test_layers import modules

ROOT = Path(__file__).resolve().parents[2]


def test_custody_does_not_import_cli_libraries() -> None:
    for name, used in modules().items():
        if name.startswith("custody/"):
            assert not used & {"click", "rich", "cli"}, name


def test_offline_verification_loads_no_ledger_store_and_no_cli() -> None:
    """What a court runs (verify, report, summary, CASE/UCO) imports neither the SQLite store nor click."""
    code = (
        "import sys, custody.bundle.verify, custody.bundle.report, custody.bundle.summary, custody.bundle.caseuco; "
        "print(' '.join(sorted(m for m in sys.modules if m in ('custody.ledger.ledger', 'custody.ledger.store', "
        "'sqlite3', 'click', 'rich'))))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == ""


#: what a third-party tool needs to keep custody and check it (issue 11, "a public custody API")
NEEDED = {
    "Ledger",
    "EventDraft",
    "Appended",
    "Artefact",
    "Event",
    "Handler",
    "Authority",
    "Scope",
    "KeyPair",
    "PublicKeyInfo",
    "generate_key",
    "load_private_key",
    "save_private_key",
    "load_public_key",
    "save_public_key",
    "TrustedKey",
    "read_trust",
    "artefact_from_file",
    "artefact_from_record",
    "export_ledger",
    "verify_ledger",
    "verify_bundle",
    "LedgerReport",
    "BundleReport",
    "Finding",
    "Report",
    "CustodyError",
    "VerificationError",
    "SignatureError",
    "LedgerTamperedError",
    "TrustRequiredError",
}


def test_the_package_exports_every_public_name_lazily() -> None:
    import custody

    assert set(custody.__all__) >= NEEDED
    for name in custody.__all__:
        assert getattr(custody, name) is not None, name
    assert set(custody.__all__) <= set(dir(custody))
    assert custody.VerificationError is __import__("evidence").VerificationError
    assert issubclass(custody.CustodyError, __import__("evidence").EvidenceError)


def test_an_unknown_name_is_an_attribute_error() -> None:
    import custody

    with pytest.raises(AttributeError, match="no attribute 'verify'"):
        custody.verify  # noqa: B018 - the access is the test


def test_importing_the_package_loads_none_of_its_modules() -> None:
    code = (
        "import sys, custody; print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'custody', 'evidence', 'sqlite3', 'cryptography', 'click', 'rich', 'pytsk3', 'pyewf', 'blake3'})))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    # The lazy-export hook comes from evidence.common.lazy, which loads nothing more.
    assert loaded.stdout.split() == ["custody", "evidence", "evidence.common", "evidence.common.lazy"]
