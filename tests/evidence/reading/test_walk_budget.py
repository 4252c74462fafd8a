"""Issue 18, finding 4: a walk is bounded. Directories that link to the same directories again and again (never to
an ancestor, so not a loop TSK or scelle refuses to enter) make a walk of 2^N directories from N+1 of them; the
budget stops it with a message and the listing is partial (exit 4), instead of running for hours.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli
from evidence import open_filesystem, open_image
from evidence.reading.walk import MIN_WALK_READS, WalkOptions, walk_budget
from tests.evidence.support.craft import debugfs, ext_image


def _diamonds(tmp_path: Path, depth: int) -> Path:
    """d0 holds a and b, both links to d1; d1 holds a and b, both links to d2; ... (2^depth paths to the last)."""
    (tmp_path / "tree").mkdir()
    image = ext_image(tmp_path / "diamonds.img", tmp_path / "tree", "4M", "ext2")
    commands = [f"mkdir /d{index}" for index in range(depth + 1)]
    for index in range(depth):
        commands += [f"link /d{index + 1} /d{index}/a", f"link /d{index + 1} /d{index}/b"]
    script = tmp_path / "commands"
    script.write_text("\n".join(commands) + "\n")
    debugfs(image, "", "-f", str(script))
    return image


def test_budget_is_eight_reads_per_inode_and_at_least_the_minimum() -> None:
    assert walk_budget(1, 100) == MIN_WALK_READS
    assert walk_budget(0, 999_999) == 8_000_000


@pytest.mark.external
def test_a_walk_of_exponentially_many_directories_is_stopped_with_a_message(tmp_path: Path) -> None:
    image = _diamonds(tmp_path, 12)
    with open_image(image) as source:
        fs = open_filesystem(source)
        options = WalkOptions(budget=500)
        started = time.monotonic()
        entries = [entry for entry, _reader in fs._walk(options)]
        assert time.monotonic() - started < 10
    assert 0 < len(entries) < 1000
    assert len(options.errors) == 1 and "budget of 500 image reads and directory listings" in str(options.errors[0])


@pytest.mark.external
def test_the_cli_stops_at_the_default_budget_and_exits_4(tmp_path: Path) -> None:
    image = _diamonds(tmp_path, 19)  # 2^19 paths to d19: more directory listings than the 200,000 minimum
    result = CliRunner().invoke(cli, ["image", "ls", str(image)])
    assert result.exit_code == 4
    assert "walk stopped at" in result.stderr and "scelle: error: partial listing: 1 problem" in result.stderr
