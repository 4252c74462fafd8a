"""Marks every test that runs an external program ``external`` (see ``tests/support/tools.py``); runs every test
in an English locale and in UTC, whatever the machine's, since scelle speaks the locale's language and shows times
in the host's zone by default (tests of French or of other zones set them themselves)."""

from __future__ import annotations

import os
import time
from collections.abc import Generator

import pytest

from tests.support import postgres, tools

for _name in ("LC_ALL", "LC_MESSAGES", "SCELLE_LANG"):
    os.environ.pop(_name, None)
os.environ["LANG"] = "C.UTF-8"
# scelle shows times in the host's zone by default: the tests run in UTC whatever the machine's (tests of other zones
# set TZ for the command they run)
os.environ["TZ"] = "UTC"
time.tzset()


def _uses_a_tool_fixture(item: pytest.Item) -> bool:
    info = getattr(item, "_fixtureinfo", None)  # the test's fixture closure; pytest has no public accessor for it
    if info is None:
        return False
    return any(getattr(d.func, "runs_tools", False) for defs in info.name2fixturedefs.values() for d in defs)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _uses_a_tool_fixture(item):
            item.add_marker(pytest.mark.external)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Generator[None, object, object]:
    tools.current = item  # before any fixture of the test is set up, so tool() knows whom it runs for
    try:
        return (yield)
    finally:
        tools.current = None


@pytest.fixture(scope="session")
@tools.runs_tools
def pg_server() -> Generator[postgres.PgServer, None, None]:
    """A throwaway PostgreSQL server (``tests/support/postgres.py``) shared by the session; the tests that need it
    are skipped, saying why, when it cannot be started here, and fail instead in CI, which installs it."""
    try:
        server = postgres.start_server(tools.optional_tool)
    except postgres.ServerUnavailableError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"the PostgreSQL test server could not be started: {exc}")
        pytest.skip(f"the PostgreSQL test server could not be started: {exc}")
    try:
        yield server
    finally:
        server.stop()
