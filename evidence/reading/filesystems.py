"""File systems: every one TSK opens (NTFS, FAT, exFAT, ext2/3/4, HFS+, ISO 9660, UFS): walk, look up, read.

``FileSystem.walk`` yields the entries ``fls -r -p`` prints, in its order (``evidence.reading.walk`` has the rules).
A directory that cannot be read is skipped, as ``fls`` does, but never silently: its address and the reason go to
``FileSystem.errors``.

Content is read the way ``icat`` does. ``iter_content`` yields chunks of at most ``chunk_size`` bytes and never
holds a whole file; ``open`` gives a seekable read-only file object. Both give what TSK reads for the file or stream,
up to ``Entry.size`` bytes, exactly as ``icat`` outputs it: TSK stops early only where the file system maps no data
(NTFS ``$BadClus:$Bad`` has a size but no runs, and ``icat`` prints nothing for it). A block that cannot be read (an
I/O error, a corrupt EWF chunk) is an error, never zeros or a shorter result. Deleted files are read as TSK recovers
them, like ``icat`` without ``-r``.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from evidence.common.errors import EntryNotFoundError, FileSystemError, UsageError
from evidence.common.messages import LocalisedImageError, Notice
from evidence.hashing.files import digest_chunks
from evidence.reading.entries import Entry
from evidence.reading.entryio import EntryIO
from evidence.reading.tsk import NTFS_ATTR_DATA, TskFileReader, TskFileSystem, TskImage
from evidence.reading.volumes import Volume, check_inside, whole_media
from evidence.reading.walk import Walker, WalkOptions
from evidence.sources.base import ImageSource

if TYPE_CHECKING:  # what digest returns: not loaded to start a listing
    from evidence.hashing.result import DigestResult

CHUNK_SIZE = 1 << 20
#: the buffer of ``FileSystem.open``: parsers seek and read small records; larger reads go straight to TSK
OPEN_BUFFER_SIZE = 64 << 10
_INODE = re.compile(r"(\d+)(?:-(\d+)-(\d+))?")
_META_ALLOC = 0x1


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
        self._walker = Walker(self._tsk, self.partition, self._context)
        #: directories the last walk could not read (address: reason)
        self.errors: list[Notice] = []

    @property
    def needed_bytes(self) -> int:
        """The size the file system says it has (blocks x block size), from its first byte."""
        return self.info.block_count * self.info.block_size

    @property
    def present_bytes(self) -> int:
        """The bytes of the file system the image holds (less than ``needed_bytes`` when the image is cut short)."""
        return max(0, min(self.needed_bytes, self.source.size - self.volume.offset))

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
        return self._walker.walk(options)

    # -- looking up ---------------------------------------------------------------------------------------------

    def find(self, path: str) -> Entry:
        """The entry at ``path`` as ``fls -r -p`` prints it (``dir/name``, ``name:stream``); allocated one first."""
        return self._walker.find(path)

    def entry_for_inode(self, inode: str) -> Entry:
        """An entry for an address as ``fls``/``icat`` write it (``14``, ``64-128-2``), to read its content."""
        match = _INODE.fullmatch(inode.strip())
        if match is None:
            raise UsageError(f"invalid inode {inode!r}: expected N or N-TYPE-ID (e.g. 14 or 64-128-2)")
        addr = int(match.group(1))
        attr_type = int(match.group(2)) if match.group(2) else None
        attr_id = int(match.group(3)) if match.group(3) else None
        try:
            meta, attributes = self._tsk.stat(addr)
        except FileSystemError as exc:
            raise EntryNotFoundError(f"{self.context}: no inode {inode} ({exc})") from exc
        size = meta.size
        if attr_type is not None:
            found = [a for a in attributes if a.type == attr_type and a.id == attr_id]
            if not found:
                raise EntryNotFoundError(f"{self.context}: inode {addr} has no attribute {attr_type}-{attr_id}")
            size = found[0].size
        return Entry(
            partition=self.partition,
            path=f"<inode {inode}>",
            path_bytes=b"",
            inode=inode,
            meta_addr=addr,
            attr_type=attr_type,
            attr_id=attr_id,
            allocated=bool(meta.flags & _META_ALLOC),
            reallocated=False,
            name_type="-",
            meta_type="r" if attr_type == NTFS_ATTR_DATA else "-",
            meta_type_raw="-",
            type="file",
            size=size,
            mode=meta.mode,
            uid=meta.uid,
            gid=meta.gid,
            mtime=None,
            atime=None,
            ctime=None,
            crtime=None,
        )

    def _target(self, target: Entry | str) -> Entry:
        return self.find(target) if isinstance(target, str) else target

    # -- reading ------------------------------------------------------------------------------------------------

    def iter_content(
        self,
        target: Entry | str,
        chunk_size: int = CHUNK_SIZE,
        reader: TskFileReader | None = None,
        *,
        any_size: bool = False,
    ) -> Iterator[bytes]:
        """The content of an entry (or of the entry at a path) in chunks, as ``icat`` outputs it.

        ``reader`` is the one ``walk_with_readers`` gave with the entry (saves loading the inode again). An entry
        larger than both its file system and the whole media raises ``LocalisedImageError``
        (``content.larger_than_media``) at the first chunk, unless ``any_size``: such a size is damaged (a flipped
        bit in an inode made a 70 KB file 32 PiB) or a sparse file, and hashing or writing it would run for years
        on holes; ``image cat`` streams it anyway, as ``icat`` does, since its reader can stop it. (The file
        system's size counts too: in an image cut short, NTFS's ``$BadClus:$Bad`` is as large as the file system.)
        """
        entry = self._target(target)
        if reader is None:
            reader = self._tsk.reader(entry.meta_addr)
        if entry.size < 0:  # TSK's size is signed: a damaged ext4 i_size_high (fuzz fs:2862) read as empty
            return refuse_content(entry, self.needed_bytes, self.source.size)
        if entry.size > max(self.source.size, self.needed_bytes) and not any_size:
            return refuse_content(entry, self.needed_bytes, self.source.size)
        return _chunks(reader, entry, chunk_size)

    def read(self, target: Entry | str) -> bytes:
        """The whole content of a small entry; use ``iter_content`` or ``open`` for large files."""
        return b"".join(self.iter_content(target))

    def open(self, target: Entry | str) -> io.BufferedReader:
        """A seekable, read-only binary file over an entry's content, to hand to any parser (``zipfile``...).

        It reads what ``iter_content`` yields: the end of file is where ``icat``'s output ends, and a block that
        cannot be read raises the same error. Close it (or use ``with``) when done.
        """
        entry = self._target(target)
        return io.BufferedReader(EntryIO(self._tsk.reader(entry.meta_addr), entry), OPEN_BUFFER_SIZE)

    def digest(self, target: Entry | str) -> DigestResult:
        """SHA-256 and BLAKE3 of an entry's content (``result["sha256"]`` is the hex digest)."""
        return digest_chunks(self.iter_content(target))


def refuse_content(entry: Entry, fs: int, media: int) -> Iterator[bytes]:
    if entry.size < 0:
        raise LocalisedImageError("content.negative_size", size=entry.size)
    raise LocalisedImageError("content.larger_than_media", size=entry.size, fs=fs, media=media)
    yield b""  # pragma: no cover - makes this a generator: the error comes with the first chunk, as a read error


def _chunks(reader: TskFileReader, entry: Entry, chunk_size: int) -> Iterator[bytes]:
    offset = 0
    while offset < entry.size:
        data = reader.read(offset, min(chunk_size, entry.size - offset), entry.attr_type, entry.attr_id)
        if not data:  # TSK maps no more data (see the module docstring): icat stops here too
            return
        offset += len(data)
        yield data


def open_filesystem_at(source: ImageSource, volume: Volume | None = None, image: TskImage | None = None) -> FileSystem:
    """Open the file system of ``volume`` (the whole media if None); ``FileSystemError`` if TSK finds none."""
    return FileSystem(source, volume if volume is not None else whole_media(source), image)
