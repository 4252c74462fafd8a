"""The environment the benchmarks run scelle (and other Python contenders) in: bytecode cached, as when installed.

An installed package has its modules compiled once; run from a source tree with PYTHONDONTWRITEBYTECODE set (as in
some CI sandboxes), scelle would recompile its modules on every run and the timings would measure the compiler. The
benchmarks therefore drop that variable and keep the cache under a temporary PYTHONPYCACHEPREFIX; an untimed
warm-up run fills it.
"""

from __future__ import annotations

import os
from pathlib import Path


def cached_bytecode_environment(cache: Path) -> dict[str, str]:
    """This process's environment, without PYTHONDONTWRITEBYTECODE and with the bytecode cache under ``cache``."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPYCACHEPREFIX": str(cache)}
