"""Seeded fuzzing of scelle's parsers through its CLI, each case in a forked child with a timeout and a memory limit.

A case is ``TARGET:SEED``: the seed alone decides the mutation of the target's original file, so any case replays
exactly (``benchmarks/fuzz.py --replay ledger:123``). Outcomes: ``same`` (exit 0, the mutation changed nothing the
command reads), ``clean-error`` (one of the documented non-zero exits, no traceback), ``traceback`` (an exception
the CLI did not map), ``hang`` (past the timeout), ``crash`` (the child died by a signal or over its memory limit).
Targets so far: ``ledger`` (``custody verify`` of a mutated SQLite ledger) and ``key`` (``custody key show`` of a
mutated private key file).
"""

from __future__ import annotations

import os
import random
import resource
import shutil
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

PASS = "fuzz passphrase"  # noqa: S105 - a test passphrase
MEMORY_LIMIT = 1 << 30
OUTCOMES = ("same", "clean-error", "changed-valid", "traceback", "hang", "crash", "misread")
BAD = frozenset({"traceback", "hang", "crash", "misread"})
_EXIT = {0: "same", 1: "clean-error", 2: "clean-error", 3: "clean-error", 4: "clean-error", 70: "traceback"}


@dataclass(frozen=True, slots=True)
class Corpus:
    """The original files a target mutates, made once per run in ``base``."""

    base: Path
    ledger: Path
    key: Path
    vkey: str


def make_corpus(base: Path) -> Corpus:
    """A real ledger (init + key + authority entries, signed checkpoints) and a real encrypted Ed25519 key file."""
    from click.testing import CliRunner

    from cli.main import cli
    from custody.model.keys import generate_key, save_private_key

    base.mkdir(parents=True, exist_ok=True)
    key = base / "ledger.key"
    save_private_key(generate_key(name="fuzz.example/L", role="ledger", organisation="O", country="MA"),
                     key, PASS.encode(), rounds=4)  # fmt: skip
    runner = CliRunner()
    env = {"SCELLE_PASSPHRASE": PASS}
    ledger = base / "ledger.db"
    for args in (
        ["init", str(ledger), "--case", "C-1", "--origin", "fuzz.example/L", "--key", str(key)],
        ["key", "show", str(key), "--vkey"],
    ):
        result = runner.invoke(cli, ["custody", *args], env=env)
        if result.exit_code != 0:
            raise RuntimeError(f"cannot build the fuzz corpus: {args}: {result.output}")
    return Corpus(base, ledger, key, result.output.strip())


def _mutate(data: bytes, rng: random.Random) -> bytes:
    """Flip bits, overwrite bytes with edge values, cut or duplicate a span: a few edits chosen by ``rng``."""
    buf = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        kind = rng.random()
        at = rng.randrange(len(buf)) if buf else 0
        if kind < 0.5 and buf:
            buf[at] ^= 1 << rng.randrange(8)
        elif kind < 0.8 and buf:
            buf[at] = rng.choice((0x00, 0xFF, 0x7F, 0x80, 0x30, 0x22))
        elif kind < 0.9:
            del buf[at : at + rng.randint(1, 64)]
        else:
            buf[at:at] = buf[at : at + rng.randint(1, 64)]
    return bytes(buf)


def _ledger_case(corpus: Corpus, rng: random.Random, work: Path) -> list[str]:
    target = work / "ledger.db"
    target.write_bytes(_mutate(corpus.ledger.read_bytes(), rng))
    return ["custody", "verify", str(target), "--trust", corpus.vkey]


def _key_case(corpus: Corpus, rng: random.Random, work: Path) -> list[str]:
    target = work / "ledger.key"
    target.write_bytes(_mutate(corpus.key.read_bytes(), rng))
    target.chmod(0o600)
    return ["custody", "key", "show", str(target), "--vkey"]


TARGETS: dict[str, Callable[[Corpus, random.Random, Path], list[str]]] = {"ledger": _ledger_case, "key": _key_case}


def _child(args: list[str], log: Path) -> int:
    from click.testing import CliRunner

    from cli.main import cli

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    result = CliRunner().invoke(cli, args, env={"SCELLE_PASSPHRASE": PASS})
    log.write_text(result.output)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        log.write_text(f"{result.output}\n{type(result.exception).__name__}: {result.exception}")
        return 70
    if "Traceback" in result.output:
        return 70
    return result.exit_code


def run_case(corpus: Corpus, target: str, seed: int, *, timeout: float = 20.0) -> tuple[str, str]:
    """Run one case in a forked child; return (outcome, what the child printed)."""
    work = corpus.base / f"case-{target}-{seed}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    args = TARGETS[target](corpus, random.Random(f"{target}:{seed}"), work)
    log = work / "output.txt"
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 71
        try:
            code = _child(args, log)
        finally:
            os._exit(code)
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            shutil.rmtree(work, ignore_errors=True)
            return "hang", ""
        time.sleep(0.005)
    text = log.read_text() if log.exists() else ""
    shutil.rmtree(work, ignore_errors=True)
    if os.WIFSIGNALED(status):
        return "crash", f"signal {os.WTERMSIG(status)}"
    code = os.WEXITSTATUS(status)
    return _EXIT.get(code, "crash" if code == 71 else "traceback"), text
