"""Real processes: two appending at once, and one killed with SIGKILL in the middle of appending."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from custody.ledger.ledger import Ledger
from custody.ledger.verify import verify_ledger
from custody.model.keys import KeyPair, save_private_key
from tests.custody.conftest import CASE, ORIGIN
from tests.custody.support.factories import domestic_order, utc

ROOT = Path(__file__).resolve().parents[3]
PASSPHRASE = "concurrency test passphrase"  # noqa: S105 - a test passphrase


@pytest.fixture
def setup(tmp_path: Path, keys: dict[str, KeyPair]) -> tuple[Path, Path, Path]:
    ledger_key, handler_key = tmp_path / "ledger.key", tmp_path / "amina.key"
    save_private_key(keys["ledger"], ledger_key, PASSPHRASE.encode(), rounds=4)  # a cheap KDF: tests only
    save_private_key(keys["amina"], handler_key, PASSPHRASE.encode(), rounds=4)
    path = tmp_path / "ledger.db"
    with Ledger.create(path, case=CASE, origin=ORIGIN, ledger_key=keys["ledger"], now=utc(2026, 3, 1)) as ledger:
        ledger.add_authority(domestic_order(), keys["amina"], now=utc(2026, 3, 1, 12))
    return path, ledger_key, handler_key


def _appender(setup: tuple[Path, Path, Path], count: int, tag: str) -> subprocess.Popen[str]:
    path, ledger_key, handler_key = setup
    env = {**os.environ, "SCELLE_PASSPHRASE": PASSPHRASE}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.custody.support.appender",
            str(path),
            str(ledger_key),
            str(handler_key),
            str(count),
            tag,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _event_ids(path: Path) -> list[str]:
    with Ledger.open(path) as ledger:
        return [e.entry_id for e in ledger.entries() if e.kind == "event"]


def test_two_processes_appending_at_once_lose_nothing(setup: tuple[Path, Path, Path], keys: dict[str, KeyPair]) -> None:
    first, second = _appender(setup, 25, "a"), _appender(setup, 25, "b")
    out_a, err_a = first.communicate(timeout=120)
    out_b, err_b = second.communicate(timeout=120)
    assert first.returncode == 0, err_a
    assert second.returncode == 0, err_b
    acknowledged = out_a.split() + out_b.split()
    assert len(acknowledged) == 50
    assert sorted(_event_ids(setup[0])) == sorted(acknowledged)
    report = verify_ledger(str(setup[0]), trust=keys["ledger"].info.vkey)
    assert report.ok, report.findings
    assert report.events == 50


@pytest.mark.parametrize("acknowledged_before_kill", [1, 7, 19])
def test_kill_9_while_appending_keeps_every_acknowledged_event(
    setup: tuple[Path, Path, Path], keys: dict[str, KeyPair], acknowledged_before_kill: int
) -> None:
    child = _appender(setup, 10_000, "k")
    assert child.stdout is not None
    acknowledged = [child.stdout.readline().strip() for _ in range(acknowledged_before_kill)]
    child.send_signal(signal.SIGKILL)
    rest, _ = child.communicate(timeout=60)
    acknowledged += rest.split()
    assert child.returncode == -signal.SIGKILL
    stored = _event_ids(setup[0])
    assert set(acknowledged) <= set(stored)
    assert len(stored) <= len(acknowledged) + 1  # at most the append that was running when killed
    report = verify_ledger(str(setup[0]), trust=keys["ledger"].info.vkey)
    assert report.ok, report.findings
