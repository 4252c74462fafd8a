"""Image sources: raw files and block devices, split raw sets, EWF (E01/Ex01/S01) sets and virtual disks (QCOW2,
VMDK, VHD, VHDX), behind one call.

``open_image(paths)`` looks at the first bytes of the first file (and at the last 512 for a fixed VHD's footer): an
EWF signature opens the set with libewf, a virtual disk signature its reader (``evidence.sources.detect``), anything
else is raw (and libewf is not even loaded). Given one path, the other segments are found the way TSK
(split raw) and ``pyewf.glob`` (EWF) find them; given several, they are the segments in that order. A set with a
missing segment is refused.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from evidence.common.errors import ImageError
from evidence.common.files import open_readonly
from evidence.ewf.format import EWF_SIGNATURES
from evidence.sources.base import ImageMetadata, ImageSource
from evidence.sources.detect import open_virtual_disk
from evidence.sources.raw import RawSource
from evidence.sources.segments import check_given_segments, find_split_segments
from evidence.sources.vdisk import ContainerError

__all__ = ["ImageMetadata", "ImageSource", "open_image"]


def _signature(path: Path) -> bytes:
    fd, _size = open_readonly(path)
    try:
        return os.pread(fd, 8, 0)
    except OSError as exc:
        raise ImageError(f"{path}: {exc.strerror or exc}") from exc
    finally:
        os.close(fd)


def open_image(
    paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]], *, follow_absolute_parents: bool = False
) -> ImageSource:
    """Open an image read-only, whatever its container: raw, split raw, EWF or a virtual disk.

    A virtual disk's parent (backing) images are opened too; only names relative to the child's folder are followed
    unless ``follow_absolute_parents`` is true (see ``evidence.sources.vdisk``).

    ``paths`` is the first segment (``x.E01``, ``x.001``, ``x.000``, ``x.raw``, a block device) or every segment in
    order. Raises ``ImageError`` naming the file for a missing or unreadable file, a directory, an empty image, a
    set with a missing segment, or an EWF set libewf cannot open.
    """
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
    if _signature(given[0]) in EWF_SIGNATURES:
        from evidence.sources.ewf import EwfSource, find_segments  # libewf is loaded only for EWF images

        segments = find_segments(given[0]) if len(given) == 1 else given
        return EwfSource(segments)
    if len(given) == 1:
        segments = find_split_segments(given[0])
    else:
        check_given_segments(given)
        segments = given
    return RawSource(segments)
