"""VMDK (VMware "Virtual Disk Format 5.0"): monolithic sparse, stream-optimised, split sparse (twoGbMaxExtentSparse)
and flat (monolithicFlat, twoGbMaxExtentFlat) disks, read by scelle's own reader.

A VMDK is a text descriptor (embedded in a monolithic sparse file, or a file of its own) listing *extents* in media
order: ``RW 4192256 SPARSE "x-s001.vmdk"``, ``RW 2048 FLAT "x-flat.vmdk" 0``, ``RW 100 ZERO``. A sparse extent
(``KDMV``, little-endian header) holds a grain directory whose entries point to grain tables whose entries point to
grains (0: not allocated, the parent's bytes or zeros; 1: a zero grain). Stream-optimised extents store each grain
deflated behind a 12-byte marker (LBA, size), and may keep the grain directory's offset in a footer at the end.
Snapshot deltas name their parent (``parentFileNameHint``), followed like a QCOW2 backing file. ESX's COWD and
seSparse formats are refused by name.

A sparse file given on its own must carry its descriptor: one extent of a split set is refused (it is a part of the
media, and hashing it alone would pass a part off as the whole).
"""

from __future__ import annotations

import bisect
import re
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

from evidence.sources.base import ImageMetadata, ImageSource
from evidence.sources.vdisk import ZERO, ContainerError, LayeredSource, LruCache, ParentOpener, Where, pread_exact

_HEADER = struct.Struct("<4sIIQQQQIQQQB4sH")
_GD_AT_END = 0xFFFFFFFFFFFFFFFF
_COMPRESSED = 1 << 16
_MAX_TABLE_BYTES = 64 << 20
_MAX_DESCRIPTOR = 1 << 20
_EXTENT = re.compile(r'^(RW|RDONLY|NOACCESS)\s+(\d+)\s+([A-Z]+)(?:\s+"([^"]*)"(?:\s+(\d+))?)?\s*$')
_FORMAT = "vmdk"


@dataclass(frozen=True, slots=True, kw_only=True)
class _Sparse:
    """A sparse extent's tables: where its grain directory is and how grains are stored."""

    grain: int  # bytes
    per_table: int  # grain table entries
    directory: tuple[int, ...]
    compressed: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class _Extent:
    start: int  # media byte offset
    length: int  # bytes
    kind: str  # SPARSE, FLAT or ZERO
    file: int  # index into the source's files, -1 for ZERO
    offset: int = 0  # FLAT: byte offset in the file
    sparse: _Sparse | None = None


def _header(path: Path, fd: int, offset: int) -> tuple[int, ...]:
    raw = pread_exact(fd, path, offset, _HEADER.size, _FORMAT)
    fields = _HEADER.unpack(raw)
    if fields[0] != b"KDMV":
        raise ContainerError("vmdk.header", path, field="magic number")
    return fields[1:]


def _sparse_tables(path: Path, fd: int, file_size: int) -> tuple[_Sparse, int]:
    """The tables of the sparse extent in ``path``, and its capacity in bytes."""
    (_version, flags, capacity, grain, _doff, _dsize, per_table, _rgd, directory, *_rest) = _header(path, fd, 0)
    if directory == _GD_AT_END:  # stream-optimised: the real header is the footer, before the end-of-stream marker
        if file_size < 1536:
            raise ContainerError("vmdk.header", path, field="footer")
        (_version, flags, capacity, grain, _doff, _dsize, per_table, _rgd, directory, *_rest) = _header(
            path, fd, file_size - 1024
        )
    if grain < 1 or grain > 1 << 16 or grain & (grain - 1):
        raise ContainerError("vmdk.header", path, field="grainSize")
    if per_table < 1 or per_table > 1 << 16:
        raise ContainerError("vmdk.header", path, field="numGTEsPerGT")
    entries = -(-capacity // (grain * per_table))
    if entries * 4 > _MAX_TABLE_BYTES or directory * 512 + entries * 4 > file_size:
        raise ContainerError("vmdk.header", path, field="gdOffset")
    table = pread_exact(fd, path, directory * 512, entries * 4, _FORMAT)
    sparse = _Sparse(
        grain=grain * 512,
        per_table=per_table,
        directory=struct.unpack(f"<{entries}I", table),
        compressed=bool(flags & _COMPRESSED),
    )
    return sparse, capacity * 512


def _descriptor_text(path: Path, data: bytes) -> list[str]:
    text = data.split(b"\x00", 1)[0].decode("utf-8", errors="replace")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]


