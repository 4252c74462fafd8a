"""docs/library_example.py (the README's library example) runs end to end and uses only the public packages."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from cli.main import cli

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "docs/library_example.py"


def test_library_example_reads_keeps_custody_exports_and_verifies(tmp_path: Path) -> None:
    image = ROOT / "fixtures/images/dfvfs/ext2.split.E01"
    result = subprocess.run(
        [sys.executable, str(EXAMPLE), str(image), str(tmp_path)],
        cwd=tmp_path,
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
    # header, examiner's key, authority, then the event
    assert any(line.startswith("recorded ev-") and line.endswith(" entry 3 ledger size 4") for line in lines)
    assert "ledger True 4 entries" in lines
    bundle_line = next(line for line in lines if line.startswith("bundle "))
    assert bundle_line.startswith("bundle True checkpoint.ok ") and bundle_line.endswith(" file.ok")
    # What the example wrote is what a prosecutor checks with the command line, against the image itself.
    checked = CliRunner().invoke(
        cli,
        [
            "custody",
            "verify",
            str(tmp_path / "bundle.json"),
            "--trust",
            str(tmp_path / "ledger.pub"),
            "--artefact",
            str(image),
        ],
    )
    assert checked.exit_code == 0, checked.output
    assert "Verdict: VERIFIED" in checked.stdout


def test_library_example_imports_scelle_names_only_from_evidence_and_custody() -> None:
    imported: set[str] = set()
    for node in ast.walk(ast.parse(EXAMPLE.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0 and node.module is not None
            imported.add(node.module)
    assert {"evidence", "custody"} <= imported
    others = imported - {"evidence", "custody"}
    assert all(name.split(".")[0] in sys.stdlib_module_names for name in others), others
