"""docs/library_example.py (the README's library example) runs and prints what TSK reports for a fixture."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_library_example_runs_on_a_split_e01() -> None:
    image = ROOT / "fixtures/images/dfvfs/ext2.split.E01"
    result = subprocess.run(
        [sys.executable, str(ROOT / "docs/library_example.py"), str(image)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "ewf 4194304 {'md5': '196066add11fb71c4c49cf1bb50d6d24'}"  # SOURCES.md: stored MD5
    # passwords.txt is inode 14 (dfvfs tests/file_io/test_lib.py); digest from _tsk_reference icat_hashes.tsv
    expected = [line for line in lines if line.startswith("None 14 True passwords.txt ")]
    assert len(expected) == 1
    reference = (ROOT / "fixtures/images/_tsk_reference/dfvfs__ext2.E01/fs_at_0.icat_hashes.tsv").read_text()
    assert expected[0].split()[-1] in reference
