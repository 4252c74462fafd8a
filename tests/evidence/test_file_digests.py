"""Per-file digests (image ls --hash, extract): one-shot for one chunk, streaming for more, same digests."""

from __future__ import annotations

import hashlib

import blake3
import pytest

from evidence.file_digests import digest_chunks


@pytest.mark.parametrize(
    "chunks",
    [
        [], [b""], [b"abc"], [b"ab", b"c"], [b"a", b"", b"bc"], [bytes(3 << 20)],
        [bytes(1 << 20), bytes(5), bytes(2 << 20)],
    ],
)
def test_digest_chunks_equals_hashlib_over_the_concatenation(chunks: list[bytes]) -> None:
    data = b"".join(chunks)
    assert digest_chunks(iter(chunks)) == {
        "sha256": hashlib.sha256(data).hexdigest(),
        "blake3": blake3.blake3(data).hexdigest(),
    }
