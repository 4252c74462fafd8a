"""Ed25519 keys of handlers and ledgers, encrypted at rest, bound to the identity they sign for.

A private key file is JSON::

    {"format": "scelle-key", "version": 1, "identity": {name, role, organisation, country},
     "public_key": b64, "fingerprint": "sha256:…", "private_key": "<OpenSSH private key, encrypted>",
     "identity_signature": b64}

The private key is stored in the OpenSSH format, encrypted with AES-256-CTR under a bcrypt-pbkdf key
(``DEFAULT_KDF_ROUNDS`` rounds, about 0.3 to 0.5 s per unlock here), so guessing a passphrase is slow; PKCS#8
``BestAvailableEncryption`` (PBKDF2, 2048 iterations) is deliberately not used. ``identity_signature`` is the key's
own signature over the canonical identity and public key: an identity edited in the file (another name, another
country) no longer verifies, so a file cannot be made to sign in someone else's name without the key itself. A
public key file carries the same fields minus ``private_key``; it is what a handler sends to the other side.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from custody.errors import KeyFileError, RecordError, SignatureError
from custody.i18n.said import SaidKeyFileError
from custody.model.fields import check_line
from custody.model.identity import Handler, check_country
from evidence.common.canonical import encode
from evidence.common.files import write_atomic
from evidence.common.reasons import os_reason

PRIVATE_FORMAT = "scelle-key"
PUBLIC_FORMAT = "scelle-public-key"
VERSION = 1
DEFAULT_KDF_ROUNDS = 32
_BINDING_DOMAIN = "scelle-key-identity-v1"


def fingerprint(public_key: bytes) -> str:
    """``sha256:<hex>`` of the raw 32-byte Ed25519 public key: how records name a key."""
    return "sha256:" + hashlib.sha256(public_key).hexdigest()


@dataclass(frozen=True, slots=True, kw_only=True)
class PublicKeyInfo:
    """A public key with the identity of its holder."""

    name: str
    role: str
    organisation: str
    country: str
    public_key: bytes

    def __post_init__(self) -> None:
        check_line(self.name, "key holder name")
        check_line(self.role, "key holder role")
        check_line(self.organisation, "key holder organisation")
        check_country(self.country)
        if not isinstance(self.public_key, bytes) or len(self.public_key) != 32:
            raise RecordError("an Ed25519 public key is 32 bytes")

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)

    @property
    def handler(self) -> Handler:
        return Handler(
            name=self.name,
            role=self.role,
            organisation=self.organisation,
            country=self.country,
            key_fingerprint=self.fingerprint,
        )

    @property
    def vkey(self) -> str:
        """The C2SP signed-note verifier key of this key (name derived from the holder's name)."""
        from custody.tlog.notes import key_name_for, verifier_key

        return verifier_key(key_name_for(self.name), self.public_key)

    def identity_json(self) -> dict[str, str]:
        return {"name": self.name, "role": self.role, "organisation": self.organisation, "country": self.country}

    def to_json(self) -> dict[str, Any]:
        return {
            "identity": self.identity_json(),
            "public_key": base64.b64encode(self.public_key).decode("ascii"),
            "fingerprint": self.fingerprint,
        }

    @classmethod
    def from_json(cls, obj: Any) -> PublicKeyInfo:
        """Parse ``{"identity": {...}, "public_key": b64, "fingerprint": ...}`` strictly."""
        try:
            identity = obj["identity"]
            if set(identity) != {"name", "role", "organisation", "country"}:
                raise RecordError(f"key identity fields: {sorted(identity)}")
            public_key = base64.b64decode(obj["public_key"], validate=True)
            info = cls(public_key=public_key, **identity)
        except (KeyError, TypeError, binascii.Error) as exc:
            raise RecordError(f"malformed public key record: {exc}") from exc
        if obj.get("fingerprint", info.fingerprint) != info.fingerprint:
            raise RecordError("the key's fingerprint does not match its public key")
        return info


def _binding(info: PublicKeyInfo) -> bytes:
    return encode({"domain": _BINDING_DOMAIN, **info.to_json()})


@dataclass(frozen=True, slots=True)
class KeyPair:
    """A private key and the identity it signs for."""

    info: PublicKeyInfo
    private_key: Ed25519PrivateKey

    def sign(self, data: bytes) -> bytes:
        return self.private_key.sign(data)


def generate_key(*, name: str, role: str, organisation: str, country: str) -> KeyPair:
    """A new Ed25519 key pair for this identity."""
    private_key = Ed25519PrivateKey.generate()
    public_key = private_key.public_key().public_bytes_raw()
    info = PublicKeyInfo(name=name, role=role, organisation=organisation, country=country, public_key=public_key)
    return KeyPair(info, private_key)


def _write_new(path: Path, text: str, mode: int) -> None:
    """Create ``path`` whole (never overwrite), file and directory synced; ``mode`` applies from the first byte."""
    try:
        write_atomic(path, text.encode("utf-8"), mode=mode, exclusive=True)
    except FileExistsError as exc:
        raise SaidKeyFileError("key.exists", path=path) from exc
    except OSError as exc:
        raise SaidKeyFileError("key.uncreatable", path=path, reason=os_reason(exc)) from exc


def save_private_key(key: KeyPair, path: str | Path, passphrase: bytes, *, rounds: int = DEFAULT_KDF_ROUNDS) -> None:
    """Write the key encrypted under ``passphrase`` to a new file (mode 0600). An empty passphrase is refused."""
    if not passphrase:
        raise SaidKeyFileError("key.empty_refused")
    encryption = serialization.PrivateFormat.OpenSSH.encryption_builder().kdf_rounds(rounds).build(passphrase)
    pem = key.private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.OpenSSH, encryption)
    document = {
        "format": PRIVATE_FORMAT,
        "version": VERSION,
        **key.info.to_json(),
        "private_key": pem.decode("ascii"),
        "identity_signature": base64.b64encode(key.sign(_binding(key.info))).decode("ascii"),
    }
    _write_new(Path(path), json.dumps(document, indent=2, ensure_ascii=False) + "\n", 0o600)


