"""Seeded fuzzing of scelle's parsers through its CLI, each case in a forked child with a timeout and a memory limit.

A case is ``TARGET:SEED``: the seed alone decides the mutation of the target's original file, so any case replays
exactly (``benchmarks/fuzz.py --replay e01:123``). A case runs one or more ``scelle`` commands in the child; the
target's oracle then judges what they printed, in the parent (it may run TSK's tools on the same mutant).

Outcomes: ``same`` (exit 0, the command read what it read from the original), ``changed-valid`` (exit 0 on a mutant
that really differs, and the oracle agrees with what scelle read: e.g. fls lists the same renamed entry),
``clean-error`` (one of the documented non-zero exits, with a one-line ``scelle: error:`` for exits 1 and 2),
``traceback`` (an exception the CLI did not map), ``unclear-error`` (exit 1 or 2 without the one-line error),
``hang`` (past the timeout), ``crash`` (the child died by a signal or over its memory limit), ``misread`` (exit 0
but the oracle says the command read something the media does not hold).

Targets: ``ledger`` and ``key`` (here), ``e01`` and ``fs`` (``image_targets.py``), ``bundle``
(``bundle_target.py``).
"""

from __future__ import annotations

import faulthandler
import json
import os
import random
import resource
import shutil
import signal
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

PASS = "fuzz passphrase"  # noqa: S105 - a test passphrase
MEMORY_LIMIT = 1 << 30
OUTCOMES = ("same", "changed-valid", "clean-error", "traceback", "unclear-error", "hang", "crash", "misread")
BAD = frozenset({"traceback", "unclear-error", "hang", "crash", "misread"})
_EXIT = {0: "same", 1: "clean-error", 2: "clean-error", 3: "clean-error", 4: "clean-error", 70: "traceback"}


@dataclass(frozen=True, slots=True)
class Ran:
    """What one command of a case did: its exit code, its standard output, and stdout + stderr as printed."""

    code: int
    stdout: str
    output: str


#: an oracle: given the case's work folder and what its commands did, None when they read right, else
#: ``(outcome, why)`` with outcome ``misread`` or ``changed-valid``
Check = Callable[[Path, Sequence[Ran]], "tuple[str, str] | None"]


@dataclass(frozen=True, slots=True)
class Case:
    """The commands one mutant is given to (``scelle`` arguments) and the oracle that judges them."""

    commands: tuple[tuple[str, ...], ...]
    check: Check | None = None


@dataclass(frozen=True, slots=True)
class Corpus:
    """The original files the targets mutate, made once per run in ``base``; ``tools`` are the TSK oracles
    (``fls``, ``mmls``, ``icat``) found on this machine, by name (empty: the ``fs`` oracle is not run)."""

    base: Path
    ledger: Path
    key: Path
    vkey: str
    extra: Mapping[str, object] = field(default_factory=dict)
    tools: Mapping[str, str] = field(default_factory=dict)


def make_corpus(base: Path, tools: Mapping[str, str] | None = None) -> Corpus:
    """A real ledger (init + key + authority entries, signed checkpoints), a real encrypted Ed25519 key file, and
    what the other targets need (``image_targets.prepare``, ``bundle_target.prepare``)."""
    from click.testing import CliRunner

    from cli.main import cli
    from custody.model.keys import generate_key, save_private_key
    from tests.fuzz import bundle_target, image_targets

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
    corpus = Corpus(base, ledger, key, result.output.strip(), tools=dict(tools or {}))
    extra = {**image_targets.prepare(corpus), **bundle_target.prepare(corpus)}
    return Corpus(base, ledger, key, corpus.vkey, extra=extra, tools=corpus.tools)


def mutate(data: bytes, rng: random.Random) -> bytes:
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


def _ledger_case(corpus: Corpus, rng: random.Random, work: Path) -> Case:
    target = work / "ledger.db"
    target.write_bytes(mutate(corpus.ledger.read_bytes(), rng))
    return Case((("custody", "verify", str(target), "--trust", corpus.vkey),))


