"""``Inclusions`` gives ``verify_inclusion``'s verdict on every proof, good or altered, whatever it has seen before."""

from __future__ import annotations

import random
from collections.abc import Sequence

import pytest

from custody.errors import CustodyError
from custody.tlog.inclusions import Inclusions
from custody.tlog.merkle import MerkleTree, leaf_hash, verify_inclusion


def _outcome(check: object, *args: object) -> str:
    try:
        check(*args)  # type: ignore[operator]
    except CustodyError as exc:
        return f"{type(exc).__name__}: {exc}"
    return "ok"


def _altered(proof: Sequence[bytes], leaf: bytes, index: int, size: int, rng: random.Random) -> list[tuple]:
    flipped = list(proof)
    if flipped:
        at = rng.randrange(len(flipped))
        flipped[at] = bytes([flipped[at][0] ^ 1]) + flipped[at][1:]
    return [
        (leaf, index, list(proof)),  # the good proof, again
        (leaf, index, flipped),
        (leaf, index, list(proof)[:-1]),
        (leaf, index, [*proof, proof[0] if proof else leaf]),
        (leaf, (index + 1) % size, list(proof)),
        (leaf_hash(b"other"), index, list(proof)),
        (leaf[:31], index, list(proof)),
        (leaf, size, list(proof)),
        (leaf, -1, list(proof)),
        (leaf, True, list(proof)),
        (leaf, index, [bytearray(p) for p in proof]),
    ]


@pytest.mark.parametrize("size", [1, 2, 3, 5, 8, 13, 64, 100])
def test_same_verdicts_as_verify_inclusion(size: int) -> None:
    rng = random.Random(size)
    leaves = [leaf_hash(i.to_bytes(4, "big")) for i in range(size)]
    tree = MerkleTree(leaves)
    root = tree.root()
    batch = Inclusions(size, root)
    verdicts = set()
    for index in rng.sample(range(size), size):  # good proofs first, in any order: the memory fills
        proof = tree.inclusion_proof(index)
        assert _outcome(batch.verify, leaves[index], index, proof) == "ok"
    for index in range(size):
        for leaf, at, proof in _altered(tree.inclusion_proof(index), leaves[index], index, size, rng):
            got = _outcome(batch.verify, leaf, at, proof)
            assert got == _outcome(verify_inclusion, leaf, at, size, proof, root)
            verdicts.add(got.split(":")[0])
    assert {"ok", "InclusionProofError", "MalformedProofError"} <= verdicts or size == 1


def test_a_wrong_root_or_size_fails_as_verify_inclusion_does() -> None:
    leaves = [leaf_hash(bytes([i])) for i in range(9)]
    tree = MerkleTree(leaves)
    for size, root in ((9, bytes(32)), (8, tree.root()), (0, tree.root()), (9, tree.root()[:31])):
        batch = Inclusions(size, root)
        for index in range(9):
            proof = tree.inclusion_proof(index)
            got = _outcome(batch.verify, leaves[index], index, proof)
            assert got != "ok" and got == _outcome(verify_inclusion, leaves[index], index, size, proof, root)