def save_public_key(info: PublicKeyInfo, path: str | Path, *, identity_signature: bytes | None = None) -> None:
    """Write the public key file (to send to a verifier). Never overwrites."""
    document: dict[str, Any] = {"format": PUBLIC_FORMAT, "version": VERSION, **info.to_json()}
    if identity_signature is not None:
        document["identity_signature"] = base64.b64encode(identity_signature).decode("ascii")
    _write_new(Path(path), json.dumps(document, indent=2, ensure_ascii=False) + "\n", 0o644)


def _read_document(path: Path, formats: tuple[str, ...]) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise SaidKeyFileError("key.missing", path=path) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise _unreadable(path, exc) from exc
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise SaidKeyFileError("key.not_json", path=path) from exc
    if not isinstance(document, dict) or document.get("format") not in formats:
        raise SaidKeyFileError("key.not_scelle", path=path, formats=" | ".join(formats))
    if document.get("version") != VERSION:
        raise KeyFileError(f"{path}: unsupported key file version {document.get('version')!r}")
    return document


def _info_of(path: Path, document: dict[str, Any]) -> PublicKeyInfo:
    try:
        info = PublicKeyInfo.from_json(document)
    except RecordError as exc:
        raise KeyFileError(f"{path}: {exc}") from exc
    signature = document.get("identity_signature")
    if signature is not None:
        try:
            verify_signature(info.public_key, base64.b64decode(signature, validate=True), _binding(info))
        except (SignatureError, binascii.Error) as exc:
            raise SaidKeyFileError("key.identity_edited", path=path) from exc
    return info


def load_public_key(path: str | Path) -> PublicKeyInfo:
    """The public key and identity from a public key file or a private key file (no passphrase needed)."""
    path = Path(path)
    return _info_of(path, _read_document(path, (PUBLIC_FORMAT, PRIVATE_FORMAT)))


def load_private_key(path: str | Path, passphrase: bytes) -> KeyPair:
    """Decrypt a private key file; KeyFileError on a wrong passphrase, a damaged file or an edited identity."""
    path = Path(path)
    document = _read_document(path, (PRIVATE_FORMAT,))
    if "identity_signature" not in document:
        raise SaidKeyFileError("key.identity_unsigned", path=path)
    info = _info_of(path, document)
    try:
        key = serialization.load_ssh_private_key(str(document["private_key"]).encode("ascii"), passphrase or None)
    except (ValueError, TypeError, KeyError, UnsupportedAlgorithm) as exc:
        raise SaidKeyFileError("key.wrong_passphrase", path=path) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"{path}: not an Ed25519 key")
    if key.public_key().public_bytes_raw() != info.public_key:
        raise SaidKeyFileError("key.mismatch", path=path)
    return KeyPair(info, key)


def verify_signature(public_key: bytes, signature: bytes, data: bytes) -> None:
    """Raise SignatureError unless ``signature`` is a valid Ed25519 signature of ``data`` by ``public_key``."""
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, data)
    except (InvalidSignature, ValueError) as exc:
        raise SignatureError(f"invalid Ed25519 signature by key {fingerprint(public_key)}") from exc


def _unreadable(path: str | Path, exc: OSError | UnicodeDecodeError) -> KeyFileError:
    """A key file that cannot be read: the system's reason (by its errno) or « not UTF-8 », in the user's language."""
    if isinstance(exc, OSError):
        return SaidKeyFileError("key.unreadable", path=path, reason=os_reason(exc))
    return SaidKeyFileError("key.not_text", path=path)
