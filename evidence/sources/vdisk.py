"""What the virtual disk readers (QCOW2, VMDK, VHD) share: the error with its two languages, the layered read, and
the rules for following a parent (backing) image.

A virtual disk maps each range of its media to one of four places: bytes stored in one of its files, bytes decoded
from a compressed grain or cluster, zeros, or "not here" (the parent image, or zeros when there is none). Each reader
only says where a position lies (``LayeredSource._map``); reading, joining and falling back to the parent are done
once here. Tables are read when first needed and kept in small caches, so memory stays bounded whatever the media
size, and no read ever returns fewer bytes than asked without saying why.

Parents are opened by a ``ParentOpener`` that ``evidence.sources.open_image`` hands to each reader. It follows only
names relative to the child's folder unless the caller allows absolute ones (a file name inside evidence must not
make scelle open an arbitrary file of the examiner's machine), and it refuses a chain that loops or is too deep.
"""

from __future__ import annotations

import abc
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from evidence.common.errors import ImageError
from evidence.sources.base import ImageSource
from evidence.sources.container_messages import container_message

#: a parent chain longer than this is refused (qemu's own limit is far lower in practice)
MAX_CHAIN = 64


class ContainerError(ImageError):
    """A virtual disk container is malformed, truncated or unsupported. Its message exists in English and French.

    ``str()`` is the English line; ``message_in(lang)`` gives it in ``en`` or ``fr``.
    """

    def __init__(self, code: str, path: Path | str, **params: object) -> None:
        self.code = code
        self.params = {"path": str(path), **{key: str(value) for key, value in params.items()}}
        super().__init__(self.message_in("en"))

    def message_in(self, lang: str) -> str:
        """The message in ``lang`` (``en`` or ``fr``)."""
        return container_message(self.code, lang, self.params)


class Zero:
    """Marks a range that reads as zeros."""


ZERO = Zero()
#: where a range lies: in file ``files[i]`` at ``offset`` (a pair), decoded bytes, zeros, or None (the parent's)
Where = tuple[int, int] | bytes | Zero | None


def pread_exact(fd: int, path: Path, offset: int, length: int, fmt: str) -> bytes:
    """``length`` bytes of ``path`` at ``offset``, or a ``ContainerError`` saying the file ends before them."""
    if offset < 0 or length < 0 or offset + length > 1 << 62:  # a hostile table entry: no file is that large
        raise ContainerError("truncated", path, format=fmt, offset=offset, length=length)
    parts: list[bytes] = []
    done = 0
    while done < length:
        try:
            chunk = os.pread(fd, length - done, offset + done)
        except OSError as exc:
            raise ImageError(f"{path}: read error at offset {offset + done}: {exc.strerror or exc}") from exc
        if not chunk:
            raise ContainerError("truncated", path, format=fmt, offset=offset, length=length)
        parts.append(chunk)
        done += len(chunk)
    return b"".join(parts)


class LruCache:
    """A small thread-safe least-recently-used map (tables and decoded grains)."""

    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._items: OrderedDict[object, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: object) -> object | None:
        """The value kept for ``key``, or None."""
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: object, value: object) -> None:
        """Keep ``value`` for ``key``, forgetting the least recently used entry when full."""
        with self._lock:
            self._items[key] = value
            if len(self._items) > self._capacity:
                self._items.popitem(last=False)

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._items.clear()


class LayeredSource(ImageSource):
    """A virtual disk: media ranges mapped by ``_map`` to its files, decoded bytes, zeros or its parent."""

    parent: ImageSource | None = None
    _fds: list[int]
    _paths: list[Path]

    @abc.abstractmethod
    def _map(self, position: int, limit: int) -> tuple[int, Where]:
        """Where the media bytes from ``position`` lie: ``(count, where)`` for the next ``count`` bytes (at least
        one, at most ``limit``) that share one place. A ``bytes`` place holds exactly ``count`` bytes."""

    def read_at(self, offset: int, length: int) -> bytes:
        """Return up to ``length`` media bytes from ``offset``; fewer only at the end of the media."""
        if offset < 0 or length < 0:
            raise ImageError(f"{self.segments[0]}: invalid read at offset {offset}, length {length}")
        if not self._fds:
            raise ImageError(f"{self.segments[0]}: image is closed")
        end = min(offset + length, self.size)
        parts: list[bytes] = []
        position = offset
        while position < end:
            count, where = self._map(position, end - position)
            if isinstance(where, tuple):
                index, host = where
                parts.append(pread_exact(self._fds[index], self._paths[index], host, count, self.format))
            elif isinstance(where, bytes):
                parts.append(where)
            elif where is None and self.parent is not None:
                parts.append(self._from_parent(position, count))
            else:
                parts.append(bytes(count))
            position += count
        return b"".join(parts)

    def _from_parent(self, position: int, count: int) -> bytes:
        """The parent's bytes; past the parent's end (a smaller parent) the media reads as zeros, as qemu does."""
        parent = self.parent
        data = parent.read_at(position, count) if parent is not None and position < parent.size else b""
        return data + bytes(count - len(data))

    def _open_files(self, paths: list[Path]) -> list[int]:
        """Open ``paths`` read-only (closing those already opened if one fails); return their sizes."""
        from evidence.common.files import open_readonly

        self._fds, self._paths, sizes = [], [], []
        try:
            for path in paths:
                fd, size = open_readonly(path)
                self._fds.append(fd)
                self._paths.append(path)
                sizes.append(size)
        except ImageError:
            self.close()
            raise
        return sizes

    def close(self) -> None:
        """Close this layer's files and its parent. Idempotent."""
        fds, self._fds = getattr(self, "_fds", []), []
        for fd in fds:
            os.close(fd)
        parent, self.parent = self.parent, None
        if parent is not None:
            parent.close()


class ParentOpener:
    """Opens the parent an image names, under the rules above; one per chain (it remembers the images it opened)."""

    def __init__(
        self,
        open_one: Callable[[Path, ParentOpener], ImageSource],
        *,
        follow_absolute: bool,
        chain: tuple[Path, ...] = (),
    ) -> None:
        self._open_one = open_one
        self._follow_absolute = follow_absolute
        self.chain = chain

    def enter(self, path: Path) -> ParentOpener:
        """The opener for the parents of ``path``, refusing a loop back to an image already in the chain."""
        real = Path(os.path.realpath(path))
        if real in self.chain:
            raise ContainerError("parent.loop", self.chain[0], again=path)
        if len(self.chain) >= MAX_CHAIN:
            raise ContainerError("parent.deep", self.chain[0], limit=MAX_CHAIN)
        return ParentOpener(self._open_one, follow_absolute=self._follow_absolute, chain=(*self.chain, real))

    def open(self, child: Path, name: str) -> ImageSource:
        """Open the parent ``name`` given in ``child``: relative to ``child``'s folder, absolute only if allowed."""
        if not name or "\x00" in name:
            raise ContainerError("parent.name", child)
        target = Path(name)
        if target.is_absolute() or (len(name) > 1 and name[1] == ":"):
            if not self._follow_absolute:
                raise ContainerError("parent.absolute", child, name=name)
        else:
            target = child.parent / target
        if not target.exists():
            raise ContainerError("parent.missing", child, name=name)
        return self._open_one(target, self)
