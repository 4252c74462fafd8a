#!/usr/bin/env python3
"""Append to and verify custody ledgers of 10k and 100k events; compare verification with bare Ed25519 cost.

Usage (from the repository root):
    python benchmarks/ledger.py [--sizes 10000,100000] [--runs 3] [--keep DIR]

For each size the script creates a ledger in a temporary directory with two legal authorities, then appends that
many events through the library (``Ledger.record``: one SQLite transaction with synchronous=FULL, one handler
signature and one checkpoint signature per event; every 10th event is a transfer signed by two handlers), and
reports events/s. It then runs ``verify_ledger`` (--runs times, best kept) and times the bare verification of the
same Ed25519 signatures (every handler signature of every entry and the signature of every checkpoint, with the
public keys already loaded: the least any verifier must do), and prints the ratio.

Goal (issue acceptance): verify time <= 1.3 x the bare Ed25519 cost.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import blake3  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey  # noqa: E402

from custody.ledger.drafts import EventDraft  # noqa: E402
from custody.ledger.ledger import Ledger  # noqa: E402
from custody.ledger.store import Store  # noqa: E402
from custody.ledger.verify import verify_ledger  # noqa: E402
from custody.model.entries import KeyEntry, LedgerHeader, parse_leaf  # noqa: E402
from custody.model.keys import KeyPair, generate_key  # noqa: E402
from custody.model.legal import Authority, Offence, Scope  # noqa: E402
from custody.model.records import Artefact  # noqa: E402
from custody.tlog.notes import parse_note  # noqa: E402
from evidence.common.report import VerificationError  # noqa: E402

START = datetime(2026, 3, 1, tzinfo=UTC)


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


def build(path: Path, count: int) -> float:
    """Create a ledger of ``count`` events; return the append rate in events/s."""
    keys: dict[str, KeyPair] = {
        "ledger": generate_key(name="scelle.example/bench", role="ledger", organisation="DGSN", country="MA"),
        "amina": generate_key(name="Amina El Idrissi", role="examiner", organisation="DGSN", country="MA"),
        "youssef": generate_key(name="Youssef Benali", role="custodian", organisation="DGSN", country="MA"),
    }
    with Ledger.create(
        path, case="MA-2026-0042", origin="scelle.example/bench", ledger_key=keys["ledger"], now=START
    ) as ledger:
        ledger.add_authority(_authority(), keys["amina"], now=START)
        began = time.perf_counter()
        for i in range(count):
            item = Artefact(
                digests={
                    "sha256": hashlib.sha256(b"item %d" % (i % 1000)).hexdigest(),
                    "blake3": blake3.blake3(b"item %d" % (i % 1000)).hexdigest(),
                },
                name=f"item-{i % 1000}.E01",
                size=1 << 30,
            )
            when = START + timedelta(seconds=i)
            draft = EventDraft(
                action="transferred" if i % 10 == 9 else "accessed",
                artefacts=(item,),
                occurred_at=when,
                occurred_tz="Africa/Casablanca",
                authorities=("au-bench-order",),
                location="DGSN laboratory, Rabat",
                seal=f"SC-{i % 1000}",
                categories=("content",),
            )
            counter = keys["youssef"] if i % 10 == 9 else None
            ledger.record(keys["amina"], draft, counter_key=counter, now=when + timedelta(minutes=1))
        elapsed = time.perf_counter() - began
    return count / elapsed


def bare_cost(path: Path) -> tuple[float, int]:
    """Seconds to verify every entry and checkpoint signature with preloaded keys, and how many there are."""
    store = Store.open(path, readonly=True)
    keys: dict[str, Ed25519PublicKey] = {}
    work: list[tuple[Ed25519PublicKey | str, bytes, bytes]] = []
    ledger_fp = ""
    for _seq, _kind, _id, leaf, _hash in store.entries():
        entry, payload = parse_leaf(bytes(leaf))
        if isinstance(entry.body, LedgerHeader | KeyEntry):
            fp = entry.body.fingerprint if isinstance(entry.body, LedgerHeader) else entry.entry_id
            keys[fp] = Ed25519PublicKey.from_public_bytes(entry.body.public_key)
            ledger_fp = ledger_fp or fp
        work.extend((s.key, s.sig, payload) for s in entry.signatures)
    for _size, note in store.checkpoints():
        text, signatures = parse_note(note)
        work.append((ledger_fp, signatures[0].signature, text.encode("utf-8")))
    store.close()
    resolved = [(keys[str(k)], sig, msg) for k, sig, msg in work]
    began = time.perf_counter()
    for public, sig, msg in resolved:
        public.verify(sig, msg)
    return time.perf_counter() - began, len(resolved)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000", help="Comma-separated event counts.")
    parser.add_argument("--runs", type=int, default=3, help="Verification runs per size (best kept).")
    parser.add_argument("--keep", type=Path, help="Keep the ledgers in this directory.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = args.keep or Path(tmp)
        for count in (int(s) for s in args.sizes.split(",")):
            path = base / f"ledger-{count}.db"
            append_rate = build(path, count)
            verify_time, entries = float("inf"), 0
            for _ in range(args.runs):
                began = time.perf_counter()
                try:
                    report = verify_ledger(str(path), unsafe_trust_embedded_key=True)
                except VerificationError as exc:
                    raise SystemExit(f"benchmark ledger does not verify: {exc}") from exc
                verify_time = min(verify_time, time.perf_counter() - began)
                entries = report.entries
            bare = min(bare_cost(path)[0] for _ in range(args.runs))
            signatures = bare_cost(path)[1]
            print(f"{count} events ({entries} entries, {signatures} signatures incl. checkpoints):")
            print(f"  append: {append_rate:,.0f} events/s (one fsync'd transaction and checkpoint each)")
            print(f"  verify: {count / verify_time:,.0f} events/s ({verify_time:.2f} s)")
            print(f"  bare Ed25519 verify of the same signatures: {bare:.2f} s")
            print(f"  ratio verify / bare Ed25519: {verify_time / bare:.2f} (goal <= 1.3)")


if __name__ == "__main__":
    main()
