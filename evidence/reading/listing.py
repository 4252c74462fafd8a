"""The top-level reading calls: open the file systems of an image, list and read their entries.

These are what ``scelle image`` commands call (one call each) and what a tool using the library needs;
``describe_image`` (``image info``) is in ``evidence.reading.describe``.
"""

from __future__ import annotations

import dataclasses
from collections import deque
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, NamedTuple

from evidence.common.errors import EvidenceError, FileSystemError, UsageError, VolumeError
from evidence.common.localised import said
from evidence.common.messages import LocalisedFileSystemError, LocalisedImageError, LocalisedPartialError, Notice
from evidence.hashing.files import DigestTee, digest_in_order
from evidence.reading.entries import Entry
from evidence.reading.filesystems import FileSystem
from evidence.reading.localtimes import UNKNOWN_ZONE, has_local_times, posix_tz, tsk_local_zone
from evidence.reading.tsk import TskImage
from evidence.reading.volumes import Volume, find_volume, list_volumes, whole_media
from evidence.sources.base import ImageSource
from evidence.sources.containers import is_luks

if TYPE_CHECKING:  # the hash-set code is loaded only when a set is given (cli: --hashset)
    from evidence.hashing.hashsets import HashSets, Match


class Partitions(NamedTuple):
    """The file systems found in an image, and the partitions where none could be opened (with the reason)."""

    filesystems: list[FileSystem]
    skipped: list[tuple[Volume, EvidenceError]]


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
            raise said(VolumeError, "volume.no_table", path=source.segments[0], partition=partition)
        return Partitions(filesystems_at(source, find_volume(volumes, partition, source), image), [])
    found: list[FileSystem] = []
    skipped: list[tuple[Volume, EvidenceError]] = []
    for volume in _candidates(volumes):
        try:
            found.extend(filesystems_at(source, volume, image))
        except FileSystemError as exc:
            skipped.append((volume, exc))
    if not found:
        if len(skipped) == 1:
            raise skipped[0][1]
        reasons: list[object] = [reason for _volume, reason in skipped]
        raise LocalisedFileSystemError(
            "fs.problems", problems=reasons or [Notice("fs.none_open", path=source.segments[0])]
        )
    if source.unlock_secret is not None and not any(fs.source.format.startswith("luks") for fs in found):
        raise LocalisedImageError("luks.not_encrypted", path=source.segments[0])
    return Partitions(found, skipped)


def filesystems_at(source: ImageSource, volume: Volume, image: TskImage | None = None) -> list[FileSystem]:
    """The file system TSK opens at ``volume``, or the volumes of an APFS container there (``evidence.reading.apfs``);
    ``FileSystemError`` when there is neither."""
    try:
        return [FileSystem(source, volume, image)]
    except FileSystemError:
        from evidence.reading.apfs import is_apfs, open_apfs  # libfsapfs only for an APFS container

        if is_apfs(source, volume):
            return open_apfs(source, volume)
        head = source.read_at(volume.offset, 8) if volume.index is not None else b""
        if is_luks(head):
            return _luks_partition(source, volume, head)
        raise


def _luks_partition(source: ImageSource, volume: Volume, head: bytes) -> list[FileSystem]:
    """The file systems inside the LUKS volume a partition holds (``head``: its first bytes), unlocked with the
    image's ``--unlock`` secret."""
    if source.unlock_secret is None:
        raise LocalisedFileSystemError("luks.locked", path=volume.label, version=head[7])
    from evidence.sources.luks import LuksSource, SliceSource

    plaintext = LuksSource(SliceSource(source, volume.offset, volume.length), source.unlock_secret)
    inner = dataclasses.replace(
        whole_media(plaintext),
        index=volume.index,
        table=volume.table,
        slot=volume.slot,
        description=f"{volume.description}, LUKS{plaintext.header.version} key slot {plaintext.unlocked_slot}",
    )
    return filesystems_at(plaintext, inner)


def open_filesystem(source: ImageSource, volume: Volume | int | None = None) -> FileSystem:
    """The file system of ``volume`` (a ``Volume`` or a partition address); without it, the image's only one.

    Raises ``FileSystemError`` when there is none and, when ``volume`` is None, ``VolumeError`` when there are
    several (name one).
    """
    found = (
        filesystems_at(source, volume) if isinstance(volume, Volume) else open_filesystems(source, volume).filesystems
    )
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
    #: why the digests are missing for a deleted file whose content TSK cannot read (in English, as data)
    error: str | None = None
    #: the hash sets the file is in (``hashsets``)
    matches: tuple[Match, ...] = ()
    #: the error behind ``error``, to state it in another language
    failure: EvidenceError | None = None


def _ignore(_notice: Notice) -> None:
    return None


