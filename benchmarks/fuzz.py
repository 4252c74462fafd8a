#!/usr/bin/env python3
"""The long fuzz run of issue 18: seeded cases over every target of ``tests/fuzz/harness.py``, counts by outcome.

Usage (from the repository root, in the project's virtual environment):
    python benchmarks/fuzz.py --cases 5000            # cases spread evenly over the targets
    python benchmarks/fuzz.py --minutes 30            # as many cases as fit
    python benchmarks/fuzz.py --replay ledger:1234    # one case again, with what the command printed

Each case runs in a forked child with a timeout and a memory limit. The script prints a table of outcomes per
target and the ``TARGET:SEED`` of every bad case (traceback, hang, crash, misread); it exits 1 if there is any.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.fuzz.harness import BAD, OUTCOMES, TARGETS, make_corpus, run_case  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=None, help="number of cases in all")
    parser.add_argument("--minutes", type=float, default=None, help="run for this long instead")
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--targets", default=None, help=f"comma-separated, of {','.join(TARGETS)} (default: all)")
    parser.add_argument("--replay", metavar="TARGET:SEED", help="run one case and print its output")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds per case before it counts as a hang")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="scelle-fuzz-") as temporary:
        tools = {name: path for name in ("fls", "mmls", "icat") if (path := shutil.which(name))}
        if len(tools) < 3:
            print("fls, mmls or icat not found (Debian sleuthkit): the fs target is run without its oracle")
        corpus = make_corpus(Path(temporary), tools if len(tools) == 3 else {})
        if options.replay:
            target, _, seed = options.replay.partition(":")
            outcome, text = run_case(corpus, target, int(seed), timeout=options.timeout)
            print(f"{options.replay}: {outcome}\n{text}")
            return 1 if outcome in BAD else 0
        return _run(corpus, options)


def _run(corpus: object, options: argparse.Namespace) -> int:
    targets = options.targets.split(",") if options.targets else list(TARGETS)
    counts: dict[str, Counter[str]] = {target: Counter() for target in targets}
    bad: list[str] = []
    stop = time.monotonic() + 60 * options.minutes if options.minutes else None
    total = options.cases if options.cases is not None else (None if stop else 500)
    started, seed, done = time.monotonic(), options.first_seed, 0
    while (total is None or done < total) and (stop is None or time.monotonic() < stop):
        for target in targets:
            if total is not None and done >= total:
                break
            outcome, text = run_case(corpus, target, seed, timeout=options.timeout)  # type: ignore[arg-type]
            counts[target][outcome] += 1
            done += 1
            if outcome in BAD:
                bad.append(f"{target}:{seed} {outcome}: {text.strip().splitlines()[:1] if text else ''}")
        seed += 1
    print(f"{done} cases in {time.monotonic() - started:.0f} s (seeds {options.first_seed}..{seed - 1})")
    print(f"{'target':10}" + "".join(f"{o:>15}" for o in OUTCOMES) + f"{'all':>8}")
    for target, counter in counts.items():
        print(f"{target:10}" + "".join(f"{counter[o]:>15}" for o in OUTCOMES) + f"{counter.total():>8}")
    for line in bad:
        print("BAD", line)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
