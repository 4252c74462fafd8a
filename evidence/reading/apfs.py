"""APFS volumes, read through libyal's libfsapfs (``pyfsapfs``): the one module that imports it.

pytsk3 opens no APFS (TSK reads it only through its pool layer, which the binding does not expose), so an APFS
container found where TSK finds no file system is opened here, and each of its volumes becomes a file system with
the interface of ``evidence.reading.filesystems.FileSystem``: ``walk`` yields the entries ``fls -P apfs -B APSB -r
-p`` prints, in its order, with APFS inode numbers (the file-system object identifiers fls prints) and the four
times to the nanosecond (modification, access, inode change, creation); content is read as ``icat -P apfs`` gives
it. APFS keeps no deleted directory entries that either reader recovers: every entry is allocated.

The container is read through ``ImageSource`` (raw, EWF, virtual disk, LUKS plaintext) from the partition's offset;
nothing is written. An encrypted APFS volume is reported as skipped (scelle does not unlock APFS).

Times: an APFS inode stores ``create_time`` then ``mod_time`` (``j_inode_val_t``). libfsapfs 20260921 returns the
first as its "modification time" and the second as its "creation time"; TSK (``istat -P apfs``) reads them in the
record's order, which also gives a file written after its creation a later modification time. scelle follows TSK:
the test compares every inode's four times with ``istat``'s to the nanosecond, so a change in libfsapfs shows.
"""

from __future__ import annotations

import io
import stat
from collections.abc import Iterator
from typing import Any

from evidence.common.errors import EntryNotFoundError, FileSystemError, UsageError
from evidence.common.messages import Notice
from evidence.hashing.files import digest_chunks
from evidence.hashing.result import DigestResult
from evidence.reading.entries import Entry, entry_from_values, escape_name, timestamp
from evidence.reading.entryio import EntryIO
from evidence.reading.filesystems import CHUNK_SIZE, OPEN_BUFFER_SIZE, FileSystem, refuse_content
from evidence.reading.tsk import TskFsInfo
from evidence.reading.volumes import Volume
from evidence.sources.base import ImageSource

#: "NXSB" at byte 32 of the container's first block
NX_MAGIC = b"NXSB"
_TYPES = {
    stat.S_IFREG: "r",
    stat.S_IFDIR: "d",
    stat.S_IFLNK: "l",
    stat.S_IFCHR: "c",
    stat.S_IFBLK: "b",
    stat.S_IFIFO: "p",
    stat.S_IFSOCK: "s",
}
_WORDS = {"r": "file", "d": "dir", "l": "symlink", "c": "char-device", "b": "block-device", "p": "fifo", "s": "socket"}


def is_apfs(source: ImageSource, volume: Volume) -> bool:
    """True when the volume starts with an APFS container superblock."""
    return source.read_at(volume.offset + 32, 4) == NX_MAGIC


class _VolumeFile:
    """The bytes of one volume of an image, as the file object libfsapfs reads (read, seek, tell, get_size)."""

    def __init__(self, source: ImageSource, volume: Volume) -> None:
        self._source = source
        self._start = volume.offset
        self._size = max(0, min(volume.length, source.size - volume.offset))
        self._position = 0

    def read(self, size: int = -1) -> bytes:
        if size < 0:
            size = self._size - self._position
        size = max(0, min(size, self._size - self._position))
        data = self._source.read_at(self._start + self._position, size) if size else b""
        self._position += len(data)
        return data

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        self._position = max(0, base + offset)
        return self._position

    def tell(self) -> int:
        return self._position

    def get_size(self) -> int:
        return self._size

    def close(self) -> None:
        return None


