#!/usr/bin/env python3
"""Peak memory of ``scelle custody verify BUNDLE`` for bundles of growing size made from a real ledger.

Usage (from the repository root):
    .venv/bin/python benchmarks/bundle_memory.py [--sizes 50,200] [--against OTHER_SOURCE_TREE]

For each size (MB) the script records, in a real ledger (SQLite, signed entries), one legal authority and as many
events about one artefact as it takes for the exported bundle to reach that size (every 10th event a transfer
signed by two handlers), exports the bundle of that artefact (``custody.bundle.export.export_bundle``) and runs the
command-line verifier on it in a child process, with the ledger key as trust anchor. It prints the bundle size,
the verdict, the wall time and the child's peak resident set size (``ru_maxrss``).

Goal (issue 18): a 50 MB bundle verifies in under 300 MB RSS, a 200 MB one in under 600 MB.

The ledger is written under a memory-backed temporary directory when the system has one (building it is bound by
``fsync`` otherwise); that does not change what is measured, which is the verifier's memory.

The peak of a child measured with ``ru_maxrss`` includes the peak of the process it was forked from (Linux keeps
it across ``exec``), so this script builds each ledger and bundle in a child of its own and stays small itself:
what it prints is the verifier's memory, not the builder's.

``--against DIR`` also runs the verifier of another source tree (e.g. a checkout of the previous release) on the
same bundles, and prints the ratio of the two peaks: the baseline is measured in the same run, on the same files.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

REPO = Path(__file__).resolve().parents[1]
if TYPE_CHECKING:
    from custody.model.legal import Authority

START = datetime(2026, 3, 1, tzinfo=UTC)
BYTES_PER_EVENT = 2200
GOALS = {50: 300, 200: 600}
"""Issue 18: bundle size (MB) -> peak RSS (MB) not to exceed."""
"""About what one event adds to a bundle (leaf, signatures, inclusion proof); only used to size the ledger."""


def _authority() -> Authority:
    from custody.model.legal import Authority, Offence, Scope

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
    """A ledger whose bundle for one artefact is about ``megabytes`` MB, the bundle file and the ledger key file."""
    from custody.bundle.export import export_bundle
    from custody.bundle.io import read_ledger
    from custody.ledger.drafts import EventDraft
    from custody.ledger.ledger import Ledger
    from custody.model.keys import generate_key
    from custody.model.records import Artefact

    item = Artefact(digests={"sha256": hashlib.sha256(b"disk").hexdigest()}, name="disk.E01", size=1 << 30)
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
                artefacts=(item,),
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
    bundle.write_bytes(export_bundle(leaves, checkpoint, artefacts=[item.key]).bundle.to_bytes())
    trust = base / "ledger.pub"
    trust.write_text(ledger_key.info.vkey + "\n", encoding="utf-8")
    return bundle, trust


def build_in_child(base: Path, megabytes: int) -> tuple[Path, Path]:
    """``build`` in a child process (this one stays small: see the module docstring)."""
    subprocess.run([sys.executable, __file__, "--build", str(base), str(megabytes)], cwd=REPO, check=True)
    return base / f"mem-{megabytes}.json", base / "ledger.pub"


def verify_in_child(bundle: Path, trust: Path, tree: Path) -> tuple[int, float, int]:
    """Exit status, seconds and peak RSS (KiB) of ``scelle custody verify`` of source ``tree`` in a fresh child."""
    # VmHWM (Linux) is the peak of this process image alone; ru_maxrss elsewhere (then this process must stay small).
    code = (
        "import os, resource, sys; from cli.main import main; sys.argv = ['scelle', *sys.argv[1:]]\n"
        "try:\n    main()\nfinally:\n"
        "    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "    if os.path.exists('/proc/self/status'):\n"
        "        with open('/proc/self/status', encoding='ascii') as status:\n"
        "            peak = next(int(line.split()[1]) for line in status if line.startswith('VmHWM:'))\n"
        "    print('peak', peak, file=sys.stderr)"
    )
    began = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, "custody", "verify", str(bundle), "--trust", str(trust)],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree)},
        capture_output=True,
        check=False,
        text=True,
    )
    spent = time.perf_counter() - began
    peaks = [line.split()[1] for line in done.stderr.splitlines() if line.startswith("peak ")]
    if not peaks:
        raise SystemExit(f"the verifier of {tree} did not report its peak: {done.stderr[-2000:]}")
    return done.returncode, spent, int(peaks[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="50,200", help="Bundle sizes in MB, comma-separated.")
    parser.add_argument("--against", type=Path, help="Another source tree whose verifier is measured too.")
    parser.add_argument("--build", nargs=2, metavar=("DIR", "MB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        sys.path.insert(0, str(REPO))
        build(Path(args.build[0]), int(args.build[1]))
        return
    sizes = sorted(int(s) for s in args.sizes.split(","))
    trees = [("this tree", REPO)] + ([("against", args.against.resolve())] if args.against else [])
    shm = Path("/dev/shm")
    root = str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None
    failed = False
    with tempfile.TemporaryDirectory(dir=root) as tmp:
        for megabytes in sizes:
            base = Path(tmp) / f"s{megabytes}"
            base.mkdir()
            began = time.perf_counter()
            bundle, trust = build_in_child(base, megabytes)
            built = time.perf_counter() - began
            size = bundle.stat().st_size / 1e6
            peaks = []
            for label, tree in trees:
                status, spent, peak = verify_in_child(bundle, trust, tree)
                verdict = "VERIFIED" if status == 0 else f"exit {status}"
                peaks.append(peak)
                print(
                    f"bundle {size:.1f} MB (built in {built:.0f} s), {label}: {verdict}, {spent:.1f} s, "
                    f"peak RSS {peak / 1024:.0f} MB ({peak / 1024 / size:.1f}x the bundle)",
                    flush=True,
                )
                failed |= label == "this tree" and status != 0
            if len(peaks) == 2:
                print(f"  peak RSS this tree / against: {peaks[0] / peaks[1]:.2f}", flush=True)
            goal = GOALS.get(megabytes)
            if goal is not None:
                met = peaks[0] / 1024 < goal
                failed |= not met
                print(f"  goal (issue 18): under {goal} MB: {'met' if met else 'NOT MET'}", flush=True)
            for path in base.iterdir():
                path.unlink()
    if failed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
