"""The ``external`` marker: every test that runs an external program carries it, so ``-m "not external"`` runs none."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SAMPLE = """
import pytest

from tests.support.tools import runs_tools, tool


@pytest.fixture
@runs_tools
def listing() -> str:
    return tool("ls")


@pytest.mark.external
def test_marked() -> None:
    assert tool("ls")


def test_through_a_fixture(listing: str) -> None:
    assert listing


def test_unmarked() -> None:
    tool("ls")
"""


def _pytest(directory: Path, *args: str) -> str:
    (directory / "conftest.py").write_text("from tests.conftest import *  # noqa: F403\n", encoding="utf-8")
    (directory / "test_sample.py").write_text(SAMPLE, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rA", "--rootdir", str(directory), *args],
        cwd=directory,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    return done.stdout


def test_a_tool_in_an_unmarked_test_fails_and_marked_ones_run(tmp_path: Path) -> None:
    out = _pytest(tmp_path)
    assert "PASSED test_sample.py::test_marked" in out
    assert "PASSED test_sample.py::test_through_a_fixture" in out
    assert "FAILED test_sample.py::test_unmarked" in out and "mark it @pytest.mark.external" in out


def test_not_external_deselects_the_tests_using_a_tool_fixture(tmp_path: Path) -> None:
    out = _pytest(tmp_path, "-m", "not external")
    assert "2 deselected" in out and "test_through_a_fixture" not in out


def test_only_the_tools_helper_looks_for_programs() -> None:
    call = "shutil." + "which("  # spelled apart so this file does not match itself
    looking = sorted(
        str(path.relative_to(ROOT))
        for path in (ROOT / "tests").rglob("*.py")
        if call in path.read_text(encoding="utf-8")
    )
    assert looking == ["tests/support/tools.py"]
