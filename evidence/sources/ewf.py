"""EWF images (E01, Ex01, S01) read through libewf's Python binding. The only module that imports ``pyewf``.

libewf finds nothing wrong in two situations scelle must not accept, so this module checks them itself:

* a set opened without its last segments (``x.E01`` given, ``x.E02`` missing): libewf opens it and reports the full
  media size, then fails on the first read past the segments it has. ``EwfSource`` reads the last media byte at
  open, so an incomplete set is refused at once rather than part-way through a hash;
* a chunk whose checksum does not match: libewf returns zeros for it and carries on (``ewfverify`` reports it, a
  plain read does not), in E01 and Ex01 alike. See ``evidence.ewf.chunk_check`` for the check scelle adds, on the
  layouts of ``evidence.ewf.layout`` (E01, S01) and ``evidence.ewf.layout2`` (Ex01).
"""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyewf

from evidence.common.errors import DamagedImageError, ImageError
from evidence.common.files import open_readonly
from evidence.ewf.chunk_cache import ChunkCache
from evidence.ewf.chunk_check import StoredChunks
from evidence.ewf.format import E01_SIGNATURE, EVF2_SIGNATURE, EWF1_SIGNATURES, LOGICAL_MEDIA_TYPE, MediaType
from evidence.ewf.header_times import UTC_DATES, header_dates
from evidence.ewf.layout import ChunkVerifier
from evidence.ewf.reader import FastChunkReader
from evidence.sources.base import ImageMetadata, ImageSource

_DEFAULT_CHUNK = 32768
#: reads of at least this many chunks go to libewf in one call, bypassing the cache
_DIRECT_READ_CHUNKS = 8

#: libewf format codes (libewf/definitions.h) -> the names ``ewfinfo`` prints
FORMAT_NAMES = {
    0x01: "EnCase 1",
    0x02: "EnCase 2",
    0x03: "EnCase 3",
    0x04: "EnCase 4",
    0x05: "EnCase 5",
    0x06: "EnCase 6",
    0x07: "EnCase 7",
    0x0E: "SMART",
    0x0F: "FTK Imager",
    0x25: "linen 5",
    0x26: "linen 6",
    0x27: "linen 7",
    0x37: "EnCase 7 (EWF2)",
    0x70: "original EWF",
    0x71: "EWFX",
}
#: logical evidence files (L01, Lx01) hold files, not media: they are not images scelle can read
_LOGICAL_FORMATS = {0x10: "L01 (EnCase 5)", 0x11: "L01 (EnCase 6)", 0x12: "L01 (EnCase 7)", 0x47: "Lx01"}

_MEDIA_TYPES = {**{kind.value: kind.name.lower() for kind in MediaType}, LOGICAL_MEDIA_TYPE: "logical"}
_COMPRESSION = {0: "none", 1: "deflate", 2: "bzip2"}
_COMPRESSION_LEVELS = {"n": "none", "f": "fast", "b": "best"}

#: header value identifiers (as libewf names them) -> ImageMetadata fields
_HEADER_FIELDS = {
    "case_number": "case_number",
    "evidence_number": "evidence_number",
    "examiner_name": "examiner",
    "description": "description",
    "notes": "notes",
    "acquiry_date": "acquisition_date",
    "system_date": "system_date",
    "acquiry_software_version": "acquisition_software",
    "acquiry_operating_system": "acquisition_os",
    "model": "model",
    "serial_number": "serial_number",
}


