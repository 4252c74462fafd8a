"""The one place that hashes file content read from an image: SHA-256 and BLAKE3, fed in large chunks.

Kept apart so the whole library switches to the shared digest core (``evidence.digest``) by changing this module.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import blake3

#: algorithms computed for every file, in the order they are printed
ALGORITHMS = ("sha256", "blake3")


def digest_chunks(chunks: Iterable[bytes]) -> dict[str, str]:
    """Hex digests (``sha256``, ``blake3``) of the concatenation of ``chunks``."""
    sha256 = hashlib.sha256()
    b3 = blake3.blake3()
    for chunk in chunks:
        sha256.update(chunk)
        b3.update(chunk)
    return {"sha256": sha256.hexdigest(), "blake3": b3.hexdigest()}
