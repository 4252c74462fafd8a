"""What the EWF format itself says, shared by the reader (``sources/ewf.py``, ``ewf/layout.py``) and the writer.

Signatures, the file header, the section descriptor, the table header and entries, the volume section's sizes and
flags (EWF version 1: E01, S01; section numbers refer to libyal's "Expert Witness Compression Format" document, as
in ``ewf/sections.py``). All integers are little-endian.

``open_image`` reads eight bytes and looks them up here: this module imports nothing but ``struct`` and ``enum``,
so raw images never load libewf nor the EWF layout parser.
"""

from __future__ import annotations

import struct
from enum import IntEnum

#: §3: EWF version 1 segment files: EVF (E01, S01) and LVF (L01)
EWF1_SIGNATURES = (b"EVF\x09\x0d\x0a\xff\x00", b"LVF\x09\x0d\x0a\xff\x00")
#: the signature scelle writes (an E01 segment file)
E01_SIGNATURE = EWF1_SIGNATURES[0]
#: every EWF segment file: version 1, and EVF2 (Ex01) and LEF2 (Lx01)
EWF_SIGNATURES = (*EWF1_SIGNATURES, b"EVF2\x0d\x0a\x81\x00", b"LEF2\x0d\x0a\x81\x00")

#: §3: signature, fields-start (1), segment number (1-based), fields-end (0)
FILE_HEADER = struct.Struct("<8sBHH")
FILE_HEADER_SIZE = FILE_HEADER.size  # 13

#: §4: section type (NUL-padded), offset of the next section, size of this one (descriptor included), padding,
#: Adler-32 of the 72 bytes before it. ``next`` and ``done`` point to themselves with size 0 (§10).
DESCRIPTOR = struct.Struct("<16sQQ40sI")
DESCRIPTOR_SIZE = DESCRIPTOR.size  # 76
#: bytes of a descriptor covered by its checksum
DESCRIPTOR_CHECKED = DESCRIPTOR_SIZE - 4

#: §9: entry count, padding, base offset, padding, Adler-32 of the 20 bytes before it; the entries (one ``<I`` each)
#: follow, then the Adler-32 of the entries.
TABLE_HEADER = struct.Struct("<I4sQ4sI")
TABLE_HEADER_SIZE = TABLE_HEADER.size  # 24
TABLE_FOOTER_SIZE = 4
#: §9: EnCase 6/7 readers accept at most 65534 entries in one table.
MAX_TABLE_ENTRIES = 65534
#: §9: bit 31 of a table entry marks a zlib-compressed chunk; bits 0-30 are the offset from the base offset.
COMPRESSED_FLAG = 0x80000000
MAX_RELATIVE_OFFSET = COMPRESSED_FLAG - 1

#: §7: the volume (and data) section payload, ending with its Adler-32
VOLUME_PAYLOAD_SIZE = 1052
VOLUME_SECTION_SIZE = DESCRIPTOR_SIZE + VOLUME_PAYLOAD_SIZE
#: §11, §12: the hash section (MD5) and the digest section (MD5 + SHA-1)
HASH_SECTION_SIZE = DESCRIPTOR_SIZE + 36
DIGEST_SECTION_SIZE = DESCRIPTOR_SIZE + 80
#: §13: the last segment name is .ZZZ.
MAX_SEGMENTS = 14971


class MediaType(IntEnum):
    """§7 volume byte 0."""

    REMOVABLE = 0x00
    FIXED = 0x01
    OPTICAL = 0x03
    MEMORY = 0x10


#: §7 volume byte 0 of a logical evidence file (L01): not media, so not a type scelle writes
LOGICAL_MEDIA_TYPE = 0x0E


class CompressionLevel(IntEnum):
    """§7 volume byte 52: what the chunks were compressed with (``none`` stores every chunk uncompressed)."""

    NONE = 0
    FAST = 1
    BEST = 2


#: §7 volume byte 36.
MEDIA_FLAG_IMAGE = 0x01
MEDIA_FLAG_PHYSICAL = 0x02


# EWF2 (Ex01), from libyal's "Expert Witness Compression Format 2" notes and what libewf's ewfacquire -f encase7-v2
# writes (fixtures/ewf2/SOURCES.md)

#: EWF2 file header: signature, major version (2), minor version, compression method, segment number, set GUID
FILE_HEADER_V2 = struct.Struct("<8sBBHI16s")  # 32 bytes
EVF2_SIGNATURE = EWF_SIGNATURES[2]
#: EWF2 section descriptor, which *follows* its section's data: type, data flags, offset of the previous section's
#: descriptor (0 for the first section), data size, descriptor size (64), padding size, MD5 of the data, padding,
#: Adler-32 of the 60 bytes before it. A segment file is read from its end: its last descriptor is ``next``/``done``.
DESCRIPTOR_V2 = struct.Struct("<IIQQII16s12sI")  # 64 bytes
DESCRIPTOR_V2_CHECKED = DESCRIPTOR_V2.size - 4
SECTION_V2_SECTOR_TABLE = 0x04
SECTION_V2_NEXT = 0x0D
SECTION_V2_DONE = 0x0F
#: EWF2 sector table header: first chunk, entry count, unknown, Adler-32 of the 16 bytes before it, padding;
#: then 16-byte entries, then the Adler-32 of the entries (and padding)
TABLE_HEADER_V2 = struct.Struct("<QI4xI12x")  # 32 bytes
TABLE_HEADER_V2_CHECKED = 16
#: EWF2 sector table entry: chunk data offset in the segment file, stored size, flags
TABLE_ENTRY_V2 = struct.Struct("<QII")  # 16 bytes
CHUNK_V2_COMPRESSED = 0x1
CHUNK_V2_CHECKSUM = 0x2
#: with COMPRESSED: the chunk is the entry's 8 offset bytes repeated (no stored data)
CHUNK_V2_PATTERN_FILL = 0x4
#: EWF2 file header compression method: deflate (zlib) or bzip2
COMPRESSION_V2_DEFLATE = 1
COMPRESSION_V2_BZIP2 = 2
