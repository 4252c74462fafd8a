"""External programs the tests run (oracles such as fls, ewfverify, Go, Chromium; image builders such as mke2fs).

``tool(name)`` is the one way a test finds such a program: it skips the test when the program is missing, and it
fails a test that is not marked ``external``, so ``pytest -m "not external"`` never starts one and a new test cannot
forget the marker. A fixture that runs a program is decorated with ``runs_tools`` (under ``@pytest.fixture``): every
test using it, directly or through another fixture, is marked ``external`` when collected (``tests/conftest.py``).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

F = TypeVar("F", bound=Callable[..., object])

#: The test being run, set by ``tests/conftest.py`` before its fixtures are set up.
current: pytest.Item | None = None


def runs_tools(fixture_function: F) -> F:
    """Declare that a fixture runs an external program, so the tests using it are marked ``external``."""
    fixture_function.runs_tools = True  # type: ignore[attr-defined]
    return fixture_function


def tool(name: str, *, directory: Path | None = None) -> str:
    """The path of the program ``name`` (on ``PATH``, or in ``directory``); skips the test when it is missing."""
    if current is None or current.get_closest_marker("external") is None:
        where = current.nodeid if current is not None else "this test"
        pytest.fail(f"{where} runs {name}: mark it @pytest.mark.external (or its fixture @runs_tools)")
    path = shutil.which(name, path=None if directory is None else str(directory))
    if path is None:
        pytest.skip(f"{name} is not installed")
    return path


def optional_tool(name: str) -> str | None:
    """The path of the program ``name``, or None when it is missing (for a program a test can do without, such as
    ``unshare`` that takes the network away from a browser); like ``tool``, only an ``external`` test may ask."""
    if current is None or current.get_closest_marker("external") is None:
        where = current.nodeid if current is not None else "this test"
        pytest.fail(f"{where} runs {name}: mark it @pytest.mark.external (or its fixture @runs_tools)")
    return shutil.which(name)
