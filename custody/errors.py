"""Errors of the custody layer, under the one error tree rooted at ``evidence.common.errors.EvidenceError``."""

from __future__ import annotations

from evidence.common.errors import EvidenceError


class CustodyError(EvidenceError):
    """Root of the custody errors."""

    kind = "error.kind.custody"


class ProofError(CustodyError):
    """A Merkle inclusion or consistency proof does not verify (or is malformed)."""

    kind = "error.kind.proof"

    exit_code = 3


class SignatureError(CustodyError):
    """A signature does not verify, or is made by a key that is not trusted."""

    kind = "error.kind.signature"

    exit_code = 3


class LedgerTamperedError(CustodyError):
    """A stored ledger value does not match what the signed data says."""

    kind = "error.kind.tampered"

    exit_code = 3


class AuthorityError(CustodyError):
    """An action is not covered by a valid legal authority (missing, expired, out of scope)."""

    kind = "error.kind.authority"


class KeyFileError(CustodyError):
    """A key file is missing, malformed, or cannot be decrypted (wrong passphrase)."""

    kind = "error.kind.key"


class RecordError(CustodyError):
    """A record is malformed (missing field, bad value, unknown instrument or action)."""

    kind = "error.kind.record"


class BundleSelectionError(CustodyError):
    """An artefact asked for is not in the ledger, or a selector is neither a digest nor a file."""

    kind = "error.kind.selection"
