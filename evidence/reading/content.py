"""Finding an entry by path or inode and reading its content the way ``icat`` does, in chunks.

Content is streamed: ``iter_content`` yields chunks of at most ``chunk_size`` bytes and never holds a whole file.
It yields what TSK reads for the file or stream, up to ``Entry.size`` bytes, exactly as ``icat`` outputs it: TSK
stops early only where the file system maps no data (NTFS ``$BadClus:$Bad`` has a size but no runs, and ``icat``
prints nothing for it). A block that cannot be read (an I/O error, a corrupt EWF chunk) is an error, never zeros
or a shorter result. Deleted files are read as TSK recovers them, like ``icat`` without ``-r``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from evidence.common.errors import EntryNotFoundError, FileSystemError, UsageError
from evidence.hashing.files import digest_chunks
from evidence.reading.entries import Entry, escape_name
from evidence.reading.tsk import NTFS_ATTR_DATA, TskFileReader, TskName

if TYPE_CHECKING:  # FileSystem's methods call these functions: no import cycle at run time
    from evidence.reading.filesystems import FileSystem

CHUNK_SIZE = 1 << 20
_INODE = re.compile(r"(\d+)(?:-(\d+)-(\d+))?")


def _prefer_allocated(entries: list[Entry]) -> Entry:
    return next((entry for entry in entries if entry.allocated), entries[0])


def find_entry(fs: FileSystem, path: str) -> Entry:
    """The entry at ``path`` (as ``fls -r -p`` prints it, ``name:stream`` for an NTFS stream).

    When a deleted and an allocated entry share the path, the allocated one is returned.
    """
    parts = [part for part in path.strip("/").split("/") if part]
    if not parts:
        raise EntryNotFoundError(f"{fs.context}: empty path")
    addr, prefix = fs.root_inum(), b""
    for depth, part in enumerate(parts):
        wanted = "/".join(parts[: depth + 1])
        last = depth == len(parts) - 1
        matches: list[tuple[TskName, Entry]] = []
        for name in fs.list_names(addr):
            if name.name in (b".", b".."):
                continue
            for entry in fs.entries_of(name, prefix):
                if entry.path == wanted and (last or entry.type in ("dir", "virtual-dir")):
                    matches.append((name, entry))
        if not matches:
            raise EntryNotFoundError(
                f"{fs.context}: no entry {path!r} (nothing named {part!r} in {escape_name(prefix) or '/'})"
            )
        chosen = _prefer_allocated([entry for _name, entry in matches])
        if last:
            return chosen
        name = next(name for name, entry in matches if entry is chosen)
        addr, prefix = name.meta_addr, prefix + name.name + b"/"
    raise EntryNotFoundError(f"{fs.context}: no entry {path!r}")  # pragma: no cover - the loop returns


def entry_for_inode(fs: FileSystem, inode: str) -> Entry:
    """A synthetic entry for an address as ``fls``/``icat`` write it: ``14`` or ``64-128-2``."""
    match = _INODE.fullmatch(inode.strip())
    if match is None:
        raise UsageError(f"invalid inode {inode!r}: expected N or N-TYPE-ID (e.g. 14 or 64-128-2)")
    addr = int(match.group(1))
    attr_type = int(match.group(2)) if match.group(2) else None
    attr_id = int(match.group(3)) if match.group(3) else None
    try:
        meta, attributes = fs.stat(addr)
    except FileSystemError as exc:
        raise EntryNotFoundError(f"{fs.context}: no inode {inode} ({exc})") from exc
    size = meta.size
    if attr_type is not None:
        found = [a for a in attributes if a.type == attr_type and a.id == attr_id]
        if not found:
            raise EntryNotFoundError(f"{fs.context}: inode {addr} has no attribute {attr_type}-{attr_id}")
        size = found[0].size
    return Entry(
        partition=fs.partition,
        path=f"<inode {inode}>",
        path_bytes=b"",
        inode=inode,
        meta_addr=addr,
        attr_type=attr_type,
        attr_id=attr_id,
        allocated=bool(meta.flags & 0x1),
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


def iter_content(
    fs: FileSystem, entry: Entry, chunk_size: int = CHUNK_SIZE, reader: TskFileReader | None = None
) -> Iterator[bytes]:
    """The content of ``entry`` in chunks of at most ``chunk_size`` bytes, as ``icat`` outputs it.

    ``reader`` is the one ``FileSystem.walk_with_readers`` gave with the entry (saves loading the inode again).
    """
    if reader is None:
        reader = fs.reader(entry.meta_addr)
    offset = 0
    while offset < entry.size:
        data = reader.read(offset, min(chunk_size, entry.size - offset), entry.attr_type, entry.attr_id)
        if not data:  # TSK maps no more data (see the module docstring): icat stops here too
            return
        offset += len(data)
        yield data


def read_content(fs: FileSystem, entry: Entry) -> bytes:
    """The whole content of a small entry (use ``iter_content`` for anything large)."""
    return b"".join(iter_content(fs, entry))


def hash_content(fs: FileSystem, entry: Entry) -> dict[str, str]:
    """SHA-256 and BLAKE3 of the entry's content."""
    return digest_chunks(iter_content(fs, entry))