class Listing:
    """The entries of every file system of an image (or of one partition), as ``fls -r -p`` lists them.

    Iterating walks the file systems one after the other and yields ``Listed`` entries. ``hashes`` adds SHA-256
    and BLAKE3 of regular files: a file whose content cannot be read gets none (``error`` says why); for
    an allocated file that is also a gap in the listing (see below). The SHA-256 of large files is computed in a
    worker thread while the next files are read (``evidence.hashing.files.digest_in_order``); the entries come out
    in walk order.
    ``extra_digests`` (e.g. ``("md5", "sha1")``, with ``hashes``) adds digests computed in the reading thread as the
    chunks pass, for outputs that need them (DFXML). ``timeline`` adds the NTFS ``$FILE_NAME`` records. ``warn``
    receives what is skipped: partitions without a file system, directories that cannot be read.

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
        warn: Callable[[Notice], None] = _ignore,
        fs_tz: str | None = None,
        extra_digests: tuple[str, ...] = (),
        hashsets: HashSets | None = None,
    ) -> None:
        posix_tz(fs_tz)  # a zone that names nothing is refused before the image is read
        self._fs_tz = fs_tz
        self._opened = open_filesystems(source, partition)
        self._sets = hashsets
        if hashsets is not None:
            hashes = True
            extra_digests = tuple(dict.fromkeys(extra_digests + hashsets.extra_algorithms))
        self._options = (include_deleted, hashes, timeline)
        self._extra = extra_digests
        self._warn = warn
        #: what the listing had to leave out so far (one notice each)
        self.problems: list[Notice] = []

    def _problem(self, notice: Notice) -> None:
        self.problems.append(notice)
        self._warn(notice)

    def check_complete(self) -> None:
        """Raise ``PartialError`` when the listing left entries or content out (call it after iterating)."""
        if self.problems:
            count = len(self.problems)
            code = "listing.partial.one" if count == 1 else "listing.partial"
            raise LocalisedPartialError(code, count=count, first=self.problems[0])

    @property
    def filesystems(self) -> list[FileSystem]:
        """The file systems listed, in partition order."""
        return self._opened.filesystems

    def local_zones(self) -> dict[int | None, str]:
        """partition -> ``fs_tz`` label (the zone given, else ``unknown``) of each file system whose times are local
        (FAT, exFAT); the others store UTC and are not in it."""
        label = self._fs_tz or UNKNOWN_ZONE
        return {fs.partition: label for fs in self.filesystems if has_local_times(fs.info.type)}

    def __iter__(self) -> Iterator[Listed]:
        for volume, reason in self._opened.skipped:
            self._warn(Notice("fs.skipped", label=volume.label, reason=reason))
        for fs in self._opened.filesystems:
            present, needed = fs.present_bytes, fs.needed_bytes
            if present < needed:
                # a warning, not a gap by itself: what it hides shows as an unreadable directory or content
                self._warn(Notice("fs.truncated", context=fs.context, present=present, needed=needed))
            with tsk_local_zone(self._fs_tz):
                yield from self._entries(fs)
            for problem in fs.errors:
                self._problem(Notice("fs.problem", context=fs.context, problem=problem))

    def _tee(self, chunks: Iterator[bytes] | None, tees: deque[DigestTee]) -> Iterator[bytes] | None:
        """``chunks`` fed through a new ``DigestTee``, queued in walk order (one per entry: results come in order)."""
        tee = DigestTee(self._extra)
        tees.append(tee)
        return None if chunks is None else tee.feed(chunks)

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
        extra: deque[DigestTee] = deque()
        if self._extra:
            contents = ((entry, self._tee(chunks, extra)) for entry, chunks in contents)
        for entry, digests, error in digest_in_order(contents):
            tee = extra.popleft() if extra else None
            if error is None:
                if digests is not None and tee is not None:
                    digests = {**digests, **tee.result()}
                if digests is not None and self._sets is not None:
                    yield Listed(entry, digests, None, self._sets.match(digests))
                else:
                    yield Listed(entry, digests)
            elif not isinstance(error, EvidenceError):
                raise error
            elif entry.allocated:  # a deleted file TSK cannot recover is expected; an allocated one is a gap
                self.problems.append(Notice("fs.content_unreadable", path=entry.path, inode=entry.inode, reason=error))
                yield Listed(entry, None, str(error), (), error)
            else:
                yield Listed(entry, None, str(error), (), error)


def list_entries(
    source: ImageSource,
    partition: int | None = None,
    *,
    include_deleted: bool = True,
    hashes: bool = False,
    timeline: bool = False,
    warn: Callable[[Notice], None] = _ignore,
    fs_tz: str | None = None,
    extra_digests: tuple[str, ...] = (),
    hashsets: HashSets | None = None,
) -> Listing:
    """Walk every file system of the image (or the one of ``partition``) like ``fls -r -p``; see ``Listing``.

    ``fs_tz`` is the zone FAT and exFAT times are read in (``fls -z``; UTC when None: see
    ``evidence.reading.localtimes``).
    """
    return Listing(
        source,
        partition,
        include_deleted=include_deleted,
        hashes=hashes,
        timeline=timeline,
        warn=warn,
        fs_tz=fs_tz,
        extra_digests=extra_digests,
        hashsets=hashsets,
    )


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
