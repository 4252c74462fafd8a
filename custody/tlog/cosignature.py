"""C2SP tlog-cosignature/v1 (v1.0.1): a witness's timestamped Ed25519 signature over a checkpoint.

A cosignature is an ordinary signed-note signature line on the checkpoint, ``— <witness name> base64(blob)``, whose
76-byte blob is ``key ID (4) || timestamp (8, big-endian POSIX seconds) || Ed25519 signature (64)``. The key ID is
``SHA-256(name || 0x0A || 0x04 || public key)[:4]`` (0x04 is the cosignature/v1 type; a plain note key is 0x01), and
the signed message is ``cosignature/v1\\n`` ``time <decimal timestamp>\\n`` then the whole checkpoint text (origin,
size, root and extension lines, no signature line). The Ed25519 form does not commit to the name: one key per witness.

Pure code: no I/O and no clock (the caller passes the time). Lines from keys that are not the given witnesses are
ignored, never a failure: that is how a checkpoint carries the ledger's signature and several witnesses' at once.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from custody.errors import SignatureError
from custody.tlog.notes import (
    KEY_SIZE,
    MAX_SIGNATURES,
    SIGNATURE_SIZE,
    NoteError,
    NoteSignature,
    check_key_name,
    parse_checkpoint,
    parse_note,
)

ALG_COSIGNATURE_V1 = 0x04
TIMESTAMP_SIZE = 8
MAX_TIMESTAMP = 2**63 - 1
BLOB_SIZE = 4 + TIMESTAMP_SIZE + SIGNATURE_SIZE  # 76
_HEX8 = re.compile(r"[0-9a-fA-F]{8}")


def cosignature_key_id(name: str, public_key: bytes) -> bytes:
    """``SHA-256(name || 0x0A || 0x04 || public key)[:4]``: the key ID of a cosignature/v1 key."""
    check_key_name(name)
    if not isinstance(public_key, bytes | bytearray) or len(public_key) != KEY_SIZE:
        raise NoteError(f"an Ed25519 public key is {KEY_SIZE} bytes")
    return hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([ALG_COSIGNATURE_V1]) + bytes(public_key)).digest()[:4]


def witness_vkey(name: str, public_key: bytes) -> str:
    """The witness verifier key text ``name+<key ID hex>+base64(0x04 || public key)``."""
    kid = cosignature_key_id(name, public_key)
    return f"{name}+{kid.hex()}+{base64.b64encode(bytes([ALG_COSIGNATURE_V1]) + bytes(public_key)).decode('ascii')}"


@dataclass(frozen=True, slots=True)
class WitnessKey:
    """A trusted witness: its name, 32-byte Ed25519 public key and cosignature/v1 key ID."""

    name: str
    public_key: bytes

    @property
    def key_id(self) -> bytes:
        """The 4-byte key ID its cosignature lines carry."""
        return cosignature_key_id(self.name, self.public_key)

    @property
    def vkey(self) -> str:
        """Its verifier key text."""
        return witness_vkey(self.name, self.public_key)


def parse_witness_vkey(vkey: str) -> WitnessKey:
    """Read ``name+hex8+base64(0x04 || pub)`` strictly, checking that the key ID matches the key."""
    fields = vkey.strip().split("+", 2) if isinstance(vkey, str) else []
    if len(fields) != 3:
        raise NoteError("malformed witness key: expected name+keyid+key")
    name, hex8, encoded = fields
    check_key_name(name)
    if not _HEX8.fullmatch(hex8):
        raise NoteError(f"malformed witness key: key ID {hex8!r} is not 8 hex digits")
    try:
        raw = base64.b64decode(encoded.encode("ascii"), validate=True)
    except (ValueError, binascii.Error) as exc:
        raise NoteError("malformed witness key: the key is not valid base64") from exc
    if base64.b64encode(raw).decode("ascii") != encoded:
        raise NoteError("malformed witness key: the key is not canonical base64")
    if len(raw) != 1 + KEY_SIZE or raw[0] != ALG_COSIGNATURE_V1:
        raise NoteError("malformed witness key: not a cosignature/v1 Ed25519 key (type 0x04, 32 bytes)")
    key = WitnessKey(name, raw[1:])
    if key.key_id != bytes.fromhex(hex8):
        raise NoteError(f"witness key for {name}: key ID {hex8} does not match the key ({key.key_id.hex()})")
    return key


def cosigned_message(checkpoint_text: str, timestamp: int) -> bytes:
    """``cosignature/v1\\ntime <timestamp>\\n`` followed by the checkpoint text: what a witness signs."""
    _check_timestamp(timestamp)
    parse_checkpoint(checkpoint_text)  # only a well-formed checkpoint is ever cosigned
    return f"cosignature/v1\ntime {timestamp}\n{checkpoint_text}".encode()


def _check_timestamp(timestamp: int) -> None:
    if isinstance(timestamp, bool) or not isinstance(timestamp, int) or not 0 < timestamp <= MAX_TIMESTAMP:
        raise NoteError(f"a cosignature timestamp is an integer in 1..2**63-1, got {timestamp!r}")


def cosign(checkpoint_text: str, name: str, private_key: Ed25519PrivateKey, timestamp: int) -> NoteSignature:
    """The cosignature/v1 line (``.line()``) of witness ``name`` over ``checkpoint_text`` at ``timestamp``."""
    public = private_key.public_key().public_bytes_raw()
    signature = private_key.sign(cosigned_message(checkpoint_text, timestamp))
    return NoteSignature(name, cosignature_key_id(name, public), timestamp.to_bytes(8, "big") + signature)


def verify_cosignature(checkpoint_text: str, line: NoteSignature, witness: WitnessKey) -> int:
    """Verify one cosignature line of ``witness``; return its timestamp. Raises ``SignatureError``."""
    if (line.name, line.key_id) != (witness.name, witness.key_id):
        raise SignatureError(f"the line is not by witness {witness.name}+{witness.key_id.hex()}")
    if len(line.signature) != TIMESTAMP_SIZE + SIGNATURE_SIZE:
        raise SignatureError(f"cosignature by {witness.name} is not {BLOB_SIZE} bytes")
    timestamp = int.from_bytes(line.signature[:TIMESTAMP_SIZE], "big")
    try:
        message = cosigned_message(checkpoint_text, timestamp)
        Ed25519PublicKey.from_public_bytes(witness.public_key).verify(line.signature[TIMESTAMP_SIZE:], message)
    except (InvalidSignature, NoteError) as exc:
        raise SignatureError(f"invalid cosignature by witness {witness.name}+{witness.key_id.hex()}") from exc
    return timestamp


@dataclass(frozen=True, slots=True)
class Cosignatures:
    """What the trusted witnesses' lines on one checkpoint say: who cosigned validly (with the time), who did not."""

    valid: tuple[tuple[str, int], ...]
    invalid: tuple[str, ...]


