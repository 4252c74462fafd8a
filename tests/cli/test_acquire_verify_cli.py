"""`scelle acquire` and `scelle verify` from the command line, including interruption by real signals."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from evidence.acquisition.record import load_record
from evidence.common import canonical
from tests.evidence.support.acquisition import MiB, make_source, reference_digests

ROOT = Path(__file__).resolve().parents[2]


def test_acquire_json_prints_the_record_and_verify_passes(tmp_path: Path) -> None:
    source = tmp_path / "disk.img"
    data = make_source(source, MiB + 7)
    result = CliRunner().invoke(
        cli,
        [
            "acquire",
            str(source),
            str(tmp_path / "ev"),
            "--split",
            "512KiB",
            "--hash",
            "md5",
            "--case",
            "2024/117",
            "--evidence",
            "HD-1",
            "--examiner",
            "A. Diallo",
            "--description",
            "laptop disk",
            "--notes",
            "sealed bag 7",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert printed == canonical.decode((tmp_path / "ev.acquisition.json").read_bytes())
    assert printed["status"] == "complete"
    assert printed["media_digests"]["sha256"] == reference_digests(data)["sha256"]
    assert printed["media_digests"]["md5"] == hashlib.md5(data).hexdigest()  # noqa: S324
    assert printed["case"] == {
        "case_number": "2024/117",
        "evidence_number": "HD-1",
        "examiner": "A. Diallo",
        "description": "laptop disk",
        "notes": "sealed bag 7",
    }
    assert [o["path"] for o in printed["outputs"]] == ["ev.001", "ev.002", "ev.003"]

    verified = CliRunner().invoke(cli, ["verify", str(tmp_path / "ev.001")])
    assert verified.exit_code == 0, verified.output
    assert f"sha256:{reference_digests(data)['sha256']} ok" in verified.stdout


def test_human_summary(tmp_path: Path) -> None:
    source = tmp_path / "disk.img"
    data = make_source(source, 4096)
    result = CliRunner().invoke(cli, ["acquire", str(source), str(tmp_path / "out.raw")])
    assert result.exit_code == 0, result.output
    assert f"sha256:{reference_digests(data)['sha256']}" in result.stdout
    assert f"blake3:{reference_digests(data)['blake3']}" in result.stdout
    assert "out.raw.acquisition.json" in result.stdout


def test_verify_mismatch_exits_3_and_names_the_window(tmp_path: Path) -> None:
    source = tmp_path / "disk.img"
    make_source(source, 3 * MiB)
    assert CliRunner().invoke(cli, ["acquire", str(source), str(tmp_path / "o.raw"), "--window", "1MiB"]).exit_code == 0
    with (tmp_path / "o.raw").open("r+b") as handle:
        handle.seek(2 * MiB + 5)
        handle.write(b"\xff" if handle.read(1) != b"\xff" else b"\x00")
    result = CliRunner().invoke(cli, ["verify", str(tmp_path / "o.raw"), "--json"])
    assert result.exit_code == 3
    report = json.loads(result.stdout)
    assert report["status"] == "mismatch"
    assert report["first_mismatch"] == [{"subject": "media", "window": 2, "start": 2 * MiB, "end": 3 * MiB}]
    assert "verification failed" in result.stderr
    human = CliRunner().invoke(cli, ["verify", str(tmp_path / "o.raw")])
    assert human.exit_code == 3
    assert f"first mismatch in media: window 2, bytes [{2 * MiB}, {3 * MiB})" in human.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--split", "2XB"], "bad --split '2XB'"),
        (["--window", "0"], "bad --window '0'"),
        (["--hash", "crc32"], "unknown hash algorithm 'crc32'"),
        (["--compress", "fast"], "--compress fast needs --format e01"),
    ],
)
def test_bad_options_give_one_line_errors(tmp_path: Path, args: list[str], message: str) -> None:
    source = tmp_path / "disk.img"
    make_source(source, 4096)
    result = CliRunner().invoke(cli, ["acquire", str(source), str(tmp_path / "out"), *args])
    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1


def _start(tmp_path: Path, source: Path, output: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "cli", "acquire", str(source), str(output), "--quiet"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_output(proc: subprocess.Popen[str], output: Path, at_least: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if output.exists() and output.stat().st_size >= at_least:
            return
        if proc.poll() is not None:
            pytest.fail(f"acquisition ended before it could be interrupted: {proc.communicate()}")
        time.sleep(0.01)
    proc.kill()
    pytest.fail("acquisition never started writing")


@pytest.mark.parametrize(
    ("signum", "name", "status"), [(signal.SIGTERM, "SIGTERM", 143), (signal.SIGINT, "SIGINT", 130)]
)
def test_a_signal_leaves_an_incomplete_record(tmp_path: Path, signum: int, name: str, status: int) -> None:
    source = tmp_path / "big-sparse.img"
    with source.open("wb") as handle:
        handle.truncate(16 << 30)  # 16 GiB of holes: fast to read, far too long to finish before the signal
    output = tmp_path / "out.raw"
    proc = _start(tmp_path, source, output)
    _wait_for_output(proc, output, 16 * MiB)
    proc.send_signal(signum)
    _stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == status, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    log = (tmp_path / "out.raw.acquisition.txt").read_text(encoding="utf-8")  # the log says the same
    assert "Status: incomplete" in log and f"Reason: interrupted ({name})" in log
    record = load_record(tmp_path / "out.raw.acquisition.json")
    assert record.status == "incomplete"
    assert record.reason == f"interrupted ({name})"
    assert record.media_digests == {} and record.outputs == ()
    assert 16 * MiB <= record.bytes_acquired == output.stat().st_size < 16 << 30
    assert record.ended_at is not None
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_killed_acquisition_leaves_an_in_progress_record(tmp_path: Path) -> None:
    source = tmp_path / "big-sparse.img"
    with source.open("wb") as handle:
        handle.truncate(16 << 30)
    output = tmp_path / "out.raw"
    proc = _start(tmp_path, source, output)
    _wait_for_output(proc, output, 8 * MiB)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=60)
    record = load_record(tmp_path / "out.raw.acquisition.json")
    assert record.status == "in-progress"
    assert record.media_digests == {} and record.ended_at is None
    result = CliRunner().invoke(cli, ["verify", str(output)])
    assert result.exit_code == 3
    assert "the acquisition is in-progress" in result.stderr
