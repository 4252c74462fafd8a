"""How tests ask for a verdict on a ledger or a bundle, in one place. The verifications fail closed: a refusal raises
``VerificationError``, whose ``report`` these helpers return."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

from custody.bundle.outcome import BundleReport
from custody.bundle.verify import verify_bundle
from custody.ledger.verify import verify_ledger
from custody.model.keys import KeyPair
from evidence.common.report import VerificationError


def refused(call: Callable[[], object]) -> Any:
    """The report of the verification ``call`` runs, which must be refused with ``VerificationError``."""
    with pytest.raises(VerificationError) as caught:
        call()
    assert not caught.value.report.ok
    return caught.value.report


def outcome(call: Callable[[], Any]) -> Any:
    """The report of the verification ``call`` runs, whether it passed (returned) or was refused (raised)."""
    try:
        return call()
    except VerificationError as exc:
        return exc.report


def ledger_findings(path: Path, ledger_key: KeyPair) -> tuple[str, ...]:
    """Every finding of the ledger at ``path``, checked against ``ledger_key`` (empty when it verifies)."""
    report = outcome(lambda: verify_ledger(str(path), trust=ledger_key.info.vkey))
    return tuple(report.findings)


def ledger_ok(path: Path, ledger_key: KeyPair) -> bool:
    """Whether the ledger at ``path`` verifies against ``ledger_key``."""
    return not ledger_findings(path, ledger_key)


def bundle_report(data: bytes, ledger_key: KeyPair, files: Iterable[Path] = ()) -> BundleReport:
    """The report on a bundle checked against ``ledger_key`` (and ``files``, re-hashed), passed or refused."""
    report: BundleReport = outcome(lambda: verify_bundle(data, ledger_key.info.public_key, files))
    return report


def bundle_ok(data: bytes, ledger_key: KeyPair, files: Iterable[Path] = ()) -> bool:
    """Whether a bundle verifies against ``ledger_key``."""
    return bundle_report(data, ledger_key, files).ok


def failed_codes(report: BundleReport) -> set[str]:
    """The codes of the findings that failed."""
    return {f.code for f in report.findings if not f.ok}


def cli_verify_args(path: Path, ledger_pub: Path) -> list[str]:
    """``scelle custody verify`` arguments checking a ledger or a bundle against the ledger's public key file."""
    return ["custody", "verify", str(path), "--trust", str(ledger_pub)]
