"""LUKS1 volumes made by ``qemu-img convert -O luks`` for the tests, one way for every test that needs one."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.support.tools import tool


def qemu_luks(plain: Path, out: Path, secret: str) -> Path:
    """Encrypt ``plain`` into ``out`` (LUKS1) with the qemu secret object ``secret`` (``secret,id=s0,...``).

    qemu times its PBKDF2 to choose the iteration count for ``iter-time``; on a busy machine it may fail to measure
    ("Unable to get accurate CPU usage"), so that one failure is tried again, a few times."""
    argv = [tool("qemu-img"), "convert", "-f", "raw", "-O", "luks", "--object", secret, "-o",
            "key-secret=s0,iter-time=10", str(plain), str(out)]  # fmt: skip
    for _attempt in range(5):
        result = subprocess.run(argv, capture_output=True, check=False)
        if result.returncode == 0 or b"accurate CPU usage" not in result.stderr:
            break
        out.unlink(missing_ok=True)
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return out
