"""QCOW2 (versions 2 and 3) read by scelle's own reader, after qemu's ``docs/interop/qcow2.txt``.

The media is cut into clusters of ``2**cluster_bits`` bytes. The L1 table (read at open, at most 32 MiB as qemu
allows) points to L2 tables (read when needed, a few kept); each L2 entry says where a cluster lies:

* a standard cluster: bits 9-55 are its host offset; 0 with bit 0 clear means "not allocated" (the backing file's
  bytes, or zeros); bit 0 set (version 3) means "reads as zeros";
* a compressed cluster (bit 62): the low ``62 - (cluster_bits - 8)`` bits are its host *byte* offset, which can be
  odd (qemu-img writes compressed clusters back to back), the next bits the number of further 512-byte sectors it
  spans. Bit 0 is part of that offset, not a flag: a reader that masks it (libqcow-python does) silently returns
  zeros. The data is raw deflate that must inflate to exactly one cluster.

Backing files are followed through ``ParentOpener`` (relative names only unless allowed, loops refused). Encrypted
images, external data files, extended L2 entries and zstd compression are refused by name rather than misread.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from evidence.sources.base import ImageMetadata
from evidence.sources.vdisk import ZERO, ContainerError, LayeredSource, LruCache, ParentOpener, Where, pread_exact

MAGIC = b"QFI\xfb"
_HEADER = struct.Struct(">4sIQIIQIIQQIIQ")  # up to snapshots_offset: 72 bytes
_V3_HEADER = struct.Struct(">QQQII")  # incompatible, compatible, autoclear features, refcount order, header length
_OFFSET_MASK = 0x00FF_FFFF_FFFF_FE00
_COMPRESSED = 1 << 62
_ZERO_FLAG = 1
_MAX_L1_BYTES = 32 << 20
_INCOMPATIBLE = {2: "external data file", 4: "extended L2 entries"}
_KNOWN_INCOMPATIBLE = 0b11111  # dirty, corrupt, external data, compression type, extended L2
_FORMAT = "qcow2"


class Qcow2Source(LayeredSource):
    """The media of a QCOW2 image, its backing chain included."""

    def __init__(self, path: Path, opener: ParentOpener) -> None:
        self.format = _FORMAT
        self.segments = (path,)
        (self._file_size,) = self._open_files([path])
        self._l2_cache = LruCache(32)
        self._cluster_cache = LruCache(16)
        try:
            backing = self._read_header(path)
            self._l1 = self._read_l1(path)
            self.parent = opener.open(path, backing) if backing else None
        except BaseException:
            self.close()
            raise
        extra = {"qcow2_version": str(self._version), "cluster_size": str(self._cluster)}
        if backing:
            extra["backing_file"] = backing
        self.metadata = ImageMetadata(chunk_size=self._cluster, extra=extra)

    def _read_header(self, path: Path) -> str:
        fd = self._fds[0]
        raw = pread_exact(fd, path, 0, 104, _FORMAT) if self._file_size >= 104 else b""
        if len(raw) < 104:
            raw = pread_exact(fd, path, 0, 72, _FORMAT)
        (magic, version, backing_offset, backing_size, cluster_bits, size, crypt, l1_size, l1_offset) = (
            _HEADER.unpack_from(raw)[:9]
        )
        if magic != MAGIC or version not in (2, 3):
            raise ContainerError("qcow2.version", path, version=version)
        if not 9 <= cluster_bits <= 21:
            raise ContainerError("qcow2.cluster", path, bits=cluster_bits)
        if crypt:
            raise ContainerError("qcow2.encrypted", path)
        if size >= 1 << 63 or size == 0:
            raise ContainerError("empty", path, format=_FORMAT)
        self._version, self._bits, self._cluster, self.size = version, cluster_bits, 1 << cluster_bits, size
        self._l2_entries = self._cluster // 8
        if l1_size * self._l2_entries * self._cluster < size or l1_size * 8 > _MAX_L1_BYTES:
            raise ContainerError("qcow2.l1", path, entries=l1_size)
        self._l1_size, self._l1_offset = l1_size, l1_offset
        if version == 3:
            self._check_features(path, raw)
        self._compressed_bits = 62 - (cluster_bits - 8)
        if not backing_offset:
            return ""
        if backing_size > 1023 or backing_size == 0:
            raise ContainerError("qcow2.backing", path)
        name = pread_exact(fd, path, backing_offset, backing_size, _FORMAT)
        try:
            return name.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ContainerError("qcow2.backing", path) from exc

    def _check_features(self, path: Path, raw: bytes) -> None:
        incompatible, _compatible, _autoclear, _refcount_order, header_length = _V3_HEADER.unpack_from(raw, 72)
        for bit, name in _INCOMPATIBLE.items():
            if incompatible & (1 << bit):
                raise ContainerError("qcow2.feature", path, feature=name)
        if incompatible & ~_KNOWN_INCOMPATIBLE:
            raise ContainerError("qcow2.feature", path, feature=f"0x{incompatible:x}")
        if incompatible & (1 << 3) and header_length > 104:
            kind = pread_exact(self._fds[0], path, 104, 1, _FORMAT)[0]
            if kind != 0:
                raise ContainerError("qcow2.feature", path, feature="zstd" if kind == 1 else f"compression {kind}")

    def _read_l1(self, path: Path) -> tuple[int, ...]:
        table = pread_exact(self._fds[0], path, self._l1_offset, self._l1_size * 8, _FORMAT)
        return struct.unpack(f">{self._l1_size}Q", table)

    def _l2_entry(self, cluster: int) -> int:
        l1_index, l2_index = divmod(cluster, self._l2_entries)
        l2_offset = self._l1[l1_index] & _OFFSET_MASK
        if not l2_offset:
            return 0
        table = self._l2_cache.get(l2_offset)
        if table is None:
            if l2_offset % self._cluster:
                raise ContainerError("qcow2.table", self.segments[0], offset=l2_offset)
            data = pread_exact(self._fds[0], self.segments[0], l2_offset, self._cluster, _FORMAT)
            table = struct.unpack(f">{self._l2_entries}Q", data)
            self._l2_cache.put(l2_offset, table)
        entry: int = table[l2_index]  # type: ignore[index]
        return entry

    def _map(self, position: int, limit: int) -> tuple[int, Where]:
        cluster, inside = divmod(position, self._cluster)
        count = min(limit, self._cluster - inside)
        entry = self._l2_entry(cluster)
        if entry & _COMPRESSED:
            data = self._compressed(entry)
            return count, data[inside : inside + count]
        host = entry & _OFFSET_MASK
        if entry & _ZERO_FLAG:
            return count, ZERO
        if not host:
            return count, None
        if host % self._cluster:
            raise ContainerError("qcow2.table", self.segments[0], offset=host)
        return count, (0, host + inside)

    def _compressed(self, entry: int) -> bytes:
        bits = self._compressed_bits
        host = entry & ((1 << bits) - 1)
        sectors = (entry >> bits) & ((1 << (62 - bits)) - 1)
        cached = self._cluster_cache.get(host)
        if isinstance(cached, bytes):
            return cached
        length = (sectors + 1) * 512 - (host & 511)
        length = min(length, self._file_size - host)  # the last cluster may end before its last sector does
        if length <= 0:
            raise ContainerError("truncated", self.segments[0], format=_FORMAT, offset=host, length=1)
        stored = pread_exact(self._fds[0], self.segments[0], host, length, _FORMAT)
        inflater = zlib.decompressobj(-15)
        try:
            data = inflater.decompress(stored, self._cluster)
        except zlib.error as exc:
            raise ContainerError("compressed", self.segments[0], format=_FORMAT, offset=host) from exc
        if len(data) != self._cluster:
            raise ContainerError("compressed", self.segments[0], format=_FORMAT, offset=host)
        self._cluster_cache.put(host, data)
        return data

    def close(self) -> None:
        """Close the file and the backing chain. Idempotent."""
        self._l2_cache.clear()
        self._cluster_cache.clear()
        super().close()
