"""VHD (Virtual PC / Hyper-V, Microsoft's "Virtual Hard Disk Image Format Specification" 1.0): fixed, dynamic and
differencing disks, read by scelle's own reader.

Every VHD ends with a 512-byte footer (``conectix``, big-endian fields, a one's-complement checksum); the media size
is its *Current Size*. A fixed disk is the media followed by the footer. A dynamic disk copies the footer at the start
and points to a dynamic header (``cxsparse``) and its block allocation table (BAT): one 32-bit sector number per block
(``0xFFFFFFFF``: not allocated, zeros), each block being a sector bitmap then the data. A differencing disk is a
dynamic one whose bitmap says, sector by sector, whether the data is here or in the parent, named by the parent
locators (a relative Windows path ``W2ru`` is preferred; else the parent's name, looked for beside the child), and
whose unique id must be the one the child records.

Like qemu, a dynamic disk's allocated blocks are read whole, without looking at the sector bitmap (the writers fill
unused sectors with zeros); only a differencing disk needs it.
"""

from __future__ import annotations

import struct
from pathlib import Path, PureWindowsPath

from evidence.sources.base import ImageMetadata
from evidence.sources.vdisk import ContainerError, LayeredSource, LruCache, ParentOpener, Where, pread_exact

_FOOTER = struct.Struct(">8sIIQI4sI4sQQIII16sB")
_DYNAMIC = struct.Struct(">8sQQIIII16sI4s512s")
_LOCATOR = struct.Struct(">4sIIIQ")
_UNALLOCATED = 0xFFFFFFFF
_FIXED, _DYNAMIC_DISK, _DIFFERENCING = 2, 3, 4
_MAX_BAT_BYTES = 64 << 20
_FORMAT = "vhd"


def _checksum(block: bytes, where: int) -> int:
    return ~(sum(block[:where]) + sum(block[where + 4 :])) & 0xFFFFFFFF