def open_apfs(source: ImageSource, volume: Volume) -> list[FileSystem]:
    """One file system per readable APFS volume of the container at ``volume`` (``FileSystemError`` if none)."""
    import pyfsapfs  # type: ignore[import-not-found]

    container: Any = pyfsapfs.container()
    try:
        container.open_file_object(_VolumeFile(source, volume))
    except OSError as exc:
        raise FileSystemError(f"{source.segments[0]}: APFS container at offset {volume.offset}: {exc}") from exc
    found: list[FileSystem] = []
    reasons = []
    for index in range(container.number_of_volumes):
        handle = container.get_volume(index)
        if handle.is_locked():
            reasons.append(f"APFS volume {handle.name!r} is encrypted (scelle does not unlock APFS)")
            continue
        found.append(ApfsFileSystem(source, volume, container, handle, index))
    if not found:
        raise FileSystemError(f"{source.segments[0]}: APFS container: " + ("; ".join(reasons) or "no volume"))
    return found


class ApfsFileSystem(FileSystem):
    """One APFS volume, with the interface of ``FileSystem`` (its TSK parts are not used)."""

    def __init__(self, source: ImageSource, volume: Volume, container: Any, handle: Any, index: int) -> None:
        self.source = source
        self.volume = volume
        self.partition = volume.index
        self._container = container
        self._handle = handle
        where = "" if volume.index is None else f" {volume.label} (offset {volume.offset})"
        self._context = f"{source.segments[0]}:{where} APFS volume {handle.name!r}"
        block = 4096
        self.info = TskFsInfo("APFS", block, max(1, volume.length // block), 2, 2, handle.next_file_entry_identifier)
        self.errors: list[Notice] = []
        self.index = index

    @property
    def needed_bytes(self) -> int:
        return self.volume.length

    @property
    def present_bytes(self) -> int:
        return max(0, min(self.volume.length, self.source.size - self.volume.offset))

    # -- walking -------------------------------------------------------------------------------------------------

    def walk(self, include_deleted: bool = True, filename_records: bool = False) -> Iterator[Entry]:
        for entry, _handle in self._walk_handles():
            yield entry

    def walk_with_readers(
        self, include_deleted: bool = True, filename_records: bool = False
    ) -> Iterator[tuple[Entry, Any]]:
        return self._walk_handles(readers=True)

    def _walk_handles(self, readers: bool = False) -> Iterator[tuple[Entry, Any]]:
        """Depth first, each directory's entries in its order, a directory's content right after it (as fls)."""
        self.errors = []
        stack: list[tuple[Iterator[Any], bytes]] = [(self._children(self._handle.get_root_directory()), b"")]
        while stack:
            children, prefix = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                continue
            raw = prefix + child.name.encode("utf-8", "surrogateescape")
            entry = self._entry(child, raw)
            yield entry, (child if readers and entry.type == "file" else None)
            if entry.type == "dir":
                stack.append((self._children(child), raw + b"/"))

    def _children(self, directory: Any) -> Iterator[Any]:
        try:
            children = list(directory.sub_file_entries)
        except OSError as exc:
            self.errors.append(Notice("fs.walk_directory", addr=directory.identifier, reason=exc))
            return iter(())
        return iter(children)

    def _entry(self, handle: Any, raw: bytes) -> Entry:
        mode = handle.file_mode
        letter = _TYPES.get(stat.S_IFMT(mode), "-")
        # libfsapfs 20260921 gives the inode's create_time as "modification" and its mod_time as "creation" (see the
        # module doc); mtime, atime, ctime, crtime in Entry's order:
        times = [
            _time(handle, name) for name in ("creation_time", "access_time", "inode_change_time", "modification_time")
        ]
        return entry_from_values(
            self.partition,
            escape_name(raw),
            raw,
            str(handle.identifier),
            handle.identifier,
            None,
            None,
            True,
            False,
            letter,
            letter,
            letter,
            _WORDS.get(letter, "unknown"),
            handle.size if letter == "r" else 0,
            stat.S_IMODE(mode),
            handle.owner_identifier,
            handle.group_identifier,
            *times,
            handle.symbolic_link_target if letter == "l" else None,
            False,
        )

    # -- looking up ---------------------------------------------------------------------------------------------

    def find(self, path: str) -> Entry:
        wanted = path.strip("/")
        found = self._look_up(wanted)
        if found is not None:
            return found
        for entry in self.walk():  # a name the direct look-up cannot spell (escaped bytes), or no such entry
            if entry.path == wanted:
                return entry
        raise EntryNotFoundError(f"{self.context}: no entry {path}")

    def _look_up(self, wanted: str) -> Entry | None:
        """The entry at ``wanted`` found name by name from the root, when each name matches exactly (as the walk
        compares: a case- or normalisation-insensitive volume's look-up may answer for another spelling)."""
        if not wanted:
            return None
        handle, raw = self._handle.get_root_directory(), b""
        for name in wanted.split("/"):
            try:
                child = handle.get_sub_file_entry_by_name(name)
            except OSError:
                return None
            if child is None or child.name != name:
                return None
            handle, raw = child, raw + (b"/" if raw else b"") + name.encode("utf-8", "surrogateescape")
        entry = self._entry(handle, raw)
        return entry if entry.path == wanted else None

    def entry_for_inode(self, inode: str) -> Entry:
        if not inode.strip().isdigit():
            raise UsageError(f"invalid inode {inode!r}: an APFS inode is a number")
        try:
            handle = self._handle.get_file_entry_by_identifier(int(inode))
        except OSError as exc:
            raise EntryNotFoundError(f"{self.context}: no inode {inode} ({exc})") from exc
        return self._entry(handle, f"<inode {inode}>".encode())

    # -- reading ------------------------------------------------------------------------------------------------

    def _file(self, entry: Entry) -> Any:
        try:
            return self._handle.get_file_entry_by_identifier(entry.meta_addr)
        except OSError as exc:
            raise FileSystemError(f"{self.context}: inode {entry.inode}: {exc}") from exc

    def iter_content(
        self, target: Entry | str, chunk_size: int = CHUNK_SIZE, reader: Any = None, *, any_size: bool = False
    ) -> Iterator[bytes]:
        entry = self._target(target)
        handle = reader if reader is not None else self._file(entry)
        if entry.size < 0 or (entry.size > max(self.source.size, self.needed_bytes) and not any_size):
            return refuse_content(entry, self.needed_bytes, self.source.size)  # as FileSystem.iter_content
        return self._chunks(handle, entry, chunk_size)

    def _chunks(self, handle: Any, entry: Entry, chunk_size: int) -> Iterator[bytes]:
        offset = 0
        while offset < entry.size:
            try:
                data = handle.read_buffer_at_offset(min(chunk_size, entry.size - offset), offset)
            except OSError as exc:
                raise FileSystemError(f"{self.context}: {entry.path}: read error at {offset}: {exc}") from exc
            if not data:
                raise FileSystemError(f"{self.context}: {entry.path}: content ends at {offset} of {entry.size}")
            offset += len(data)
            yield data

    def open(self, target: Entry | str) -> io.BufferedReader:
        entry = self._target(target)
        return io.BufferedReader(EntryIO(_ApfsReader(self._file(entry), f"{self.context}: {entry.path}"), entry),
                                 OPEN_BUFFER_SIZE)  # fmt: skip

    def digest(self, target: Entry | str) -> DigestResult:
        return digest_chunks(self.iter_content(target))


class _ApfsReader:
    """An APFS file's content read where ``EntryIO`` asks, as ``_chunks`` reads it (never the whole file at once)."""

    def __init__(self, handle: Any, context: str) -> None:
        self._handle = handle
        self._context = context

    def read(self, offset: int, length: int, attr_type: int | None, attr_id: int | None) -> bytes:
        try:
            return bytes(self._handle.read_buffer_at_offset(length, offset))
        except OSError as exc:
            raise FileSystemError(f"{self._context}: read error at {offset}: {exc}") from exc


def _time(handle: Any, name: str) -> Any:
    try:
        nanoseconds = getattr(handle, f"get_{name}_as_integer")()
    except (OSError, AttributeError):
        return None
    if not nanoseconds:
        return None
    seconds, fraction = divmod(int(nanoseconds), 1_000_000_000)
    return timestamp(seconds, fraction)
