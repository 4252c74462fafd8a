"""Opening evidence read-only and writing results safely: the file-system habits every module shares.

``open_readonly`` is how every image and segment file is opened (never for writing, never a FIFO that would hang).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from evidence.common.errors import ImageError

_O_BINARY = getattr(os, "O_BINARY", 0)


def _describe_os_error(path: Path, exc: OSError) -> str:
    return f"{path}: {exc.strerror or exc}"


def open_readonly(path: Path) -> tuple[int, int]:
    """Open a regular file or a block device read-only; return ``(fd, size)``.

    Directories, sockets and FIFOs are refused: they are not media and a FIFO would make a reader hang.
    """
    try:
        info = os.stat(path)
    except FileNotFoundError as exc:
        raise ImageError(f"{path}: no such file") from exc
    except OSError as exc:
        raise ImageError(_describe_os_error(path, exc)) from exc
    if stat.S_ISDIR(info.st_mode):
        raise ImageError(f"{path}: is a directory, not an image")
    if not (stat.S_ISREG(info.st_mode) or stat.S_ISBLK(info.st_mode) or stat.S_ISCHR(info.st_mode)):
        raise ImageError(f"{path}: not a regular file or a device")
    try:
        fd = os.open(path, os.O_RDONLY | _O_BINARY)
    except OSError as exc:
        raise ImageError(_describe_os_error(path, exc)) from exc
    try:
        size = info.st_size if stat.S_ISREG(info.st_mode) else os.lseek(fd, 0, os.SEEK_END)
    except OSError as exc:
        os.close(fd)
        raise ImageError(_describe_os_error(path, exc)) from exc
    return fd, size
