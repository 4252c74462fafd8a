"""The stored right edge of the tree gives the RFC 9162 root of every size, as the full tree does."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custody.errors import LedgerTamperedError
from custody.tlog import merkle
from custody.tlog.frontier import Frontier


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 300))
def test_root_matches_the_full_tree_at_every_size(n: int) -> None:
    leaves = [merkle.leaf_hash(i.to_bytes(4, "big")) for i in range(n)]
    tree = merkle.MerkleTree(leaves)
    frontier = Frontier()
    assert frontier.root() == merkle.root([])
    for i, leaf in enumerate(leaves):
        frontier.append(leaf)
        assert frontier.root() == tree.root(i + 1)
    again = Frontier.from_bytes(n, frontier.to_bytes())
    assert again.root() == frontier.root()


def test_rfc_example_tree_root() -> None:
    data = [
        b"",
        b"\x00",
        b"\x10",
        b"\x20\x21",
        b"\x30\x31",
        b"\x40\x41\x42\x43",
        bytes(range(0x50, 0x58)),
        bytes(range(0x60, 0x70)),
    ]
    frontier = Frontier()
    for item in data:
        frontier.append(hashlib.sha256(b"\x00" + item).digest())
    assert frontier.root().hex() == "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"


@pytest.mark.parametrize(("size", "data"), [(3, bytes(32)), (1, bytes(31)), (2, bytes(64)), (-1, b"")])
def test_a_frontier_that_does_not_fit_its_size_is_refused(size: int, data: bytes) -> None:
    with pytest.raises(LedgerTamperedError):
        Frontier.from_bytes(size, data)
