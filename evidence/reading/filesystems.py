"""File systems: every one TSK opens (NTFS, FAT, exFAT, ext2/3/4, HFS+, ISO 9660, UFS), walked the way ``fls -r -p`` is.

``FileSystem.walk`` yields the entries ``fls -r -p`` prints, in its order: deleted names, orphan files under
``$OrphanFiles``, TSK's virtual entries (``$MBR``, ``$FAT1``...) and NTFS streams (``name:stream``, inode
``64-128-2``). It follows TSK's rules for descending into a directory (both name and metadata are directories, the
name is allocated or both are unallocated) and guards against loops the same way (a directory is not entered again
below itself). The walk is iterative with an explicit stack, so a very deep tree cannot exhaust Python's stack.

A directory that cannot be read is skipped, as ``fls`` does, but never silently: its address and the reason go to
``FileSystem.errors``.
"""

from __future__ import annotations

import dataclasses
import struct
from collections.abc import Iterator
from typing import NamedTuple

from evidence.common.errors import FileSystemError
from evidence.reading.content import CHUNK_SIZE, entry_for_inode, find_entry, hash_content, iter_content
from evidence.reading.entries import (
    META_TYPE_LETTERS,
    NAME_TYPE_LETTERS,
    Entry,
    entry_from_values,
    escape_name,
    timestamp,
    type_word,
)
from evidence.reading.tsk import (
    NTFS_ATTR_DATA,
    NTFS_ATTR_FNAME,
    NTFS_ATTR_IDXROOT,
    TskAttribute,
    TskFileReader,
    TskFileSystem,
    TskImage,
    TskMeta,
    TskName,
)
from evidence.reading.volumes import Volume, check_inside, whole_media
from evidence.sources.base import ImageSource

_NAME_UNALLOC = 0x2
_META_ALLOC = 0x1
_META_UNALLOC = 0x2
_DIR_NAME_TYPES = {3, 11, 0}  # directory, virtual directory, undefined
_DIR_META_TYPES = {2, 11}  # directory, virtual directory
_NT_EPOCH_DELTA = 116444736000000000
_NO_TIMES = ((0, 0),) * 4
#: TSK's type values -> ``fls``'s letters ("-" for a value TSK does not define)
_NAME_LETTERS = dict(enumerate(NAME_TYPE_LETTERS))
_META_LETTERS = dict(enumerate(META_TYPE_LETTERS))


class _Frame(NamedTuple):
    names: Iterator[TskName]
    prefix: bytes
    ancestors: frozenset[int]


class WalkOptions:
    """What a walk includes besides allocated entries (a plain class: it is one object a walk, not a record)."""

    __slots__ = ("errors", "filename_records", "include_deleted", "readers")

    def __init__(self, include_deleted: bool = True, filename_records: bool = False, *, readers: bool = False) -> None:
        self.include_deleted = include_deleted
        self.filename_records = filename_records
        #: keep a reader of each regular file's content from the directory walk
        self.readers = readers
        #: directories the walk could not read (address: reason)
        self.errors: list[str] = []


def nt_time(value: int) -> tuple[int, int]:
    """An NTFS FILETIME as (unix seconds, nanoseconds), 0 when out of TSK's range (as ``nt2unixtime`` does)."""
    if value < _NT_EPOCH_DELTA:
        return 0, 0
    seconds, rest = divmod(value - _NT_EPOCH_DELTA, 10_000_000)
    if seconds > 0xFFFFFFFF:
        return 0, 0
    return seconds, rest * 100


