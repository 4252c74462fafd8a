"""Image sources: raw files and block devices, split raw sets, EWF (E01/Ex01/S01) sets and virtual disks (QCOW2,
VMDK, VHD, VHDX), behind one call.

``open_image(paths)`` first asks ``evidence.sources.detect`` whether the first file is a virtual disk (QCOW2, VMDK,
VHD, VHDX: its own reader opens it). Otherwise it looks at the first bytes and the name of the first file
(``sources.containers``): an EWF signature opens the set with libewf; a damaged or cut EWF file, an EWF name without
the signature, or a container scelle does not read is refused; anything else is raw (and libewf is not even loaded).
Given one path, the other segments are found the way TSK (split raw) and ``pyewf.glob`` (EWF) find them; given
several, they are the segments in that order. A set with a missing segment is refused.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from evidence.common.errors import ImageError
from evidence.common.files import open_readonly
from evidence.common.messages import Notice
from evidence.sources.base import ImageMetadata, ImageSource
from evidence.sources.containers import SNIFF_BYTES, is_luks, sniff
from evidence.sources.detect import open_virtual_disk
from evidence.sources.raw import RawSource
from evidence.sources.segments import check_given_segments, find_split_segments
from evidence.sources.vdisk import ContainerError

__all__ = ["ImageMetadata", "ImageSource", "open_image"]


def container_of(path: Path) -> str:
    """``ewf`` or ``raw`` for the file at ``path``; ``ImageError`` for what must not be read as raw (see module doc)."""
    fd, size = open_readonly(path)
    try:
        head = os.pread(fd, SNIFF_BYTES, 0)
    except OSError as exc:
        raise ImageError(f"{path}: {exc.strerror or exc}") from exc
    finally:
        os.close(fd)
    return sniff(path, head, size)


def open_image(
    paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    *,
    follow_absolute_parents: bool = False,
    unlock: bytes | None = None,
) -> ImageSource:
    """Open an image read-only, whatever its container: raw, split raw, EWF or a virtual disk.

    A virtual disk's parent (backing) images are opened too; only names relative to the child's folder are followed
    unless ``follow_absolute_parents`` is true (see ``evidence.sources.vdisk``).

    ``paths`` is the first segment (``x.E01``, ``x.001``, ``x.000``, ``x.raw``, a block device) or every segment in
    order. Raises ``ImageError`` naming the file for a missing or unreadable file, a directory, an empty image, a
    set with a missing segment, an EWF set libewf cannot open, or a file that must not be read as raw (a damaged
    or cut EWF segment, an EWF name without an EWF signature, a container scelle does not read).

    A media that is a LUKS volume is its plaintext when ``unlock`` (the passphrase or key file's bytes) opens it
    (``evidence.sources.luks``); without ``unlock`` it is the encrypted bytes, with a notice saying so. When the
    media is not one, ``unlock`` is kept for the LUKS volumes its partitions may hold.
    """
    source = _open_container(paths, follow_absolute_parents)
    try:
        head = source.read_at(0, 8)
    except ImageError:
        return source  # a damaged start is reported by whatever reads it
    if not is_luks(head):
        source.unlock_secret = unlock  # for a LUKS partition (evidence.reading.listing.filesystems_at)
        return source
    if unlock is None:
        source.notices = (*source.notices, Notice("luks.locked", path=source.segments[0], version=head[7]))
        return source
    from evidence.sources.luks import LuksSource  # the ciphers are loaded only for an encrypted volume

    try:
        return LuksSource(source, unlock)
    except BaseException:
        source.close()
        raise


def _open_container(
    paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]], follow_absolute_parents: bool
) -> ImageSource:
    if isinstance(paths, str | os.PathLike):
        given = [Path(paths)]
    else:
        given = [Path(path) for path in paths]
    if not given:
        raise ImageError("no image file given")
    virtual = open_virtual_disk(given[0], follow_absolute=follow_absolute_parents)
    if virtual is not None:
        if len(given) > 1 and {p.absolute() for p in given} != {p.absolute() for p in virtual.segments}:
            files = ", ".join(str(p) for p in virtual.segments)
            virtual.close()
            raise ContainerError("segments", given[0], files=files)
        return virtual
    if container_of(given[0]) == "ewf":
        from evidence.sources.ewf import EwfSource, find_segments  # libewf is loaded only for EWF images

        segments = find_segments(given[0]) if len(given) == 1 else given
        return EwfSource(segments)
    if len(given) == 1:
        segments = find_split_segments(given[0])
    else:
        check_given_segments(given)
        segments = given
    return RawSource(segments)
