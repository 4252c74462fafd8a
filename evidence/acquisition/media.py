"""Acquisition sources: a regular file or a block device, opened read-only, with its identity.

The identity (path, device numbers, size, read-only flag, model, serial, sector size) goes into the acquisition
record, so a court can tell which disk was read. For block devices it comes from the kernel's sysfs view
(``/sys/dev/block/MAJ:MIN``), which is what ``lsblk`` reads too; fields the kernel does not expose stay ``None``.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from evidence.common.errors import AcquisitionError
from evidence.common.messages import LocalisedAcquisitionError
from evidence.common.positional import PositionalReader
from evidence.common.reasons import os_reason

DEFAULT_SECTOR_SIZE = 512
SYS_ROOT = Path("/sys")


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceIdentity:
    """Who the source is: recorded verbatim in the acquisition record."""

    path: str
    kind: str  # "file", "block-device" or "virtual-disk"
    size: int
    device: str | None = None  # "MAJ:MIN" of a block device
    read_only: bool | None = None  # what the kernel reports for a block device
    model: str | None = None
    serial: str | None = None
    vendor: str | None = None
    logical_block_size: int | None = None
    #: for a virtual disk (kind ``virtual-disk``): its format and files, the media being read through it
    container: str | None = None

    def to_json(self) -> dict[str, object]:
        """The record's ``source`` object (``container`` only for a virtual disk, so other records are unchanged)."""
        extra: dict[str, object] = {} if self.container is None else {"container": self.container}
        return {
            "path": self.path,
            "kind": self.kind,
            "size": self.size,
            "device": self.device,
            "read_only": self.read_only,
            "model": self.model,
            "serial": self.serial,
            "vendor": self.vendor,
            "logical_block_size": self.logical_block_size,
            **extra,
        }

    @classmethod
    def from_json(cls, data: dict[str, object]) -> SourceIdentity:
        """Inverse of ``to_json``."""

        def opt_str(key: str) -> str | None:
            value = data.get(key)
            return None if value is None else str(value)

        block = data.get("logical_block_size")
        read_only = data.get("read_only")
        return cls(
            path=str(data["path"]),
            kind=str(data["kind"]),
            size=int(str(data["size"])),
            device=opt_str("device"),
            read_only=None if read_only is None else bool(read_only),
            model=opt_str("model"),
            serial=opt_str("serial"),
            vendor=opt_str("vendor"),
            logical_block_size=None if block is None else int(str(block)),
            container=opt_str("container"),
        )


class IdentifiedMedia(PositionalReader, Protocol):
    """A source being acquired: positional reads, its sector size, and who it is (``FileMedia``, or a wrapper).

    ``readinto_at`` raises ``OSError`` on a read error: the acquisition retries and falls back to sectors.
    """

    sector_size: int
    identity: SourceIdentity

    def close(self) -> None: ...


def _sys_text(path: Path) -> str | None:
    try:
        text = path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return None
    return text or None


def block_device_identity(major: int, minor: int, *, sys_root: Path = SYS_ROOT) -> dict[str, object]:
    """What sysfs says about block device ``major:minor``: ``read_only``, ``size``, ``model``, ``serial``, ...

    ``size`` is in bytes (sysfs counts 512-byte units whatever the sector size). For a partition, model and serial
    are those of the disk holding it.
    """
    node = sys_root / "dev" / "block" / f"{major}:{minor}"
    if not node.exists():
        return {}
    disk = node.resolve().parent if (node / "partition").exists() else node.resolve()
    info: dict[str, object] = {}
    read_only = _sys_text(node / "ro")
    if read_only is not None:
        info["read_only"] = read_only == "1"
    sectors = _sys_text(node / "size")
    if sectors is not None and sectors.isdigit():
        info["size"] = int(sectors) * 512
    block = _sys_text(disk / "queue" / "logical_block_size")
    if block is not None and block.isdigit():
        info["logical_block_size"] = int(block)
    for key, candidates in (
        ("model", ("device/model",)),
        ("vendor", ("device/vendor",)),
        ("serial", ("device/serial", "serial", "device/wwid")),
    ):
        for relative in candidates:
            value = _sys_text(disk / relative)
            if value is not None:
                info[key] = value
                break
    return info


