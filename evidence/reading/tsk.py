"""The Sleuth Kit behind scelle's image sources. The only module that imports ``pytsk3``.

``TskImage`` is a small ``pytsk3.Img_Info`` subclass that reads through an ``ImageSource`` (raw, split raw or EWF:
the PyPI pytsk3 wheel cannot open EWF itself). Everything else turns pytsk3 objects into plain frozen records at
once, so the rest of scelle never holds a TSK object and never sees a TSK exception.

TSK keeps state in its image and file-system handles (caches, the current directory buffer): every call into
pytsk3 for one image happens under that image's lock. An ``ImageError`` raised by the source while TSK reads (a
corrupt EWF chunk) reaches the caller as that ``ImageError``, not as TSK's generic "read error".
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

import pytsk3

from evidence.common.errors import FileSystemError, ImageError, VolumeError
from evidence.common.messages import LocalisedFileSystemError
from evidence.common.reasons import library_text
from evidence.sources.base import ImageSource

NTFS_ATTR_FNAME = 48
NTFS_ATTR_DATA = 128
NTFS_ATTR_IDXROOT = 144
_NAME_UNALLOC = 2
_META_UNALLOC = 2
_META_TYPE_REG = 1
_DOTS = (b".", b"..")

#: TSK file-system type codes -> the names ``fsstat`` prints
FS_TYPE_NAMES = {
    0x1: "NTFS",
    0x2: "FAT12",
    0x4: "FAT16",
    0x8: "FAT32",
    0xA: "exFAT",
    0x10: "UFS1",
    0x20: "UFS1b",
    0x40: "UFS2",
    0x80: "Ext2",
    0x100: "Ext3",
    0x2000: "Ext4",
    0x200: "Swap",
    0x400: "Raw",
    0x800: "ISO9660",
    0x1000: "HFS+",
    0x4000: "YAFFS2",
    0x10000: "APFS",
}
VS_TYPE_NAMES = {0x1: "dos", 0x2: "bsd", 0x4: "sun", 0x8: "mac", 0x10: "gpt", 0x20: "apfs"}


# The records of this module are NamedTuples, not dataclasses: a TskMeta, a TskAttribute and a TskName are built for
# every directory entry of a walk, and a frozen dataclass costs several times more to build, and about 2 ms to
# define at import (its methods are generated and compiled then), which every command would pay.


class TskMeta(NamedTuple):
    """A TSK metadata structure (inode / MFT entry), copied out of pytsk3."""

    addr: int
    seq: int
    type: int
    flags: int
    mode: int
    uid: int
    gid: int
    size: int
    #: (seconds, nanoseconds) of mtime, atime, ctime, crtime, as TSK gives them
    times: tuple[tuple[int, int], tuple[int, int], tuple[int, int], tuple[int, int]]
    link: bytes | None


class TskAttribute(NamedTuple):
    """One attribute (NTFS stream, HFS fork, ...) of a file: type, id, name and size."""

    type: int
    id: int
    name: bytes | None
    size: int


class TskName(NamedTuple):
    """A directory entry with its metadata (if TSK could load it) and, for NTFS, its attributes."""

    name: bytes
    type: int
    flags: int
    meta_addr: int
    meta: TskMeta | None
    attributes: tuple[TskAttribute, ...]
    #: a reader of the content, kept from the directory walk (only for regular files, and only when asked for)
    reader: TskFileReader | None = None


class TskPartition(NamedTuple):
    """One row of TSK's volume-system listing (what ``mmls`` prints)."""

    addr: int
    start: int
    length: int
    description: str
    flags: int
    table_num: int
    slot_num: int


class TskVolumeSystem(NamedTuple):
    """A partition table: its type, its sector size and its rows."""

    type: str
    block_size: int
    partitions: tuple[TskPartition, ...]


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


