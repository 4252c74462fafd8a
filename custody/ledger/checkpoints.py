"""Checking a ledger's signed checkpoints: the ones it stores, against the recomputed tree (one kept elsewhere:
``custody.ledger.witnessed``)."""

from __future__ import annotations

from binascii import a2b_base64, b2a_base64
from collections.abc import Callable

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from custody.tlog.notes import SIGNATURE_SIZE, Checkpoint, NoteError, key_id, open_checkpoint, parse_verifier_key
from evidence.common.errors import EvidenceError


class CheckpointKey:
    """Checks stored checkpoints against recomputed roots with the trusted ledger key."""

    def __init__(self, origin: str, vkey: str) -> None:
        self.origin, self.vkey = origin, vkey
        self.name, raw = parse_verifier_key(vkey)
        self.public = Ed25519PublicKey.from_public_bytes(raw)
        self.kid = key_id(self.name, raw)
        try:  # the fast path writes the origin line as it is: only for an origin a note can carry
            Checkpoint(origin, 0, bytes(32))
            self.fast = True
        except NoteError:
            self.fast = False

    def fast_check(
        self, note: str, size: int, root: bytes, check: Callable[[Ed25519PublicKey, bytes, bytes], bool]
    ) -> bool:
        """Exact check of a checkpoint as scelle writes it: the expected text and one signature line by the key, in
        canonical base64 (``check`` verifies the signature: ``_Verifier.check``). It accepts only what
        ``slow_check`` accepts; anything else goes to ``slow_check``."""
        # binascii is what base64.b64encode and b64decode(validate=True) call, less their wrappers.
        text = f"{self.origin}\n{size}\n{b2a_base64(root, newline=False).decode('ascii')}\n"
        prefix = f"{text}\n\u2014 {self.name} "
        if not self.fast or not note.startswith(prefix) or not note.endswith("\n"):
            return False
        encoded = note[len(prefix) : -1]
        try:
            raw = a2b_base64(encoded, strict_mode=True)  # refuses a newline or any other non-alphabet character
        except ValueError:
            return False
        if len(raw) != 4 + SIGNATURE_SIZE or b2a_base64(raw, newline=False).decode("ascii") != encoded:
            return False
        return raw[:4] == self.kid and check(self.public, raw[4:], text.encode("utf-8"))

    def slow_check(self, note: str, size: int, root: bytes) -> str | None:
        """The full signed-note reading, to say what is wrong (or accept a note with extra cosignatures)."""
        try:
            cp = open_checkpoint(note, self.vkey)
        except EvidenceError as exc:
            return str(exc)
        if (cp.origin, cp.size) != (self.origin, size):
            return f"says origin {cp.origin!r} size {cp.size}, expected {self.origin!r} {size}"
        if cp.root != root:
            return f"root {cp.root.hex()} differs from the recomputed {root.hex()}"
        return None
