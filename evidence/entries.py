"""What a file-system walk yields: one ``Entry`` per line ``fls -r -p`` prints, with its metadata.

Names. File systems store names as bytes (ext, UFS) or UTF-16 (NTFS, FAT LFN, HFS+, exFAT) that TSK converts to
UTF-8. A name that is not valid UTF-8 is never dropped: ``Entry.path`` shows each undecodable byte as ``\\xNN``
(two lower-case hex digits; the bytes are decoded with Python's ``surrogateescape`` and each escaped byte is
written out), and ``Entry.path_bytes`` keeps the exact bytes. Control characters stay as they are in ``path``
(``fls`` prints them as ``^``; text renderers may do the same).

Times. MACB times are UTC. ``Timestamp`` keeps TSK's seconds and nanoseconds; ``rfc3339()`` prints seconds
precision when the nanoseconds are 0 and otherwise the fraction without trailing zeros
(``2012-05-25T15:56:03.123456789Z``, ``…03.5Z``), the RFC 3339 form Go's ``RFC3339Nano`` uses. A time TSK
reports as 0 means "not recorded" and is None.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

#: TSK's one-letter type codes (``tsk_fs_name_type_str`` / ``tsk_fs_meta_type_str``) -> scelle's type words
TYPE_WORDS = {
    "r": "file",
    "d": "dir",
    "l": "symlink",
    "c": "char-device",
    "b": "block-device",
    "p": "fifo",
    "s": "socket",
    "h": "shadow",
    "w": "whiteout",
    "v": "virtual",
    "V": "virtual-dir",
    "-": "unknown",
}
#: index = TSK_FS_NAME_TYPE_* value
NAME_TYPE_LETTERS = "-pcdbrlshwvV"
#: index = TSK_FS_META_TYPE_* value
META_TYPE_LETTERS = "-rdpcblshwvV"

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def escape_name(raw: bytes) -> str:
    """The text form of a name: UTF-8, with each byte that is not valid UTF-8 written as ``\\xNN``."""
    text = raw.decode("utf-8", "surrogateescape")
    if not any("\udc80" <= char <= "\udcff" for char in text):
        return text
    return "".join(f"\\x{ord(char) - 0xDC00:02x}" if "\udc80" <= char <= "\udcff" else char for char in text)


def type_word(name_letter: str, meta_letter: str) -> str:
    """The entry type: from the metadata when TSK has it, else from the directory entry."""
    letter = meta_letter if meta_letter != "-" else name_letter
    return TYPE_WORDS.get(letter, "unknown")


class Timestamp(NamedTuple):
    """A UTC time as TSK gives it: seconds since 1970 and nanoseconds."""

    seconds: int
    nanoseconds: int = 0

    def rfc3339(self) -> str:
        """``YYYY-MM-DDTHH:MM:SS[.fraction]Z``."""
        moment = _EPOCH + dt.timedelta(seconds=self.seconds)
        text = moment.strftime("%Y-%m-%dT%H:%M:%S")
        if self.nanoseconds:
            text += "." + f"{self.nanoseconds:09d}".rstrip("0")
        return text + "Z"


def timestamp(seconds: int, nanoseconds: int = 0) -> Timestamp | None:
    """None for TSK's "no time" (0), else a ``Timestamp``."""
    if seconds == 0 and nanoseconds == 0:
        return None
    return Timestamp(seconds, nanoseconds)


@dataclass(frozen=True, slots=True, kw_only=True)
class Entry:
    """One file-system entry, as one line of ``fls -r -p`` (an NTFS stream is an entry of its own).

    ``inode`` is the address as ``fls`` prints it: ``14``, or ``64-128-2`` (MFT entry-attribute type-attribute id)
    for an NTFS attribute. ``allocated`` is False for a deleted name (``fls`` marks it ``*``).
    """

    partition: int | None
    path: str
    path_bytes: bytes
    inode: str
    meta_addr: int
    attr_type: int | None
    attr_id: int | None
    allocated: bool
    reallocated: bool
    name_type: str
    meta_type: str
    #: the metadata's own type letter (TSK's mode string uses it; ``meta_type`` shows a directory's stream as ``r``)
    meta_type_raw: str
    type: str
    size: int
    mode: int | None
    uid: int | None
    gid: int | None
    mtime: Timestamp | None
    atime: Timestamp | None
    ctime: Timestamp | None
    crtime: Timestamp | None
    link_target: str | None = None
    #: an NTFS ``$FILE_NAME`` attribute record: only timelines (``fls -m``, ``--bodyfile``) list it
    filename_record: bool = False

    @property
    def has_content(self) -> bool:
        """True when the entry is a regular file (or stream) whose bytes can be read and hashed."""
        return self.type == "file" and self.meta_type != "-" and not self.filename_record

    def to_json(
        self, sha256: str | None = None, blake3: str | None = None, with_hashes: bool = False
    ) -> dict[str, object]:
        """The ``scelle image ls --json`` object (DESIGN.md field set)."""
        record: dict[str, object] = {
            "partition": self.partition,
            "path": self.path,
            "inode": self.inode,
            "allocated": self.allocated,
            "type": self.type,
            "size": self.size,
            "mtime": self.mtime.rfc3339() if self.mtime else None,
            "atime": self.atime.rfc3339() if self.atime else None,
            "ctime": self.ctime.rfc3339() if self.ctime else None,
            "crtime": self.crtime.rfc3339() if self.crtime else None,
        }
        if with_hashes:
            record["sha256"] = sha256
            record["blake3"] = blake3
        return record
