"""`acquire --format e01 --resume` (issue 17, item 7): real E01 acquisitions stopped by SIGTERM or SIGKILL before
the first checkpoint, mid-segment and across segment boundaries, with each compression level, are continued into a
valid set (libewf's ewfverify, ewfinfo and pyewf read the source's bytes and digests back); a written part or a
source changed since, or other settings, are refused before anything is written."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import struct
import subprocess
import sys
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.evidence.support.e01_util import read_back
from tests.evidence.support.ewf_layout import sections, table_entries
from tests.support.tools import tool

ROOT = Path(__file__).resolve().parents[2]
MIB = 1 << 20
SIZE = 128 * MIB
ENV = {**os.environ, "LANG": "C.UTF-8"}


def scelle(*args: str | Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "cli", *map(str, args)]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False, timeout=300, env=ENV)


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """128 MiB alternating random and text MiBs: chunks stored both compressed and raw, too long to finish before
    the signal."""
    path = tmp_path_factory.mktemp("resume-e01") / "cle.img"
    with path.open("wb") as handle:
        for i in range(SIZE // MIB):
            line = b"ligne %d du rapport\n" % i
            handle.write(os.urandom(MIB) if i % 2 else (line * (MIB // len(line) + 1))[:MIB])
    return path


def _record(output: Path) -> dict[str, Any]:
    try:
        loaded: dict[str, Any] = json.loads(output.with_name(output.name + ".acquisition.json").read_text())
    except (OSError, ValueError):
        return {}
    return loaded


def _segments(output: Path) -> list[Path]:
    return sorted(output.parent.glob(output.name + ".E[0-9][0-9]"))


def _state(directory: Path) -> list[tuple[str, str]]:
    return sorted((p.name, hashlib.sha256(p.read_bytes()).hexdigest()) for p in directory.iterdir())


Until = Callable[[dict[str, Any], Path], bool]


def interrupted(source: Path, output: Path, signum: int, until: Until, *extra: str) -> dict[str, Any]:
    """Start a real E01 acquisition, wait until its record satisfies ``until``, stop it with ``signum``."""
    command = [sys.executable, "-m", "cli", "acquire", source, output, "--format", "e01", "--window", "4MiB", "-q"]
    child = subprocess.Popen([*map(str, command), *extra], cwd=ROOT, stdout=subprocess.DEVNULL, env=ENV)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not until(_record(output), output):
        assert child.poll() is None, "the acquisition ended before it could be interrupted"
        time.sleep(0.002)
    child.send_signal(signum)
    child.wait(timeout=60)
    record = _record(output)
    assert record["status"] in ("incomplete", "in-progress") and record["bytes_acquired"] < SIZE
    return record


def checkpointed(record: dict[str, Any], _output: Path | None = None) -> bool:
    return "checkpoint_chunks" in record.get("format_details", {})


def third_segment_open(record: dict[str, Any], output: Path) -> bool:
    """The writer is in the third segment: the record written at SIGTERM has a checkpoint in the second or later."""
    return checkpointed(record) and len(_segments(output)) >= 3


def files_past_checkpoint(record: dict[str, Any], output: Path) -> bool:
    """Segment files on disk past the checkpoint's (a SIGKILL leaves them: the resume removes them)."""
    return checkpointed(record) and len(_segments(output)) > record["format_details"]["checkpoint_segment"]


def _digests(path: Path) -> dict[str, str]:
    data = path.read_bytes()
    return {name: hashlib.new(name, data).hexdigest() for name in ("md5", "sha1", "sha256")}