class VmdkSource(LayeredSource):
    """The media of a VMDK: its extents in order, its parent (snapshot delta) included."""

    def __init__(self, path: Path, opener: ParentOpener, lines: list[str], files: list[Path]) -> None:
        self.format = _FORMAT
        self._tables = LruCache(32)
        self._grains = LruCache(16)
        self._extents: list[_Extent] = []
        self._starts: list[int] = []
        self.segments = tuple([path, *(f for f in files if f != path)])
        sizes = self._open_files(list(self.segments))
        try:
            self._build(path, lines, sizes)
            self.parent = self._parent(path, lines, opener)
        except BaseException:
            self.close()
            raise
        create = next(
            (line.partition("=")[2].strip().strip('"') for line in lines if line.startswith("createType")), ""
        )
        self.metadata = ImageMetadata(extra={"vmdk_type": create, "extent_count": str(len(self._extents))})

    def _build(self, path: Path, lines: list[str], sizes: list[int]) -> None:
        position = 0
        for line in lines:
            match = _EXTENT.match(line)
            if match is None:
                continue
            _access, sectors, kind, name, offset = match.groups()
            length = int(sectors) * 512
            if kind == "VMFS":
                kind = "FLAT"
            if kind not in ("SPARSE", "FLAT", "ZERO"):
                raise ContainerError("vmdk.extent", path, kind=kind)
            index = -1 if kind == "ZERO" else self._file_index(path, name)
            sparse = None
            if kind == "SPARSE":
                sparse, capacity = _sparse_tables(self._paths[index], self._fds[index], sizes[index])
                if capacity < length:
                    raise ContainerError("vmdk.size", self._paths[index], extents=capacity // 512, expected=sectors)
            elif kind == "FLAT" and int(offset or 0) * 512 + length > sizes[index]:
                raise ContainerError("truncated", self._paths[index], format=_FORMAT, offset=0, length=length)
            extent = _Extent(
                start=position, length=length, kind=kind, file=index, offset=int(offset or 0) * 512, sparse=sparse
            )
            if length:
                self._extents.append(extent)
                self._starts.append(position)
            position += length
        if position == 0:
            raise ContainerError("empty", path, format=_FORMAT)
        self.size = position

    def _file_index(self, path: Path, name: str | None) -> int:
        if not name:
            raise ContainerError("vmdk.descriptor", path, line="extent without a file name")
        if len(self.segments) == 1:  # monolithic sparse: the descriptor names the file itself (maybe since renamed)
            return 0
        target = path.parent / name
        if target not in self._paths:
            raise ContainerError("vmdk.descriptor", path, line=name)
        return self._paths.index(target)

    def _parent(self, path: Path, lines: list[str], opener: ParentOpener) -> ImageSource | None:
        values = dict(line.split("=", 1) for line in lines if "=" in line)
        parent_cid = values.get("parentCID", "ffffffff").strip().strip('"').lower()
        if parent_cid == "ffffffff":
            return None
        hint = values.get("parentFileNameHint", "").strip().strip('"')
        return opener.open(path, hint)

    def _map(self, position: int, limit: int) -> tuple[int, Where]:
        extent = self._extents[bisect.bisect_right(self._starts, position) - 1]
        inside = position - extent.start
        count = min(limit, extent.length - inside)
        if extent.kind == "ZERO":
            return count, ZERO
        if extent.kind == "FLAT":
            return count, (extent.file, extent.offset + inside)
        sparse = extent.sparse
        assert sparse is not None  # noqa: S101 - set for every SPARSE extent by _build
        grain, within = divmod(inside, sparse.grain)
        count = min(count, sparse.grain - within)
        sector = self._grain_entry(extent, sparse, grain)
        if sector == 0:
            return count, None
        if sector == 1:
            return count, ZERO
        if sparse.compressed:
            data = self._compressed(extent, sparse, grain, sector)
            return count, data[within : within + count]
        if sector * 512 + within + count > self._size_of(extent.file):
            raise ContainerError("vmdk.table", self._paths[extent.file], grain=grain, sector=sector)
        return count, (extent.file, sector * 512 + within)

    def _size_of(self, index: int) -> int:
        import os

        return os.fstat(self._fds[index]).st_size

    def _grain_entry(self, extent: _Extent, sparse: _Sparse, grain: int) -> int:
        table_index, entry = divmod(grain, sparse.per_table)
        sector = sparse.directory[table_index]
        if sector == 0:
            return 0
        key = (extent.file, sector)
        table = self._tables.get(key)
        if table is None:
            path, fd = self._paths[extent.file], self._fds[extent.file]
            if sector * 512 + sparse.per_table * 4 > self._size_of(extent.file):
                raise ContainerError("vmdk.table", path, grain=table_index * sparse.per_table, sector=sector)
            data = pread_exact(fd, path, sector * 512, sparse.per_table * 4, _FORMAT)
            table = struct.unpack(f"<{sparse.per_table}I", data)
            self._tables.put(key, table)
        value: int = table[entry]  # type: ignore[index]
        return value

    def _compressed(self, extent: _Extent, sparse: _Sparse, grain: int, sector: int) -> bytes:
        key = (extent.file, sector)
        cached = self._grains.get(key)
        if isinstance(cached, bytes):
            return cached
        path, fd = self._paths[extent.file], self._fds[extent.file]
        if sector * 512 + 12 > self._size_of(extent.file):
            raise ContainerError("vmdk.table", path, grain=grain, sector=sector)
        _lba, size = struct.unpack("<QI", pread_exact(fd, path, sector * 512, 12, _FORMAT))
        if size > 2 * sparse.grain + 4096:
            raise ContainerError("compressed", path, format=_FORMAT, offset=sector * 512)
        stored = pread_exact(fd, path, sector * 512 + 12, size, _FORMAT)
        try:
            data = zlib.decompressobj().decompress(stored, sparse.grain)
        except zlib.error as exc:
            raise ContainerError("compressed", path, format=_FORMAT, offset=sector * 512) from exc
        wanted = min(sparse.grain, extent.length - grain * sparse.grain)
        if len(data) < wanted:
            raise ContainerError("compressed", path, format=_FORMAT, offset=sector * 512)
        data = data.ljust(sparse.grain, b"\x00")
        self._grains.put(key, data)
        return data

    def close(self) -> None:
        """Close every extent file and the parent. Idempotent."""
        self._tables.clear()
        self._grains.clear()
        super().close()


def open_vmdk(path: Path, opener: ParentOpener, *, descriptor: bool) -> VmdkSource:
    """Open the VMDK whose descriptor (a text file, or embedded in the sparse file) is ``path``."""
    from evidence.common.files import open_readonly

    fd, size = open_readonly(path)
    try:
        if descriptor:
            data = pread_exact(fd, path, 0, min(size, _MAX_DESCRIPTOR), _FORMAT)
        else:
            fields = _header(path, fd, 0)
            offset, length = fields[4], fields[5]
            if offset == 0:
                raise ContainerError("vmdk.descriptor", path, line="a part of a split VMDK: open its descriptor file")
            if length > _MAX_DESCRIPTOR // 512:
                raise ContainerError("vmdk.header", path, field="descriptorSize")
            data = pread_exact(fd, path, offset * 512, length * 512, _FORMAT)
    finally:
        import os

        os.close(fd)
    lines = _descriptor_text(path, data)
    files: list[Path] = []
    for line in lines:
        match = _EXTENT.match(line)
        if match is None or match.group(3) == "ZERO":
            continue
        name = match.group(4) or ""
        if descriptor:
            if Path(name).is_absolute() or not name:
                raise ContainerError("vmdk.descriptor", path, line=line)
            target = path.parent / name
            if target not in files:
                files.append(target)
    if not any(_EXTENT.match(line) for line in lines):
        raise ContainerError("vmdk.descriptor", path, line="no extent")
    return VmdkSource(path, opener, lines, files if descriptor else [path])