def check_cosignatures(note: str, witnesses: Iterable[WitnessKey]) -> Cosignatures:
    """Verify, on a signed checkpoint note, the lines of the given witnesses (other lines are ignored).

    A witness counts once, however many lines it has; a line by a trusted witness that does not verify is listed
    in ``invalid`` (never counted)."""
    text, signatures = parse_note(note)
    known = {(w.name, w.key_id): w for w in witnesses}
    valid: dict[str, int] = {}
    invalid: list[str] = []
    for line in signatures:
        witness = known.get((line.name, line.key_id))
        if witness is None:
            continue
        try:
            valid.setdefault(witness.vkey, verify_cosignature(text, line, witness))
        except SignatureError:
            invalid.append(witness.vkey)
    return Cosignatures(tuple(valid.items()), tuple(invalid))


def attach(note: str, lines: Sequence[NoteSignature]) -> str:
    """``note`` with ``lines`` added; a line replaces an earlier one of the same name and key ID (a newer one)."""
    text, signatures = parse_note(note)
    new = {(s.name, s.key_id): s for s in lines}
    kept = [s for s in signatures if (s.name, s.key_id) not in new]
    merged = [*kept, *new.values()]
    if len(merged) > MAX_SIGNATURES:
        raise NoteError(f"a note with {len(merged)} signatures is more than a reader accepts ({MAX_SIGNATURES})")
    return text + "\n" + "".join(s.line() for s in merged)


def parse_lines(text: str) -> list[NoteSignature]:
    """Signature lines (``— name base64``), one per line, as ``witness cosign`` prints them; blank lines skipped."""
    lines = [line for line in text.split("\n") if line.strip()]
    if not lines:
        raise NoteError("no signature line given")
    return parse_note("x\n\n" + "".join(line + "\n" for line in lines))[1]
