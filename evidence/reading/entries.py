"""What a file-system walk yields: one ``Entry`` per line ``fls -r -p`` prints, with its metadata.

Names. File systems store names as bytes (ext, UFS) or UTF-16 (NTFS, FAT LFN, HFS+, exFAT) that TSK converts to
UTF-8. A name that is not valid UTF-8 is never dropped: ``Entry.path`` shows each undecodable byte as ``\\xNN``
(two lower-case hex digits; the bytes are decoded with Python's ``surrogateescape`` and each escaped byte is
written out), and ``Entry.path_bytes`` keeps the exact bytes. Control characters stay as they are in ``path``
(``fls`` prints them as ``^``; text renderers may do the same).

Times. MACB times are UTC (for FAT and exFAT, whose times are local, in the zone ``--fs-tz`` names; see
``evidence.reading.localtimes``). ``Timestamp`` keeps TSK's seconds and nanoseconds; ``rfc3339()`` prints seconds
precision when the nanoseconds are 0 and otherwise the fraction without trailing zeros
(``2012-05-25T15:56:03.123456789Z``, ``…03.5Z``), the RFC 3339 form Go's ``RFC3339Nano`` uses. A time TSK
reports as 0 means "not recorded" and is None.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
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

_SECONDS_PER_DAY = 86400
#: "00" .. "59": hours, minutes and seconds are written by table look-up, not by formatting
_TWO_DIGITS = tuple(f"{number:02d}" for number in range(60))


def escape_name(raw: bytes) -> str:
    """The text form of a name: UTF-8, with each byte that is not valid UTF-8 written as ``\\xNN``."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text = raw.decode("utf-8", "surrogateescape")
    if not any("\udc80" <= char <= "\udcff" for char in text):
        return text
    return "".join(f"\\x{ord(char) - 0xDC00:02x}" if "\udc80" <= char <= "\udcff" else char for char in text)


def type_word(name_letter: str, meta_letter: str) -> str:
    """The entry type: from the metadata when TSK has it, else from the directory entry."""
    letter = meta_letter if meta_letter != "-" else name_letter
    return TYPE_WORDS.get(letter, "unknown")


def civil_date(days: int) -> tuple[int, int, int]:
    """(year, month, day) of the proleptic Gregorian day ``days`` after 1970-01-01 (negative: before).

    Plain integer arithmetic (H. Hinnant's ``civil_from_days``), valid for any ``days``: a corrupt time stamp far
    outside ``datetime``'s years 1-9999 is still written out instead of stopping a listing.
    """
    shifted = days + 719468  # days from 0000-03-01, so that a leap day ends the year
    era = shifted // 146097
    day_of_era = shifted - era * 146097
    year_of_era = (day_of_era - day_of_era // 1460 + day_of_era // 36524 - day_of_era // 146096) // 365
    day_of_year = day_of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
    month_index = (5 * day_of_year + 2) // 153  # 0 = March
    day = day_of_year - (153 * month_index + 2) // 5 + 1
    month = month_index + 3 if month_index < 10 else month_index - 9
    return year_of_era + era * 400 + (month <= 2), month, day


@lru_cache(maxsize=4096)
def _date_text(days: int) -> str:
    year, month, day = civil_date(days)
    return f"{year:04d}-{month:02d}-{day:02d}T"


@lru_cache(maxsize=16384)
def _seconds_text(seconds: int) -> str:
    """``YYYY-MM-DDTHH:MM:SS`` of a whole second; cached because a file system's times come in clusters."""
    days, rest = divmod(seconds, _SECONDS_PER_DAY)
    hours, rest = divmod(rest, 3600)
    minutes, second = divmod(rest, 60)
    return _date_text(days) + _TWO_DIGITS[hours] + ":" + _TWO_DIGITS[minutes] + ":" + _TWO_DIGITS[second]


def rfc3339(seconds: int, nanoseconds: int = 0) -> str:
    """``YYYY-MM-DDTHH:MM:SS[.fraction]Z`` (UTC; the fraction without trailing zeros, none when it is 0).

    Years before 1000 are zero-padded to four digits as RFC 3339 requires; years outside 0-9999 (only a corrupt
    time stamp has them) are written with more digits or a minus sign rather than refused.
    """
    text = _seconds_text(seconds)
    if nanoseconds:
        return f"{text}.{nanoseconds:09d}".rstrip("0") + "Z"
    return text + "Z"


class Timestamp(NamedTuple):
    """A UTC time as TSK gives it: seconds since 1970 and nanoseconds."""

    seconds: int
    nanoseconds: int = 0

    def rfc3339(self) -> str:
        """``YYYY-MM-DDTHH:MM:SS[.fraction]Z``."""
        return rfc3339(self.seconds, self.nanoseconds)


@lru_cache(maxsize=4096)
def timestamp(seconds: int, nanoseconds: int = 0) -> Timestamp | None:
    """None for TSK's "no time" (0), else a ``Timestamp`` (the same immutable object for the same time: a walk asks
    for four per entry, mostly repeated)."""
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
        self, sha256: str | None = None, blake3: str | None = None, with_hashes: bool = False, fs_tz: str | None = None
    ) -> dict[str, object]:
        """The ``scelle image ls --json`` object (DESIGN.md field set); ``fs_tz`` (after the times) for an entry of a
        file system whose times are local (the zone they were read in, or ``unknown``)."""
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
        if fs_tz is not None:
            record["fs_tz"] = fs_tz
        if with_hashes:
            record["sha256"] = sha256
            record["blake3"] = blake3
        return record


#: one setter per field of ``Entry``, in declaration order (the slot descriptors' ``__set__``)
_FIELD_SETTERS = tuple(getattr(Entry, name).__set__ for name in Entry.__dataclass_fields__)


def entry_from_values(*values: object) -> Entry:
    """The ``Entry`` whose fields, in declaration order, are ``values`` (all of them, ``filename_record`` included).

    Equal to ``Entry(**dict(zip(field_names, values)))``, built at half the cost: a walk builds one entry per line
    it lists, and the frozen dataclass's ``__init__`` sets each of the 23 fields through ``object.__setattr__``
    (about 3 us an entry, a tenth of a 2,000-entry walk); this sets the slots directly.
    """
    entry = object.__new__(Entry)
    for setter, value in zip(_FIELD_SETTERS, values, strict=True):
        setter(entry, value)
    return entry
