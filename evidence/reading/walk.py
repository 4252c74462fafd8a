"""Walking a TSK file system the way ``fls -r -p`` does, and finding one entry by its path along the same rules.

The walk yields the entries ``fls -r -p`` prints, in its order: deleted names, orphan files under ``$OrphanFiles``,
TSK's virtual entries (``$MBR``, ``$FAT1``...) and NTFS streams (``name:stream``, inode ``64-128-2``). It follows
TSK's rules for descending into a directory (both name and metadata are directories, the name is allocated or both
are unallocated) and guards against loops the same way (a directory is not entered again below itself). The walk is
iterative with an explicit stack, so a very deep tree cannot exhaust Python's stack.

``FileSystem`` (``evidence.reading.filesystems``) is the public face; this module knows only TSK's records, so it
does not import ``FileSystem`` back.
"""

from __future__ import annotations

import dataclasses
import struct
from collections.abc import Iterator
from typing import NamedTuple

from evidence.common.errors import EntryNotFoundError, FileSystemError
from evidence.common.localised import said
from evidence.common.messages import Notice
from evidence.reading.entries import (
    META_TYPE_LETTERS,
    NAME_TYPE_LETTERS,
    Entry,
    entry_from_values,
    escape_name,
    timestamp,
    type_word,
)
from evidence.reading.orphans import find_orphans, orphan_directory
from evidence.reading.tsk import (
    NTFS_ATTR_DATA,
    NTFS_ATTR_FNAME,
    NTFS_ATTR_IDXROOT,
    TskAttribute,
    TskFileReader,
    TskFileSystem,
    TskName,
)

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

    __slots__ = ("budget", "errors", "filename_records", "include_deleted", "readers")

    def __init__(
        self,
        include_deleted: bool = True,
        filename_records: bool = False,
        *,
        readers: bool = False,
        budget: int | None = None,
    ) -> None:
        self.include_deleted = include_deleted
        self.filename_records = filename_records
        #: keep a reader of each regular file's content from the directory walk
        self.readers = readers
        #: image reads plus directory listings the walk may make (None: ``walk_budget`` of the file system)
        self.budget = budget
        #: what the walk had to leave out: directories it could not read, a budget spent (one line each)
        self.errors: list[Notice] = []


#: image reads a walk may make per inode of the file system, and at least (see ``walk_budget``)
READS_PER_INODE = 8
MIN_WALK_READS = 200_000


def walk_budget(first_inum: int, last_inum: int) -> int:
    """The image reads a walk of a file system with these inode numbers may make before it is stopped.

    A walk reads each directory once and loads each name's metadata; TSK caches what it reads, so a sound file system
    needs far fewer reads than inodes (the fixtures: under one read per inode). A damaged or hostile one can make it
    read far more (directories that point at the same large directories again and again, never one of their own
    ancestors, so not a loop): the budget stops such a walk with a message instead of letting it run for hours.
    """
    return max(MIN_WALK_READS, READS_PER_INODE * max(0, last_inum - first_inum + 1))


def nt_time(value: int) -> tuple[int, int]:
    """An NTFS FILETIME as (unix seconds, nanoseconds), 0 when out of TSK's range (as ``nt2unixtime`` does)."""
    if value < _NT_EPOCH_DELTA:
        return 0, 0
    seconds, rest = divmod(value - _NT_EPOCH_DELTA, 10_000_000)
    if seconds > 0xFFFFFFFF:
        return 0, 0
    return seconds, rest * 100