def _libewf_date(text: str | None) -> str | None:
    """A date as libewf formats it (``ctime`` style, in this host's local time) as UTC RFC 3339; None if unreadable.

    Only for what ``header_dates`` cannot read (EWF2): libewf converted a stored instant with ``localtime``, so
    reading it back in the same local zone gives the instant (up to the hour repeated when clocks go back).
    """
    if not text:
        return None
    try:
        local = datetime.strptime(text, "%a %b %d %H:%M:%S %Y")  # naive: the host local time libewf used
    except ValueError:
        return None
    return local.astimezone().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _dates(first: Path, acquired: str | None, system: str | None) -> dict[str, str | None]:
    """``acquisition_date``, ``system_date`` and ``dates_basis``: from the header sections where scelle reads them,
    else from libewf's text read back as UTC, else libewf's text as it is (basis None)."""
    dated = header_dates(first)
    if dated is not None:
        return {"acquisition_date": dated.acquired, "system_date": dated.system, "dates_basis": dated.basis}
    utc = _libewf_date(acquired)
    if utc is None:
        return {"acquisition_date": acquired, "system_date": system, "dates_basis": None}
    return {"acquisition_date": utc, "system_date": _libewf_date(system), "dates_basis": UTC_DATES}


def _signature(path: Path) -> bytes:
    fd, _size = open_readonly(path)
    try:
        return os.pread(fd, 8, 0)
    finally:
        os.close(fd)


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def _libewf_reason(exc: Exception) -> str:
    """The first useful sentence of a libewf error chain (the full chain is many lines of internal names)."""
    text = _one_line(exc)
    sentences = [part.strip() for part in text.split(". ") if part.strip()]
    useful = [s for s in sentences if "unable to" not in s] or sentences
    return useful[0].rstrip(".") if useful else "libewf error"


def find_segments(first: Path) -> list[Path]:
    """The segment files of the EWF set whose first segment is ``first``, found the way ``pyewf.glob`` does.

    A name libewf's glob does not understand (``evidence.bin``) is taken as a one-segment set.
    """
    try:
        names = pyewf.glob(str(first))
    except (OSError, RuntimeError):
        return [first]
    return [Path(name) for name in names] or [first]


def _check_readable(paths: list[Path]) -> None:
    """Refuse missing files, directories and devices before libewf sees them, with scelle's one-line errors."""
    for path in paths:
        fd, _size = open_readonly(path)
        os.close(fd)


