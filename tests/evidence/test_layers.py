"""Import rules of DESIGN.md: one module per native binding, and the evidence layer free of CLI libraries."""

from __future__ import annotations

import ast
import subprocess
import sys
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
    assert {name for name, used in found.items() if "pyewf" in used} == {"evidence/sources/ewf.py"}
    assert {name for name, used in found.items() if "pytsk3" in used} == {"evidence/reading/tsk.py"}


def test_evidence_does_not_import_cli_libraries_or_custody() -> None:
    for name, used in modules().items():
        if name.startswith("evidence/"):
            assert not used & {"click", "rich", "custody", "cli"}, name


def test_the_acquisition_path_loads_no_bindings_and_no_e01_writer() -> None:
    # `scelle acquire --format raw` starts faster without pytsk3, pyewf, rich, zlib or the EWF writer.
    code = (
        "import sys, evidence, evidence.acquisition.acquire\n"
        "print(' '.join(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'pytsk3', 'pyewf', 'rich', 'zlib', 'click'} or m.startswith(('evidence.ewf', 'evidence.acquisition.e01')))))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.split() == []


def test_the_package_still_exports_every_public_name_lazily() -> None:
    import evidence

    for name in evidence.__all__:
        assert getattr(evidence, name) is not None, name
    assert set(evidence.__all__) <= set(dir(evidence))