@pytest.mark.external
@pytest.mark.parametrize(
    ("signum", "extra", "until"),
    [
        (signal.SIGTERM, ("--compress", "fast"), checkpointed),
        (signal.SIGKILL, ("--compress", "none", "--segment-size", "10MiB"), files_past_checkpoint),
        (signal.SIGTERM, ("--compress", "best", "--segment-size", "10MiB"), third_segment_open),
    ],
    ids=["sigterm-mid-segment-fast", "sigkill-across-segments-none", "sigterm-third-segment-best"],
)
def test_resume_gives_a_valid_e01_of_the_whole_source(
    tmp_path: Path, source: Path, signum: int, extra: tuple[str, ...], until: Until
) -> None:
    output = tmp_path / "cle"
    stopped = interrupted(source, output, signum, until, *extra)
    if until is third_segment_open:
        assert stopped["format_details"]["checkpoint_segment"] >= 2
    again = scelle("acquire", source, output, "--format", "e01", *extra)
    assert again.returncode == 1 and "run the same command with --resume" in again.stderr, again.stderr
    resumed = scelle("acquire", source, output, "--format", "e01", "--window", "4MiB", "--resume", "-q", *extra)
    assert resumed.returncode == 0, resumed.stderr
    assert not list(tmp_path.glob(".*"))  # no reserve or temporary file left, even after SIGKILL
    expected = _digests(source)
    record = _record(output)
    assert record["status"] == "complete" and record["bytes_acquired"] == SIZE
    assert record["started_at"] == stopped["started_at"]
    assert {k: record["media_digests"][k] for k in expected} == expected
    assert record["format_details"]["stored_md5"] == expected["md5"]
    assert not any(key.startswith("checkpoint_") for key in record["format_details"])
    assert [item["path"] for item in record["outputs"]] == [p.name for p in _segments(output)]
    for item in record["outputs"]:
        assert item["digests"]["sha256"] == hashlib.sha256((tmp_path / item["path"]).read_bytes()).hexdigest()
    first = output.with_name("cle.E01")
    check = subprocess.run([tool("ewfverify"), "-q", first], capture_output=True, text=True, check=False, timeout=300)
    assert check.returncode == 0 and "ewfverify: SUCCESS" in check.stdout, check.stdout + check.stderr
    info = subprocess.run([tool("ewfinfo"), first], capture_output=True, text=True, check=False, timeout=60).stdout
    assert f"MD5:\t\t\t{expected['md5']}" in info and f"SHA1:\t\t\t{expected['sha1']}" in info, info
    media, _handle = read_back(first)
    assert media == source.read_bytes()


def test_stopped_before_the_first_checkpoint_is_not_resumed(tmp_path: Path, source: Path) -> None:
    output = tmp_path / "cle"
    record = interrupted(source, output, signal.SIGKILL, lambda r, _o: bool(r), "--segment-size", "10MiB")
    assert not checkpointed(record)
    before = _state(tmp_path)
    refused = scelle("acquire", source, output, "--format", "e01", "--segment-size", "10MiB", "--resume")
    assert refused.returncode == 1 and "vouches for no part of the image yet" in refused.stderr, refused.stderr
    again = scelle("acquire", source, output, "--format", "e01", "--segment-size", "10MiB")
    assert "To start again, remove" in again.stderr and "--resume" not in again.stderr
    assert _state(tmp_path) == before


@pytest.fixture(scope="module")
def stopped(tmp_path_factory: pytest.TempPathFactory, source: Path) -> Path:
    """An E01 acquisition (10 MiB segments, fast) stopped by SIGTERM past its second segment's first group."""
    directory = tmp_path_factory.mktemp("stopped")
    record = interrupted(source, directory / "cle", signal.SIGTERM, third_segment_open, "--segment-size", "10MiB")
    assert record["format_details"]["checkpoint_segment"] >= 2
    return directory


def _copy(stopped: Path, tmp_path: Path) -> Path:
    for path in stopped.iterdir():
        shutil.copy2(path, tmp_path / path.name)
    return tmp_path / "cle"


