"""Opening evidence read-only and writing results safely: the file-system habits every module shares.

``open_readonly`` is how every image and segment file is opened (never for writing, never a FIFO that would hang).
``write_atomic`` is how every record, key, bundle and manifest is written: a reader sees the old file or the whole
new one, never half of it, and after it returns the file and its name survive a power cut (file *and* directory
``fsync``). ``create_exclusive`` opens an output that must not exist yet (no overwrite, no symbolic link followed).

The writers raise ``OSError`` (``FileExistsError`` for a refused existing file): each caller turns it into its own
error with the message its users know.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from evidence.common.errors import ImageError

_O_BINARY = getattr(os, "O_BINARY", 0)
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def _describe_os_error(path: Path, exc: OSError) -> ImageError:
    from evidence.common.messages import LocalisedImageError
    from evidence.common.reasons import os_reason

    return LocalisedImageError("file.os", path=path, reason=os_reason(exc))


def _refused(code: str, path: Path) -> ImageError:
    from evidence.common.messages import LocalisedImageError

    return LocalisedImageError(code, path=path)


def open_readonly(path: Path) -> tuple[int, int]:
    """Open a regular file or a block device read-only; return ``(fd, size)``.

    Directories, sockets and FIFOs are refused: they are not media and a FIFO would make a reader hang.
    """
    try:
        info = os.stat(path)
    except FileNotFoundError as exc:
        raise _refused("file.missing", path) from exc
    except OSError as exc:
        raise _describe_os_error(path, exc) from exc
    if stat.S_ISDIR(info.st_mode):
        raise _refused("file.directory", path)
    if not (stat.S_ISREG(info.st_mode) or stat.S_ISBLK(info.st_mode) or stat.S_ISCHR(info.st_mode)):
        raise _refused("file.not_regular", path)
    try:
        fd = os.open(path, os.O_RDONLY | _O_BINARY)
    except OSError as exc:
        raise _describe_os_error(path, exc) from exc
    try:
        size = info.st_size if stat.S_ISREG(info.st_mode) else os.lseek(fd, 0, os.SEEK_END)
    except OSError as exc:
        os.close(fd)
        raise _describe_os_error(path, exc) from exc
    return fd, size


def fsync_directory(directory: Path) -> None:
    """Make the creation, rename or removal of names in ``directory`` durable (POSIX needs the directory synced)."""
    fd = os.open(directory, os.O_RDONLY | _O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def create_exclusive(path: Path, mode: int = 0o644) -> int:
    """Create ``path`` for writing and return its descriptor; ``FileExistsError`` if anything is there already.

    ``O_EXCL`` makes the check and the creation one step, and ``O_NOFOLLOW`` refuses a symbolic link planted at
    ``path``, so an existing file (or what a link points to) is never truncated. ``mode`` is masked by the umask.
    """
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_NOFOLLOW | _O_CLOEXEC | _O_BINARY, mode)


def write_atomic(
    path: Path, content: bytes | Callable[[BinaryIO], None], *, mode: int, exclusive: bool = False
) -> None:
    """Write ``content`` (bytes, or a function writing to a binary stream) to ``path`` whole or not at all.

    The bytes go to a temporary file beside ``path`` (created with ``mode``, so a private key is never readable by
    others, even for a moment), which is synced and then renamed over ``path``; the directory is synced last. With
    ``exclusive`` the temporary file is hard-linked instead, which fails with ``FileExistsError`` if ``path``
    exists: a first write that never replaces anything (on a file system without hard links, FAT and exFAT sticks,
    the name is reserved with ``O_EXCL`` and the whole file renamed over it). On any failure (a writer raising
    included) the temporary file is removed and ``path`` is left as it was.
    """
    path = Path(path)
    import secrets  # only when a file is written (1 ms at start-up)

    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = create_exclusive(temporary, mode)
    try:
        with os.fdopen(fd, "wb") as stream:
            if isinstance(content, bytes):
                stream.write(content)
            else:
                content(stream)
            stream.flush()
            os.fsync(stream.fileno())
        if exclusive:
            _link_exclusive(temporary, path)
        else:
            os.replace(temporary, path)
        fsync_directory(path.parent)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)


def _link_exclusive(temporary: Path, path: Path) -> None:
    """Give the synced ``temporary`` the name ``path``, refusing an existing ``path`` (``FileExistsError``)."""
    try:
        os.link(temporary, path)  # atomic, and refuses an existing file
    except FileExistsError:
        raise
    except OSError:
        # No hard links here (FAT, exFAT: EPERM or ENOTSUP). O_EXCL still makes the check and the reservation one
        # step; the rename then puts the whole file in place, so a reader never sees part of it.
        os.close(create_exclusive(path, 0o600))
        os.replace(temporary, path)
        return
    os.unlink(temporary)  # before the directory sync, so no temporary name survives a crash
