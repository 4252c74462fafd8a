"""Pure encoders for the sections of an EnCase 6 style E01 (EWF version 1) segment file.

Every function takes values and returns bytes: no I/O, no clock. Field values follow the description checked byte
for byte against ``ewfacquire -f encase6`` (libewf 20140813) and libyal's "Expert Witness Compression Format"
document; section numbers in comments refer to that description (EWF.md). All integers are little-endian.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from evidence.common.errors import UsageError
from evidence.ewf.format import (
    DESCRIPTOR,
    DESCRIPTOR_CHECKED,
    DESCRIPTOR_SIZE,
    E01_SIGNATURE,
    FILE_HEADER,
    MAX_SEGMENTS,
    MAX_TABLE_ENTRIES,
    MEDIA_FLAG_IMAGE,
    MEDIA_FLAG_PHYSICAL,
    TABLE_FOOTER_SIZE,
    TABLE_HEADER,
    TABLE_HEADER_SIZE,
    VOLUME_PAYLOAD_SIZE,
    CompressionLevel,
    MediaType,
)

#: §5: EnCase shows at most 11 characters of the software version.
MAX_SOFTWARE_VERSION = 11
#: §6: libewf writes characters the header code page cannot represent as SUB.
_UNREPRESENTABLE = "\x1a"
_HEADER_ZLIB_LEVEL = 6


def adler32(data: bytes | memoryview) -> int:
    """RFC 1950 Adler-32 with the starting value 1, as every EWF checksum uses it (§1)."""
    return zlib.adler32(data) & 0xFFFFFFFF


def _with_adler(payload: bytes) -> bytes:
    return payload + struct.pack("<I", adler32(payload))


def file_header(segment_number: int) -> bytes:
    """The 13-byte file header of segment ``segment_number`` (1-based; libewf requires it to match the name)."""
    if not 1 <= segment_number <= MAX_SEGMENTS:
        raise UsageError(f"EWF segment number {segment_number} is outside 1..{MAX_SEGMENTS}")
    return FILE_HEADER.pack(E01_SIGNATURE, 1, segment_number, 0)


def descriptor(section_type: str, offset: int, size: int) -> bytes:
    """A section descriptor for a section of ``size`` bytes (descriptor included) starting at ``offset``.

    ``next`` and ``done`` point to themselves with size 0 (§10); every other section points to the byte after it.
    """
    name = section_type.encode("ascii")
    if len(name) > 16:
        raise ValueError(f"section type too long: {section_type!r}")
    if section_type in ("next", "done"):
        next_offset, size = offset, 0
    else:
        next_offset = offset + size
    return _with_adler(DESCRIPTOR.pack(name, next_offset, size, b"", 0)[:DESCRIPTOR_CHECKED])


def section(section_type: str, offset: int, payload: bytes) -> bytes:
    """A complete section (descriptor + payload) placed at ``offset``."""
    return descriptor(section_type, offset, DESCRIPTOR_SIZE + len(payload)) + payload


@dataclass(frozen=True, slots=True, kw_only=True)
class EwfMetadata:
    """Case metadata stored in the ``header2``/``header`` sections.

    ``acquired_at`` and ``system_time`` must be time-zone aware: ``header2`` stores POSIX seconds, ``header`` the
    wall-clock time in that zone (§6), so pass the examiner's local time (``datetime.now().astimezone()``).
    TAB, CR and LF cannot be stored (libewf does not escape them, §5): each becomes a space.
    """

    acquired_at: datetime
    system_time: datetime | None = None
    case_number: str = ""
    evidence_number: str = ""
    examiner: str = ""
    description: str = ""
    notes: str = ""
    model: str = ""
    serial_number: str = ""
    software_version: str = ""
    operating_system: str = ""


def clean_value(value: str) -> str:
    """A metadata value with TAB, CR and LF replaced by spaces: these separate fields and lines in the headers."""
    return value.replace("\r\n", " ").translate({0x09: " ", 0x0A: " ", 0x0D: " "})


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise UsageError("EWF header times must be time-zone aware")
    return moment


def _header_fields(meta: EwfMetadata) -> dict[str, str]:
    acquired = _aware(meta.acquired_at)
    system = _aware(meta.system_time or meta.acquired_at)
    return {
        "a": clean_value(meta.description),
        "c": clean_value(meta.case_number),
        "n": clean_value(meta.evidence_number),
        "e": clean_value(meta.examiner),
        "t": clean_value(meta.notes),
        "md": clean_value(meta.model),
        "sn": clean_value(meta.serial_number),
        "av": clean_value(meta.software_version)[:MAX_SOFTWARE_VERSION],
        "ov": clean_value(meta.operating_system),
        "m": str(int(acquired.timestamp())),
        "u": str(int(system.timestamp())),
        "p": "0",
        "dc": "",
    }


_HEADER2_MAIN = ("a", "c", "n", "e", "t", "md", "sn", "av", "ov", "m", "u", "p", "dc")
# §5: the srce and sub categories hold libewf's defaults; readers ignore them but EnCase expects them.
_HEADER2_TAIL = (
    "",
    "srce",
    "0\t1",
    "p\tn\tid\tev\ttb\tlo\tpo\tah\tgu\taq",
    "0\t0",
    "\t\t\t\t\t-1\t-1\t\t\t",
    "",
    "sub",
    "0\t1",
    "p\tn\tid\tnu\tco\tgu",
    "0\t0",
    "\t\t\t\t1\t",
    "",
)


def header2_text(meta: EwfMetadata) -> str:
    """The ``header2`` text (§5): 17 LF-terminated lines, fields separated by TAB, in the EnCase 6 layout."""
    fields = _header_fields(meta)
    lines = ("3", "main", "\t".join(_HEADER2_MAIN), "\t".join(fields[k] for k in _HEADER2_MAIN), *_HEADER2_TAIL)
    return "".join(line + "\n" for line in lines)


def header2_payload(meta: EwfMetadata) -> bytes:
    """The ``header2`` payload: zlib of the UTF-16LE text with its byte-order mark; keeps every Unicode value."""
    return zlib.compress(b"\xff\xfe" + header2_text(meta).encode("utf-16-le"), _HEADER_ZLIB_LEVEL)


def _local_date(moment: datetime) -> str:
    # §6: "YYYY M D h m s", not zero-padded, in the time zone the moment carries.
    return f"{moment.year} {moment.month} {moment.day} {moment.hour} {moment.minute} {moment.second}"


def header_text(meta: EwfMetadata) -> str:
    """The ``header`` text (§6): CR LF lines, case number first, dates as local wall-clock time."""
    fields = _header_fields(meta)
    fields["m"] = _local_date(_aware(meta.acquired_at))
    fields["u"] = _local_date(_aware(meta.system_time or meta.acquired_at))
    order = ("c", "n", "a", "e", "t", "av", "ov", "m", "u", "p")
    lines = ("1", "main", "\t".join(order), "\t".join(fields[k] for k in order), "")
    return "".join(line + "\r\n" for line in lines)


def header_payload(meta: EwfMetadata) -> bytes:
    """The ``header`` payload: zlib of the ASCII text; other characters become 0x1A as libewf writes them."""
    text = "".join(ch if ord(ch) < 0x80 else _UNREPRESENTABLE for ch in header_text(meta))
    return zlib.compress(text.encode("ascii"), _HEADER_ZLIB_LEVEL)


@dataclass(frozen=True, slots=True, kw_only=True)
class VolumeInfo:
    """The media geometry and acquisition settings stored in the ``volume`` and ``data`` sections (§7)."""

    chunk_count: int
    sectors_per_chunk: int
    bytes_per_sector: int
    sector_count: int
    media_type: MediaType = MediaType.FIXED
    physical: bool = True
    compression: CompressionLevel = CompressionLevel.FAST
    error_granularity: int = 0

    @property
    def media_size(self) -> int:
        """Bytes of media the image holds: libewf reads it as sectors x bytes per sector."""
        return self.sector_count * self.bytes_per_sector


def volume_payload(info: VolumeInfo) -> bytes:
    """The 1052-byte payload shared by ``volume`` and ``data`` sections, ending with its Adler-32."""
    flags = MEDIA_FLAG_IMAGE | (MEDIA_FLAG_PHYSICAL if info.physical else 0)
    granularity = info.error_granularity or info.sectors_per_chunk
    head = struct.pack(
        "<B3xIIIQ12xB3x4x4x4xB3xI4x16x",
        int(info.media_type),
        info.chunk_count,
        info.sectors_per_chunk,
        info.bytes_per_sector,
        info.sector_count,
        flags,
        int(info.compression),
        granularity,
    )
    return _with_adler(head.ljust(VOLUME_PAYLOAD_SIZE - 4, b"\x00"))


def table_payload(base_offset: int, entries: Sequence[int]) -> bytes:
    """A ``table``/``table2`` payload (§9): header with the group's base offset, the entries, their Adler-32.

    ``entries`` are already encoded: offset from ``base_offset``, with ``COMPRESSED_FLAG`` for zlib chunks.
    """
    if not 0 < len(entries) <= MAX_TABLE_ENTRIES:
        raise ValueError(f"a table holds 1..{MAX_TABLE_ENTRIES} entries, not {len(entries)}")
    header = _with_adler(TABLE_HEADER.pack(len(entries), b"", base_offset, b"", 0)[: TABLE_HEADER_SIZE - 4])
    body = struct.pack(f"<{len(entries)}I", *entries)
    return header + body + struct.pack("<I", adler32(body))


def table_section_size(entry_count: int) -> int:
    """Size of one ``table`` (or ``table2``) section holding ``entry_count`` entries."""
    return DESCRIPTOR_SIZE + TABLE_HEADER_SIZE + 4 * entry_count + TABLE_FOOTER_SIZE


def hash_payload(md5: bytes) -> bytes:
    """The ``hash`` payload (§11): MD5 of the media, 16 zero bytes, Adler-32."""
    if len(md5) != 16:
        raise ValueError("an MD5 digest is 16 bytes")
    return _with_adler(md5 + bytes(16))


def digest_payload(md5: bytes, sha1: bytes) -> bytes:
    """The ``digest`` payload (§11): MD5, SHA-1, 40 zero bytes, Adler-32."""
    if len(md5) != 16 or len(sha1) != 20:
        raise ValueError("an MD5 digest is 16 bytes and a SHA-1 digest 20 bytes")
    return _with_adler(md5 + sha1 + bytes(40))


def error2_payload(ranges: Sequence[tuple[int, int]]) -> bytes:
    """The ``error2`` payload (§11): the count, 512 zero bytes, Adler-32, then (first sector, count) entries."""
    head = _with_adler(struct.pack("<I", len(ranges)) + bytes(512))
    body = b"".join(struct.pack("<II", first, count) for first, count in ranges)
    return head + body + struct.pack("<I", adler32(body))


def error2_section_size(range_count: int) -> int:
    """Size of the ``error2`` section listing ``range_count`` ranges."""
    return DESCRIPTOR_SIZE + 520 + 8 * range_count + 4


def segment_extension(number: int) -> str:
    """The file extension of segment ``number`` (§13): ``E01``..``E99``, then ``EAA``..``EZZ``, ``FAA``..``ZZZ``."""
    if not 1 <= number <= MAX_SEGMENTS:
        raise UsageError(f"an E01 set holds at most {MAX_SEGMENTS} segments (needed segment {number})")
    if number < 100:
        return f"E{number:02d}"
    k = number - 100
    return chr(ord("E") + k // 676) + chr(ord("A") + (k // 26) % 26) + chr(ord("A") + k % 26)
