"""`acquire --resume` (issue 17, item 7): a real acquisition stopped by SIGTERM or SIGKILL is continued from the part
its record vouches for, and ends with the image one uninterrupted run makes, byte for byte, and a correct record;
an image changed since, a different source or another format is refused with what to do (E01: test_resume_e01_cli)."""

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

ROOT = Path(__file__).resolve().parents[2]
MIB = 1 << 20
WINDOW = 4 * MIB


def scelle(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        env={**os.environ, "LANG": "C.UTF-8"},
    )


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """128 MiB of random bytes: hashed and written at a few hundred MiB/s, too long to finish before the signal."""
    path = tmp_path_factory.mktemp("resume") / "disk.img"
    with path.open("wb") as handle:
        for _ in range(8):
            handle.write(os.urandom(16 * MIB))
    return path


def _record(output: Path) -> dict[str, object]:
    path = output.with_name(output.name + ".acquisition.json")
    try:
        loaded: dict[str, object] = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return loaded


def interrupted(source: Path, output: Path, signum: int, *extra: str) -> None:
    """Start a real acquisition, wait for its first checkpoint, stop it with ``signum``."""
    command = [sys.executable, "-m", "cli", "acquire", str(source), str(output), "--window", "4MiB", "-q", *extra]
    child = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE, env={**os.environ, "LANG": "C.UTF-8"})
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(_record(output).get("piecewise", {}).get("digests", [])) < 1:  # type: ignore[attr-defined]
        assert child.poll() is None, "the acquisition ended before it could be interrupted"
        time.sleep(0.005)
    child.send_signal(signum)
    child.wait(timeout=60)
    record = _record(output)
    assert record["status"] in ("incomplete", "in-progress") and 0 < int(record["bytes_acquired"]) < 128 * MIB  # type: ignore[call-overload]


def expected_windows(source: Path) -> list[str]:
    hasher, found = hashlib.sha256(), []
    with source.open("rb") as stream:
        while chunk := stream.read(WINDOW):
            hasher.update(chunk)
            found.append(hasher.copy().hexdigest())
    return found


@pytest.mark.parametrize(
    ("signum", "extra"),
    [(signal.SIGTERM, ()), (signal.SIGKILL, ("--split", "10MiB"))],
    ids=["sigterm", "sigkill-split"],
)
def test_resume_gives_the_image_and_record_of_one_run(
    tmp_path: Path, source: Path, signum: int, extra: tuple[str, ...]
) -> None:
    output = tmp_path / ("disk.raw" if not extra else "disk")
    interrupted(source, output, signum, *extra)
    again = scelle("acquire", source, output, "--window", "4MiB", *extra)
    assert again.returncode == 1 and "run the same command with --resume" in again.stderr, again.stderr
    if extra:  # segments of another size than the first run's are refused before anything changes
        before = sorted((p.name, p.stat().st_size) for p in tmp_path.iterdir())
        other = scelle("acquire", source, output, "--resume", "--split", "1MiB")
        assert other.returncode == 1 and "resume with the --split of the first run" in other.stderr, other.stderr
        assert sorted((p.name, p.stat().st_size) for p in tmp_path.iterdir()) == before
    resumed = scelle("acquire", source, output, "--window", "4MiB", "--resume", "-q", *extra)
    assert resumed.returncode == 0, resumed.stderr
    assert not list(tmp_path.glob(".*"))  # no reserve or temporary file left, even after SIGKILL
    images = [output] if not extra else sorted(tmp_path.glob("disk.[0-9][0-9][0-9]"))
    assert b"".join(p.read_bytes() for p in images) == source.read_bytes()
    record = _record(output)
    media = hashlib.sha256(source.read_bytes()).hexdigest()
    assert record["status"] == "complete" and record["media_digests"]["sha256"] == media  # type: ignore[index]
    assert [w["sha256"] for w in record["piecewise"]["digests"]] == expected_windows(source)  # type: ignore[index]
    assert record["bytes_acquired"] == 128 * MIB
    for item in record["outputs"]:  # type: ignore[attr-defined]
        assert item["digests"]["sha256"] == hashlib.sha256((tmp_path / item["path"]).read_bytes()).hexdigest()
    assert scelle("verify", images[0], "-q").returncode == 0


def test_an_image_changed_since_is_not_resumed(tmp_path: Path, source: Path) -> None:
    output = tmp_path / "disk.raw"
    interrupted(source, output, signal.SIGTERM)
    size = output.stat().st_size
    with output.open("r+b") as image:
        image.seek(1000)
        byte = image.read(1)
        image.seek(1000)
        image.write(bytes([byte[0] ^ 1]))
    refused = scelle("acquire", source, output, "--window", "4MiB", "--resume")
    assert refused.returncode == 3, refused.stderr
    assert "does not match its record (sha256 of the first 4194304 bytes)" in refused.stderr
    assert output.stat().st_size == size and _record(output)["status"] == "incomplete"
    french = scelle("acquire", source, output, "--resume", "--lang", "fr")
    assert "l'image déjà écrite ne correspond pas à son procès-verbal" in french.stderr


def test_another_source_or_another_format_is_not_resumed(tmp_path: Path, source: Path) -> None:
    output = tmp_path / "disk.raw"
    interrupted(source, output, signal.SIGTERM)
    before = sorted((p.name, p.stat().st_size) for p in tmp_path.iterdir())
    other = tmp_path / "other.img"
    other.write_bytes(b"\0" * MIB)
    refused = scelle("acquire", other, output, "--resume")
    assert refused.returncode == 1 and "the source is not the one the record names" in refused.stderr
    as_e01 = scelle("acquire", source, output, "--format", "e01", "--resume")
    assert as_e01.returncode == 1 and "wrote a raw image: resume with the --format of the first run" in as_e01.stderr
    other.unlink()
    assert sorted((p.name, p.stat().st_size) for p in tmp_path.iterdir()) == before
