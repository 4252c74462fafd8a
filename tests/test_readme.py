"""README.md opens with the two commands, and .ci/run runs the test one."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```\n(.*?)\n```", text, flags=re.S)[:2]


def test_readme_opens_with_two_one_line_commands() -> None:
    commands = readme_commands()
    assert len(commands) == 2
    assert all("\n" not in c for c in commands)
    assert "pytest" in commands[1]
    assert commands[0].endswith("bash demo/run.sh")  # the main job, run end to end by tests/test_demo.py


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert readme_commands()[1] in ci.splitlines()


def test_version_matches_pyproject() -> None:
    import tomllib

    from evidence.common.version import __version__

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["version"] == __version__


def test_readme_library_example_is_the_tested_file() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    example = re.findall(r"```python\n(.*?)```", text, flags=re.S)[0]
    code = (ROOT / "docs" / "library_example.py").read_text(encoding="utf-8")
    assert example.strip() in code
