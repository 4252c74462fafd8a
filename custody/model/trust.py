"""The verifier's trust root: the ledger key it was given out of band, for a ledger file as for a bundle.

A ledger or a bundle proves nothing by itself: it is checked against a ledger public key that the verifier got
through another channel (the request's central authority, a signed letter, a phone call comparing fingerprints).
The key is accepted as a note verifier key string (``name+keyid+base64``, what ``scelle custody key show --public``
prints), as a public-key file written by ``custody.model.keys.save_public_key``, or as the 32 raw bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from custody import i18n
from custody.errors import CustodyError, KeyFileError
from custody.i18n.said import SaidKeyFileError
from custody.model.keys import PublicKeyInfo, fingerprint, load_public_key
from custody.tlog.notes import KEY_SIZE, NoteError, parse_verifier_key, verifier_key


class TrustRequiredError(CustodyError):
    """A verification was asked for with no trusted key and no explicit opt-out (``--unsafe-trust-embedded-key``).

    A ledger names its own key; checking it against that key shows only that it is consistent, not whose it is,
    so that is never the default (fail closed, as sigstore's verifier refuses to run without a policy). Exit 2:
    the command was not usable as given.
    """

    kind = "error.kind.trust"

    exit_code = 2

    def __init__(self, subject: str, *, lang: str = "en", code: str = "trust.required.library") -> None:
        super().__init__(i18n.message(code, lang, subject=subject))


@dataclass(frozen=True, slots=True)
class TrustedKey:
    """The trusted ledger key: its note key name when known (a verifier key string carries it) and its bytes."""

    name: str | None
    public_key: bytes

    @property
    def fingerprint(self) -> str:
        """``sha256:<hex>`` of the public key, the form people compare over the phone."""
        return fingerprint(self.public_key)

    def vkey(self, default_name: str) -> str:
        """The signed-note verifier key: this key under its own note key name, else under ``default_name`` (the
        name the ledger gives its key: only the key bytes are trusted, the name is not a secret)."""
        return verifier_key(self.name or default_name, self.public_key)


Trust = str | bytes | PublicKeyInfo | TrustedKey


def trusted_key(value: Trust) -> TrustedKey:
    """Turn a verifier key string, raw key bytes or a ``PublicKeyInfo`` into a ``TrustedKey``."""
    if isinstance(value, TrustedKey):
        return value
    if isinstance(value, PublicKeyInfo):
        return TrustedKey(None, value.public_key)
    if isinstance(value, bytes):
        if len(value) != KEY_SIZE:
            raise KeyFileError(f"a trusted Ed25519 key is {KEY_SIZE} bytes, got {len(value)}")
        return TrustedKey(None, value)
    try:
        name, public = parse_verifier_key(value.strip())
    except NoteError as exc:
        raise KeyFileError(f"not a ledger verifier key: {exc}") from exc
    return TrustedKey(name, public)


def read_trust(source: str | Path) -> TrustedKey:
    """Read the trusted key from a file (verifier key line or public-key JSON), or from a verifier key string."""
    path = Path(source)
    if not path.is_file():
        if isinstance(source, str) and "+" in source and not path.exists():
            return trusted_key(source)
        raise SaidKeyFileError("key.missing", path=source)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise KeyFileError(f"{source}: cannot read the key file: {exc}") from exc
    if text.lstrip().startswith("{"):
        return trusted_key(load_public_key(path))
    try:
        return trusted_key(text)
    except KeyFileError as exc:
        raise KeyFileError(f"{source}: {exc}") from exc
