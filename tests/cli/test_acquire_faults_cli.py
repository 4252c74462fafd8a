"""Issue 18 finding 8: acquisition sources that would block are refused at once with one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _acquire(source: Path, output: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli", "acquire", str(source), str(output), "--quiet"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,  # before the fix this blocked forever in open()
        check=False,
    )


def test_acquire_from_a_fifo_with_no_writer_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = _acquire(fifo, tmp_path / "out.raw")
    assert result.returncode == 1, result
    assert "is a FIFO" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert not (tmp_path / "out.raw").exists()


def test_acquire_from_a_character_device_is_refused(tmp_path: Path) -> None:
    result = _acquire(Path("/dev/zero"), tmp_path / "out.raw")
    assert result.returncode == 1, result
    assert "is a character device" in result.stderr
    assert "Traceback" not in result.stderr