def _key_case(corpus: Corpus, rng: random.Random, work: Path) -> Case:
    target = work / "ledger.key"
    target.write_bytes(mutate(corpus.key.read_bytes(), rng))
    target.chmod(0o600)
    return Case((("custody", "key", "show", str(target), "--vkey"),))


def _targets() -> dict[str, Callable[[Corpus, random.Random, Path], Case]]:
    from tests.fuzz import bundle_target, image_targets

    return {
        "ledger": _ledger_case,
        "key": _key_case,
        "e01": image_targets.e01_case,
        "fs": image_targets.fs_case,
        "bundle": bundle_target.bundle_case,
    }


TARGETS = ("bundle", "e01", "fs", "key", "ledger")


def _mapped() -> int:
    """The address space this process maps (Linux ``VmSize``), 0 where it cannot be read."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return 0
    return next((int(line.split()[1]) * 1024 for line in status.splitlines() if line.startswith("VmSize:")), 0)


def _child(commands: Sequence[Sequence[str]], log: Path, timeout: float) -> None:
    from click.testing import CliRunner

    from cli.main import cli

    # 1 GiB more than the parent had mapped: a pytest process that ran other tests first may already map close to
    # 1 GiB (thread stacks, pools), and a bare 1 GiB limit made the first thread a command starts die at birth
    limit = _mapped() + MEMORY_LIMIT
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    # where a hang is: every thread's stack, written just before the parent gives up on the child
    faulthandler.dump_traceback_later(max(timeout - 1, 0.5), file=(log.parent / "stacks.txt").open("w"))
    done = []
    for args in commands:
        result = CliRunner().invoke(cli, list(args), env={"SCELLE_PASSPHRASE": PASS})
        code, output = result.exit_code, result.output
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            code, output = 70, f"{output}\n{type(result.exception).__name__}: {result.exception}"
        elif "Traceback" in output:
            code = 70
        done.append({"code": code, "stdout": result.stdout, "output": output})
        log.write_text(json.dumps(done))


def run_commands(commands: Sequence[Sequence[str]], work: Path, timeout: float) -> list[Ran] | str:
    """Run ``scelle`` commands one after the other in a forked child; what each did, or ``crash``, or ``hang``
    followed by ``: `` and the child's stacks."""
    log = work / "output.json"
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 71
        try:
            _child(commands, log, timeout)
            code = 0
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
            stacks = work / "stacks.txt"
            return "hang" + (f": {stacks.read_text()}" if stacks.exists() else "")
        time.sleep(0.005)
    if os.WIFSIGNALED(status) or os.WEXITSTATUS(status) != 0:
        return "crash"
    return [Ran(int(r["code"]), str(r["stdout"]), str(r["output"])) for r in json.loads(log.read_text())]


def _outcome(ran: Ran) -> str:
    outcome = _EXIT.get(ran.code, "traceback")
    if ran.code in (1, 2) and not any(
        line.startswith(("scelle: error: ", "Error: ")) for line in ran.output.splitlines()
    ):
        return "unclear-error"
    return outcome


def run_case(corpus: Corpus, target: str, seed: int, *, timeout: float = 20.0) -> tuple[str, str]:
    """Run one case in a forked child; return (outcome, what the commands printed or what the oracle found)."""
    work = corpus.base / f"case-{target}-{seed}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    try:
        case = _targets()[target](corpus, random.Random(f"{target}:{seed}"), work)
        ran = run_commands(case.commands, work, timeout)
        if isinstance(ran, str):
            outcome, _, stacks = ran.partition(": ")
            return outcome, stacks
        text = "\n".join(r.output for r in ran)
        for outcome in map(_outcome, ran):
            if outcome in BAD:
                return outcome, text
        judged = case.check(work, ran) if case.check is not None else None
        succeeded = all(r.code == 0 for r in ran)
        if judged is not None and (judged[0] != "changed-valid" or succeeded):
            return judged[0], f"{judged[1]}\n{text}"
        return ("same" if succeeded else "clean-error"), text
    finally:
        shutil.rmtree(work, ignore_errors=True)