class TskImage(pytsk3.Img_Info):  # type: ignore[misc]
    """TSK's view of an ``ImageSource``; ``guard`` wraps every pytsk3 call made for this image."""

    def __init__(self, source: ImageSource) -> None:
        self.source = source
        self.lock = threading.RLock()
        self._pending: ImageError | None = None
        #: reads TSK asked for so far (past its own cache): what a walk's budget counts
        self.reads = 0
        #: True while TSK reads a file's content (``TskFileReader.read``); its other reads are metadata
        self.content = False
        super().__init__(url="", type=pytsk3.TSK_IMG_TYPE_EXTERNAL)

    def read(self, offset: int, size: int) -> bytes:
        """Called by TSK: read from the source, keeping any ``ImageError`` for ``guard`` to re-raise."""
        self.reads += 1
        source = self.source
        try:
            return source.read_at(offset, size) if self.content else source.read_metadata_at(offset, size)
        except ImageError as exc:
            self._pending = exc
            raise

    def get_size(self) -> int:
        """Called by TSK: the media size."""
        return self.source.size

    def close(self) -> None:
        """Called by TSK when it releases the image; the source is closed by its owner."""

    def take_pending(self) -> ImageError | None:
        """The ``ImageError`` the source raised during the last TSK call, if any (and forget it)."""
        pending, self._pending = self._pending, None
        return pending

    @contextmanager
    def guard(self, error: type[ImageError], context: str, code: str | None = None, **params: object) -> Iterator[None]:
        """Hold the image lock; turn pytsk3 failures into ``error`` (or the source's own ``ImageError``); with
        ``code``, into that message of the catalogue with ``params`` and TSK's words as ``detail``."""
        with self.lock:
            self._pending = None
            try:
                yield
            except (OSError, RuntimeError, ValueError, TypeError) as exc:
                pending = self.take_pending()
                if pending is not None:
                    raise pending from exc
                if code is not None:
                    detail = library_text("tsk", _tsk_reason(exc))  # TSK's words, quoted as such in French
                    raise LocalisedFileSystemError(code, context=context, detail=detail, **params) from exc
                raise error(f"{context}: {_tsk_reason(exc)}") from exc


def _tsk_reason(exc: BaseException) -> str:
    """TSK's own words, without pytsk3's ``Function: (file.cpp:123)`` prefix."""
    text = " ".join(str(exc).split())
    if "with error:" in text:
        text = text.rsplit("with error:", 1)[1]
    text = re.sub(r"^\w+: \([^)]*\)\s*", "", text)
    return text.strip() or type(exc).__name__


def open_volume_system(image: TskImage, context: str) -> TskVolumeSystem | None:
    """The partition table TSK finds at offset 0, or None when there is none."""
    with image.lock:
        try:
            volumes = pytsk3.Volume_Info(image)
        except (OSError, RuntimeError) as exc:
            pending = image.take_pending()
            if pending is not None:
                raise pending from exc
            return None
        with image.guard(VolumeError, context):
            rows = tuple(
                TskPartition(
                    addr=int(part.addr),
                    start=int(part.start),
                    length=int(part.len),
                    description=_text(part.desc),
                    flags=int(part.flags),
                    table_num=int(part.table_num),
                    slot_num=int(part.slot_num),
                )
                for part in volumes
            )
            kind = VS_TYPE_NAMES.get(int(volumes.info.vstype), f"0x{int(volumes.info.vstype):x}")
            return TskVolumeSystem(type=kind, block_size=int(volumes.info.block_size), partitions=rows)


def _meta(meta: Any) -> TskMeta:
    link = meta.link
    # pytsk3 gives plain ints for addresses, sizes and times; int() is kept for its enum fields (type, flags, mode)
    return TskMeta(
        meta.addr,
        meta.seq,
        int(meta.type),
        int(meta.flags),
        int(meta.mode),
        meta.uid,
        meta.gid,
        meta.size,
        (
            (meta.mtime, meta.mtime_nano),
            (meta.atime, meta.atime_nano),
            (meta.ctime, meta.ctime_nano),
            (meta.crtime, meta.crtime_nano),
        ),
        link if isinstance(link, bytes) and link else None,
    )


def _attributes(tsk_file: Any) -> tuple[TskAttribute, ...]:
    return tuple(
        TskAttribute(type=int(a.info.type), id=int(a.info.id), name=a.info.name or None, size=int(a.info.size))
        for a in tsk_file
    )


class TskFsInfo(NamedTuple):
    """What scelle reports about a file system."""

    type: str
    block_size: int
    block_count: int
    root_inum: int
    first_inum: int
    last_inum: int


