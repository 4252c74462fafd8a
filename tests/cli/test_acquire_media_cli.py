"""The examiner's E01 items of issue 17 (item 7), through real CLI runs: the media type and flag written in the
volume section as ewfacquire writes them, one naming for image and record, a re-run after an interruption told what
to remove, and a truncated E01 given the README's "evidence does not match" exit code by verify and image hash."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.tools import tool

ROOT = Path(__file__).resolve().parents[2]
MIB = 1 << 20


def scelle(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        env={**os.environ, "LANG": "C.UTF-8", **(env or {})},
    )


def volume_bytes(e01: Path) -> tuple[int, int]:
    """(media type, media flags): bytes 0 and 36 of the first volume section's payload (EWF §7)."""
    data = e01.read_bytes()
    payload = data.index(b"volume") + 76
    return data[payload], data[payload + 36]


@pytest.fixture
def source(tmp_path: Path) -> Path:
    path = tmp_path / "cle.bin"
    path.write_bytes(os.urandom(2 * MIB + 4096))
    return path


@pytest.mark.external
@pytest.mark.parametrize(
    ("media", "flag", "ewf_flag"), [("removable", "--logical", "logical"), ("optical", "--physical", "physical")]
)
def test_media_type_and_flag_as_ewfacquire_writes_them(
    tmp_path: Path, source: Path, media: str, flag: str, ewf_flag: str
) -> None:
    (tmp_path / "out").mkdir()
    done = scelle("acquire", source, tmp_path / "out/cle2", "--format", "e01", "--media-type", media, flag, "--quiet")
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "cle2.E01",
        "cle2.acquisition.json",
        "cle2.acquisition.txt",
    ]
    reference = tmp_path / "ref"
    subprocess.run(
        [tool("ewfacquire"), "-u", "-q", "-t", str(reference), "-m", media, "-M", ewf_flag, "-c", "none", str(source)],
        check=True,
        capture_output=True,
    )
    assert volume_bytes(tmp_path / "out/cle2.E01") == volume_bytes(reference.with_suffix(".E01"))
    info = subprocess.run([tool("ewfinfo"), str(tmp_path / "out/cle2.E01")], capture_output=True, text=True, check=True)
    expected = subprocess.run([tool("ewfinfo"), str(reference.with_suffix(".E01"))], capture_output=True, text=True)
    pick = [line for line in info.stdout.splitlines() if "Media type" in line or "Is physical" in line]
    assert pick == [line for line in expected.stdout.splitlines() if "Media type" in line or "Is physical" in line]
    record = json.loads((tmp_path / "out/cle2.acquisition.json").read_text())
    assert record["format_details"]["media_type"] == media
    assert record["format_details"]["media_flags"] == ewf_flag


def test_media_options_need_e01(tmp_path: Path, source: Path) -> None:
    done = scelle("acquire", source, tmp_path / "d.raw", "--media-type", "removable")
    assert done.returncode == 1 and "need --format e01" in done.stderr
    assert not (tmp_path / "d.raw").exists()


def test_a_raw_set_named_by_its_first_segment(tmp_path: Path, source: Path) -> None:
    done = scelle("acquire", source, tmp_path / "d.001", "--split", "1MiB", "--quiet")
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.glob("d.*")) == [
        "d.001",
        "d.001.acquisition.json",
        "d.001.acquisition.txt",
        "d.002",
        "d.003",
    ]
    assert scelle("verify", tmp_path / "d.001", "--quiet").returncode == 0


def _interrupted(tmp_path: Path, output: Path, *extra: str) -> None:
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(512 * MIB))  # long enough that the signal lands mid-copy on an idle machine too
    env = {**os.environ, "LANG": "C.UTF-8"}
    command = [sys.executable, "-m", "cli", "acquire", str(big), str(output), "--quiet", *extra]
    child = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE)
    record = output.with_name(output.name + ".acquisition.json")
    deadline = time.monotonic() + 60
    while not record.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.1)
    child.send_signal(signal.SIGTERM)
    assert child.wait(timeout=60) == 143


@pytest.mark.parametrize(("name", "extra"), [("cle2", ("--format", "e01", "--compress", "none")), ("d.raw", ())])
def test_a_rerun_after_an_interruption_names_the_files_to_remove(
    tmp_path: Path, name: str, extra: tuple[str, ...]
) -> None:
    output = tmp_path / name
    _interrupted(tmp_path, output, *extra)
    left = sorted(p.name for p in tmp_path.iterdir() if p.name != "big.bin")
    again = scelle("acquire", tmp_path / "big.bin", output, *extra)
    assert again.returncode == 1 and again.stderr.count("\n") == 1, again.stderr
    assert "did not finish (its record says incomplete, interrupted (SIGTERM)); nothing was overwritten" in again.stderr
    # a raw output whose record vouches for a part also offers --resume ("...; to start again, remove ...")
    named = re.split("[Tt]o start again, remove ", again.stderr)[1].split()
    assert sorted(Path(n).name for n in named) == left
    french = scelle("acquire", tmp_path / "big.bin", output, *extra, "--lang", "fr")
    assert "n'a pas abouti" in french.stderr and re.search("[Pp]our recommencer, supprimez", french.stderr)
    for path in named:
        Path(path).unlink()
    assert scelle("acquire", tmp_path / "big.bin", output, *extra, "--quiet").returncode == 0
    done = scelle("acquire", tmp_path / "big.bin", output, *extra)
    assert done.returncode == 1 and "was already acquired" in done.stderr


def test_a_truncated_e01_exits_with_the_mismatch_code(tmp_path: Path, source: Path) -> None:
    assert scelle("acquire", source, tmp_path / "t", "--format", "e01", "--quiet").returncode == 0
    e01 = tmp_path / "t.E01"
    e01.write_bytes(e01.read_bytes()[:MIB])
    for command in (["verify"], ["image", "hash"]):
        done = scelle(*command, e01, "--quiet")
        assert done.returncode == 3, (command, done.stderr)
        assert "truncated EWF segment" in done.stderr and "Traceback" not in done.stderr
    (tmp_path / "t.acquisition.json").unlink()  # without its record too
    assert scelle("verify", e01, "--quiet").returncode == 3
