#!/usr/bin/env python3
"""Appends per second to one ledger from 1, 4 and 16 client processes: PostgreSQL against SQLite (issue 15).

Usage (from the repository root):
    .venv/bin/python benchmarks/ledger_stores.py [--total 480] [--clients 1,4,16] [--pg postgresql:///DB?host=...]

For each store and each number of clients, a new ledger is made (header and one legal authority), then that many
processes each open it with the ledger key and, all at the same signal, append ``total / clients`` events through
the library (``Ledger.record``: one transaction holding the ledger's write lock, one handler and one checkpoint
signature, a durable commit: SQLite ``synchronous=FULL``, PostgreSQL ``synchronous_commit=on`` with fsync). The
time runs from the signal to the last process's exit; process start-up and key loading are outside it. The
baseline is SQLite in the same run, on the same disk; the ratio is PostgreSQL / SQLite.

Without ``--pg`` a throwaway PostgreSQL server is started on a Unix socket in a temporary directory (as
``tests/support/postgres.py`` does for the tests; Debian's ``postgresql`` package, run as ``postgres`` when root).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from custody.ledger.drafts import EventDraft  # noqa: E402
from custody.ledger.ledger import Ledger  # noqa: E402
from custody.model.keys import generate_key, load_private_key, save_private_key  # noqa: E402
from custody.model.legal import Authority, Offence, Scope  # noqa: E402
from custody.model.records import Artefact  # noqa: E402

START = datetime(2026, 3, 1, tzinfo=UTC)
PASSPHRASE = b"benchmark passphrase"


def _authority() -> Authority:
    return Authority(
        id="au-bench-order",
        instrument="domestic-order",
        issuing_state="MA",
        issuing_authority="TPI Rabat",
        issuing_authority_type="court",
        reference="TPI-BENCH-1",
        issued=START,
        valid_from=START,
        valid_until=START + timedelta(days=3650),
        offence=Offence(description="fraude informatique"),
        scope=Scope(categories=("content",)),
    )


def worker(location: str, ledger_key: str, handler_key: str, count: int, tag: str) -> None:
    """Open the ledger, say ready, wait for the signal on stdin, append ``count`` events."""
    key = load_private_key(ledger_key, PASSPHRASE)
    handler = load_private_key(handler_key, PASSPHRASE)
    occurred = START + timedelta(days=1)
    with Ledger.open(location, ledger_key=key) as ledger:
        print("ready", flush=True)
        sys.stdin.readline()
        for i in range(count):
            item = Artefact(digests={"sha256": hashlib.sha256(f"{tag}-{i % 5}".encode()).hexdigest()})
            draft = EventDraft(
                action="acquired",
                artefacts=(item,),
                occurred_at=occurred,
                occurred_tz="Z",
                authorities=("au-bench-order",),
                categories=("content",),
            )
            ledger.record(handler, draft, now=occurred + timedelta(hours=1))


def run(location: str, keys: tuple[Path, Path], clients: int, total: int) -> float:
    """Appends per second of ``clients`` processes appending ``total`` events in all to a new ledger."""
    ledger_key = load_private_key(keys[0], PASSPHRASE)
    with Ledger.create(location, case="BENCH", origin="bench/ledger", ledger_key=ledger_key, now=START) as ledger:
        ledger.add_authority(_authority(), load_private_key(keys[1], PASSPHRASE), now=START)
    each = total // clients
    command = [sys.executable, __file__, "--worker", location, str(keys[0]), str(keys[1]), str(each)]
    procs = [
        subprocess.Popen([*command, f"c{n}"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        for n in range(clients)
    ]
    for proc in procs:
        if proc.stdout is None or proc.stdout.readline().strip() != "ready":
            raise SystemExit(f"a client could not open {location}")
    began = time.perf_counter()
    for proc in procs:
        if proc.stdin is None:
            raise SystemExit("no pipe to a client")
        proc.stdin.write("go\n")
        proc.stdin.flush()
    for proc in procs:
        if proc.wait() != 0:
            raise SystemExit(f"a client failed on {location}")
    elapsed = time.perf_counter() - began
    with Ledger.open(location) as ledger:
        events = sum(1 for e in ledger.entries() if e.kind == "event")
    if events != each * clients:
        raise SystemExit(f"{location}: {events} events stored, {each * clients} appended")
    return events / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--total", type=int, default=480, help="events appended per measurement (all clients)")
    parser.add_argument("--clients", default="1,4,16")
    parser.add_argument("--pg", help="a PostgreSQL location without ledger= (default: a throwaway server)")
    parser.add_argument("--worker", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        location, ledger_key, handler_key, count, tag = args.worker
        worker(location, ledger_key, handler_key, int(count), tag)
        return
    server = None
    if args.pg is None:
        from tests.support.postgres import start_server

        server = start_server(shutil.which)
        args.pg = server.url(None)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            keys = (Path(tmp) / "ledger.key", Path(tmp) / "handler.key")
            for path, role in zip(keys, ("ledger", "examiner"), strict=True):
                pair = generate_key(name=f"bench {role}", role=role, organisation="Lab", country="MA")
                save_private_key(pair, path, PASSPHRASE, rounds=4)
            print(f"{args.total} appends per measurement; durable commits; {os.cpu_count()} CPUs")
            print(f"{'clients':>7} {'SQLite/s':>10} {'PostgreSQL/s':>13} {'PG/SQLite':>10}")
            for clients in (int(c) for c in args.clients.split(",")):
                lite = run(str(Path(tmp) / f"ledger-{clients}.db"), keys, clients, args.total)
                sep = "&" if "?" in args.pg else "?"
                pg = run(f"{args.pg}{sep}ledger=bench-{uuid.uuid4().hex[:12]}", keys, clients, args.total)
                print(f"{clients:>7} {lite:>10.1f} {pg:>13.1f} {pg / lite:>10.2f}")
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
