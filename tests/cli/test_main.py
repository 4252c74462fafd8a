"""The top-level command: help, version, and the error mapping every command relies on."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from cli.main import cli

ROOT = Path(__file__).resolve().parents[2]


def test_help_lists_the_command_groups() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in ("image", "acquire", "verify", "custody"):
        assert name in result.output


def test_runs_as_a_module_without_installation() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "cli", "--version"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert "scelle" in proc.stdout
