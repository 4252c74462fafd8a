"""Text forms of entries that TSK users already read: ``fls -r -p`` lines and mactime bodyfile lines.

Both follow TSK's printing code (``tsk_fs_name_print`` and ``tsk_fs_name_print_mac_md5``) so ``scelle image ls``
output can be diffed with ``fls`` output and fed to ``mactime``:

* control characters (0x01-0x1f) in names are printed as ``^``, as TSK's ``tsk_print_sanitized`` does (it also keeps
  terminals safe from escape sequences hidden in file names);
* bodyfile: ``0|/path|inode|n/mode|uid|gid|size|atime|mtime|ctime|crtime``; a deleted name ends with
  `` (deleted)`` (`` (deleted-realloc)`` when its inode is in use again), a symbolic link with `` -> target``, an NTFS
  ``$FILE_NAME`` record with `` ($FILE_NAME)``; times are whole seconds (TSK 4.11 prints no fraction), 0 when absent.
"""

from __future__ import annotations

from evidence.reading.entries import Entry

_PERMISSIONS = (
    (0o400, 1, "r"),
    (0o200, 2, "w"),
    (0o040, 4, "r"),
    (0o020, 5, "w"),
    (0o004, 7, "r"),
    (0o002, 8, "w"),
)


def sanitize(text: str) -> str:
    """Replace control characters 0x01-0x1f with ``^``, as ``fls`` prints names."""
    return "".join("^" if "\x01" <= char <= "\x1f" else char for char in text)


def ls_mode(type_letter: str, mode: int) -> str:
    """The ``ls -l`` style mode string TSK builds (``tsk_fs_meta_make_ls``): type letter + 9 permission characters."""
    chars = [type_letter, "-", "-", "-", "-", "-", "-", "-", "-", "-"]
    for bit, position, char in _PERMISSIONS:
        if mode & bit:
            chars[position] = char
    for special, execute, position, lower, upper in (
        (0o4000, 0o100, 3, "s", "S"),
        (0o2000, 0o010, 6, "s", "S"),
        (0o1000, 0o001, 9, "t", "T"),
    ):
        if mode & special:
            chars[position] = lower if mode & execute else upper
        elif mode & execute:
            chars[position] = "x"
    return "".join(chars)


def fls_line(entry: Entry) -> str:
    """The line ``fls -r -p`` prints for this entry (without the newline)."""
    deleted = "* " if not entry.allocated else ""
    realloc = "(realloc)" if entry.reallocated else ""
    return f"{entry.name_type}/{entry.meta_type} {deleted}{entry.inode}{realloc}:\t{sanitize(entry.path)}"


def _seconds(value: object) -> int:
    seconds = getattr(value, "seconds", 0) if value is not None else 0
    return int(seconds) & 0xFFFFFFFF  # TSK prints time_t with PRIu32


def bodyfile_line(entry: Entry, prefix: str = "/") -> str:
    """The mactime bodyfile line ``fls -r -m /`` prints for this entry (without the newline)."""
    name = prefix + sanitize(entry.path)
    if entry.filename_record:
        name += " ($FILE_NAME)"
    if entry.link_target and entry.meta_type_raw == "l":
        name += f" -> {entry.link_target}"
    if not entry.allocated:
        name += " (deleted-realloc)" if entry.reallocated else " (deleted)"
    if entry.mode is None:
        return f"0|{name}|{entry.inode}|{entry.name_type}/----------|0|0|0|0|0|0|0"
    mode = ls_mode(entry.meta_type_raw, entry.mode)
    times = "|".join(str(_seconds(t)) for t in (entry.atime, entry.mtime, entry.ctime, entry.crtime))
    return f"0|{name}|{entry.inode}|{entry.name_type}/{mode}|{entry.uid}|{entry.gid}|{entry.size}|{times}"
