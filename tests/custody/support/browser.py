"""Headless Chromium for the self-verifying report: open a page from a file, let its script finish, read the DOM.

The browser runs inside ``unshare -n`` (a new network namespace with no interface but a down loopback) when the
machine allows it, so a page that tried to fetch anything would fail, provably, rather than reach a network.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from functools import cache
from pathlib import Path
from typing import Any

from tests.support.tools import optional_tool, tool


@cache
def _unshare(path: str | None = None) -> list[str]:
    """``["unshare", "-n"]`` when this machine can run a command with no network, else ``[]`` (``path``: the
    program, found with ``optional_tool`` by default; a benchmark outside pytest names it, "" for none)."""
    if path is None:
        path = optional_tool("unshare")
    if not path:
        return []
    done = subprocess.run([path, "-n", "true"], capture_output=True, check=False)
    return [path, "-n"] if done.returncode == 0 else []


def offline() -> bool:
    """True when pages are opened with no network at all."""
    return bool(_unshare())


def chromium_command(
    profile: Path, *arguments: str, chromium: str | None = None, unshare: str | None = None
) -> list[str]:
    """The command line of a headless Chromium with no network, no first-run or background activity (``chromium``:
    the program, found with ``tool`` by default; a benchmark outside pytest names it)."""
    return [
        *_unshare(unshare),
        chromium or tool("chromium"),
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


class DevTools:
    """Chromium driven over ``--remote-debugging-pipe`` (DevTools protocol on fds 3 and 4, no port, no network):
    for pages whose work outlives ``--dump-dom`` (reading a File, hashing a gigabyte)."""

    def __init__(self, profile: Path, chromium: str | None = None, unshare: str | None = None) -> None:
        to_chrome, self._in = os.pipe()
        self._out, from_chrome = os.pipe()

        def plumb() -> None:  # in the child: its fds 3 and 4 become the two pipe ends (inheritable)
            read, write = os.dup(to_chrome), os.dup(from_chrome)
            os.dup2(read, 3)
            os.dup2(write, 4)

        command = chromium_command(
            profile, "--remote-debugging-pipe", "about:blank", chromium=chromium, unshare=unshare
        )
        self.process = subprocess.Popen(
            command, preexec_fn=plumb, close_fds=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        os.close(to_chrome)
        os.close(from_chrome)
        self._buffer = b""
        self._next = 0
        self.session = ""

    def call(self, method: str, params: dict[str, Any] | None = None, *, session: bool = True) -> dict[str, Any]:
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self._in, json.dumps(message).encode() + b"\0")
        while True:
            while b"\0" not in self._buffer:
                chunk = os.read(self._out, 1 << 20)
                if not chunk:
                    raise RuntimeError("Chromium closed the DevTools pipe")
                self._buffer += chunk
            raw, self._buffer = self._buffer.split(b"\0", 1)
            reply = json.loads(raw)
            if reply.get("id") == self._next:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply["result"]
                return result

    def open(self, page: Path) -> None:
        """Open ``page`` in a new tab and wait until it has loaded."""
        target = self.call("Target.createTarget", {"url": page.as_uri()}, session=False)["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True}, session=False)[
            "sessionId"
        ]
        deadline = time.monotonic() + 60
        ready = f"location.href === {json.dumps(page.as_uri())} && document.readyState === 'complete'"
        while not self.evaluate(ready):
            assert time.monotonic() < deadline, "the page did not load"
            time.sleep(0.05)

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (awaited when it is a promise)."""
        reply = self.call("Runtime.evaluate", {"expression": expression, "awaitPromise": True, "returnByValue": True})
        if "exceptionDetails" in reply:
            raise RuntimeError(f"page error: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def close(self) -> None:
        try:
            self.call("Browser.close", session=False)
        except (RuntimeError, OSError):
            pass
        self.process.wait(timeout=30)
        os.close(self._in)
        os.close(self._out)
