"""The signatures of a bundle's entries, checked against the key entries the bundle holds.

Each entry must be signed by exactly the keys it names as its signers (``SignedEntry.expected_signers``: the ledger
key for the header, the registered key for a key entry, the handler, and for a transfer also the receiving handler,
for an event), in that order; an authority by any one registered key. A key entry and the header are signed by the
key they hold; every other signature by a key whose entry is in the bundle. The bundle verifier
(``custody.bundle.verify``) reports each entry whose signatures do not hold as one finding with the reason given here.
"""

from __future__ import annotations

from collections.abc import Mapping
from operator import attrgetter

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from custody.model.entries import KeyEntry, LedgerHeader, SignedEntry
from custody.rules.breach import Breach, breach

_KEY = attrgetter("key")


class SignatureChecks:
    """The signature checks of one bundle: ``keys`` are its key entries by fingerprint."""

    def __init__(self, keys: Mapping[str, KeyEntry]) -> None:
        self.keys = keys
        self.loaded: dict[bytes, Ed25519PublicKey] = {}

    def problem(self, entry: SignedEntry, payload: bytes) -> Breach | None:
        """Why the signatures of ``entry`` over ``payload`` do not hold (a ``detail.*`` finding, the sentence the
        report page states too), or ``None`` when they do."""
        body, signatures = entry.body, entry.signatures
        signers = tuple(map(_KEY, signatures))
        expected = entry.expected_signers()
        if expected is not None and signers != expected:
            return breach("detail.signers", signers=", ".join(signers) or "-", expected=", ".join(expected))
        if not signers:
            return breach("detail.unsigned")
        own = body.public_key if isinstance(body, LedgerHeader | KeyEntry) else None  # signed by the key it holds
        keys, loaded_keys = self.keys, self.loaded
        for signature in signatures:
            if own is not None:
                public = own
            elif signature.key in keys:
                public = keys[signature.key].public_key
            else:
                return breach("detail.signer_unknown", key=signature.key)
            loaded = loaded_keys.get(public) or self._public_key(public)
            try:
                if loaded is None:
                    raise InvalidSignature
                loaded.verify(signature.sig, payload)
            except InvalidSignature:
                return breach("detail.signature_bad", key=signature.key)
        return None

    def _public_key(self, raw: bytes) -> Ed25519PublicKey | None:
        """The key object of 32 raw bytes, loaded once per bundle (a bundle holds thousands of signatures by a few
        keys); ``None`` for bytes that are not an Ed25519 public key (then no signature by it verifies)."""
        try:
            loaded = Ed25519PublicKey.from_public_bytes(raw)
        except ValueError:
            return None
        self.loaded[raw] = loaded
        return loaded
