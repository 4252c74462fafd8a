"""How tests ask for a verdict on a ledger or a bundle, in one place: when the verify contract changes (how the trusted
key is given, what a report is called), only these helpers change."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from custody.bundle.verify import BundleReport, verify_bundle
from custody.ledger.verify import verify_ledger
from custody.model.keys import KeyPair


def ledger_findings(path: Path, ledger_key: KeyPair) -> tuple[str, ...]:
    """Every finding of the ledger at ``path``, checked against ``ledger_key`` (empty when it verifies)."""
    return verify_ledger(str(path), trusted_vkey=ledger_key.info.vkey).findings


def ledger_ok(path: Path, ledger_key: KeyPair) -> bool:
    """Whether the ledger at ``path`` verifies against ``ledger_key``."""
    return not ledger_findings(path, ledger_key)


def bundle_report(data: bytes, ledger_key: KeyPair, files: Iterable[Path] = ()) -> BundleReport:
    """The report on a bundle checked against ``ledger_key`` (and ``files``, re-hashed)."""
    return verify_bundle(data, ledger_key.info.public_key, files)


def bundle_ok(data: bytes, ledger_key: KeyPair, files: Iterable[Path] = ()) -> bool:
    """Whether a bundle verifies against ``ledger_key``."""
    return bundle_report(data, ledger_key, files).verified


def failed_codes(report: BundleReport) -> set[str]:
    """The codes of the findings that failed."""
    return {f.code for f in report.findings if not f.ok}


def cli_verify_args(path: Path, ledger_pub: Path) -> list[str]:
    """``scelle custody verify`` arguments checking a ledger or a bundle against the ledger's public key file."""
    is_bundle = path.read_bytes()[:1] == b"{"
    return ["custody", "verify", str(path), "--trust" if is_bundle else "--ledger-pub", str(ledger_pub)]
