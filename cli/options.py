"""Options shared by several command groups, as decorators."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def image_arguments(func: F) -> F:
    """IMAGE...: one image given by its first segment, or all its segment files.

    Any path is accepted here: the library checks it and names the file and the problem in one line (a missing
    file, a directory, a FIFO), where click would print a multi-line usage error.
    """
    return click.argument("images", nargs=-1, required=True, type=click.Path(path_type=str))(func)


def json_option(func: F) -> F:
    """--json: machine-readable output on stdout."""
    return click.option("--json", "as_json", is_flag=True, help="Print JSON on stdout.")(func)


def quiet_option(func: F) -> F:
    """--quiet: no progress bar."""
    return click.option("--quiet", "-q", is_flag=True, help="No progress display.")(func)
