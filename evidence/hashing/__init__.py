"""Hashing: the digest core (SHA-256, BLAKE3, MD5, SHA-1), the read-once pipeline, file and stream digests."""
