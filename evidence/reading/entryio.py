"""A file system entry's content as a seekable, read-only binary file, to hand to any parser.

``EntryIO`` is the raw layer (``io.RawIOBase``) that ``FileSystem.open`` wraps in an ``io.BufferedReader``. It reads
through TSK exactly as ``FileSystem.iter_content`` does: the end of file is at ``Entry.size``, or earlier where TSK
maps no more data (where ``icat``'s output ends too); a block that cannot be read raises the ``FileSystemError`` or
``ImageError`` TSK or the image gave, never zeros passed off as content. Writing is refused
(``io.UnsupportedOperation``).
"""

from __future__ import annotations

import io
from typing import Any, Protocol

from evidence.reading.entries import Entry

#: what ``readall`` asks TSK for at once (io's default would ask 8 KiB at a time)
_READALL_PIECE = 1 << 20


class ContentReader(Protocol):
    """What ``EntryIO`` reads through: TSK's file reader, or the APFS one (``evidence.reading.apfs``)."""

    def read(self, offset: int, length: int, attr_type: int | None, attr_id: int | None) -> bytes:
        """Up to ``length`` bytes of content at ``offset`` (b"" where no more is mapped); raises on a read error."""
        ...


class EntryIO(io.RawIOBase):
    """The content of one entry (its default data, or the NTFS stream it names) as a raw read-only file."""

    def __init__(self, reader: ContentReader, entry: Entry) -> None:
        super().__init__()
        self._reader = reader
        self._entry = entry
        self._position = 0

    @property
    def entry(self) -> Entry:
        """The entry read."""
        return self._entry

    def readable(self) -> bool:
        """Always True (until closed)."""
        self._check_open()
        return True

    def seekable(self) -> bool:
        """Always True (until closed)."""
        self._check_open()
        return True

    def readinto(self, buffer: Any) -> int:
        """Read up to ``len(buffer)`` bytes at the current position; 0 at the end of the content."""
        self._check_open()
        view = memoryview(buffer).cast("B")
        entry, position = self._entry, self._position
        wanted = min(len(view), entry.size - position)
        if wanted <= 0:
            return 0
        data = self._reader.read(position, wanted, entry.attr_type, entry.attr_id)
        count = len(data)
        view[:count] = data
        self._position = position + count
        return count

    def readall(self) -> bytes:
        """Everything from the current position to the end, read from TSK in large pieces (``read()``)."""
        self._check_open()
        entry, pieces = self._entry, []
        while self._position < entry.size:
            wanted = min(_READALL_PIECE, entry.size - self._position)
            data = self._reader.read(self._position, wanted, entry.attr_type, entry.attr_id)
            if not data:  # TSK maps no more data: the end of the content, as for icat
                break
            pieces.append(data)
            self._position += len(data)
        return b"".join(pieces)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        """Move to ``offset`` from the start, the current position or the end (``Entry.size``)."""
        self._check_open()
        if whence == io.SEEK_SET:
            target = offset
        elif whence == io.SEEK_CUR:
            target = self._position + offset
        elif whence == io.SEEK_END:
            target = self._entry.size + offset
        else:
            raise ValueError(f"invalid whence ({whence}, should be 0, 1 or 2)")
        if target < 0:
            raise ValueError(f"negative seek position {target}")
        self._position = target
        return target

    def tell(self) -> int:
        """The current position."""
        self._check_open()
        return self._position

    def _check_open(self) -> None:
        if self.closed:
            raise ValueError("I/O operation on closed file")

    def __repr__(self) -> str:
        return f"<EntryIO inode={self._entry.inode} path={self._entry.path!r} size={self._entry.size}>"
