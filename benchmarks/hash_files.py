#!/usr/bin/env python3
"""Time hashing every file of an ext4 image: scelle vs dfImageTools' recursive_hasher vs a bare pytsk3 loop.

Usage (from the repository root):
    python benchmarks/hash_files.py [--files 2000] [--runs 3] [--image IMG] [--keep] [--baseline OTHER_CHECKOUT]

The script builds (in a temporary directory) an ext4 image of --files files of varied sizes in nested directories,
then deletes 5% of them (debugfs), unless --image names an existing image. Each contender runs as a subprocess with
its output sent to /dev/null, once to warm the page cache and then --runs times, the contenders taking turns; the
median is reported:

- floor: this script's --floor mode, a bare pytsk3 walk that reads every regular file scelle hashes (the allocated
  ones and the deleted names whose inode TSK still loads) and feeds SHA-256 and BLAKE3, nothing else (no metadata,
  no output);
- scelle: `python -m cli image ls --hash --json IMAGE` (also lists deleted entries and computes both digests);
- recursive_hasher: dfImageTools' console script (pip install dfimagetools), which hashes with SHA-256 only;
- with ``--baseline OTHER_CHECKOUT`` (a worktree of ``main``, say): that checkout's scelle, in the same rounds, so a
  change is measured against its baseline under the same load. Both scelles then run as
  ``sh -c 'cd CHECKOUT && exec python -m cli ...'``, and their listings must be identical.

Goals (issue acceptance): scelle <= 1.3 x floor, recursive_hasher >= 3 x scelle.

Before timing, the script checks what each contender computed: scelle must list the deleted files and give both
digests, hashing as many files as the floor does, and its SHA-256 of every allocated file must be the one
recursive_hasher gives for that path (which hashes the allocated files only).

The contenders run with Python's bytecode cache allowed (PYTHONDONTWRITEBYTECODE removed, the cache kept in a
temporary PYTHONPYCACHEPREFIX), so the warm-up run leaves .pyc files as an installed package has them; with the
variable set (as in some CI sandboxes) scelle, run from a source tree, would recompile its modules on every run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bytecode import cached_bytecode_environment

REPO = Path(__file__).resolve().parents[1]
CHUNK = 1 << 20
EPOCH = "1709285400"


def _sizes(count: int, rng: random.Random) -> list[int]:
    """80% small (0-16 KiB), 18% medium (16-128 KiB), 2% large (256 KiB-1 MiB): about 32 KiB a file on average."""
    sizes = []
    for _ in range(count):
        roll = rng.random()
        if roll < 0.80:
            sizes.append(rng.randrange(0, 16 << 10))
        elif roll < 0.98:
            sizes.append(rng.randrange(16 << 10, 128 << 10))
        else:
            sizes.append(rng.randrange(256 << 10, 1 << 20))
    return sizes


def build_image(workdir: Path, count: int) -> Path:
    """ext4 image (4 KiB blocks) of `count` files in 40 directories, 5% of them then deleted with debugfs."""
    rng = random.Random(20240301)  # reproducible contents, not security
    source = workdir / "tree"
    names = []
    for index, size in enumerate(_sizes(count, rng)):
        rel = f"dir{index % 40:02d}/sub{index % 7}/file{index:05d}.bin"
        path = source / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(rng.randbytes(size))
        names.append(rel)
    total = sum(p.stat().st_size for p in source.rglob("*") if p.is_file())
    image = workdir / "bench-ext4.raw"
    env = {**os.environ, "E2FSPROGS_FAKE_TIME": EPOCH, "TZ": "UTC"}
    blocks = (total * 5 // 4 + (32 << 20)) // 4096
    subprocess.run(
        ["mkfs.ext4", "-q", "-F", "-b", "4096", "-N", str(count * 2 + 512), "-d", str(source), str(image), str(blocks)],
        check=True,
        env=env,
        capture_output=True,
    )
    doomed = rng.sample(names, count // 20)
    script = "".join(f'rm "{name}"\n' for name in doomed)
    subprocess.run(
        ["debugfs", "-w", "-f", "-", str(image)], input=script.encode(), check=True, env=env, capture_output=True
    )
    shutil.rmtree(source)
    print(
        f"built {image.name}: {count} files ({len(doomed)} deleted), {total / 1e6:.1f} MB of file data, "
        f"image {image.stat().st_size / 1e6:.1f} MB"
    )
    return image


def floor(image: Path) -> int:
    """The floor: walk with pytsk3, hash the regular files of every name (deleted ones too) with SHA-256 and BLAKE3,
    as scelle does; returns the file count. Only allocated directories are entered (the benchmark image has no
    deleted one)."""
    import blake3
    import pytsk3

    fs = pytsk3.FS_Info(pytsk3.Img_Info(str(image)))
    stack = [fs.open_dir(path="/")]
    seen = set()
    hashed = 0
    while stack:
        for entry in stack.pop():
            name, meta = entry.info.name, entry.info.meta
            if meta is None or name.name in (b".", b".."):
                continue
            if meta.type == pytsk3.TSK_FS_META_TYPE_DIR:
                if name.flags & pytsk3.TSK_FS_NAME_FLAG_ALLOC and meta.addr not in seen:
                    seen.add(meta.addr)
                    stack.append(entry.as_directory())
            elif meta.type == pytsk3.TSK_FS_META_TYPE_REG:
                sha, b3 = hashlib.sha256(), blake3.blake3()
                offset = 0
                while offset < meta.size:
                    data = entry.read_random(offset, min(CHUNK, meta.size - offset))
                    if not data:
                        raise OSError(f"short read in inode {meta.addr}")
                    sha.update(data)
                    b3.update(data)
                    offset += len(data)
                hashed += 1
    return hashed


def _run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system, the child and its threads) of one run, output discarded; a failure
    stops the benchmark."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(argv, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False, env=env)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed: {proc.stderr.decode(errors='replace').strip()}")
    return elapsed, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def _timed(
    commands: dict[str, list[str]], runs: int, env: dict[str, str], cpu: dict[str, list[float]] | None = None
) -> dict[str, list[float]]:
    """`runs` wall times of each contender (after one warm-up round), taken in turns; their CPU times go to ``cpu``.

    One run of each contender per round, so that a change of load on a shared machine falls on all of them rather
    than on whichever happened to run then. The CPU time is the steadier number when the machine is shared: other
    processes lengthen the wall time of a run more than the work it does.
    """
    times: dict[str, list[float]] = {name: [] for name in commands}
    for attempt in range(runs + 1):
        for name, argv in commands.items():
            elapsed, used = _run_once(argv, env)
            if attempt:
                times[name].append(elapsed)
                if cpu is not None:
                    cpu.setdefault(name, []).append(used)
    return times


def _output(argv: list[str]) -> list[str]:
    return subprocess.run(argv, cwd=REPO, capture_output=True, check=True).stdout.decode(errors="replace").splitlines()


def check_scelle(argv: list[str], hasher: list[str] | None, expected: int) -> None:
    """What scelle's timed run computes: both digests of every file, deleted ones included (checked, not assumed),
    as many as the floor hashes."""
    records = [json.loads(line) for line in _output(argv) if line.strip()]
    files = [r for r in records if r["type"] == "file"]
    both = [r for r in files if r.get("sha256") and r.get("blake3")]
    deleted = [r for r in both if not r["allocated"]]
    print(
        f"scelle: {len(records)} entries, {len(files)} files, {len(both)} with SHA-256 and BLAKE3 "
        f"({len(deleted)} of them deleted)"
    )
    if len(both) != expected:
        raise RuntimeError(f"scelle hashed {len(both)} files, the floor {expected}: the timings would not compare")
    if hasher is None:
        return
    theirs = {}
    for line in _output(hasher):
        digest, _tab, path = line.partition("\t")
        if len(digest) == 64:
            theirs[path.lstrip("/")] = digest
    ours = {r["path"]: r["sha256"] for r in both if r["allocated"]}
    agree = sum(1 for path, digest in theirs.items() if ours.get(path) == digest)
    print(f"recursive_hasher: {len(theirs)} SHA-256 digests, {agree} equal to scelle's for the same path")
    if agree != len(theirs):
        raise RuntimeError("scelle and recursive_hasher disagree on some file: the timings would compare nothing")


def _in(checkout: Path, argv: list[str]) -> list[str]:
    """``argv`` (``python -m cli ...``) run from ``checkout``, so that its ``cli`` package is the one imported."""
    return ["sh", "-c", 'cd "$0" && exec "$@"', str(checkout), *argv]


def contenders(image: Path, baseline: Path | None = None) -> dict[str, list[str]]:
    """Command lines to time; scelle and recursive_hasher are left out, with a note, when not installed."""
    found = {"floor": [sys.executable, str(Path(__file__).resolve()), "--floor", str(image)]}
    scelle = [sys.executable, "-m", "cli", "image", "ls", "--hash", "--json", str(image)]
    if baseline is not None:
        found["baseline scelle"] = _in(baseline.resolve(), scelle)
        scelle = _in(REPO, scelle)
    probe = subprocess.run([*scelle[: scelle.index("ls") + 1], "--help"], cwd=REPO, capture_output=True, check=False)
    if probe.returncode == 0 and b"--hash" in probe.stdout:
        found["scelle"] = scelle
    else:
        print("scelle: `image ls --hash` not available yet, skipped")
    hasher = shutil.which("recursive_hasher") or str(Path(sys.executable).with_name("recursive_hasher"))
    if Path(hasher).exists():
        found["recursive_hasher"] = [hasher, str(image)]
    else:
        print("recursive_hasher: not installed (pip install dfimagetools), skipped")
    return found


def report(image: Path, runs: int, baseline: Path | None = None) -> None:
    commands = contenders(image, baseline)
    expected = floor(image)
    print(f"regular files hashed by the floor (deleted ones included): {expected}")
    if "scelle" in commands:
        check_scelle(commands["scelle"], commands.get("recursive_hasher"), expected)
    if "baseline scelle" in commands and _output(commands["baseline scelle"]) != _output(commands["scelle"]):
        raise RuntimeError("scelle and the baseline's scelle list differently: the timings would not compare")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} CPUs)")
    with tempfile.TemporaryDirectory(prefix="scelle-bench-pycache-") as cache:
        env = cached_bytecode_environment(Path(cache))
        cpu: dict[str, list[float]] = {}
        runs_of = _timed(commands, runs, env, cpu)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    times = {name: statistics.median(values) for name, values in runs_of.items()}
    for name, seconds in times.items():
        print(
            f"{name:>17}: {seconds:.3f} s (median of {runs}, min {min(runs_of[name]):.3f}, process start included), "
            f"CPU {statistics.median(cpu[name]):.3f} s"
        )
    in_process = []
    for _ in range(runs):
        start = time.perf_counter()
        floor(image)
        in_process.append(time.perf_counter() - start)
    print(f"    floor, in-process walk only: {statistics.median(in_process):.3f} s")
    floor_cpu = statistics.median(cpu["floor"])
    for name in ("scelle", "baseline scelle"):
        if name in times:
            in_cpu = statistics.median(cpu[name]) / floor_cpu
            print(f"{name} / floor: {times[name] / times['floor']:.2f} (goal <= 1.3); in CPU time {in_cpu:.2f}")
    if "scelle" in times and "recursive_hasher" in times:
        print(f"recursive_hasher / scelle: {times['recursive_hasher'] / times['scelle']:.2f} (goal >= 3)")
    if "recursive_hasher" in times:
        print(f"recursive_hasher / floor: {times['recursive_hasher'] / times['floor']:.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--image", type=Path, help="use this image instead of building one")
    parser.add_argument("--keep", action="store_true", help="keep the built image and print its path")
    parser.add_argument("--baseline", type=Path, help="another checkout of scelle, timed in the same rounds")
    parser.add_argument("--floor", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor:
        floor(args.floor)
        return 0
    if args.image:
        report(args.image, args.runs, args.baseline)
        return 0
    workdir = Path(tempfile.mkdtemp(prefix="scelle-bench-"))
    try:
        report(build_image(workdir, args.files), args.runs, args.baseline)
    finally:
        if args.keep:
            print(f"image kept in {workdir}")
        else:
            shutil.rmtree(workdir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
