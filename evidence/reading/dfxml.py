"""DFXML (Digital Forensics XML) of a listing, as ``fiwalk -X`` writes it: one ``<fileobject>`` per entry.

The document has the shape fiwalk gives it (the DFXML namespace, ``<creator>``, ``<source>``, one ``<volume>`` per
file system with its offset, block size and type), so tools that read fiwalk's output read this one. Each
``<fileobject>`` is one line of ``scelle image ls`` (the entries ``fls -r -p`` prints: fiwalk also lists ``.`` and
``..``, scelle does not), with fiwalk's element names and values: ``filename`` (the path without its leading
slash), ``partition`` (the file system's rank, 1 for the first, as fiwalk counts), ``id`` (the entry's rank in the
document), ``name_type`` (TSK's letter), ``filesize``, ``alloc`` or ``unalloc``, ``inode``, ``meta_type`` and
``mode`` (TSK's numbers), ``uid``, ``gid``, the four times, ``link_target``, and one ``hashdigest`` per algorithm
for each file whose content was read (MD5 and SHA-1 as fiwalk gives them, and scelle's SHA-256 and BLAKE3).

Two additions, in scelle's namespace so that DFXML readers ignore them: the TSK partition address of each volume
(what ``--partition`` takes) and, for an NTFS stream, scelle's inode form (``64-128-2``).

The document is written as the listing goes (memory does not grow with the image). XML cannot carry some
characters a file name may hold (control characters), and turns a CR into LF; each control character but tab is
written as ``\\xNN``, the form scelle already uses for bytes that are not UTF-8.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from xml.sax.saxutils import escape

from evidence.reading.entries import META_TYPE_LETTERS, Entry
from evidence.reading.filesystems import FileSystem
from evidence.reading.listing import Listed

NAMESPACE = "http://www.forensicswiki.org/wiki/Category:Digital_Forensics_XML"
SCELLE_NAMESPACE = "urn:scelle:dfxml:1"
#: the digests a DFXML listing gives for each file, in the order they are written
ALGORITHMS = ("md5", "sha1", "sha256", "blake3")

#: characters XML 1.0 does not allow (C0 controls but tab, LF, CR; lone surrogates; U+FFFE and U+FFFF), and the line
#: ends, which an XML reader turns into LF (a CR in a name would come back as LF)
_NOT_XML = re.compile("[\x00-\x08\x0a-\x1f\ud800-\udfff\ufffe\uffff]")


def _text(value: str) -> str:
    return escape(_NOT_XML.sub(lambda match: f"\\x{ord(match.group()):02x}", value))


def _element(name: str, value: object) -> str:
    return f"<{name}>{_text(str(value))}</{name}>"


class DfxmlWriter:
    """Writes one DFXML document through ``emit`` (a line at a time): ``begin``, ``add`` each entry, ``end``."""

    def __init__(self, emit: Callable[[str], None], filesystems: Iterable[FileSystem]) -> None:
        self._emit = emit
        #: file system rank (fiwalk's ``partition``), by TSK partition address
        self._filesystems = {fs.partition: (rank, fs) for rank, fs in enumerate(filesystems, start=1)}
        self._volume: int | None = None
        self._open = False
        self._count = 0

    def begin(self, version: str, command_line: str, image_names: Iterable[str]) -> None:
        """The document's head: who wrote it, with which command, from which image files."""
        emit = self._emit
        emit("<?xml version='1.0' encoding='UTF-8'?>")
        emit(f"<dfxml xmlns='{NAMESPACE}' xmlns:dc='http://purl.org/dc/elements/1.1/'")
        emit(f"  xmlns:scelle='{SCELLE_NAMESPACE}' version='1.0'>")
        emit("  <metadata><dc:type>Disk Image</dc:type></metadata>")
        emit("  <creator version='1.0'>")
        emit(f"    {_element('program', 'scelle')}")
        emit(f"    {_element('version', version)}")
        emit(f"    <execution_environment>{_element('command_line', command_line)}</execution_environment>")
        emit("  </creator>")
        emit("  <source>")
        for name in image_names:
            emit(f"    {_element('image_filename', name)}")
        emit("  </source>")

    def _enter_volume(self, partition: int | None) -> None:
        if self._open and self._volume == partition:
            return
        if self._open:
            self._emit("  </volume>")
        _rank, fs = self._filesystems[partition]
        info = fs.info
        emit = self._emit
        emit(f"  <volume offset='{fs.volume.offset}'>")
        emit(f"    {_element('partition_offset', fs.volume.offset)}")
        if partition is not None:
            emit(f"    {_element('scelle:partition_address', partition)}")
        emit(f"    {_element('block_size', info.block_size)}")
        emit(f"    {_element('ftype_str', info.type)}")
        emit(f"    {_element('block_count', info.block_count)}")
        emit(f"    {_element('first_block', 0)}")
        emit(f"    {_element('last_block', max(0, info.block_count - 1))}")
        self._volume, self._open = partition, True

    def add(self, listed: Listed) -> None:
        """One ``<fileobject>`` for ``listed`` (its file system's ``<volume>`` is opened first when it changes)."""
        entry = listed.entry
        self._enter_volume(entry.partition)
        self._count += 1
        lines = ["    <fileobject>", *(f"      {line}" for line in _fileobject(entry, self._rank(entry), self._count))]
        digests = listed.digests or {}
        lines += [
            f"      <hashdigest type='{name}'>{digests[name]}</hashdigest>" for name in ALGORITHMS if name in digests
        ]
        if listed.error:
            lines.append(f"      {_element('scelle:error', listed.error)}")
        lines.append("    </fileobject>")
        self._emit("\n".join(lines))

    def _rank(self, entry: Entry) -> int:
        return self._filesystems[entry.partition][0]

    def end(self) -> None:
        """Close the last volume and the document."""
        if self._open:
            self._emit("  </volume>")
        self._emit("</dfxml>")


def _fileobject(entry: Entry, rank: int, number: int) -> list[str]:
    """The elements of one entry, in fiwalk's order (without the digests)."""
    lines = [
        _element("filename", entry.path),
        _element("partition", rank),
        _element("id", number),
        _element("name_type", entry.name_type),
        _element("filesize", entry.size),
        "<alloc>1</alloc>" if entry.allocated else "<unalloc>1</unalloc>",
        _element("inode", entry.meta_addr),
    ]
    if entry.attr_type is not None:
        lines.append(_element("scelle:inode", entry.inode))
    if entry.meta_type_raw != "-":
        lines.append(_element("meta_type", META_TYPE_LETTERS.index(entry.meta_type_raw)))
    for name in ("mode", "uid", "gid"):
        value = getattr(entry, name)
        if value is not None:
            lines.append(_element(name, value))
    for name in ("mtime", "ctime", "atime", "crtime"):
        value = getattr(entry, name)
        if value is not None:
            lines.append(_element(name, value.rfc3339()))
    if entry.link_target is not None:
        lines.append(_element("link_target", entry.link_target))
    return lines


def write_dfxml(
    emit: Callable[[str], None],
    listing: Iterable[Listed],
    filesystems: Iterable[FileSystem],
    *,
    version: str,
    command_line: str,
    image_names: Iterable[str],
) -> None:
    """Write the whole document for ``listing`` (entries of ``filesystems``) through ``emit``."""
    writer = DfxmlWriter(emit, filesystems)
    writer.begin(version, command_line, image_names)
    for listed in listing:
        writer.add(listed)
    writer.end()
