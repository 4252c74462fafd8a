"""The right edge of an RFC 9162 tree: enough to append a leaf and compute the new root without reading every leaf.

A tree of ``n`` leaves is, from the left, a sequence of perfect subtrees whose sizes are the powers of two in the
binary writing of ``n`` (largest first). Their roots form the *frontier*. Appending merges the last subtrees of equal
size, and the root is the right fold ``node(f0, node(f1, ... fk))``, which is exactly the RFC 9162 §2.1.1 split at
the largest power of two. The ledger stores the frontier with every append, so an append costs O(log n) however long
the ledger is; verification never trusts it and recomputes the whole tree from the leaves.
"""

from __future__ import annotations

from hashlib import sha256 as _sha256

from custody.errors import LedgerTamperedError
from custody.tlog.merkle import HASH_SIZE, NODE_PREFIX, empty_root


class Frontier:
    """Roots of the perfect subtrees of an append-only tree of ``size`` leaves."""

    __slots__ = ("_nodes", "size")

    def __init__(self, size: int = 0, nodes: list[bytes] | None = None) -> None:
        """Restore a frontier; ``nodes`` must hold one hash per set bit of ``size``."""
        self.size = size
        self._nodes = list(nodes or [])
        if size < 0 or len(self._nodes) != size.bit_count() or any(len(n) != HASH_SIZE for n in self._nodes):
            raise LedgerTamperedError(f"stored tree frontier does not fit a tree of {size} leaves")

    def append(self, leaf_hash: bytes) -> None:
        """Add one leaf hash at the end."""
        nodes = self._nodes
        nodes.append(leaf_hash)
        carry = self.size
        while carry & 1:
            right = nodes.pop()
            nodes[-1] = _sha256(NODE_PREFIX + nodes[-1] + right).digest()
            carry >>= 1
        self.size += 1

    def root(self) -> bytes:
        """The RFC 9162 root of the tree so far (``node_hash`` inlined: verification calls this per checkpoint)."""
        nodes = self._nodes
        if not nodes:
            return empty_root()
        result = nodes[-1]
        for i in range(len(nodes) - 2, -1, -1):
            result = _sha256(NODE_PREFIX + nodes[i] + result).digest()
        return result

    def to_bytes(self) -> bytes:
        """The nodes concatenated, for storage."""
        return b"".join(self._nodes)

    @classmethod
    def from_bytes(cls, size: int, data: bytes) -> Frontier:
        """Read what ``to_bytes`` stored for a tree of ``size`` leaves."""
        if len(data) % HASH_SIZE:
            raise LedgerTamperedError("stored tree frontier is not a whole number of hashes")
        return cls(size, [data[i : i + HASH_SIZE] for i in range(0, len(data), HASH_SIZE)])