class EwfSource(ImageSource):
    """The media stored in an EWF set. Reads go through one libewf handle guarded by a lock."""

    def __init__(self, paths: list[Path], *, fast: bool | None = None) -> None:
        """Open ``paths``; ``fast=False`` reads every chunk through libewf (the oracle the tests compare with).

        By default scelle's own chunk reader is used where it applies, unless ``SCELLE_NO_FAST_PATHS=1``.
        """
        _check_readable(paths)
        self._fast: FastChunkReader | None = None
        self._want_fast = os.environ.get("SCELLE_NO_FAST_PATHS") != "1" if fast is None else fast
        self.segments = tuple(paths)
        self.format = "ewf"
        self._lock = threading.Lock()
        self._verifier: StoredChunks | None = None
        self._cache = ChunkCache(_DEFAULT_CHUNK)
        self._signature = _signature(paths[0])
        if self._signature == EVF2_SIGNATURE:
            from evidence.ewf.layout2 import diagnose  # Ex01 only: not loaded to read an E01

            # a cut or corrupt Ex01 file: say what and where (exit 3), before libewf, which can take a minute to
            # give up on a damaged section chain
            diagnose(paths)
        self._handle: Any = pyewf.handle()
        try:
            self._handle.open([str(path) for path in paths], "r")
        except (OSError, RuntimeError, ValueError) as exc:
            raise ImageError(f"{paths[0]}: not a readable EWF image: {_libewf_reason(exc)}") from exc
        try:
            self._init_values()
        except ImageError:
            self.close()
            raise

    def _init_values(self) -> None:
        handle = self._handle
        try:
            format_code = handle.get_format()
            self.size = handle.get_media_size()
            metadata = self._read_metadata(format_code)
        except (OSError, RuntimeError) as exc:
            raise ImageError(f"{self.segments[0]}: unreadable EWF metadata: {_libewf_reason(exc)}") from exc
        if format_code in _LOGICAL_FORMATS:
            raise ImageError(
                f"{self.segments[0]}: {_LOGICAL_FORMATS[format_code]} logical evidence file: it holds files, "
                "not the media of a disk"
            )
        if self.size <= 0:
            raise DamagedImageError(f"{self.segments[0]}: EWF image with an empty media (0 bytes)")
        self.metadata = metadata
        self._cache = ChunkCache(metadata.chunk_size or _DEFAULT_CHUNK)
        signature = self._signature
        if signature in EWF1_SIGNATURES:
            verifier = ChunkVerifier(list(self.segments), handle.get_chunk_size(), self.size)
            self._verifier = verifier
            self.notices = tuple(verifier.notices)
            # E01/S01 with deflate or stored chunks: scelle reads the chunks itself (evidence.ewf.reader)
            if self._want_fast and signature == E01_SIGNATURE and handle.get_compression_method() in (0, 1):
                self._fast = FastChunkReader(verifier, handle.get_chunk_size(), self.size)
        elif signature == EVF2_SIGNATURE:  # Ex01: libewf reads the chunks, scelle checks those it returns as zeros
            from evidence.ewf.layout2 import Ewf2Chunks

            self._verifier = Ewf2Chunks(list(self.segments), handle.get_chunk_size(), self.size)
        self._probe_end()

    def _read_metadata(self, format_code: int) -> ImageMetadata:
        handle = self._handle
        headers = {key: value.strip() for key, value in handle.get_header_values().items() if value is not None}
        fields: dict[str, str | None] = {name: (headers.pop(key, "") or None) for key, name in _HEADER_FIELDS.items()}
        fields.update(_dates(self.segments[0], fields["acquisition_date"], fields["system_date"]))
        level = headers.pop("compression_level", "")
        method = _COMPRESSION.get(handle.get_compression_method(), "unknown")
        compression = method if not level else f"{method} ({_COMPRESSION_LEVELS.get(level, level)})"
        extra = {key: value for key, value in headers.items() if value}
        extra["ewf_format"] = FORMAT_NAMES.get(format_code, f"unknown (0x{format_code:02x})")
        extra["segment_count"] = str(len(self.segments))
        hashes = {key.lower(): value.lower() for key, value in handle.get_hash_values().items() if value}
        return ImageMetadata(
            **fields,
            media_type=_MEDIA_TYPES.get(handle.get_media_type(), "unknown"),
            sector_size=handle.get_bytes_per_sector(),
            chunk_size=handle.get_chunk_size(),
            compression=compression,
            stored_hashes=hashes,
            extra=extra,
        )

    def _probe_end(self) -> None:
        """Read the last media byte: libewf opens a set without its last segments and fails only there."""
        try:
            with self._lock:
                data = self._handle.read_buffer_at_offset(1, self.size - 1)
        except (OSError, RuntimeError) as exc:
            raise ImageError(
                f"{self.segments[-1]}: EWF set incomplete: the media ends at byte {self.size} but the segments "
                f"given stop before it (a later segment is missing): {_libewf_reason(exc)}"
            ) from exc
        if len(data) != 1:
            raise ImageError(f"{self.segments[-1]}: EWF set incomplete: cannot read the last media byte")

    def read_at(self, offset: int, length: int) -> bytes:
        """Return up to ``length`` media bytes from ``offset``; fewer only at the end of the media.

        Small reads (TSK reads sectors and blocks all over the media) are served from whole chunks kept in a cache
        (``evidence.ewf.chunk_cache``), so a chunk is not fetched and inflated again for each; large reads are
        inflated in parallel (or go to libewf in one call).
        """
        return self._read(offset, length, False)

    def read_metadata_at(self, offset: int, length: int) -> bytes:
        """``read_at`` for file-system metadata: its chunks are kept in the cache's larger metadata set."""
        return self._read(offset, length, True)

    def _read(self, offset: int, length: int, metadata: bool) -> bytes:
        if offset < 0 or length < 0:
            raise ImageError(f"{self.segments[0]}: invalid read at offset {offset}, length {length}")
        length = max(0, min(length, self.size - offset))
        if length == 0:
            return b""
        chunk_size = self.metadata.chunk_size or _DEFAULT_CHUNK
        if length >= _DIRECT_READ_CHUNKS * chunk_size:
            if self._fast is not None:
                buffer = bytearray(length)
                self.readinto_at(offset, memoryview(buffer))
                return bytes(buffer)
            return self._read_checked(offset, length)
        parts: list[bytes] = []
        position, end = offset, offset + length
        while position < end:
            index, inside = divmod(position, chunk_size)
            chunk = self._chunk(index, chunk_size, metadata)
            piece = chunk[inside : inside + end - position]
            parts.append(piece)
            position += len(piece)
        return b"".join(parts)

    def readinto_at(self, offset: int, buffer: memoryview) -> int:
        """Fill ``buffer`` from ``offset``; large reads of E01/S01 chunks are inflated by scelle, in parallel."""
        fast = self._fast
        length = max(0, min(len(buffer), self.size - offset))
        chunk_size = self.metadata.chunk_size or _DEFAULT_CHUNK
        if fast is None or offset < 0 or length < _DIRECT_READ_CHUNKS * chunk_size:
            return super().readinto_at(offset, buffer)
        view = buffer[:length]
        for index in fast.read_into(offset, view):
            start = index * chunk_size
            data = self._read_checked(start, min(chunk_size, self.size - start))
            low, high = max(start, offset), min(start + len(data), offset + length)
            view[low - offset : high - offset] = data[low - start : high - start]
        return length

    def _chunk(self, index: int, chunk_size: int, metadata: bool) -> bytes:
        cached = self._cache.get(index, metadata)
        if cached is not None:
            return cached
        start = index * chunk_size
        fast = self._fast
        data = fast.chunk(index) if fast is not None else None
        if data is None:  # no fast reader, or the stored chunk failed a check: libewf's reading decides
            data = self._read_checked(start, min(chunk_size, self.size - start))
        self._cache.put(index, data, metadata)
        return data

    def _read_checked(self, offset: int, length: int) -> bytes:
        """``length`` bytes from libewf, every all-zero chunk among them checked against its stored form."""
        with self._lock:
            if self._handle is None:
                raise ImageError(f"{self.segments[0]}: image is closed")
            try:
                data: bytes = self._handle.read_buffer_at_offset(length, offset)
            except (OSError, RuntimeError) as exc:
                raise ImageError(
                    f"{self.segments[0]}: cannot read media offset {offset}: {_libewf_reason(exc)}"
                ) from exc
        if len(data) != length:
            raise ImageError(f"{self.segments[0]}: short read at media offset {offset}: {len(data)} of {length} bytes")
        verifier = self._verifier
        if verifier is not None:
            self._check_zero_chunks(verifier, offset, data)
        return data

    def _check_zero_chunks(self, verifier: StoredChunks, offset: int, data: bytes) -> None:
        """libewf returns a corrupt chunk as zeros: have every all-zero chunk checked against its stored form (and
        every Ex01 chunk's table, ``Ewf2Chunks.check_read``)."""
        chunk_size = self.metadata.chunk_size or 1
        chunk = offset // chunk_size
        position = 0
        while position < len(data):
            end = min(len(data), (chunk + 1) * chunk_size - offset)
            verifier.check_read(chunk, data.count(0, position, end) == end - position)
            position = end
            chunk += 1

    def close(self) -> None:
        """Close the libewf handle. Idempotent."""
        with self._lock:
            handle, self._handle = self._handle, None
            verifier, self._verifier = self._verifier, None
            fast, self._fast = self._fast, None
            self._cache.clear()
        if fast is not None:
            fast.close()
        if handle is not None:
            handle.close()
        if verifier is not None:
            verifier.close()
