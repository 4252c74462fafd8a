"""Transparency-log primitives on bytes: RFC 9162 Merkle trees, frontiers, C2SP signed notes. No I/O."""
