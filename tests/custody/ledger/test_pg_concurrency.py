"""Issue 15's "done when": 16 `scelle custody record` processes append to one PostgreSQL ledger at once, some are
killed with SIGKILL in the middle of their append; every acknowledged event is there, once, and the ledger verifies."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import psycopg

from custody.ledger.ledger import Ledger
from custody.ledger.verify import verify_ledger
from custody.model.keys import KeyPair, save_private_key
from tests.custody.conftest import CASE, ORIGIN
from tests.custody.support.factories import domestic_order, utc
from tests.support.postgres import PgServer

ROOT = Path(__file__).resolve().parents[3]
PASSPHRASE = "pg concurrency test passphrase"  # noqa: S105 - a test passphrase
CLIENTS = 16
KILLED_WAITING = (0, 5, 10)  # killed inside their append transaction, waiting for the ledger's lock
KILLED_LATER = (3, 8, 13)  # killed at staggered moments once appends run: before, during or after their own


def _record(location: str, key: Path, number: int, at: str) -> subprocess.Popen[str]:
    digest = hashlib.sha256(f"disk-{number % 4}".encode()).hexdigest()  # four artefacts: their chains interleave
    command = [sys.executable, "-m", "cli", "custody", "record", location, "--key", str(key), "--action", "acquired"]
    command += ["--artefact", f"sha256:{digest}", "--authority", "au-ma-order", "--category", "content", "--json"]
    command += ["--at", at]  # one time for all: a client started later must not record an earlier occurrence
    env = {**os.environ, "SCELLE_PASSPHRASE": PASSPHRASE}
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _waiting(conn: psycopg.Connection[tuple[object, ...]]) -> int:
    row = conn.execute(
        "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'scelle' AND wait_event_type = 'Lock'"
    ).fetchone()
    return int(row[0]) if row else 0


def test_16_record_processes_some_killed_lose_and_duplicate_nothing(
    pg_server: PgServer, keys: dict[str, KeyPair], tmp_path: Path
) -> None:
    name = "case-" + uuid.uuid4().hex[:12]
    location = pg_server.url(name)
    ledger_key, handler_key = tmp_path / "ledger.key", tmp_path / "amina.key"
    save_private_key(keys["ledger"], ledger_key, PASSPHRASE.encode(), rounds=4)  # a cheap KDF: tests only
    save_private_key(keys["amina"], handler_key, PASSPHRASE.encode(), rounds=4)
    with Ledger.create(location, case=CASE, origin=ORIGIN, ledger_key=keys["ledger"], key_file=str(ledger_key)) as new:
        new.add_authority(domestic_order(valid_until=utc(2099, 1, 1)), keys["amina"], now=utc(2026, 3, 1, 12))

    with (
        psycopg.connect(pg_server.conninfo(), autocommit=True) as holder,
        psycopg.connect(pg_server.conninfo(), autocommit=True) as watcher,
    ):
        holder.execute("BEGIN")
        holder.execute("SELECT 1 FROM scelle_ledgers WHERE name = %s FOR UPDATE", (name,))
        at = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        clients = [_record(location, handler_key, number, at) for number in range(CLIENTS)]
        deadline = time.monotonic() + 120
        while _waiting(watcher) < CLIENTS:
            assert time.monotonic() < deadline, "the 16 clients never all waited for the ledger's lock"
            assert all(c.poll() is None for c in clients), [c.communicate() for c in clients if c.poll() is not None]
            time.sleep(0.05)
        for number in KILLED_WAITING:
            clients[number].send_signal(signal.SIGKILL)
        holder.execute("COMMIT")  # the lock goes to the waiting clients, one append at a time
    for number in KILLED_LATER:
        time.sleep(0.1)
        clients[number].send_signal(signal.SIGKILL)

    acknowledged: list[str] = []
    for number, client in enumerate(clients):
        out, err = client.communicate(timeout=120)
        if number in KILLED_WAITING:
            assert client.returncode == -signal.SIGKILL
        elif client.returncode == 0:  # a client killed later may have finished first: then it is acknowledged
            acknowledged.append(json.loads(out)["id"])
        else:
            assert number in KILLED_LATER and client.returncode == -signal.SIGKILL, (number, client.returncode, err)
    assert len(acknowledged) >= CLIENTS - len(KILLED_WAITING) - len(KILLED_LATER)

    with Ledger.open(location) as ledger:
        events = [e.entry_id for e in ledger.entries() if e.kind == "event"]
    assert len(events) == len(set(events)), "an event is stored twice"
    assert set(acknowledged) <= set(events), "an acknowledged event is missing"
    assert len(events) <= CLIENTS - len(KILLED_WAITING)  # those killed while waiting never committed
    report = verify_ledger(location, trust=keys["ledger"].info.vkey)
    assert report.ok and report.events == len(events)
