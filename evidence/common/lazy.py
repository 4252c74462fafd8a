"""Lazy public names for a package: ``import evidence`` or ``import custody`` loads nothing until a name is used."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(package: str, table: Mapping[str, str]) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The module-level ``__getattr__`` and ``__dir__`` of ``package``, whose public names (``table``: name -> the
    module that defines it) are imported on first access and then cached in the package namespace."""
    namespace = vars(sys.modules[package])

    def __getattr__(name: str) -> Any:  # noqa: N807 - the module hook's own name
        module = table.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:  # noqa: N807
        return sorted({*namespace, *table})

    return __getattr__, __dir__