class TskFileSystem:
    """A TSK file system at a byte offset of an image; listing directories and reading attributes."""

    def __init__(self, image: TskImage, offset: int, context: str) -> None:
        self._image = image
        self._context = context
        with image.guard(FileSystemError, context, "fs.none"):
            self._fs = pytsk3.FS_Info(image, offset=offset)
            info = self._fs.info
            ftype = int(info.ftype)
            self.info = TskFsInfo(
                type=FS_TYPE_NAMES.get(ftype, f"0x{ftype:x}"),
                block_size=int(info.block_size),
                block_count=int(info.block_count),
                root_inum=int(info.root_inum),
                first_inum=int(info.first_inum),
                last_inum=int(info.last_inum),
            )
        self.is_ntfs = ftype == 0x1

    def _load_meta(self, addr: int) -> Any | None:
        try:
            return self._fs.open_meta(inode=addr)
        except (OSError, RuntimeError):
            return None

    def _fill_meta(self, name: Any) -> Any | None:
        """The file object whose metadata goes with this name, loaded the way ``fls``'s directory walk does.

        pytsk3's directory iterator drops the metadata of an NTFS name whose sequence number differs from the MFT
        entry's; TSK's walk (so ``fls``) keeps it for a deleted entry whose sequence was bumped by the deletion.
        """
        if not (name.meta_addr or int(name.flags) & 1):
            return None
        loaded = self._load_meta(int(name.meta_addr))
        if loaded is None or loaded.info.meta is None:
            return None
        if self.is_ntfs:
            meta = loaded.info.meta
            expected = int(meta.seq)
            if int(meta.flags) & _META_UNALLOC and expected > 0:
                expected -= 1
            if int(name.meta_seq) != expected:
                return None
        return loaded

    def search_orphans(self) -> None:
        """Have TSK search for orphan files now; a failure is left for the listing of ``$OrphanFiles`` to report.

        TSK's search walks every directory from the root and keeps its result for that listing. Made before the
        walk, its reads come together, all of them metadata (``TskImage.content``), instead of after every file's
        content: an EWF source then keeps those chunks and inflates each once (``evidence.ewf.chunk_cache``).
        """
        with self._image.lock:
            try:
                self._fs.open_dir(inode=self.info.last_inum)
            except (OSError, RuntimeError, ValueError, TypeError):
                self._image.take_pending()

    def list_dir(self, addr: int, readers: bool = False) -> list[TskName]:
        """The entries of directory ``addr`` in TSK's order, without ``.`` and ``..``.

        With ``readers``, each regular file keeps the TSK file object the walk opened, as ``TskName.reader``: its
        content can then be read without loading the inode again.
        """
        result: list[TskName] = []
        with self._image.guard(FileSystemError, self._context, "fs.directory_unreadable", addr=addr):
            directory = self._fs.open_dir(inode=addr)
            for tsk_file in directory:
                info = tsk_file.info
                name = info.name
                raw = name.name
                if raw in _DOTS:
                    continue
                holder = tsk_file if info.meta is not None else self._fill_meta(name)
                meta = _meta(holder.info.meta) if holder is not None else None
                reader = None
                if readers and meta is not None and meta.type == _META_TYPE_REG:
                    reader = TskFileReader(self._image, holder, self._context, meta.addr)
                result.append(
                    TskName(
                        bytes(raw or b""),
                        int(name.type),
                        int(name.flags),
                        name.meta_addr,
                        meta,
                        _attributes(holder) if (self.is_ntfs and meta is not None) else (),
                        reader,
                    )
                )
        return result

    @property
    def image_reads(self) -> int:
        """Reads TSK made from the image so far (see ``TskImage.reads``)."""
        return self._image.reads

    def stat(self, addr: int) -> tuple[TskMeta, tuple[TskAttribute, ...]]:
        """Metadata and attributes of inode ``addr``; ``EntryNotFoundError`` style failures raise FileSystemError."""
        with self._image.guard(FileSystemError, self._context, "fs.no_inode", addr=addr):
            tsk_file = self._fs.open_meta(inode=addr)
            if tsk_file.info.meta is None:
                raise FileSystemError(f"{self._context}: inode {addr} has no metadata")
            return _meta(tsk_file.info.meta), _attributes(tsk_file)

    def reader(self, addr: int) -> TskFileReader:
        """An object reading the attributes of inode ``addr``."""
        with self._image.guard(FileSystemError, self._context, "fs.no_inode", addr=addr):
            return TskFileReader(self._image, self._fs.open_meta(inode=addr), self._context, addr)


class TskFileReader:
    """Reads one file's content the way ``icat`` does (default attribute, or one given by type and id)."""

    __slots__ = ("_addr", "_context", "_file", "_image")

    def __init__(self, image: TskImage, tsk_file: Any, context: str, addr: int) -> None:
        self._image = image
        self._file = tsk_file
        self._context = context
        self._addr = addr

    def read(self, offset: int, length: int, attr_type: int | None, attr_id: int | None) -> bytes:
        """Up to ``length`` bytes at ``offset`` of the attribute; fewer only at its end (or where TSK maps none)."""
        image = self._image
        # The body of ``image.guard``, inlined: this runs once per file and chunk of a hashed listing.
        with image.lock:
            image.take_pending()
            image.content = True
            try:
                if attr_type is None:
                    data = self._file.read_random(offset, length)
                else:
                    data = self._file.read_random(offset, length, attr_type, -1 if attr_id is None else attr_id)
            except (OSError, RuntimeError, ValueError, TypeError) as exc:
                pending = image.take_pending()
                if pending is not None:
                    raise pending from exc
                message = f"{self._context}: inode {self._addr}: read error at offset {offset}: {_tsk_reason(exc)}"
                raise FileSystemError(message) from exc
            finally:
                image.content = False
        return data if type(data) is bytes else bytes(data)