class Walker:
    """Turns one TSK file system's directory listings into the entries ``fls`` prints."""

    __slots__ = ("_context", "_partition", "_root_failed", "_tsk")

    def __init__(self, tsk: TskFileSystem, partition: int | None, context: str) -> None:
        self._tsk = tsk
        self._partition = partition
        self._context = context
        #: the root directory of the current walk could not be read (so ``$OrphanFiles`` is searched here)
        self._root_failed = False

    def walk(self, options: WalkOptions) -> Iterator[tuple[Entry, TskFileReader | None]]:
        """Every entry of the tree with the reader the listing kept for it (see ``WalkOptions.readers``)."""
        include_deleted, simple = options.include_deleted, not self._tsk.is_ntfs
        info = self._tsk.info
        self._tsk.search_orphans()  # the root's listing ends with $OrphanFiles: TSK searches for them first
        budget = options.budget if options.budget is not None else walk_budget(info.first_inum, info.last_inum)
        limit = self._tsk.image_reads + budget
        listed = 0  # directories listed: TSK's cache serves a directory seen again without a read, so count them too
        root = info.root_inum
        stack = [_Frame(iter(self._root_names(options)), b"", frozenset({root}))]
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
                    listed += 1
                    if self._tsk.image_reads + listed > limit:
                        options.errors.append(
                            Notice(
                                "fs.walk_budget",
                                name=repr(escape_name(prefix + name.name)),
                                budget=budget,
                                per_inode=READS_PER_INODE,
                                least=MIN_WALK_READS,
                            )
                        )
                        return
                    children = self._list(name.meta_addr, options)
                    stack.append(_Frame(iter(children), prefix + name.name + b"/", ancestors | {name.meta_addr}))
                    break
            else:
                stack.pop()

    def find(self, path: str) -> Entry:
        """The entry at ``path`` (as ``fls -r -p`` prints it, ``name:stream`` for an NTFS stream).

        When a deleted and an allocated entry share the path, the allocated one is returned.
        """
        parts = [part for part in path.strip("/").split("/") if part]
        if not parts:
            raise EntryNotFoundError(f"{self._context}: empty path")
        addr, prefix = self._tsk.info.root_inum, b""
        for depth, part in enumerate(parts):
            wanted = "/".join(parts[: depth + 1])
            last = depth == len(parts) - 1
            matches: list[tuple[TskName, Entry]] = []
            for name in self._tsk.list_dir(addr):
                if name.name in (b".", b".."):
                    continue
                for entry in self._records(name, prefix, WalkOptions()):
                    if entry.path == wanted and (last or entry.type in ("dir", "virtual-dir")):
                        matches.append((name, entry))
            if not matches:
                where = escape_name(prefix) or "/"
                raise said(
                    EntryNotFoundError,
                    "entry.none",
                    context=self._context,
                    path=repr(path),
                    part=repr(part),
                    where=where,
                )
            chosen = _prefer_allocated([entry for _name, entry in matches])
            if last:
                return chosen
            name = next(name for name, entry in matches if entry is chosen)
            addr, prefix = name.meta_addr, prefix + name.name + b"/"
        raise EntryNotFoundError(f"{self._context}: no entry {path!r}")  # pragma: no cover - the loop returns

    def _root_names(self, options: WalkOptions) -> list[TskName]:
        """The root directory's names; when it cannot be read, ``$OrphanFiles`` alone (``evidence.reading.orphans``)."""
        before = len(options.errors)
        self._root_failed = False
        names = self._list(self._tsk.info.root_inum, options)
        if len(options.errors) == before:
            return names
        self._root_failed = True
        try:
            return [orphan_directory(self._tsk)]
        except FileSystemError as exc:
            options.errors.append(Notice("fs.orphans", reason=exc))
            return []

    def _list(self, addr: int, options: WalkOptions) -> list[TskName]:
        try:
            return self._tsk.list_dir(addr, options.readers)
        except FileSystemError as exc:
            if addr == self._tsk.info.last_inum and self._root_failed:
                try:
                    return find_orphans(self._tsk)  # TSK's orphan search needs the root: search as it does
                except FileSystemError as orphans_exc:
                    options.errors.append(Notice("fs.orphans", reason=orphans_exc))
                    return []
            options.errors.append(Notice("fs.walk_directory", addr=addr, reason=exc))
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
            self._partition,  # partition
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
        data = self._tsk.reader(name.meta_addr).read(0, min(attr.size, 66), NTFS_ATTR_FNAME, attr.id)
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


def _prefer_allocated(entries: list[Entry]) -> Entry:
    return next((entry for entry in entries if entry.allocated), entries[0])
