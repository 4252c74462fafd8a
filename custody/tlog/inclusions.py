"""Many inclusion proofs against one tree, with the work their paths share done once (same verdicts as one by one).

A bundle proves thousands of leaves against one checkpoint, and neighbouring leaves' paths meet after a level or
two: above that point, ``verify_inclusion`` would hash the same nodes again. The algorithm of RFC 9162 §2.1.3.2 is a
loop whose state is ``(fn, sn, r)`` and whose outcome depends only on that state, the proof hashes still to be used
and the root. ``Inclusions`` remembers each state that a successful proof went through with the rest of that proof;
a later proof that reaches the same state with the same remaining hashes succeeds too, exactly (no hash is assumed
collision-free for that). Anything else (a malformed proof, a proof that leads elsewhere) goes to
``verify_inclusion``, which raises its own error. The bundle verifier uses it as a fast path (``custody.fastpath``).
"""

from __future__ import annotations

from collections.abc import Sequence
from hashlib import sha256

from custody.tlog.merkle import HASH_SIZE, inclusion_proof_size, verify_inclusion

_BYTES = frozenset({bytes})
_HASH_LENGTH = frozenset({HASH_SIZE})
MAX_STATES = 1 << 20
"""Most loop states remembered (then the memory starts again; proofs still verify, only slower)."""


class Inclusions:
    """Inclusion proofs against the tree of ``size`` leaves with ``root``."""

    def __init__(self, size: int, root: bytes) -> None:
        self.size, self.root = size, root
        self.ok = type(size) is int and size > 0 and type(root) is bytes and len(root) == HASH_SIZE
        self.seen: dict[tuple[int, int, bytes], tuple[Sequence[bytes], int]] = {}

    def verify(self, leaf_hash: bytes, index: int, proof: Sequence[bytes]) -> None:
        """What ``verify_inclusion(leaf_hash, index, size, proof, root)`` does: return, or raise its error."""
        if not self._holds(leaf_hash, index, proof):
            verify_inclusion(leaf_hash, index, self.size, list(proof), self.root)

    def _holds(self, leaf_hash: bytes, index: int, proof: Sequence[bytes]) -> bool:
        size = self.size
        if not (self.ok and type(index) is int and 0 <= index < size and type(leaf_hash) is bytes):
            return False
        if len(leaf_hash) != HASH_SIZE or len(proof) != inclusion_proof_size(index, size):
            return False
        if not {*map(type, proof)} <= _BYTES or not {*map(len, proof)} <= _HASH_LENGTH:
            return False
        seen = self.seen
        states: list[tuple[int, int, bytes, int]] = []
        fn, sn, r = index, size - 1, leaf_hash
        for position, p in enumerate(proof):
            if sn == 0:  # as in verify_inclusion: unreachable once the length is right
                return False
            # A leaf's own state is not looked up (nor remembered): a bundle proves each leaf once.
            known = seen.get((fn, sn, r)) if position else None
            if known is not None:
                rest, start = known
                if len(rest) - start == len(proof) - position and tuple(rest[start:]) == tuple(proof[position:]):
                    self._remember(states, proof)
                    return True
            states.append((fn, sn, r, position))
            if fn & 1 or fn == sn:
                r = sha256(b"\x01" + p + r).digest()
                if not fn & 1:
                    while fn and not fn & 1:
                        fn, sn = fn >> 1, sn >> 1
            else:
                r = sha256(b"\x01" + r + p).digest()
            fn, sn = fn >> 1, sn >> 1
        if sn != 0 or r != self.root:
            return False
        self._remember(states, proof)
        return True

    def _remember(self, states: list[tuple[int, int, bytes, int]], proof: Sequence[bytes]) -> None:
        if len(self.seen) + len(states) > MAX_STATES:
            self.seen.clear()
        for fn, sn, r, position in states:
            if position:
                self.seen[(fn, sn, r)] = (proof, position)
