"""The reader's artefact check in the report page against ``sha256sum``: one file (default 1 GiB), one run.

The real report page is opened in headless Chromium (driven over its DevTools pipe, offline when ``unshare -n``
works); the file is chosen in the page's file input exactly as a reader does (DevTools ``DOM.setFileInputFiles``)
and hashed by the page's own code (``custody/bundle/sha256.js``, 8 MiB slices). ``sha256sum`` hashes the same file
in the same run, before and after the browser (the best of the two is used). Prints both times, the ratio, and
whether the digests agree.

    python benchmarks/report_hash.py                 # 1 GiB
    python benchmarks/report_hash.py --size 64MiB
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from custody.bundle.export import export_bundle  # noqa: E402 - after the path set-up above
from custody.bundle.report import render_html  # noqa: E402
from custody.bundle.verify import verify_bundle  # noqa: E402
from evidence.common.units import format_size, parse_size  # noqa: E402
from tests.custody.support.browser import DevTools  # noqa: E402
from tests.custody.support.bundle_scenario import build  # noqa: E402


def sha256sum(path: Path) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(["sha256sum", str(path)], check=True, capture_output=True, text=True)
    return time.perf_counter() - start, done.stdout.split()[0]


def in_browser(page: Path, path: Path, profile: Path, chromium: str) -> tuple[float, str]:
    browser = DevTools(profile, chromium, shutil.which("unshare") or "")
    try:
        browser.open(page)
        browser.evaluate(
            "new Promise((done) => (function wait() {"
            " document.getElementById('artefact-file').disabled ? setTimeout(wait, 20) : done(); })())"
        )
        root = browser.call("DOM.getDocument")["root"]["nodeId"]
        node = browser.call("DOM.querySelector", {"nodeId": root, "selector": "#artefact-file"})["nodeId"]
        start = time.perf_counter()
        browser.call("DOM.setFileInputFiles", {"files": [str(path)], "nodeId": node})
        digest = browser.evaluate(
            "new Promise((done) => (function wait() { const out = document.getElementById('artefact-result');"
            " ['match', 'nomatch'].includes(out.dataset.state) ? done(out.dataset.sha256) : setTimeout(wait, 20);"
            " })())"
        )
        return time.perf_counter() - start, str(digest)
    finally:
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="1GiB", help="file size (default 1GiB)")
    parser.add_argument("--dir", default="/dev/shm" if Path("/dev/shm").is_dir() else None, help="where the file goes")
    args = parser.parse_args()
    chromium = shutil.which("chromium")
    if chromium is None or shutil.which("sha256sum") is None:
        sys.exit("report_hash: needs chromium and sha256sum")
    size = parse_size(args.size)
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        work = Path(tmp)
        (work / "case").mkdir()
        scenario = build(work / "case")
        bundle = export_bundle(scenario.leaves, scenario.checkpoint()).bundle.to_bytes()
        report = verify_bundle(bundle, scenario.ledger_key.info.public_key)
        page = work / "rapport.html"
        page.write_text(render_html(report, "fr", bundle=bundle), encoding="utf-8")
        artefact = work / "image.raw"
        with artefact.open("wb") as out:
            left = size
            while left:
                chunk = os.urandom(min(left, 16 * 1024 * 1024))
                out.write(chunk)
                left -= len(chunk)
        first, expected = sha256sum(artefact)
        browser_time, digest = in_browser(page, artefact, work / "profile", chromium)
        second, _ = sha256sum(artefact)
        tool_time = min(first, second)
        print(f"file: {format_size(size)} in {args.dir or tempfile.gettempdir()}")
        print(f"sha256sum:        {tool_time:7.2f} s  ({size / tool_time / 2**20:6.0f} MiB/s)")
        print(f"report page:      {browser_time:7.2f} s  ({size / browser_time / 2**20:6.0f} MiB/s)")
        print(f"ratio page / sha256sum: {browser_time / tool_time:.2f}")
        print(f"digests agree: {digest == expected} ({digest})")
        if digest != expected:
            sys.exit(1)


if __name__ == "__main__":
    main()
