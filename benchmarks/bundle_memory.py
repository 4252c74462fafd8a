#!/usr/bin/env python3
"""Peak memory of ``scelle custody verify BUNDLE`` for bundles of growing size made from a real ledger.

Usage (from the repository root):
    .venv/bin/python benchmarks/bundle_memory.py [--sizes 5,50,200]

For each size (MB) the script records, in a real ledger (SQLite, signed entries), one legal authority and as many
events about one artefact as it takes for the exported bundle to reach that size (every 10th event a transfer
signed by two handlers), exports the bundle of that artefact (``custody.bundle.export.export_bundle``) and runs the
command-line verifier on it in a child process, with the ledger key as trust anchor. It prints the bundle size,
the verdict, the wall time and the child's peak resident set size (``ru_maxrss``).

Goal (issue 18): a 50 MB bundle verifies in under 300 MB RSS, a 200 MB one in under 600 MB.

The ledger is written under a memory-backed temporary directory when the system has one (building it is bound by
``fsync`` otherwise); that does not change what is measured, which is the verifier's memory.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from custody.bundle.export import export_bundle  # noqa: E402
from custody.bundle.io import read_ledger  # noqa: E402
from custody.ledger.drafts import EventDraft  # noqa: E402
from custody.ledger.ledger import Ledger  # noqa: E402
from custody.model.keys import generate_key  # noqa: E402
from custody.model.legal import Authority, Offence, Scope  # noqa: E402
from custody.model.records import Artefact  # noqa: E402

START = datetime(2026, 3, 1, tzinfo=UTC)
ITEM = Artefact(digests={"sha256": hashlib.sha256(b"disk").hexdigest()}, name="disk.E01", size=1 << 30)
BYTES_PER_EVENT = 1900
"""About what one event adds to a bundle (leaf, signatures, inclusion proof); only used to size the ledger."""


def _authority() -> Authority:
    return Authority(
        id="au-bench-mem",
        instrument="budapest-31",
        issuing_state="FR",
        issuing_authority="JI Paris",
        issuing_authority_type="investigating-judge",
        reference="JI-BENCH-MEM",
        issued=START,
        valid_from=START,
        valid_until=START + timedelta(days=3650),
        requested_state="MA",
        facts="bench",
        offence=Offence(description="escroquerie"),
        scope=Scope(categories=("content",), identifiers=("disk WD-XYZ",)),
    )


def build(base: Path, megabytes: int) -> tuple[Path, Path]:
    """A ledger whose bundle for ``ITEM`` is about ``megabytes`` MB, the bundle file and the ledger key file."""
    keys = [generate_key(name=n, role="examiner", organisation="DGSN", country="MA") for n in ("Amina", "Youssef")]
    ledger_key = generate_key(name="scelle.example/mem-bench", role="ledger", organisation="DGSN", country="MA")
    path = base / f"mem-{megabytes}.ledger"
    count = max(1, megabytes * 1_000_000 // BYTES_PER_EVENT)
    with Ledger.create(path, case="MA-1", origin="scelle.example/mem-bench", ledger_key=ledger_key, now=START) as led:
        led.add_authority(_authority(), keys[0], now=START)
        holder, other = keys
        for i in range(count):
            when = START + timedelta(seconds=i)
            transfer = i % 10 == 9
            draft = EventDraft(
                action="transferred" if transfer else "accessed",
                artefacts=(ITEM,),
                occurred_at=when,
                occurred_tz="Africa/Casablanca",
                authorities=("au-bench-mem",),
                categories=("content",),
            )
            led.record(holder, draft, counter_key=other if transfer else None, now=when + timedelta(minutes=1))
            if transfer:
                holder, other = other, holder
    leaves, checkpoint, _ = read_ledger(path)
    bundle = base / f"mem-{megabytes}.json"
    bundle.write_bytes(export_bundle(leaves, checkpoint, artefacts=[ITEM.key]).bundle.to_bytes())
    trust = base / "ledger.pub"
    trust.write_text(ledger_key.info.vkey + "\n", encoding="utf-8")
    return bundle, trust


def verify_in_child(bundle: Path, trust: Path) -> tuple[int, float, int]:
    """Exit status, seconds and peak RSS (KiB) of ``scelle custody verify`` in a fresh child process."""
    code = "import sys; from cli.main import main; sys.argv = ['scelle', *sys.argv[1:]]; main()"
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, "custody", "verify", str(bundle), "--trust", str(trust)],
        cwd=REPO,
        capture_output=True,
        check=False,
    )
    spent = time.perf_counter() - began
    # The largest child so far: sizes run in ascending order, so it is this one.
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return done.returncode, spent, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="5,50", help="Bundle sizes in MB, comma-separated (ascending).")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    shm = Path("/dev/shm")
    root = str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None
    with tempfile.TemporaryDirectory(dir=root) as tmp:
        for megabytes in sizes:
            began = time.perf_counter()
            bundle, trust = build(Path(tmp), megabytes)
            built = time.perf_counter() - began
            status, spent, peak = verify_in_child(bundle, trust)
            verdict = "VERIFIED" if status == 0 else f"exit {status}"
            print(
                f"bundle {bundle.stat().st_size / 1e6:.1f} MB (built in {built:.0f} s): {verdict}, "
                f"{spent:.1f} s, peak RSS {peak / 1024:.0f} MB"
            )
            bundle.unlink()


if __name__ == "__main__":
    main()
