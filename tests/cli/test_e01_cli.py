"""`scelle acquire --format e01` and `scelle verify X.E01` from the command line."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cli.main import cli
from tests.evidence.support.e01_util import md5_hex, mixed_media, read_back, sha1_hex
from tests.support.tools import tool

MiB = 1 << 20


def _source(tmp_path: Path, size: int) -> tuple[Path, bytes]:
    data = mixed_media(size, seed=5)
    path = tmp_path / "disk.img"
    path.write_bytes(data)
    return path, data


def _acquire_in_segments(tmp_path: Path) -> tuple[Path, bytes, Result]:
    source, data = _source(tmp_path, 3 * MiB)
    target = tmp_path / "ev.E01"
    result = CliRunner().invoke(
        cli,
        [
            "acquire",
            str(source),
            str(target),
            "--format",
            "e01",
            "--compress",
            "best",
            "--segment-size",
            "1MiB",
            "--hash",
            "md5,sha1",
            "--case",
            "2026/51",
            "--evidence",
            "USB-3",
            "--examiner",
            "Leïla Haddad",
            "--description",
            "clé USB",
            "--notes",
            "scellé 4",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    return target, data, result


def test_acquire_e01_then_verify(tmp_path: Path) -> None:
    target, data, result = _acquire_in_segments(tmp_path)
    printed = json.loads(result.stdout)
    assert printed["format"] == "e01"
    assert [o["path"] for o in printed["outputs"]][:2] == ["ev.E01", "ev.E02"]
    assert printed["format_details"]["compression"] == "best"
    assert printed["format_details"]["stored_sha1"] == printed["media_digests"]["sha1"] == sha1_hex(data)
    media, handle = read_back(target)
    assert media == data
    assert handle.get_header_value("examiner_name") == "Leïla Haddad"
    assert handle.get_hash_value("MD5") == md5_hex(data)

    verified = CliRunner().invoke(cli, ["verify", str(target)])
    assert verified.exit_code == 0, verified.output
    assert f"stored in the image: md5:{md5_hex(data)} ok" in verified.stdout
    assert f"stored in the image: sha1:{sha1_hex(data)} ok" in verified.stdout
    assert "ev.E02: sha256:" in verified.stdout


@pytest.mark.external
def test_acquired_e01_passes_ewfverify(tmp_path: Path) -> None:
    target, _, _ = _acquire_in_segments(tmp_path)
    checked = subprocess.run(
        [tool("ewfverify"), "-q", "-d", "sha1", str(target)], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stdout


def test_e01_defaults_to_fast_compression_in_one_segment(tmp_path: Path) -> None:
    source, _ = _source(tmp_path, MiB)
    result = CliRunner().invoke(cli, ["acquire", str(source), str(tmp_path / "one.E01"), "--format", "e01", "--json"])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.stdout)
    assert printed["format_details"]["compression"] == "fast"
    assert [o["path"] for o in printed["outputs"]] == ["one.E01"]


def test_verify_an_e01_without_record_uses_its_stored_hashes(tmp_path: Path) -> None:
    source, data = _source(tmp_path, MiB)
    target = tmp_path / "alone.E01"
    assert CliRunner().invoke(cli, ["acquire", str(source), str(target), "--format", "e01"]).exit_code == 0
    (tmp_path / "alone.E01.acquisition.json").unlink()
    verified = CliRunner().invoke(cli, ["verify", str(target), "--json"])
    assert verified.exit_code == 0, verified.output
    report = json.loads(verified.stdout)
    assert report["record"] is None
    assert {(c["subject"], c["algorithm"], c["expected"]) for c in report["checks"]} == {
        ("stored", "md5", md5_hex(data)),
        ("stored", "sha1", sha1_hex(data)),
    }


def test_segment_size_options_are_checked(tmp_path: Path) -> None:
    source, _ = _source(tmp_path, MiB)
    raw = CliRunner().invoke(cli, ["acquire", str(source), str(tmp_path / "r.raw"), "--segment-size", "1MiB"])
    assert raw.exit_code == 1 and "--segment-size is for --format e01" in raw.output
    both = CliRunner().invoke(
        cli,
        [
            "acquire",
            str(source),
            str(tmp_path / "b.E01"),
            "--format",
            "e01",
            "--split",
            "1MiB",
            "--segment-size",
            "2MiB",
        ],
    )
    assert both.exit_code == 1 and "not both" in both.output
    small = CliRunner().invoke(
        cli,
        [
            "acquire",
            str(source),
            str(tmp_path / "s.E01"),
            "--format",
            "e01",
            "--segment-size",
            "64KiB",
        ],
    )
    assert small.exit_code == 1 and "segment size" in small.output and "Traceback" not in small.output
    assert not list(tmp_path.glob("s.E01*")) and not list(tmp_path.glob("b.E01*"))
