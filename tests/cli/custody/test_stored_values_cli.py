"""Issue 18 finding 7: a value stored in the ledger file is validated before use.

The mutation from the issue (``meta.size`` made text) is made here with sqlite3, then a sweep rewrites each stored
field to values of the wrong type or out of range; ``custody record`` and ``custody verify`` must end with one clean
line and exit 3 (a tampered ledger is a failed verification), never a traceback or a MemoryError.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.cli.custody.test_custody_cli import clean_error, disk, keys, ledger, run

__all__ = ["disk", "keys", "ledger"]  # fixtures, re-used from the custody CLI tests


def _tamper(path: Path, sql: str, *args: object) -> None:
    conn = sqlite3.connect(path)
    with conn:
        assert conn.execute(sql, args).rowcount >= 1, sql
    conn.close()


def _record(ledger: Path, keys: dict[str, Path], disk: Path) -> list[str]:
    return ["record", str(ledger), "--key", str(keys["amina"]), "--action", "seized", "--artefact", str(disk),
            "--authority", "TPI-2026-117", "--at", "2026-03-03T10:00:00Z", "--category", "content"]  # fmt: skip


def _one_clean_line(result_output: str) -> None:
    assert "Traceback" not in result_output
    assert "MemoryError" not in result_output and "ValueError" not in result_output


def test_text_tree_size_from_the_issue_is_a_tampered_ledger(ledger: Path, keys: dict[str, Path], disk: Path) -> None:
    _tamper(ledger, "UPDATE meta SET value = 'many' WHERE name = 'size'")
    result = run(*_record(ledger, keys, disk))
    clean_error(result, 3, "tree size (meta.size) is not an integer")
    assert len(result.output.strip().splitlines()) == 1, result.output


SWEEP = [
    ("UPDATE meta SET value = ? WHERE name = 'size'", "x"),
    ("UPDATE meta SET value = ? WHERE name = 'size'", -1),
    ("UPDATE meta SET value = ? WHERE name = 'size'", 1 << 62),
    ("UPDATE meta SET value = ? WHERE name = 'size'", 2.5),
    ("UPDATE meta SET value = ? WHERE name = 'size'", b"\x05"),
    ("UPDATE meta SET value = ? WHERE name = 'frontier'", "not bytes"),
    ("UPDATE meta SET value = ? WHERE name = 'frontier'", b"\x00" * (1 << 20)),
    ("UPDATE meta SET value = ? WHERE name = 'frontier'", 7),
    ("UPDATE checkpoints SET size = ? WHERE size = (SELECT MAX(size) FROM checkpoints)", -3),
    ("UPDATE checkpoints SET note = ? WHERE size = (SELECT MAX(size) FROM checkpoints)", b"\xff\x00"),
    ("UPDATE entries SET seq = ? WHERE seq = 1", -5),
    ("UPDATE entries SET leaf = ? WHERE seq = 1", 12),
    ("UPDATE entries SET leaf_hash = ? WHERE seq = 1", b"\x00" * 40),
    ("UPDATE heads SET event_id = ?", b"\x01\x02"),
]


@pytest.mark.parametrize(("sql", "value"), SWEEP, ids=[f"{s.split()[1]}-{s.split()[3]}-{v!r:.12}" for s, v in SWEEP])
def test_every_stored_field_tampered_gives_one_clean_line(
    ledger: Path, keys: dict[str, Path], disk: Path, sql: str, value: object
) -> None:
    if sql.startswith("UPDATE heads"):
        assert run(*_record(ledger, keys, disk)).exit_code == 0
    _tamper(ledger, sql, value)
    vkey = run("key", "show", str(keys["ledger"]), "--vkey").output.strip()
    verified = run("verify", str(ledger), "--trust", vkey)
    _one_clean_line(verified.output)
    assert verified.exit_code == 3, verified.output
    recorded = run(*_record(ledger, keys, disk))
    _one_clean_line(recorded.output)
    assert recorded.exit_code in (0, 1, 3), recorded.output
    if "meta" in sql:
        assert recorded.exit_code == 3, recorded.output
