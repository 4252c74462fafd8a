"""Import rules of DESIGN.md: one module per native binding, and the evidence layer free of CLI libraries."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def modules() -> dict[str, set[str]]:
    return {
        str(path.relative_to(ROOT)): imports(path)
        for package in ("evidence", "custody", "cli")
        for path in (ROOT / package).rglob("*.py")
    }


def test_only_the_backend_modules_import_the_bindings() -> None:
    found = modules()
    assert {name for name, used in found.items() if "pyewf" in used} == {"evidence/backends/ewf.py"}
    assert {name for name, used in found.items() if "pytsk3" in used} == {"evidence/backends/tsk.py"}


def test_evidence_does_not_import_cli_libraries_or_custody() -> None:
    for name, used in modules().items():
        if name.startswith("evidence/"):
            assert not used & {"click", "rich", "custody", "cli"}, name
