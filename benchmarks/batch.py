"""``scelle batch verify`` on 1 and 2 Dask workers against ``scelle verify`` run on each image in turn (issue 15).

Builds COUNT images of SIZE MiB of random data in a temporary directory (raw, split raw and E01 in turn, acquired
by scelle's own acquisition), then, interleaved over ``--repeat`` rounds, best time of each:

* sequential: ``scelle verify IMAGE --quiet`` for every image, one process after another (what a script does);
* ``scelle batch verify STORE --workers 1`` and ``--workers 2`` (local cluster; its start-up is included).

Prints the throughput of each and its ratio to the sequential run, and the peak resident memory of each worker
process (the largest ``peak_rss_kib`` its results report). The batch's results are checked against the
sequential run's exit codes (all images match).

    python benchmarks/batch.py [--count 24] [--size 32] [--repeat 2] [--dir DIR]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.evidence.support.store import KINDS, acquire_into  # noqa: E402

MIB = 1 << 20


def scelle(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cli", *map(str, args)], cwd=ROOT, capture_output=True, text=True)


def sequential(images: list[Path]) -> float:
    started = time.perf_counter()
    for image in images:
        done = scelle("verify", image, "--quiet")
        if done.returncode != 0:
            raise SystemExit(f"scelle verify {image}: exit {done.returncode}: {done.stderr.strip()}")
    return time.perf_counter() - started


def batch(store: Path, workers: int, work: Path) -> tuple[float, dict[int, int]]:
    report = work / f"batch-{workers}-{time.monotonic_ns()}.jsonl"
    started = time.perf_counter()
    done = scelle("batch", "verify", store, "--workers", str(workers), "--report", report, "--quiet")
    took = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"scelle batch verify --workers {workers}: exit {done.returncode}: {done.stderr.strip()}")
    peaks: dict[int, int] = {}
    for line in report.read_text(encoding="utf-8").splitlines():
        worker = json.loads(line)["worker"]
        peaks[worker["pid"]] = max(peaks.get(worker["pid"], 0), worker["peak_rss_kib"])
    return took, peaks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=24)
    parser.add_argument("--size", type=int, default=32, help="MiB per image")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        work = Path(tmp)
        store = work / "store"
        store.mkdir()
        (work / "sources").mkdir()
        images = [acquire_into(store, work / "sources", i, KINDS[i % 3], args.size * MIB) for i in range(args.count)]
        total = args.count * args.size * MIB
        best: dict[str, float] = {}
        peaks: dict[int, dict[int, int]] = {}
        for _ in range(args.repeat):
            best["sequential"] = min(best.get("sequential", float("inf")), sequential(images))
            for workers in (1, 2):
                took, seen = batch(store, workers, work)
                best[f"batch-{workers}"] = min(best.get(f"batch-{workers}", float("inf")), took)
                peaks[workers] = seen
    print(f"{args.count} images x {args.size} MiB (raw, split raw, E01), best of {args.repeat}")
    for name, took in best.items():
        ratio = best["sequential"] / took
        print(f"  {name:<11} {took:7.2f} s  {total / took / MIB:7.1f} MiB/s  {ratio:5.2f}x sequential")
    for workers, seen in peaks.items():
        print(f"  batch-{workers} peak RSS per worker: " + ", ".join(f"{kib / 1024:.0f} MiB" for kib in seen.values()))


if __name__ == "__main__":
    main()
