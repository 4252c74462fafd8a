"""The ledger: append signed entries to a SQLite store, verify it from its leaves, transfers, acquisitions."""
