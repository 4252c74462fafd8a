"""Issue 18 finding 8: a private key readable by group or others gets a warning (as ssh does), or is refused."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.cli.custody.test_custody_cli import ORIGIN, clean_error, keys, ok, run

__all__ = ["keys"]  # fixture, re-used from the custody CLI tests


@pytest.fixture
def open_key(keys: dict[str, Path], tmp_path: Path) -> Path:
    path = tmp_path / "ledger.key"
    shutil.copyfile(keys["ledger"], path)
    path.chmod(0o644)
    return path


def test_a_world_readable_key_is_used_with_a_warning(open_key: Path, tmp_path: Path) -> None:
    result = ok("init", str(tmp_path / "c.db"), "--case", "C-1", "--origin", ORIGIN, "--key", str(open_key))
    assert f"warning: {open_key}: key file is readable by group or others (mode 0644)" in result.stderr
    assert "Warning" not in result.stderr.replace("warning:", "")  # no raw Python warning


def test_strict_mode_refuses_a_world_readable_key(open_key: Path, tmp_path: Path) -> None:
    ledger = tmp_path / "c.db"
    result = run("init", str(ledger), "--case", "C-1", "--origin", ORIGIN, "--key", str(open_key),
                 env={"SCELLE_STRICT_KEY_PERMISSIONS": "1"})  # fmt: skip
    clean_error(result, 1, "refused because SCELLE_STRICT_KEY_PERMISSIONS=1")
    assert not ledger.exists()


def test_a_private_key_gets_no_warning(keys: dict[str, Path], tmp_path: Path) -> None:
    keys["ledger"].chmod(0o600)
    result = ok("init", str(tmp_path / "c.db"), "--case", "C-1", "--origin", ORIGIN, "--key", str(keys["ledger"]),
                env={"SCELLE_STRICT_KEY_PERMISSIONS": "1"})  # fmt: skip
    assert "readable by group" not in result.stderr
