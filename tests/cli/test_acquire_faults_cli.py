"""Issue 18 finding 8: acquisition sources that would block are refused at once with one line."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

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


def _record_of(output: Path) -> dict[str, object]:
    import json

    data: dict[str, object] = json.loads(output.with_name(output.name + ".acquisition.json").read_text())
    return data


def _assert_image_write_failed(result: subprocess.CompletedProcess[str], output: Path, reason: str) -> None:
    assert result.returncode == 1, result
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert f"{output}: cannot write output: {reason}" in result.stderr  # the image write, not the record
    record = _record_of(output)
    assert record["status"] == "failed"
    assert record["bytes_acquired"] == output.stat().st_size > 0  # what reached the disk, not 0
    assert reason in str(record["reason"])


def test_full_disk_names_the_image_write_and_ends_the_record_failed(tmp_path: Path) -> None:
    source = tmp_path / "disk.img"
    source.write_bytes(os.urandom(3 << 20))
    mount = tmp_path / "small"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1M", "tmpfs", str(mount)], capture_output=True, check=False
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a 1 MiB tmpfs here: {made.stderr.decode(errors='replace').strip()}")
    try:
        output = mount / "out.raw"
        _assert_image_write_failed(_acquire(source, output), output, "No space left on device")
        assert [p.name for p in mount.iterdir() if p.name.endswith(".reserve")] == []
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_file_size_limit_names_the_image_write_and_ends_the_record_failed(tmp_path: Path) -> None:
    source = tmp_path / "disk.img"
    source.write_bytes(os.urandom(3 << 20))
    output = tmp_path / "out.raw"
    limit = (1 << 20) + 512
    result = subprocess.run(
        [sys.executable, "-m", "cli", "acquire", str(source), str(output), "--quiet"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit)),
    )
    _assert_image_write_failed(result, output, "File too large")
    assert output.stat().st_size == limit