def _resume(source: Path, output: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return scelle("acquire", source, output, "--format", "e01", "--segment-size", "10MiB", "--resume", *extra)


def test_a_damaged_written_part_is_refused(tmp_path: Path, source: Path, stopped: Path) -> None:
    output = _copy(stopped, tmp_path)
    segment = output.with_name("cle.E02")
    with segment.open("r+b") as handle:  # a byte of the first stored chunk of the second segment
        handle.seek(2000)
        byte = handle.read(1)
        handle.seek(2000)
        handle.write(bytes([byte[0] ^ 0x10]))
    before = _state(tmp_path)
    refused = _resume(source, output)
    assert refused.returncode == 3, refused.stderr
    assert "cle.E02: the E01 already written does not hold what its record vouches for" in refused.stderr
    assert _state(tmp_path) == before
    french = _resume(source, output, "--lang", "fr")
    assert french.returncode == 3 and "ne contient pas ce que garantit son procès-verbal" in french.stderr


def test_a_chunk_rewritten_with_a_valid_checksum_is_refused(tmp_path: Path, source: Path, stopped: Path) -> None:
    # The chunk's own check passes: only the record's prefix digests can tell the media was changed.
    output = _copy(stopped, tmp_path)
    first = output.with_name("cle.E01")
    _number, found = sections(first)
    table = next(s for s in found if s.kind == "table")
    base, entries = table_entries(table.payload)
    start = next(base + e for e in entries if not e & 0x80000000)  # a chunk stored raw, with its Adler-32
    data = bytearray(first.read_bytes())
    chunk = data[start : start + 32768]
    chunk[100] ^= 1
    data[start : start + 32768 + 4] = bytes(chunk) + struct.pack("<I", zlib.adler32(bytes(chunk)))
    first.write_bytes(bytes(data))
    before = _state(tmp_path)
    refused = _resume(source, output)
    assert refused.returncode == 3, refused.stderr
    assert "cle.E01: the image already written does not match its record" in refused.stderr
    assert _state(tmp_path) == before


def test_a_changed_source_or_other_settings_are_refused(tmp_path: Path, source: Path, stopped: Path) -> None:
    output = _copy(stopped, tmp_path)
    before = _state(tmp_path)
    compress = _resume(source, output, "--compress", "best")
    assert compress.returncode == 1, compress.stderr
    assert "was made with --compress fast, not best" in compress.stderr
    segment = scelle("acquire", source, output, "--format", "e01", "--resume")
    assert segment.returncode == 1 and "--segment-size 10485760, not 1572864000" in segment.stderr
    media = _resume(source, output, "--media-type", "removable")
    assert media.returncode == 1 and "--media-type fixed, not removable" in media.stderr
    french = _resume(source, output, "--compress", "none", "--lang", "fr")
    assert "a été faite avec --compress fast, et non none" in french.stderr
    assert _state(tmp_path) == before


def test_a_source_changed_since_is_refused(tmp_path: Path, source: Path) -> None:
    # The same path, size, model and serial, other bytes in the part already written: the source is re-read.
    own = tmp_path / "own.img"
    shutil.copy(source, own)
    output = tmp_path / "cle"
    interrupted(own, output, signal.SIGTERM, checkpointed)
    with own.open("r+b") as handle:
        handle.seek(MIB + 5)
        handle.write(b"X")
    before = _state(tmp_path)
    refused = scelle("acquire", own, output, "--format", "e01", "--resume")
    assert refused.returncode == 3, refused.stderr
    assert "own.img: the source no longer reads as the record says" in refused.stderr
    assert _state(tmp_path) == before


@pytest.mark.external
def test_a_resumed_run_killed_again_is_resumed_again(tmp_path: Path, source: Path, stopped: Path) -> None:
    output = _copy(stopped, tmp_path)
    started: Until = lambda r, _o: r.get("status") == "in-progress"  # noqa: E731 - the resume has cut and begun
    interrupted(source, output, signal.SIGKILL, started, "--segment-size", "10MiB", "--resume")
    resumed = _resume(source, output, "--window", "4MiB", "--lang", "fr")
    assert resumed.returncode == 0, resumed.stderr
    # stderr is a pipe: status lines, first for the source re-read before the resume, then for the acquisition
    reread, acquiring = resumed.stderr.find(f"relecture de la source {source}"), resumed.stderr.find("acquisition de")
    assert 0 <= reread < acquiring, resumed.stderr
    record = _record(output)
    assert record["status"] == "complete" and record["media_digests"]["md5"] == _digests(source)["md5"]
    check = subprocess.run(
        [tool("ewfverify"), "-q", output.with_name("cle.E01")], capture_output=True, text=True, timeout=300
    )
    assert check.returncode == 0, check.stdout + check.stderr
