"""The top-level reading calls: open the file systems of an image, list and read their entries.

These are what ``scelle image`` commands call (one call each) and what a tool using the library needs;
``describe_image`` (``image info``) is in ``evidence.reading.describe``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import NamedTuple

from evidence.common.errors import EvidenceError, FileSystemError, PartialError, UsageError, VolumeError
from evidence.hashing.files import digest_in_order
from evidence.reading.entries import Entry
from evidence.reading.filesystems import FileSystem
from evidence.reading.tsk import TskImage
from evidence.reading.volumes import Volume, find_volume, list_volumes
from evidence.sources.base import ImageSource


class Partitions(NamedTuple):
    """The file systems found in an image, and the partitions where none could be opened (with the reason)."""

    filesystems: list[FileSystem]
    skipped: list[tuple[Volume, str]]


def _candidates(volumes: list[Volume]) -> list[Volume]:
    return [volume for volume in volumes if volume.allocated]


def open_filesystems(source: ImageSource, partition: int | None = None) -> Partitions:
    """Open the file system of ``partition`` (TSK partition address), or every one the image holds.

    With ``partition`` given, a missing partition, one past the end of the image or one without a file system is an
    error. Without it, partitions holding no recognisable file system are reported in ``skipped``; an image where no
    file system opens at all is a ``FileSystemError``.
    """
    image = TskImage(source)
    volumes = list_volumes(source, image)
    if partition is not None:
        if volumes[0].index is None:
            raise VolumeError(f"{source.segments[0]}: no partition table, so no partition {partition}")
        return Partitions([FileSystem(source, find_volume(volumes, partition, source), image)], [])
    found: list[FileSystem] = []
    skipped: list[tuple[Volume, str]] = []
    for volume in _candidates(volumes):
        try:
            found.append(FileSystem(source, volume, image))
        except FileSystemError as exc:
            skipped.append((volume, str(exc)))
    if not found:
        reasons = "; ".join(reason for _volume, reason in skipped) or f"{source.segments[0]}: nothing to open"
        raise FileSystemError(reasons)
    return Partitions(found, skipped)


def open_filesystem(source: ImageSource, volume: Volume | int | None = None) -> FileSystem:
    """The file system of ``volume`` (a ``Volume`` or a partition address); without it, the image's only one.

    Raises ``FileSystemError`` when there is none and, when ``volume`` is None, ``VolumeError`` when there are
    several (name one).
    """
    if isinstance(volume, Volume):
        return FileSystem(source, volume)
    found = open_filesystems(source, volume).filesystems
    if len(found) > 1:
        indexes = ", ".join(str(fs.partition) for fs in found)
        raise VolumeError(f"{source.segments[0]}: several file systems (partitions {indexes}): choose one")
    return found[0]


class Listed(NamedTuple):
    """An entry of ``scelle image ls``, with its content digests when they were asked for.

    A NamedTuple rather than a dataclass: a listing builds one per entry.
    """

    entry: Entry
    digests: dict[str, str] | None = None
    #: why the digests are missing for a deleted file whose content TSK cannot read
    error: str | None = None


def _ignore(_message: str) -> None:
    return None


class Listing:
    """The entries of every file system of an image (or of one partition), as ``fls -r -p`` lists them.

    Iterating walks the file systems one after the other and yields ``Listed`` entries. ``hashes`` adds SHA-256
    and BLAKE3 of regular files: a file whose content cannot be read gets none (``error`` says why); for
    an allocated file that is also a gap in the listing (see below). The SHA-256 of large files is computed in a
    worker thread while the next files are read (``evidence.hashing.files.digest_in_order``); the entries come out
    in walk order.
    ``timeline`` adds the NTFS ``$FILE_NAME`` records. ``warn`` receives what is skipped: partitions without a file
    system, directories that cannot be read.

    A file system cut short by the end of the image is warned about once (as ``fsstat``'s "Total Range in Image").
    A listing that had to leave something out says so: a directory that cannot be read (its entries are missing;
    TSK's ``$OrphanFiles`` is listed when it is the root), a walk stopped by its budget
    (``evidence.reading.walk.walk_budget``), a file whose content cannot be read for its digests (listed with
    ``error``, the listing goes on). Each goes to ``warn`` and to ``problems``;
    ``check_complete`` raises ``PartialError`` (exit code 4) after the listing when there is any.
    """

    def __init__(
        self,
        source: ImageSource,
        partition: int | None = None,
        *,
        include_deleted: bool = True,
        hashes: bool = False,
        timeline: bool = False,
        warn: Callable[[str], None] = _ignore,
    ) -> None:
        self._opened = open_filesystems(source, partition)
        self._options = (include_deleted, hashes, timeline)
        self._warn = warn
        #: what the listing had to leave out so far (one line each)
        self.problems: list[str] = []

    def _problem(self, message: str) -> None:
        self.problems.append(message)
        self._warn(message)

    def check_complete(self) -> None:
        """Raise ``PartialError`` when the listing left entries or content out (call it after iterating)."""
        if self.problems:
            count = len(self.problems)
            raise PartialError(
                f"partial listing: {count} problem{'s' if count > 1 else ''} (each named above), first: "
                f"{self.problems[0]}"
            )

    @property
    def filesystems(self) -> list[FileSystem]:
        """The file systems listed, in partition order."""
        return self._opened.filesystems

    def __iter__(self) -> Iterator[Listed]:
        for volume, reason in self._opened.skipped:
            self._warn(f"{volume.label}: skipped: {reason}")
        for fs in self._opened.filesystems:
            present, needed = fs.present_bytes, fs.needed_bytes
            if present < needed:
                # a warning, not a gap by itself: what it hides shows as an unreadable directory or content
                self._warn(
                    f"{fs.context}: file system truncated: {present} of {needed} bytes present in the image; "
                    "what lies past the end is reported as unreadable"
                )
            yield from self._entries(fs)
            for problem in fs.errors:
                self._problem(f"{fs.context}: {problem}")

    def _entries(self, fs: FileSystem) -> Iterator[Listed]:
        include_deleted, hashes, timeline = self._options
        if not hashes:
            for entry in fs.walk(include_deleted=include_deleted, filename_records=timeline):
                yield Listed(entry)
            return
        walk = fs.walk_with_readers(include_deleted=include_deleted, filename_records=timeline)
        contents = (
            (entry, fs.iter_content(entry, reader=reader) if entry.has_content else None) for entry, reader in walk
        )
        for entry, digests, error in digest_in_order(contents):
            if error is None:
                yield Listed(entry, digests)
            elif not isinstance(error, EvidenceError):
                raise error
            elif entry.allocated:  # a deleted file TSK cannot recover is expected; an allocated one is a gap
                self.problems.append(f"{entry.path} ({entry.inode}): content unreadable: {error}")
                yield Listed(entry, None, str(error))
            else:
                yield Listed(entry, None, str(error))


def list_entries(
    source: ImageSource,
    partition: int | None = None,
    *,
    include_deleted: bool = True,
    hashes: bool = False,
    timeline: bool = False,
    warn: Callable[[str], None] = _ignore,
) -> Listing:
    """Walk every file system of the image (or the one of ``partition``) like ``fls -r -p``; see ``Listing``."""
    return Listing(source, partition, include_deleted=include_deleted, hashes=hashes, timeline=timeline, warn=warn)


def read_entry(
    source: ImageSource, partition: int | None = None, *, path: str | None = None, inode: str | None = None
) -> Iterator[bytes]:
    """The content of the entry at ``path`` or ``inode`` (``14`` or ``64-128-2``), in chunks, as ``icat`` gives it."""
    if (path is None) == (inode is None):
        raise UsageError("give exactly one of a path or an inode")
    fs = open_filesystem(source, partition)
    entry = fs.find(path) if path is not None else fs.entry_for_inode(inode or "")
    if entry.type in ("dir", "virtual-dir") and entry.attr_type is None:
        raise FileSystemError(f"{fs.context}: {entry.path} is a directory")
    return fs.iter_content(entry, any_size=True)
