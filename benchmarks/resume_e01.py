"""What `acquire --format e01 --resume` costs against starting the acquisition again.

On one source file (default 256 MiB, alternating random and text MiBs, so chunks are stored both raw and
compressed), in one run:

  (a) ``scelle acquire SOURCE OUT --format e01`` uninterrupted (the cost of starting again);
  (b) the same acquisition stopped by SIGTERM once the writer is in the segment that holds ``--at`` of the media;
  (c) ``scelle acquire SOURCE OUT --format e01 --resume``: re-reads the source and the written E01 part up to the
      resume point, checks them against the record, cuts back and writes the rest;

and prints (c)/(a), with the share of the media the resume point covered. A resume pays for reading the source
prefix again (it must match the record) and for reading back the written part, and saves compressing and writing
it: (c)/(a) well under 1 means resuming is worth it at that point. Rounds are repeated (``--repeat``); the ratio uses
the best time of each, as the other benchmarks do, to factor out other load on a shared machine.

    python benchmarks/resume_e01.py                     # 256 MiB, stopped at 75 %, 3 rounds
    python benchmarks/resume_e01.py --size 128MiB --at 0.5 --repeat 1 --compress best
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from evidence.common.units import format_size, parse_size  # noqa: E402 - after the path set-up above

MIB = 1 << 20
SEGMENT = 16 * MIB


def make_source(path: Path, size: int) -> None:
    with path.open("wb") as handle:
        for i in range(size // MIB):
            line = b"line %d of a report\n" % i
            handle.write(os.urandom(MIB) if i % 2 else (line * (MIB // len(line) + 1))[:MIB])


COMPRESS = ["fast"]


def command(source: Path, output: Path, *extra: str) -> list[str]:
    options = ["--format", "e01", "--compress", COMPRESS[0], "--segment-size", str(SEGMENT), "--window", "4MiB", "-q"]
    return [sys.executable, "-m", "cli", "acquire", str(source), str(output), *options, *extra]


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(args, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def stopped(source: Path, output: Path, segments: int) -> None:
    """Start the acquisition and stop it with SIGTERM when its ``segments``-th segment file appears."""
    child = subprocess.Popen(command(source, output), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    last = output.with_name(f"{output.name}.E{segments:02d}")
    while not last.exists():
        if child.poll() is not None:
            raise SystemExit("the acquisition ended before it could be stopped: use a larger --size")
        time.sleep(0.002)
    child.send_signal(signal.SIGTERM)
    child.wait()


def clear(folder: Path) -> None:
    for path in folder.glob("out*"):
        path.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", default="256MiB")
    parser.add_argument("--at", type=float, default=0.75, help="share of the stored set written before the stop")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--compress", default="fast", choices=["none", "fast", "best"])
    parser.add_argument("--dir", default="/dev/shm" if Path("/dev/shm").is_dir() else None)
    args = parser.parse_args()
    size = parse_size(args.size)
    COMPRESS[0] = args.compress
    folder = Path(tempfile.mkdtemp(prefix="resume-e01-", dir=args.dir))
    try:
        source = folder / "source.img"
        make_source(source, size)
        output = folder / "out"
        full, resumed, covered = [], [], []
        for _round in range(args.repeat):
            clear(folder)
            full.append(timed(command(source, output)))
            total = len(list(folder.glob("out.E[0-9][0-9]")))
            clear(folder)
            stopped(source, output, max(2, round(total * args.at)))
            record = json.loads((folder / "out.acquisition.json").read_text())
            ends = [w["end"] for w in record["piecewise"]["digests"]]
            chunks = record["format_details"]["checkpoint_chunks"] * record["format_details"]["chunk_size"]
            covered.append(max((end for end in ends if end <= chunks), default=0) / size)
            resumed.append(timed(command(source, output, "--resume")))
        shape = f"E01 {args.compress}, {format_size(SEGMENT)} segments, {args.repeat} round(s)"
        print(f"source {format_size(size)}, {shape}")
        print(f"(a) uninterrupted acquisition: best {min(full):.2f} s")
        print(f"(c) resume from {100 * max(covered):.0f} % of the media: best {min(resumed):.2f} s")
        print(f"(c)/(a) = {min(resumed) / min(full):.2f}")
    finally:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
