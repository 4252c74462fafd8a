"""Errors of the custody layer, under the one error tree rooted at ``evidence.common.errors.EvidenceError``."""

from __future__ import annotations

from evidence.common.errors import EvidenceError


class CustodyError(EvidenceError):
    """Root of the custody errors."""


class ProofError(CustodyError):
    """A Merkle inclusion or consistency proof does not verify (or is malformed)."""

    exit_code = 3


class SignatureError(CustodyError):
    """A signature does not verify, or is made by a key that is not trusted."""

    exit_code = 3


class LedgerTamperedError(CustodyError):
    """A stored ledger value does not match what the signed data says."""

    exit_code = 3


class AuthorityError(CustodyError):
    """An action is not covered by a valid legal authority (missing, expired, out of scope)."""


class KeyFileError(CustodyError):
    """A key file is missing, malformed, or cannot be decrypted (wrong passphrase)."""


class RecordError(CustodyError):
    """A record is malformed (missing field, bad value, unknown instrument or action)."""


class SaidError(CustodyError):
    """A custody error whose text comes from the catalogue (``custody.i18n``): English as ``str``, any language
    through ``message_in`` (the command line states it in the user's language). A parameter that is a ``Notice``
    (an operating system's reason) is stated in the same language."""

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = params
        super().__init__(self.message_in("en"))

    def message_in(self, lang: str) -> str:
        """The message in ``lang``."""
        from custody.i18n.messages import message
        from evidence.common.messages import Notice

        said = {name: value.text(lang) if isinstance(value, Notice) else value for name, value in self.params.items()}
        return message(self.code, lang, **said)


class SaidKeyFileError(SaidError, KeyFileError):
    """A ``KeyFileError`` from the catalogue."""


class SaidRecordError(SaidError, RecordError):
    """A ``RecordError`` from the catalogue."""


class SaidAuthorityError(SaidError, AuthorityError):
    """An ``AuthorityError`` from the catalogue."""