class FileSystem:
    """One file system of an image: walk it, look entries up, read their content."""

    def __init__(self, source: ImageSource, volume: Volume, image: TskImage | None = None) -> None:
        check_inside(source, volume)
        self.source = source
        self.volume = volume
        self.partition = volume.index
        self._image = image if image is not None else TskImage(source)
        where = "" if volume.index is None else f" {volume.label} (offset {volume.offset})"
        self._context = f"{source.segments[0]}:{where}" if where else f"{source.segments[0]}"
        self._tsk = TskFileSystem(self._image, volume.offset, self._context)
        self.info = self._tsk.info
        #: directories the last walk could not read (address: reason)
        self.errors: list[str] = []

    @property
    def context(self) -> str:
        """How messages name this file system (image, and partition when there is one)."""
        return self._context

    # -- walking -------------------------------------------------------------------------------------------------

    def walk(self, include_deleted: bool = True, filename_records: bool = False) -> Iterator[Entry]:
        """Every entry ``fls -r -p`` lists (only allocated ones when ``include_deleted`` is False).

        ``filename_records`` adds the NTFS ``$FILE_NAME`` records that ``fls -m`` puts in a timeline.
        """
        for entry, _reader in self._walk(WalkOptions(include_deleted, filename_records)):
            yield entry

    def walk_with_readers(
        self, include_deleted: bool = True, filename_records: bool = False
    ) -> Iterator[tuple[Entry, TskFileReader | None]]:
        """``walk``, with a reader of each regular file's content (None for other entries).

        The reader is the file the walk already opened, so reading every file (``scelle image ls --hash``) does not
        load each inode a second time. Pass it to ``iter_content``.
        """
        return self._walk(WalkOptions(include_deleted, filename_records, readers=True))

    def _walk(self, options: WalkOptions) -> Iterator[tuple[Entry, TskFileReader | None]]:
        self.errors = options.errors
        include_deleted, simple = options.include_deleted, not self._tsk.is_ntfs
        root = self.info.root_inum
        stack = [_Frame(iter(self._list(root, options)), b"", frozenset({root}))]
        while stack:
            names, prefix, ancestors = stack[-1]
            for name in names:  # left (break) to walk a directory, resumed where it was when that is done
                if include_deleted or not name.flags & _NAME_UNALLOC:
                    if simple or name.meta is None:
                        yield self._entry(name, prefix, None), name.reader
                    else:
                        for entry in self._records(name, prefix, options):
                            yield entry, name.reader
                if self._descends(name) and name.meta_addr not in ancestors:
                    children = self._list(name.meta_addr, options)
                    stack.append(_Frame(iter(children), prefix + name.name + b"/", ancestors | {name.meta_addr}))
                    break
            else:
                stack.pop()

    def _list(self, addr: int, options: WalkOptions) -> list[TskName]:
        try:
            return self._tsk.list_dir(addr, options.readers)
        except FileSystemError as exc:
            options.errors.append(f"directory {addr}: {exc}")
            return []

    @staticmethod
    def _descends(name: TskName) -> bool:
        meta = name.meta
        if meta is None or name.type not in _DIR_NAME_TYPES or meta.type not in _DIR_META_TYPES:
            return False
        return not name.flags & _NAME_UNALLOC or bool(meta.flags & _META_UNALLOC)

    def _records(self, name: TskName, prefix: bytes, options: WalkOptions) -> Iterator[Entry]:
        """The lines ``fls`` prints for one name: one per NTFS data stream / index, else one."""
        if not (self._tsk.is_ntfs and name.meta is not None):
            yield self._entry(name, prefix, None)
            return
        fname_ids = [a.id for a in name.attributes if a.type == NTFS_ATTR_FNAME]
        printed = False
        for attr in name.attributes:
            if attr.type in (NTFS_ATTR_DATA, NTFS_ATTR_IDXROOT):
                printed = True
                yield self._entry(name, prefix, attr)
            elif attr.type == NTFS_ATTR_FNAME and options.filename_records and attr.id == fname_ids[-1]:
                yield self._filename_record(name, prefix, attr)
        if not printed:
            yield self._entry(name, prefix, None)

    def _entry(self, name: TskName, prefix: bytes, attr: TskAttribute | None) -> Entry:
        """The entry for one name (and one NTFS attribute of it); built field by field, this runs for every line."""
        meta = name.meta
        raw = prefix + name.name
        if attr is not None and attr.name and not (attr.type == NTFS_ATTR_IDXROOT and attr.name == b"$I30"):
            raw += b":" + attr.name
        name_letter = _NAME_LETTERS.get(name.type, "-")
        meta_letter = raw_letter = "-" if meta is None else _META_LETTERS.get(meta.type, "-")
        if attr is not None and attr.type == NTFS_ATTR_DATA and meta is not None and meta.type in _DIR_META_TYPES:
            meta_letter = "r"  # a directory's data stream is a file (fls prints d/r)
        mtime, atime, ctime, crtime = _NO_TIMES if meta is None else meta.times
        unallocated = bool(name.flags & _NAME_UNALLOC)
        return entry_from_values(  # in the order of the fields of Entry
            self.partition,  # partition
            escape_name(raw),  # path
            raw,  # path_bytes
            str(name.meta_addr) if attr is None else f"{name.meta_addr}-{attr.type}-{attr.id}",  # inode
            name.meta_addr,  # meta_addr
            None if attr is None else attr.type,  # attr_type
            None if attr is None else attr.id,  # attr_id
            not unallocated,  # allocated
            unallocated and meta is not None and bool(meta.flags & _META_ALLOC),  # reallocated
            name_letter,  # name_type
            meta_letter,  # meta_type
            raw_letter,  # meta_type_raw
            type_word(name_letter, meta_letter),  # type
            (attr.size if attr is not None else meta.size) if meta is not None else 0,  # size
            None if meta is None else meta.mode,  # mode
            None if meta is None else meta.uid,  # uid
            None if meta is None else meta.gid,  # gid
            timestamp(*mtime),  # mtime
            timestamp(*atime),  # atime
            timestamp(*ctime),  # ctime
            timestamp(*crtime),  # crtime
            escape_name(meta.link) if meta is not None and meta.link else None,  # link_target
            False,  # filename_record
        )

    def _filename_record(self, name: TskName, prefix: bytes, attr: TskAttribute) -> Entry:
        """The ``$FILE_NAME`` times TSK keeps apart from the standard ones (parsed from the attribute itself)."""
        data = self.read_range(name.meta_addr, 0, min(attr.size, 66), NTFS_ATTR_FNAME, attr.id)
        values = struct.unpack_from("<4Q", data, 8) if len(data) >= 40 else (0, 0, 0, 0)
        crtime, mtime, ctime, atime = (nt_time(value) for value in values)
        return dataclasses.replace(
            self._entry(name, prefix, None),
            inode=f"{name.meta_addr}-{attr.type}-{attr.id}",
            attr_type=attr.type,
            attr_id=attr.id,
            size=attr.size,
            mtime=timestamp(*mtime),
            atime=timestamp(*atime),
            ctime=timestamp(*ctime),
            crtime=timestamp(*crtime),
            filename_record=True,
        )

    # -- looking up and reading -------------------------------------------------------------------------------------

    def find(self, path: str) -> Entry:
        """The entry at ``path`` as ``fls -r -p`` prints it (``dir/name``, ``name:stream``); allocated one first."""
        return find_entry(self, path)

    def entry_for_inode(self, inode: str) -> Entry:
        """An entry for an address as ``fls``/``icat`` write it (``14``, ``64-128-2``), to read its content."""
        return entry_for_inode(self, inode)

    def iter_content(self, target: Entry | str, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
        """The content of an entry (or of the entry at a path) in chunks, as ``icat`` outputs it."""
        return iter_content(self, self.find(target) if isinstance(target, str) else target, chunk_size)

    def read(self, target: Entry | str) -> bytes:
        """The whole content of a small entry; use ``iter_content`` for large files."""
        return b"".join(self.iter_content(target))

    def hash(self, target: Entry | str) -> dict[str, str]:
        """SHA-256 and BLAKE3 (hex) of an entry's content."""
        return hash_content(self, self.find(target) if isinstance(target, str) else target)

    def read_range(
        self, addr: int, offset: int, length: int, attr_type: int | None = None, attr_id: int | None = None
    ) -> bytes:
        """Up to ``length`` bytes at ``offset`` of inode ``addr`` (its default data, or the attribute given)."""
        return self._tsk.reader(addr).read(offset, length, attr_type, attr_id)

    def reader(self, addr: int) -> TskFileReader:
        """A reader for the content of inode ``addr`` (kept open across chunks)."""
        return self._tsk.reader(addr)

    def stat(self, addr: int) -> tuple[TskMeta, tuple[TskAttribute, ...]]:
        """TSK metadata and attributes of inode ``addr``."""
        return self._tsk.stat(addr)

    def list_names(self, addr: int) -> list[TskName]:
        """The raw directory listing of ``addr`` (for lookups)."""
        return self._tsk.list_dir(addr)

    def entries_of(self, name: TskName, prefix: bytes) -> list[Entry]:
        """The ``fls`` lines for one directory entry found under ``prefix``."""
        return list(self._records(name, prefix, WalkOptions()))

    def root_inum(self) -> int:
        """Address of the root directory."""
        return self.info.root_inum


def open_filesystem_at(source: ImageSource, volume: Volume | None = None, image: TskImage | None = None) -> FileSystem:
    """Open the file system of ``volume`` (the whole media if None); ``FileSystemError`` if TSK finds none."""
    return FileSystem(source, volume if volume is not None else whole_media(source), image)
