"""RFC 9162 §2.1 Merkle tree hashing, inclusion and consistency proofs (SHA-256).

The custody ledger commits to its events with this tree: a signed checkpoint names a tree size and root, an inclusion
proof shows that one event is under that root, a consistency proof shows that a later root extends an earlier one
(nothing was rewritten). Leaves and interior nodes are hashed with different one-byte prefixes so that a leaf can
never be passed off as a node (RFC 9162 §2.1.1, the second-preimage defence).

Pure code on bytes: no I/O, no clock. Verification fails closed: ``verify_*`` return ``None`` and raise a
``ProofError`` subclass on any failure, and are strict about everything the transparency-dev/merkle vectors check
(hash lengths, index < size, exact proof length, size1 <= size2, no consistency from the empty tree).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

from custody.errors import CustodyError, ProofError

HASH_SIZE = 32
LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"


class InclusionProofError(ProofError):
    """An inclusion proof is well formed but does not lead to the expected root."""


class ConsistencyProofError(ProofError):
    """A consistency proof is well formed but does not lead to the expected roots."""


class MalformedProofError(ProofError):
    """A proof or its parameters are malformed: wrong hash length, index >= size, wrong proof length, bad sizes."""


class TreeRangeError(CustodyError):
    """A tree was asked for something it does not have: an index or size beyond the tree, or a non-32-byte hash."""

    kind = "error.kind.proof"


def empty_root() -> bytes:
    """Root of the empty tree: ``SHA-256("")`` (RFC 9162 §2.1.1)."""
    return hashlib.sha256(b"").digest()


def leaf_hash(data: bytes) -> bytes:
    """Hash of one leaf: ``SHA-256(0x00 || data)``."""
    return hashlib.sha256(LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Hash of an interior node: ``SHA-256(0x01 || left || right)``."""
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (n >= 2): where RFC 9162 splits a tree of n leaves."""
    return 1 << ((n - 1).bit_length() - 1)


def _check_hash(value: bytes, what: str, error: type[CustodyError]) -> None:
    if not isinstance(value, bytes | bytearray) or len(value) != HASH_SIZE:
        size = len(value) if isinstance(value, bytes | bytearray) else type(value).__name__
        raise error(f"{what} must be a {HASH_SIZE}-byte hash, got {size}")


class MerkleTree:
    """An append-only RFC 9162 tree over leaf hashes, with every complete (perfect) subtree hash cached.

    ``_levels[h][i]`` is the hash of the perfect subtree of ``2**h`` leaves starting at leaf ``i * 2**h``. Appending
    a leaf adds at most one node per level (amortised one node hash), and any range the RFC recursion visits splits
    into cached perfect subtrees, so roots of any past size and proofs cost O(log n) hashes.
    """

    __slots__ = ("_levels",)

    def __init__(self, leaf_hashes: Iterable[bytes] = ()) -> None:
        """Build a tree holding ``leaf_hashes`` (already hashed with ``leaf_hash``), in order."""
        self._levels: list[list[bytes]] = [[]]
        self.extend(leaf_hashes)

    @property
    def size(self) -> int:
        """Number of leaves."""
        return len(self._levels[0])

    def append(self, leaf_hash: bytes) -> None:
        """Add one leaf hash at the end (amortised O(1) hashing, O(log n) worst case)."""
        _check_hash(leaf_hash, "leaf hash", TreeRangeError)
        levels = self._levels
        levels[0].append(bytes(leaf_hash))
        height = 0
        while len(levels[height]) % 2 == 0:
            below = levels[height]
            if height + 1 == len(levels):
                levels.append([])
            levels[height + 1].append(node_hash(below[-2], below[-1]))
            height += 1

    def extend(self, leaf_hashes: Iterable[bytes]) -> None:
        """Append many leaf hashes; builds each level in one pass, several times faster than repeated ``append``."""
        new = [bytes(value) for value in leaf_hashes]
        for value in new:
            _check_hash(value, "leaf hash", TreeRangeError)
        levels = self._levels
        levels[0].extend(new)
        height = 0
        while len(levels[height]) > 1:
            below = levels[height]
            if height + 1 == len(levels):
                levels.append([])
            above = levels[height + 1]
            sha256, prefix = hashlib.sha256, NODE_PREFIX
            above.extend(
                sha256(prefix + below[i] + below[i + 1]).digest() for i in range(2 * len(above), len(below) - 1, 2)
            )
            height += 1

    def leaf_hash(self, index: int) -> bytes:
        """The leaf hash stored at ``index``."""
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < self.size:
            raise TreeRangeError(f"leaf index {index} is not in a tree of size {self.size}")
        return self._levels[0][index]

    def root(self, size: int | None = None) -> bytes:
        """Root of the tree of the first ``size`` leaves (default: all), from cached subtrees."""
        size = self._size_arg(size)
        if size == 0:
            return empty_root()
        return self._range_hash(0, size, {})

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """Audit path of leaf ``index`` in the tree of ``size`` leaves, leaf side first (RFC 9162 §2.1.3.1)."""
        size = self._size_arg(size)
        if not 0 <= index < size:
            raise TreeRangeError(f"leaf index {index} is not in a tree of size {size}")
        memo: dict[tuple[int, int], bytes] = {}
        path: list[bytes] = []
        start, end = 0, size
        while end - start > 1:
            k = _split(end - start)
            if index < start + k:
                path.append(self._range_hash(start + k, end, memo))
                end = start + k
            else:
                path.append(self._range_hash(start, start + k, memo))
                start += k
        path.reverse()
        return path

    def consistency_proof(self, size1: int, size2: int | None = None) -> list[bytes]:
        """Proof that the tree of ``size2`` leaves extends the one of ``size1`` (RFC 9162 §2.1.4.1).

        ``size1`` must be in ``1..size2``: a proof from the empty tree is meaningless (it proves nothing, and
        ``verify_consistency`` refuses it); equal sizes give the empty proof.
        """
        size2 = self._size_arg(size2)
        if not 0 < size1 <= size2:
            raise TreeRangeError(f"consistency proof needs 0 < size1 <= size2, got size1 {size1}, size2 {size2}")
        memo: dict[tuple[int, int], bytes] = {}
        proof: list[bytes] = []
        start, end, whole = 0, size2, True
        # SUBPROOF(m, D[start:end], whole) with m = size1 - start, unrolled from the root down.
        while size1 - start != end - start:
            k = _split(end - start)
            if size1 - start <= k:
                proof.append(self._range_hash(start + k, end, memo))
                end = start + k
            else:
                proof.append(self._range_hash(start, start + k, memo))
                start += k
                whole = False
        if not whole:
            proof.append(self._range_hash(start, end, memo))
        proof.reverse()
        return proof

    def _size_arg(self, size: int | None) -> int:
        if size is None:
            return self.size
        self._check_size(size, "tree size")
        return size

    def _check_size(self, size: int, what: str) -> None:
        if isinstance(size, bool) or not isinstance(size, int) or not 0 <= size <= self.size:
            raise TreeRangeError(f"{what} {size} is outside the tree (size {self.size})")

    def _range_hash(self, start: int, end: int, memo: dict[tuple[int, int], bytes]) -> bytes:
        """MTH of leaves ``[start, end)`` where ``start`` is aligned as in the RFC recursion (never hashes leaves).

        Every range the RFC 9162 recursion visits starts at a multiple of the power of two covering it, so its left
        part is a cached perfect subtree and only the right edge is combined; ``memo`` shares those right-edge
        hashes between the steps of one proof.
        """
        n = end - start
        if n & (n - 1) == 0:
            height = n.bit_length() - 1
            return self._levels[height][start >> height]
        cached = memo.get((start, end))
        if cached is None:
            k = _split(n)
            cached = node_hash(self._range_hash(start, start + k, memo), self._range_hash(start + k, end, memo))
            memo[(start, end)] = cached
        return cached


def root(leaf_hashes: Sequence[bytes]) -> bytes:
    """Merkle tree hash of a list of leaf hashes (RFC 9162 §2.1.1)."""
    return MerkleTree(leaf_hashes).root()


def inclusion_proof(leaf_hashes: Sequence[bytes], index: int, size: int | None = None) -> list[bytes]:
    """Inclusion proof of leaf ``index`` in the tree of the first ``size`` leaf hashes (default: all)."""
    size = len(leaf_hashes) if size is None else size
    return MerkleTree(leaf_hashes[: max(size, 0)]).inclusion_proof(index, size)


def consistency_proof(leaf_hashes: Sequence[bytes], size1: int, size2: int | None = None) -> list[bytes]:
    """Consistency proof from the first ``size1`` to the first ``size2`` leaf hashes (default: all)."""
    size2 = len(leaf_hashes) if size2 is None else size2
    return MerkleTree(leaf_hashes[: max(size2, 0)]).consistency_proof(size1, size2)


def _check_int(value: int, what: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise MalformedProofError(f"{what} must be a non-negative integer, got {value!r}")


def _inclusion_proof_size(index: int, size: int) -> int:
    # Nodes below the point where the paths to `index` and `size - 1` meet, plus one left sibling for each level
    # above it where the path turns right.
    inner = (index ^ (size - 1)).bit_length()
    return inner + (index >> inner).bit_count()


def inclusion_proof_size(index: int, size: int) -> int:
    """How many hashes the inclusion proof of leaf ``index`` in a tree of ``size`` leaves has (``index < size``)."""
    return _inclusion_proof_size(index, size)


def _consistency_proof_size(size1: int, size2: int) -> int:
    inner = ((size1 - 1) ^ (size2 - 1)).bit_length()
    border = ((size1 - 1) >> inner).bit_count()
    shift = (size1 & -size1).bit_length() - 1  # height of the rightmost perfect subtree of the old tree
    seed = 0 if size1 == 1 << shift else 1  # that subtree's root is sent unless it is the whole old tree
    return seed + inner - shift + border


def verify_inclusion(leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes) -> None:
    """Check that ``leaf_hash`` is leaf ``index`` of the tree of ``size`` leaves with ``root`` (RFC 9162 §2.1.3.2).

    Raises ``MalformedProofError`` for bad parameters and ``InclusionProofError`` when the proof leads elsewhere.
    """
    _check_int(index, "leaf index")
    _check_int(size, "tree size")
    if index >= size:
        raise MalformedProofError(f"leaf index {index} is not below tree size {size}")
    _check_hash(leaf_hash, "leaf hash", MalformedProofError)
    _check_hash(root, "root", MalformedProofError)
    for i, node in enumerate(proof):
        _check_hash(node, f"proof[{i}]", MalformedProofError)
    want = _inclusion_proof_size(index, size)
    if len(proof) != want:
        raise MalformedProofError(
            f"inclusion proof for leaf {index} of {size}: expected {want} hashes, got {len(proof)}"
        )
    fn, sn, r = index, size - 1, bytes(leaf_hash)
    for p in proof:
        if sn == 0:  # unreachable after the length check; kept because the RFC algorithm requires it
            raise MalformedProofError("inclusion proof is longer than the path to the root")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise MalformedProofError("inclusion proof is shorter than the path to the root")
    if r != root:
        raise InclusionProofError(f"inclusion proof: expected root {bytes(root).hex()}, computed {r.hex()}")


def verify_consistency(size1: int, size2: int, root1: bytes, root2: bytes, proof: Sequence[bytes]) -> None:
    """Check that the tree of ``size2`` leaves with ``root2`` extends the one of ``size1`` with ``root1``.

    RFC 9162 §2.1.4.2. Equal sizes need an empty proof and equal roots; ``size1 == 0`` is refused (a consistency
    proof from the empty tree proves nothing); ``size1 > size2`` is refused.
    """
    _check_int(size1, "size1")
    _check_int(size2, "size2")
    if size1 > size2:
        raise MalformedProofError(f"size1 {size1} is larger than size2 {size2}")
    if size1 == 0:
        raise MalformedProofError("a consistency proof from the empty tree (size1 0) proves nothing")
    _check_hash(root1, "root1", MalformedProofError)
    _check_hash(root2, "root2", MalformedProofError)
    for i, node in enumerate(proof):
        _check_hash(node, f"proof[{i}]", MalformedProofError)
    if size1 == size2:
        if proof:
            raise MalformedProofError(f"sizes are equal ({size1}) but the proof has {len(proof)} hashes, expected 0")
        if root1 != root2:
            raise ConsistencyProofError(
                f"sizes are equal ({size1}): expected root {bytes(root2).hex()}, got {bytes(root1).hex()}"
            )
        return
    want = _consistency_proof_size(size1, size2)
    if len(proof) != want:
        raise MalformedProofError(f"consistency proof {size1} -> {size2}: expected {want} hashes, got {len(proof)}")
    fr, sr = _chain_consistency(size1, size2, bytes(root1), [bytes(p) for p in proof])
    if fr != root1:
        raise ConsistencyProofError(f"consistency proof: expected root1 {bytes(root1).hex()}, computed {fr.hex()}")
    if sr != root2:
        raise ConsistencyProofError(f"consistency proof: expected root2 {bytes(root2).hex()}, computed {sr.hex()}")


def _chain_consistency(size1: int, size2: int, root1: bytes, proof: list[bytes]) -> tuple[bytes, bytes]:
    """Steps 2-6 of RFC 9162 §2.1.4.2: the old and new roots the proof leads to."""
    if size1 & (size1 - 1) == 0:
        proof = [root1, *proof]
    fn, sn = size1 - 1, size2 - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:  # unreachable after the length check; kept because the RFC algorithm requires it
            raise MalformedProofError("consistency proof is longer than the path to the root")
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise MalformedProofError("consistency proof is shorter than the path to the root")
    return fr, sr
