"""VHDX (Hyper-V) images read through libyal's libvhdi binding. The only module that imports ``pyvhdi``.

VHDX has a log that must be replayed, region tables with checksums and a metadata region; libvhdi reads all of it,
so scelle uses the binding (checked against ``qemu-img convert`` in the tests) instead of a reader of its own.
Differencing VHDX are refused: libvhdi needs its parent given by hand, and reading one without it would return the
parent's sectors as zeros.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from evidence.common.errors import ImageError
from evidence.common.files import open_readonly
from evidence.sources.base import ImageMetadata, ImageSource
from evidence.sources.vdisk import ContainerError

_DIFFERENCING = 4


def _reason(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    sentences = [part.strip() for part in text.split(". ") if part.strip()]
    useful = [s for s in sentences if "unable to" not in s] or sentences
    return useful[0].rstrip(".") if useful else "libvhdi error"


class VhdxSource(ImageSource):
    """The media of a fixed or dynamic VHDX. Reads go through one libvhdi handle guarded by a lock."""

    def __init__(self, path: Path) -> None:
        import os

        fd, _size = open_readonly(path)  # scelle's own errors for a missing file or a directory
        os.close(fd)
        try:
            import pyvhdi
        except ImportError as exc:
            raise ContainerError("vhdx.binding", path) from exc
        self.format = "vhdx"
        self.segments = (path,)
        self._lock = threading.Lock()
        self._handle: Any = pyvhdi.file()
        try:
            self._handle.open(str(path), "r")
            self.size = int(self._handle.get_media_size())
            kind = self._handle.get_disk_type()
            sector = int(self._handle.get_bytes_per_sector())
        except (OSError, RuntimeError, ValueError, TypeError) as exc:
            self._discard_handle()  # a failed open leaves nothing to close; libvhdi would raise about it
            raise ContainerError("vhdx.open", path, reason=_reason(exc)) from exc
        if kind == _DIFFERENCING:
            self._handle.close()
            raise ContainerError("vhdx.open", path, reason="differencing VHDX (parent image) not supported")
        if self.size <= 0:
            self._handle.close()
            raise ContainerError("empty", path, format="vhdx")
        kind_name = {2: "fixed", 3: "dynamic"}.get(kind, str(kind))
        self.metadata = ImageMetadata(sector_size=sector, extra={"vhdx_type": kind_name})

    def _discard_handle(self) -> None:
        handle, self._handle = self._handle, None
        try:
            handle.close()
        except (OSError, RuntimeError):
            pass

    def read_at(self, offset: int, length: int) -> bytes:
        """Return up to ``length`` media bytes from ``offset``; fewer only at the end of the media."""
        if offset < 0 or length < 0:
            raise ImageError(f"{self.segments[0]}: invalid read at offset {offset}, length {length}")
        length = max(0, min(length, self.size - offset))
        if length == 0:
            return b""
        with self._lock:
            if self._handle is None:
                raise ImageError(f"{self.segments[0]}: image is closed")
            try:
                data: bytes = self._handle.read_buffer_at_offset(length, offset)
            except (OSError, RuntimeError, ValueError) as exc:
                raise ContainerError("vhdx.read", self.segments[0], offset=offset, reason=_reason(exc)) from exc
        if len(data) != length:
            raise ContainerError("vhdx.read", self.segments[0], offset=offset, reason=f"{len(data)} of {length} bytes")
        return data

    def close(self) -> None:
        """Close the libvhdi handle. Idempotent."""
        with self._lock:
            handle, self._handle = self._handle, None
        if handle is not None:
            handle.close()