class VhdSource(LayeredSource):
    """The media of a VHD, its parent included for a differencing disk."""

    def __init__(self, path: Path, opener: ParentOpener) -> None:
        self.format = _FORMAT
        self.segments = (path,)
        (self._file_size,) = self._open_files([path])
        self._bitmaps = LruCache(64)
        try:
            self._read(path, opener)
        except BaseException:
            self.close()
            raise

    def _read(self, path: Path, opener: ParentOpener) -> None:
        footer = self._footer(path)
        (_cookie, _features, _version, data_offset, _time, app, _app_version, _host, _original, size, _geometry,
         kind, _sum, unique_id, _saved) = _FOOTER.unpack_from(footer)  # fmt: skip
        self.unique_id = unique_id
        self.size = size
        if size == 0:
            raise ContainerError("empty", path, format=_FORMAT)
        extra = {"vhd_type": {2: "fixed", 3: "dynamic", 4: "differencing"}.get(kind, str(kind))}
        extra["creator"] = app.decode("latin-1").strip()
        self._kind = kind
        if kind == _FIXED:
            if self._file_size < size + 512:
                raise ContainerError("truncated", path, format=_FORMAT, offset=self._file_size, length=size + 512)
            self._block = 0
        elif kind in (_DYNAMIC_DISK, _DIFFERENCING):
            self._dynamic(path, data_offset, opener)
            extra["block_size"] = str(self._block)
        else:
            raise ContainerError("vhd.type", path, kind=kind)
        self.metadata = ImageMetadata(chunk_size=self._block or None, extra=extra)

    def _footer(self, path: Path) -> bytes:
        fd = self._fds[0]
        head = pread_exact(fd, path, 0, 512, _FORMAT) if self._file_size >= 512 else b""
        tail = pread_exact(fd, path, self._file_size - 512, 512, _FORMAT) if self._file_size >= 1024 else b""
        if tail.startswith(b"conectix"):
            if _checksum(tail, 64) != struct.unpack_from(">I", tail, 64)[0]:
                raise ContainerError("vhd.footer", path, field="Checksum")
            return tail
        if head.startswith(b"conectix"):  # the copy at the start is there, the footer at the end is not
            raise ContainerError("vhd.footer", path, field="no footer at the end of the file (truncated)")
        raise ContainerError("vhd.footer", path, field="Cookie")

    def _dynamic(self, path: Path, offset: int, opener: ParentOpener) -> None:
        if offset % 512 or offset + 1024 > self._file_size:
            raise ContainerError("vhd.header", path, field="Data Offset")
        header = pread_exact(self._fds[0], path, offset, 1024, _FORMAT)
        (cookie, _data, table, _version, entries, block, checksum, parent_id, _time, _reserved, parent_name) = (
            _DYNAMIC.unpack_from(header)
        )
        if cookie != b"cxsparse":
            raise ContainerError("vhd.header", path, field="Cookie")
        if _checksum(header, 36) != checksum:
            raise ContainerError("vhd.header", path, field="Checksum")
        if block < 512 or block > 1 << 28 or block & (block - 1):
            raise ContainerError("vhd.header", path, field="Block Size")
        needed = -(-self.size // block)
        if entries < needed or needed * 4 > _MAX_BAT_BYTES:
            raise ContainerError("vhd.header", path, field="Max Table Entries")
        self._block = block
        self._bitmap_size = ((block // 512 + 7) // 8 + 511) // 512 * 512
        data = pread_exact(self._fds[0], path, table, needed * 4, _FORMAT)
        self._bat = struct.unpack(f">{needed}I", data)
        if self._kind == _DIFFERENCING:
            self.parent = opener.open(path, self._parent_name(path, header, parent_name))
            if getattr(self.parent, "unique_id", parent_id) != parent_id:
                raise ContainerError("vhd.parent", path)

    def _parent_name(self, path: Path, header: bytes, unicode_name: bytes) -> str:
        """The parent's relative locator, else its recorded name looked for beside the child."""
        for index in range(8):
            code, _space, length, _reserved, offset = _LOCATOR.unpack_from(header, 576 + 24 * index)
            if code == b"W2ru" and 0 < length <= 4096:
                raw = pread_exact(self._fds[0], path, offset, length, _FORMAT)
                name = raw.decode("utf-16-le", errors="replace").rstrip("\x00")
                return PureWindowsPath(name).as_posix().removeprefix("./")
        name = unicode_name.decode("utf-16-be", errors="replace").rstrip("\x00")
        if not name:
            raise ContainerError("vhd.parent", path)
        return PureWindowsPath(name).name

    def _map(self, position: int, limit: int) -> tuple[int, Where]:
        if self._kind == _FIXED:
            return limit, (0, position)
        block, inside = divmod(position, self._block)
        count = min(limit, self._block - inside)
        sector = self._bat[block]
        if sector == _UNALLOCATED:
            return count, None
        start = sector * 512
        if start + self._bitmap_size + self._block > self._file_size:
            raise ContainerError("vhd.block", self.segments[0], block=block, offset=start)
        data = start + self._bitmap_size
        if self._kind != _DIFFERENCING:
            return count, (0, data + inside)
        bitmap = self._bitmap(start)
        first = inside // 512
        present = bitmap[first // 8] >> (7 - first % 8) & 1
        end = first + 1
        while end * 512 < inside + count and (bitmap[end // 8] >> (7 - end % 8) & 1) == present:
            end += 1
        count = min(count, end * 512 - inside)
        return count, ((0, data + inside) if present else None)

    def _bitmap(self, start: int) -> bytes:
        cached = self._bitmaps.get(start)
        if isinstance(cached, bytes):
            return cached
        bitmap = pread_exact(self._fds[0], self.segments[0], start, self._bitmap_size, _FORMAT)
        self._bitmaps.put(start, bitmap)
        return bitmap

    def close(self) -> None:
        """Close the file and the parent. Idempotent."""
        self._bitmaps.clear()
        super().close()