def _open_read_only(path: Path) -> int:
    # O_NONBLOCK: opening a FIFO with no writer (or a terminal-like character device) must not hang; such a source
    # is refused right after by ``_identify``, and the flag is cleared for the files and block devices kept.
    flags = os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK
    # O_NOATIME: reading evidence should not even change its access time (needs ownership; fall back without).
    noatime = getattr(os, "O_NOATIME", 0)
    try:
        return os.open(path, flags | noatime)
    except PermissionError:
        if not noatime:
            raise
        return os.open(path, flags)


class FileMedia:
    """A regular file or block device opened read-only (``O_RDONLY``, never for writing)."""

    def __init__(self, path: str | os.PathLike[str], *, sys_root: Path = SYS_ROOT) -> None:
        self.path = Path(path)
        try:
            self._fd = _open_read_only(self.path)
        except OSError as exc:
            raise LocalisedAcquisitionError("source.unopenable", path=self.path, reason=os_reason(exc)) from exc
        try:
            self.identity = self._identify(sys_root)
            os.set_blocking(self._fd, True)
        except BaseException:
            os.close(self._fd)
            raise
        self.size = self.identity.size
        self.sector_size = self.identity.logical_block_size or DEFAULT_SECTOR_SIZE
        with contextlib.suppress(OSError):
            os.posix_fadvise(self._fd, 0, 0, os.POSIX_FADV_SEQUENTIAL)

    def _identify(self, sys_root: Path) -> SourceIdentity:
        info = os.fstat(self._fd)
        absolute = str(self.path.absolute())
        if stat.S_ISREG(info.st_mode):
            return SourceIdentity(path=absolute, kind="file", size=info.st_size)
        if stat.S_ISFIFO(info.st_mode) or stat.S_ISCHR(info.st_mode):
            kind = "a FIFO" if stat.S_ISFIFO(info.st_mode) else "a character device"
            raise AcquisitionError(f"{self.path}: is {kind}, not a regular file or a block device; nothing acquired")
        if not stat.S_ISBLK(info.st_mode):
            raise AcquisitionError(f"{self.path}: not a regular file or a block device")
        major, minor = os.major(info.st_rdev), os.minor(info.st_rdev)
        sysfs = block_device_identity(major, minor, sys_root=sys_root)
        size = os.lseek(self._fd, 0, os.SEEK_END)  # the kernel's own size, exact whatever the sector size
        block = sysfs.get("logical_block_size")
        read_only = sysfs.get("read_only")
        return SourceIdentity(
            path=absolute,
            kind="block-device",
            size=size,
            device=f"{major}:{minor}",
            read_only=read_only if isinstance(read_only, bool) else None,
            model=_opt(sysfs.get("model")),
            serial=_opt(sysfs.get("serial")),
            vendor=_opt(sysfs.get("vendor")),
            logical_block_size=block if isinstance(block, int) else None,
        )

    @property
    def st_ident(self) -> tuple[int, int]:
        """(st_dev, st_ino) of the open source, to refuse writing an output onto it."""
        info = os.fstat(self._fd)
        return info.st_dev, info.st_ino

    def readinto_at(self, offset: int, buffer: memoryview) -> int:
        """Fill ``buffer`` from ``offset`` (``pread``); short only at the end of the media; ``OSError`` on errors."""
        done = 0
        while done < len(buffer):
            try:
                count = os.preadv(self._fd, [buffer[done:]], offset + done)
            except OSError as exc:
                if exc.errno == errno.EINTR:  # pragma: no cover - PEP 475 retries already
                    continue
                raise
            if count == 0:
                break
            done += count
        return done

    def close(self) -> None:
        """Close the descriptor. Idempotent."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


def _opt(value: object) -> str | None:
    return None if value is None else str(value)
