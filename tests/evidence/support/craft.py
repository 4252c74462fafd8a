"""Small disk images made at test time: partition tables (MBR, GPT with any sector size) and ext file systems.

Everything here writes new files under a test's tmp_path; nothing touches fixtures/. ``mke2fs``/``debugfs``
(e2fsprogs) build real ext file systems; tests needing them are marked ``external`` and skip when
they are not installed.
"""

from __future__ import annotations

import struct
import subprocess
import uuid
import zlib
from pathlib import Path

from tests.support.tools import tool

LINUX_FS_GUID = uuid.UUID("0fc63daf-8483-4772-8e79-3d69d8477de4")


def ext_image(path: Path, tree: Path, size: str = "4M", kind: str = "ext4") -> Path:
    """An ext file system image populated from the host directory ``tree`` (``mke2fs -d``)."""
    subprocess.run(
        [tool("mke2fs"), "-q", "-F", "-t", kind, "-d", str(tree), str(path), size], check=True, capture_output=True
    )
    return path


def debugfs(image: Path, command: str, *options: str) -> None:
    """Run ``debugfs -w`` on an ext image (to make what mke2fs will not: links to directories, very deep trees).

    ``command`` is one request (``-R``); pass ``""`` and ``"-f", file`` to run a command file instead.
    """
    request = ["-R", command] if command else []
    subprocess.run([tool("debugfs"), "-w", *request, *options, str(image)], check=True, capture_output=True)


def mbr_entry(kind: int, start: int, count: int) -> bytes:
    """One 16-byte MBR partition entry (CHS fields left zero, as many tools do for LBA disks)."""
    return struct.pack("<B3sB3sII", 0, b"\0\0\0", kind, b"\0\0\0", start, count)


def mbr(entries: list[bytes]) -> bytes:
    """A 512-byte MBR sector with up to four entries."""
    sector = bytearray(512)
    for index, entry in enumerate(entries):
        sector[446 + 16 * index : 462 + 16 * index] = entry
    sector[510:512] = b"\x55\xaa"
    return bytes(sector)


def gpt_disk(path: Path, sector: int, total_sectors: int, partitions: list[tuple[int, int, str]]) -> None:
    """A disk with a protective MBR and a primary GPT (UEFI 2.x layout) using ``sector``-byte sectors.

    ``partitions`` are (first LBA, last LBA, name); every one gets the Linux file system type GUID.
    """
    entries = bytearray(128 * 128)
    for index, (first, last, name) in enumerate(partitions):
        entries[index * 128 : (index + 1) * 128] = (
            LINUX_FS_GUID.bytes_le
            + uuid.uuid4().bytes_le
            + struct.pack("<QQQ", first, last, 0)
            + name.encode("utf-16-le").ljust(72, b"\0")
        )
    entry_sectors = len(entries) // sector or 1
    header = bytearray(
        struct.pack(
            "<8sIIIIQQQQ16sQIII",
            b"EFI PART",
            0x00010000,
            92,
            0,
            0,
            1,
            total_sectors - 1,
            2 + entry_sectors,
            total_sectors - 2 - entry_sectors,
            uuid.uuid4().bytes_le,
            2,
            128,
            128,
            zlib.crc32(entries),
        )
    )
    struct.pack_into("<I", header, 16, zlib.crc32(header))
    protective = mbr([mbr_entry(0xEE, 1, min(total_sectors - 1, 0xFFFFFFFF))])
    with path.open("wb") as handle:
        handle.truncate(total_sectors * sector)
        handle.write(protective)
        handle.seek(sector)
        handle.write(bytes(header))
        handle.seek(2 * sector)
        handle.write(bytes(entries))


def place(disk: Path, offset: int, content: Path) -> None:
    """Copy a file system image into a disk image at a byte offset."""
    with disk.open("r+b") as handle:
        handle.seek(offset)
        handle.write(content.read_bytes())
