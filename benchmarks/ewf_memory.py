"""Peak memory of ``scelle verify`` and ``scelle image hash`` on E01 images of growing size (issue 16: memory flat in
image size).

For each --sizes value (MiB), builds that much mixed content (benchmarks/mixed_content.py), acquires it with
``scelle acquire --format e01 --compress fast --hash md5,sha1``, deletes the raw file, then runs each command as a
child process and reads its peak resident set size (``ru_maxrss`` of the child). Prints one row per size and the
ratio of the largest to the smallest peak (flat: close to 1).

    python benchmarks/ewf_memory.py [--sizes 512,4096] [--dir DIR]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bytecode import cached_bytecode_environment
from mixed_content import MIB, write_mixed

ROOT = Path(__file__).resolve().parents[1]


def _peak(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of one child run."""
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.execve(argv[0], argv, env)  # noqa: S606 - the benchmark's own command line
    _pid, status, usage = os.wait4(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(argv)}: exit {os.waitstatus_to_exitcode(status)}")
    return time.perf_counter() - started, usage.ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="512,4096", help="MiB of mixed content per image (default 512,4096)")
    parser.add_argument("--dir", type=Path, default=None, help="where to build the images (default: a temp dir)")
    args = parser.parse_args()
    scelle = [sys.executable, "-m", "cli"]
    peaks: dict[str, list[float]] = {"verify": [], "image hash": []}
    with tempfile.TemporaryDirectory(dir=args.dir) as work:
        env = {**cached_bytecode_environment(Path(work) / "pycache"), "PYTHONPATH": str(ROOT)}
        print(f"{'size':>9}  {'E01 on disk':>12}  {'verify':>18}  {'image hash':>18}")
        for size in (int(value) for value in args.sizes.split(",")):
            raw = write_mixed(Path(work) / "m.raw", size * MIB)
            image = Path(work) / f"m{size}.E01"
            acquire = [*scelle, "acquire", str(raw), str(image), "--format", "e01", "--compress", "fast"]
            subprocess.run(
                [*acquire, "--hash", "md5,sha1", "-q"], check=True, cwd=ROOT, env=env, stdout=subprocess.DEVNULL
            )
            raw.unlink()
            on_disk = sum(path.stat().st_size for path in Path(work).glob(f"m{size}.E*"))
            row = [f"{size:>5} MiB", f"{on_disk / 1e6:>9.0f} MB"]
            for name, command in (("verify", ["verify"]), ("image hash", ["image", "hash"])):
                seconds, peak = _peak([*scelle, *command, str(image), "-q"], env)
                peaks[name].append(peak)
                row.append(f"{peak:>7.0f} MB {seconds:>6.1f} s")
            print("  ".join(row), flush=True)
            for path in Path(work).glob(f"m{size}.*"):
                path.unlink()
    for name, values in peaks.items():
        print(f"{name}: largest/smallest peak RSS = {max(values) / min(values):.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
