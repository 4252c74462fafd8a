"""``$OrphanFiles`` when the root directory cannot be read, so the files TSK can still find are listed, not dropped.

TSK lists orphan files (deleted metadata that no name points at) under a virtual directory, ``$OrphanFiles``, whose
address is the file system's last inode number; ``fls -r -p`` prints it as the last entry of the root directory.
When the root directory cannot be read, ``fls`` (TSK 4.11) stops with exit status 1 and prints nothing, and TSK's
own orphan search (pytsk3 bundles TSK 4.15) fails too: it first walks every name from the root to know which inodes
are named. A walk that starts only from the root would list nothing.

Here the walk is given ``$OrphanFiles`` on its own, and when TSK cannot list it, its content is found the way TSK's
search defines it (``find_orphan_meta_walk_cb`` in TSK's ``fs_dir.c``, read to learn, not copied): every inode that is
unallocated but used (``TSK_FS_META_FLAG_UNALLOC | TSK_FS_META_FLAG_USED``), except those found inside another orphan
directory, which are listed below it. With the root unreadable no inode is known to be named, so none is left out on
that account. Names follow TSK: ``OrphanFile-<inode>`` (ext, FAT, ...), the name in the entry's ``$FILE_NAME`` on
NTFS. Allocated files below an unreadable root are found by neither tool; the walk reports the root as unreadable.
"""

from __future__ import annotations

from evidence.common.errors import FileSystemError
from evidence.reading.tsk import NTFS_ATTR_FNAME, TskFileSystem, TskName

ORPHAN_NAME = b"$OrphanFiles"
#: TSK_FS_NAME_TYPE_UNDEF / VIRT_DIR; TSK_FS_NAME_FLAG_ALLOC / UNALLOC
_NAME_TYPE_UNDEFINED = 0
_NAME_TYPE_VIRTUAL_DIR = 11
_NAME_ALLOC = 1
_NAME_UNALLOC = 2
#: TSK_FS_META_FLAG_UNALLOC | TSK_FS_META_FLAG_USED
_META_UNALLOC_USED = 0x2 | 0x4
_DIR_META_TYPES = {2, 11}
#: $FILE_NAME: name length (UTF-16 units) at 0x40, the name at 0x42
_FNAME_LENGTH = 0x40
_FNAME_NAME = 0x42
#: the smallest metadata record of a file system TSK reads (a FAT directory entry): no file system has more inodes
#: than its bytes divided by this, plus TSK's virtual ones (fuzz case fs:666: a FAT boot sector damaged so that
#: TSK's last inode is 2**64 - 202, and the search below ran for ever)
_SMALLEST_RECORD = 32
_VIRTUAL_INODES = 16


def orphan_directory(tsk: TskFileSystem) -> TskName:
    """The ``$OrphanFiles`` virtual directory as TSK puts it in the root listing (``V/V <last inode>``).

    Raises ``FileSystemError`` when TSK cannot give its metadata.
    """
    addr = tsk.info.last_inum
    meta, _attributes = tsk.stat(addr)
    if meta.type != _NAME_TYPE_VIRTUAL_DIR:
        raise FileSystemError(f"inode {addr} is not TSK's orphan directory")
    return TskName(ORPHAN_NAME, _NAME_TYPE_VIRTUAL_DIR, _NAME_ALLOC, addr, meta, ())


def _ntfs_name(tsk: TskFileSystem, addr: int, attr_id: int, size: int) -> bytes | None:
    data = tsk.reader(addr).read(0, min(size, 0x242), NTFS_ATTR_FNAME, attr_id)
    if len(data) <= _FNAME_LENGTH:
        return None
    length = data[_FNAME_LENGTH]
    raw = data[_FNAME_NAME : _FNAME_NAME + 2 * length]
    return raw.decode("utf-16-le", "replace").encode("utf-8") if len(raw) == 2 * length and raw else None


def _orphan_name(tsk: TskFileSystem, addr: int) -> TskName | None:
    try:
        meta, attributes = tsk.stat(addr)
    except FileSystemError:
        return None
    if meta.flags & _META_UNALLOC_USED != _META_UNALLOC_USED:
        return None
    name = None
    if tsk.is_ntfs:
        fname = [attr for attr in attributes if attr.type == NTFS_ATTR_FNAME]
        if fname:
            try:
                name = _ntfs_name(tsk, addr, fname[-1].id, fname[-1].size)
            except FileSystemError:
                name = None
    text = name or f"OrphanFile-{addr}".encode()
    return TskName(text, _NAME_TYPE_UNDEFINED, _NAME_UNALLOC, addr, meta, attributes if tsk.is_ntfs else ())


def find_orphans(tsk: TskFileSystem) -> list[TskName]:
    """The names ``$OrphanFiles`` holds when no name of the file system can be read (see the module docstring)."""
    info = tsk.info
    most = info.block_count * info.block_size // _SMALLEST_RECORD + _VIRTUAL_INODES
    if info.last_inum - info.first_inum > most:
        raise FileSystemError(
            f"orphan search not done: inodes {info.first_inum}-{info.last_inum} cannot fit in a file system of "
            f"{info.block_count * info.block_size} bytes (a damaged inode count)"
        )
    found = [
        name
        for addr in range(info.first_inum, info.last_inum)
        if addr != info.root_inum and (name := _orphan_name(tsk, addr)) is not None
    ]
    below: set[int] = set()
    for name in found:
        if name.meta is not None and name.meta.type in _DIR_META_TYPES:
            try:
                below.update(child.meta_addr for child in tsk.list_dir(name.meta_addr))
            except FileSystemError:
                continue
    return [name for name in found if name.meta_addr not in below]
