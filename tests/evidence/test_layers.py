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
    assert {name for name, used in found.items() if "pyvhdi" in used} == {"evidence/sources/vhdx.py"}


def test_only_the_batch_cluster_module_imports_dask() -> None:
    found = modules()
    assert {name for name, used in found.items() if used & {"dask", "distributed"}} == {"evidence/batch/cluster.py"}


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


# --- The layout: subpackages and the arrows allowed between them (README, "Architecture") -------------------------

#: Each group may import itself and the groups listed; ``evidence`` and ``custody`` are the packages' own
#: ``__init__`` modules (the public names), which nothing inside the packages may import.
EVIDENCE_BELOW = {
    "evidence.common",
    "evidence.hashing",
    "evidence.ewf",
    "evidence.sources",
    "evidence.reading",
    "evidence.acquisition",
}
ALLOWED: dict[str, set[str]] = {
    "evidence.common": set(),
    "evidence.hashing": {"evidence.common"},
    "evidence.ewf": {"evidence.common"},
    "evidence.sources": {"evidence.common", "evidence.ewf"},
    "evidence.reading": {"evidence.common", "evidence.hashing", "evidence.sources"},
    "evidence.acquisition": {"evidence.common", "evidence.hashing", "evidence.ewf", "evidence.sources"},
    # a batch runs the single-image calls (acquisition's verify, hashing's digests) on images it opens
    "evidence.batch": {"evidence.common", "evidence.hashing", "evidence.sources", "evidence.acquisition"},
    "evidence": EVIDENCE_BELOW - {"evidence.ewf"},  # the public names come from sources and acquisition
    "custody.errors": {"evidence.common"},
    "custody.fastpath": set(),
    "custody.i18n": {"custody.errors", "evidence.common"},
    "custody.tlog": {"custody.errors", "evidence.common"},
    "custody.model": {"custody.errors", "custody.fastpath", "custody.i18n", "custody.tlog"} | EVIDENCE_BELOW,
    "custody.rules": {"custody.errors", "custody.i18n", "custody.model", "evidence.common"},
    "custody.ledger": {
        "custody.errors",
        "custody.fastpath",
        "custody.i18n",
        "custody.tlog",
        "custody.model",
        "custody.rules",
    }
    | EVIDENCE_BELOW,
    "custody.bundle": {
        "custody.errors",
        "custody.fastpath",
        "custody.i18n",
        "custody.tlog",
        "custody.model",
        "custody.rules",
        "custody.ledger",
    }
    | EVIDENCE_BELOW,
}
ALLOWED["custody"] = {name for name in ALLOWED if name.startswith("custody.")} | EVIDENCE_BELOW
ALLOWED["cli.custody"] = {"cli", "custody", "evidence"} | set(ALLOWED)
ALLOWED["cli"] = {"cli.custody"} | ALLOWED["cli.custody"]


def module_graph() -> dict[str, set[str]]:
    """Module -> the project modules it imports anywhere (top level, in functions, under ``TYPE_CHECKING``)."""
    paths: dict[str, Path] = {}
    for package in ("evidence", "custody", "cli"):
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            paths[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                submodules = {f"{node.module}.{alias.name}" for alias in node.names} & paths.keys()
                found |= submodules or {node.module}
                if len(submodules) < len(node.names):
                    found.add(node.module)
        graph[name] = {target for target in found if target in paths and target != name}
    return graph


def group_of(module: str) -> str:
    """The layer a module belongs to: its subpackage (``evidence.reading``), or a top-level module of a package."""
    parts = module.split(".")
    if len(parts) == 1:
        return module
    if (ROOT / parts[0] / parts[1]).is_dir() or parts[0] == "custody":
        return ".".join(parts[:2])
    return parts[0]


def test_every_arrow_between_subpackages_is_allowed() -> None:
    unexpected = sorted(
        f"{module} -> {target}"
        for module, targets in module_graph().items()
        for target in targets
        if group_of(target) != group_of(module) and group_of(target) not in ALLOWED.get(group_of(module), set())
    )
    assert unexpected == []


def test_every_allowed_arrow_of_the_evidence_layer_is_used() -> None:
    used: dict[str, set[str]] = {}
    for module, targets in module_graph().items():
        for target in targets:
            if group_of(module) != group_of(target):
                used.setdefault(group_of(module), set()).add(group_of(target))
    evidence_rules = {group: allowed for group, allowed in ALLOWED.items() if group.startswith("evidence")}
    unused = {group: allowed - used.get(group, set()) for group, allowed in evidence_rules.items()}
    assert {group: arrows for group, arrows in unused.items() if arrows} == {}


def test_every_subpackage_has_its_rule() -> None:
    assert {group_of(module) for module in module_graph()} <= set(ALLOWED)


def test_no_import_cycle_between_modules() -> None:
    graph = module_graph()
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    cycles: list[list[str]] = []

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                cycles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target, [*path, target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_no_module_is_over_400_lines() -> None:
    long = {
        str(path.relative_to(ROOT)): count
        for package in ("evidence", "custody", "cli")
        for path in (ROOT / package).rglob("*.py")
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert long == {}
