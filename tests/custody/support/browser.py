"""Headless Chromium for the self-verifying report: open a page from a file, let its script finish, read the DOM.

The browser runs inside ``unshare -n`` (a new network namespace with no interface but a down loopback) when the
machine allows it, so a page that tried to fetch anything would fail, provably, rather than reach a network.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

from tests.support.tools import tool


@cache
def _unshare() -> list[str]:
    """``["unshare", "-n"]`` when this machine can run a command with no network, else ``[]``."""
    path = shutil.which("unshare")
    if path is None:
        return []
    done = subprocess.run([path, "-n", "true"], capture_output=True, check=False)
    return [path, "-n"] if done.returncode == 0 else []


def offline() -> bool:
    """True when pages are opened with no network at all."""
    return bool(_unshare())


def chromium_command(profile: Path, *arguments: str) -> list[str]:
    """The command line of a headless Chromium with no network, no first-run or background activity."""
    return [
        *_unshare(),
        tool("chromium"),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        *arguments,
    ]


def dump_dom(page: Path, profile: Path, *, budget_ms: int = 60_000, extra: tuple[str, ...] = ()) -> str:
    """The DOM of ``page`` once its scripts have finished (virtual time lets pending promises settle)."""
    done = subprocess.run(
        chromium_command(profile, f"--virtual-time-budget={budget_ms}", *extra, "--dump-dom", page.as_uri()),
        check=True,
        capture_output=True,
        timeout=240,
    )
    return done.stdout.decode("utf-8")


def browser_verdict(dom: str) -> str:
    """``pass``, ``fail``, ``error`` or ``none`` (the script did not run): the page's own verdict."""
    found = re.search(r'id="browser-verdict"[^>]*data-verdict="(\w+)"', dom)
    assert found is not None, "the page has no browser verdict element"
    return found.group(1)


def page_requests(page: Path, profile: Path, log: Path) -> list[str]:
    """Every URL the page itself asked for (not the browser's own background traffic), from Chromium's net log."""
    dump_dom(page, profile, extra=(f"--log-net-log={log}",))
    events = json.loads(log.read_text(encoding="utf-8"))["events"]
    asked = {
        event["params"]["url"]
        for event in events
        if "url" in event.get("params", {}) and event["params"].get("initiator", "not an origin") != "not an origin"
    }
    return sorted(url for url in asked if not url.startswith("file:"))
