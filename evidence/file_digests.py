"""The one place that hashes file content read from an image: SHA-256 and BLAKE3, fed in large chunks.

Backed by the shared digest core (``evidence.digest.MultiDigest``): chunks of 1 MiB or more are hashed by one
thread per algorithm, smaller ones inline, so many small files cost little more than hashlib itself.
"""

from __future__ import annotations

from collections.abc import Iterable

from evidence.digest import MultiDigest, digest_bytes

#: algorithms computed for every file, in the order they are printed
ALGORITHMS = ("sha256", "blake3")


def digest_chunks(chunks: Iterable[bytes]) -> dict[str, str]:
    """Hex digests (``sha256``, ``blake3``) of the concatenation of ``chunks``."""
    pieces = iter(chunks)
    first = next(pieces, b"")
    second = next(pieces, None)
    if second is None:  # most files fit in one chunk: one-shot hashing, no streaming state
        return {name: value.hex() for name, value in digest_bytes(first, ALGORITHMS).items()}
    digest = MultiDigest(ALGORITHMS).update(first).update(second)
    for chunk in pieces:
        digest.update(chunk)
    return digest.hexdigests()
