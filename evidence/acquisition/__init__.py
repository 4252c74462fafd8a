"""Acquisition: read a source once, hash it, write raw or E01, record it, and verify it later."""
